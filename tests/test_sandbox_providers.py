"""The sandbox speaking each provider's dialect (docs/providers.md): submit → poll → songs over real
HTTP with the documented route, body and auth header, every answer read by our own parser.

One sandbox per provider (``SandboxConfig.fast(provider=…)``); a small HTTP receiver stands in for
the callback URL of the providers that POST one.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import requests

from lib.gateway.error_mapping import error_from_body
from lib.gateway.errors import AuthenticationError
from lib.gateway.models import TaskStatus
from lib.gateway.parser import extract_persona_id, parse_task, parse_task_list, parse_timing
from lib.sandbox import PROVIDERS, ManualClock, SandboxConfig, SandboxGateway, control

REPO = Path(__file__).resolve().parents[1]
KEY = "sandbox-key"
RUNNING = (TaskStatus.NOT_START, TaskStatus.SUBMITTED, TaskStatus.QUEUED, TaskStatus.IN_PROGRESS)
MODERATED = "a song about rain sandbox:fail=moderation"
PIAPI_ORDER = ["pending", "processing", "completed"]
QUICK = (0.0, 0.05, 0.1, 0.4)  # tasks done in about 0.4 s: the journeys wait on nothing else


# --- a callback receiver ---------------------------------------------------------------------


class Receiver(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _ReceiverHandler)
        self.bodies: list[tuple[dict[str, str], Any]] = []
        self.arrived = threading.Condition()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hook"

    def wait_for(self, done: Callable[[list[Any]], bool], seconds: float = 20.0) -> list[Any]:
        with self.arrived:
            self.arrived.wait_for(lambda: done([b for _, b in self.bodies]), timeout=seconds)
            return [b for _, b in self.bodies]


class _ReceiverHandler(BaseHTTPRequestHandler):
    server: Receiver

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
        with self.server.arrived:
            self.server.bodies.append(({k.lower(): v for k, v in self.headers.items()}, body))
            self.server.arrived.notify_all()
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()


@pytest.fixture
def receiver():
    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


# --- each provider's documented calls -------------------------------------------------------


@dataclass
class Dialect:
    """How a client of this provider submits a song and polls it, as its documentation says."""

    name: str
    auth: Callable[[str], dict[str, str]]
    submit: Callable[[requests.Session, str, str, str], Any]  # (http, url, prompt, callback) → handle
    poll: Callable[[requests.Session, str, Any], requests.Response]


def _sunoapi_submit(http, url, prompt, callback):
    body = {"customMode": False, "instrumental": False, "model": "V4_5", "callBackUrl": callback, "prompt": prompt}
    answer = http.post(f"{url}/api/v1/generate", json=body)
    assert answer.status_code == 200 and answer.json()["code"] == 200, answer.text
    assert parse_task(answer.json()).status is TaskStatus.SUBMITTED
    return answer.json()["data"]["taskId"]


def _acedata_submit(http, url, prompt, callback):
    answer = http.post(f"{url}/suno/audios", json={"action": "generate", "prompt": prompt, "callback_url": callback})
    assert answer.status_code == 200, answer.text
    assert set(answer.json()) == {"task_id"}
    return answer.json()["task_id"]


def _piapi_submit(http, url, prompt, callback, model="music-u"):
    body = {
        "model": model,
        "task_type": "generate_music",
        "input": {"gpt_description_prompt": prompt, "lyrics_type": "generate", "negative_tags": "", "seed": -1},
        "config": {"service_mode": "public", "webhook_config": {"endpoint": callback, "secret": "s3cret"}},
    }
    answer = http.post(f"{url}/api/v1/task", json=body)
    assert answer.status_code == 200, answer.text
    assert answer.json()["data"]["status"] == "pending"
    assert parse_task(answer.json()).status in RUNNING
    return answer.json()["data"]["task_id"]


def _suno_api_submit(http, url, prompt, callback):
    answer = http.post(f"{url}/api/generate", json={"prompt": prompt, "make_instrumental": False, "wait_audio": False})
    assert answer.status_code == 200, answer.text
    clips = answer.json()
    assert [c["status"] for c in clips] == ["submitted", "submitted"]
    return ",".join(c["id"] for c in clips)


DIALECTS = {
    "sunoapi": Dialect(
        "sunoapi",
        lambda key: {"Authorization": f"Bearer {key}"},
        _sunoapi_submit,
        lambda http, url, task_id: http.get(f"{url}/api/v1/generate/record-info", params={"taskId": task_id}),
    ),
    "acedata": Dialect(
        "acedata",
        lambda key: {"authorization": f"Bearer {key}"},
        _acedata_submit,
        lambda http, url, task_id: http.post(f"{url}/suno/tasks", json={"action": "retrieve", "id": task_id}),
    ),
    "piapi": Dialect(
        "piapi",
        lambda key: {"x-api-key": key},
        _piapi_submit,
        lambda http, url, task_id: http.get(f"{url}/api/v1/task/{task_id}"),
    ),
    "suno-api": Dialect(
        "suno-api",
        lambda key: {},
        _suno_api_submit,
        lambda http, url, ids: http.get(f"{url}/api/get", params={"ids": ids}),
    ),
}


@pytest.fixture(params=list(DIALECTS))
def dialect(request):
    return DIALECTS[request.param]


@pytest.fixture
def sandbox(dialect):
    with SandboxGateway(SandboxConfig.fast(provider=dialect.name, timeline=QUICK)) as gateway:
        yield gateway


@pytest.fixture
def http(dialect):
    with requests.Session() as session:
        session.headers.update(dialect.auth(KEY))
        yield session


def poll_until_done(http, sandbox, dialect, handle) -> tuple[list[Any], Any]:
    """Every body seen while the task ran, and the task read from the last one."""
    seen = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        answer = dialect.poll(http, sandbox.url, handle)
        assert answer.status_code == 200, answer.text
        seen.append(answer.json())
        task = parse_task(answer.json())
        if task.status not in RUNNING:
            return seen, task
        time.sleep(0.05)
    raise AssertionError(f"{dialect.name}: the task never finished; last body {seen[-1]}")


# --- the journey ------------------------------------------------------------------------------


def test_submit_poll_songs_in_every_dialect(sandbox, dialect, http, receiver):
    handle = dialect.submit(http, sandbox.url, "a rainy night in the city", receiver.url)
    seen, task = poll_until_done(http, sandbox, dialect, handle)

    assert task.status is TaskStatus.SUCCESS, task
    assert task.provider == dialect.name
    assert len(task.songs) == 2
    for song in task.songs:
        assert song.title and song.tags
        audio = requests.get(song.audio_url, timeout=30)
        assert audio.status_code == 200 and audio.content[:3] == b"ID3"  # an MP3, as Suno serves
        cover = requests.get(song.image_url, timeout=30)
        assert cover.status_code == 200 and cover.content[:8] == b"\x89PNG\r\n\x1a\n"
    # Every body before the last was a running task in the same dialect (how the words progress is
    # test_status_words_progress_like_the_service's, on a clock moved by hand).
    earlier = [parse_task(body) for body in seen[:-1]]
    assert all(t.status in RUNNING and t.provider == dialect.name for t in earlier)


def test_moderation_failure_in_every_dialect(sandbox, dialect, http, receiver):
    handle = dialect.submit(http, sandbox.url, MODERATED, receiver.url)
    seen, task = poll_until_done(http, sandbox, dialect, handle)

    assert task.status is TaskStatus.FAILURE
    assert task.provider == dialect.name
    assert "moderation" in (task.fail_reason + " ".join(s.error for s in task.songs)).lower()
    last = seen[-1]
    if dialect.name == "sunoapi":
        assert last["data"]["status"] == "SENSITIVE_WORD_ERROR" and last["data"]["errorCode"] == 400
    elif dialect.name == "acedata":
        assert last["response"]["success"] is False and last["response"]["error"]["code"] == "forbidden"
    elif dialect.name == "piapi":
        assert last["data"]["status"] == "failed" and "moderation" in last["data"]["error"]["raw_message"]
    else:
        assert {c["status"] for c in last} == {"error"}


# What each dialect's poll answer says of the task's progress, and what it says at 0, 10, 20, 40,
# 90 and 101 % of the task's time (not started, submitted, queued, started, mostly streamed, done).
PROGRESS = {
    "sunoapi": lambda body: body["data"]["status"],
    "acedata": lambda body: "done" if "response" in body else "started" if "started_at" in body else "created",
    "piapi": lambda body: body["data"]["status"],
    "suno-api": lambda body: "/".join(sorted({clip["status"] for clip in body})),
}
EXPECTED_PROGRESS = {
    "sunoapi": ["PENDING", "PENDING", "PENDING", "TEXT_SUCCESS", "FIRST_SUCCESS", "SUCCESS"],
    "acedata": ["created", "created", "created", "started", "started", "done"],
    "piapi": ["pending", "pending", "pending", "processing", "processing", "completed"],
    "suno-api": ["submitted", "submitted", "queued", "streaming", "streaming", "complete"],
}


def test_status_words_progress_like_the_service(dialect, http, receiver):
    clock = ManualClock()
    with SandboxGateway(SandboxConfig(provider=dialect.name), clock=clock) as sandbox:
        handle = dialect.submit(http, sandbox.url, "a rainy night in the city", receiver.url)
        first = handle.split(",")[0]
        task = sandbox.engine.task(first) or sandbox.engine.task_of_clip(first)
        words, moved = [], 0.0
        for share in (0.0, 0.1, 0.2, 0.4, 0.9, 1.01):
            clock.advance(task.finish_after * share - moved)
            moved = task.finish_after * share
            body = dialect.poll(http, sandbox.url, handle).json()
            words.append(PROGRESS[dialect.name](body))
            read = parse_task(body)
            assert read.provider == dialect.name
            assert (read.status is TaskStatus.SUCCESS) == (share > 1), (share, body)
            assert share > 1 or read.status in RUNNING
    assert words == EXPECTED_PROGRESS[dialect.name]


@pytest.mark.parametrize(
    "provider, call",
    [
        ("sunoapi", lambda url, h: requests.get(f"{url}/api/v1/generate/record-info?taskId=x", headers=h)),
        ("acedata", lambda url, h: requests.post(f"{url}/suno/audios", json={"prompt": "x"}, headers=h)),
        ("piapi", lambda url, h: requests.get(f"{url}/api/v1/task/x", headers=h)),
    ],
)
def test_a_missing_key_gets_the_providers_error_envelope(provider, call):
    with SandboxGateway(SandboxConfig.fast(provider=provider)) as sandbox:
        for headers in ({}, {"Authorization": "Bearer"}):
            answer = call(sandbox.url, headers)
            body = answer.json()
            error = error_from_body(answer.status_code, body)
            assert isinstance(error, AuthenticationError), (provider, answer.status_code, body)
            with pytest.raises(AuthenticationError):
                parse_task(body)
    if provider == "sunoapi":
        assert body == {"code": 401, "msg": "You do not have access permissions", "data": None}
    elif provider == "acedata":
        assert answer.status_code == 401 and body["success"] is False and body["error"]["code"] == "invalid_token"
    else:
        assert answer.status_code == 401
        assert body == {"code": 401, "data": None, "message": "Unauthorized: invalid api key"}


@pytest.mark.parametrize(
    "provider, route, body, headers",
    [
        ("sunoapi", "/api/v1/generate", {"customMode": False, "instrumental": False, "model": "V4_5"}, "bearer"),
        ("acedata", "/suno/audios", {"action": "generate"}, "bearer"),
        ("piapi", "/api/v1/task", {"model": "music-u", "task_type": "generate_music", "input": {}}, "x-api-key"),
        ("suno-api", "/api/extend_audio", {"prompt": "more"}, None),
    ],
)
def test_a_missing_field_gets_the_providers_error_envelope(provider, route, body, headers):
    auth = {"bearer": {"Authorization": f"Bearer {KEY}"}, "x-api-key": {"x-api-key": KEY}}.get(headers, {})
    with SandboxGateway(SandboxConfig.fast(provider=provider)) as sandbox:
        answer = requests.post(f"{sandbox.url}{route}", json=body, headers=auth)
        assert sandbox.engine.all_clips() == []  # nothing was made
    error = error_from_body(answer.status_code, answer.json())
    assert error is not None and not isinstance(error, AuthenticationError)
    if provider == "sunoapi":
        assert answer.json()["code"] == 400 and "callBackUrl" in answer.json()["msg"]
    elif provider == "acedata":
        assert answer.status_code == 400 and answer.json()["error"]["code"] == "bad_request"
    elif provider == "piapi":
        assert answer.status_code == 400 and answer.json()["code"] == 400
    else:
        assert answer.status_code == 400 and answer.json() == {"error": "Audio ID is required"}


# --- callbacks -----------------------------------------------------------------------------


@pytest.mark.parametrize("dialect", ["sunoapi"], indirect=True)
def test_sunoapi_calls_back_text_first_complete(sandbox, dialect, http, receiver):
    handle = dialect.submit(http, sandbox.url, "a rainy night in the city", receiver.url)
    bodies = receiver.wait_for(lambda got: any(b["data"]["callbackType"] == "complete" for b in got))
    stages = [b["data"]["callbackType"] for b in bodies]
    assert stages == ["text", "first", "complete"]
    assert all(b["data"]["task_id"] == handle for b in bodies)
    tasks = [parse_task(b) for b in bodies]
    assert [t.status for t in tasks[:2]] == [TaskStatus.IN_PROGRESS] * 2
    assert tasks[2].status is TaskStatus.SUCCESS and len(tasks[2].songs) == 2
    assert tasks[2].songs[0].audio_url and all(t.provider == "sunoapi" for t in tasks)


@pytest.mark.parametrize("dialect", ["sunoapi"], indirect=True)
def test_sunoapi_calls_back_an_error(sandbox, dialect, http, receiver):
    dialect.submit(http, sandbox.url, MODERATED, receiver.url)
    bodies = receiver.wait_for(lambda got: any(b["data"]["callbackType"] == "error" for b in got))
    error = next(b for b in bodies if b["data"]["callbackType"] == "error")
    assert error["code"] == 400 and error["data"]["data"] is None
    assert parse_task(error).status is TaskStatus.FAILURE


@pytest.mark.parametrize("dialect", ["acedata"], indirect=True)
def test_acedata_callback_and_sync_answer_carry_the_songs(sandbox, dialect, http, receiver):
    task_id = dialect.submit(http, sandbox.url, "a rainy night in the city", receiver.url)
    (callback,) = receiver.wait_for(lambda got: len(got) >= 1)
    assert callback["success"] is True and callback["task_id"] == task_id
    task = parse_task(callback)
    assert task.status is TaskStatus.SUCCESS and len(task.songs) == 2 and task.provider == "acedata"
    assert task.songs[0].lyrics == callback["data"][0]["lyric"] and callback["data"][0]["prompt"]

    # Without a callback the answer waits for the songs.
    answer = http.post(f"{sandbox.url}/suno/audios", json={"custom": True, "lyric": "la la", "style": "folk"})
    assert answer.status_code == 200 and answer.json()["success"] is True
    sync = parse_task(answer.json())
    assert sync.status is TaskStatus.SUCCESS and [s.lyrics for s in sync.songs] == ["la la", "la la"]
    assert sync.songs[0].tags == ("folk",)

    # …and a refused prompt is the documented 403.
    refused = http.post(f"{sandbox.url}/suno/audios", json={"prompt": MODERATED})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"

    batch = http.post(f"{sandbox.url}/suno/tasks", json={"action": "retrieve_batch", "ids": [task_id, sync.task_id]})
    assert batch.json()["count"] == 2
    assert {t.task_id for t in parse_task_list(batch.json())} == {task_id, sync.task_id}


@pytest.mark.parametrize("dialect", ["piapi"], indirect=True)
def test_piapi_webhook_and_suno_model(sandbox, dialect, http, receiver):
    task_id = _piapi_submit(http, sandbox.url, "a rainy night", receiver.url, model="music-s")
    bodies = receiver.wait_for(lambda got: any(b["data"]["status"] == "completed" for b in got))
    statuses = [b["data"]["status"] for b in bodies]  # sent on the changes the webhook thread saw
    assert statuses[-1] == "completed" and statuses == sorted(set(statuses), key=PIAPI_ORDER.index)
    assert all(headers.get("x-webhook-secret") == "s3cret" for headers, _ in receiver.bodies)
    task = parse_task(bodies[-1])
    assert task.task_id == task_id and task.status is TaskStatus.SUCCESS and task.platform == "suno"
    assert len(task.songs) == 2 and all(s.audio_url for s in task.songs)
    assert "s3cret" not in json.dumps(bodies)  # the secret rides in the header only


@pytest.mark.parametrize("dialect", ["suno-api"], indirect=True)
def test_suno_api_wait_audio_and_whole_feed(sandbox, dialect, http):
    answer = http.post(f"{sandbox.url}/api/custom_generate", json={"prompt": "la", "tags": "folk", "wait_audio": True})
    assert {c["status"] for c in answer.json()} <= {"streaming", "complete"}
    feed = http.get(f"{sandbox.url}/api/get").json()
    assert {c["id"] for c in answer.json()} <= {c["id"] for c in feed}


# --- configuration and the command line ------------------------------------------------------


def test_newapi_stays_the_default():
    assert SandboxConfig().provider == "newapi" and SandboxConfig.fast().provider == "newapi"
    assert SandboxConfig.fast(provider="piapi").timeline == SandboxConfig.fast().timeline


def test_an_unknown_provider_is_refused():
    with pytest.raises(ValueError, match="unknown provider 'udio-direct'.*sunoapi"):
        SandboxConfig(provider="udio-direct")
    run = subprocess.run(
        [sys.executable, "-m", "lib.sandbox", "--provider", "udio-direct"], cwd=REPO, capture_output=True, text=True
    )
    assert run.returncode == 2 and "unknown provider 'udio-direct'" in run.stderr
    assert all(name in run.stderr for name in PROVIDERS)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_command_line_help_names_the_providers(provider):
    run = subprocess.run(
        [sys.executable, "-m", "lib.sandbox", "--provider", provider, "--help"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0 and "--provider" in run.stdout and "suno-api" in run.stdout


@pytest.mark.parametrize(
    "provider, route, envelope",
    [
        ("sunoapi", "/api/v1/generate/record-info", lambda body: body["code"] == 401 and "msg" in body),
        ("acedata", "/suno/tasks", lambda body: body["error"]["code"] == "invalid_token" and "trace_id" in body),
        ("piapi", "/api/v1/task/x", lambda body: body["code"] == 401 and body["data"] is None),
        ("suno-api", "/api/get", lambda body: set(body) == {"error"}),
    ],
)
def test_a_forced_error_comes_in_the_providers_envelope(provider, route, envelope):
    with SandboxGateway(SandboxConfig.fast(provider=provider)) as sandbox:
        sandbox.inject("status", status=401, route=route)
        answer = requests.get(f"{sandbox.url}{route}", headers={"Authorization": f"Bearer {KEY}", "x-api-key": KEY})
    assert answer.status_code == 401 and envelope(answer.json()), answer.text
    assert isinstance(error_from_body(401, answer.json()), AuthenticationError)


# --- song tools ------------------------------------------------------------------------------


def finished_song(http, sandbox, dialect, receiver) -> tuple[Any, Any]:
    """A finished task's handle and its last body."""
    handle = dialect.submit(http, sandbox.url, "a rainy night in the city", receiver.url)
    seen, task = poll_until_done(http, sandbox, dialect, handle)
    assert task.status is TaskStatus.SUCCESS
    return handle, seen[-1]


