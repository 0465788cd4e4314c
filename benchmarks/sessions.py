"""Opening many browser sessions on one app server (shared by the startup benchmark and
tests/e2e/test_load.py): a browser context each, so each is a Streamlit session of its own."""
from __future__ import annotations

import time
from typing import Callable

from playwright.sync_api import expect

OPEN_AT_ONCE = 4  # sessions arriving together: all at once thrashes a 2-core machine
OPEN_TIMEOUT_MS = 180_000  # per session; generous for a busy 2-core machine

Session = tuple[object, object, list[str]]  # (context, page, page errors)


def open_sessions(browser, urls: list[str], ready: Callable[[object], object],
                  ready_at: list[float] | None = None) -> list[Session]:
    """One context per URL, a few at a time; each returned once ``ready(page)`` is visible.
    ``ready_at`` (optional) gets the monotonic moment each session was ready."""
    opened: list[Session] = []
    for first in range(0, len(urls), OPEN_AT_ONCE):
        wave: list[Session] = []
        for url in urls[first:first + OPEN_AT_ONCE]:
            context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
            page.goto(url, wait_until="commit", timeout=OPEN_TIMEOUT_MS)
            wave.append((context, page, errors))
        for _, page, _ in wave:
            # Not wait_for_app: with a fragment rerunning every 5 s on a busy machine the script is
            # rarely idle; the page's own content says it is following its task(s).
            page.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']",
                                   timeout=OPEN_TIMEOUT_MS)
            expect(ready(page)).to_be_visible(timeout=OPEN_TIMEOUT_MS)
            if ready_at is not None:
                ready_at.append(time.monotonic())
        opened += wave
    return opened


def following(page):
    """The Task page's caption while its fragment follows a running task."""
    return page.get_by_text("checking every")
