"""The song card and the Task page's layout in Chromium, at a desktop's 1400 px and a phone's
390 x 844, in English and Chinese: no cut labels, "cover image" never confusable with "cover
version", the first song playable on a phone's first screen, a card's actions on one row, lyrics
folded, and a task the gateway does not know explained instead of retried."""

from __future__ import annotations

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from lib.gateway.client import GatewayClient
from tests.e2e.conftest import ARTIFACTS, wait_for_app

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1400, "height": 1000}
LOCALES = {"en": "en-US", "zh": "zh-CN"}
# The controls a card's action row may hold (buttons, menus, downloads), outside its folds.
ROW_CONTROLS = (
    "[data-testid=stButton], [data-testid=stPopover], [data-testid=stDownloadButton], [data-testid=stLinkButton]"
)


@pytest.fixture(scope="module")
def task_id(browser, studio):
    """One finished two-song task on the app's own sandbox, opened by every test of the module."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(studio.url)
    wait_for_app(page)  # the first run starts the sandbox
    context.close()
    return GatewayClient(studio.sandbox_url, "e2e-key").generate("neon synthwave over a rainy harbour")


def open_task(browser, studio, task_id: str, *, lang: str = "en", viewport=DESKTOP):
    context = browser.new_context(viewport=viewport, locale=LOCALES[lang])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors  # type: ignore[attr-defined]
    page.goto(f"{studio.url}/task?id={task_id}&platform=suno")
    wait_for_app(page)
    expect(page.get_by_test_id("stMainBlockContainer").locator("audio")).to_have_count(2, timeout=30_000)
    wait_for_app(page)
    return page


def card(page, task_id: str, index: int = 0):
    return page.locator(f".st-key-song-{task_id}-{index}")


_CUT = """(selector) => [...document.querySelectorAll(selector)]
    .flatMap(root => [...root.querySelectorAll('button')])
    .filter(b => b.offsetParent !== null)
    .filter(b => [...b.querySelectorAll('[data-testid=stMarkdownContainer]')].some(label => {
        const boxes = [...label.querySelectorAll('*')];
        for (let e = label; e && e !== b; e = e.parentElement) boxes.push(e);
        return boxes.some(e => e.scrollWidth > e.clientWidth + 1);
    }))
    .map(b => b.innerText)"""


def cut_labels(page, root_selector: str) -> list[str]:
    """Labels of the visible buttons under ``root_selector`` that do not fit (an ellipsis): the
    label's text or a box around it, up to the button, narrower than what it holds. A menu still
    opening or a font still loading may cut a label for a moment: what stays cut is reported."""
    try:
        page.wait_for_function(f"({_CUT})({root_selector!r}).length === 0", timeout=5_000)
    except PlaywrightTimeoutError:
        pass
    return page.evaluate(_CUT, root_selector)


def open_menus(page, task_id: str, index: int = 0) -> list[str]:
    """Opens each menu (popover) of a card's action row in turn; returns the cut labels in them."""
    cut = []
    menus = card(page, task_id, index).get_by_test_id("stPopover")
    for number in range(menus.count()):
        menus.nth(number).locator("button:visible").first.click()
        body = page.get_by_test_id("stPopoverBody")
        expect(body).to_be_visible()
        cut += cut_labels(page, "[data-testid=stPopoverBody]")
        page.keyboard.press("Escape")
        expect(body).to_have_count(0)
    return cut


def label_of(page, button) -> str:
    """What a person reads as a button's name: its label, or for an icon button the name its
    tooltip starts with ("**Name** — what it does")."""
    expect(button).to_be_visible()
    text = button.get_by_test_id("stMarkdownContainer").first
    if text.count() and text.inner_text().strip():
        return text.inner_text().strip()
    button.hover()
    tooltip = page.get_by_test_id("stTooltipContent")
    expect(tooltip).to_be_visible()
    name = tooltip.inner_text().split(" — ")[0].strip()
    page.mouse.move(0, 0)
    return name


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_label_is_cut_at_1400_px(browser, studio, task_id, lang):
    page = open_task(browser, studio, task_id, lang=lang)
    cut = cut_labels(page, "[class*='st-key-song-']")
    cut += open_menus(page, task_id)
    assert cut == [], cut
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"song-card-1400-{lang}.png"), full_page=True)
    assert page.js_errors == []
    page.context.close()


