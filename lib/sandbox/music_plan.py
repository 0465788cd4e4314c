"""The musical decisions behind a sandbox song, made once per seed and style: tempo, key, chord
progression, timbres, accompaniment patterns. ``lib.sandbox.score`` writes the sung melody on this
plan and ``lib.sandbox.media`` renders both, so the lyric timing and the audio agree.

The style is the clip's tags: a genre family there (``lib.sandbox.styles``) picks the tempo range,
the instruments' timbres, the drums and, for 古风, a pentatonic melody; a "96 bpm" tag sets the tempo.
Every choice derives from the seed through SHA-256 (never Python's salted ``hash()``).
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass

import numpy as np

from lib.sandbox.styles import FAMILIES, bpm_of, family_of

MAJOR = (0, 2, 4, 5, 7, 9, 11)
MINOR = (0, 2, 3, 5, 7, 8, 10)
# Progressions in 0-based scale degrees; every one is 4 bars so melody phrases line up with them.
_MAJOR_PROGS = ((0, 4, 5, 3), (5, 3, 0, 4), (0, 5, 3, 4), (0, 3, 5, 4))
_MINOR_PROGS = ((0, 5, 2, 6), (0, 3, 4, 0), (0, 6, 5, 4), (5, 6, 0, 0))
# Harmonic amplitudes: soft saw, hollow (odd harmonics), organ-ish, bright pluck.
TIMBRES = (
    (1, 0.5, 0.33, 0.25, 0.2, 0.16),
    (1, 0, 0.33, 0, 0.2, 0, 0.14),
    (1, 0.6, 0.1, 0.3, 0, 0.15),
    (1, 0.8, 0.6, 0.4, 0.3, 0.2, 0.1),
)
SOFT_SAW, HOLLOW, ORGAN, PLUCK = range(4)
_ARP_SHAPES = ((0, 1, 2, 1), (0, 1, 2, 3), (0, 2, 1, 3), (3, 2, 1, 0))  # 3 = root an octave up
# Bass rhythms in eighths: (start, length, chord tone index 0=root 2=fifth).
_BASS = (
    ((0, 4, 0), (4, 4, 0)),
    ((0, 3, 0), (3, 1, 0), (4, 3, 2), (7, 1, 0)),
    tuple((i, 1, 0) for i in range(8)),
    ((0, 6, 0), (6, 2, 2)),
)
# Vowel formants (Hz) so the melody stem reads as a voice rather than a synth lead.
_VOWELS = ((730, 1090, 2440), (570, 840, 2410), (530, 1840, 2480))


@dataclass(frozen=True)
class Sound:
    """How a genre family sounds: minor-key odds, pad and arpeggio timbres, arpeggio notes per
    beat, kick on every beat or not, drum level, scale degrees the melody leaves out."""

    minor: float
    pad: int
    arp: int
    arp_per_beat: int
    four_on_floor: bool
    drums: float
    avoid: tuple[int, ...] = ()


_SOUNDS = {
    "electronic": Sound(0.5, SOFT_SAW, PLUCK, 4, True, 1.0),
    "lofi": Sound(0.5, ORGAN, HOLLOW, 2, False, 0.6),
    "rock": Sound(0.4, PLUCK, HOLLOW, 2, False, 1.2),
    "jazz": Sound(0.5, ORGAN, SOFT_SAW, 2, False, 0.5),
    "folk": Sound(0.3, SOFT_SAW, PLUCK, 2, False, 0.45),
    "chinese": Sound(0.3, HOLLOW, PLUCK, 4, False, 0.35, avoid=(3, 6)),  # pentatonic: no 4th, no 7th
    "hiphop": Sound(0.6, SOFT_SAW, HOLLOW, 2, False, 1.2),
    "pop": Sound(0.3, SOFT_SAW, PLUCK, 4, True, 0.9),
    "ambient": Sound(0.4, SOFT_SAW, HOLLOW, 2, False, 0.2),
    "latin": Sound(0.3, ORGAN, PLUCK, 2, False, 0.9),
}


@dataclass(frozen=True)
class Plan:
    bpm: float
    root: int  # MIDI tonic in octave 3
    scale: tuple[int, ...]
    progression: tuple[int, ...]
    pad: tuple[float, ...]
    arp: tuple[float, ...]
    arp_per_beat: int
    arp_shape: tuple[int, ...]
    bass: tuple[tuple[int, int, int], ...]
    four_on_floor: bool
    vowel: tuple[int, int, int]
    drums: float = 1.0
    avoid: tuple[int, ...] = ()  # scale degrees (mod 7) the melody does not sing

    @property
    def bar_s(self) -> float:
        return 240.0 / self.bpm


def seed_int(seed: str, salt: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{salt}|{seed}".encode()).digest()[:8], "big")


def rng(seed: str, salt: str) -> np.random.Generator:
    return np.random.default_rng(seed_int(seed, salt))


@functools.lru_cache(maxsize=256)
def plan_for(seed: str, style: str = "") -> Plan:
    """The song's plan; ``style``: its tags ("synthwave, dreamy, 104 bpm"), or "" for any style."""
    r = rng(seed, "plan")
    pick = lambda seq: seq[int(r.integers(len(seq)))]  # noqa: E731
    family = family_of(style)
    sound = _SOUNDS.get(family or "")
    minor = bool(r.random() < (sound.minor if sound else 0.4))
    low, high = FAMILIES[family].bpm if family else (78, 128)
    bpm = float(r.integers(low, high + 1))
    plan = Plan(
        bpm=float(bpm_of(style) or bpm),
        root=48 + int(r.integers(12)),
        scale=MINOR if minor else MAJOR,
        progression=pick(_MINOR_PROGS if minor else _MAJOR_PROGS),
        pad=pick(TIMBRES),
        arp=pick(TIMBRES),
        arp_per_beat=int(r.integers(1, 3)) * 2,
        arp_shape=pick(_ARP_SHAPES),
        bass=pick(_BASS),
        four_on_floor=bool(r.random() < 0.5),
        vowel=pick(_VOWELS),
    )
    if sound is None:
        return plan
    return Plan(
        **{
            **plan.__dict__,
            "pad": TIMBRES[sound.pad],
            "arp": TIMBRES[sound.arp],
            "arp_per_beat": sound.arp_per_beat,
            "four_on_floor": sound.four_on_floor,
            "drums": sound.drums,
            "avoid": sound.avoid,
        }
    )


def midi(plan: Plan, degree: int) -> int:
    return plan.root + plan.scale[degree % 7] + 12 * (degree // 7)


def chord_degree(plan: Plan, bar: int) -> int:
    return plan.progression[bar % len(plan.progression)]


def chord(plan: Plan, bar: int, low: int) -> list[int]:
    """The bar's triad, root first, each note folded into the octave starting at MIDI ``low``."""
    c = chord_degree(plan, bar)
    return [low + (midi(plan, c + k) - low) % 12 for k in (0, 2, 4)]
