"""The sandbox demos like a real gateway: titles and tags come from the prompt's words and genre (in
its language), and the lyric timing follows the melody the sandbox actually synthesized, with a
waveform drawn from that audio. Over real HTTP with the manual ``clock``; nothing sleeps.
"""

from __future__ import annotations

import io
import re
import wave

import numpy as np
import pytest
import requests

from lib.sandbox import media, score
from lib.sandbox.music_plan import plan_for
from lib.sandbox.naming import make_tags, make_title

PAST_DONE = 40.0  # every default-timeline task is done by then
API_KEY = "test-key"  # the ``client`` fixture's key
LYRICS = (
    "[Verse]\nRain on the window, light on the floor\nI hear you knocking, I open the door\n"
    "[Chorus]\nStay a little longer\nStay till the morning\n"
)


def finished(client, clock, task_id: str, platform: str = "suno"):
    clock.advance(PAST_DONE)
    task = client.fetch_task(task_id, platform)
    assert task.status.value == "SUCCESS"
    return task


def decode(data: bytes) -> tuple[np.ndarray, int]:
    with wave.open(io.BytesIO(data), "rb") as r:
        return np.frombuffer(r.readframes(r.getnframes()), "<i2").astype(np.float64) / 32768, r.getframerate()


def sung_inputs(clip) -> tuple[str, float, str, str]:
    """What the sandbox synthesizes a clip from (seed, length, lyrics, style)."""
    return clip.seed, clip.duration, clip.lyrics, ", ".join(clip.tags)


# --- titles and tags ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "prompt, tag, title",
    [
        ("synthwave night drive", "synthwave", "Night Drive"),
        ("古风 江南 雨", "古风", "江南"),
        ("a lo-fi song about a rainy night in the city", "lo-fi", "Rainy Night in the City"),
        ("一首关于夏天的民谣", "民谣", "夏天"),
        ("heavy rock anthem for the open road, male vocals", "rock", "Open Road"),
        ("电子 霓虹 城市", "电子", "霓虹城市"),
        ("smooth jazz, harbour lights", "jazz", "Harbour Lights"),
    ],
)
def test_a_description_gives_its_genre_as_a_tag_and_its_words_as_the_title(client, clock, prompt, tag, title):
    task = finished(client, clock, client.generate(prompt))
    for song in task.songs:
        assert tag in song.tags, song.tags
        assert title in song.title, song.title
    # both takes of a task share the words (as Suno's do); only the music differs
    first, second = task.songs
    assert (first.title, first.tags, first.lyrics) == (second.title, second.tags, second.lyrics)
    assert first.audio_url != second.audio_url


def test_a_chinese_prompt_gets_chinese_tags_title_and_lyrics(client, clock):
    song = finished(client, clock, client.generate("古风 江南 雨")).songs[0]
    cjk = re.compile(r"[\u4e00-\u9fff]")
    assert all(cjk.search(tag) or tag.endswith("bpm") for tag in song.tags), song.tags
    assert cjk.search(song.title)
    sung = [line for line in song.lyrics.splitlines() if line.strip() and not line.startswith("[")]
    assert sung and all(cjk.search(line) for line in sung)


def test_custom_mode_keeps_the_given_title_and_tags(client, clock):
    task_id = client.generate_custom(lyrics=LYRICS, title="My Own Title", tags="dream pop, shoegaze")
    for song in finished(client, clock, task_id).songs:
        assert song.title == "My Own Title"
        assert song.tags == ("dream pop", "shoegaze")
        assert song.lyrics == LYRICS


def test_custom_mode_without_a_title_names_the_song_from_its_tags(client, clock):
    task_id = client.submit_suno_music({"prompt": LYRICS, "tags": "synthwave, night drive", "mv": "chirp-v4"})
    song = finished(client, clock, task_id).songs[0]
    assert song.title == "Night Drive" and "synthwave" in song.tags


