"""Every page as a newcomer sees it, at a desktop width and a phone width, in English and Chinese:
no error, no script error, nothing wider than the screen — and the screenshots docs/ shows.

The screenshots land in artifacts/tour/. With ``DOCS_SCREENSHOTS=1`` they also replace the ones in
docs/screenshots/ (and docs/screenshot.png, the README's), so the docs follow the UI when it changes:
``DOCS_SCREENSHOTS=1 python -m pytest tests/e2e/test_page_tour.py``.
"""

from __future__ import annotations

import os
import shutil

import pytest
from playwright.sync_api import expect

from lib.gateway.client import GatewayClient
from tests.e2e.conftest import ARTIFACTS, ROOT, wait_for_app, wait_for_covers

WIDTHS = {"desktop": (1400, 1000), "phone": (390, 844)}
LOCALES = {"en": "en-US", "zh": "zh-CN"}
SUCCEEDED = {"en": "Succeeded", "zh": "成功"}  # the task's status badge
DOCS = ROOT / "docs" / "screenshots"
TOUR = ARTIFACTS / "tour"


@pytest.fixture(scope="module")
def finished_task(browser, studio) -> str:
    """One finished Suno task from the app's own sandbox, opened once so the library holds it."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    page = context.new_page()
    page.goto(studio.url)
    wait_for_app(page)  # the first run starts the sandbox
    task_id = GatewayClient(studio.sandbox_url, "e2e-key").generate("synthwave night drive, neon city")
    page.goto(f"{studio.url}/task?id={task_id}&platform=suno")
    wait_for_app(page)
    expect(page.get_by_test_id("stMainBlockContainer").get_by_text("Succeeded").first).to_be_visible(timeout=60_000)
    context.close()
    return task_id


def _pages(task_id: str) -> dict[str, str]:
    return {
        "create": "/create",
        "task": f"/task?id={task_id}&platform=suno",
        "history": "/history",
        "batch": "/batch",
        "published": "/published",
    }


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_every_page_renders_cleanly(browser, studio, finished_task, lang, width):
    w, h = WIDTHS[width]
    context = browser.new_context(viewport={"width": w, "height": h}, locale=LOCALES[lang])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    TOUR.mkdir(parents=True, exist_ok=True)
    try:
        for name, path in _pages(finished_task).items():
            page.goto(studio.url + path)
            wait_for_app(page)
            main = page.get_by_test_id("stMainBlockContainer")
            if name == "task":
                expect(main.get_by_text(SUCCEEDED[lang]).first).to_be_visible(timeout=30_000)
                wait_for_app(page)
                wait_for_covers(page)
            expect(page.get_by_test_id("stException")).to_have_count(0)
            # Nothing sticks out sideways: a phone scrolls down, never across.
            overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, f"{name} is {overflow} px wider than the {w} px screen"
            shot = TOUR / f"{name}-{lang}-{width}.png"
            page.screenshot(path=str(shot), full_page=False)
            if os.environ.get("DOCS_SCREENSHOTS"):
                DOCS.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(shot, DOCS / shot.name)
                if (name, lang, width) == ("task", "en", "desktop"):
                    shutil.copyfile(shot, ROOT / "docs" / "screenshot.png")
        assert errors == []
    finally:
        context.close()
