"""Issue 16's journey in Chromium: the app's own sandbox speaks each provider's dialect (picked in
the sidebar), and describe → preview (that provider's route) → submit → two playable songs works in
every one of them, in English at 1400 px and in Chinese on a phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from lib.gateway import providers
from lib.studio import provider_modes
from tests.e2e.conftest import ARTIFACTS, StreamlitServer, wait_for_app, wait_for_covers

DESCRIPTION = {"en": "Song description *", "zh": "歌曲描述 *"}
PREVIEW = {"en": "Preview request", "zh": "预览请求"}
SUBMIT = {"en": re.compile(r"^Submit"), "zh": re.compile(r"^提交")}
SUCCEEDED = {"en": "Succeeded", "zh": "成功"}
DIALECT = {"en": "API dialect", "zh": "接口类型"}


@pytest.fixture(scope="module")
def server(chromium_path):
    server = StreamlitServer()
    yield server
    server.stop()
    assert "Traceback" not in server.log(), server.log()[-4000:]


def choose_dialect(page, name: str, lang: str = "en") -> None:
    sidebar = page.get_by_test_id("stSidebar")
    label = providers.get(name).label
    box = sidebar.get_by_role("combobox", name=re.compile(DIALECT[lang]))
    box.click()
    box.fill(label)  # the list shows a few at once: typing brings the one wanted into view
    page.get_by_role("option", name=label, exact=True).click()
    wait_for_app(page)


def submit_and_hear_two_songs(page, lang: str, description: str, shot: str) -> None:
    main = page.get_by_test_id("stMainBlockContainer")
    main.get_by_label(DESCRIPTION[lang]).fill(description)
    main.get_by_role("button", name=PREVIEW[lang]).click()
    wait_for_app(page)
    main.get_by_role("button", name=SUBMIT[lang]).click()
    page.wait_for_url("**/task?id=*", timeout=30_000)
    wait_for_app(page)
    expect(main.get_by_text(SUCCEEDED[lang], exact=True).first).to_be_visible(timeout=60_000)
    wait_for_app(page)  # the running task's elements leave once the finishing run is done
    expect(main.locator("audio")).to_have_count(2)
    wait_for_covers(page)
    durations = main.locator("audio").evaluate_all("""async audios => {
        await Promise.all(audios.map(a => a.readyState >= 1 ? null :
            new Promise(ok => { a.onloadedmetadata = ok; a.onerror = ok; a.load(); })));
        return audios.map(a => a.duration);
    }""")
    assert len(durations) == 2 and all(d and d > 10 for d in durations), durations
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / shot), full_page=True)


@pytest.mark.parametrize("name", providers.NAMES)
def test_describe_submit_and_hear_two_songs_in_each_dialect(page, server, name):
    page.goto(server.url)
    wait_for_app(page)
    choose_dialect(page, name)
    main = page.get_by_test_id("stMainBlockContainer")
    route = providers.get(name).modes["suno", "inspiration"].path
    main.get_by_label(DESCRIPTION["en"]).fill("a synthwave song about night drives")
    main.get_by_role("button", name=PREVIEW["en"]).click()
    wait_for_app(page)
    expect(main.get_by_text(route, exact=True).first).to_be_visible()
    submit_and_hear_two_songs(page, "en", "a synthwave song about night drives", f"provider-{name}-task.png")
    # The card offers only what this provider can make: a Cover version where it has the mode.
    covers = main.locator("[class*='st-key-act-cover-'] button:visible")
    expect(covers).to_have_count(2 if provider_modes.offers(name, "suno", "cover") else 0)
    expect(main.locator("[class*='st-key-act-extend-'] button:visible")).to_have_count(2)
    assert page.js_errors == []


def test_the_create_page_offers_only_the_dialects_modes(page, server):
    page.goto(server.url)
    wait_for_app(page)
    choose_dialect(page, "suno-api")
    main = page.get_by_test_id("stMainBlockContainer")
    main.get_by_role("combobox").first.click()
    options = page.get_by_role("option")
    expect(options).to_have_count(len(provider_modes.offered_modes("suno-api")["suno"]))
    expect(page.get_by_role("option", name=re.compile("Cover"))).to_have_count(0)
    page.keyboard.press("Escape")
    expect(main.get_by_text("Only the modes the suno-api")).to_be_visible()


def test_udio_on_piapi_in_chinese_on_a_phone(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(f"{server.url}/?lang=zh")
        wait_for_app(page)
        page.get_by_test_id("stExpandSidebarButton").click()
        choose_dialect(page, "piapi", "zh")
        page.get_by_test_id("stSidebarCollapseButton").locator("button").click()
        main = page.get_by_test_id("stMainBlockContainer")
        main.get_by_text("Udio", exact=True).click()
        wait_for_app(page)
        main.get_by_role("textbox", name="提示词 *").fill("雨夜里的城市民谣")
        main.get_by_role("button", name=SUBMIT["zh"]).click()
        page.wait_for_url("**/task?id=*", timeout=30_000)
        wait_for_app(page)
        assert "platform=udio" in page.url
        expect(main.get_by_text(SUCCEEDED["zh"], exact=True).first).to_be_visible(timeout=60_000)
        wait_for_app(page)
        expect(main.locator("audio")).to_have_count(2)
        page.screenshot(path=str(ARTIFACTS / "provider-piapi-udio-zh-390.png"), full_page=True)
        assert errors == []
    finally:
        context.close()
