"""The sandbox gateway itself, spoken to with plain ``requests`` over real HTTP.

It stands in for a new-api-derived gateway (reference ``shared/reference/gateway-api.md``), so
these tests pin down that it answers like one: envelopes, error shapes, lifecycle, media, and the
control API tests and browser tests steer it with.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
import uuid
import wave
from pathlib import Path

import pytest
import requests
from mutagen.mp3 import MP3
from PIL import Image

from lib.sandbox import SandboxConfig, control
from lib.sandbox.engine import FEATURES

API_KEY = "test-key"
PAST_DONE = 40.0  # every default-timeline task is done 40 s after submit (Suno: 24-36 s)
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def http():
    """A requests session that authenticates like the app does."""
    with requests.Session() as session:
        session.headers["Authorization"] = f"Bearer {API_KEY}"
        yield session


def submit(http, sandbox, description: str = "a rainy night in the city") -> str:
    response = http.post(
        f"{sandbox.url}/suno/submit/music", json={"gpt_description_prompt": description, "mv": "chirp-v4"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == "success" and body["message"] == ""
    return body["data"]


def fetch(http, sandbox, task_id: str, platform: str = "suno") -> dict:
    response = http.get(f"{sandbox.url}/{platform}/fetch/{task_id}")
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == "success"
    return body["data"]


def mp3_info(data: bytes) -> tuple[float, int, int]:
    """(duration in seconds, sample rate, channels) of an MP3, read by mutagen."""
    info = MP3(io.BytesIO(data)).info
    return info.length, info.sample_rate, info.channels


def wav_info(data: bytes) -> tuple[float, int, int]:
    """(duration in seconds, sample rate, channels) of a WAV the stdlib can open."""
    with wave.open(io.BytesIO(data), "rb") as reader:
        return reader.getnframes() / reader.getframerate(), reader.getframerate(), reader.getnchannels()


# --------------------------------------------------------------------------------------------
# Lifecycle
# --------------------------------------------------------------------------------------------


def test_lifecycle_phases_follow_the_manual_clock(http, sandbox, clock):
    task_id = submit(http, sandbox)
    finish = sandbox.engine.task(task_id).finish_after
    scale = finish / sandbox.config.timeline[3]
    submitted, queued, started = (t * scale for t in sandbox.config.timeline[:3])
    seen = []
    elapsed = 0.0
    for moment, phase, clip_status in [
        (0.0, "NOT_START", None),
        (submitted - 0.01, "NOT_START", None),
        (submitted + 0.01, "SUBMITTED", "submitted"),
        (queued + 0.01, "QUEUED", "queued"),
        (started + 0.01, "IN_PROGRESS", "streaming"),
        (finish - 0.01, "IN_PROGRESS", "streaming"),
        (finish + 0.01, "SUCCESS", "complete"),
    ]:
        clock.advance(moment - elapsed)
        elapsed = moment
        task = fetch(http, sandbox, task_id)
        seen.append(task["status"])
        assert task["status"] == phase, (moment, task["status"])
        assert task["progress"] == ("100%" if phase == "SUCCESS" else "0%")
        if clip_status is None:
            assert task["data"] is None  # new-api fills data on its first upstream poll
        else:
            assert [c["status"] for c in task["data"]] == [clip_status] * 2
    assert seen[-1] == "SUCCESS"

    task = fetch(http, sandbox, task_id)
    assert task["task_id"] == task_id and task["action"] == "MUSIC" and task["fail_reason"] == ""
    assert task["start_time"] - task["submit_time"] in (int(started), int(started) + 1)
    assert task["finish_time"] >= task["start_time"] >= task["submit_time"] > 1_600_000_000
    for clip in task["data"]:
        assert clip["audio_url"] == f"{sandbox.url}/media/{clip['id']}.mp3"
        assert 20.0 <= clip["metadata"]["duration"] <= 40.0
        assert clip["created_at"].endswith("Z")


def test_default_timeline_is_scaled_per_task_within_20_to_40_seconds(http, sandbox, clock):
    tasks = [sandbox.engine.task(submit(http, sandbox, f"song {i}")) for i in range(30)]
    finishes = [t.finish_after for t in tasks]
    assert all(20.0 <= f <= 40.0 for f in finishes), finishes
    assert len(set(finishes)) > 20  # scaled per task, not one fixed duration
    for task in tasks:
        scale = task.finish_after / 30.0
        clock_at = task.submitted + 10.0 * scale  # IN_PROGRESS starts at 10/30 of the way
        offset = clock_at - clock()
        clock.advance(offset - 0.01)
        assert sandbox.engine.phase(task) == "QUEUED"
        clock.advance(0.02)
        assert sandbox.engine.phase(task) == "IN_PROGRESS"
        clock.advance(-offset - 0.01)


def test_fast_config_finishes_in_about_a_second():
    config = SandboxConfig.fast()
    assert config.timeline[3] == 1.0 and config.lyrics_seconds < 1 and config.conversion_seconds < 1


def test_lyrics_task_is_in_progress_then_success(http, sandbox, clock):
    response = http.post(f"{sandbox.url}/suno/submit/lyrics", json={"prompt": "dance"})
    task_id = response.json()["data"]
    task = fetch(http, sandbox, task_id)
    assert task["action"] == "LYRICS" and task["status"] == "IN_PROGRESS" and task["data"] is None
    clock.advance(sandbox.config.lyrics_seconds)
    task = fetch(http, sandbox, task_id)
    assert task["status"] == "SUCCESS"
    assert task["submit_time"] == task["start_time"]
    assert set(task["data"]) >= {"id", "title", "text", "status", "tags"}
    assert task["data"]["status"] == "complete" and task["data"]["text"]


def test_fail_marker_makes_the_task_fail(http, sandbox, clock):
    task_id = submit(http, sandbox, "sandbox:fail=moderation please")
    clock.advance(PAST_DONE)
    task = fetch(http, sandbox, task_id)
    assert task["status"] == "FAILURE" and task["progress"] == "100%"
    assert task["fail_reason"] == "Song Description flagged for moderation"
    assert all(c["status"] == "error" and c["metadata"]["error_message"] == task["fail_reason"] for c in task["data"])
    other = submit(http, sandbox, "sandbox:fail")
    clock.advance(PAST_DONE)
    assert fetch(http, sandbox, other)["fail_reason"] == "task failed"


@pytest.mark.parametrize("dialect", ["nested", "flat"])
def test_udio_dialects(http, sandbox, clock, dialect):
    sandbox.config.udio_dialect = dialect
    response = http.post(
        f"{sandbox.url}/udio/submit/music",
        json={
            "gen_params": {
                "prompt": "jazz",
                "lyrics_type": "generate",
                "model_type": "udio32-v1.5",
                "config": {"mode": "regular"},
            }
        },
    )
    task_id = response.json()["data"]
    clock.advance(PAST_DONE)
    task = fetch(http, sandbox, task_id, "udio")
    assert task["action"] == "udio-generate" and task["status"] == "SUCCESS"
    songs = task["songs"] if dialect == "flat" else task["data"]["songs"]
    assert ("data" in task) is (dialect == "nested") and ("notify_hook" in task) is (dialect == "nested")
    assert len(songs) == 2 and all(s["finished"] and s["generation_id"] == task_id for s in songs)
    assert all(s["song_path"] == f"{sandbox.url}/media/{s['id']}.mp3" for s in songs)


# --------------------------------------------------------------------------------------------
# Media
# --------------------------------------------------------------------------------------------


def test_final_audio_is_an_mp3_of_the_clips_duration(http, sandbox, clock):
    task_id = submit(http, sandbox)
    clock.advance(PAST_DONE)
    clip = fetch(http, sandbox, task_id)["data"][0]
    response = requests.get(clip["audio_url"])  # media needs no key, like a CDN
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "audio/mpeg"  # as real Suno serves it
    duration, rate, channels = mp3_info(response.content)
    assert duration == pytest.approx(clip["metadata"]["duration"], abs=0.15)  # LAME pads a frame
    assert rate == 22050 and channels == 1
    assert int(response.headers["Content-Length"]) == len(response.content)


def test_streaming_audio_is_a_shorter_valid_wav(http, sandbox, clock):
    task_id = submit(http, sandbox)
    finish = sandbox.engine.task(task_id).finish_after
    clock.advance(finish * 0.6)  # about 40 % through the streaming phase
    task = fetch(http, sandbox, task_id)
    assert task["status"] == "IN_PROGRESS"
    clip = task["data"][0]
    assert clip["audio_url"] == f"{sandbox.url}/audiopipe/?item_id={clip['id']}"
    assert clip["metadata"]["duration"] is None
    response = requests.get(clip["audio_url"])
    assert response.status_code == 200 and response.headers["Content-Type"] == "audio/wav"
    partial, _, _ = wav_info(response.content)
    full = sandbox.engine.clip(clip["id"]).duration
    assert 0.5 <= partial < full * 0.8
    clock.advance(finish * 0.3)
    later, _, _ = wav_info(requests.get(clip["audio_url"]).content)
    assert partial < later < full


@pytest.mark.parametrize("suffix, size", [(".png", 512), ("-large.png", 1024)])
def test_covers_are_png_images(http, sandbox, clock, suffix, size):
    task_id = submit(http, sandbox)
    clock.advance(PAST_DONE)
    clip = fetch(http, sandbox, task_id)["data"][0]
    url = clip["image_url"] if size == 512 else clip["image_large_url"]
    assert url == f"{sandbox.url}/media/{clip['id']}{suffix}"
    response = requests.get(url)
    assert response.status_code == 200 and response.headers["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "PNG" and image.size == (size, size)


def test_head_range_and_unknown_media(http, sandbox, clock):
    task_id = submit(http, sandbox)
    clock.advance(PAST_DONE)
    url = fetch(http, sandbox, task_id)["data"][0]["audio_url"]
    full = requests.get(url).content

    head = requests.head(url)
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["Content-Length"]) == len(full)
    assert head.headers["Accept-Ranges"] == "bytes"

    part = requests.get(url, headers={"Range": "bytes=100-199"})
    assert part.status_code == 206
    assert part.headers["Content-Range"] == f"bytes 100-199/{len(full)}"
    assert part.content == full[100:200]

    tail = requests.get(url, headers={"Range": "bytes=-50"})
    assert tail.status_code == 206 and tail.content == full[-50:]
    assert tail.headers["Content-Range"] == f"bytes {len(full) - 50}-{len(full) - 1}/{len(full)}"

    open_ended = requests.get(url, headers={"Range": f"bytes={len(full) - 10}-"})
    assert open_ended.status_code == 206 and open_ended.content == full[-10:]

    beyond = requests.get(url, headers={"Range": f"bytes={len(full) + 10}-"})
    assert beyond.status_code == 416 and beyond.headers["Content-Range"] == f"bytes */{len(full)}"

    for path in (
        f"/media/{uuid.uuid4()}.wav",
        f"/media/{uuid.uuid4()}.mp3",
        f"/media/{uuid.uuid4()}-large.png",
        "/media/x.mp3",
        f"/audiopipe/?item_id={uuid.uuid4()}",
        "/audiopipe/",
    ):
        assert requests.get(sandbox.url + path).status_code == 404, path


# --------------------------------------------------------------------------------------------
# Authorization
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": ""}, {"Authorization": "Bearer "}, {"Authorization": "Bearer    "}]
)
def test_missing_key_is_401_in_openai_shape(sandbox, headers):
    response = requests.get(f"{sandbox.url}/suno/fetch/{uuid.uuid4()}", headers=headers)
    assert response.status_code == 401
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["type"] == "new_api_error" and body["error"]["code"] == ""
    rid = response.headers["X-Oneapi-Request-Id"]
    assert body["error"]["message"] == f"未提供令牌 (request id: {rid})"


@pytest.mark.parametrize("authorization", ["Bearer sk-anything", "bearer x", "sk-xxx", "plainkey"])
def test_any_non_empty_key_is_accepted(sandbox, authorization):
    response = requests.get(f"{sandbox.url}/suno/fetch/{uuid.uuid4()}", headers={"Authorization": authorization})
    assert response.status_code == 400  # authorised; the task just does not exist
    assert response.json() == {"code": "task_not_exist", "message": "task_not_exist", "data": None}


# --------------------------------------------------------------------------------------------
# Routes and errors
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "method, path", [("GET", "/v1/embeddings"), ("GET", "/suno/unknown"), ("POST", "/suno/generate"), ("GET", "/")]
)
def test_unknown_route_is_a_200_html_page(http, sandbox, method, path):
    response = http.request(method, sandbox.url + path, json={} if method == "POST" else None)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    assert response.text.lstrip().lower().startswith("<!doctype html>")


def test_unknown_submit_action_is_invalid_action(http, sandbox):
    response = http.post(f"{sandbox.url}/suno/submit/video", json={"prompt": "x"})
    assert response.status_code == 400
    assert response.json() == {"code": "invalid_request", "message": "invalid_action", "data": None}


def test_submit_action_is_case_insensitive(http, sandbox):
    response = http.post(f"{sandbox.url}/suno/submit/MUSIC", json={"gpt_description_prompt": "x"})
    assert response.status_code == 200 and sandbox.engine.task(response.json()["data"])


@pytest.mark.parametrize(
    "body, message",
    [
        ({"mv": "chirp-v4"}, "prompt is empty"),
        ({"task": "extend", "continue_clip_id": "x", "continue_at": 3}, "task id is empty"),
        ({"task": "remix", "prompt": "x"}, "unsupported task remix"),
        ([1, 2], "request body must be a JSON object"),
    ],
)
def test_music_submit_validation(http, sandbox, body, message):
    response = http.post(f"{sandbox.url}/suno/submit/music", json=body)
    assert response.status_code == 400
    assert response.json() == {"code": "invalid_request", "message": message, "data": None}


def test_malformed_json_body_is_invalid_request(http, sandbox):
    response = http.post(
        f"{sandbox.url}/suno/submit/music", data=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400 and response.json()["code"] == "invalid_request"


@pytest.mark.parametrize(
    "status, shape, code",
    [
        (401, "openai", ""),
        (403, "task", "insufficient_user_quota"),
        (429, "task", "upstream_error"),
        (500, "task", "do_request_failed"),
        (502, "task", "fail_to_fetch_task"),
        (503, "openai", "model_not_found"),
    ],
)
def test_status_faults_use_the_gateways_error_shapes(http, sandbox, status, shape, code):
    sandbox.inject("status", status=status, retry_after=3 if status == 429 else None)
    response = http.get(f"{sandbox.url}/suno/fetch/{uuid.uuid4()}")
    assert response.status_code == status
    body = response.json()
    rid = response.headers["X-Oneapi-Request-Id"]
    if shape == "openai":
        assert body["error"]["code"] == code and body["error"]["message"].endswith(f"(request id: {rid})")
    else:
        assert body["code"] == code and body["data"] is None and body["message"]
    assert response.headers.get("Retry-After") == ("3" if status == 429 else None)
    # one-off by default: the next call is answered normally
    assert http.get(f"{sandbox.url}/suno/fetch/{uuid.uuid4()}").status_code == 400


def test_fault_route_method_and_times(http, sandbox):
    task_id = submit(http, sandbox)
    sandbox.inject("status", status=500, route="/suno/fetch", method="POST", times=2)
    assert http.get(f"{sandbox.url}/suno/fetch/{task_id}").status_code == 200  # GET not matched
    assert http.post(f"{sandbox.url}/suno/fetch", json={"ids": [task_id]}).status_code == 500
    assert http.post(f"{sandbox.url}/suno/fetch", json={"ids": [task_id]}).status_code == 500
    assert http.post(f"{sandbox.url}/suno/fetch", json={"ids": [task_id]}).status_code == 200
    with pytest.raises(ValueError):
        sandbox.inject("explode")


def test_error_rate_makes_every_call_fail(http, sandbox):
    sandbox.config.error_rate = 1.0
    statuses = {http.get(f"{sandbox.url}/suno/fetch/{uuid.uuid4()}").status_code for _ in range(12)}
    assert statuses <= {500, 502, 503} and statuses


def test_act_routes_and_feed(http, sandbox, clock):
    task_id = submit(http, sandbox)
    clip_id = sandbox.engine.task(task_id).clips[0].id
    assert http.get(f"{sandbox.url}/suno/act/wav/{clip_id}").status_code == 400  # not done yet
    clock.advance(PAST_DONE)
    first = http.get(f"{sandbox.url}/suno/act/wav/{clip_id}").json()
    assert first == {"code": "success", "message": "", "data": {}}
    clock.advance(sandbox.config.conversion_seconds)
    wav_url = http.get(f"{sandbox.url}/suno/act/wav/{clip_id}").json()["data"]["wav_file_url"]
    assert wav_url == f"{sandbox.url}/media/{clip_id}-hq.wav"
    duration, rate, _ = wav_info(requests.get(wav_url).content)
    assert rate == 44100 and duration == pytest.approx(sandbox.engine.clip(clip_id).duration, abs=0.1)

    stems = http.get(f"{sandbox.url}/suno/act/stems/{clip_id}").json()["clips"]
    assert [s["metadata"]["stem_from_id"] for s in stems] == [clip_id, clip_id]
    feed = http.get(f"{sandbox.url}/suno/feed/{stems[0]['id']},{stems[1]['id']}").json()
    assert [c["status"] for c in feed] == ["queued", "queued"]
    clock.advance(sandbox.config.conversion_seconds)
    feed = http.get(f"{sandbox.url}/suno/feed/{stems[0]['id']},{stems[1]['id']}").json()
    assert [c["status"] for c in feed] == ["complete", "complete"]
    vocals, _, _ = mp3_info(requests.get(feed[0]["audio_url"]).content)
    assert vocals == pytest.approx(sandbox.engine.clip(clip_id).duration, abs=0.15)

    sandbox.config.offered = sandbox.config.offered | {"mp4"}
    assert http.get(f"{sandbox.url}/suno/act/mp4/{clip_id}").json()["data"] == {}


# --------------------------------------------------------------------------------------------
# Request log and control API
# --------------------------------------------------------------------------------------------


def test_request_log_records_method_path_body_never_the_key(http, sandbox):
    submit(http, sandbox, "cats")
    http.get(f"{sandbox.url}/suno/fetch/abc")
    requests.get(f"{sandbox.url}/suno/fetch/def", headers={"Authorization": "sk-secret-123"})
    log = sandbox.requests
    assert [(r["method"], r["path"], r["body"]) for r in log] == [
        ("POST", "/suno/submit/music", {"gpt_description_prompt": "cats", "mv": "chirp-v4"}),
        ("GET", "/suno/fetch/abc", None),
        ("GET", "/suno/fetch/def", None),
    ]
    over_http = requests.get(f"{sandbox.url}/_sandbox/requests").json()  # control API: no key
    assert [(r["method"], r["path"], r["body"]) for r in over_http] == [
        (r["method"], r["path"], r["body"]) for r in log
    ]
    dump = json.dumps(log) + json.dumps(over_http)
    assert API_KEY not in dump and "sk-secret-123" not in dump and "Bearer" not in dump
    # control and media calls are not API traffic
    assert all(not r["path"].startswith(("/_sandbox", "/media")) for r in sandbox.requests)

    assert requests.delete(f"{sandbox.url}/_sandbox/requests").json() == []
    assert sandbox.requests == [] and requests.get(f"{sandbox.url}/_sandbox/requests").json() == []
    submit(http, sandbox)
    sandbox.clear_requests()
    assert sandbox.requests == []


def test_faults_over_http(http, sandbox):
    response = requests.post(
        f"{sandbox.url}/_sandbox/faults",
        json={"kind": "status", "status": 503, "route": "/suno/fetch/", "times": 1, "bogus": "ignored"},
    )
    assert response.status_code == 200
    [fault] = response.json()
    assert fault["kind"] == "status" and fault["status"] == 503 and fault["times"] == 1
    assert requests.get(f"{sandbox.url}/_sandbox/faults").json() == [fault]
    assert http.get(f"{sandbox.url}/suno/fetch/x").status_code == 503
    assert http.get(f"{sandbox.url}/suno/fetch/x").status_code == 400
    assert requests.get(f"{sandbox.url}/_sandbox/faults").json() == []

    bad = requests.post(f"{sandbox.url}/_sandbox/faults", json={"kind": "explode"})
    assert bad.status_code == 400 and "explode" in bad.json()["error"]
    requests.post(f"{sandbox.url}/_sandbox/faults", json={"kind": "html", "times": None})
    assert requests.delete(f"{sandbox.url}/_sandbox/faults").json() == []
    assert http.get(f"{sandbox.url}/suno/fetch/x").status_code == 400


def test_config_over_http(http, sandbox, clock):
    config = requests.get(f"{sandbox.url}/_sandbox/config").json()
    assert config["udio_dialect"] == "nested" and config["offered"] == sorted(FEATURES)
    changed = requests.post(
        f"{sandbox.url}/_sandbox/config",
        json={"udio_dialect": "flat", "offered": ["udio", "batch", "nonsense"], "timeline": [0, 1, 2, 3]},
    ).json()
    assert changed["udio_dialect"] == "flat" and changed["offered"] == ["batch", "udio"]
    assert sandbox.config.udio_dialect == "flat" and sandbox.config.timeline == (0.0, 1.0, 2.0, 3.0)
    response = http.post(
        f"{sandbox.url}/udio/submit/music", json={"gen_params": {"prompt": "jazz", "config": {"mode": "regular"}}}
    )
    clock.advance(PAST_DONE)
    task = fetch(http, sandbox, response.json()["data"], "udio")
    assert "songs" in task and "data" not in task
    lyrics = http.post(f"{sandbox.url}/suno/submit/lyrics", json={"prompt": "x"})
    assert lyrics.status_code == 400 and lyrics.json()["message"] == "invalid_action"  # not offered


def test_control_helper(sandbox, http):
    assert control(sandbox.url, "health") == {"status": "ok"}
    assert control(sandbox.url + "/", "faults", {"kind": "status", "status": 502})[0]["status"] == 502
    assert http.get(f"{sandbox.url}/suno/fetch/x").status_code == 502
    assert control(sandbox.url, "config", {"udio_dialect": "flat"})["udio_dialect"] == "flat"
    assert sandbox.config.udio_dialect == "flat"
    assert [r["path"] for r in control(sandbox.url, "requests")] == ["/suno/fetch/x"]
    assert control(sandbox.url, "requests", method="DELETE") == []
    assert sandbox.requests == []


# --------------------------------------------------------------------------------------------
# Batch fetch
# --------------------------------------------------------------------------------------------


def test_batch_fetch_omits_unknown_ids_and_is_not_in_request_order(http, sandbox, clock):
    ids = [submit(http, sandbox, f"song {i}") for i in range(4)]
    clock.advance(13)
    unknown = [str(uuid.uuid4()), "not-a-task"]
    asked = [ids[0], unknown[0], ids[1], ids[2], unknown[1], ids[3]]
    response = http.post(f"{sandbox.url}/suno/fetch", json={"ids": asked, "action": "MUSIC"})
    body = response.json()
    assert response.status_code == 200 and body["code"] == "success"
    returned = [row["task_id"] for row in body["data"]]
    assert sorted(returned) == sorted(ids)
    assert returned != ids
    assert all(row["status"] == "IN_PROGRESS" and len(row["data"]) == 2 for row in body["data"])
    assert http.post(f"{sandbox.url}/suno/fetch", json={}).json()["data"] == []
    also = http.post(f"{sandbox.url}/suno/submit/fetch", json={"ids": ids[:1]}).json()["data"]
    assert [row["task_id"] for row in also] == ids[:1]


def test_batch_fetch_leaves_out_udio_tasks(http, sandbox):
    udio = http.post(f"{sandbox.url}/udio/submit/music", json={"gen_params": {"prompt": "jazz"}}).json()["data"]
    suno = submit(http, sandbox)
    rows = http.post(f"{sandbox.url}/suno/fetch", json={"ids": [udio, suno]}).json()["data"]
    assert [r["task_id"] for r in rows] == [suno]
    # and a Suno ID is unknown on the Udio route
    assert http.get(f"{sandbox.url}/udio/fetch/{suno}").status_code == 400


# --------------------------------------------------------------------------------------------
# Running on its own
# --------------------------------------------------------------------------------------------


def test_module_runs_as_a_subprocess(free_port):
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    process = subprocess.Popen(
        [sys.executable, "-m", "lib.sandbox", "--port", str(free_port), "--fast"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        url = f"http://127.0.0.1:{free_port}"
        deadline = time.monotonic() + 10
        while True:
            assert process.poll() is None, process.stdout.read().decode(errors="replace")
            try:
                health = requests.get(f"{url}/_sandbox/health", timeout=0.5)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, "the sandbox did not start within 10 s"
                time.sleep(0.05)
        assert health.status_code == 200 and health.json() == {"status": "ok"}
        config = requests.get(f"{url}/_sandbox/config").json()
        assert config["timeline"] == [0.0, 0.1, 0.2, 1.0]  # --fast
        response = requests.post(f"{url}/suno/submit/lyrics", json={"prompt": "x"}, headers={"Authorization": "sk-xxx"})
        assert response.status_code == 200 and response.json()["code"] == "success"
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()


def test_a_drip_fault_answers_at_once_and_sends_its_body_a_byte_at_a_time(http, sandbox):
    sandbox.inject("drip", route="/suno/fetch/", delay=0.2)
    with http.get(f"{sandbox.url}/suno/fetch/x", stream=True, timeout=(5, 5)) as response:
        assert response.status_code == 200
        first = [response.raw.read(1) for _ in range(3)]
    assert first == [b"{", b'"', b"c"]  # each read got its byte: no read timeout would ever trip
