"""Issue 15's product wording and chrome, as a newcomer reads them in Chromium, in English and
Chinese: the free sandbox's *Submit* says nothing of credits; History shows no server path and, on
a phone, folds its filters into one line so the table is on the first screen; the model table
speaks in product words, not the catalog's field names; the sandbox is a small badge whose *More*
explains it; every page names itself in the browser tab; the theme follows the system's light or
dark setting; and the app starts without a configuration warning.
"""

from __future__ import annotations

import urllib.request

import pytest
from playwright.sync_api import expect

from lib.gateway.client import GatewayClient
from tests.e2e.conftest import wait_for_app

LOCALES = {"en": "en-US", "zh": "zh-CN"}
WIDTHS = {"desktop": (1400, 1000), "phone": (390, 844)}
WORDS = {
    "en": {
        "submit": "Submit",
        "spends": "spends credits",
        "models": "Models and their limits",
        "headers": ["Model", "Model ID", "Lyrics up to", "Style up to", "Longest song", "Available"],
        "filters": "Filters",
        "status": "Status",
        "succeeded": "Succeeded",
        "badge": "Offline demo",
        "more": "More",
        "explains": ["free", "GATEWAY_BASE_URL"],
        "pages": {"create": "Create", "task": "Task", "history": "History", "published": "Published"},
        "app": "Music Task Studio",
    },
    "zh": {
        "submit": "提交",
        "spends": "会扣费",
        "models": "模型及其限制",
        "headers": ["模型", "模型 ID", "歌词上限", "风格上限", "最长时长", "可用"],
        "filters": "筛选",
        "status": "状态",
        "succeeded": "成功",
        "badge": "离线演示",
        "more": "详情",
        "explains": ["免费", "GATEWAY_BASE_URL"],
        "pages": {"create": "创作", "task": "任务", "history": "历史", "published": "已发布"},
        "app": "音乐任务工作室",
    },
}
# The catalog's field names (lib/gateway/catalog.py) a person should never have to read.
RAW_COLUMNS = {"mv", "prompt_limit", "tags_limit", "max_length", "offline", "purpose", "since"}


