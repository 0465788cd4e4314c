"""``lib.gateway.transport`` and ``lib.gateway.routes``: what the retry rule logs, and that the key
never reaches a log record or an error in any spelling. Everything talks real HTTP on 127.0.0.1:
to the sandbox gateway, or to a tiny ``http.server`` that echoes the key back in many spellings.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import logging
import re
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote, quote_plus

import pytest

from lib.gateway import GatewayClient, errors, routes
from lib.gateway.transport import Transport
from tests.conftest import API_KEY

GATEWAY_LOGGERS = ("lib.gateway.transport", "lib.gateway.client")


def gateway_logs(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name in GATEWAY_LOGGERS]


def api_requests(sandbox, method: str, path: str) -> list[dict]:
    return [r for r in sandbox.requests if r["method"] == method and r["path"] == path]


# --------------------------------------------------------------------------------------------
# Retry decisions in the log
# --------------------------------------------------------------------------------------------


def test_a_get_retry_is_logged_with_attempt_and_delay(client, sandbox, caplog):
    task_id = client.generate("a song")
    sandbox.inject("status", status=503, times=2, route="/suno/fetch/")
    caplog.set_level(logging.DEBUG, logger="lib.gateway")
    assert client.fetch_task(task_id).task_id == task_id
    retries = [m for m in gateway_logs(caplog) if "retrying in" in m]
    assert len(retries) == 2 and client.slept == [0.0, 0.0]
    path = f"/suno/fetch/{task_id}"
    assert f"GET {path} [suno.fetch] attempt 1 of 4 failed (ServerError:" in retries[0]
    assert "attempt 2 of 4" in retries[1] and retries[1].endswith("retrying in 0.00 s")
    assert any(m == f"GET {path} [suno.fetch] answered HTTP 200" for m in gateway_logs(caplog))


def test_retry_after_and_giving_up_are_logged(client, sandbox, caplog):
    caplog.set_level(logging.INFO, logger="lib.gateway")
    sandbox.inject("status", status=429, retry_after=1, times=None)
    with pytest.raises(errors.RateLimitError):
        client.fetch_task(str(uuid.uuid4()))
    logs = gateway_logs(caplog)
    assert sum("retrying in 1.00 s (Retry-After)" in m for m in logs) == 3
    assert "attempt 4 failed" in logs[-1] and logs[-1].endswith("not retried: all 3 retries used")
    caplog.clear()
    sandbox.clear_faults()
    sandbox.inject("status", status=429, retry_after=120, times=None)
    with pytest.raises(errors.RateLimitError):
        client.fetch_task(str(uuid.uuid4()))
    [line] = gateway_logs(caplog)
    assert line.endswith("not retried: Retry-After 120 s is over the 30 s cap")


def test_a_failed_paid_post_logs_that_it_is_not_retried(client, sandbox, caplog):
    caplog.set_level(logging.DEBUG, logger="lib.gateway")
    sandbox.inject("status", status=503, route="/suno/submit/music", times=None)
    with pytest.raises(errors.ServerError):
        client.generate("a song")
    assert len(api_requests(sandbox, "POST", "/suno/submit/music")) == 1 and client.slept == []
    [failure] = [m for m in gateway_logs(caplog) if "failed" in m]
    assert failure.startswith("POST /suno/submit/music [suno.submit.music] attempt 1 failed (ServerError:")
    assert failure.endswith("not retried: a paid request is sent once and never retried automatically")
    assert not any("retrying" in m for m in gateway_logs(caplog))


def test_a_paid_post_without_an_answer_logs_outcome_unknown(sandbox, caplog):
    caplog.set_level(logging.INFO, logger="lib.gateway")
    sandbox.inject("timeout", delay=1.5, route="/udio/submit/music")
    with GatewayClient(sandbox.url, API_KEY, timeout=0.3, submit_timeout=0.3, sleep=lambda s: None) as c:
        with pytest.raises(errors.OutcomeUnknownError):
            c.udio_generate("jazz")
    [line] = gateway_logs(caplog)
    assert "[udio.submit.music] attempt 1 failed (OutcomeUnknownError:" in line
    assert "may have been accepted" in line and "not retried: a paid request is sent once" in line


def test_a_paid_route_is_never_retried_even_when_asked(sandbox):
    sandbox.inject("status", status=502, route="/suno/submit/lyrics", times=None)
    slept: list[float] = []
    transport = Transport(sandbox.url, API_KEY, backoff=0, sleep=slept.append)
    try:
        with pytest.raises(errors.ServerError):
            transport.call(routes.SUNO_LYRICS, json={"prompt": "rain"}, retry=True)
    finally:
        transport.close()
    assert len(api_requests(sandbox, "POST", "/suno/submit/lyrics")) == 1 and slept == []


def test_the_free_batch_post_retries_and_says_so(client, sandbox, caplog):
    task_id = client.generate("a song")
    sandbox.inject("status", status=503, route="/suno/fetch", method="POST", times=1)
    caplog.set_level(logging.INFO, logger="lib.gateway")
    assert set(client.fetch_tasks([task_id])) == {task_id}
    [line] = gateway_logs(caplog)
    assert line.startswith("POST /suno/fetch [suno.fetch.batch] attempt 1 of 4 failed (ServerError:")


def test_final_gateway_errors_are_logged_once(client, sandbox, caplog):
    caplog.set_level(logging.INFO, logger="lib.gateway")
    missing = str(uuid.uuid4())
    with pytest.raises(errors.NotFoundError):
        client.fetch_task(missing)
    [line] = gateway_logs(caplog)
    assert line.startswith(f"GET /suno/fetch/{missing} [suno.fetch] attempt 1 failed (NotFoundError: task_not_exist")
    assert line.endswith("not retried: the gateway's answer is final")


# --------------------------------------------------------------------------------------------
# The key, in any spelling, in no log record and no error
# --------------------------------------------------------------------------------------------

# Characters JSON and URLs escape, and a "/" that base64 and JSON may spell differently.
ECHO_KEY = 'sk-Echo/Key+9"q\\z_07=ab'


def spellings(key: str) -> dict[str, str]:
    raw = key.encode()
    b64 = base64.b64encode(raw).decode()
    return {
        "plain": key,
        "json": json.dumps(key)[1:-1],
        "json with \\/": json.dumps(key)[1:-1].replace("/", "\\/"),
        "all \\u": "".join(f"\\u{ord(c):04x}" for c in key),
        "percent": quote(key, safe=""),
        "percent, plus for space": quote_plus(key, safe=""),
        "percent, every byte": "".join(f"%{b:02x}" for b in raw),
        "base64": b64.rstrip("="),
        "base64 url-safe": base64.urlsafe_b64encode(raw).decode().rstrip("="),
        "base64 of the header": base64.b64encode(f"Bearer {key}".encode()).decode().rstrip("="),
        "base64 of user:key": base64.b64encode(f"user:{key}".encode()).decode().rstrip("="),
    }


class _EchoGateway(BaseHTTPRequestHandler):
    """Answers every call with an error that quotes the caller's key back in many spellings."""

    def log_message(self, *args) -> None:
        pass

    def _answer(self, status: int) -> None:
        key = (self.headers.get("Authorization") or "")[len("Bearer ") :]
        parts = [json.dumps(s) for s in spellings(key).values()]  # each one a valid JSON string
        partly = "".join(f"\\u{ord(c):04x}" if i % 3 == 0 else json.dumps(c)[1:-1] for i, c in enumerate(key))
        text = (
            '{"code": "upstream_error", "message": "bad key: ' + partly + '", "data": null, '
            '"echo": [' + ", ".join(parts) + "]}"
        )
        data = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self._answer(500)

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self._answer(400)