@pytest.mark.parametrize("dialect", ["sunoapi"], indirect=True)
def test_sunoapi_song_tools(sandbox, dialect, http, receiver):
    task_id, body = finished_song(http, sandbox, dialect, receiver)
    audio_id = body["data"]["response"]["sunoData"][1]["id"]
    timing = http.post(
        f"{sandbox.url}/api/v1/generate/get-timestamped-lyrics", json={"taskId": task_id, "audioId": audio_id}
    )
    words = timing.json()["data"]["alignedWords"]
    assert words and all(w["endS"] > w["startS"] >= 0 for w in words)
    assert timing.json()["data"]["waveformData"]

    persona = http.post(
        f"{sandbox.url}/api/v1/generate/generate-persona", json={"taskId": task_id, "audioId": audio_id, "name": "Rain"}
    )
    assert extract_persona_id(persona.json()) == persona.json()["data"]["personaId"]

    lyrics_id = http.post(f"{sandbox.url}/api/v1/lyrics", json={"prompt": "rain", "callBackUrl": receiver.url}).json()[
        "data"
    ]["taskId"]
    (callback,) = receiver.wait_for(lambda got: any(b["data"].get("taskId") == lyrics_id for b in got))[-1:]
    assert parse_task(callback).lyrics.text
    record = http.get(f"{sandbox.url}/api/v1/lyrics/record-info", params={"taskId": lyrics_id}).json()
    read = parse_task(record)
    assert read.status is TaskStatus.SUCCESS and read.lyrics.text == callback["data"]["data"][0]["text"]
    assert len(record["data"]["response"]["data"]) == 2


