"""Song tools over real HTTP to the sandbox, time driven by hand: success, slow conversion,
failure and "not offered" for each tool, and what the capability probe learns."""

from __future__ import annotations

import pytest
import requests

from lib.gateway.client import GatewayClient
from lib.gateway.errors import AuthenticationError, GatewayTimeoutError, ServerError, UnsupportedRouteError
from lib.gateway.models import Song, Task, TaskStatus
from lib.gateway.profiles import GatewayProfile
from lib.library.store import HistoryStore
from lib.sandbox import FEATURES
from lib.studio import capabilities
from lib.studio.lyrics_sync import synced_lines, to_lrc
from lib.studio.song_jobs import (
    CONVERSION_LIMIT_S,
    FollowedTask,
    advance_conversion,
    advance_followed,
    conversion_delay,
    full_song_submission,
    not_offered,
    persona_submission,
    start_conversion,
    stems_submission,
    tools_for,
)
from lib.studio.submit import submit_recorded
from tests.conftest import PAST_DONE


@pytest.fixture
def finished(client, clock):
    """A finished two-song Suno task with lyrics."""
    task_id = client.generate("neon rain over the harbour")
    clock.advance(PAST_DONE)
    task = client.fetch_task(task_id)
    assert task.is_success and len(task.songs) == 2
    return task


def offered_without(sandbox, *missing: str) -> None:
    sandbox.config.offered = frozenset(FEATURES) - set(missing)


def run_conversion(job, client, clock, *, step: float = 0.5, limit: int = 400):
    """Tick like the page's fragment does (every ``step`` s) until the job ends."""
    for _ in range(limit):
        job = advance_conversion(job, client, clock())
        if job.done:
            return job
        clock.advance(step)
    raise AssertionError(f"conversion never ended: {job}")


# --- which tools a song gets -------------------------------------------------------------------


def test_a_finished_suno_song_gets_every_tool_but_the_full_song(finished):
    assert tools_for(finished.songs[0], finished) == ("wav", "mp4", "midi", "timing", "stems", "stems_v1", "persona")


def test_segments_get_the_full_song_and_stems_or_udio_get_less():
    task = Task("t1", "suno", TaskStatus.SUCCESS)
    segment = Song("c2", lyrics="la", status="complete", kind="gen", continues="c1")
    assert "full_song" in tools_for(segment, task)
    stem = Song("c3", status="complete", kind="stem")
    assert tools_for(stem, task) == ("wav", "mp4", "midi")
    assert tools_for(Song("c4", status="streaming"), task) == ()
    assert tools_for(segment, Task("t2", "udio", TaskStatus.SUCCESS)) == ()
    assert tools_for(segment, Task("t3", "suno", TaskStatus.IN_PROGRESS)) == ()


# --- WAV and MP4 ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind, suffix", [("wav", ".wav"), ("mp4", ".mp4")])
def test_conversion_polls_until_the_file_exists(kind, suffix, client, clock, finished):
    job = start_conversion(kind, finished.songs[0].id, clock())
    job = advance_conversion(job, client, clock())
    assert job.url is None and job.checks == 1 and not job.done
    assert job.next_check_at == pytest.approx(clock() + conversion_delay(1))
    assert advance_conversion(job, client, clock()) is job  # not due yet: no request
    job = run_conversion(job, client, clock)
    assert job.url.endswith(suffix) and job.error is None and job.progress(clock()) == 1.0
    response = requests.get(job.url, timeout=10)
    assert response.status_code == 200
    assert response.content[:4] == b"RIFF" if kind == "wav" else b"ftyp" in response.content[:32]


def test_slow_conversion_backs_off_and_shows_progress(sandbox, client, clock, finished):
    sandbox.config.conversion_seconds = 90
    job = start_conversion("wav", finished.songs[0].id, clock())
    delays, estimates = [], []
    while not job.done:
        before = job.checks
        job = advance_conversion(job, client, clock())
        if job.checks > before and not job.done:
            delays.append(job.next_check_at - clock())
            estimates.append(job.progress(clock()))
        clock.advance(0.5)
    assert job.url is not None
    assert delays == sorted(delays) and max(delays) == 10.0  # 1 s, 1.5 s … capped at 10 s
    assert len(delays) < 25  # about 90 s of waiting in a couple of dozen requests, not 180
    assert estimates == sorted(estimates) and estimates[0] < estimates[-1] <= 0.95


