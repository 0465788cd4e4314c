"""MIDI and the older stems route, over real HTTP to the sandbox with time moved by hand: the MIDI
file is a valid Standard MIDI File (read back here by an independent reader) holding the notes the
synthesized song sings; a hostile MIDI answer cannot make a huge or broken file; the older stems
route is sent once and its clips are followed until they play."""

from __future__ import annotations

import math
import struct

import pytest
import requests

from lib.gateway.errors import GatewayError, ServerError, UnsupportedRouteError
from lib.sandbox import FEATURES
from lib.sandbox.score import sung_score
from lib.studio.clip_tool_jobs import MidiJob, older_stems_submission, started_stems
from lib.studio.midi_file import (
    MAX_NOTES,
    TICKS_PER_SECOND,
    Instrument,
    MidiNote,
    midi_bytes,
    note_count,
    read_instruments,
)
from tests.conftest import PAST_DONE

# --- an independent reader: what a DAW sees in the file ------------------------------------------


def read_smf(data: bytes) -> tuple[int, int, list[list[tuple[int, int, int, int]]], list[str]]:
    """(format, ticks per quarter, per track [(on tick, off tick, pitch, velocity)], track names)."""
    assert data[:4] == b"MThd"
    length, fmt, count, division = struct.unpack(">IHHH", data[4:14])
    assert length == 6
    at, tracks, names = 14, [], []
    for _ in range(count):
        assert data[at : at + 4] == b"MTrk"
        (size,) = struct.unpack(">I", data[at + 4 : at + 8])
        body, at = data[at + 8 : at + 8 + size], at + 8 + size
        notes, name, sounding, tick, i, ended = [], "", {}, 0, 0, False
        while i < len(body):
            delta, i = _vlq(body, i)
            tick += delta
            status = body[i]
            if status == 0xFF:
                kind, (size_, i) = body[i + 1], _vlq(body, i + 2)
                if kind == 0x03:
                    name = body[i : i + size_].decode("utf-8")
                ended = kind == 0x2F
                i += size_
            elif status & 0xF0 in (0x80, 0x90):
                pitch, velocity = body[i + 1], body[i + 2]
                assert pitch < 128 and velocity < 128
                if status & 0xF0 == 0x90 and velocity:
                    sounding[pitch] = (tick, velocity)
                else:
                    start, vel = sounding.pop(pitch)
                    notes.append((start, tick, pitch, vel))
                i += 3
            else:
                raise AssertionError(f"unexpected event {status:#x}")
        assert ended and not sounding  # every track ends, every note is released
        tracks.append(sorted(notes))
        names.append(name)
    assert at == len(data)
    return fmt, division, tracks, names


def _vlq(data: bytes, i: int) -> tuple[int, int]:
    value = 0
    while True:
        byte = data[i]
        value, i = (value << 7) | (byte & 0x7F), i + 1
        if not byte & 0x80:
            return value, i


# --- the file --------------------------------------------------------------------------------------


def test_notes_become_a_standard_midi_file_with_the_same_notes():
    lead = Instrument("Vocals", (MidiNote(60, 0.5, 1.0, 100), MidiNote(64, 1.0, 1.25, 90), MidiNote(67, 200.0, 201, 1)))
    bass = Instrument("Bass", (MidiNote(36, 0.0, 2.0, 80),))
    fmt, division, tracks, names = read_smf(midi_bytes((lead, bass), "Rain 雨"))
    assert fmt == 1 and division * 2 == TICKS_PER_SECOND  # 120 bpm: a quarter is half a second
    assert names == ["Rain 雨", "Vocals", "Bass"] and tracks[0] == []
    seconds = [[(on / TICKS_PER_SECOND, off / TICKS_PER_SECOND, p, v) for on, off, p, v in t] for t in tracks[1:]]
    assert seconds == [[(0.5, 1.0, 60, 100), (1.0, 1.25, 64, 90), (200.0, 201.0, 67, 1)], [(0.0, 2.0, 36, 80)]]


def test_a_hostile_midi_answer_keeps_only_sane_notes_and_a_bounded_size():
    answer = {
        "state": "complete",
        "instruments": [
            {
                "name": "<script>x</script>" * 20,
                "notes": [
                    {"pitch": 60, "start": 0, "end": 1, "velocity": 0.5},  # 0–1 velocity
                    {"pitch": 300, "start": 0, "end": 1},
                    {"pitch": 60, "start": 2, "end": 1},
                    {"pitch": "61", "start": "1", "end": "1.5"},
                    {"pitch": float("nan"), "start": 0, "end": 1},
                    {"pitch": True, "start": 0, "end": 1},
                    {"pitch": 62, "start": 0, "end": 1e9},
                    "not a note",
                ],
            },
            {"name": "Empty", "notes": []},
            "junk",
            {"notes": [{"pitch": 40, "start": i / 100, "end": i / 100 + 0.05} for i in range(MAX_NOTES + 10)]},
        ],
    }
    instruments = read_instruments(answer)
    assert [i.name[:8] for i in instruments] == ["<script>", "Track 4"]
    assert [(n.pitch, n.velocity) for n in instruments[0].notes] == [(60, 64), (61, 90)]
    assert note_count(instruments) == MAX_NOTES and len(instruments[0].name) <= 60
    assert len(midi_bytes(instruments)) < 12 * MAX_NOTES  # a few bytes a note, no more
    assert read_instruments({"state": "complete"}) == () and read_instruments(None) == ()