@pytest.mark.parametrize("dialect", ["acedata"], indirect=True)
def test_acedata_song_tools(sandbox, dialect, http, receiver):
    _, body = finished_song(http, sandbox, dialect, receiver)
    audio_id = body["response"]["data"][0]["id"]
    persona = http.post(f"{sandbox.url}/suno/persona", json={"audio_id": audio_id, "name": "Rain"}).json()
    assert persona["success"] is True and extract_persona_id(persona) == persona["data"]["persona_id"]
    timing = http.post(f"{sandbox.url}/suno/timing", json={"audio_id": audio_id}).json()
    words = timing["data"]["aligned_words"]  # documented: data{aligned_words[{word,success,start_s,end_s,p_align}]}
    assert words and parse_timing(timing["data"]).words[0].word == words[0]["word"]
    lyrics = http.post(f"{sandbox.url}/suno/lyrics", json={"prompt": "rain"}).json()
    assert lyrics["data"]["status"] == "complete" and lyrics["data"]["text"]
    wav = http.post(f"{sandbox.url}/suno/wav", json={"audio_id": audio_id}).json()
    assert requests.get(wav["data"][0]["file_url"], timeout=30).content[:4] == b"RIFF"
    unfinished = http.post(f"{sandbox.url}/suno/timing", json={"audio_id": "no-such-song"})
    assert unfinished.status_code == 400 and unfinished.json()["error"]["code"] == "bad_request"


