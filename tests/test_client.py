"""``lib.gateway.GatewayClient`` against the sandbox gateway over real HTTP on 127.0.0.1.

Time moves with the manual ``clock`` fixture; retry pauses go to ``client.slept`` instead of
sleeping. What the client sent is read back from ``sandbox.requests`` (method, path, JSON body).
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from lib.gateway import errors
from lib.gateway.client import GatewayClient, normalise_base_url
from lib.gateway.models import AlignedWord, Song, TaskStatus

API_KEY = "test-key"  # the key the ``client`` fixture uses
PAST_DONE = 40.0  # seconds after which every default-timeline task is done (Suno: 24-36 s)

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
ORDER = [TaskStatus.NOT_START, TaskStatus.SUBMITTED, TaskStatus.QUEUED, TaskStatus.IN_PROGRESS, TaskStatus.SUCCESS]


def api_requests(sandbox, method: str | None = None, path: str | None = None) -> list[dict]:
    return [
        r for r in sandbox.requests if (method is None or r["method"] == method) and (path is None or r["path"] == path)
    ]


def finished_song(client, clock, description: str = "a rainy night in the city"):
    """A Suno task advanced to SUCCESS: (task_id, first clip)."""
    task_id = client.generate(description)
    clock.advance(PAST_DONE)
    task = client.fetch_task(task_id)
    assert task.status is TaskStatus.SUCCESS
    return task_id, task.songs[0]


# --------------------------------------------------------------------------------------------
# Authorization and the key
# --------------------------------------------------------------------------------------------


class _HeaderRecorder(BaseHTTPRequestHandler):
    """A one-route stand-in gateway that remembers the headers it was sent."""

    seen: list[dict[str, str]] = []

    def log_message(self, *args) -> None:
        pass

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        type(self).seen.append(dict(self.headers))
        data = json.dumps({"code": "success", "message": "", "data": "tid-1"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def header_gateway():
    _HeaderRecorder.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _HeaderRecorder)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", _HeaderRecorder.seen
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("key", ["test-key", "  test-key ", "Bearer test-key", "bearer test-key"])
def test_authorization_header_is_bearer_key(header_gateway, key):
    url, seen = header_gateway
    with GatewayClient(url, key, backoff=0, sleep=lambda s: None) as client:
        assert client.generate("x") == "tid-1"
    assert seen[-1]["Authorization"] == "Bearer test-key"
    assert seen[-1]["Content-Type"] == "application/json"


def test_empty_key_sends_no_authorization_header(header_gateway):
    url, seen = header_gateway
    with GatewayClient(url, "", backoff=0, sleep=lambda s: None) as client:
        client.generate("x")
    assert "Authorization" not in seen[-1]


def test_sandbox_accepts_the_clients_key(client, sandbox):
    task_id = client.generate("a cheerful song about cats")
    assert UUID.fullmatch(task_id)
    assert client.fetch_task(task_id).task_id == task_id


def test_empty_key_is_rejected_with_the_gateways_message(sandbox):
    with GatewayClient(sandbox.url, "", backoff=0, sleep=lambda s: None) as keyless:
        with pytest.raises(errors.AuthenticationError) as info:
            keyless.generate("a song")
    error = info.value
    assert error.status == 401
    assert error.gateway_message.startswith("未提供令牌 (request id: ")
    assert error.request_id and re.fullmatch(r"[0-9a-f]{20}", error.request_id)
    assert error.request_id in error.gateway_message
    assert "未提供令牌" in str(error)
    assert len(api_requests(sandbox, "POST")) == 1  # a 401 is not retried


def _assert_key_absent(error: errors.GatewayError, key: str = API_KEY) -> None:
    for text in (str(error), repr(error), error.gateway_message, error.body or "", *map(str, error.args)):
        assert key not in text


def test_key_echoed_by_the_gateway_is_scrubbed(client, sandbox):
    sandbox.inject("status", status=500, message="bad key test-key", times=None)
    with pytest.raises(errors.ServerError) as info:
        client.fetch_task(str(uuid.uuid4()))
    error = info.value
    _assert_key_absent(error)
    assert error.gateway_message == "bad key ***"
    assert "bad key ***" in str(error)
    assert "test-key" not in json.dumps(sandbox.requests)


def test_key_echoed_in_an_auth_error_is_scrubbed(client, sandbox):
    sandbox.inject("status", status=401, message="无效的令牌 test-key")
    with pytest.raises(errors.AuthenticationError) as info:
        client.generate("a song")
    _assert_key_absent(info.value)
    assert info.value.gateway_message.startswith("无效的令牌 ***")


def test_key_given_with_bearer_prefix_is_still_scrubbed(sandbox):
    sandbox.inject("status", status=500, message="bad key test-key")
    with GatewayClient(sandbox.url, "Bearer test-key", max_retries=0, sleep=lambda s: None) as c:
        with pytest.raises(errors.ServerError) as info:
            c.fetch_task(str(uuid.uuid4()))
    _assert_key_absent(info.value)
    assert "test-key" not in repr(c)


# --------------------------------------------------------------------------------------------
# Base URL and IDs
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", "/", "//", "/v1", "/v1/", "/V1"])
def test_base_url_trailing_slash_and_v1_are_trimmed(sandbox, suffix):
    with GatewayClient(sandbox.url + suffix, API_KEY, backoff=0, sleep=lambda s: None) as c:
        assert c.base_url == sandbox.url
        task_id = c.generate("a song")
        assert c.fetch_task(task_id).task_id == task_id
    assert [r["path"] for r in sandbox.requests] == ["/suno/submit/music", f"/suno/fetch/{task_id}"]


@pytest.mark.parametrize(
    "base", ["ftp://example.com", "example.com", "localhost:3000", "", "   ", "http://", "https:///v1"]
)
def test_non_http_base_url_is_invalid_input(base):
    with pytest.raises(errors.InvalidInputError):
        GatewayClient(base, API_KEY)
    with pytest.raises(errors.InvalidInputError):
        normalise_base_url(base)


@pytest.mark.parametrize("bad_id", ["abc def", "a/b", "../etc", "abc?x=1", "a#b", "", "   ", "x" * 129, "中文", "a,b"])
def test_bad_task_ids_are_rejected_before_sending(client, sandbox, bad_id):
    with pytest.raises(errors.InvalidInputError):
        client.fetch_task(bad_id)
    with pytest.raises(errors.InvalidInputError):
        client.fetch_tasks(["0e7f1c52-8d64-4f0a-9f3b-2a7c1d9e5b10", bad_id])
    with pytest.raises(errors.InvalidInputError):
        client.wav_url(bad_id)
    with pytest.raises(errors.InvalidInputError):
        client.concat(bad_id)
    with pytest.raises(errors.InvalidInputError):
        client.udio_continue(bad_id, "more")
    assert sandbox.requests == []


def test_valid_ids_are_percent_encoded_as_one_path_segment(client, sandbox):
    with pytest.raises(errors.NotFoundError):
        client.fetch_task("task_ab:12.x-Y")
    assert sandbox.requests[-1]["path"] == "/suno/fetch/task_ab%3A12.x-Y"
    assert sandbox.requests[-1]["method"] == "GET"


def test_unknown_platform_is_invalid_input(client, sandbox):
    with pytest.raises(errors.InvalidInputError):
        client.fetch_task("abc", platform="midjourney")
    assert sandbox.requests == []


# --------------------------------------------------------------------------------------------
# Fetching: lifecycles
# --------------------------------------------------------------------------------------------


def test_fetch_task_follows_the_suno_lifecycle(client, sandbox, clock):
    task_id = client.generate("a rainy night in the city")
    finish_after = sandbox.engine.task(task_id).finish_after

    task = client.fetch_task(task_id)
    assert task.status is TaskStatus.NOT_START
    assert task.raw["data"]["data"] is None and task.songs == ()
    assert task.platform == "suno" and task.action == "MUSIC" and task.progress == 0
    assert task.submitted_at is not None and task.submitted_at.tzinfo is not None
    assert task.started_at is None and task.finished_at is None

    clock.advance(2)  # the scaled timeline has SUBMITTED at 0.8-1.2 s and QUEUED at 3.2-4.8 s
    task = client.fetch_task(task_id)
    assert task.status is TaskStatus.SUBMITTED
    assert [s.status for s in task.songs] == ["submitted", "submitted"]
    assert all(s.audio_url is None and s.duration is None for s in task.songs)

    clock.advance(4)  # 6 s: IN_PROGRESS starts at 8-12 s
    task = client.fetch_task(task_id)
    assert task.status is TaskStatus.QUEUED
    assert [s.status for s in task.songs] == ["queued", "queued"]

    clock.advance(7)  # 13 s: done at 24-36 s
    task = client.fetch_task(task_id)
    assert task.status is TaskStatus.IN_PROGRESS and task.progress == 0
    assert task.started_at is not None and task.finished_at is None
    assert [s.status for s in task.songs] == ["streaming", "streaming"]
    for song in task.songs:
        assert song.is_streaming and song.duration is None
        assert song.audio_url == f"{sandbox.url}/audiopipe/?item_id={song.id}"

    clock.advance(PAST_DONE - 13)
    task = client.fetch_task(task_id)
    assert task.status is TaskStatus.SUCCESS and task.is_success and task.is_terminal
    assert task.progress == 100 and task.fail_reason == ""
    assert len(task.songs) == 2 and len({s.id for s in task.songs}) == 2
    for song in task.songs:
        assert song.is_complete
        assert UUID.fullmatch(song.id)
        assert song.audio_url == f"{sandbox.url}/media/{song.id}.mp3"
        assert song.image_url == f"{sandbox.url}/media/{song.id}-large.png"
        assert 20.0 <= song.duration <= 40.0
        assert song.title and song.lyrics and song.tags
        assert song.description == "a rainy night in the city"
        assert song.model == "chirp-v4"
    for moment in (task.submitted_at, task.started_at, task.finished_at):
        assert moment.tzinfo is not None and moment.utcoffset().total_seconds() == 0
    assert task.submitted_at <= task.started_at < task.finished_at
    assert abs((task.finished_at - task.submitted_at).total_seconds() - finish_after) <= 1


@pytest.mark.parametrize("dialect", ["nested", "flat"])
def test_fetch_udio_task_in_both_dialects(client, sandbox, clock, dialect):
    sandbox.config.udio_dialect = dialect
    task_id = client.udio_generate("萨克斯, 抒情, 夜晚, 城镇")
    task = client.fetch_task(task_id, "udio")
    assert task.platform == "udio" and task.status is TaskStatus.NOT_START and task.songs == ()

    clock.advance(13)
    task = client.fetch_task(task_id, "udio")
    assert task.status is TaskStatus.IN_PROGRESS and len(task.songs) == 2
    assert all(not s.is_complete and s.duration is None for s in task.songs)

    clock.advance(PAST_DONE - 13)
    task = client.fetch_task(task_id, "udio")
    raw_task = task.raw["data"]
    songs = raw_task["songs"] if dialect == "flat" else raw_task["data"]["songs"]
    assert len(songs) == 2 and all(s["generation_id"] == task_id for s in songs)
    assert task.task_id == task_id and task.action == "udio-generate"
    assert task.status is TaskStatus.SUCCESS and task.progress == 100
    assert [s.id for s in task.songs] == [s["id"] for s in songs]
    for song in task.songs:
        assert song.is_complete and song.title
        assert song.audio_url == f"{sandbox.url}/media/{song.id}.mp3"
        assert song.image_url == f"{sandbox.url}/media/{song.id}.png"
        assert 28.0 <= song.duration <= 36.0  # udio32 clips
        assert song.description == "萨克斯, 抒情, 夜晚, 城镇"
        assert len(song.tags) == 5


def test_fetch_lyrics_task(client, sandbox, clock):
    task_id = client.submit_lyrics("dance all night")
    task = client.fetch_task(task_id)
    assert task.status is TaskStatus.IN_PROGRESS and task.lyrics is None and task.action == "LYRICS"
    clock.advance(sandbox.config.lyrics_seconds)
    task = client.fetch_task(task_id)
    assert task.status is TaskStatus.SUCCESS and task.is_lyrics and task.songs == ()
    assert task.lyrics.title and "[Verse" in task.lyrics.text and task.lyrics.tags
    assert task.submitted_at == task.started_at  # lyrics start at once (reference §2.2)


def test_fail_marker_gives_failure_with_reason(client, clock):
    task_id = client.generate("sandbox:fail=moderation a song about nothing")
    clock.advance(13)
    assert client.fetch_task(task_id).status is TaskStatus.IN_PROGRESS
    clock.advance(PAST_DONE)
    task = client.fetch_task(task_id)
    assert task.status is TaskStatus.FAILURE and task.is_failure and task.is_terminal
    assert task.fail_reason == "Song Description flagged for moderation"
    assert task.progress == 100
    assert [s.status for s in task.songs] == ["error", "error"]
    assert all(s.error == "Song Description flagged for moderation" for s in task.songs)


# --------------------------------------------------------------------------------------------
# Error mapping (reference §6)
# --------------------------------------------------------------------------------------------


def _header_request_id(error: errors.GatewayError) -> None:
    assert error.request_id and re.fullmatch(r"[0-9a-f]{20}", error.request_id)


def test_401_is_authentication_error(client, sandbox):
    sandbox.inject("status", status=401)
    with pytest.raises(errors.AuthenticationError) as info:
        client.fetch_task(str(uuid.uuid4()))
    error = info.value
    assert error.status == 401 and error.code == "new_api_error"
    assert error.gateway_message.startswith("无效的令牌 (request id: ")
    _header_request_id(error)
    assert error.request_id in error.gateway_message
    assert "无效的令牌" in str(error) and "HTTP 401" in str(error)
    assert client.slept == []


def test_403_is_quota_error(client, sandbox):
    sandbox.inject("status", status=403, route="/suno/submit")
    with pytest.raises(errors.QuotaError) as info:
        client.generate("a song")
    error = info.value
    assert error.status == 403 and error.code == "insufficient_user_quota"
    assert error.gateway_message.startswith("用户额度不足")
    _header_request_id(error)
    assert "用户额度不足" in str(error)


def test_unknown_task_is_not_found(client, sandbox):
    with pytest.raises(errors.NotFoundError) as info:
        client.fetch_task(str(uuid.uuid4()))
    error = info.value
    assert error.status == 400 and error.code == "task_not_exist"
    assert error.gateway_message == "task_not_exist" and "task_not_exist" in str(error)
    _header_request_id(error)
    assert len(sandbox.requests) == 1 and client.slept == []


def test_429_is_rate_limit_error_after_retries(client, sandbox):
    sandbox.inject("status", status=429, times=None)
    with pytest.raises(errors.RateLimitError) as info:
        client.fetch_task(str(uuid.uuid4()))
    error = info.value
    assert error.status == 429 and error.code == "upstream_error" and error.retry_after is None
    assert error.gateway_message == "当前分组上游负载已饱和，请稍后再试"
    assert "当前分组上游负载已饱和" in str(error)
    _header_request_id(error)
    assert len(api_requests(sandbox, "GET")) == client.max_retries + 1 == 4
    assert client.slept == [0.0, 0.0, 0.0]


def test_429_carries_retry_after(client, sandbox):
    sandbox.inject("status", status=429, retry_after=1, times=None)
    with pytest.raises(errors.RateLimitError) as info:
        client.fetch_task(str(uuid.uuid4()))
    assert info.value.retry_after == 1
    assert client.slept == [1, 1, 1]


@pytest.mark.parametrize(
    "status, code, message",
    [
        (500, "do_request_failed", "请求上游地址失败"),
        (502, "fail_to_fetch_task", "bad gateway: upstream returned 502"),
        (503, "model_not_found", "当前分组 default 下对于模型 suno_music 无可用渠道"),
    ],
)
def test_5xx_is_server_error(client, sandbox, status, code, message):
    sandbox.inject("status", status=status, times=None)
    with pytest.raises(errors.ServerError) as info:
        client.fetch_task(str(uuid.uuid4()))
    error = info.value
    assert error.status == status and error.code == code
    assert error.gateway_message.startswith(message) and message in str(error)
    _header_request_id(error)
    assert len(api_requests(sandbox, "GET")) == 4


def test_html_page_is_unsupported_route(client, sandbox):
    sandbox.inject("html")
    with pytest.raises(errors.UnsupportedRouteError) as info:
        client.fetch_task(str(uuid.uuid4()))
    error = info.value
    assert error.status == 200 and "<title>New API</title>" in error.body
    assert "does not offer this route" in str(error)
    _header_request_id(error)
    assert len(sandbox.requests) == 1  # not retried


@pytest.mark.parametrize("kind", ["truncated", "data_null", "large", "wrong_shape"])
def test_unreadable_answers_are_protocol_errors(client, sandbox, clock, kind):
    task_id = client.generate("a song")
    clock.advance(13)
    sandbox.inject(kind)
    with pytest.raises(errors.ProtocolError) as info:
        client.fetch_task(task_id)
    error = info.value
    assert error.status == 200
    _header_request_id(error)
    assert error.gateway_message and error.gateway_message in str(error)
    assert len(api_requests(sandbox, "GET")) == 1  # not retried
    assert client.fetch_task(task_id).status is TaskStatus.IN_PROGRESS  # the fault was one-off


def test_connection_reset_is_connection_error(client, sandbox):
    sandbox.inject("reset", times=None)
    with pytest.raises(errors.GatewayConnectionError) as info:
        client.fetch_task(str(uuid.uuid4()))
    error = info.value
    assert not isinstance(error, errors.GatewayTimeoutError)
    assert error.status is None and "closed the connection" in str(error)
    assert len(api_requests(sandbox, "GET")) == 4 and client.slept == [0.0, 0.0, 0.0]


def test_slow_answer_is_timeout_error(sandbox):
    sandbox.inject("timeout", delay=1.5, times=None)
    with GatewayClient(sandbox.url, API_KEY, timeout=0.3, max_retries=0, sleep=lambda s: None) as c:
        with pytest.raises(errors.GatewayTimeoutError) as info:
            c.fetch_task(str(uuid.uuid4()))
    error = info.value
    assert not isinstance(error, errors.OutcomeUnknownError)  # a GET is safe to repeat
    assert error.kind == "timeout" and "no answer in time" in str(error)


def test_slow_answer_is_retried_for_a_get(sandbox, clock):
    slept: list[float] = []
    with GatewayClient(sandbox.url, API_KEY, timeout=0.3, backoff=0, sleep=slept.append) as c:
        task_id = c.generate("a song")
        sandbox.inject("timeout", delay=1.5, route="/suno/fetch/")
        assert c.fetch_task(task_id).task_id == task_id
    assert len(api_requests(sandbox, "GET")) == 2 and slept == [0.0]


def test_refused_port_is_connection_error(free_port):
    slept: list[float] = []
    with GatewayClient(f"http://127.0.0.1:{free_port}", API_KEY, backoff=0, sleep=slept.append) as c:
        with pytest.raises(errors.GatewayConnectionError) as info:
            c.fetch_task("abc")
        assert slept == [0.0, 0.0, 0.0]  # a GET retries connection errors
        with pytest.raises(errors.GatewayConnectionError) as submit_info:
            c.generate("a song")  # never sent: a plain connection error, not "outcome unknown"
    assert "connection refused" in str(info.value)
    assert not isinstance(info.value, errors.GatewayTimeoutError)
    assert not isinstance(submit_info.value, errors.GatewayTimeoutError)
    assert len(slept) == 3  # the submit was not retried


# --------------------------------------------------------------------------------------------
# Retries
# --------------------------------------------------------------------------------------------


def test_get_retries_two_503s_then_succeeds(client, sandbox):
    task_id = client.generate("a song")
    sandbox.inject("status", status=503, times=2, route="/suno/fetch/")
    assert client.fetch_task(task_id).task_id == task_id
    assert len(api_requests(sandbox, "GET")) == 3
    assert client.slept == [0.0, 0.0]


def test_retry_after_is_honoured(client, sandbox):
    task_id = client.generate("a song")
    sandbox.inject("status", status=429, retry_after=2, route="/suno/fetch/")
    assert client.fetch_task(task_id).task_id == task_id
    assert client.slept == [2]
    assert len(api_requests(sandbox, "GET")) == 2


def test_retry_after_above_limit_is_not_waited_for(client, sandbox):
    sandbox.inject("status", status=429, retry_after=120, times=None)
    with pytest.raises(errors.RateLimitError) as info:
        client.fetch_task(str(uuid.uuid4()))
    assert info.value.retry_after == 120 and info.value.status == 429
    assert client.slept == []
    assert len(api_requests(sandbox, "GET")) == 1


def test_retries_exhausted_after_max_retries_plus_one(sandbox):
    slept: list[float] = []
    sandbox.inject("status", status=500, times=None)
    with GatewayClient(sandbox.url, API_KEY, max_retries=2, backoff=0, sleep=slept.append) as c:
        with pytest.raises(errors.ServerError):
            c.fetch_task(str(uuid.uuid4()))
    assert len(api_requests(sandbox, "GET")) == 3 and slept == [0.0, 0.0]


def test_jittered_backoff_is_capped(sandbox):
    slept: list[float] = []
    sandbox.inject("status", status=502, times=None)
    with GatewayClient(sandbox.url, API_KEY, max_retries=6, backoff=0.5, max_backoff=1, sleep=slept.append) as c:
        with pytest.raises(errors.ServerError):
            c.fetch_task(str(uuid.uuid4()))
    assert len(slept) == 6
    assert all(0.375 <= s <= 1.0 for s in slept), slept
    assert slept[0] <= 0.5  # first pause: backoff × [0.75, 1]
    assert all(0.75 <= s <= 1.0 for s in slept[1:])  # then the cap × [0.75, 1]


def test_submit_is_never_retried_on_5xx(client, sandbox):
    sandbox.inject("status", status=503, route="/suno/submit/music", times=None)
    with pytest.raises(errors.ServerError) as info:
        client.generate("a song")
    assert info.value.status == 503
    assert len(api_requests(sandbox, "POST", "/suno/submit/music")) == 1
    assert client.slept == []


def test_submit_timeout_is_outcome_unknown(sandbox):
    sandbox.inject("timeout", delay=1.5, route="/suno/submit/music")
    with GatewayClient(sandbox.url, API_KEY, timeout=0.3, submit_timeout=0.3, backoff=0, sleep=lambda s: None) as c:
        with pytest.raises(errors.OutcomeUnknownError) as info:
            c.generate("a song")
    assert isinstance(info.value, errors.GatewayTimeoutError)
    assert info.value.kind == "outcome_unknown" and "may have been accepted" in str(info.value)
    assert len(api_requests(sandbox, "POST", "/suno/submit/music")) == 1


def test_submit_reset_is_outcome_unknown(client, sandbox):
    sandbox.inject("reset", route="/udio/submit/music", times=None)
    with pytest.raises(errors.OutcomeUnknownError):
        client.udio_generate("jazz")
    assert len(api_requests(sandbox, "POST")) == 1 and client.slept == []


def test_batch_fetch_post_is_retried(client, sandbox):
    task_id = client.generate("a song")
    sandbox.inject("status", status=503, route="/suno/fetch", method="POST", times=2)
    assert set(client.fetch_tasks([task_id])) == {task_id}
    assert len(api_requests(sandbox, "POST", "/suno/fetch")) == 3
    assert client.slept == [0.0, 0.0]


# --------------------------------------------------------------------------------------------
# fetch_tasks
# --------------------------------------------------------------------------------------------


def test_fetch_tasks_batches_250_ids_in_chunks_of_100(client, sandbox, clock):
    real = [client.generate(f"song number {i}") for i in range(25)]
    unknown = [str(uuid.uuid4()) for _ in range(225)]
    ids = [x for pair in zip(real, unknown) for x in pair] + unknown[25:]
    assert len(ids) == 250
    clock.advance(13)
    sandbox.clear_requests()

    found = client.fetch_tasks(ids)

    posts = api_requests(sandbox, "POST", "/suno/fetch")
    assert posts == sandbox.requests and len(posts) == 3  # no GET fallback
    # Chunks go out together (tests/test_batch_fetch.py): the log's order is the arrival order.
    chunks = sorted((p["body"]["ids"] for p in posts), key=lambda chunk: ids.index(chunk[0]))
    assert [len(c) for c in chunks] == [100, 100, 50]
    assert [i for c in chunks for i in c] == ids
    assert set(found) == set(real)
    for task_id, task in found.items():
        assert task.task_id == task_id and task.status is TaskStatus.IN_PROGRESS
        assert {s.id for s in task.songs} == {c.id for c in sandbox.engine.task(task_id).clips}


def test_fetch_tasks_200_ids_needs_at_most_two_requests(client, sandbox):
    real = [client.generate("a song"), client.generate("another song")]
    ids = real + [str(uuid.uuid4()) for _ in range(198)]
    sandbox.clear_requests()
    assert set(client.fetch_tasks(ids)) == set(real)
    assert len(sandbox.requests) <= 2
    assert all(r["method"] == "POST" and r["path"] == "/suno/fetch" for r in sandbox.requests)


def test_fetch_tasks_keys_by_task_id_whatever_the_row_order(client, sandbox, clock):
    ids = [client.generate(f"song {i}") for i in range(5)]
    clock.advance(PAST_DONE)
    found = client.fetch_tasks(ids)
    assert set(found) == set(ids)
    for task_id in ids:
        assert found[task_id].task_id == task_id
        assert [s.description for s in found[task_id].songs] == [f"song {ids.index(task_id)}"] * 2


def test_fetch_tasks_empty_and_duplicates(client, sandbox):
    assert client.fetch_tasks([]) == {}
    assert sandbox.requests == []
    task_id = client.generate("a song")
    assert set(client.fetch_tasks([task_id, task_id, f" {task_id} "])) == {task_id}
    assert api_requests(sandbox, "POST", "/suno/fetch")[-1]["body"] == {"ids": [task_id]}


def test_fetch_tasks_udio_uses_one_get_per_id(client, sandbox, clock):
    ids = [client.udio_generate(f"jazz {i}") for i in range(4)]
    missing = str(uuid.uuid4())
    clock.advance(PAST_DONE)
    sandbox.clear_requests()
    found = client.fetch_tasks(ids + [missing], "udio")
    assert set(found) == set(ids)
    assert all(found[i].status is TaskStatus.SUCCESS and len(found[i].songs) == 2 for i in ids)
    assert sorted(r["path"] for r in sandbox.requests) == sorted(f"/udio/fetch/{i}" for i in ids + [missing])
    assert all(r["method"] == "GET" for r in sandbox.requests)


def test_fetch_tasks_falls_back_to_gets_without_batch_route(client, sandbox):
    ids = [client.generate(f"song {i}") for i in range(3)]
    missing = str(uuid.uuid4())
    sandbox.config.offered = sandbox.config.offered - {"batch"}
    sandbox.clear_requests()
    found = client.fetch_tasks(ids + [missing])
    assert set(found) == set(ids)
    assert len(api_requests(sandbox, "POST", "/suno/fetch")) == 1  # answered with a web page
    assert sorted(r["path"] for r in api_requests(sandbox, "GET")) == sorted(
        f"/suno/fetch/{i}" for i in ids + [missing]
    )
    assert len(sandbox.requests) == 5


# --------------------------------------------------------------------------------------------
# Submit routes: exact bodies
# --------------------------------------------------------------------------------------------


def _last(sandbox) -> tuple[str, str, dict]:
    request = sandbox.requests[-1]
    return request["method"], request["path"], request["body"]


def _fetchable(client, task_id: str, platform: str = "suno"):
    assert isinstance(task_id, str) and UUID.fullmatch(task_id)
    task = client.fetch_task(task_id, platform)
    assert task.task_id == task_id
    return task


def test_generate_inspiration_body(client, sandbox):
    task_id = client.generate("a cheerful song about cats")
    assert _last(sandbox) == (
        "POST",
        "/suno/submit/music",
        {"gpt_description_prompt": "a cheerful song about cats", "make_instrumental": False, "mv": "chirp-v4"},
    )
    _fetchable(client, task_id)
    task_id = client.generate("rain at night", instrumental=True, mv="chirp-bluejay")
    assert _last(sandbox)[2] == {
        "gpt_description_prompt": "rain at night",
        "make_instrumental": True,
        "mv": "chirp-bluejay",
    }
    _fetchable(client, task_id)


def test_generate_custom_body(client, sandbox, clock):
    lyrics = "[Verse]\nNeon rain on the window\n[Chorus]\nCity lights"
    task_id = client.generate_custom(lyrics=lyrics, title="City Lights", tags="emotional punk", negative_tags="metal")
    assert _last(sandbox) == (
        "POST",
        "/suno/submit/music",
        {
            "prompt": lyrics,
            "title": "City Lights",
            "tags": "emotional punk",
            "negative_tags": "metal",
            "make_instrumental": False,
            "mv": "chirp-v4",
        },
    )
    clock.advance(PAST_DONE)
    task = _fetchable(client, task_id)
    assert all(s.title == "City Lights" and s.lyrics == lyrics for s in task.songs)
    assert all(s.tags == ("emotional punk",) for s in task.songs)

    client.generate_custom(lyrics="ignored", title="Calm", tags="ambient", instrumental=True)
    assert _last(sandbox)[2] == {
        "prompt": "",
        "title": "Calm",
        "tags": "ambient",
        "make_instrumental": True,
        "mv": "chirp-v4",
    }


def test_extend_then_concat_bodies(client, sandbox, clock):
    task_id, clip = finished_song(client, clock)
    new_id = client.extend(
        task_id=task_id,
        clip_id=clip.id,
        continue_at=12.5,
        lyrics="[Verse 2]\nStill raining",
        title="City Lights",
        tags="punk",
    )
    assert _last(sandbox) == (
        "POST",
        "/suno/submit/music",
        {
            "task": "extend",
            "task_id": task_id,
            "continue_clip_id": clip.id,
            "continue_at": 12.5,
            "prompt": "[Verse 2]\nStill raining",
            "title": "City Lights",
            "tags": "punk",
            "mv": "chirp-v4",
        },
    )
    clock.advance(PAST_DONE)
    extended = _fetchable(client, new_id)
    assert extended.is_success and len(extended.songs) == 2

    concat_id = client.concat(extended.songs[0].id)
    assert _last(sandbox) == ("POST", "/suno/submit/concat", {"clip_id": extended.songs[0].id, "is_infill": False})
    clock.advance(PAST_DONE)
    whole = _fetchable(client, concat_id)
    assert whole.is_success and len(whole.songs) == 1
    assert whole.songs[0].duration == pytest.approx(min(clip.duration + extended.songs[0].duration, 240.0), abs=0.02)


def test_upload_then_upload_extend_and_cover_bodies(client, sandbox, clock):
    upload_id = client.upload_audio_url("https://example.com/music/my-song.mp3")
    assert _last(sandbox) == ("POST", "/suno/uploads/audio-url", {"url": "https://example.com/music/my-song.mp3"})
    clock.advance(sandbox.config.conversion_seconds)
    upload = _fetchable(client, upload_id)
    assert upload.is_success and len(upload.songs) == 1
    clip = upload.songs[0]
    assert clip.title == "my-song" and clip.duration

    extend_id = client.upload_extend(
        clip_id=clip.id, continue_at=15.0, lyrics="[Verse]\nMine", title="Mine", tags="folk"
    )
    assert _last(sandbox) == (
        "POST",
        "/suno/submit/music",
        {
            "task": "upload_extend",
            "continue_clip_id": clip.id,
            "continue_at": 15.0,
            "prompt": "[Verse]\nMine",
            "title": "Mine",
            "tags": "folk",
            "mv": "chirp-v4",
        },
    )
    _fetchable(client, extend_id)

    cover_id = client.cover(clip_id=clip.id, lyrics="[Verse]\nMine", title="Mine (Cover)", tags="rock, punk")
    assert _last(sandbox) == (
        "POST",
        "/suno/submit/music",
        {
            "task": "cover",
            "cover_clip_id": clip.id,
            "prompt": "[Verse]\nMine",
            "title": "Mine (Cover)",
            "tags": "rock, punk",
            "generation_type": "TEXT",
            "mv": "chirp-v4-tau",
        },
    )
    clock.advance(PAST_DONE)
    cover = _fetchable(client, cover_id)
    assert cover.is_success and all(s.tags == ("rock", "punk") for s in cover.songs)


def test_upload_needs_an_http_url(client, sandbox):
    with pytest.raises(errors.InvalidInputError):
        client.upload_audio_url("file:///home/me/song.mp3")
    assert sandbox.requests == []


def test_replace_section_body(client, sandbox, clock):
    task_id, clip = finished_song(client, clock)
    new_id = client.replace_section(
        clip_id=clip.id, start_s=5.0, end_s=9.5, lyrics="[Verse]\nNew words", task_id=task_id
    )
    assert _last(sandbox) == (
        "POST",
        "/suno/submit/music",
        {
            "task": "infill",
            "task_id": task_id,
            "continue_clip_id": clip.id,
            "infill_start_s": 5.0,
            "infill_end_s": 9.5,
            "prompt": "[Verse]\nNew words",
            "title": "",
            "tags": "",
            "mv": "chirp-v4-tau",
        },
    )
    _fetchable(client, new_id)
    concat_id = client.concat(clip.id, is_infill=True)
    assert _last(sandbox)[2] == {"clip_id": clip.id, "is_infill": True}
    _fetchable(client, concat_id)


def test_persona_bodies(client, sandbox, clock):
    _, clip = finished_song(client, clock)
    persona_id = client.create_persona(root_clip_id=clip.id, name="My singer", description="warm female alto")
    assert _last(sandbox) == (
        "POST",
        "/suno/persona/create/",
        {
            "root_clip_id": clip.id,
            "name": "My singer",
            "description": "warm female alto",
            "clips": [clip.id],
            "is_public": True,
        },
    )
    assert UUID.fullmatch(persona_id)

    song_id = client.generate_with_persona(
        persona_id=persona_id, artist_clip_id=clip.id, lyrics="[Verse]\nHello", title="Hello", tags="soul"
    )
    assert _last(sandbox) == (
        "POST",
        "/suno/submit/music",
        {
            "task": "artist_consistency",
            "persona_id": persona_id,
            "artist_clip_id": clip.id,
            "prompt": "[Verse]\nHello",
            "title": "Hello",
            "tags": "soul",
            "mv": "chirp-v4-tau",
        },
    )
    _fetchable(client, song_id)


def test_separate_stems_body(client, sandbox, clock):
    task_id, clip = finished_song(client, clock)
    stems_id = client.separate_stems(clip_id=clip.id, title=clip.title, task_id=task_id)
    assert _last(sandbox) == (
        "POST",
        "/suno/submit/music",
        {
            "task": "gen_stem",
            "task_id": task_id,
            "continue_clip_id": clip.id,
            "prompt": "",
            "title": clip.title,
            "make_instrumental": True,
            "mv": "chirp-auk",
            "stem_type_id": 91,
            "stem_type_group_name": "Two",
            "stem_task": "two",
        },
    )
    clock.advance(PAST_DONE)
    stems = _fetchable(client, stems_id)
    assert [s.title for s in stems.songs] == [f"{clip.title} - Vocals", f"{clip.title} - Instrumental"]
    assert all(s.duration == clip.duration for s in stems.songs)


def test_submit_lyrics_body(client, sandbox):
    task_id = client.submit_lyrics("dance")
    assert _last(sandbox) == ("POST", "/suno/submit/lyrics", {"prompt": "dance"})
    assert _fetchable(client, task_id).action == "LYRICS"
    client.submit_lyrics("rain", notify_hook="https://example.com/hook")
    assert _last(sandbox)[2] == {"prompt": "rain", "notify_hook": "https://example.com/hook"}


def test_udio_generate_and_continue_bodies(client, sandbox, clock):
    task_id = client.udio_generate("萨克斯, 抒情, 夜晚, 城镇")
    assert _last(sandbox) == (
        "POST",
        "/udio/submit/music",
        {
            "gen_params": {
                "prompt": "萨克斯, 抒情, 夜晚, 城镇",
                "lyrics_type": "generate",
                "model_type": "udio32-v1.5",
                "seed": -1,
                "config": {"mode": "regular"},
            }
        },
    )
    clock.advance(PAST_DONE)
    song = _fetchable(client, task_id, "udio").songs[0]

    later_id = client.udio_continue(song.id, "more sax", position=0.9)
    assert _last(sandbox) == (
        "POST",
        "/udio/submit/music",
        {
            "gen_params": {
                "prompt": "more sax",
                "lyrics_type": "generate",
                "model_type": "udio32-v1.5",
                "seed": -1,
                "song_section_start": 0.9,
                "config": {
                    "mode": "continuation",
                    "context_length": 130,
                    "source": {"source_type": "song", "song_id": song.id},
                },
            }
        },
    )
    _fetchable(client, later_id, "udio")

    intro_id = client.udio_continue(song.id, "an intro", position=0, precede=True)
    assert _last(sandbox)[2]["gen_params"]["config"] == {
        "mode": "precede",
        "context_length": 130,
        "source": {"source_type": "song", "song_id": song.id},
    }
    assert _last(sandbox)[2]["gen_params"]["song_section_start"] == 0
    _fetchable(client, intro_id, "udio")


def test_lyrics_with_empty_prompt_is_bad_request(client, sandbox):
    with pytest.raises(errors.BadRequestError) as info:
        client.submit_lyrics("")
    error = info.value
    assert error.status == 400 and error.code == "invalid_request"
    assert error.gateway_message == "prompt_empty" and "prompt_empty" in str(error)
    _header_request_id(error)


def test_extend_without_task_id_is_bad_request(client, sandbox, clock):
    _, clip = finished_song(client, clock)
    with pytest.raises(errors.BadRequestError) as info:
        client.submit_suno_music({"task": "extend", "continue_clip_id": clip.id, "continue_at": 10, "mv": "chirp-v4"})
    assert info.value.gateway_message == "task id is empty" and info.value.status == 400
    with pytest.raises(errors.NotFoundError) as origin:
        client.extend(task_id=str(uuid.uuid4()), clip_id=clip.id, continue_at=10)
    assert origin.value.code == "task_origin_not_exist"
    assert len(api_requests(sandbox, "POST", "/suno/submit/music")) == 3  # none retried


def test_unoffered_concat_is_unsupported_route(client, sandbox, clock):
    _, clip = finished_song(client, clock)
    sandbox.config.offered = sandbox.config.offered - {"concat"}
    with pytest.raises(errors.UnsupportedRouteError) as info:
        client.concat(clip.id)
    assert info.value.status == 400 and info.value.gateway_message == "invalid_action"


def test_unoffered_udio_is_unsupported_route(client, sandbox):
    sandbox.config.offered = sandbox.config.offered - {"udio"}
    with pytest.raises(errors.UnsupportedRouteError):
        client.udio_generate("jazz")


# --------------------------------------------------------------------------------------------
# Act routes
# --------------------------------------------------------------------------------------------


def test_wav_url_appears_after_conversion(client, sandbox, clock):
    _, clip = finished_song(client, clock)
    assert client.wav_url(clip.id) is None
    clock.advance(sandbox.config.conversion_seconds / 2)
    assert client.wav_url(clip.id) is None
    clock.advance(sandbox.config.conversion_seconds)
    assert client.wav_url(clip.id) == f"{sandbox.url}/media/{clip.id}-hq.wav"
    assert sandbox.requests[-1]["path"] == f"/suno/act/wav/{clip.id}"


def test_act_on_unfinished_clip_is_not_found(client, sandbox, clock):
    task_id = client.generate("a song")
    clock.advance(13)
    clip = client.fetch_task(task_id).songs[0]
    with pytest.raises(errors.NotFoundError):
        client.wav_url(clip.id)


def test_timing_returns_aligned_words(client, clock):
    _, clip = finished_song(client, clock)
    words = client.timing(clip.id)
    assert len(words) > 10 and all(isinstance(w, AlignedWord) for w in words)
    starts = [w.start_s for w in words]
    assert starts == sorted(starts) and starts[-1] > starts[0]
    assert all(0 <= w.start_s < w.end_s <= clip.duration for w in words)
    assert words[0].word.startswith("[")  # the section heading is glued to the first word
    assert all(w.success and w.p_align == 0.97 for w in words)


def test_timeline_carries_the_words_and_the_waveform(client, clock):
    _, clip = finished_song(client, clock)
    timeline = client.timeline(clip.id)
    assert list(timeline.words) == client.timing(clip.id)
    assert len(timeline.waveform) > 10 and all(isinstance(v, float) and v >= 0 for v in timeline.waveform)
    assert max(timeline.waveform) > 0


def test_request_stems_then_fetch_clips(client, sandbox, clock):
    _, clip = finished_song(client, clock)
    stems = client.request_stems(clip.id)
    assert len(stems) == 2 and all(isinstance(s, Song) for s in stems)
    assert [s.title for s in stems] == [f"{clip.title} - Vocals", f"{clip.title} - Instrumental"]
    assert all(s.status == "queued" and s.audio_url is None for s in stems)
    ids = [s.id for s in stems]
    assert [s.status for s in client.fetch_clips(ids)] == ["queued", "queued"]
    assert sandbox.requests[-1]["path"] == f"/suno/feed/{ids[0]},{ids[1]}"
    clock.advance(sandbox.config.conversion_seconds)
    done = client.fetch_clips(ids)
    assert [s.id for s in done] == ids
    for song in done:
        assert song.is_complete and song.duration == clip.duration
        assert song.audio_url == f"{sandbox.url}/media/{song.id}.mp3"


def test_midi_is_none_then_a_dict(client, sandbox, clock):
    _, clip = finished_song(client, clock)
    assert client.midi(clip.id) is None
    clock.advance(sandbox.config.conversion_seconds)
    midi = client.midi(clip.id)
    assert midi["state"] == "complete"
    notes = midi["instruments"][0]["notes"]
    assert notes and all({"pitch", "start", "end", "velocity"} <= set(n) for n in notes)


def test_mp4_unsupported_until_offered(client, sandbox, clock):
    _, clip = finished_song(client, clock)
    sandbox.config.offered = sandbox.config.offered - {"mp4"}
    with pytest.raises(errors.UnsupportedRouteError) as info:
        client.mp4_url(clip.id)
    assert info.value.status == 200
    sandbox.config.offered = sandbox.config.offered | {"mp4"}
    assert client.mp4_url(clip.id) is None
    clock.advance(sandbox.config.conversion_seconds)
    assert client.mp4_url(clip.id) == f"{sandbox.url}/media/{clip.id}.mp4"


# --------------------------------------------------------------------------------------------
# wait()
# --------------------------------------------------------------------------------------------


def test_wait_polls_until_success(sandbox, clock):
    updates = []
    with GatewayClient(sandbox.url, API_KEY, backoff=0, sleep=clock.advance) as c:
        task_id = c.generate("a song")
        start = clock()
        task = c.wait(task_id, on_update=updates.append, clock=clock)
    assert task.status is TaskStatus.SUCCESS and len(task.songs) == 2
    statuses = [t.status for t in updates]
    assert statuses[0] is TaskStatus.NOT_START and statuses[-1] is TaskStatus.SUCCESS
    assert [ORDER.index(s) for s in statuses] == sorted(ORDER.index(s) for s in statuses)
    assert len(set(statuses)) >= 4
    assert len(api_requests(sandbox, "GET")) == len(updates)
    assert clock() - start <= sandbox.engine.task(task_id).finish_after + 15


def test_wait_times_out(sandbox, clock):
    updates = []
    with GatewayClient(sandbox.url, API_KEY, backoff=0, sleep=clock.advance) as c:
        task_id = c.generate("a song")
        with pytest.raises(errors.GatewayTimeoutError) as info:
            c.wait(task_id, timeout=10, on_update=updates.append, clock=clock)
    assert task_id in str(info.value)
    assert not isinstance(info.value, errors.OutcomeUnknownError)
    assert updates and all(not t.is_terminal for t in updates)
    assert clock.now - sandbox.engine.task(task_id).submitted <= 10


def test_generic_submit_posts_a_previewed_body_once(client, sandbox):
    body = {"prompt": "a lullaby"}
    task_id = client.submit("/suno/submit/lyrics", body)
    assert task_id and api_requests(sandbox, "POST")[-1]["body"] == body
    with pytest.raises(errors.InvalidInputError):
        client.submit("/suno/fetch", {"ids": []})  # not a submit route


def test_submits_wait_longer_than_reads(sandbox):
    sandbox.config.latency = 0.6  # every answer is slower than the read timeout below
    with GatewayClient(sandbox.url, API_KEY, timeout=0.3, submit_timeout=3, backoff=0) as c:
        assert c.generate("slow to accept")  # the read timeout alone would have given up
