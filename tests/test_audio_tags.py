"""Audio tags (lib.studio.audio_tags): what a music player reads back from MP3, WAV and M4A files
the app hands over, written with mutagen and read back with mutagen."""

from __future__ import annotations

import io

import av
import numpy as np
import pytest

from lib.gateway.models import AlignedWord, Song
from lib.sandbox import cover, media
from lib.studio.audio_tags import SongTags, album_name, read_tags, tag_audio, tags_for

WORDS = [
    AlignedWord("[Verse]\nRain ", 0.5, 0.9),
    AlignedWord("on the glass\n", 1.0, 1.9),
    AlignedWord("雨 ", 2.0, 2.3),
    AlignedWord("夜\n", 2.4, 2.8),
]
SONG = Song("clip-1", title="雨夜 Rain", lyrics="[Verse]\nRain on the glass\n雨 夜", model="chirp-v4")


@pytest.fixture(scope="module")
def wav() -> bytes:
    return media.synthesize_song("tags", 3.0)


@pytest.fixture(scope="module")
def png() -> bytes:
    return cover.render_cover("tags", "Rain", size=128)


def m4a_of(wav_bytes: bytes) -> bytes:
    samples = np.frombuffer(wav_bytes[44:], "<i2").astype(np.float32) / 32768
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="ipod") as out:
        stream = out.add_stream("aac", rate=22050, layout="mono")
        frame = av.AudioFrame.from_ndarray(samples[None, :], format="fltp", layout="mono")
        frame.sample_rate, frame.pts = 22050, 0
        out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return buffer.getvalue()


def song_tags(png: bytes) -> SongTags:
    return tags_for(
        SONG, task_title="a rainy night in the city", task_id="task-9", words=WORDS, cover=png, cover_ext="png"
    )


def test_tags_name_the_song_its_maker_and_its_task(png):
    tags = song_tags(png)
    assert tags.title == "雨夜 Rain" and tags.artist == "Suno · chirp-v4"
    assert tags.album == "a rainy night in the city · task-9"
    assert tags.synced == ((500, "Rain on the glass"), (2000, "雨 夜"))  # headings are not sung
    assert tags_for(SONG, task_title="", task_id="t", artist="My Persona").artist == "My Persona"
    assert tags_for(Song("x"), task_title="", task_id="t", platform="udio").artist == "Udio"
    long = album_name("word " * 40, "id")
    assert long.endswith("… · id") and len(long) < 70


@pytest.mark.parametrize("ext", ["mp3", "wav", "m4a"])
def test_a_player_reads_back_title_artist_album_cover_and_lyrics(ext, wav, png):
    data = {"mp3": lambda: media.to_mp3(wav), "wav": lambda: wav, "m4a": lambda: m4a_of(wav)}[ext]()
    tagged = tag_audio(data, ext, song_tags(png))
    found = read_tags(tagged, ext)
    assert found["title"] == "雨夜 Rain" and found["artist"] == "Suno · chirp-v4"
    assert found["album"] == "a rainy night in the city · task-9"
    assert found["lyrics"] == SONG.lyrics and found["cover"] == png
    if ext != "m4a":  # MP4 has no synced-lyrics atom players agree on
        assert found["synced"] == ((500, "Rain on the glass"), (2000, "雨 夜"))
    # still the same playable audio
    with av.open(io.BytesIO(tagged)) as container:
        assert container.streams.audio and container.duration / 1e6 == pytest.approx(3.0, abs=0.15)


def test_tagging_twice_replaces_rather_than_piles_up(wav, png):
    once = tag_audio(media.to_mp3(wav), "mp3", song_tags(png))
    twice = tag_audio(once, "mp3", tags_for(Song("b", title="Other"), task_title="", task_id="t2"))
    found = read_tags(twice, "mp3")
    assert found["title"] == "Other" and found["lyrics"] == "" and found["cover"] == b"" and found["synced"] == ()


def test_untagged_formats_and_unreadable_files_come_back_unchanged(png):
    tags = song_tags(png)
    assert tag_audio(b"OggS" + b"\0" * 100, "ogg", tags) == b"OggS" + b"\0" * 100
    assert tag_audio(b"RIFF not really a wave", "wav", tags) == b"RIFF not really a wave"
    assert tag_audio(b"", "mp3", tags) == b""