@pytest.mark.parametrize("dialect", ["suno-api"], indirect=True)
def test_suno_api_song_tools(sandbox, dialect, http, receiver):
    ids, _ = finished_song(http, sandbox, dialect, receiver)
    first = ids.split(",")[0]
    words = http.get(f"{sandbox.url}/api/get_aligned_lyrics", params={"song_id": first}).json()
    assert words and {"word", "start_s", "end_s", "success", "p_align"} <= set(words[0])
    clip = http.get(f"{sandbox.url}/api/clip", params={"id": first}).json()
    assert parse_task(clip).songs[0].id == first
    lyrics = http.post(f"{sandbox.url}/api/generate_lyrics", json={"prompt": "rain"}).json()
    assert parse_task(lyrics).lyrics.text == lyrics["text"]
    stems = http.post(f"{sandbox.url}/api/generate_stems", json={"audio_id": first}).json()
    assert [s["stem_from_id"] for s in stems] == [first, first]
    concat = http.post(f"{sandbox.url}/api/concat", json={"clip_id": first}).json()
    assert concat["metadata"]["concat_history"] == [{"id": first}]
    assert http.post(f"{sandbox.url}/api/extend_audio", json={}).json() == {"error": "Audio ID is required"}


@pytest.mark.parametrize("dialect", ["acedata"], indirect=True)
def test_acedata_actions_on_a_finished_song(sandbox, dialect, http, receiver):
    _, body = finished_song(http, sandbox, dialect, receiver)
    audio_id = body["response"]["data"][0]["id"]
    made = {}
    for action in ("extend", "cover", "concat", "stems"):
        answer = http.post(f"{sandbox.url}/suno/audios", json={"action": action, "audio_id": audio_id, "async": True})
        assert answer.status_code == 200, answer.text
        made[action] = answer.json()["task_id"]
    for action, task_id in made.items():
        _, task = poll_until_done(http, sandbox, dialect, task_id)
        assert task.status is TaskStatus.SUCCESS and task.songs, action
    unknown = http.post(f"{sandbox.url}/suno/audios", json={"action": "teleport", "async": True})
    assert unknown.status_code == 400 and unknown.json()["error"]["code"] == "bad_request"


