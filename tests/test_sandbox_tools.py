"""The sandbox's song tools over real HTTP: the MP4 music video, stem separation when a gateway lacks
it, Suno's clip history for extended / replaced clips, and the lyric timing route.

Time moves with the manual ``clock`` fixture (``conftest.py``); nothing sleeps.
"""

from __future__ import annotations

import io

import pytest
import requests

from lib.gateway import errors
from lib.sandbox.score import sung_score

av = pytest.importorskip("av")  # the music video needs PyAV (requirements.txt)

API_KEY = "test-key"  # the key the ``client`` fixture uses
PAST_DONE = 40.0  # every default-timeline Suno task is done by then (24-36 s)
LYRICS = (
    "[Verse]\nRain on the window, light on the floor\nI hear you knocking, I open the door\n"
    "[Chorus]\nStay a little longer\nStay till the morning\n"
)


def finished(client, clock, task_id: str):
    """The task advanced to SUCCESS (parsed by the client)."""
    clock.advance(PAST_DONE)
    task = client.fetch_task(task_id)
    assert task.status.value == "SUCCESS"
    return task


def raw_clips(sandbox, task_id: str) -> list[dict]:
    """The task's clips exactly as the gateway sends them."""
    response = requests.get(f"{sandbox.url}/suno/fetch/{task_id}", headers={"Authorization": f"Bearer {API_KEY}"})
    assert response.status_code == 200
    return response.json()["data"]["data"]


def lines_of(words) -> list[list]:
    """Timed words grouped into sung lines: a line ends with the word that ends in a newline."""
    lines, current = [], []
    for word in words:
        current.append(word)
        if word.word.endswith("\n"):
            lines.append(current)
            current = []
    assert not current, "the last word of the lyrics ends its line too"
    return lines


def assert_follows_the_sung_notes(words, clip) -> None:
    """The timing is the score the sandbox sang for this clip: each word on its note, every sung
    line of the lyrics present, in order, each ending in a newline."""
    score = sung_score(clip.seed, clip.duration, clip.lyrics, ", ".join(clip.tags))
    assert [(w.word, w.start_s, w.end_s) for w in words] == [(w.word, w.start_s, w.end_s) for w in score.words]
    assert [w.start_s for w in words] == [round(note.onset, 3) for note in score.notes]
    sung = [line.strip() for line in clip.lyrics.splitlines() if line.strip() and not line.strip().startswith("[")]
    lines = lines_of(words)
    assert len(lines) == len(sung) > 0
    for line, text in zip(lines, sung):
        assert "".join(w.word.split("\n")[-1] if "\n" in w.word[:-1] else w.word for w in line).strip() == text
        assert all(a.end_s <= b.start_s for a, b in zip(line, line[1:]))


# --------------------------------------------------------------------------------------------
# Music video
# --------------------------------------------------------------------------------------------


def test_mp4_url_after_conversion_and_the_file_is_a_streamable_music_video(client, sandbox, clock):
    task = finished(client, clock, client.generate("a rainy night in the city"))
    clip = task.songs[0]
    assert client.mp4_url(clip.id) is None  # conversion started
    clock.advance(sandbox.config.conversion_seconds / 2)
    assert client.mp4_url(clip.id) is None
    clock.advance(sandbox.config.conversion_seconds)
    url = client.mp4_url(clip.id)
    assert url == f"{sandbox.url}/media/{clip.id}.mp4"

    response = requests.get(url)
    assert response.status_code == 200 and response.headers["Content-Type"] == "video/mp4"
    data = response.content
    assert data[4:8] == b"ftyp"
    # faststart: the index (moov) comes before the media (mdat), so playback starts early
    assert 0 < data.find(b"moov") < data.find(b"mdat")
    with av.open(io.BytesIO(data)) as container:
        [picture] = container.streams.video
        [sound] = container.streams.audio
        assert picture.codec_context.name == "h264"
        assert picture.codec_context.profile in ("Main", "Baseline", "Constrained Baseline")
        assert picture.codec_context.pix_fmt == "yuv420p"
        assert picture.codec_context.width % 2 == 0 and picture.codec_context.height % 2 == 0
        assert sound.codec_context.name == "aac"
        assert container.duration / 1e6 == pytest.approx(clip.duration, abs=1.0)
        assert float(picture.duration * picture.time_base) == pytest.approx(clip.duration, abs=1.0)
        assert float(sound.duration * sound.time_base) == pytest.approx(clip.duration, abs=1.0)
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    assert (frames[0] != frames[-1]).any()  # the playhead moves

    part = requests.get(url, headers={"Range": "bytes=0-1023"})
    assert part.status_code == 206 and part.content == data[:1024]
    assert part.headers["Content-Range"] == f"bytes 0-1023/{len(data)}"


def test_mp4_not_offered_is_an_unsupported_route(client, sandbox, clock):
    clip = finished(client, clock, client.generate("a song")).songs[0]
    sandbox.config.offered = sandbox.config.offered - {"mp4"}
    with pytest.raises(errors.UnsupportedRouteError):
        client.mp4_url(clip.id)