@pytest.fixture
def echo_gateway():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _EchoGateway)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _leaks(text: str, key: str) -> list[str]:
    return [name for name, form in spellings(key).items() if form in text]


@pytest.mark.parametrize("given", [ECHO_KEY, f"Bearer {ECHO_KEY}"])
def test_no_log_record_or_error_holds_the_key_in_any_spelling(echo_gateway, caplog, given):
    caplog.set_level(logging.DEBUG)  # every logger: ours, urllib3's, requests'
    slept: list[float] = []
    with GatewayClient(echo_gateway, given, backoff=0, sleep=slept.append) as client:
        with pytest.raises(errors.ServerError) as read:
            client.fetch_task("abc")  # retried 3 times, each retry logged with the error's text
        with pytest.raises(errors.GatewayError) as paid:
            client.generate("a song")  # refused, logged as not retried
        with pytest.raises(errors.ServerError):
            client.fetch_tasks(["abc", "def"], "udio")  # in parallel threads
    assert slept == [0.0] * 9
    assert len(caplog.records) > 10
    for record in caplog.records:
        for text in (record.getMessage(), str(record.msg), repr(record.args), record.exc_text or ""):
            assert _leaks(text, ECHO_KEY) == [], (record.name, text)
    for error in (read.value, paid.value):
        for text in (str(error), repr(error), error.gateway_message, error.body or "", *map(str, error.args)):
            assert _leaks(text, ECHO_KEY) == [], text
    assert read.value.gateway_message.startswith("bad key: ***")  # spelled out only by decoding