@pytest.fixture(scope="module")
def finished_task(browser, studio) -> str:
    """One finished Suno task of the app's own sandbox, opened once so the library holds it."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    page = context.new_page()
    task_id = GatewayClient(studio.sandbox_url, "e2e-key").generate("synthwave night drive, neon city")
    page.goto(f"{studio.url}/task?id={task_id}&platform=suno")
    wait_for_app(page)
    expect(page.get_by_test_id("stMainBlockContainer").get_by_text("Succeeded").first).to_be_visible(timeout=60_000)
    context.close()
    return task_id


def open_page(browser, studio, path: str, lang: str, width: str = "desktop", **options):
    w, h = WIDTHS[width]
    context = browser.new_context(viewport={"width": w, "height": h}, locale=LOCALES[lang], **options)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors  # type: ignore[attr-defined]
    page.goto(studio.url + path)
    wait_for_app(page)
    return page


def main_text(page) -> str:
    """What a reader sees in the main area (innerText leaves out folded, hidden content)."""
    return page.get_by_test_id("stMainBlockContainer").inner_text()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_free_sandbox_submit_says_nothing_of_credits(browser, studio, lang):
    words = WORDS[lang]
    page = open_page(browser, studio, "/create", lang)
    try:
        main = page.get_by_test_id("stMainBlockContainer")
        submit = main.get_by_role("button", name=words["submit"], exact=True)
        expect(submit).to_be_visible()
        expect(submit).to_be_enabled()
        labels = main.get_by_role("button").all_inner_texts()
        assert not [label for label in labels if words["spends"] in label], labels
        assert page.js_errors == []
    finally:
        page.context.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_model_table_speaks_in_product_words(browser, studio, lang):
    words = WORDS[lang]
    page = open_page(browser, studio, "/create", lang)
    try:
        main = page.get_by_test_id("stMainBlockContainer")
        main.get_by_text(words["models"]).click()
        table = main.get_by_test_id("stDataFrame")
        expect(table).to_be_visible()
        headers = table.locator("th")
        expect(headers.first).to_be_attached()
        names = {text.strip() for text in headers.all_inner_texts()} - {""}
        assert set(words["headers"]) <= names, names
        assert not names & RAW_COLUMNS, names
        cells = " ".join(table.locator("td").all_inner_texts())
        assert "v4.5" in cells and "chirp-auk" in cells  # Suno's version, and the ID the gateway gets
        assert "True" not in cells and "False" not in cells
    finally:
        page.context.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_history_shows_no_server_path_and_folds_its_filters(browser, studio, finished_task, lang, width):
    words = WORDS[lang]
    page = open_page(browser, studio, "/history", lang, width)
    try:
        main = page.get_by_test_id("stMainBlockContainer")
        table = main.get_by_test_id("stDataFrame")
        expect(table.locator("td", has_text=words["succeeded"]).first).to_be_attached(timeout=30_000)
        text = main_text(page)
        # Single-user mode (no sign-in): no database file, path or backend in what is read.
        for server_word in ("SQLite", "sqlite", ".db", studio.home, "/data/"):
            assert server_word not in text, server_word
        # The filters are one line; the table, not five filters, is on the first screen.
        summary = main.get_by_text(words["filters"], exact=False).first
        expect(summary).to_be_visible()
        status = main.get_by_test_id("stMultiSelect").filter(has_text=words["status"])
        expect(status).not_to_be_visible()
        box = table.bounding_box()
        assert box is not None and box["y"] < WIDTHS[width][1], box
        summary.click()  # folded, not gone
        expect(status).to_be_visible()
        assert page.js_errors == []
    finally:
        page.context.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_sandbox_is_a_small_badge_whose_more_explains_it(browser, studio, lang):
    words = WORDS[lang]
    page = open_page(browser, studio, "/create", lang)
    try:
        notice = page.get_by_test_id("stSidebar").locator(".st-key-sandbox_notice")
        expect(notice).to_contain_text(words["badge"])
        box = notice.bounding_box()
        assert box is not None and box["height"] < 80, box  # the old block was about 270 px
        notice.get_by_role("button", name=words["more"]).click()
        popover = page.get_by_test_id("stPopoverBody")
        expect(popover).to_be_visible()
        for word in words["explains"]:
            expect(popover).to_contain_text(word)
    finally:
        page.context.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_page_names_itself_in_the_browser_tab(browser, studio, finished_task, lang):
    words = WORDS[lang]
    paths = {
        "create": "/create",
        "task": f"/task?id={finished_task}&platform=suno",
        "history": "/history",
        "published": "/published",
    }
    page = open_page(browser, studio, "/create", lang)
    try:
        for name, path in paths.items():
            page.goto(studio.url + path)
            wait_for_app(page)
            expect(page).to_have_title(f"{words['pages'][name]} · {words['app']}")
        # The favicon is the studio's own picture, served as an image.
        href = page.evaluate("() => document.querySelector(\"link[rel~='icon']\").href")
        assert href.startswith(studio.url), href
        with urllib.request.urlopen(href) as answer:
            assert answer.status == 200 and answer.headers.get_content_type() == "image/png"
    finally:
        page.context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_theme_follows_the_systems_light_or_dark_setting(browser, studio, scheme):
    page = open_page(browser, studio, "/create", "en", color_scheme=scheme)
    try:
        background = page.evaluate(
            "() => getComputedStyle(document.querySelector('[data-testid=stApp]')).backgroundColor"
        )
        red, green, blue = (int(part) for part in background[background.index("(") + 1 : -1].split(",")[:3])
        brightness = (red + green + blue) / 3
        assert (brightness > 200) if scheme == "light" else (brightness < 60), background
    finally:
        page.context.close()


def test_the_app_starts_without_a_configuration_warning(browser, studio):
    page = open_page(browser, studio, "/create", "en")
    page.context.close()
    log = studio.log()
    assert "is not a valid config option" not in log and "Warning" not in log, log[-2000:]
