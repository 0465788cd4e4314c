"""Sandbox media and text: real WAV/PNG decoding, musical sanity checks, determinism."""

from __future__ import annotations

import io
import re
import time
import wave

import numpy as np
import pytest
from PIL import Image

from lib.sandbox import content, cover, media
from lib.sandbox.score import sung_score

SR = 22050


def decode(wav_bytes: bytes) -> tuple[np.ndarray, int]:
    with wave.open(io.BytesIO(wav_bytes), "rb") as r:
        assert (r.getnchannels(), r.getsampwidth()) == (1, 2)
        frames = r.readframes(r.getnframes())
        return np.frombuffer(frames, "<i2").astype(np.float64) / 32768, r.getframerate()


def flatness(x: np.ndarray) -> float:
    """Spectral flatness: ~0.56 for white noise, near 0 when energy sits in a few tonal bins."""
    power = np.abs(np.fft.rfft(x * np.hanning(len(x)))) ** 2 + 1e-12
    return float(np.exp(np.mean(np.log(power))) / np.mean(power))


@pytest.fixture(scope="module")
def song() -> bytes:
    return media.synthesize_song("seed-a", 8.0)


@pytest.mark.parametrize("duration, rate", [(8.0, SR), (3.21, 16000), (12.345, SR)])
def test_song_is_wav_of_requested_duration_and_rate(duration, rate):
    audio, sr = decode(media.synthesize_song("dur", duration, rate))
    assert sr == rate
    assert abs(len(audio) / sr - duration) <= 0.05


def test_song_is_audible_and_not_clipped(song):
    audio, _ = decode(song)
    assert np.sqrt(np.mean(audio**2)) > 0.05
    assert np.abs(audio).max() < 0.99
    assert np.abs(audio[:50]).max() < 0.05  # fade-in: no click at the start
    assert np.abs(audio[-50:]).max() < 0.05  # fade-out


def test_song_is_tonal_not_noise(song):
    audio, sr = decode(song)
    frames = [audio[i : i + 4096] for i in range(sr, len(audio) - 4096, 4096)]
    assert np.median([flatness(f) for f in frames]) < 0.05
    assert flatness(np.random.default_rng(0).standard_normal(4096)) > 0.4  # the metric works


def test_song_is_deterministic_and_seed_sensitive(song):
    assert media.synthesize_song("seed-a", 8.0) == song
    other, _ = decode(media.synthesize_song("seed-b", 8.0))
    audio, _ = decode(song)
    assert len(other) == len(audio)
    spectra = [np.abs(np.fft.rfft(x)) for x in (audio, other)]
    assert np.corrcoef(*spectra)[0, 1] < 0.9  # different key/tempo/timbre, not a tiny variation


def test_forty_second_song_renders_quickly():
    media.synthesize_song("warm-up", 1.0)
    start = time.perf_counter()
    media.synthesize_song("speed", 40.0)
    assert time.perf_counter() - start < 1.5  # ~0.1 s in practice; generous for slow CI


def test_song_duration_for_is_deterministic_and_in_range():
    values = [media.song_duration_for(f"s{i}") for i in range(50)]
    assert all(20.0 <= v <= 40.0 and round(v, 2) == v for v in values)
    assert values == [media.song_duration_for(f"s{i}") for i in range(50)]
    assert len(set(values)) > 40
    assert 5.0 <= media.song_duration_for("x", 5.0, 6.0) <= 6.0


def test_wav_prefix_is_shorter_valid_wav(song):
    full, sr = decode(song)
    part, part_sr = decode(media.wav_prefix(song, 0.25))
    assert part_sr == sr
    assert abs(len(part) - len(full) * 0.25) <= 1
    assert np.array_equal(part, full[: len(part)])
    assert len(decode(media.wav_prefix(song, 1.0))[0]) == len(full)
    assert len(decode(media.wav_prefix(song, 7.0))[0]) == len(full)
    for tiny in (0.0, -1.0, 0.001):
        assert len(decode(media.wav_prefix(song, tiny))[0]) >= 0.5 * sr


def test_stems_sum_to_the_song(song):
    stems = media.synthesize_stems("seed-a", 8.0)
    vocals, sr = decode(stems["vocals"])
    backing, _ = decode(stems["instrumental"])
    mix, _ = decode(song)
    assert len(vocals) == len(backing) == len(mix)
    assert np.corrcoef(vocals + backing, mix)[0, 1] > 0.9
    assert np.sqrt(np.mean(vocals**2)) > 0.02 and np.sqrt(np.mean(backing**2)) > 0.02
    # The voice waits for the intro (where lyrics start), the band does not.
    intro = slice(0, int(0.07 * len(mix)))
    assert np.abs(vocals[intro]).max() < 0.01 < np.abs(backing[intro]).max()
    assert media.synthesize_stems("seed-a", 8.0) == stems


def open_png(data: bytes) -> Image.Image:
    img = Image.open(io.BytesIO(data))
    assert img.format == "PNG"
    return img


