"""A newcomer's first minute: the app starts on the sandbox and every page renders cleanly."""

from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, wait_for_app


def test_app_starts_on_the_sandbox_without_errors(page, app_server):
    page.goto(app_server.url)
    wait_for_app(page)
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.locator(".st-key-sandbox_notice")).to_contain_text("Offline demo")
    expect(page.get_by_test_id("stException")).to_have_count(0)
    expect(page).to_have_title("Create · Music Task Studio")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "smoke-home.png"))
    assert page.js_errors == []


def test_deep_link_reaches_the_page_inside_the_frame(page, app_server):
    page.goto(f"{app_server.url}/history")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="History")).to_be_visible()
    expect(page.get_by_test_id("stSidebar")).to_contain_text("Gateway")
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_language_switch_to_chinese(page, app_server):
    page.goto(app_server.url)
    wait_for_app(page)
    page.get_by_test_id("stSidebar").get_by_role("radio", name="中文").click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="创作")).to_be_visible()
    expect(page.get_by_test_id("stSidebar").locator(".st-key-sandbox_notice")).to_contain_text("离线演示")