# --------------------------------------------------------------------------------------------
# Stems when the gateway lacks them
# --------------------------------------------------------------------------------------------


def test_gen_stem_is_an_invalid_action_when_stems_are_not_offered(client, sandbox, clock):
    task_id = client.generate("a song")
    clip = finished(client, clock, task_id).songs[0]
    sandbox.config.offered = sandbox.config.offered - {"stems"}
    with pytest.raises(errors.UnsupportedRouteError) as info:
        client.separate_stems(clip_id=clip.id, task_id=task_id)
    assert info.value.status == 400 and info.value.gateway_message == "invalid_action"
    raw = requests.post(
        f"{sandbox.url}/suno/submit/music",
        headers={"Authorization": f"Bearer {API_KEY}"},
        json={"task": "gen_stem", "continue_clip_id": clip.id, "mv": "chirp-auk"},
    )
    assert raw.status_code == 400
    assert raw.json() == {"code": "invalid_request", "message": "invalid_action", "data": None}
    with pytest.raises(errors.UnsupportedRouteError):  # the older GET route: the console's HTML
        client.request_stems(clip.id)


# --------------------------------------------------------------------------------------------
# Clip history
# --------------------------------------------------------------------------------------------


def test_extend_and_infill_clips_record_their_parent_in_history(client, sandbox, clock):
    origin = client.generate("a song")
    parent = finished(client, clock, origin).songs[0]
    plain = raw_clips(sandbox, origin)[0]["metadata"]
    assert plain["history"] is None and plain["task"] is None and plain["type"] == "gen"

    extended = client.extend(task_id=origin, clip_id=parent.id, continue_at=12.5, lyrics=LYRICS)
    finished(client, clock, extended)
    meta = raw_clips(sandbox, extended)[0]["metadata"]
    assert meta["history"] == [{"id": parent.id, "continue_at": 12.5, "type": "gen", "source": "web", "infill": False}]
    assert meta["task"] == "extend" and meta["type"] == "gen" and meta["infill"] is False
    assert client.fetch_task(extended).songs[0].continues == parent.id

    replaced = client.replace_section(clip_id=parent.id, start_s=5, end_s=11.5, lyrics=LYRICS, task_id=origin)
    finished(client, clock, replaced)
    meta = raw_clips(sandbox, replaced)[0]["metadata"]
    assert meta["history"] == [{"id": parent.id, "continue_at": 5.0, "type": "gen", "source": "web", "infill": True}]
    assert meta["task"] == "infill" and meta["infill"] is True and meta["type"] == "gen"
    assert (meta["infill_start_s"], meta["infill_end_s"]) == (5.0, 11.5)
    song = client.fetch_task(replaced).songs[0]
    assert song.continues == parent.id and song.infill

    uploaded = client.upload_audio_url("https://example.com/my-demo.mp3")
    source = finished(client, clock, uploaded).songs[0]
    continued = client.upload_extend(clip_id=source.id, continue_at=20, lyrics=LYRICS)
    finished(client, clock, continued)
    meta = raw_clips(sandbox, continued)[0]["metadata"]
    assert meta["task"] == "upload_extend" and meta["history"][0]["id"] == source.id
    assert meta["history"][0]["continue_at"] == 20.0


# --------------------------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------------------------


def test_timing_ends_lines_with_newlines_on_the_sung_notes(client, sandbox, clock):
    origin = client.generate_custom(lyrics=LYRICS, title="Stay", tags="soft pop")
    clip = finished(client, clock, origin).songs[0]
    words = client.timing(clip.id)
    assert words[0].word.startswith("[Verse]\nRain ")
    assert any(w.word.startswith("[Chorus]\nStay ") for w in words)
    assert_follows_the_sung_notes(words, sandbox.engine.clip(clip.id))

    # a concat clip sings the chain's lyrics joined, over the whole song
    extended = client.extend(task_id=origin, clip_id=clip.id, continue_at=20, lyrics="[Outro]\nGoodbye now\n")
    part = finished(client, clock, extended).songs[0]
    whole = finished(client, clock, client.concat(part.id)).songs[0]
    joined = sandbox.engine.clip(whole.id).lyrics
    assert "Goodbye now" in joined and "Rain on the window" in joined
    assert_follows_the_sung_notes(client.timing(whole.id), sandbox.engine.clip(whole.id))

    # stems: the vocals keep the lyrics' timing, the instrumental has no words
    vocals, instrumental = finished(client, clock, client.separate_stems(clip_id=clip.id, task_id=origin)).songs
    assert_follows_the_sung_notes(client.timing(vocals.id), sandbox.engine.clip(vocals.id))
    assert client.timing(instrumental.id) == []


def test_instrumental_clip_has_no_aligned_words(client, sandbox, clock):
    clip = finished(client, clock, client.generate("a calm piano piece", instrumental=True)).songs[0]
    response = requests.get(f"{sandbox.url}/suno/act/timing/{clip.id}", headers={"Authorization": f"Bearer {API_KEY}"})
    assert response.status_code == 200 and response.json()["aligned_words"] == []
    assert client.timing(clip.id) == []