def test_a_conversion_that_never_ends_gives_up(sandbox, client, clock, finished):
    sandbox.config.conversion_seconds = 10 * CONVERSION_LIMIT_S
    job = run_conversion(start_conversion("wav", finished.songs[0].id, clock()), client, clock, step=5, limit=1000)
    assert isinstance(job.error, GatewayTimeoutError) and job.url is None


def test_transient_failures_are_waited_out_then_reported(sandbox, client, clock, finished):
    clip = finished.songs[0].id
    sandbox.inject("status", status=502, route="/suno/act/wav", times=4)  # past the client's own 3 retries
    job = advance_conversion(start_conversion("wav", clip, clock()), client, clock())
    assert job.error is None and "502" in job.last_problem
    job = run_conversion(job, client, clock)
    assert job.url and job.last_problem == ""
    sandbox.inject("status", status=500, route="/suno/act/wav", times=None)
    job = run_conversion(start_conversion("wav", finished.songs[1].id, clock()), client, clock)
    sandbox.clear_faults()
    assert isinstance(job.error, ServerError) and not not_offered(job.error)


def test_a_gateway_without_the_route_says_not_offered(sandbox, client, clock, finished):
    offered_without(sandbox, "wav", "mp4")
    for kind in ("wav", "mp4"):
        job = advance_conversion(start_conversion(kind, finished.songs[0].id, clock()), client, clock())
        assert isinstance(job.error, UnsupportedRouteError) and not_offered(job.error)


# --- synced lyrics ----------------------------------------------------------------------------


def test_synced_lyrics_follow_the_songs_lines(client, finished):
    song = finished.songs[0]
    lines = synced_lines(client.timing(song.id), song.lyrics)
    sung = [line for line in lines if not line.is_heading]
    expected = [line.strip() for line in song.lyrics.splitlines() if line.strip() and not line.strip().startswith("[")]
    assert [line.text for line in sung] == expected
    starts = [line.start_s for line in sung]
    assert starts == sorted(starts) and 0 < starts[0] < starts[-1] < song.duration
    lrc = to_lrc(lines, title=song.title, length_s=song.duration).splitlines()
    assert lrc[0] == f"[ti:{song.title}]"
    assert sum(1 for line in lrc if line[:1] == "[" and line[3:4] == ":" and line[6:7] == ".") == len(sung)


def test_synced_lyrics_not_offered(sandbox, client, finished):
    offered_without(sandbox, "timing")
    with pytest.raises(UnsupportedRouteError):
        client.timing(finished.songs[0].id)


# --- stems and the full song: paid tasks, then followed ---------------------------------------


def follow(client, clock, task_id: str, tool: str = "stems") -> FollowedTask:
    job = FollowedTask(tool, "clip", task_id, clock())
    for _ in range(200):
        job = advance_followed(job, client, clock())
        if job.done:
            return job
        clock.advance(1.0)
    raise AssertionError(f"task never ended: {job}")


def test_stems_become_two_playable_tracks(sandbox, client, clock, finished, tmp_path):
    store = HistoryStore(f"sqlite:///{tmp_path / 'h.db'}")
    profile = GatewayProfile("Sandbox", sandbox.url, "test-key", is_sandbox=True)
    submission = stems_submission(finished.songs[0], finished)
    assert submission.body["task"] == "gen_stem" and submission.body["continue_clip_id"] == finished.songs[0].id
    result = submit_recorded(store, profile, submission, lambda: client.submit(submission.route, submission.body))
    job = follow(client, clock, result.task_id)
    assert job.task.is_success and [s.title.rsplit(" - ", 1)[1] for s in job.task.songs] == ["Vocals", "Instrumental"]
    for song in job.task.songs:
        assert song.kind == "stem" and requests.get(song.audio_url, timeout=10).content[:3] == b"ID3"
    assert store.find(result.task_id).action == "stems"


