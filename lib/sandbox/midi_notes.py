"""``GET /suno/act/midi/{clip_id}``'s answer in the sandbox: the notes the synthesized song plays, as
Suno's MIDI route sends them (reference §2.13) — ``{"state": "complete", "instruments": [{"name",
"notes": [{"pitch", "start", "end", "velocity"}]}]}``, times in seconds.

The melody is the sung (or hummed) score ``lib.sandbox.media`` sings (``lib.sandbox.score``), so a
MIDI file made from it plays the tune the listener hears; the bass holds each bar's chord root, as
the song's bass line does. A stem keeps its own part: the vocals their melody, the instrumental
its bass.
"""

from __future__ import annotations

import math
from typing import Any

from lib.sandbox.engine import Clip
from lib.sandbox.music_plan import chord, plan_for
from lib.sandbox.score import INTRO, OUTRO, sung_score

BASS_LOW = 36  # C2: the bass's octave


def midi_answer(clip: Clip) -> dict[str, Any]:
    style = ", ".join(clip.tags)
    instruments = []
    if clip.stem != "instrumental":
        score = sung_score(clip.seed, clip.duration, clip.lyrics, style)
        name = "Vocals" if clip.lyrics.strip() else "Melody"
        melody = [
            _note(n.midi, n.onset, n.onset + n.length, 96 if i % 4 == 0 else 84) for i, n in enumerate(score.notes)
        ]
        instruments.append({"name": name, "notes": melody})
    if clip.stem != "vocals":
        instruments.append({"name": "Bass", "notes": _bass(clip.seed, style, clip.duration)})
    return {"state": "complete", "instruments": instruments}


def _bass(seed: str, style: str, duration: float) -> list[dict[str, Any]]:
    plan = plan_for(seed, style)
    bar_s = plan.bar_s
    first, last = math.ceil(INTRO * duration / bar_s) - 1, math.floor(OUTRO * duration / bar_s)
    return [
        _note(chord(plan, bar, BASS_LOW)[0], bar * bar_s, (bar + 1) * bar_s - 0.05, 80)
        for bar in range(max(first, 0), max(last, 0))
    ]


def _note(pitch: int, start: float, end: float, velocity: int) -> dict[str, Any]:
    return {"pitch": int(pitch), "start": round(start, 4), "end": round(end, 4), "velocity": velocity}
