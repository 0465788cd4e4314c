"""A song's MIDI as a file: the notes a gateway's MIDI route answers (reference §2.13:
``{"state": "complete", "instruments": [{"name", "notes": [{"pitch", "start", "end", "velocity"}]}]}``,
times in seconds) written as a Standard MIDI File (format 1) that any DAW or notation program opens.

The answer is untrusted: notes are kept only with numbers that make sense (pitch and velocity in
MIDI's 0–127, a start before the end, within ``MAX_SECONDS``), and at most ``MAX_NOTES`` of them, so a
hostile answer cannot make a huge file. No Streamlit here, no dependency: SMF is a few dozen bytes
of header and a list of events.

Time: 480 ticks a quarter note at 120 bpm (the tempo written in the file), so a second is 960 ticks
and every note starts exactly where the gateway said.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

TICKS_PER_QUARTER = 480
MICROSECONDS_PER_QUARTER = 500_000  # 120 bpm
TICKS_PER_SECOND = TICKS_PER_QUARTER * 1_000_000 // MICROSECONDS_PER_QUARTER
MAX_NOTES = 50_000
MAX_SECONDS = 60 * 60.0
MAX_INSTRUMENTS = 15  # MIDI's 16 channels less the drums' (channel 10)
DRUM_CHANNEL = 9


@dataclass(frozen=True)
class MidiNote:
    pitch: int
    start: float  # seconds
    end: float
    velocity: int


@dataclass(frozen=True)
class Instrument:
    name: str
    notes: tuple[MidiNote, ...]


def read_instruments(answer: Mapping[str, Any] | None) -> tuple[Instrument, ...]:
    """The instruments of a MIDI answer with their usable notes (instruments left with none are
    dropped); () for an answer with nothing usable."""
    raw = answer.get("instruments") if isinstance(answer, Mapping) else None
    if not isinstance(raw, list):
        return ()
    found, budget = [], MAX_NOTES
    for index, item in enumerate(raw[:MAX_INSTRUMENTS]):
        if not isinstance(item, Mapping) or not isinstance(item.get("notes"), list):
            continue
        notes = [note for note in map(_note, item["notes"][:budget]) if note is not None]
        budget -= len(notes)
        if notes:
            name = str(item.get("name") or f"Track {index + 1}")[:60]
            found.append(Instrument(name, tuple(sorted(notes, key=lambda n: (n.start, n.pitch)))))
    return tuple(found)


def _note(raw: Any) -> MidiNote | None:
    if not isinstance(raw, Mapping):
        return None
    pitch, start, end = _number(raw.get("pitch")), _number(raw.get("start")), _number(raw.get("end"))
    velocity = _number(raw.get("velocity"))
    if pitch is None or start is None or end is None:
        return None
    if not (0 <= pitch <= 127 and 0 <= start < end <= MAX_SECONDS):
        return None
    velocity = 90 if velocity is None else velocity
    if 0 < velocity <= 1:  # some readers give velocity as 0–1
        velocity *= 127
    return MidiNote(int(round(pitch)), start, end, max(1, min(127, int(round(velocity)))))


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def note_count(instruments: Iterable[Instrument]) -> int:
    return sum(len(i.notes) for i in instruments)


def length_seconds(instruments: Iterable[Instrument]) -> float:
    return max((n.end for i in instruments for n in i.notes), default=0.0)


def midi_bytes(instruments: tuple[Instrument, ...], title: str = "") -> bytes:
    """A format-1 Standard MIDI File: a tempo track (with the title), then one track per instrument
    on its own channel (skipping the drums' channel 10)."""
    tracks = [_tempo_track(title)]
    for index, instrument in enumerate(instruments[:MAX_INSTRUMENTS]):
        channel = index if index < DRUM_CHANNEL else index + 1
        tracks.append(_note_track(instrument, channel))
    header = b"MThd" + struct.pack(">IHHH", 6, 1, len(tracks), TICKS_PER_QUARTER)
    return header + b"".join(b"MTrk" + struct.pack(">I", len(track)) + track for track in tracks)


def _tempo_track(title: str) -> bytes:
    events = bytearray()
    if title:
        events += _meta(0, 0x03, title.encode("utf-8")[:120])  # the sequence's name
    events += _meta(0, 0x51, MICROSECONDS_PER_QUARTER.to_bytes(3, "big"))
    events += _meta(0, 0x58, bytes([4, 2, 24, 8]))  # 4/4
    return bytes(events + _meta(0, 0x2F, b""))


def _note_track(instrument: Instrument, channel: int) -> bytes:
    moments: list[tuple[int, int, bytes]] = []  # (tick, 0 for an off before an on at one tick, event)
    for note in instrument.notes:
        on, off = _ticks(note.start), max(_ticks(note.end), _ticks(note.start) + 1)
        moments.append((on, 1, bytes([0x90 | channel, note.pitch, note.velocity])))
        moments.append((off, 0, bytes([0x80 | channel, note.pitch, 0])))
    moments.sort(key=lambda m: (m[0], m[1]))
    events, now = bytearray(_meta(0, 0x03, instrument.name.encode("utf-8")[:120])), 0
    for tick, _, event in moments:
        events += _vlq(tick - now) + event
        now = tick
    return bytes(events + _meta(0, 0x2F, b""))


def _ticks(seconds: float) -> int:
    return int(round(seconds * TICKS_PER_SECOND))


def _meta(delta: int, kind: int, data: bytes) -> bytes:
    return _vlq(delta) + bytes([0xFF, kind]) + _vlq(len(data)) + data


def _vlq(value: int) -> bytes:
    """MIDI's variable-length quantity: seven bits a byte, most significant first."""
    out = [value & 0x7F]
    value >>= 7
    while value:
        out.append(0x80 | (value & 0x7F))
        value >>= 7
    return bytes(reversed(out))