def test_udio_prompts_give_their_genre_and_words(client, clock):
    task = finished(client, clock, client.udio_generate("lo-fi hip hop, rainy window, female vocals"), "udio")
    for song in task.songs:
        assert {"lo-fi", "hip hop", "female vocals"} <= set(song.tags), song.tags
        assert song.title == "Rainy Window"


def test_titles_and_tags_are_deterministic_and_recognise_both_languages():
    for prompt in ("synthwave night drive", "古风 江南 雨", "", "!!!", "a" * 500, "雨" * 300):
        assert make_title("s", prompt) == make_title("s", prompt) and make_title("s", prompt).strip()
        assert make_tags("s", prompt, 5) == make_tags("s", prompt, 5)
    assert "lo-fi" in make_tags("s", "lofi beats") and "lo-fi" in make_tags("s", "Lo Fi study")
    assert "hip hop" in make_tags("s", "hip-hop") and "hip hop" in make_tags("s", "hiphop")
    assert make_tags("s", "indie pop")[:2] != ["indie pop", "pop"]  # the longer name wins
    assert "rap" not in make_tags("s", "trap beat")  # whole words only
    assert "说唱" in make_tags("s", "说唱 街头") and "爵士" in make_tags("s", "爵士乐 夜晚")
    assert "伤感" in make_tags("s", "伤感 钢琴", 5) and "melancholic" in make_tags("s", "sad piano", 5)
    assert make_title("s", "古风") != make_title("s", "synthwave")


def test_the_music_follows_the_genre():
    """Tempo from the family's range (or the "96 bpm" tag); 古风 sings a pentatonic tune."""
    for seed in ("a", "b", "c", "d"):
        assert 68 <= plan_for(seed, "古风, 婉约").bpm <= 92
        assert 112 <= plan_for(seed, "rock, energetic").bpm <= 150
        assert plan_for(seed, "dream pop, 96 bpm").bpm == 96
        plan = plan_for(seed, "古风")
        notes = score.sung_score(seed, 40.0, "[Verse]\n江南烟雨落花时节又逢君\n月下西楼望断天涯路", "古风").notes
        degrees = {(note.midi - plan.root) % 12 for note in notes}
        assert degrees and degrees.isdisjoint({plan.scale[3], plan.scale[6]})


# --- timing on the sung notes --------------------------------------------------------------------