@pytest.mark.parametrize(
    "lang, picture, version", [("en", "cover image", "cover version"), ("zh", "封面图片", "翻唱版本")]
)
def test_the_cover_image_and_a_cover_version_have_different_names(browser, studio, task_id, lang, picture, version):
    page = open_task(browser, studio, task_id, lang=lang)
    key = f"{task_id}-0"
    menu = page.locator(f".st-key-card-download-{key}")
    if menu.count():  # the files are in the Download menu
        menu.locator("button:visible").first.click()
    image_name = label_of(page, page.locator(f".st-key-dl-cover-{key} button:visible"))
    page.keyboard.press("Escape")
    version_name = label_of(page, page.locator(f".st-key-act-cover-{key} button:visible"))
    assert image_name != version_name
    assert picture in image_name.lower() and version not in image_name.lower(), image_name
    assert version in version_name.lower() and picture not in version_name.lower(), version_name
    page.context.close()


def test_the_first_song_plays_on_a_phones_first_screen(browser, studio, task_id):
    page = open_task(browser, studio, task_id, viewport=PHONE)
    first = page.evaluate(
        """() => ['stAudio', 'stImage'].map(id => {
            const r = document.querySelector(`[data-testid=${id}]`).getBoundingClientRect();
            return [r.top, r.bottom]; })"""
    )
    (audio_top, audio_bottom), (cover_top, _) = first
    print(f"first stAudio at 390x844: top {audio_top:.0f} px, bottom {audio_bottom:.0f} px")
    assert audio_bottom <= PHONE["height"] and cover_top < audio_top, first
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "song-card-390-first-screen.png"))
    page.context.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_cards_actions_fit_one_row_on_a_phone(browser, studio, task_id, lang):
    page = open_task(browser, studio, task_id, lang=lang, viewport=PHONE)
    boxes = card(page, task_id).evaluate(
        """(card, selector) => [...card.querySelectorAll(selector)]
            .filter(e => !e.closest('[data-testid=stExpander]') && e.offsetParent !== null)
            .map(e => { const r = e.getBoundingClientRect(); return [Math.round(r.top), r.right]; })""",
        ROW_CONTROLS,
    )
    right = card(page, task_id).evaluate("c => c.getBoundingClientRect().right")
    assert len(boxes) >= 4, boxes
    assert len({top for top, _ in boxes}) == 1, boxes  # one row
    assert all(edge <= right for _, edge in boxes), (boxes, right)  # inside the card
    page.context.close()


def test_lyrics_are_folded_until_asked_for(browser, studio, task_id):
    page = open_task(browser, studio, task_id)
    song = card(page, task_id)
    verse = song.get_by_role("heading", name="Verse").first
    expect(verse).to_be_hidden()
    song.get_by_test_id("stExpander").filter(has_text="Lyrics").first.locator("summary").click()
    expect(verse).to_be_visible()
    page.context.close()


@pytest.mark.parametrize("lang, says", [("en", "does not know this task"), ("zh", "找不到这个任务")])
def test_an_unknown_task_says_what_to_check_and_offers_no_retry(browser, studio, task_id, lang, says):
    context = browser.new_context(viewport=DESKTOP, locale=LOCALES[lang])
    page = context.new_page()
    page.goto(f"{studio.url}/task?id=no-such-task-0042")
    wait_for_app(page)
    main = page.get_by_test_id("stMainBlockContainer")
    expect(main.get_by_text(says)).to_be_visible(timeout=30_000)
    wait_for_app(page)
    expect(main.get_by_role("button", name="Retry")).to_have_count(0)
    expect(main.get_by_role("button", name="重试")).to_have_count(0)
    raw = main.get_by_text("task_not_exist", exact=False)  # the gateway's code: folded, still there
    for element in raw.all():
        expect(element).to_be_hidden()
    main.get_by_test_id("stExpander").locator("summary").last.click()
    expect(raw.first).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)
    context.close()


def test_a_slow_first_look_shows_a_placeholder_then_the_songs(browser, studio, task_id):
    from lib.sandbox import control

    control(studio.sandbox_url, "faults", {"kind": "timeout", "delay": 4, "route": "/suno/fetch", "times": 1})
    context = browser.new_context(viewport=DESKTOP, locale="en-US")
    page = context.new_page()
    try:
        page.goto(f"{studio.url}/task?id={task_id}&platform=suno")
        main = page.get_by_test_id("stMainBlockContainer")
        expect(main.get_by_role("heading", name="Task")).to_be_visible(timeout=30_000)
        expect(main.get_by_test_id("stSkeletonElement").first).to_be_visible(timeout=10_000)  # not a frozen page
        expect(main.locator("audio")).to_have_count(2, timeout=30_000)
        expect(main.get_by_test_id("stSkeletonElement")).to_have_count(0)
    finally:
        control(studio.sandbox_url, "faults", method="DELETE")
        context.close()
