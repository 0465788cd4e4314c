"""Song tools, the export pack and the capabilities panel on the Task page, through AppTest, with
real HTTP to a sandbox whose clock the test moves."""

from __future__ import annotations

import io
import json
import time
import zipfile

import pytest

from lib.library.store import OUTCOME_UNKNOWN, HistoryStore, default_database_url
from lib.sandbox import FEATURES
from tests.apptest import CREATE_PAGE, confirm_paid
from tests.conftest import PAST_DONE
from tests.test_task_page import open_task


@pytest.fixture
def finished(on_sandbox, client, clock):
    task_id = client.generate("neon rain over the harbour")
    clock.advance(PAST_DONE)
    return client.fetch_task(task_id)


def labels(at, kind: str) -> list[str]:
    return [e.proto.label for e in at.get(kind)]


def click(at, key: str):
    at.button(key=key).click().run()
    assert not at.exception, at.exception
    return at


def texts(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info]
    return "\n".join(parts + [e.value for e in at.error] + [s.value for s in at.success]).replace("\\", "")


def tick(at, seconds: float = 1.1):
    """What the fragment's timer does in a browser: wait for the next check, then run."""
    time.sleep(seconds)
    at.run()
    assert not at.exception, at.exception
    return at


def test_wav_is_converted_then_playable(finished, clock, sandbox):
    at = open_task(finished.task_id)
    key = f"{finished.task_id}-0"
    audio_before = len(at.get("audio"))
    click(at, f"tool-start-wav-{key}")
    progress = [p.proto.text for p in at.get("progress")]
    assert any("Converting" in text for text in progress), progress
    clock.advance(sandbox.config.conversion_seconds + 1)
    tick(at)
    assert len(at.get("audio")) == audio_before + 1
    assert "Download WAV" in labels(at, "download_button")
    assert not any("Converting" in p.proto.text for p in at.get("progress"))


def test_a_gateway_without_wav_says_so_and_stops_calling(finished, sandbox):
    sandbox.config.offered = frozenset(FEATURES) - {"wav"}
    at = open_task(finished.task_id)
    click(at, f"tool-start-wav-{finished.task_id}-0")
    assert "Not offered by this gateway" in texts(at)
    sandbox.clear_requests()
    at.run()
    # Both songs' WAV tabs now say so without a button, and nothing was asked again.
    assert texts(at).count("Not offered by this gateway") == 2
    assert not [b for b in at.button if b.key and b.key.startswith("tool-start-wav-")]
    assert not [r for r in sandbox.requests if "/act/wav/" in r["path"]]
    assert "not offered" in "\n".join(m.value for m in at.sidebar.markdown)


def first_sung_line(song) -> str:
    return next(line.strip() for line in song.lyrics.splitlines() if line.strip() and not line.startswith("["))


def karaoke_views(at) -> list[dict]:
    """The data each karaoke component on the page was given."""
    return [json.loads(c.proto.json) for c in at.get("bidi_component") if c.proto.component_name == "mts_karaoke"]


def test_sing_along_replaces_the_lyrics_with_the_karaoke_view(finished, client):
    at = open_task(finished.task_id)
    key = f"{finished.task_id}-0"
    assert karaoke_views(at) == []
    assert {b.key for b in at.button} >= {f"karaoke-start-{key}", f"karaoke-start-{finished.task_id}-1"}
    first = first_sung_line(finished.songs[0])
    shown_before = texts(at).count(first)
    click(at, f"karaoke-start-{key}")
    [view] = karaoke_views(at)
    assert view["player"] == f"st-key-song-{key}"  # the card's own player, found in the browser
    sung = [line["text"] for line in view["lines"] if not line["heading"]]
    song = finished.songs[0]
    assert sung == [line.strip() for line in song.lyrics.splitlines() if line.strip() and not line.startswith("[")]
    assert [s["label"] for s in view["sections"]] and all(0 <= p <= 1 for p in view["peaks"]) and view["peaks"]
    assert f"karaoke-start-{key}" not in {b.key for b in at.button}  # the button is gone once loaded
    assert f"karaoke-start-{finished.task_id}-1" in {b.key for b in at.button}  # the other song keeps its own
    assert sung[0] == first and texts(at).count(first) == shown_before - 1  # replaced, not repeated below
    assert "Download synced lyrics (.lrc)" in labels(at, "download_button")
    assert len(at.get("audio")) == len(finished.songs)  # no second player


