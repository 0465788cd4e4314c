"""A published song page in Chromium: published in one browser, opened in a fresh one with no key
and no sign-in, it plays its songs after the sandbox that made them is gone; Unpublish revokes the
link at once; a guessed link gets "not available"."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from lib.gateway.client import GatewayClient
from lib.sandbox import SandboxConfig, SandboxGateway
from tests.e2e.conftest import ARTIFACTS, StreamlitServer, open_finished_task, wait_for_app

KEY = "sk-operator-publish-test"


@pytest.fixture
def gateway_and_app(chromium_path, tmp_path):
    """An app whose operator-configured gateway is a sandbox of the test's own, so the test can
    take it away; the app keeps published media in a folder."""
    sandbox = SandboxGateway(SandboxConfig.fast()).start()
    server = StreamlitServer(
        {"GATEWAY_BASE_URL": sandbox.url, "GATEWAY_API_KEY": KEY, "MEDIA_STORE_URL": f"file://{tmp_path / 'media'}"}
    )
    yield sandbox, server
    server.stop()
    sandbox.stop()
    assert "Traceback" not in server.log(), server.log()[-4000:]


def loaded_media(page) -> dict:
    return page.evaluate("""async () => {
        const audios = [...document.querySelectorAll('audio')];
        await Promise.all(audios.map(a => a.readyState >= 1 ? null :
            new Promise(ok => { a.onloadedmetadata = ok; a.onerror = ok; a.load(); })));
        const covers = [...document.querySelectorAll('[data-testid="stImage"] img')];
        await Promise.all(covers.map(i => i.complete ? null : new Promise(ok => { i.onload = ok; i.onerror = ok; })));
        return {durations: audios.map(a => a.duration), covers: covers.map(i => i.naturalWidth)};
    }""")


def test_a_published_page_outlives_its_gateway_and_unpublish_revokes_it(browser, page, gateway_and_app):
    sandbox, server = gateway_and_app
    with GatewayClient(sandbox.url, KEY) as client:
        task_id = client.generate("a lullaby for a sleepy robot")
    main = open_finished_task(page, server.url, task_id)
    page.get_by_role("button", name="Publish").first.click()
    popover = page.get_by_test_id("stPopoverBody")
    popover.get_by_text("Allow downloads on the page").click()
    popover.get_by_role("button", name="Publish").click()
    wait_for_app(page)
    # The popover stays open, now with the link.
    link = page.get_by_test_id("stPopoverBody").get_by_test_id("stCode").first.inner_text(timeout=30_000).strip()
    assert re.fullmatch(rf"{re.escape(server.url)}/listen\?p=[A-Za-z0-9_-]{{32}}", link), link
    assert KEY not in link
    sandbox.stop()  # the gateway and every link it handed out are gone

    stakeholder = browser.new_context(viewport={"width": 390, "height": 844})  # a phone, no cookies
    visitor = stakeholder.new_page()
    visitor.goto(link)
    wait_for_app(visitor)
    shown = visitor.get_by_test_id("stMain")
    expect(shown.locator("audio")).to_have_count(2, timeout=30_000)
    media = loaded_media(visitor)
    assert all(d and d > 1 for d in media["durations"]), media
    assert len(media["covers"]) == 2 and all(w > 0 for w in media["covers"]), media
    expect(shown.get_by_role("button", name="Download audio")).to_have_count(2)
    expect(visitor.get_by_test_id("stSidebar")).to_have_count(0)
    expect(visitor.get_by_test_id("stSidebarNav")).to_have_count(0)
    text = visitor.locator("body").inner_text()
    assert KEY not in text and "Create" not in text and "History" not in text
    ARTIFACTS.mkdir(exist_ok=True)
    visitor.screenshot(path=str(ARTIFACTS / "published-page-390.png"), full_page=True)

    # A guessed link, and the real one after Unpublish: the same plain answer.
    visitor.goto(f"{server.url}/listen?p={'A' * 32}")
    expect(visitor.get_by_role("heading", name="Not available")).to_be_visible(timeout=15_000)
    page.goto(f"{server.url}/published")
    wait_for_app(page)
    page.get_by_role("button", name="Unpublish").click()
    expect(page.get_by_text("You have not published anything yet")).to_be_visible(timeout=15_000)
    visitor.goto(link)
    expect(visitor.get_by_role("heading", name="Not available")).to_be_visible(timeout=15_000)
    expect(visitor.locator("audio")).to_have_count(0)
    assert main is not None and page.js_errors == []
    stakeholder.close()
