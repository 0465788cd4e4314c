"""What a bilingual demo does first: open a page by its link, switch the language back and forth,
move between pages — and find everything it typed still there."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from lib.gateway import GatewayClient
from tests.e2e.conftest import (
    API_KEY_LABEL,
    ARTIFACTS,
    CUSTOM_OPTION,
    open_finished_task,
    use_custom_gateway,
    wait_for_app,
)

HEADINGS = {
    "create": {"en": "Create", "zh": "创作"},
    "task": {"en": "Task", "zh": "任务"},
    "history": {"en": "History", "zh": "历史"},
}
LANGUAGE_LABEL = {"en": "English", "zh": "中文"}
GATEWAY_LABEL = {"en": "Gateway", "zh": "网关"}
DESCRIPTION_LABEL = {"en": "Song description *", "zh": "歌曲描述 *"}
CUSTOM_URL = "https://gateway.example.com"
SESSION_KEY = "sk-demo-session-key-0042"


def no_error(page) -> None:
    expect(page.get_by_test_id("stException")).to_have_count(0)
    expect(page.get_by_text("This app has encountered an error")).to_have_count(0)
    expect(page.get_by_test_id("stDialog")).to_have_count(0)
    assert page.js_errors == []


def switch_language(page, lang: str) -> None:
    page.get_by_test_id("stSidebar").get_by_role("radio", name=LANGUAGE_LABEL[lang]).click()
    wait_for_app(page)


def go_to(page, name: str, lang: str) -> None:
    nav = page.get_by_test_id("stSidebar").get_by_test_id("stSidebarNav")
    nav.get_by_role("link", name=HEADINGS[name][lang]).click()
    wait_for_app(page)


@pytest.mark.parametrize("name", ["create", "task", "history"])
def test_each_page_opens_directly_from_its_link(page, app_server, name):
    page.goto(f"{app_server.url}/{name}")
    wait_for_app(page)
    expect(page.get_by_role("heading", name=HEADINGS[name]["en"], exact=True)).to_be_visible()
    expect(page.get_by_text("Page not found")).to_have_count(0)
    no_error(page)


@pytest.mark.parametrize("name", ["create", "task", "history"])
def test_the_language_switches_three_times_on_every_page(page, app_server, name):
    page.goto(f"{app_server.url}/{name}")
    wait_for_app(page)
    for lang in ("zh", "en", "zh"):
        switch_language(page, lang)
        expect(page.get_by_role("heading", name=HEADINGS[name][lang], exact=True)).to_be_visible()
        # The sidebar's own controls are all still drawn (they vanished with the error).
        expect(page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").first).to_be_visible()
        no_error(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"language-three-times-{name}.png"))


def test_custom_gateway_url_and_key_survive_languages_and_pages(page, app_server):
    page.goto(f"{app_server.url}/create")
    wait_for_app(page)
    use_custom_gateway(page, CUSTOM_URL, SESSION_KEY)
    sidebar = page.get_by_test_id("stSidebar")

    for step, lang in enumerate(("zh", "en", "zh")):
        switch_language(page, lang)
        go_to(page, ("history", "task", "create")[step], lang)
        no_error(page)
        # Still the custom gateway (not quietly the sandbox), with its URL and its key.
        expect(sidebar.get_by_role("combobox", name=GATEWAY_LABEL[lang])).to_have_value(CUSTOM_OPTION[lang])
        expect(sidebar.locator(".st-key-sandbox_notice")).to_have_count(0)  # no "Offline demo" badge
        expect(sidebar.get_by_role("textbox", name="Base URL")).to_have_value(CUSTOM_URL)
        expect(sidebar.locator(f"input[aria-label='{API_KEY_LABEL[lang]}']")).to_have_value(SESSION_KEY)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "custom-gateway-kept.png"))


def test_a_create_draft_survives_a_visit_to_history_and_a_language_switch(page, app_server):
    draft = "a slow waltz about the harbour at night, accordion and rain"
    page.goto(f"{app_server.url}/create")
    wait_for_app(page)
    main = page.get_by_test_id("stMainBlockContainer")
    description = main.get_by_label(DESCRIPTION_LABEL["en"])
    description.fill(draft)
    description.blur()
    wait_for_app(page)

    go_to(page, "history", "en")
    go_to(page, "create", "en")
    expect(main.get_by_label(DESCRIPTION_LABEL["en"])).to_have_value(draft)

    switch_language(page, "zh")
    expect(main.get_by_label(DESCRIPTION_LABEL["zh"])).to_have_value(draft)
    go_to(page, "history", "zh")
    go_to(page, "create", "zh")
    expect(main.get_by_label(DESCRIPTION_LABEL["zh"])).to_have_value(draft)
    no_error(page)


def test_a_task_opened_on_one_gateway_is_asked_again_after_a_switch(page, studio):
    """Seen on the sandbox, then the gateway switched: the page asks the new gateway instead of
    showing the sandbox's answer as if the new one had given it."""
    page.goto(studio.url)
    wait_for_app(page)
    # The first run starts the sandbox; its badge shows once it is up (wait_for_app alone can
    # return before a fresh server's first run has begun).
    expect(page.get_by_test_id("stSidebar").locator(".st-key-sandbox_notice")).to_be_visible(timeout=30_000)
    task_id = GatewayClient(studio.sandbox_url, "e2e-key").generate("harbour lights, slow piano")
    main = open_finished_task(page, studio.url, task_id)

    # Cloud metadata: refused before anything is sent.
    use_custom_gateway(page, "http://169.254.169.254", SESSION_KEY)
    expect(main.get_by_text("That gateway address is not allowed").first).to_be_visible(timeout=15_000)
    expect(main.get_by_text("Succeeded")).to_have_count(0)
    expect(main.locator("audio")).to_have_count(0)
    no_error(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "gateway-switch-asks-again.png"))