def test_ab_switch_lists_the_playable_takes(finished):
    at = open_task(finished.task_id)
    [switch] = [c for c in at.get("bidi_component") if c.proto.component_name == "mts_ab_switch"]
    takes = json.loads(switch.proto.json)["takes"]
    assert [(t["letter"], t["player"], t["title"]) for t in takes] == [
        ("A", f"st-key-song-{finished.task_id}-0", finished.songs[0].title),
        ("B", f"st-key-song-{finished.task_id}-1", finished.songs[1].title),
    ]


def test_stems_are_followed_into_two_players(finished, clock, client):
    at = open_task(finished.task_id)
    confirm_paid(click(at, f"tool-start-stems-{finished.task_id}-0"))  # a configured gateway asks first
    job = next(v for k, v in at.session_state["song_tool_jobs"].items() if k[1] == "stems")
    clock.advance(PAST_DONE)
    stems_task = client.fetch_task(job.task_id)
    assert [s.title.rsplit(" - ", 1)[-1] for s in stems_task.songs] == ["Vocals", "Instrumental"]
    tick(at, 2.1)
    assert "Vocals" in texts(at) and "Instrumental" in texts(at)
    assert len([a for a in at.get("audio")]) == 2 + 2
    entry = at.session_state["song_tool_jobs"]
    assert next(v for k, v in entry.items() if k[1] == "stems").task.is_success


def test_full_song_only_for_an_extension(finished, client, clock):
    first = finished.songs[0]
    extended = client.extend(
        task_id=finished.task_id,
        clip_id=first.id,
        continue_at=15,
        lyrics="[Verse 2]\nstill raining",
        title=first.title,
        tags="synthwave",
    )
    clock.advance(PAST_DONE)
    at = open_task(finished.task_id)
    assert not [b for b in at.button if b.key and b.key.startswith("tool-start-full_song-")]
    at = open_task(extended)
    confirm_paid(click(at, f"tool-start-full_song-{extended}-0"))
    job = next(v for k, v in at.session_state["song_tool_jobs"].items() if k[1] == "full_song")
    clock.advance(PAST_DONE)
    tick(at, 2.1)
    whole = at.session_state["song_tool_jobs"][
        next(k for k in at.session_state["song_tool_jobs"] if k[1] == "full_song")
    ].task
    assert whole.task_id == job.task_id and whole.songs[0].kind == "concat"


def test_a_persona_is_remembered_and_offered_on_the_create_page(finished):
    at = open_task(finished.task_id)
    key = f"{finished.task_id}-0"
    at.text_input(key=f"tool-persona-name-{key}").input("Harbour voice")
    confirm_paid(
        at.button(key=f"FormSubmitter:tool-persona-form-{key}-Create persona — may spend credits").click().run()
    )
    assert not at.exception
    assert "Harbour voice" in texts(at)
    # A new session (think: after a restart) finds it in the library and offers it.
    later = open_task()
    later.session_state["cf_platform::en"] = "suno"
    later.session_state["cf_mode_suno::en"] = "persona_song"
    later.switch_page(CREATE_PAGE).run()
    picker = later.selectbox(key="cf_persona_pick")
    assert picker.options and "Harbour voice" in picker.options[0]
    picker.select_index(0).run()
    assert (
        later.session_state["cf_suno_persona_id::en"]
        and later.session_state["cf_suno_artist_clip_id::en"] == finished.songs[0].id
    )


def test_export_pack_is_built_with_every_file(finished):
    at = open_task(finished.task_id)
    click(at, f"export-build-{finished.task_id}")
    assert any(label.startswith("Download ZIP") for label in labels(at, "download_button"))
    pack = at.session_state["export_packs"][finished.task_id]
    names = zipfile.ZipFile(io.BytesIO(pack.data)).namelist()
    assert "task.json" in names and "README.txt" in names
    assert sum(n.endswith(".mp3") for n in names) == 2 and sum(n.endswith(".lrc") for n in names) == 2
    assert not pack.skipped


def test_capabilities_panel_probes_the_gateway(finished, sandbox):
    sandbox.config.offered = frozenset(FEATURES) - {"mp4"}
    at = open_task(finished.task_id)
    sandbox.clear_requests()
    at.sidebar.button(key="caps-probe").click().run()
    panel = "\n".join(m.value for m in at.sidebar.markdown)
    assert panel.count("· offered") == 4 and panel.count("· not offered") == 1  # WAV, timings, MIDI, Udio
    assert "learned on first use" in panel
    probes = [r for r in sandbox.requests if "00000000-0000-4000-8000" in r["path"]]
    # One per free tool route, and /suno/fetch (a gateway without it may offer only the v1 routes).
    assert len(probes) == 6 and all(r["method"] == "GET" for r in probes)  # free requests only
    assert not [r for r in sandbox.requests if r["method"] == "POST" and "submit" in r["path"]]


