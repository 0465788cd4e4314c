"""Synced lyrics: Suno's word timeline (``/suno/act/timing``) turned into lines with start times,
the song's sections and loudness along its length (what the karaoke view draws), and the ``.lrc``
file karaoke players read."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from lib.gateway.models import AlignedWord

_HEADING = re.compile(r"^\s*\[[^\]]*\]\s*$")
_LRC_UNSAFE = re.compile(r"[\r\n\[\]]+")


@dataclass(frozen=True, slots=True)
class SyncedLine:
    start_s: float
    end_s: float
    text: str
    is_heading: bool = False  # "[Chorus]": shown as a heading, not sung


def synced_lines(words: Sequence[AlignedWord], lyrics: str = "") -> list[SyncedLine]:
    """Lines in singing order. A newline inside a word ends a line (Suno writes ``"[Verse]\\nWinter "``
    and ``"night\\n"``); a timeline without newlines is split along the song's own lyric lines."""
    if not words:
        return []
    lines = _split_on_newlines(words)
    sung = [line for line in lines if not line.is_heading]
    lyric_lines = [line for line in (lyrics or "").splitlines() if line.strip() and not _HEADING.match(line)]
    if len(sung) <= 1 and len(lyric_lines) > 1:
        lines = _split_along_lyrics(words, lyrics)
    return lines


def _split_on_newlines(words: Sequence[AlignedWord]) -> list[SyncedLine]:
    lines: list[SyncedLine] = []
    text, start, end = "", None, 0.0

    def close() -> None:
        nonlocal text, start
        clean = " ".join(text.split())
        if clean and start is not None:
            lines.append(SyncedLine(start, max(end, start), clean, bool(_HEADING.match(clean))))
        text, start = "", None

    for word in words:
        pieces = word.word.split("\n")
        for index, piece in enumerate(pieces):
            if index > 0:
                close()
            if piece.strip():
                if start is None:
                    start = word.start_s
                end = word.end_s
            text += piece  # words carry their own trailing space
    close()
    return lines


def _split_along_lyrics(words: Sequence[AlignedWord], lyrics: str) -> list[SyncedLine]:
    """Give each lyric line as many timed words as it has tokens."""
    queue = [w for w in words if w.word.strip()]
    lines: list[SyncedLine] = []
    position = 0
    for raw in lyrics.splitlines():
        line = raw.strip()
        if not line:
            continue
        if _HEADING.match(line):
            at = queue[position].start_s if position < len(queue) else (lines[-1].end_s if lines else 0.0)
            lines.append(SyncedLine(at, at, line, True))
            continue
        count = len(line.split())
        taken = queue[position : position + count]
        if not taken:
            break
        position += count
        lines.append(SyncedLine(taken[0].start_s, taken[-1].end_s, line))
    return lines


def line_at(lines: Sequence[SyncedLine], seconds: float) -> int | None:
    """Index of the sung line playing at ``seconds`` (the last one started), or None before the first."""
    current = None
    for index, line in enumerate(lines):
        if line.is_heading:
            continue
        if line.start_s <= seconds:
            current = index
        else:
            break
    return current


@dataclass(frozen=True, slots=True)
class Section:
    """A stretch of the song under one heading ("[Chorus]"), from its first sung word to the next
    heading's (or the song's end)."""

    label: str
    start_s: float
    end_s: float


def sections_of(lines: Sequence[SyncedLine], length_s: float | None = None) -> list[Section]:
    """The sections in singing order. Headings with nothing sung before the next one (``[Intro]``
    glued with ``[Verse]`` to the same word) are left out: they have no length to mark."""
    headings = [line for line in lines if line.is_heading]
    if not headings:
        return []
    end_of_song = max([length_s or 0.0, *(line.end_s for line in lines)])
    sections = []
    for index, heading in enumerate(headings):
        end = headings[index + 1].start_s if index + 1 < len(headings) else end_of_song
        if end > heading.start_s:
            sections.append(Section(heading.text.strip().strip("[]").strip(), heading.start_s, end))
    return sections


def waveform_peaks(values: Sequence[float], bars: int) -> list[float]:
    """``values`` (the gateway's ``waveform_data``, any length) as at most ``bars`` bar heights
    from 0 to 1: each bar the loudest value of its stretch, the loudest bar 1. Empty when there is
    nothing to draw (no values, or only silence)."""
    if bars <= 0 or not values:
        return []
    count = min(bars, len(values))
    peaks = [max(values[i * len(values) // count : (i + 1) * len(values) // count]) for i in range(count)]
    top = max(peaks)
    if top <= 0:
        return []
    return [round(max(0.0, peak) / top, 3) for peak in peaks]


def format_timestamp(seconds: float) -> str:
    """``mm:ss.xx`` as LRC writes it (minutes may exceed 59)."""
    hundredths = max(0, round(seconds * 100))
    minutes, rest = divmod(hundredths, 6000)
    return f"{minutes:02d}:{rest // 100:02d}.{rest % 100:02d}"


def to_lrc(lines: Sequence[SyncedLine], *, title: str = "", length_s: float | None = None) -> str:
    """An ``.lrc`` file: ID tags, then one ``[mm:ss.xx]`` line per sung line (headings left out)."""
    out = []
    if title:
        out.append(f"[ti:{' '.join(_LRC_UNSAFE.sub(' ', title).split())}]")
    if length_s:
        whole = int(round(length_s))
        out.append(f"[length:{whole // 60:02d}:{whole % 60:02d}]")
    out.append("[re:Music Task Studio]")
    for line in lines:
        if not line.is_heading:
            out.append(f"[{format_timestamp(line.start_s)}]{line.text.replace(chr(13), ' ')}")
    return "\n".join(out) + "\n"
