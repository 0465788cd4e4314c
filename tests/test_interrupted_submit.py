"""A submit interrupted mid-POST: the process that sent it killed while the gateway holds the
request (a real loopback server that reads the whole POST and never answers, and a real
subprocess killed with SIGKILL), or the connection closed without an answer. No row may stay
*Sending* past the submit timeout: at start-up and on refresh it becomes *Outcome unknown*."""

from __future__ import annotations

import multiprocessing
import socket
import threading
from datetime import timedelta

import pytest

from lib.gateway import bodies, routes
from lib.gateway.client import GatewayClient
from lib.gateway.errors import OutcomeUnknownError
from lib.gateway.profiles import GatewayProfile
from lib.library.entries import utc_now
from lib.library.refresh import refresh_entries
from lib.library.store import OUTCOME_UNKNOWN, SENDING, HistoryFilter, HistoryStore
from lib.studio.submit import Submission, submit_recorded
from tests.apptest import HISTORY_PAGE, open_app
from tests.conftest import API_KEY
from tests.test_history_page import button, table

SUBMIT_TIMEOUT_S = 150.0  # GATEWAY_SUBMIT_TIMEOUT's default


class PostCatcher:
    """A loopback gateway that reads each request whole, then never answers (``close=False``:
    it holds the connection, as a gateway still working on it would) or hangs up (``close=True``)."""

    def __init__(self, *, close: bool) -> None:
        self.close = close
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.received = threading.Event()
        self.requests: list[bytes] = []
        self._held: list[socket.socket] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:  # stopped
                return
            data = b""
            while b"\r\n\r\n" not in data:
                data += conn.recv(65536) or b"\r\n\r\n"
            head, _, body = data.partition(b"\r\n\r\n")
            length = next(
                (
                    int(line.split(b":")[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length")
                ),
                0,
            )
            while len(body) < length:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                body += chunk
            self.requests.append(head + b"\r\n\r\n" + body)
            self.received.set()
            if self.close:
                conn.close()
            else:
                self._held.append(conn)

    def stop(self) -> None:
        self.sock.close()
        for conn in self._held:
            conn.close()


def inspiration(description: str) -> Submission:
    return Submission("suno", "inspiration", routes.SUNO_MUSIC.path, bodies.suno_inspiration(description))


def _submit_and_wait(url: str, gateway_url: str) -> None:
    """The app's submit, in a process of its own (killed by the test while its POST is out)."""
    store = HistoryStore(url)
    client = GatewayClient(gateway_url, API_KEY, submit_timeout=600, backoff=0)
    submission = inspiration("killed mid-post")
    profile = GatewayProfile("env", gateway_url, API_KEY)
    submit_recorded(store, profile, submission, lambda: client.submit(submission.route, submission.body))


def test_a_submit_killed_mid_post_stays_sending_only_until_its_timeout(history_url):
    HistoryStore(history_url).close()  # the schema first, so the worker only inserts
    gateway = PostCatcher(close=False)
    worker = multiprocessing.get_context("spawn").Process(target=_submit_and_wait, args=(history_url, gateway.url))
    worker.start()
    try:
        assert gateway.received.wait(120), "the worker's POST never arrived"
    finally:
        worker.kill()  # the server dies with the POST out and its answer never read
        worker.join(60)
        gateway.stop()
    assert len(gateway.requests) == 1 and b"killed mid-post" in gateway.requests[0]
    store = HistoryStore(history_url)
    [entry] = store.search()
    assert entry.status == SENDING and entry.request == dict(inspiration("killed mid-post").body)

    # A younger row may still have a live POST in another replica: left alone.
    assert store.expire_sending(SUBMIT_TIMEOUT_S) == 0 and store.get(entry.id).status == SENDING
    later = utc_now() + timedelta(seconds=SUBMIT_TIMEOUT_S + 1)
    assert store.expire_sending(SUBMIT_TIMEOUT_S, now=later) == 1
    ended = store.get(entry.id)
    assert ended.status == OUTCOME_UNKNOWN and ended.request == entry.request
    assert "may or may not have created the task" in ended.submit_error
    assert [e.id for e in store.search(HistoryFilter(statuses=(OUTCOME_UNKNOWN,)))] == [entry.id]
    store.close()


def test_a_connection_closed_mid_post_is_outcome_unknown(history_url):
    store = HistoryStore(history_url)
    gateway = PostCatcher(close=True)
    client = GatewayClient(gateway.url, API_KEY, backoff=0)
    submission = inspiration("hung up on")
    profile = GatewayProfile("env", gateway.url, API_KEY)
    try:
        with pytest.raises(OutcomeUnknownError):
            submit_recorded(store, profile, submission, lambda: client.submit(submission.route, submission.body))
    finally:
        client.close()
        gateway.stop()
    assert len(gateway.requests) == 1  # a paid POST is never retried
    [entry] = store.search()
    assert entry.status == OUTCOME_UNKNOWN and entry.request == dict(submission.body)
    store.close()


def test_a_refresh_ends_stale_sending_rows(history_url):
    store = HistoryStore(history_url)
    profile = GatewayProfile("env", "https://gw.example.com", API_KEY)
    old = store.begin_submit(
        profile,
        platform="suno",
        action="inspiration",
        route=routes.SUNO_MUSIC.path,
        body={"prompt": "old"},
        now=utc_now() - timedelta(seconds=SUBMIT_TIMEOUT_S + 60),
    )
    young = store.begin_submit(
        profile, platform="suno", action="inspiration", route=routes.SUNO_MUSIC.path, body={"prompt": "young"}
    )
    report = refresh_entries(store, store.search(), lambda name, url: None, sending_timeout_s=SUBMIT_TIMEOUT_S)
    assert report.expired == 1
    assert (store.get(old).status, store.get(young).status) == (OUTCOME_UNKNOWN, SENDING)
    assert refresh_entries(store, [], lambda name, url: None).expired == 0  # only when asked to
    store.close()


def test_the_app_ends_stale_sending_rows_when_it_opens_the_library(library, monkeypatch):
    monkeypatch.setenv("GATEWAY_SUBMIT_TIMEOUT", "60")
    profile = GatewayProfile("env", "https://gw.example.com", API_KEY)
    old = library.begin_submit(
        profile,
        platform="suno",
        action="inspiration",
        route=routes.SUNO_MUSIC.path,
        body={"prompt": "left behind"},
        now=utc_now() - timedelta(minutes=10),
    )
    young = library.begin_submit(
        profile, platform="suno", action="inspiration", route=routes.SUNO_MUSIC.path, body={"prompt": "still out"}
    )
    at = open_app(HISTORY_PAGE)
    assert (library.get(old).status, library.get(young).status) == (OUTCOME_UNKNOWN, SENDING)
    assert sorted(table(at)["status"]) == ["Outcome unknown", "Sending"]
    at.multiselect(key="hf_statuses::en").set_value([OUTCOME_UNKNOWN]).run()
    assert list(table(at)["title"]) == ["left behind"]  # the filter finds it


def test_the_history_pages_refresh_ends_a_stale_sending_row(library, on_sandbox, client, monkeypatch):
    monkeypatch.setenv("GATEWAY_SUBMIT_TIMEOUT", "60")
    profile = GatewayProfile("env", on_sandbox.url, API_KEY)
    library.record_task(client.fetch_task(client.generate("still running")), profile)
    at = open_app(HISTORY_PAGE)
    # Left by another replica killed mid-POST, after this server opened the library.
    stale = library.begin_submit(
        profile,
        platform="suno",
        action="inspiration",
        route=routes.SUNO_MUSIC.path,
        body={"prompt": "orphan"},
        now=utc_now() - timedelta(minutes=10),
    )
    button(at, "Refresh unfinished (1)").click().run()
    assert not at.exception
    assert library.get(stale).status == OUTCOME_UNKNOWN
    assert "Outcome unknown" in list(table(at)["status"])