def test_a_refused_persona_shows_the_gateways_words_and_can_be_retried(finished, sandbox):
    at = open_task(finished.task_id)
    key = f"{finished.task_id}-0"
    sandbox.inject("status", status=403, route="/suno/persona", message="用户额度不足, 剩余额度: ＄0.000000")
    at.text_input(key=f"tool-persona-name-{key}").input("Harbour voice")
    confirm_paid(
        at.button(key=f"FormSubmitter:tool-persona-form-{key}-Create persona — may spend credits").click().run()
    )
    assert not at.exception
    shown = texts(at)
    assert "用户额度不足" in shown and "HTTP 403" in shown
    retry = at.button(key=f"tool-retry-persona-{key}")
    assert retry.label == "Try again — spends credits"
    retry.click().run()
    assert at.text_input(key=f"tool-persona-name-{key}").value == "Harbour voice"  # nothing typed is lost


def test_stems_with_no_answer_say_outcome_unknown_and_are_recorded(finished, sandbox, monkeypatch):
    monkeypatch.setenv("GATEWAY_SUBMIT_TIMEOUT", "1")
    at = open_task(finished.task_id)
    sandbox.inject("timeout", route="/suno/submit/music", delay=3)
    confirm_paid(click(at, f"tool-start-stems-{finished.task_id}-0"))  # a configured gateway asks first
    shown = texts(at)
    assert "outcome is unknown" in shown and "task log" in shown
    posts = [r for r in sandbox.requests if r["method"] == "POST" and r["path"] == "/suno/submit/music"]
    at.run()
    assert [r for r in sandbox.requests if r["method"] == "POST" and r["path"] == "/suno/submit/music"] == posts
    rows = HistoryStore(default_database_url()).search()
    assert any(row.status == OUTCOME_UNKNOWN and row.action == "stems" for row in rows)


def test_a_failing_timing_route_shows_the_error_and_recovers(finished, sandbox):
    at = open_task(finished.task_id)
    key = f"{finished.task_id}-0"
    sandbox.inject("status", status=500, route="/suno/act/timing", times=4)  # past the client's retries
    click(at, f"karaoke-start-{key}")
    assert "HTTP 500" in texts(at) and karaoke_views(at) == []
    assert first_sung_line(finished.songs[0]) in texts(at)  # the lyrics stay
    click(at, f"karaoke-start-{key}")
    assert len(karaoke_views(at)) == 1 and "HTTP 500" not in texts(at)


def test_a_gateway_without_timing_keeps_the_plain_lyrics(finished, sandbox):
    sandbox.config.offered = frozenset(FEATURES) - {"timing"}
    at = open_task(finished.task_id)
    click(at, f"karaoke-start-{finished.task_id}-0")
    assert karaoke_views(at) == []
    assert not [b for b in at.button if b.key and b.key.startswith("karaoke-start-")]  # not offered to either song
    assert texts(at).count("This gateway has no timed lyrics") == 2


def test_full_song_on_a_gateway_without_concat(finished, client, clock, sandbox):
    first = finished.songs[0]
    extended = client.extend(
        task_id=finished.task_id,
        clip_id=first.id,
        continue_at=15,
        lyrics="[Verse 2]\nstill raining",
        title=first.title,
        tags="synthwave",
    )
    clock.advance(PAST_DONE)
    sandbox.config.offered = frozenset(FEATURES) - {"concat"}
    at = open_task(extended)
    confirm_paid(click(at, f"tool-start-full_song-{extended}-0"))
    assert "Not offered by this gateway" in texts(at)
    assert at.session_state["capabilities"][next(iter(at.session_state["capabilities"]))]["full_song"] == "missing"


def test_tools_speak_chinese(finished):
    at = open_task(finished.task_id)
    at.session_state["lang"] = "zh"
    at.run()
    assert at.button(key=f"tool-start-wav-{finished.task_id}-0").label == "获取 WAV 文件"
    assert at.button(key=f"export-build-{finished.task_id}").label == "生成导出包"
