"""The Task page in Chromium against the app's own sandbox (nothing configured)."""

from playwright.sync_api import expect

from lib.gateway.client import GatewayClient
from tests.e2e.conftest import ARTIFACTS, open_lyrics, wait_for_app, wait_for_covers

HOSTILE_TITLE = '<img src=x onerror="window.__pwned=1">'
HOSTILE_LYRICS = "[Verse]\n[click me](javascript:window.__pwned=2) ![pic](http://127.0.0.1:9/x.png)\n<b>bold?</b>"


def sandbox_client(page, studio) -> GatewayClient:
    page.goto(studio.url)
    wait_for_app(page)  # the first run starts the sandbox
    return GatewayClient(studio.sandbox_url, "e2e-key")


def test_running_task_becomes_songs_that_play(page, studio):
    client = sandbox_client(page, studio)
    task_id = client.generate("rain on the city at night, jazz piano")
    page.goto(f"{studio.url}/task?id={task_id}&platform=suno")
    wait_for_app(page)
    main = page.get_by_test_id("stMainBlockContainer")
    # Without a reload the fragment turns the running task into two finished songs.
    expect(main.get_by_text("Succeeded")).to_be_visible(timeout=30_000)
    wait_for_app(page)  # the finished task's full run replaces the running one's players
    expect(main.locator("audio")).to_have_count(2)
    expect(main.get_by_test_id("stImage")).to_have_count(2)
    open_lyrics(main)
    expect(main.get_by_role("heading", name="Verse").first).to_be_visible()
    wait_for_covers(page)
    audio = main.locator("audio").first
    audio.evaluate("a => { a.muted = true; return a.play(); }")
    page.wait_for_function(
        "() => { const a = document.querySelector('audio'); return a.readyState >= 3 && a.currentTime > 0.2; }",
        timeout=15_000,
    )
    durations = page.evaluate("Array.from(document.querySelectorAll('audio')).map(a => a.duration)")
    assert all(20 <= d <= 41 for d in durations), durations
    page.set_viewport_size({"width": 1400, "height": 2200})
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "task-page.png"), full_page=True)
    assert page.js_errors == []


def test_hostile_text_stays_inert(page, studio):
    client = sandbox_client(page, studio)
    task_id = client.generate_custom(lyrics=HOSTILE_LYRICS, title=HOSTILE_TITLE, tags="**loud**, :red[x]")
    page.goto(f"{studio.url}/task?id={task_id}&platform=suno")
    wait_for_app(page)
    main = page.get_by_test_id("stMainBlockContainer")
    expect(main.get_by_text("Succeeded")).to_be_visible(timeout=30_000)
    wait_for_app(page)  # the finished task's full run replaces the running one's players
    expect(main.get_by_text(HOSTILE_TITLE).first).to_be_visible()  # shown literally
    open_lyrics(main)
    expect(main.get_by_text("[click me](javascript:window.__pwned=2)", exact=False).first).to_be_visible()
    assert main.locator("img[src='x']").count() == 0
    assert main.locator("a[href^='javascript']").count() == 0
    assert main.locator("img[src*='127.0.0.1:9']").count() == 0
    assert main.locator("b", has_text="bold?").count() == 0
    assert page.evaluate("window.__pwned") is None


def test_unknown_task_gives_a_clear_message(page, studio):
    page.goto(f"{studio.url}/task?id=does-not-exist")
    wait_for_app(page)
    expect(page.get_by_test_id("stAlertContentWarning")).to_contain_text("does not know this task", timeout=15_000)
    expect(page.get_by_test_id("stException")).to_have_count(0)
