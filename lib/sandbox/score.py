"""The sandbox's sung melody, written on the lyrics: one note per word (a Chinese character, an
English word), a phrase per lyric line, a turnaround between sections. ``lib.sandbox.media`` sings
these notes and ``/suno/act/timing`` reports them as the words' times, so a karaoke view that follows
the timing follows the voice the listener hears.

Lines are laid out in whole bars inside the vocal part of the song (after the intro, before the
fade): two bars a line when there is room, one when the lyrics are long, sixteenth notes when even
that is too slow; lines that still do not fit are not sung (and get no times), as a real model runs
out of song. A clip without lyrics hums a tune of its own (the old A A B A phrases).
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass

import numpy as np

from lib.sandbox.music_plan import Plan, chord_degree, midi, plan_for, rng

INTRO, OUTRO = 0.08, 0.95  # the voice lives inside this fraction of the song
HEADING = re.compile(r"^\[[^\]]*\]$")
# A syllable group: one CJK character with the punctuation after it, or a run of anything else.
_TOKEN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff][^\s\w]*\s*|[^\s\u3400-\u9fff\uf900-\ufaff]+\s*")
# (most words in a bar, least bars a line takes, bars between sections), most relaxed first. Eight
# words a bar are eighth notes; more mix in sixteenths.
_PACES = ((8, 2, 1), (12, 1, 1), (16, 1, 0))
_BREATH = 2  # sixteenths of rest at the end of a line, when it has room for them
MAX_SUNG_SECONDS = 120.0  # a clip grows to sing its lyrics, up to this long

# The hummed tune: rhythms per bar in eighths (start, length); cadences close a 4-bar phrase.
_RHYTHMS = (
    ((0, 2), (2, 1), (3, 1), (4, 3)),
    ((0, 1), (1, 1), (2, 2), (5, 1), (6, 2)),
    ((0, 3), (3, 1), (4, 2), (6, 2)),
    ((1, 1), (2, 1), (3, 2), (6, 1), (7, 1)),
)
_CADENCES = (((0, 2), (2, 2), (4, 4)), ((0, 6),), ((0, 3), (3, 5)))


@dataclass(frozen=True)
class Note:
    onset: float  # seconds
    length: float  # seconds it sounds (a breath shorter than the time to the next note)
    midi: int


@dataclass(frozen=True)
class TimedWord:
    """A word as Suno's timing route sends it: "[Verse]\\nRain ", "floor\\n", "街"."""

    word: str
    start_s: float
    end_s: float


@dataclass(frozen=True)
class Score:
    notes: tuple[Note, ...]
    words: tuple[TimedWord, ...]  # the sung words, each starting on its note


@dataclass(frozen=True)
class _Line:
    headings: tuple[str, ...]  # the section headings just above it
    tokens: tuple[str, ...]
    after_break: bool  # a new section starts here (not the first)


def _lines(lyrics: str) -> list[_Line]:
    lines, headings, sung = [], [], False
    for raw in lyrics.splitlines():
        text = raw.strip()
        if not text:
            continue
        if HEADING.match(text):
            headings.append(text)
            continue
        tokens = tuple(_TOKEN.findall(text))
        if tokens:
            lines.append(_Line(tuple(headings), tokens, bool(headings) and sung))
            headings, sung = [], True
    return lines


def _window(plan: Plan, duration_s: float) -> tuple[int, int]:
    """The first bar the voice may sing in and the bar it must have stopped by."""
    bar_s = plan.bar_s
    return math.ceil(INTRO * duration_s / bar_s), math.floor(OUTRO * duration_s / bar_s + 1e-9)


def _bars(line: _Line, per_bar: int, least: int) -> int:
    return max(least, math.ceil(len(line.tokens) / per_bar))