def onsets_in(voice: np.ndarray, sr: int) -> np.ndarray:
    """Note onsets heard in a vocal track: where its loudness jumps (the 30 ms after a moment over
    the 30 ms ending 5 ms before it, above 2x) to a sung level (the echo's repeats after a line stay
    quieter), one per 80 ms at most. The voice takes 40 ms to swell, so what this hears lands a
    little after the note begins."""
    hop = int(0.005 * sr)
    power = np.concatenate(([0.0], np.cumsum(voice**2)))

    def rms(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        a, b = np.clip(a, 0, len(voice)), np.clip(b, 0, len(voice))
        return np.sqrt((power[b] - power[a]) / np.maximum(b - a, 1)) + 1e-6

    at = np.arange(0, len(voice), hop)
    ms = lambda seconds: int(seconds * sr)  # noqa: E731
    rise = rms(at, at + ms(0.03)) / rms(at - ms(0.035), at - ms(0.005))
    level = rms(at, at + ms(0.06))
    found: list[float] = []
    for i in np.flatnonzero((rise > 2) & (level > 0.4 * np.percentile(level, 95))):
        if rise[i] == rise[max(i - 8, 0) : i + 9].max() and (not found or at[i] / sr - found[-1] > 0.08):
            found.append(at[i] / sr)
    return np.array(found)


@pytest.mark.parametrize(
    "lyrics, tags",
    [
        (LYRICS, "synthwave, dreamy"),
        ("[Verse]\n街灯下我想起你的脸\n风吹过河流带走了昨天\n[Chorus]\n啊江南雨，请你不要走远\n", "古风, 二胡"),
    ],
)
def test_word_starts_are_the_onsets_of_the_synthesized_melody(client, sandbox, clock, lyrics, tags):
    song = finished(client, clock, client.generate_custom(lyrics=lyrics, title="Test", tags=tags)).songs[0]
    clip = sandbox.engine.clip(song.id)
    words = client.timing(song.id)
    notes = score.sung_score(*sung_inputs(clip)).notes
    # one word (a Chinese character) per note of the melody, starting on it
    assert [w.start_s for w in words] == [round(note.onset, 3) for note in notes]
    assert all(w.start_s < w.end_s <= nxt.start_s for w, nxt in zip(words, words[1:]))
    # that melody is what the song's audio is made of ...
    served = requests.get(song.audio_url, timeout=10).content
    synthesized = media.synthesize_song(clip.seed, clip.duration, lyrics=clip.lyrics, style=", ".join(clip.tags))
    assert served == media.to_mp3(synthesized)
    # ... and the voice in it starts a note at every word, and nowhere else
    voice, sr = decode(
        media.synthesize_stems(*sung_inputs(clip)[:2], lyrics=clip.lyrics, style=", ".join(clip.tags))["vocals"]
    )
    heard, starts = onsets_in(voice, sr), np.array([w.start_s for w in words])
    assert len(heard) == len(starts)
    assert all(-0.005 <= lag < 0.035 for lag in heard - starts)  # heard on a 5 ms grid, while the voice swells
    # lines follow the lyric lines, headings sit on their section's first word
    assert words[0].word.startswith("[Verse]\n")
    assert sum(w.word.endswith("\n") for w in words) == len([ln for ln in lyrics.splitlines() if ln and ln[0] != "["])
    assert any(w.word.startswith("[Chorus]\n") for w in words)


def test_words_are_not_evenly_spaced_but_follow_a_rhythm(client, clock):
    song = finished(client, clock, client.generate("synthwave night drive")).songs[0]
    starts = np.array([w.start_s for w in client.timing(song.id)])
    steps = np.diff(starts)
    assert len(starts) >= 20
    assert len(set(np.round(steps, 2))) >= 3  # eighths, held notes, line breaks
    assert np.median(steps) < 0.6  # a word a note, not a word every 0.65-0.9 s


def test_the_waveform_is_the_songs_loudness(client, sandbox, clock):
    song = finished(client, clock, client.generate_custom(lyrics=LYRICS, title="Wave", tags="rock")).songs[0]
    response = requests.get(
        f"{sandbox.url}/suno/act/timing/{song.id}", headers={"Authorization": f"Bearer {API_KEY}"}, timeout=10
    )
    waveform = np.array(response.json()["waveform_data"])
    assert 200 <= len(waveform) <= 1000
    assert waveform.min() >= 0 and waveform.max() == 1.0
    lossless = song.audio_url.removesuffix(".mp3") + ".wav"  # the same audio the MP3 encodes, as PCM
    audio, _ = decode(requests.get(lossless, timeout=10).content)
    rms = np.sqrt([np.mean(chunk**2) for chunk in np.array_split(audio, len(waveform))])
    assert np.corrcoef(waveform, rms)[0, 1] > 0.99
    assert waveform[0] < 0.2 and waveform[-1] < 0.2  # fade-in and fade-out show


def test_long_lyrics_make_a_longer_song_that_sings_every_line(client, sandbox, clock):
    lines = [f"line number {i} of a very long song" for i in range(40)]
    lyrics = "[Verse]\n" + "\n".join(lines[:20]) + "\n\n[Chorus]\n" + "\n".join(lines[20:])
    song = finished(client, clock, client.generate_custom(lyrics=lyrics, title="Long", tags="pop")).songs[0]
    assert 40.0 < song.duration <= score.MAX_SUNG_SECONDS
    assert sum(w.word.endswith("\n") for w in client.timing(song.id)) == 40
