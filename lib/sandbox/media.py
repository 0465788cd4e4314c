"""Deterministic synthetic audio for the sandbox gateway: songs, their stems, the envelope a
timing answer draws as its waveform. The music's plan is ``music_plan``'s, the sung melody ``score``'s.

Every choice derives from the seed string through SHA-256 (never Python's salted ``hash()``), so a
sandbox task yields the same bytes on every run. Audio is built from monophonic "lines" (one event
sounds at a time), which lets a whole line render with a handful of array operations and a single
wavetable lookup: a 40 s song costs tens of milliseconds rather than seconds.
"""

from __future__ import annotations

import functools
import io
import math
import wave

import numpy as np

from lib.sandbox.music_plan import Plan, chord, plan_for, rng, seed_int
from lib.sandbox.score import sung_score

_TABLE = 4096  # wavetable length; a power of two so phase wraps with a bit mask
_PEAK = 0.89  # about -1 dBFS, leaves headroom after int16 rounding


@functools.lru_cache(maxsize=4)
def _basis(count: int = 64) -> np.ndarray:
    x = np.arange(_TABLE) / _TABLE
    return np.sin(2 * np.pi * np.arange(1, count + 1)[:, None] * x)


def _wavetables(timbre, hz: np.ndarray, sr: int) -> tuple[np.ndarray, np.ndarray]:
    """One single-cycle table per distinct pitch (flattened) and each event's table offset.

    Per-pitch tables let every note drop the partials above Nyquist (they would alias into noise)
    and let a voice keep its formants fixed in Hz whatever note it sings.
    """
    basis = _basis()
    pitches, which = np.unique(hz, return_inverse=True)
    amps = np.zeros((len(pitches), len(basis)))
    for i, f in enumerate(pitches):
        count = max(1, min(len(basis), int(0.45 * sr / max(f, 1.0))))
        row = timbre(f, count) if callable(timbre) else np.asarray(timbre, float)[:count]
        amps[i, : len(row)] = row
    tables = np.einsum("ph,ht->pt", amps, basis)  # tiny: skip BLAS and its thread start-up
    tables /= np.maximum(np.abs(tables).max(axis=1, keepdims=True), 1e-9)
    return tables.astype(np.float32).ravel(), (which * _TABLE).astype(np.int32)


def _vowel(formants):
    """Timbre function: a glottal-like buzz whose harmonics are weighted by vowel formants."""

    def amps(f0: float, count: int) -> np.ndarray:
        f = f0 * np.arange(1, count + 1)
        peaks = sum(a / (1 + ((f - fc) / bw) ** 2) for fc, a, bw in zip(formants, (1, 0.6, 0.3), (120, 180, 260)))
        return (0.06 + peaks) / np.arange(1, count + 1) ** 0.6

    return amps


def _segments(onsets_s: np.ndarray, n: int, sr: int) -> tuple[np.ndarray, np.ndarray]:
    """Samples per event (event 0 = silent lead-in) and, per sample, seconds since its event began.

    ``np.repeat(per_event_values, counts)`` then spreads any per-event value over its samples.
    """
    starts = np.concatenate(([0], np.clip(np.round(onsets_s * sr), 0, n))).astype(np.int32)
    counts = np.diff(np.append(starts, n))
    since = np.arange(n, dtype=np.int32) - np.repeat(starts, counts)
    return counts, since.astype(np.float32) * np.float32(1 / sr)


def _line(
    events, n: int, sr: int, timbre, attack: float, decay: float, release: float, vibrato: float = 0.0
) -> np.ndarray:
    """Render sorted (onset_s, length_s, midi or tuple of midis, amp) events sharing one envelope.

    Only one event sounds at a time, which is what makes the whole line a few array operations.
    """
    if not events:
        return np.zeros(n, np.float32)
    onset, length, amp = (np.array([e[i] for e in events], np.float64) for i in (0, 1, 3))
    chords = np.array([e[2] for e in events], np.float64).reshape(len(events), -1)
    counts, t = _segments(onset, n, sr)
    per_sample = lambda v: np.repeat(np.append(0, v).astype(v.dtype), counts)  # noqa: E731
    wobble = 0.0
    if vibrato:  # phase-modulation vibrato that fades in, as singers do, so short notes stay steady
        rate = np.float32(2 * np.pi * 5.5)
        wobble = (1 - np.cos(rate * t)) * np.minimum(t * np.float32(1 / 0.35), 1) * (vibrato / rate)
    out = np.zeros(n, np.float32)
    for voice in chords.T:
        hz = 440.0 * 2.0 ** ((voice - 69) / 12)
        tables, offsets = _wavetables(timbre, hz, sr)
        freq = per_sample(hz.astype(np.float32))
        # Phase restarts at each onset (hidden by the attack), so it stays small enough for float32.
        phase = freq * (t + wobble)
        out += tables[per_sample(offsets) + ((phase * _TABLE).astype(np.int32) & (_TABLE - 1))]
    env = np.minimum(t * np.float32(1 / attack), 1) * np.exp(t * np.float32(-1 / decay))
    env *= np.clip((per_sample(length.astype(np.float32)) - t) * np.float32(1 / release), 0, 1)
    return out * env * per_sample(amp.astype(np.float32))