def test_cover_is_png_of_size_and_not_flat():
    data = cover.render_cover("c1", "Midnight City Rain", 256, "Sandbox · chirp-v4")
    img = open_png(data)
    assert img.size == (256, 256)
    pixels = np.asarray(img.convert("RGB"), dtype=np.float64)
    assert pixels.std() > 10
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 500
    assert cover.render_cover("c1", "Midnight City Rain", 256, "Sandbox · chirp-v4") == data
    assert cover.render_cover("c2", "Midnight City Rain", 256, "Sandbox · chirp-v4") != data
    assert cover.render_cover("c1", "Another Title", 256, "Sandbox · chirp-v4") != data


@pytest.mark.parametrize("title", ["", "雨夜的城市", "雨" * 120, "A " * 80, "Emoji 🎵 ok"])
def test_cover_handles_odd_titles(title):
    assert open_png(cover.render_cover("odd", title, 128, "udio-130")).size == (128, 128)


def test_cover_without_truetype_fonts(monkeypatch):
    monkeypatch.setattr(cover, "_FONTS", ("/nonexistent/font.ttf",))
    monkeypatch.setattr(cover, "_CJK_FONTS", ())
    cover._font.cache_clear()
    try:
        assert open_png(cover.render_cover("nf", "No Fonts Here 雨", 128, "sub")).size == (128, 128)
    finally:
        cover._font.cache_clear()


LYRICS = "[Verse]\nfirst line\nsecond line\n\n[Chorus]\nhook line\n   \nlast line\n[Outro]\n"


def test_sung_words_are_ordered_inside_the_songs_vocal_part():
    score = sung_score("s", 30.0, LYRICS)
    assert "".join(w.word for w in score.words) == "[Verse]\nfirst line\nsecond line\n[Chorus]\nhook line\nlast line\n"
    starts = [w.start_s for w in score.words]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    assert all(a.end_s <= b.start_s for a, b in zip(score.words, score.words[1:]))
    assert starts[0] >= 0.08 * 30 and score.words[-1].end_s <= 0.95 * 30
    # the chorus starts after a turnaround: a longer gap than between two lines of a section
    gaps = [b.start_s - a.end_s for a, b in zip(score.words, score.words[1:])]
    assert gaps[3] > max(gaps[:3] + gaps[4:])
    assert sung_score("s", 30.0, LYRICS) == score
    assert sung_score("s", 30.0, "").words == () and sung_score("s", 30.0, "").notes  # no lyrics: a hummed tune


def test_content_is_deterministic():
    for fn in (content.make_title, content.make_lyrics, content.make_tags):
        assert fn("s", "rainy night jazz") == fn("s", "rainy night jazz")
    assert content.make_udio_artist("s") == content.make_udio_artist("s")
    titles = {content.make_title(f"s{i}") for i in range(20)}
    assert len(titles) > 10


def test_titles_are_short_and_follow_the_hint():
    for i in range(30):
        assert 2 <= len(content.make_title(f"t{i}").split()) <= 4
        assert "Rain" in content.make_title(f"t{i}", "a song about rain")
        assert content.make_title(f"t{i}", "关于城市的歌") == "城市"  # a Chinese prompt, a Chinese title


def test_tags_count_and_genre_from_hint():
    assert len(content.make_tags("s")) == 3
    assert len(content.make_tags("s", count=5)) == 5 == len(set(content.make_tags("s", count=5)))
    assert "jazz" in content.make_tags("s", "smooth jazz at midnight")
    assert "摇滚" in content.make_tags("s", "一首摇滚歌曲")  # in the prompt's language
    assert "female vocals" in content.make_tags("s", "female punk") and "male vocals" not in content.make_tags(
        "s", "female punk"
    )


def test_lyrics_sections_and_language():
    english = content.make_lyrics("s", "rain at night", "Midnight Rain")
    headings = re.findall(r"^\[[^\]]+\]$", english, flags=re.M)
    assert headings[:4] == ["[Verse]", "[Chorus]", "[Verse 2]", "[Chorus]"]
    assert "Midnight Rain" in english
    assert not re.search(r"[\u4e00-\u9fff]", english)
    for block in english.split("\n\n"):
        lines = block.splitlines()
        if lines[0] in ("[Verse]", "[Chorus]", "[Verse 2]"):
            assert len(lines) == 5
    chinese = content.make_lyrics("s", "一首关于雨夜的歌")
    assert "[Verse]" in chinese and "[Chorus]" in chinese
    sung = [ln for ln in chinese.splitlines() if ln and not ln.startswith("[")]
    assert all(re.search(r"[\u4e00-\u9fff]", ln) for ln in sung)


def test_udio_artist_shape():
    names = {content.make_udio_artist(f"a{i}") for i in range(20)}
    assert all(re.fullmatch(r"(?:[A-Z][a-z]+){2}\d{4}", n) for n in names)
    assert len(names) > 15