def test_the_sandboxs_echoed_key_is_kept_out_of_debug_logs(client, sandbox, caplog):
    caplog.set_level(logging.DEBUG)
    sandbox.inject("status", status=500, message=f"bad key {API_KEY} {quote(API_KEY)}", times=None)
    with pytest.raises(errors.ServerError):
        client.fetch_task(str(uuid.uuid4()))
    messages = [r.getMessage() for r in caplog.records]
    assert any("bad key *** ***" in m for m in messages)
    assert not any(API_KEY in m for m in messages)


# --------------------------------------------------------------------------------------------
# The route table
# --------------------------------------------------------------------------------------------


def test_routes_are_frozen_and_submit_routes_are_the_paid_posts():
    with pytest.raises(dataclasses.FrozenInstanceError):
        routes.SUNO_MUSIC.path = "/elsewhere"  # type: ignore[misc]
    paid = {route for route in routes.ROUTES.values() if route.paid}
    assert all(route.method == "POST" for route in paid)
    assert (
        routes.SUBMIT_ROUTES
        == {route.path for route in paid}
        == {
            "/suno/submit/music",
            "/suno/submit/lyrics",
            "/suno/submit/concat",
            "/suno/uploads/audio-url",
            "/suno/persona/create/",
            "/udio/submit/music",
        }
    )
    assert not routes.SUNO_BATCH_FETCH.paid and routes.SUNO_BATCH_FETCH.method == "POST"
    assert all(routes.ROUTES[name].name == name for name in routes.ROUTES)


def test_route_templates_fill_each_placeholder_as_one_segment():
    assert routes.SUNO_FETCH.format(task_id="task_ab:12.x-Y") == "/suno/fetch/task_ab%3A12.x-Y"
    assert routes.SUNO_FEED.format(clip_ids=["a:1", "b"]) == "/suno/feed/a%3A1,b"
    assert routes.FETCH["udio"].prefix == "/udio/fetch/" and routes.SUNO_WAV.platform == "suno"


def test_every_request_the_client_makes_is_in_the_route_table(client, sandbox, clock):
    templates = [
        re.compile(re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(route.path)) + "$") for route in routes.ROUTES.values()
    ]
    task_id = client.generate("a song")
    clock.advance(40)
    clip = client.fetch_task(task_id).songs[0]
    client.fetch_tasks([task_id])
    client.udio_generate("jazz")
    client.submit_lyrics("rain")
    client.concat(clip.id)
    client.upload_audio_url("https://example.com/a.mp3")
    client.create_persona(root_clip_id=clip.id, name="Me")
    client.wav_url(clip.id)
    client.mp4_url(clip.id)
    client.timing(clip.id)
    client.midi(clip.id)
    client.fetch_clips([s.id for s in client.request_stems(clip.id)])
    seen = {(r["method"], r["path"]) for r in sandbox.requests}
    assert len(seen) >= 14
    for method, path in seen:
        matching = [
            route
            for route, pattern in zip(routes.ROUTES.values(), templates)
            if pattern.match(path) and route.method == method
        ]
        assert matching, (method, path)