def _layout(plan: Plan, duration_s: float, lines: list[_Line]) -> list[tuple[int, int]]:
    """(first bar, bars) for each line that is sung."""
    first, stop = _window(plan, duration_s)
    available = stop - first
    breaks = sum(line.after_break for line in lines)
    for per_bar, least, gap in _PACES:
        sizes = [_bars(line, per_bar, least) for line in lines]
        spare = available - sum(sizes) - gap * breaks
        if spare >= 0:
            break
    else:
        spare = 0
    # Room left over: a longer intro, longer turnarounds (up to two bars more), the rest at the end.
    extra = min(2, spare // (breaks + 2)) if lines else 0
    bar, placed = first + extra, []
    for line, size in zip(lines, sizes):
        if line.after_break:
            bar += gap + extra
        if bar + size > stop:
            break
        placed.append((bar, size))
        bar += size
    return placed


def fits(seed: str, duration_s: float, lyrics: str, style: str = "") -> bool:
    """Whether every line of ``lyrics`` is sung, a bar a line or slower."""
    lines = _lines(lyrics)
    plan = plan_for(seed, style)
    first, stop = _window(plan, duration_s)
    per_bar, least, gap = _PACES[1]
    needed = sum(_bars(line, per_bar, least) for line in lines) + gap * sum(line.after_break for line in lines)
    return needed <= stop - first


def duration_to_sing(seed: str, lyrics: str, style: str, at_least: float) -> float:
    """``at_least``, or the shortest length (up to ``MAX_SUNG_SECONDS``) whose vocal part holds the
    lyrics. Lengths are tried where the vocal part gains a bar (where ``_window``'s last bar moves),
    so a song that fits in 40 s is never made longer than 40 s."""
    if fits(seed, at_least, lyrics, style):
        return at_least
    bar_s = plan_for(seed, style).bar_s
    last_bar = math.floor(OUTRO * at_least / bar_s)
    while True:
        last_bar += 1
        duration = math.ceil(last_bar * bar_s / OUTRO * 100) / 100
        if duration >= MAX_SUNG_SECONDS:
            return MAX_SUNG_SECONDS
        if fits(seed, duration, lyrics, style):
            return duration


@functools.lru_cache(maxsize=64)
def sung_score(seed: str, duration_s: float, lyrics: str = "", style: str = "") -> Score:
    plan = plan_for(seed, style)
    lines = _lines(lyrics)
    if not lines:
        return Score(tuple(_hummed(plan, seed, duration_s)), ())
    sixteenth = plan.bar_s / 16
    notes, words = [], []
    for line, (bar, size) in zip(lines, _layout(plan, duration_s, lines)):
        r = rng(seed, f"line|{size}|{''.join(line.tokens)}")  # a repeated chorus line sings alike
        for index, (start16, length16, degree) in enumerate(_melody(plan, r, bar, size, len(line.tokens))):
            onset = round((bar * 16 + start16) * sixteenth, 4)
            length = round(length16 * sixteenth * 0.9, 4)
            notes.append(Note(onset, length, midi(plan, degree)))
            token = line.tokens[index]
            last = index == len(line.tokens) - 1
            text = (token.strip() + "\n") if last else (token.rstrip() + " " if token != token.rstrip() else token)
            if index == 0 and line.headings:
                text = "".join(h + "\n" for h in line.headings) + text  # Suno glues a heading to the word after it
            words.append(TimedWord(text, round(onset, 3), round(onset + length, 3)))
    return Score(tuple(notes), tuple(words))


def _melody(plan: Plan, r: np.random.Generator, bar: int, bars: int, count: int) -> list[tuple[int, int, int]]:
    """(start sixteenth from the line's first bar, sixteenths, scale degree) for ``count`` words.

    Every word gets an eighth (a sixteenth when the line is crowded); the time left over lengthens
    the last note (a held end), then random others, and may delay the first word by an eighth (a
    pickup); the rest is a breath.
    Notes on beats 1 and 3 land on the chord's tones, the others step; the line ends on one.
    """
    unit = 2 if 2 * count <= bars * 16 else 1
    lengths = [unit] * count
    free = max(bars * 16 - unit * count - _BREATH, 0)
    start = 0
    if free >= 2 and r.random() < 0.3:
        start, free = 2, free - 2
    hold = min(free, 6 - unit)
    lengths[-1] += hold
    free -= hold
    while free >= unit and count > 1:
        i = int(r.integers(count - 1))
        if lengths[i] + unit <= 6:
            lengths[i] += unit
            free -= unit
        elif all(length + unit > 6 for length in lengths[:-1]):
            break
    degree, out, at = 7 + int(r.choice((0, 2, 4))), [], start
    for index, length in enumerate(lengths):
        c = chord_degree(plan, bar + at // 16)
        tones = [c + k + 7 * o for k in (0, 2, 4) for o in range(3) if 5 <= c + k + 7 * o <= 14]
        tones = [t for t in tones if t % 7 not in plan.avoid] or tones
        if at % 8 == 0 or index == count - 1:
            target = degree + int(r.integers(-2, 3))
            degree = min(tones, key=lambda t: (abs(t - target), t))
        else:
            degree = _step(plan, degree + int(r.choice((-2, -1, -1, 1, 1, 2))))
        out.append((at, length, degree))
        at += length
    return out


def _step(plan: Plan, degree: int) -> int:
    degree = int(np.clip(degree, 5, 14))
    while degree % 7 in plan.avoid:  # pentatonic: the avoided degree moves up a step
        degree = degree + 1 if degree < 14 else degree - 1
    return degree


def _hummed(plan: Plan, seed: str, duration_s: float) -> list[Note]:
    bar_s, eighth = plan.bar_s, plan.bar_s / 8
    first_bar = math.ceil(INTRO * duration_s / bar_s)
    # Phrases repeat A A B A, like a verse, so the tune is recognisable rather than a random walk.
    phrases = [_phrase(plan, rng(seed, f"phrase{k}"), first_bar) for k in range(2)]
    notes, stop = [], OUTRO * duration_s
    for p in range(math.ceil(duration_s / (4 * bar_s))):
        base = (first_bar + 4 * p) * bar_s
        for start8, len8, degree in phrases[(0, 0, 1, 0)[p % 4]]:
            onset = base + start8 * eighth
            if onset < stop - 0.15:
                notes.append(Note(onset, min(len8 * eighth * 0.92, stop - onset), midi(plan, degree)))
    return notes


def _phrase(plan: Plan, r: np.random.Generator, first_bar: int) -> list[tuple[int, int, int]]:
    """Four bars of (start_eighth, eighths, scale_degree); strong beats land on chord tones."""
    a, b = r.choice(len(_RHYTHMS), 2, replace=False)
    bars = (_RHYTHMS[a], _RHYTHMS[b], _RHYTHMS[a], _CADENCES[int(r.integers(len(_CADENCES)))])
    degree, notes = 7 + int(r.choice((0, 2, 4))), []
    for bar, rhythm in enumerate(bars):
        c = chord_degree(plan, first_bar + bar)
        tones = [c + k + 7 * o for k in (0, 2, 4) for o in range(3) if 5 <= c + k + 7 * o <= 14]
        for i, (start, length) in enumerate(rhythm):
            if bar == 3 and i == len(rhythm) - 1:  # resolve the phrase on the chord root
                tones = [t for t in tones if (t - c) % 7 == 0]
            if start % 4 == 0 or bar == 3 and i == len(rhythm) - 1:
                target = degree + int(r.integers(-2, 3))
                degree = min(tones, key=lambda t: (abs(t - target), t))
            else:
                degree = _step(plan, degree + int(r.choice((-2, -1, -1, 1, 1, 2))))
            notes.append((bar * 8 + start, length, degree))
    return notes
