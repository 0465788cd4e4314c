"""Insights, the balance and the gateway's model list in Chromium (issue 17): the Insights page
shows each gateway's success rate and generation times as the library's rows (seeded with known
times on two gateways) make them, with the History filters; the sidebar shows the sandbox key's
balance from its billing routes; the Create page's model list comes from the sandbox's
``/v1/models``. Screenshots at 1400 and 390 px in English and Chinese land in ``artifacts/``."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from lib.library.store import HistoryStore
from lib.sandbox import account as sandbox_account
from lib.sandbox import control
from lib.ui.resources import SANDBOX_KEY
from tests import insight_rows
from tests.e2e.conftest import ARTIFACTS, StreamlitServer, free_port, wait_for_app, wait_for_http

HEADINGS = {"en": "By gateway", "zh": "按网关"}


@pytest.fixture(scope="module")
def seeded(tmp_path_factory, chromium_path):
    """The app on a library holding ``insight_rows``' tasks, its sandbox on a known port."""
    folder = tmp_path_factory.mktemp("insights")
    url = f"sqlite:///{folder / 'library.db'}"
    store = HistoryStore(url)
    insight_rows.seed(store)
    store.close()
    port = free_port()
    server = StreamlitServer({"HISTORY_DATABASE_URL": url, "SANDBOX_PORT": str(port)})
    server.sandbox_url = f"http://127.0.0.1:{port}"
    yield server
    server.stop()
    assert "Traceback" not in server.log(), server.log()[-4000:]


def gateway_row(page, gateway: str):
    return page.get_by_test_id("stTable").locator("tbody tr", has_text=gateway)


def test_insights_show_each_gateways_success_rate_and_generation_times(page, seeded):
    page.goto(f"{seeded.url}/insights")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Insights")).to_be_visible()
    for gateway, expected in insight_rows.EXPECTED.items():
        row = gateway_row(page, gateway)
        expect(row).to_have_count(1, timeout=20_000)
        for value in (expected["success"], expected["gen_p50"], expected["gen_p90"], expected["queue_p50"]):
            expect(row).to_contain_text(value)
    metrics = page.get_by_test_id("stMetric")
    expect(metrics.filter(has_text="Tasks")).to_contain_text("6")
    expect(metrics.filter(has_text="Success rate")).to_contain_text("83%")  # 5 of 6 ended
    expect(metrics.filter(has_text="Spent")).to_contain_text("$0.60")
    expect(page.get_by_test_id("stVegaLiteChart")).to_have_count(3)
    # The failure reasons' grid (its accessible table mirrors the cells), plain text from the row.
    expect(page.locator("[data-testid='stDataFrame'] td", has_text="moderation: lyrics refused")).to_have_count(1)
    assert page.js_errors == []

    # The History filters apply (folded above the figures): one gateway picked, only its row remains.
    expect(page.get_by_text("Filtered:")).to_have_count(0)
    page.get_by_test_id("stMainBlockContainer").get_by_test_id("stExpander").filter(has_text="Filters").first.locator(
        "summary"
    ).click()
    gateways = page.get_by_test_id("stMainBlockContainer").get_by_role("combobox", name="Gateway")
    expect(gateways).to_be_visible()
    bolt = page.get_by_role("option", name="Bolt")
    for _ in range(5):  # the expander's opening can swallow a first click on the list
        gateways.click()
        try:
            expect(bolt).to_be_visible(timeout=3_000)
            break
        except AssertionError:
            page.keyboard.press("Escape")
    bolt.click()
    page.keyboard.press("Escape")
    wait_for_app(page)
    expect(gateway_row(page, "Acme")).to_have_count(0)
    expect(gateway_row(page, "Bolt")).to_contain_text(insight_rows.EXPECTED["Bolt"]["success"])
    expect(metrics.filter(has_text="Tasks")).to_contain_text("2")
    expect(page.get_by_text("Filtered:")).to_be_visible()


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("width", [1400, 390])
def test_insights_read_well_in_both_languages_and_on_a_phone(browser, seeded, lang, width):
    context = browser.new_context(
        viewport={"width": width, "height": 2400}, locale="zh-CN" if lang == "zh" else "en-US"
    )
    page = context.new_page()
    try:
        page.goto(f"{seeded.url}/insights?lang={lang}")
        wait_for_app(page)
        expect(page.get_by_role("heading", name=HEADINGS[lang])).to_be_visible(timeout=20_000)
        expect(gateway_row(page, "Bolt")).to_contain_text("100% (2/2)")
        page.wait_for_function(
            "() => document.querySelectorAll('[data-testid=stVegaLiteChart] canvas, "
            "[data-testid=stVegaLiteChart] svg').length >= 3"
        )
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"the page scrolls sideways by {overflow}px"
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"insights-{lang}-{width}.png"), full_page=True)
    finally:
        context.close()


def test_an_empty_library_says_what_to_do(page, chromium_path):
    server = StreamlitServer({"SANDBOX_PORT": str(free_port())})
    try:
        page.goto(f"{server.url}/insights")
        wait_for_app(page)
        expect(page.get_by_text("No tasks yet")).to_be_visible(timeout=20_000)
        expect(page.get_by_role("link", name="Create your first song")).to_be_visible()
        expect(page.get_by_test_id("stMetric")).to_have_count(0)
    finally:
        server.stop()
    assert "Traceback" not in server.log(), server.log()[-4000:]


def test_the_sidebar_shows_the_sandbox_keys_balance(page, seeded):
    page.goto(f"{seeded.url}/create")
    wait_for_app(page)
    wait_for_http(f"{seeded.sandbox_url}/_sandbox/health")
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text(f"Balance ${sandbox_account.HARD_LIMIT_USD:.2f} · used $0.00")).to_be_visible(
        timeout=20_000
    )
    asked = {(r["method"], r["path"]) for r in control(seeded.sandbox_url, "requests")}
    assert {("GET", "/v1/dashboard/billing/subscription"), ("GET", "/v1/dashboard/billing/usage")} <= asked
    assert SANDBOX_KEY not in page.content()


def test_the_create_pages_models_come_from_the_gateways_list(page, seeded):
    page.goto(f"{seeded.url}/create")
    wait_for_app(page)
    picker = page.get_by_role("combobox", name="Model")
    expect(picker).to_have_value("v4 · chirp-v4")  # the table's default, which the gateway lists
    picker.click()
    options = page.get_by_role("option")
    expect(options.filter(has_text=re.compile(r"chirp-v5-5$"))).to_have_count(1)  # only the gateway names it
    expect(options.filter(has_text="chirp-v3-0")).to_have_count(0)  # in the table, not in the gateway's list
    expect(options.filter(has_text="gpt-4o-mini")).to_have_count(0)
    page.keyboard.press("Escape")
    asked = [r["path"] for r in control(seeded.sandbox_url, "requests")]
    assert asked.count("/v1/models") == 1  # kept for the server: asked once, however many runs
