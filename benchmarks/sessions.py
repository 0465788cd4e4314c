"""Opening many browser sessions on one app server (shared by the startup and load benchmarks and
tests/e2e/test_load.py): a browser context each, so each is a Streamlit session of its own. Also
counts the script runs a page asks its server for (``Reruns``), so a test can compare the gateway
requests a session caused with the runs it asked for, whatever the machine's speed."""

from __future__ import annotations

import time
from collections.abc import Callable

from playwright.sync_api import expect

OPEN_AT_ONCE = 4  # sessions arriving together: all at once thrashes a 2-core machine
OPEN_TIMEOUT_MS = 180_000  # per session; a hang guard, generous for a busy 2-core machine

Session = tuple[object, object, list[str]]  # (context, page, page errors)


def open_sessions(
    browser,
    urls: list[str],
    ready: Callable[[object], object],
    ready_at: list[float] | None = None,
    prepare: Callable[[object], None] | None = None,
) -> list[Session]:
    """One context per URL, a few at a time; each returned once ``ready(page)`` is visible.
    ``ready_at`` (optional) gets the monotonic moment each session was ready; ``prepare``
    (optional) sees each page before it opens its URL (to attach listeners such as ``Reruns``)."""
    opened: list[Session] = []
    for first in range(0, len(urls), OPEN_AT_ONCE):
        wave: list[Session] = []
        for url in urls[first : first + OPEN_AT_ONCE]:
            context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
            if prepare is not None:
                prepare(page)
            page.goto(url, wait_until="commit", timeout=OPEN_TIMEOUT_MS)
            wave.append((context, page, errors))
        for _, page, _ in wave:
            # Not wait_for_app: with a fragment rerunning every 5 s on a busy machine the script is
            # rarely idle; the page's own content says it is following its task(s).
            page.wait_for_selector(
                "[data-testid='stApp'][data-test-connection-state='CONNECTED']", timeout=OPEN_TIMEOUT_MS
            )
            expect(ready(page)).to_be_visible(timeout=OPEN_TIMEOUT_MS)
            if ready_at is not None:
                ready_at.append(time.monotonic())
        opened += wave
    return opened


def following(page):
    """The Task page's caption while its fragment follows a running task."""
    return page.get_by_text("checking every")


def table(page):
    """The Task page's table of several tasks."""
    return page.get_by_test_id("stDataFrame")


class Reruns:
    """Script runs one page asked its server for: ``Reruns(page)`` before the page opens its URL.

    Every run of the app script, whole (``full``) or one fragment's timer (``fragment``), starts
    with a ``rerun_script`` message the browser sends on the app's websocket; Playwright reports
    each frame sent. Runs the server starts by itself (``st.rerun()``) have no such message.

    Playwright delivers these events in order with its other messages from that page, so after
    ``settle(page)`` every message sent before the call has been counted.
    """

    def __init__(self, page) -> None:
        self.full = 0
        self.fragment = 0
        self.undecodable = 0
        page.on("websocket", self._socket)

    @property
    def total(self) -> int:
        return self.full + self.fragment

    def _socket(self, socket) -> None:
        if socket.url.endswith("/_stcore/stream"):
            socket.on("framesent", self._frame)

    def _frame(self, payload) -> None:
        from streamlit.proto.BackMsg_pb2 import BackMsg

        if isinstance(payload, str):
            payload = payload.encode()
        try:
            message = BackMsg.FromString(payload)
        except Exception:  # protobuf's DecodeError; not a BackMsg at all
            self.undecodable += 1
            return
        if message.WhichOneof("type") == "rerun_script":
            if message.rerun_script.fragment_id:
                self.fragment += 1
            else:
                self.full += 1


def settle(page) -> None:
    """A round trip to the page: events it emitted before this call have been handled after it."""
    page.evaluate("0")
