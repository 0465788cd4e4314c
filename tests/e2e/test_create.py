"""The newcomer's journey in Chromium, nothing configured: describe a song, submit, land on the
Task page, hear two songs under their covers."""

from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, wait_for_app, wait_for_covers


def test_describe_submit_and_hear_two_songs(page, app_server):
    page.goto(app_server.url)
    wait_for_app(page)
    main = page.get_by_test_id("stMainBlockContainer")
    main.get_by_label("Song description *").fill("a cheerful song about cats, acoustic guitar")
    main.get_by_role("button", name="Preview request").click()
    wait_for_app(page)
    expect(main.get_by_test_id("stJson")).to_contain_text("a cheerful song about cats, acoustic guitar")
    expect(main.get_by_text("/suno/submit/music").first).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "create-preview.png"), full_page=True)

    main.get_by_role("button", name="Submit", exact=True).click()  # the free sandbox: plain Submit
    page.wait_for_url("**/task?id=*", timeout=30_000)
    wait_for_app(page)
    assert "platform=suno" in page.url
    expect(main.get_by_text("Succeeded")).to_be_visible(timeout=60_000)
    wait_for_app(page)  # the finished task's full run replaces the running one's players
    expect(main.locator("audio")).to_have_count(2)
    expect(main.get_by_test_id("stImage")).to_have_count(2)
    wait_for_covers(page)
    media = page.evaluate("""async () => {
        const audios = [...document.querySelectorAll('audio')];
        await Promise.all(audios.map(a => a.readyState >= 1 ? null :
            new Promise(ok => { a.onloadedmetadata = ok; a.onerror = ok; a.load(); })));
        const covers = [...document.querySelectorAll('[data-testid="stImage"] img')];
        return {durations: audios.map(a => a.duration), covers: covers.map(i => i.naturalWidth)};
    }""")
    assert all(d and d > 10 for d in media["durations"]), media
    assert all(w > 0 for w in media["covers"]), media
    page.screenshot(path=str(ARTIFACTS / "create-journey-task.png"), full_page=True)
    # The task went into the library.
    expect(page.get_by_test_id("stSidebar").get_by_role("link").first).to_be_visible()
    assert page.js_errors == []