def _echo(x: np.ndarray, delay: int, feedback: float, taps: int = 3) -> np.ndarray:
    out = x.copy()
    for k in range(1, taps + 1):
        if k * delay < len(x):
            out[k * delay :] += feedback**k * x[: -k * delay]
    return out


def _instrumental(plan: Plan, seed: str, n: int, sr: int) -> np.ndarray:
    beat, bar_s = 60.0 / plan.bpm, 240.0 / plan.bpm
    bars = range(math.ceil(n / sr / bar_s))
    chords = [sorted(chord(plan, b, plan.root)) for b in bars]  # close voicing for pads
    pads = [(b * bar_s, bar_s, tuple(chords[b]), 0.2) for b in bars]
    out = _line(pads, n, sr, plan.pad, 0.3, 6.0, 0.25)
    step = beat / plan.arp_per_beat
    tones = lambda b: chords[b] + [chords[b][0] + 12]  # noqa: E731
    arp = [
        (b * bar_s + j * step, step * 0.9, tones(b)[plan.arp_shape[j % 4]] + 12, 0.16)
        for b in bars
        for j in range(4 * plan.arp_per_beat)
    ]
    out += _echo(_line(arp, n, sr, plan.arp, 0.005, 0.25, 0.03), int(0.75 * beat * sr), 0.3)
    roots = [chord(plan, b, plan.root - 12)[0] for b in bars]
    bass = [
        (b * bar_s + s * beat / 2, ln * beat / 2 * 0.95, roots[b] + 7 * (k == 2), 0.5)
        for b in bars
        if b > 0
        for s, ln, k in plan.bass
    ]  # bass enters after the intro bar
    out += _line(bass, n, sr, (1, 0.5, 0.2), 0.01, 0.8, 0.04)
    return out + _drums(plan, seed, n, sr) * np.float32(plan.drums)


def _since(times_s: np.ndarray, n: int, sr: int) -> np.ndarray:
    """Seconds since the latest hit; huge before the first hit so decay envelopes read zero."""
    counts, t = _segments(times_s, n, sr)
    t[: counts[0]] = 1e3
    return t


def _drums(plan: Plan, seed: str, n: int, sr: int) -> np.ndarray:
    beat = 60.0 / plan.bpm
    beats = np.arange(4, math.ceil(n / sr / beat))  # drums enter after a one-bar intro
    t = _since((beats if plan.four_on_floor else beats[beats % 2 == 0]) * beat, n, sr)
    kick = np.sin(2 * np.pi * (45 * t + 80 * 0.04 * (1 - np.exp(-t / 0.04)))) * np.exp(-t / 0.22)
    noise = rng(seed, "noise").random(n, dtype=np.float32) * 2 - 1
    t = _since(beats[beats % 2 == 1] * beat, n, sr)
    snare = (noise + np.sin(2 * np.pi * 185 * t)) * np.exp(-t / 0.09)
    t = _since(np.arange(8, 2 * len(beats) + 8) * beat / 2, n, sr)  # eighths from bar 2
    hat = np.diff(noise, prepend=0) * np.exp(-t / 0.03)  # first difference = cheap high-pass
    return (0.65 * kick + 0.14 * snare + 0.05 * hat).astype(np.float32)


