"""The sandbox's state file: tasks submitted before a restart can still be fetched, and their media
is still served, by a new sandbox started on the same file. Real HTTP, manual clock, no sleeps."""

from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from lib.gateway.client import GatewayClient
from lib.gateway.models import TaskStatus
from lib.sandbox import SandboxConfig, SandboxGateway, persistence

API_KEY = "test-key"
PAST_DONE = 40.0  # every default-timeline task is done 40 s after submit (as in conftest)


@contextmanager
def running(clock, state_path: Path | None):
    """A started sandbox on ``state_path`` and a client to it; both closed on exit."""
    gateway = SandboxGateway(SandboxConfig(), clock=clock, state_path=state_path).start()
    client = GatewayClient(gateway.url, API_KEY, backoff=0, sleep=lambda _: None)
    try:
        yield gateway, client
    finally:
        client.close()
        gateway.stop()


def media(url: str) -> tuple[str, bytes]:
    response = requests.get(url, timeout=10)
    assert response.status_code == 200, url
    return response.headers["Content-Type"], response.content


def media_of(task) -> dict[str, tuple[str, bytes]]:
    """Every song's cover and audio, keyed by path (the host changes across restarts)."""
    found = {}
    for song in task.songs:
        for url in (song.image_url, song.audio_url):
            found[url.split("/", 3)[3]] = media(url)
    return found


def test_tasks_and_media_survive_a_restart(tmp_path, clock):
    state = tmp_path / "sandbox.json"
    with running(clock, state) as (gateway, client):
        suno_id = client.generate("a rainy night in the city", mv="chirp-v4")
        udio_id = client.udio_generate("saxophone, lyrical, night")
        lyrics_id = client.submit_lyrics("dance all night")
        clock.advance(PAST_DONE)
        before = {
            platform_id: client.fetch_task(*platform_id)
            for platform_id in ((suno_id, "suno"), (udio_id, "udio"), (lyrics_id, "suno"))
        }
        media_before = {key: media_of(task) for key, task in before.items()}
    assert json.loads(state.read_text())["version"] == 1

    with running(clock, state) as (gateway, client):
        for (task_id, platform), old in before.items():
            new = client.fetch_task(task_id, platform)
            assert new.status is TaskStatus.SUCCESS and new.action == old.action
            assert [(s.id, s.title, s.tags, s.lyrics, s.duration) for s in new.songs] == [
                (s.id, s.title, s.tags, s.lyrics, s.duration) for s in old.songs
            ]
            assert new.lyrics == old.lyrics
            assert new.submitted_at == old.submitted_at and new.finished_at == old.finished_at
        assert len(before[(suno_id, "suno")].songs) == len(before[(udio_id, "udio")].songs) == 2
        assert before[(lyrics_id, "suno")].lyrics.text

        batch = client.fetch_tasks([suno_id, lyrics_id])
        assert set(batch) == {suno_id, lyrics_id}
        assert all(task.status is TaskStatus.SUCCESS for task in batch.values())
        assert set(client.fetch_tasks([udio_id], "udio")) == {udio_id}

        for key in before:
            after = media_of(client.fetch_task(*key))
            assert after == media_before[key]
            for path, (content_type, data) in after.items():
                assert content_type == ("image/png" if path.endswith(".png") else "audio/mpeg")
                assert data[:4] == (b"\x89PNG" if path.endswith(".png") else b"ID3\x04")
        song = before[(suno_id, "suno")].songs[0]
        for suffix, content_type in (("-large.png", "image/png"), ("-hq.wav", "audio/wav")):
            assert media(f"{gateway.url}/media/{song.id}{suffix}")[0] == content_type
        assert media(f"{gateway.url}/audiopipe/?item_id={song.id}")[0] == "audio/wav"


def test_stem_clips_without_a_task_survive_a_restart(tmp_path, clock):
    state = tmp_path / "sandbox.json"
    with running(clock, state) as (_, client):
        task_id = client.generate("lofi beats")
        clock.advance(PAST_DONE)
        task = client.fetch_task(task_id)
        stems = client.request_stems(task.songs[0].id)
        assert len(stems) == 2
    with running(clock, state) as (gateway, client):
        clips = client.fetch_clips([s.id for s in stems])
        assert [(c.id, c.title) for c in clips] == [(s.id, s.title) for s in stems]
        assert media(f"{gateway.url}/media/{stems[0].id}.mp3")[0] == "audio/mpeg"


def test_a_running_task_continues_its_timeline_after_a_restart(tmp_path, clock):
    state = tmp_path / "sandbox.json"
    with running(clock, state) as (gateway, client):
        task_id = client.generate("a song still cooking")
        clock.advance(12.5)  # past the scaled start (8-12 s), before the end (24-36 s)
        assert client.fetch_task(task_id).status is TaskStatus.IN_PROGRESS
        finish = gateway.engine.task(task_id).finish_after
    with running(clock, state) as (gateway, client):
        assert client.fetch_task(task_id).status is TaskStatus.IN_PROGRESS
        clock.advance(finish - 12.5 - 0.01)
        assert client.fetch_task(task_id).status is TaskStatus.IN_PROGRESS
        clock.advance(0.02)
        task = client.fetch_task(task_id)
        assert task.status is TaskStatus.SUCCESS and len(task.songs) == 2


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n",
        "{not json",
        '{"version": 99, "tasks": [], "clips": []}',
        '{"version": 1, "tasks": [{"task_id": 1}], "clips": []}',
        "[1, 2]",
    ],
)
def test_an_unusable_state_file_starts_an_empty_sandbox(tmp_path, clock, text):
    state = tmp_path / "sandbox.json"
    state.write_text(text)
    with running(clock, state) as (gateway, client):
        assert gateway.engine._tasks == {} and gateway.engine._clips == {}
        task_id = client.generate("a fresh start")  # and it keeps working, saving a good file
    assert task_id in {t["task_id"] for t in json.loads(state.read_text())["tasks"]}
    if text.strip():
        assert (tmp_path / "sandbox.json.corrupt").read_text() == text


def test_a_missing_state_file_and_directory_are_created(tmp_path, clock):
    state = tmp_path / "deeper" / "sandbox.json"
    with running(clock, state) as (_, client):
        client.submit_lyrics("hello")
    assert json.loads(state.read_text())["version"] == 1
    assert [p.name for p in state.parent.iterdir()] == ["sandbox.json"]  # no temp files left


def test_without_a_state_path_no_file_is_written(tmp_path, clock, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with running(clock, None) as (gateway, client):
        client.generate("nothing kept")
        assert gateway.engine.state_path is None
    assert list(tmp_path.iterdir()) == []


def test_the_file_keeps_only_the_newest_tasks(tmp_path, clock, monkeypatch):
    monkeypatch.setattr(persistence, "MAX_TASKS", 2)
    state = tmp_path / "sandbox.json"
    with running(clock, state) as (_, client):
        ids = []
        for n in range(3):
            ids.append(client.generate(f"song {n}"))
            clock.advance(1.0)
    saved = json.loads(state.read_text())
    assert [t["task_id"] for t in saved["tasks"]] == ids[1:]
    assert len(saved["clips"]) == 4
    with running(clock, state) as (_, client):
        assert set(client.fetch_tasks(ids)) == set(ids[1:])