@pytest.mark.parametrize("dialect", ["piapi"], indirect=True)
def test_piapi_lyrics_and_suno_extend(sandbox, dialect, http, receiver):
    lyrics = http.post(
        f"{sandbox.url}/api/v1/task",
        json={"model": "music-u", "task_type": "generate_lyrics", "input": {"prompt": "rain"}},
    ).json()["data"]["task_id"]
    song = _piapi_submit(http, sandbox.url, "a rainy night", "", model="music-s")
    _, read = poll_until_done(http, sandbox, dialect, lyrics)
    assert read.status is TaskStatus.SUCCESS and read.lyrics.text
    _, done = poll_until_done(http, sandbox, dialect, song)
    extend = http.post(
        f"{sandbox.url}/api/v1/task",
        json={
            "model": "music-s",
            "task_type": "generate_music_custom",
            "input": {
                "prompt": "[Verse] more",
                "tags": "folk",
                "continue_clip_id": done.songs[0].id,
                "continue_at": 10,
            },
        },
    )
    _, extended = poll_until_done(http, sandbox, dialect, extend.json()["data"]["task_id"])
    assert extended.status is TaskStatus.SUCCESS and len(extended.songs) == 2


def test_the_control_api_reports_the_provider_and_keeps_it():
    with SandboxGateway(SandboxConfig.fast(provider="acedata")) as sandbox:
        assert control(sandbox.url, "config")["provider"] == "acedata"
        assert control(sandbox.url, "config", {"provider": "piapi", "latency": 0.0})["provider"] == "acedata"
        assert control(sandbox.url, "health") == {"status": "ok"}