def _stem_arrays(seed: str, duration_s: float, sr: int, lyrics: str, style: str) -> tuple[np.ndarray, np.ndarray]:
    """Unnormalised (vocals, instrumental) with fades applied; the song is exactly their sum."""
    plan, n = plan_for(seed, style), max(1, int(round(duration_s * sr)))
    events = [(note.onset, note.length, note.midi, 0.9) for note in sung_score(seed, duration_s, lyrics, style).notes]
    sung = _line(events, n, sr, _vowel(plan.vowel), 0.04, 3.0, 0.08, vibrato=0.012)
    vocals = _echo(sung * np.float32(0.85), int(0.75 * 60 / plan.bpm * sr), 0.25)
    ramp = np.ones(n, np.float32)
    fade_in, fade_out = min(int(0.05 * sr), n // 4), min(int(1.5 * sr), n // 4)
    ramp[:fade_in] = np.linspace(0, 1, fade_in, dtype=np.float32)
    ramp[n - fade_out :] = np.linspace(1, 0, fade_out, dtype=np.float32)
    return vocals * ramp, _instrumental(plan, seed, n, sr) * ramp


def _wav(x: np.ndarray, sr: int) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(sr)
        w.writeframes(np.round(np.clip(x, -1, 1) * 32767).astype("<i2").tobytes())
    return buf.getvalue()


def _peak(*xs: np.ndarray) -> float:
    return max(max(float(np.abs(x).max()) for x in xs), 1e-9)


def synthesize_song(
    seed: str, duration_s: float = 30.0, sample_rate: int = 22050, *, lyrics: str = "", style: str = ""
) -> bytes:
    """Mono 16-bit WAV of exactly ``duration_s`` seconds; same inputs, same bytes. The voice sings
    ``lyrics`` (``lib.sandbox.score``) in the ``style`` the clip's tags name (``music_plan``)."""
    vocals, inst = _stem_arrays(seed, duration_s, sample_rate, lyrics, style)
    mix = vocals + inst
    return _wav(mix * (_PEAK / _peak(mix)), sample_rate)


def synthesize_stems(
    seed: str, duration_s: float, sample_rate: int = 22050, *, lyrics: str = "", style: str = ""
) -> dict[str, bytes]:
    """{"vocals", "instrumental"} WAVs with one shared gain, summing to the song up to scale."""
    vocals, inst = _stem_arrays(seed, duration_s, sample_rate, lyrics, style)
    gain = _PEAK / _peak(vocals, inst, vocals + inst)
    return {"vocals": _wav(vocals * gain, sample_rate), "instrumental": _wav(inst * gain, sample_rate)}


def song_duration_for(seed: str, low: float = 20.0, high: float = 40.0) -> float:
    unit = seed_int(seed, "duration") / 2.0**64
    return round(low + (high - low) * unit, 2)


def wav_prefix(wav_bytes: bytes, fraction: float) -> bytes:
    """Playable WAV of the first ``fraction`` of the audio (at least 0.5 s): "still streaming"."""
    with wave.open(io.BytesIO(wav_bytes), "rb") as r:
        params, total = r.getparams(), r.getnframes()
        frames = r.readframes(total)
    fraction = min(max(fraction, 0.0), 1.0) if fraction == fraction else 0.0  # NaN -> 0
    keep = min(total, max(int(total * fraction), int(0.5 * params.framerate)))
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setparams(params)  # the wave module rewrites the RIFF and data sizes on close
        w.writeframes(frames[: keep * params.sampwidth * params.nchannels])
    return buf.getvalue()


def envelope(wav_bytes: bytes, points: int = 400) -> list[float]:
    """The audio's loudness: RMS over ``points`` equal stretches, scaled so the loudest is 1."""
    with wave.open(io.BytesIO(wav_bytes), "rb") as r:
        samples = np.frombuffer(r.readframes(r.getnframes()), "<i2").astype(np.float32)
    if len(samples) < points or points <= 0:
        return []
    edges = np.linspace(0, len(samples), points + 1).astype(int)
    sums = np.add.reduceat(samples.astype(np.float64) ** 2, edges[:-1])
    rms = np.sqrt(sums / np.maximum(np.diff(edges), 1))
    peak = float(rms.max())
    return [round(float(v), 3) for v in (rms / peak if peak > 0 else rms)]


def to_mp3(wav_bytes: bytes, bit_rate: int = 64_000) -> bytes:
    """The WAV as an MP3 (LAME through PyAV), the format real Suno's ``audio_url`` serves. PyAV is
    imported here only: without it the sandbox serves no MP3, as it serves no video. 64 kbit/s
    is plenty for a 22 kHz mono synth and keeps a page of players (and a bulk export) light."""
    import av

    with wave.open(io.BytesIO(wav_bytes), "rb") as reader:
        rate, channels = reader.getframerate(), reader.getnchannels()
        pcm = np.frombuffer(reader.readframes(reader.getnframes()), "<i2").reshape(-1, channels)
    layout = "stereo" if channels == 2 else "mono"
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="mp3") as out:
        stream = out.add_stream("libmp3lame", rate=rate, layout=layout)
        stream.bit_rate = bit_rate
        frame_size = 1152 * 64  # packed s16: one row of interleaved samples; LAME regroups
        for start in range(0, len(pcm), frame_size):
            block = av.AudioFrame.from_ndarray(
                np.ascontiguousarray(pcm[start : start + frame_size]).reshape(1, -1), format="s16", layout=layout
            )
            block.sample_rate, block.pts = rate, start
            out.mux(stream.encode(block))
        out.mux(stream.encode(None))
    return buffer.getvalue()