# --- MIDI from the sandbox ---------------------------------------------------------------------


@pytest.fixture
def finished(client, clock):
    task_id = client.generate("neon rain over the harbour")
    clock.advance(PAST_DONE)
    task = client.fetch_task(task_id)
    assert task.is_success
    return task


def run(job, client, clock, *, step=0.5, limit=400):
    for _ in range(limit):
        job = job.advance(client, clock())
        if not job.running:
            return job
        clock.advance(step)
    raise AssertionError(f"never ended: {job}")


def test_the_midi_job_gets_the_notes_the_song_sings(client, sandbox, clock, finished):
    song = finished.songs[0]
    job = MidiJob(song.id, clock())
    job = job.advance(client, clock())
    assert job.running and job.checks == 1  # the gateway is transcribing
    job = run(job, client, clock)
    assert job.error is None
    names = [i.name for i in job.instruments]
    assert names == ["Vocals", "Bass"]
    clip = sandbox.engine.clip(song.id)
    sung = sung_score(clip.seed, clip.duration, clip.lyrics, ", ".join(clip.tags))
    vocals = job.instruments[0].notes
    assert [n.pitch for n in vocals] == [n.midi for n in sung.notes]
    timing = client.timing(song.id)  # the karaoke's word times start on the same notes
    assert [round(n.start, 3) for n in vocals] == [w.start_s for w in timing]
    _, _, tracks, _ = read_smf(midi_bytes(job.instruments, song.title))
    assert len(tracks[1]) == len(vocals)
    for (on, *_), note in zip(tracks[1], vocals):
        assert math.isclose(on, note.start * TICKS_PER_SECOND, abs_tol=1)
    assert all(r["method"] == "GET" for r in sandbox.requests if "/act/midi/" in r["path"])


def test_midi_not_offered_is_said_once(client, sandbox, clock, finished):
    sandbox.config.offered = frozenset(FEATURES) - {"midi"}
    job = MidiJob(finished.songs[0].id, clock()).advance(client, clock())
    assert isinstance(job.error, UnsupportedRouteError) and not job.running


# --- the older stems route ---------------------------------------------------------------------


def test_the_older_stems_route_gives_two_playable_stems(client, sandbox, clock, finished):
    song = finished.songs[0]
    submission = older_stems_submission(song)
    assert (submission.method, submission.route) == ("GET", f"/suno/act/stems/{song.id}")
    parts = client.request_stems(song.id)
    assert [p.title for p in parts] == [f"{song.title} - Vocals", f"{song.title} - Instrumental"]
    job = started_stems(song, parts, clock())
    assert job.running
    job = run(job, client, clock)
    assert job.error is None and all(part.is_complete and part.kind == "stem" for part in job.songs)
    for part in job.songs:
        audio = requests.get(part.audio_url, timeout=10)
        assert audio.ok and audio.content[:3] == b"ID3"  # an MP3, as Suno serves
    feeds = [r["path"] for r in sandbox.requests if r["path"].startswith("/suno/feed/")]
    assert feeds and all(path.endswith(",".join(job.clip_ids)) for path in feeds)


def test_the_older_stems_route_is_sent_once_even_on_a_server_error(client, sandbox, finished):
    song = finished.songs[0]
    sandbox.clear_requests()
    sandbox.inject("status", status=502, route=f"/suno/act/stems/{song.id}", times=3)
    with pytest.raises(ServerError):
        client.request_stems(song.id)
    assert [r["path"] for r in sandbox.requests] == [f"/suno/act/stems/{song.id}"]  # never repeated
    assert isinstance(ServerError("x"), GatewayError)


def test_only_the_new_api_family_gets_the_get_clip_tools():
    """Another provider's stems are a paid POST of its own (AceData's /suno/audios): the older
    stems tab, which confirms a GET, must never send it."""
    from lib.gateway import providers
    from lib.studio.clip_tool_jobs import offered_by

    for name in providers.NAMES:
        family = name in ("newapi", "newapi-v1")
        assert offered_by(name, "stems_v1") is family and offered_by(name, "midi") is family, name
        assert offered_by(name, "wav")  # not this module's tool
