"""A gateway that offers only the v1 routes (reference §2.15; the seed's 生成歌曲 / 拼接歌曲 / 生成歌词 /
查询歌曲 / 查询歌词 v1 版本): generate, concat, lyrics and fetch over real HTTP to the sandbox in its
v1-only mode, where every other task route answers 404; the profile setting that chooses them, and
the capability probe that finds them. Time is moved by hand."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import requests

from lib.gateway import GatewayClient, errors, providers
from lib.gateway.providers import newapi_v1
from lib.gateway.routes import SUNO_CONCAT, SUNO_MUSIC
from lib.sandbox import ManualClock, SandboxConfig, SandboxGateway
from lib.settings import SettingsError, load_settings
from lib.studio import capabilities, provider_modes, provider_snippets
from lib.studio.song_jobs import full_song_submission, stems_submission
from lib.studio.task_lookup import fetch_many
from tests.conftest import API_KEY, PAST_DONE

REPO = Path(__file__).resolve().parents[1]
V1 = newapi_v1.NAME


@pytest.fixture
def v1_sandbox(clock: ManualClock):
    with SandboxGateway(SandboxConfig(routes="v1"), clock=clock) as gateway:
        yield gateway


@pytest.fixture
def v1(v1_sandbox):
    with GatewayClient(v1_sandbox.url, API_KEY, provider=V1, sleep=lambda s: None) as client:
        yield client


def test_generate_then_the_feed_gives_two_playable_songs(v1, v1_sandbox, clock):
    handle = v1.generate("a calm song about rain", mv="chirp-v4")
    first, second = handle.split(newapi_v1.SEPARATOR)
    (submit,) = v1_sandbox.requests
    assert (submit["method"], submit["path"]) == ("POST", "/suno/generate")
    assert submit["body"]["gpt_description_prompt"] == "a calm song about rain"  # new-api's own body
    running = v1.fetch_task(handle)
    assert not running.is_terminal and [s.id for s in running.songs] == [first, second]
    clock.advance(PAST_DONE)
    task = v1.fetch_task(handle)
    assert task.is_success and len(task.songs) == 2
    assert all(song.audio_url and song.audio_url.endswith(".mp3") for song in task.songs)
    audio = requests.get(task.songs[0].audio_url, timeout=10)
    assert audio.ok and audio.content[:3] == b"ID3"  # a real MP3 that plays
    assert v1_sandbox.requests[-1]["path"] == f"/suno/feed/{first},{second}"
    assert all(not r["path"].startswith(("/suno/submit", "/suno/fetch")) for r in v1_sandbox.requests)


def test_lyrics_are_submitted_and_read_on_their_v1_routes(v1, v1_sandbox, clock):
    handle = v1.submit_lyrics("rain on a tin roof")
    assert handle.startswith(newapi_v1.LYRICS_PREFIX)
    lyrics_id = handle[len(newapi_v1.LYRICS_PREFIX) :]
    assert not v1.fetch_task(handle).is_terminal
    clock.advance(PAST_DONE)
    task = v1.fetch_task(handle)
    assert task.is_success and task.lyrics is not None and task.lyrics.text.strip() and task.lyrics.title
    paths = [(r["method"], r["path"]) for r in v1_sandbox.requests]
    assert paths[0] == ("POST", "/suno/generate/lyrics/") and paths[-1] == ("GET", f"/suno/lyrics/{lyrics_id}")


def test_concat_makes_a_task_of_one_clip_read_on_the_feed(v1, v1_sandbox, clock):
    handle = v1.generate("a song to extend")
    clock.advance(PAST_DONE)
    song = v1.fetch_task(handle).songs[0]
    extend = dict(clip_id=song.id, task_id=handle, continue_at=20, lyrics="[Verse] more", tags="pop", title="More")
    extended = v1.extend(**extend)
    assert "task_id" not in v1_sandbox.requests[-1]["body"]  # v1 knows clips, not tasks
    clock.advance(PAST_DONE)
    segment = v1.fetch_task(extended).songs[0]
    assert segment.is_segment
    full = v1.concat(segment.id)
    assert newapi_v1.SEPARATOR not in full  # one clip
    clock.advance(PAST_DONE)
    task = v1.fetch_task(full)
    assert task.is_success and len(task.songs) == 1 and task.songs[0].kind == "concat"
    assert ("POST", "/suno/generate/concat") in [(r["method"], r["path"]) for r in v1_sandbox.requests]


def test_many_tasks_are_one_feed_call_and_lyrics_are_read_alone(v1, v1_sandbox, clock):
    songs_a, songs_b = v1.generate("one"), v1.generate("two")
    lyrics = v1.submit_lyrics("three")
    clock.advance(PAST_DONE)
    v1_sandbox.clear_requests()
    found = v1.fetch_tasks([songs_a, songs_b, lyrics, "00000000-0000-4000-8000-00000000dead"])
    assert sorted(found) == sorted([songs_a, songs_b, lyrics])
    assert all(task.is_success for task in found.values())
    feeds = [r["path"] for r in v1_sandbox.requests if r["path"].startswith("/suno/feed/")]
    assert len(feeds) == 1 and feeds[0].count(",") == 4  # four clips and the unknown one
    assert sum(r["path"].startswith("/suno/lyrics/") for r in v1_sandbox.requests) == 1


def test_an_unknown_clip_is_not_found(v1):
    with pytest.raises(errors.NotFoundError):
        v1.fetch_task("00000000-0000-4000-8000-00000000dead")
    with pytest.raises(errors.NotFoundError):  # no Udio on the v1 routes
        v1.fetch_task("00000000-0000-4000-8000-00000000dead", "udio")
    # The Task page's "Suno, then Udio" for IDs it does not know: missing, not an error.
    assert fetch_many(v1, ["lyrics:00000000-dead", "00000000-0000-4000-8000-00000000dead"], None, {}) == (
        {},
        ["lyrics:00000000-dead", "00000000-0000-4000-8000-00000000dead"],
    )


def test_the_v1_sandbox_answers_404_for_every_other_task_route(v1_sandbox):
    headers = {"Authorization": f"Bearer {API_KEY}"}
    for method, path in [
        ("POST", "/suno/submit/music"),
        ("POST", "/suno/submit/lyrics"),
        ("POST", "/suno/submit/concat"),
        ("GET", "/suno/fetch/00000000-0000-4000-8000-0000000000a1"),
        ("POST", "/suno/fetch"),
        ("POST", "/udio/submit/music"),
        ("POST", "/suno/uploads/audio-url"),
        ("POST", "/suno/persona/create/"),
    ]:
        answer = requests.request(method, v1_sandbox.url + path, json={}, headers=headers, timeout=10)
        assert answer.status_code == 404 and answer.headers["Content-Type"].startswith("text/html"), path
    with GatewayClient(v1_sandbox.url, API_KEY) as usual:  # the usual routes: "not offered", not an error
        with pytest.raises(errors.UnsupportedRouteError):
            usual.generate("x")


def test_the_song_tools_stems_and_full_song_go_to_their_v1_twins(v1, v1_sandbox, clock):
    """A body built for the new-api routes (the song tools build them) goes to its v1 route."""
    handle = v1.generate("twins")
    clock.advance(PAST_DONE)
    task = v1.fetch_task(handle)
    stems = stems_submission(task.songs[0], task)
    assert stems.route == SUNO_MUSIC.path
    stem_task = v1.submit(stems.route, stems.body)
    clock.advance(PAST_DONE)
    split = v1.fetch_task(stem_task)
    assert split.is_success and {s.kind for s in split.songs} == {"stem"}
    concat = full_song_submission(task.songs[0])
    assert concat.route == SUNO_CONCAT.path
    v1.submit(concat.route, concat.body)
    posts = [r["path"] for r in v1_sandbox.requests if r["method"] == "POST"]
    assert posts == ["/suno/generate", "/suno/generate", "/suno/generate/concat"]


def test_the_create_page_offers_the_v1_modes_only():
    offered = provider_modes.offered_modes(V1)
    assert set(offered) == {"suno"}  # no Udio route among the v1 ones
    assert {"inspiration", "custom", "extend", "concat", "lyrics"} <= set(offered["suno"])
    assert "upload" not in offered["suno"] and "persona_create" not in offered["suno"]
    submission = provider_modes.build_for(V1, "suno", "inspiration", {"description": "rain", "model": "chirp-v4"})
    assert submission.route == "/suno/generate" and submission.body["gpt_description_prompt"] == "rain"


# --- choosing them: a profile, or the probe ------------------------------------------------------


def test_a_profile_chooses_the_v1_routes():
    settings = load_settings(
        {"GATEWAY_BASE_URL": "https://env.example.com", "GATEWAY_ROUTES": "V1"},
        {
            "gateways": {
                "goamz": {"base_url": "https://goamz.example.com", "routes": "v1"},
                "usual": {"base_url": "https://usual.example.com"},
            }
        },
    )
    assert [(p.name, p.provider) for p in settings.gateways] == [("env", V1), ("goamz", V1), ("usual", "newapi")]
    with pytest.raises(SettingsError) as caught:
        load_settings({}, {"gateways": {"x": {"base_url": "https://x.example.com", "routes": "v2"}}})
    assert caught.value.name == "gateway 'x': routes"
    with pytest.raises(SettingsError) as caught:
        load_settings(
            {}, {"gateways": {"x": {"base_url": "https://x.example.com", "routes": "v1", "provider": "piapi"}}}
        )
    assert caught.value.name == "gateway 'x': routes" and "new-api" in caught.value.problem
    assert V1 in providers.NAMES


def test_the_probe_finds_a_v1_only_gateway_for_free(v1_sandbox, sandbox):
    with GatewayClient(v1_sandbox.url, API_KEY) as usual:
        found = capabilities.probe(usual).found
    assert found[capabilities.V1_ROUTES] == capabilities.OFFERED
    assert found["wav"] == found["midi"] == capabilities.OFFERED  # the clip tools stay
    assert found["udio"] == capabilities.MISSING
    assert all(r["method"] == "GET" for r in v1_sandbox.requests)  # nothing paid was asked
    with GatewayClient(sandbox.url, API_KEY) as usual:
        assert capabilities.probe(usual).found[capabilities.V1_ROUTES] == capabilities.MISSING
    with GatewayClient(v1_sandbox.url, API_KEY, provider=V1) as on_v1:  # probed again once chosen
        assert capabilities.probe(on_v1).found[capabilities.V1_ROUTES] == capabilities.OFFERED


# --- what v1 answers look like (reference §2.15) -------------------------------------------------

CLIP = {
    "id": "81348e3a-0000-4000-8000-000000000001",
    "status": "complete",
    "title": "City Lights",
    "audio_url": "https://cdn.example.com/81348e3a.mp3",
    "image_url": "https://cdn.example.com/81348e3a.jpeg",
    "model_name": "chirp-v3",
    "metadata": {"tags": "pop", "prompt": "[Verse] lights", "type": "gen", "duration": 120.5},
}


def test_the_v1_answers_of_the_reference_read_as_tasks():
    v1 = providers.get(V1)
    generate = {"id": "batch-1", "clips": [dict(CLIP, status="submitted"), dict(CLIP, id="c2", status="submitted")]}
    handle = v1.task_id_from(newapi_v1.GENERATE, generate)
    assert handle == f"{CLIP['id']}:c2"
    assert v1.task_id_from(newapi_v1.CONCAT, dict(CLIP, id="c3")) == "c3"
    assert v1.task_id_from(newapi_v1.LYRICS, {"id": "da25a365-0000"}) == "lyrics:da25a365-0000"
    task = v1.read_task([CLIP], "suno", CLIP["id"])
    assert task.is_success and task.songs[0].title == "City Lights" and task.songs[0].duration == 120.5
    lyrics = {"text": "[Verse]\nhello", "title": "Hi", "status": "complete", "tags": ["pop"], "error_message": ""}
    read = v1.read_task(lyrics, "suno", "lyrics:da25a365-0000")
    assert read.is_success and read.lyrics.title == "Hi"
    with pytest.raises(errors.ProtocolError):
        v1.task_id_from(newapi_v1.GENERATE, {"id": "batch-1", "clips": []})
    assert v1.fetch_call("lyrics:abc", "suno").path == "/suno/lyrics/abc"
    with pytest.raises(errors.InvalidInputError):
        v1.fetch_call("lyrics:../x", "suno")


def test_the_command_line_starts_a_v1_only_sandbox():
    run = subprocess.run(
        [sys.executable, "-m", "lib.sandbox", "--routes", "v1", "--help"], cwd=REPO, capture_output=True, text=True
    )
    assert run.returncode == 0 and "--routes" in run.stdout
    run = subprocess.run(
        [sys.executable, "-m", "lib.sandbox", "--routes", "v1", "--provider", "piapi"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2 and "new-api" in run.stderr
    assert SandboxConfig(provider=V1).routes == "v1"
    with pytest.raises(ValueError):
        SandboxConfig(routes="v2")


def test_copy_as_code_submits_and_reads_on_the_v1_routes():
    song = provider_modes.build_for(V1, "suno", "inspiration", {"description": "rain", "model": "chirp-v4"})
    curl = provider_snippets.curl_command("https://goamz.example.com", song)
    assert '-X POST "https://goamz.example.com/suno/generate"' in curl
    assert '-X GET "https://goamz.example.com/suno/feed/${TASK_ID//:/,}"' in curl
    lyrics = provider_modes.build_for(V1, "suno", "lyrics", {"lyrics_prompt": "rain"})
    curl = provider_snippets.curl_command("https://goamz.example.com", lyrics)
    assert '"https://goamz.example.com/suno/generate/lyrics/"' in curl
    assert '-X GET "https://goamz.example.com/suno/lyrics/${TASK_ID' in curl
    compile(provider_snippets.python_script("https://goamz.example.com", lyrics), "snippet.py", "exec")
