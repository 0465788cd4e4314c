"""What the karaoke view draws along the song: its sections from the timeline's headings, and the
gateway's waveform brought down to a bar count, in plain pytest."""

from __future__ import annotations

import pytest

from lib.gateway.models import AlignedWord
from lib.studio.lyrics_sync import Section, SyncedLine, line_at, sections_of, synced_lines, waveform_peaks


def words(*spec: tuple[str, float, float]) -> list[AlignedWord]:
    return [AlignedWord(word, start, end) for word, start, end in spec]


SONG = words(
    ("[Intro]\n[Verse]\nWinter ", 4.0, 4.5),
    ("night\n", 4.5, 5.0),
    ("cold ", 6.0, 6.4),
    ("air\n", 6.4, 7.0),
    ("[Chorus]\nStay ", 10.0, 10.5),
    ("with me\n", 10.5, 12.0),
    ("[Outro]\nGoodbye\n", 20.0, 21.5),
)


def test_sections_run_from_their_first_word_to_the_next_heading_and_the_last_to_the_end():
    lines = synced_lines(SONG)
    assert sections_of(lines, 30.0) == [
        Section("Verse", 4.0, 10.0),
        Section("Chorus", 10.0, 20.0),
        Section("Outro", 20.0, 30.0),
    ]


def test_a_heading_with_nothing_sung_before_the_next_marks_no_section():
    lines = synced_lines(SONG)
    assert [line.text for line in lines if line.is_heading][:2] == ["[Intro]", "[Verse]"]
    assert "Intro" not in [section.label for section in sections_of(lines, 30.0)]


def test_without_a_length_the_last_section_ends_with_the_last_word():
    assert sections_of(synced_lines(SONG))[-1] == Section("Outro", 20.0, 21.5)
    assert sections_of(synced_lines(SONG), 15.0)[-1] == Section("Outro", 20.0, 21.5)  # a length too short


def test_lyrics_without_headings_have_no_sections():
    plain = [SyncedLine(1.0, 2.0, "one"), SyncedLine(3.0, 4.0, "two")]
    assert sections_of(plain, 10.0) == []
    assert sections_of([], 10.0) == []


def test_the_current_line_skips_headings():
    lines = synced_lines(SONG)
    assert line_at(lines, 0.0) is None
    assert lines[line_at(lines, 6.1)].text == "cold air"
    assert lines[line_at(lines, 10.2)].text == "Stay with me"
    assert lines[line_at(lines, 99.0)].text == "Goodbye"


def test_waveform_peaks_keep_each_stretchs_loudest_value_scaled_to_the_loudest():
    values = [0.0] * 1000
    values[10] = 0.25  # one click early on, one loud moment near the end
    values[-1] = 0.5
    peaks = waveform_peaks(values, 160)
    assert len(peaks) == 160
    assert peaks[10 * 160 // 1000] == 0.5 and peaks[-1] == 1.0
    assert sum(1 for peak in peaks if peak > 0) == 2


def test_waveform_peaks_of_a_short_waveform_keep_every_value():
    assert waveform_peaks([0.1, 0.4, 0.2], 160) == [0.25, 1.0, 0.5]


@pytest.mark.parametrize("values", [[], [0.0, 0.0, 0.0]])
def test_no_waveform_or_only_silence_draws_nothing(values):
    assert waveform_peaks(values, 160) == []


def test_peaks_cover_the_whole_song_in_order():
    rising = [i / 999 for i in range(1000)]
    peaks = waveform_peaks(rising, 7)
    assert peaks == sorted(peaks) and peaks[-1] == 1.0 and len(peaks) == 7
