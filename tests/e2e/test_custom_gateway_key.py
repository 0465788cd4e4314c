"""A key typed for a custom gateway keeps working after the app switches pages by itself: Create's
Submit lands on the Task page, History's *Open* does too, and the song tools and History's refresh
are used after that. The gateway is a sandbox in this process, which answers 401 without a key."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, confirm_paid, open_lyrics, use_custom_gateway, wait_for_app
from tests.e2e.test_history import click_row_checkbox

TYPED_KEY = "sk-e2e-kept-across-pages-5d1e"
DESCRIPTION = "a ferry crossing at dawn, brass and gulls"
REFUSED = "The gateway did not accept the API key"
NO_KEY = "This gateway has no API key yet"


def no_refusal(page) -> None:
    expect(page.get_by_text(REFUSED)).to_have_count(0)
    expect(page.get_by_text(NO_KEY)).to_have_count(0)
    expect(page.get_by_text("has no key, in this session")).to_have_count(0)
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_the_typed_key_survives_submit_open_refresh_and_song_tools(page, custom_gateway_app, own_gateway):
    page.goto(f"{custom_gateway_app.url}/create")
    wait_for_app(page)
    use_custom_gateway(page, own_gateway.url, TYPED_KEY)
    main = page.get_by_test_id("stMainBlockContainer")
    main.get_by_label("Song description *").fill(DESCRIPTION)
    main.get_by_role("button", name="Submit — spends credits").click()
    confirm_paid(page)

    # Submit switched to the Task page: its fetch goes out with the key.
    page.wait_for_url("**/task?id=*", timeout=30_000)
    wait_for_app(page)
    task_id = page.url.split("id=")[1].split("&")[0]
    assert task_id and own_gateway.engine.task(task_id) is not None
    expect(main.get_by_text("Succeeded")).to_be_visible(timeout=30_000)
    wait_for_app(page)  # the finished task's full run replaces the running one's players
    no_refusal(page)

    # Sing along on that page asks the gateway for the song's timeline with the key.
    wait_for_app(page)
    open_lyrics(main)  # the first card's lyrics fold, where Sing along is
    main.get_by_role("button", name="Sing along").first.click()
    wait_for_app(page)
    expect(main.locator(".karaoke button.line").first).to_be_visible(timeout=15_000)
    no_refusal(page)

    # History: its refresh, then its Open (another switch by the app) and the Task page again.
    page.get_by_test_id("stSidebar").get_by_test_id("stSidebarNav").get_by_role("link", name="History").click()
    wait_for_app(page)
    click_row_checkbox(page, 0)
    main.get_by_role("button", name="Refresh", exact=True).click()
    wait_for_app(page)
    expect(page.get_by_test_id("stToast").filter(has_text="Checked 1 task")).to_be_visible(timeout=15_000)
    no_refusal(page)
    main.get_by_test_id("stBaseButton-primary").filter(has_text="Open").click()
    page.wait_for_url("**/task?id=*", timeout=30_000)
    wait_for_app(page)
    expect(main.get_by_text("Succeeded")).to_be_visible(timeout=30_000)
    wait_for_app(page)  # the finished task's full run replaces the running one's players
    no_refusal(page)
    fetches = [r for r in own_gateway.requests if r["method"] == "GET" and task_id in r["path"]]
    assert fetches, own_gateway.requests
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "custom-gateway-key-across-pages.png"))
    assert TYPED_KEY not in main.inner_html()
    assert page.js_errors == []