def test_a_dialects_tasks_outlive_a_restart(tmp_path):
    state = tmp_path / "sandbox.json"
    piapi = DIALECTS["piapi"]
    with requests.Session() as http:
        http.headers.update(piapi.auth(KEY))
        with SandboxGateway(SandboxConfig.fast(provider="piapi"), state_path=state) as sandbox:
            task_id = _piapi_submit(http, sandbox.url, "a rainy night", "")
            _, before = poll_until_done(http, sandbox, piapi, task_id)
        with SandboxGateway(SandboxConfig.fast(provider="piapi"), state_path=state) as sandbox:
            after = parse_task(piapi.poll(http, sandbox.url, task_id).json())
    assert after.status is TaskStatus.SUCCESS and [s.id for s in after.songs] == [s.id for s in before.songs]


@pytest.mark.parametrize("dialect", ["sunoapi"], indirect=True)
def test_sunoapi_conversions_are_tasks_with_their_own_records(sandbox, dialect, http, receiver):
    task_id, body = finished_song(http, sandbox, dialect, receiver)
    audio_id = body["data"]["response"]["sunoData"][0]["id"]
    kinds = {"wav": "audioWavUrl", "vocal-removal": "vocalUrl"}
    if "mp4" in sandbox.config.offered:
        kinds["mp4"] = "videoUrl"
    for kind, field in kinds.items():
        request = {"taskId": task_id, "audioId": audio_id, "callBackUrl": receiver.url}
        made = http.post(f"{sandbox.url}/api/v1/{kind}/generate", json=request).json()
        assert made["code"] == 200, made
        record = {}
        deadline = time.monotonic() + 30
        while record.get("successFlag") != "SUCCESS" and time.monotonic() < deadline:
            record = http.get(f"{sandbox.url}/api/v1/{kind}/record-info", params={"taskId": made["data"]["taskId"]})
            record = record.json()["data"]
            assert record["successFlag"] in ("PENDING", "SUCCESS")
            assert parse_task({"code": 200, "msg": "success", "data": record}).status in (*RUNNING, TaskStatus.SUCCESS)
        assert record["musicId"] == audio_id and record["musicIndex"] == 0
        media = requests.get(record["response"][field], timeout=60)
        assert media.status_code == 200 and len(media.content) > 1000, kind
    callbacks = receiver.wait_for(lambda got: sum("audioWavUrl" in str(b) or "vocalUrl" in str(b) for b in got) >= 2)
    assert any(b["data"].get("audioWavUrl") for b in callbacks)
    missing = http.post(f"{sandbox.url}/api/v1/wav/generate", json={"taskId": task_id, "callBackUrl": receiver.url})
    assert missing.json() == {"code": 400, "msg": "audioId cannot be empty", "data": None}