def test_stems_not_offered_is_refused_before_any_task(sandbox, client, finished):
    offered_without(sandbox, "stems")
    submission = stems_submission(finished.songs[0], finished)
    with pytest.raises(UnsupportedRouteError) as caught:
        client.submit(submission.route, submission.body)
    assert not_offered(caught.value)


def test_an_extension_is_a_segment_and_concat_makes_the_whole_song(client, clock, finished):
    first = finished.songs[0]
    extended_id = client.extend(
        task_id=finished.task_id,
        clip_id=first.id,
        continue_at=20,
        lyrics="[Verse 2]\nstill raining",
        tags="synthwave",
        title=first.title,
    )
    clock.advance(PAST_DONE)
    segment = client.fetch_task(extended_id).songs[0]
    assert segment.is_segment and segment.continues == first.id and not segment.infill
    assert "full_song" in tools_for(segment, client.fetch_task(extended_id))
    submission = full_song_submission(segment)
    assert submission.body == {"clip_id": segment.id, "is_infill": False}
    job = follow(client, clock, client.submit(submission.route, submission.body), "full_song")
    whole = job.task.songs[0]
    assert whole.kind == "concat" and not whole.is_segment
    assert whole.duration == pytest.approx(first.duration + segment.duration, abs=0.1)


def test_a_replaced_section_concatenates_as_infill(client, clock, finished):
    song = finished.songs[0]
    infill_id = client.replace_section(
        task_id=finished.task_id,
        clip_id=song.id,
        start_s=5,
        end_s=10,
        lyrics="[Verse]\nnew words here",
        tags="pop",
        title=song.title,
    )
    clock.advance(PAST_DONE)
    segment = client.fetch_task(infill_id).songs[0]
    assert segment.is_segment and segment.infill
    assert full_song_submission(segment).body["is_infill"] is True


def test_full_song_not_offered(sandbox, client, clock, finished):
    offered_without(sandbox, "concat")
    submission = full_song_submission(Song(finished.songs[0].id, continues="x"))
    with pytest.raises(UnsupportedRouteError):
        client.submit(submission.route, submission.body)


def test_a_failed_stem_task_ends_the_follow(client, clock, finished):
    song = finished.songs[0]
    submission = stems_submission(Song(song.id, title="sandbox:fail=quota"), finished)
    job = follow(client, clock, client.submit(submission.route, submission.body))
    assert job.task.is_failure and "credits" in job.task.fail_reason


def test_following_a_task_that_vanished_reports_it(client, clock):
    job = advance_followed(FollowedTask("stems", "c", "no-such-task", clock()), client, clock())
    assert job.done and job.error is not None and job.error.kind == "not_found"


# --- persona ----------------------------------------------------------------------------------


def test_persona_from_a_song(sandbox, client, finished):
    submission = persona_submission(finished.songs[0], "  Harbour voice ", "warm alto", True)
    assert submission.body["name"] == "Harbour voice" and submission.body["clips"] == [finished.songs[0].id]
    persona_id = client.submit(submission.route, submission.body)
    assert len(persona_id) == 36
    offered_without(sandbox, "persona")
    with pytest.raises(UnsupportedRouteError):
        client.submit(submission.route, submission.body)


# --- capabilities -----------------------------------------------------------------------------


def test_probe_finds_what_the_sandbox_offers(sandbox, client):
    everything = {name: capabilities.OFFERED for name in capabilities.GET_PROBES}
    assert capabilities.probe(client).found == {**everything, capabilities.V1_ROUTES: capabilities.MISSING}
    offered_without(sandbox, "wav", "udio")
    found = capabilities.probe(client).found
    assert found["wav"] == found["udio"] == capabilities.MISSING
    assert found["mp4"] == found["timing"] == capabilities.OFFERED
    assert not any(r["method"] == "POST" for r in sandbox.requests)  # nothing paid was ever asked


def test_probe_stops_at_a_bad_key(sandbox):
    with GatewayClient(sandbox.url, "") as keyless:
        result = capabilities.probe(keyless)
    assert result.found == {} and isinstance(result.problem, AuthenticationError)
