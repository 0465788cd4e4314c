"""Issue 12, finding 3: every gateway call has an overall deadline (connect, redirects and the whole
answer), not only a per-read timeout, so a gateway that drips one byte at a time cannot hold a
page. Real HTTP on 127.0.0.1 against tiny servers that drip their headers or body; deadlines are
small (1 s) against servers that would take 30 s, and the bounds asserted are generous (10 s)."""

from __future__ import annotations

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from lib.gateway import GatewayClient, errors
from tests.conftest import API_KEY

DRIP_FOR_S = 30.0  # how long a dripping answer would last: far beyond every deadline below
GENEROUS_S = 10.0  # "ended long before the drip would have": never a tight bound


def _task_body(task_id: str) -> bytes:
    clip = {"id": "clip-1", "title": "Steady", "status": "complete", "audio_url": "https://cdn.example/a.mp3"}
    data = {"task_id": task_id, "action": "MUSIC", "status": "SUCCESS", "data": [clip]}
    return json.dumps({"code": "success", "message": "", "data": data}).encode()


class Dripper:
    """A loopback server that answers every request (GET or POST) in one of these ways:
    ``body`` (headers at once, then a byte every ``interval`` s), ``chunked`` (the same as
    one-byte chunks), ``headers`` (the status line, then the headers a byte at a time),
    ``steady`` (a whole task answer in a few pieces, quickly)."""

    def __init__(self, mode: str, interval: float = 0.2) -> None:
        self.mode, self.interval = mode, interval
        self.requests: list[tuple[str, str]] = []
        self.stop = threading.Event()
        dripper = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                dripper.serve(self)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                dripper.serve(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def serve(self, handler: BaseHTTPRequestHandler) -> None:
        self.requests.append((handler.command, handler.path))
        out = handler.wfile
        try:
            if self.mode == "steady":
                if handler.command == "POST":  # a submit's answer: the new task's ID
                    body = json.dumps({"code": "success", "message": "", "data": "steady-submit"}).encode()
                else:
                    body = _task_body(handler.path.rsplit("/", 1)[-1])
                out.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
                out.write(f"Content-Length: {len(body)}\r\n\r\n".encode())
                for start in range(0, len(body), 64):
                    out.write(body[start : start + 64])
                    out.flush()
                    time.sleep(0.01)
                return
            if self.mode == "headers":
                out.write(b"HTTP/1.1 200 OK\r\n")
                self._drip(out, b"X-Slow: " + b"a" * 10_000)
                return
            chunked = self.mode == "chunked"
            length = "Transfer-Encoding: chunked" if chunked else "Content-Length: 100000"
            out.write(f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n{length}\r\n\r\n".encode())
            out.flush()
            self._drip(out, b'{"code": "success", "message": "' + b"x" * 10_000, chunked=chunked)
        except OSError:  # the client gave up: what the deadline is for
            pass

    def _drip(self, out, data: bytes, *, chunked: bool = False) -> None:
        ends = time.monotonic() + DRIP_FOR_S
        for byte in data:
            if self.stop.is_set() or time.monotonic() > ends:
                return
            piece = bytes([byte])
            out.write(b"1\r\n" + piece + b"\r\n" if chunked else piece)
            out.flush()
            time.sleep(self.interval)

    def close(self) -> None:
        self.stop.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def dripper(request):
    server = Dripper(request.param)
    yield server
    server.close()


def _client(url: str, slept: list[float], **options) -> GatewayClient:
    return GatewayClient(url, API_KEY, backoff=0, sleep=slept.append, **options)


@pytest.mark.parametrize("dripper", ["body", "chunked", "headers"], indirect=True)
def test_a_dripping_fetch_ends_at_its_deadline_and_is_not_retried(dripper):
    slept: list[float] = []
    started = time.monotonic()
    with _client(dripper.url, slept, timeout=(2.0, 1.0)) as client:  # the read timeout is the deadline
        with pytest.raises(errors.GatewayTimeoutError) as info:
            client.fetch_task(str(uuid.uuid4()))
    assert time.monotonic() - started < GENEROUS_S
    error = info.value
    assert isinstance(error, errors.DeadlineError) and not isinstance(error, errors.OutcomeUnknownError)
    assert error.kind == "timeout" and "no answer in time" in str(error) and "within 1 s" in str(error)
    # Another attempt would drip as long again: one request, no pause.
    assert len(dripper.requests) == 1 and slept == []


@pytest.mark.parametrize("dripper", ["body"], indirect=True)
def test_the_batch_fetch_post_has_the_same_deadline(dripper):
    slept: list[float] = []
    started = time.monotonic()
    with _client(dripper.url, slept, timeout=(2.0, 1.0)) as client:
        with pytest.raises(errors.DeadlineError):
            client.fetch_tasks(["task-1", "task-2"])
    assert time.monotonic() - started < GENEROUS_S
    assert [method for method, _ in dripper.requests] == ["POST"] and slept == []


@pytest.mark.parametrize("dripper", ["body", "chunked", "headers"], indirect=True)
def test_a_dripping_paid_post_is_outcome_unknown_at_the_submit_deadline(dripper):
    slept: list[float] = []
    started = time.monotonic()
    # A long read timeout, as GATEWAY_SUBMIT_TIMEOUT is meant to be the paid POST's whole deadline.
    with _client(dripper.url, slept, timeout=(2.0, 30.0), submit_timeout=1.0) as client:
        with pytest.raises(errors.OutcomeUnknownError) as info:
            client.generate("a song")
    assert time.monotonic() - started < GENEROUS_S
    assert info.value.kind == "outcome_unknown" and "may have been accepted" in str(info.value)
    assert "within 1 s" in str(info.value)
    assert [method for method, _ in dripper.requests] == ["POST"] and slept == []  # never retried


@pytest.mark.parametrize("dripper", ["steady"], indirect=True)
def test_an_answer_that_arrives_in_pieces_within_the_deadline_is_read_whole(dripper):
    with _client(dripper.url, [], timeout=(5.0, 20.0), submit_timeout=20.0) as client:
        task = client.fetch_task("steady-task")
        assert task.task_id == "steady-task" and task.songs[0].title == "Steady"
        assert client.generate("a song") == "steady-submit"  # the paid POST reads it whole too
    assert len(dripper.requests) == 2


def test_a_silent_gateway_is_still_retried_and_each_attempt_has_its_deadline(sandbox):
    """Silence (no byte at all) is a plain read timeout, retried for a free call as before; the
    attempts together stay bounded by (retries + 1) deadlines."""
    slept: list[float] = []
    sandbox.inject("timeout", delay=3.0, times=None, route="/suno/fetch/")
    started = time.monotonic()
    with _client(sandbox.url, slept, timeout=(2.0, 0.5), max_retries=2) as client:
        with pytest.raises(errors.GatewayTimeoutError) as info:
            client.fetch_task(str(uuid.uuid4()))
    assert time.monotonic() - started < GENEROUS_S
    assert not isinstance(info.value, errors.DeadlineError) and "no answer in time" in str(info.value)
    assert slept == [0.0, 0.0]


def test_the_deadline_covers_a_redirect_chain():
    """Each hop answers slowly but within the read timeout; together they pass the deadline."""
    hops: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:
            hops.append(self.path)
            time.sleep(0.6)
            self.send_response(302)
            self.send_header("Location", f"/hop{len(hops)}")
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        with _client(url, [], timeout=(2.0, 1.0), max_retries=0) as client:
            with pytest.raises(errors.GatewayTimeoutError):
                client.fetch_task("redirected")
        assert 1 < len(hops) <= 3  # cut off by the 1 s deadline, before the redirect cap
    finally:
        server.shutdown()
        server.server_close()


def test_a_silent_gateway_gets_no_retry_that_would_end_past_the_calls_deadline(sandbox):
    """The call's own deadline is twice the read timeout (at least 10 s): after a silent 6 s
    attempt, another would end past 12 s, so none is made and the page hears back in ~6 s,
    not in four read timeouts."""
    task_id = GatewayClient(sandbox.url, API_KEY).generate("quiet")
    sandbox.inject("timeout", route="/suno/fetch", delay=30.0, times=None)
    slept: list[float] = []
    with GatewayClient(sandbox.url, API_KEY, timeout=(2.0, 6.0), sleep=slept.append) as client:
        assert client._transport.call_budget == 12.0
        with pytest.raises(errors.GatewayTimeoutError):
            client.fetch_task(task_id)
    fetches = [r for r in sandbox.requests if r["method"] == "GET" and r["path"].startswith("/suno/fetch")]
    assert len(fetches) == 1 and slept == []