# --- the documented shapes -------------------------------------------------------------------

FIXTURES = REPO / "tests" / "fixtures" / "providers"


def _fields_missing(ours: Any, documented: Any, where: str) -> list[str]:
    """Keys of the documented body (and of its first song / nested objects named) that ours lacks."""
    return [f"{where}.{key}" for key in documented if key not in ours]


def _first(songs: Any) -> Any:
    return next(iter(songs.values())) if isinstance(songs, dict) else songs[0]


@pytest.mark.parametrize("provider", ["sunoapi", "acedata", "piapi", "suno-api"])
def test_finished_answers_carry_every_documented_field(provider):
    dialect = DIALECTS[provider]
    missing: list[str] = []
    with SandboxGateway(SandboxConfig.fast(provider=provider, timeline=QUICK)) as sandbox, requests.Session() as http:
        http.headers.update(dialect.auth(KEY))
        if provider == "piapi":
            for model, name, key in (
                ("music-u", "task_completed_udio", "songs"),
                ("music-s", "task_completed_suno_music_s", "clips"),
            ):
                task_id = _piapi_submit(http, sandbox.url, "rain", "", model=model)
                body = poll_until_done(http, sandbox, dialect, task_id)[0][-1]["data"]
                documented = json.loads((FIXTURES / "piapi" / f"{name}.json").read_text())["data"]
                missing += _fields_missing(body, documented, model)
                missing += _fields_missing(body["meta"], documented["meta"], "meta")
                missing += _fields_missing(_first(body["output"][key]), _first(documented["output"][key]), key)
        else:
            handle = dialect.submit(http, sandbox.url, "rain", "http://127.0.0.1:9/none")
            body = poll_until_done(http, sandbox, dialect, handle)[0][-1]
            if provider == "sunoapi":
                documented = json.loads((FIXTURES / "sunoapi" / "record_info_success.json").read_text())
                missing += _fields_missing(body["data"], documented["data"], "data")
                songs, documented_songs = (
                    body["data"]["response"]["sunoData"],
                    documented["data"]["response"]["sunoData"],
                )
            elif provider == "acedata":
                documented = json.loads((FIXTURES / "acedata" / "tasks_retrieve_success.json").read_text())
                missing += _fields_missing(body, documented, "record")
                missing += _fields_missing(body["response"], documented["response"], "response")
                songs, documented_songs = body["response"]["data"], documented["response"]["data"]
            else:
                songs = body
                documented_songs = json.loads((FIXTURES / "suno-api" / "get_complete.json").read_text())
            missing += _fields_missing(songs[0], documented_songs[0], "song")
    assert missing == []


@pytest.mark.parametrize("dialect", ["sunoapi", "suno-api"], indirect=True)
def test_extend_a_finished_song(sandbox, dialect, http, receiver):
    handle, body = finished_song(http, sandbox, dialect, receiver)
    if dialect.name == "sunoapi":
        audio_id = body["data"]["response"]["sunoData"][0]["id"]
        request = {"defaultParamFlag": False, "audioId": audio_id, "model": "V4_5", "callBackUrl": receiver.url}
        made = http.post(f"{sandbox.url}/api/v1/generate/extend", json=request).json()
        extended = made["data"]["taskId"]
    else:
        audio_id = handle.split(",")[0]
        made = http.post(f"{sandbox.url}/api/extend_audio", json={"audio_id": audio_id, "continue_at": 12}).json()
        extended = ",".join(c["id"] for c in made)
    seen, task = poll_until_done(http, sandbox, dialect, extended)
    assert task.status is TaskStatus.SUCCESS and len(task.songs) == 2
    if dialect.name == "sunoapi":
        assert seen[-1]["data"]["parentMusicId"] == audio_id and seen[-1]["data"]["operationType"] == "extend"
    else:
        assert {clip["type"] for clip in seen[-1]} == {"extend"}


@pytest.mark.parametrize(
    "provider, route, body",
    [
        ("sunoapi", "/api/v1/generate/get-timestamped-lyrics", {"taskId": "x"}),
        ("acedata", "/suno/timing", {"audio_id": "x"}),
        ("suno-api", "/api/get_aligned_lyrics?song_id=x", None),
    ],
)
def test_a_tool_the_sandbox_lacks_is_an_unknown_route(provider, route, body):
    """``--lack timing`` plays a provider without word timings, in its own 404 envelope."""
    auth = {"Authorization": f"Bearer {KEY}"}
    offered = SandboxConfig().offered - {"timing", "udio", "concat"}
    with SandboxGateway(SandboxConfig.fast(provider=provider, offered=offered)) as sandbox:
        call = requests.get if body is None else requests.post
        answer = call(f"{sandbox.url}{route}", json=body, headers=auth)
        assert answer.status_code == 404
        if provider == "acedata":
            assert answer.json()["error"] == {"code": "not_found", "message": "Not found"}
        else:
            assert answer.json() == DIALECTS_ERROR_404[provider]
        if provider == "acedata":
            refused = requests.post(
                f"{sandbox.url}/suno/audios", json={"action": "concat", "audio_id": "x"}, headers=auth
            )
            assert refused.status_code == 400 and refused.json()["error"]["code"] == "bad_request"
    with SandboxGateway(SandboxConfig.fast(provider="piapi", offered=offered)) as sandbox:
        udio = {"model": "music-u", "task_type": "generate_music", "input": {"gpt_description_prompt": "rain"}}
        assert requests.post(f"{sandbox.url}/api/v1/task", json=udio, headers={"x-api-key": KEY}).status_code == 400


DIALECTS_ERROR_404 = {"sunoapi": {"code": 404, "msg": "Not found", "data": None}, "suno-api": {"error": "Not found"}}
