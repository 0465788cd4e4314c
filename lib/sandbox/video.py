"""The sandbox's music video: the cover art over a waveform strip whose played part fills in as the
song plays, with the song as the soundtrack — a real H.264 + AAC MP4 a browser can stream.

PyAV (FFmpeg) is optional: without it the sandbox simply lacks the mp4 feature, like a gateway
that does not offer it, so ``import av`` happens only inside ``available()`` and the renderer.
"""

from __future__ import annotations

import functools
import importlib
import io
import math
import os
import tempfile
import wave

import numpy as np
from PIL import Image, ImageDraw, ImageFont

FPS = 5  # the picture barely moves: few frames keep a 40 s song's encode around half a second
WIDTH, SIDE, STRIP = 480, 480, 64  # cover SIDE x SIDE on top, waveform strip below (all even)
_BARS, _BAR_PITCH, _WAVE_X = 84, 4, 14  # waveform bars, pixels per bar (3 bar + 1 gap), left margin
_KEYFRAME_EVERY = 5 * FPS  # a keyframe each 5 s: seeking decodes at most 25 small frames


@functools.cache
def available() -> bool:
    """True when PyAV (with its bundled FFmpeg) imports, i.e. the sandbox can offer mp4."""
    try:
        importlib.import_module("av")
    except ImportError:
        return False
    return True


def render_music_video(cover_png: bytes, wav: bytes, duration_s: float) -> bytes:
    """MP4 (H.264 main yuv420p + AAC-LC, ``moov`` before ``mdat``) of ``duration_s`` seconds."""
    import av

    samples, rate = _read_wav(wav)
    frames = max(1, math.ceil(duration_s * FPS))
    base, lit = _base_frame(cover_png, samples)
    # faststart rewrites the file after the fact (moves moov to the front), which FFmpeg does by
    # reopening the output by name: an in-memory buffer cannot do that, a temp file can.
    fd, path = tempfile.mkstemp(prefix="sandbox-video-", suffix=".mp4")
    os.close(fd)
    try:
        with av.open(path, "w", format="mp4", options={"movflags": "+faststart"}) as out:
            video = out.add_stream("libx264", rate=FPS)
            video.width, video.height, video.pix_fmt = WIDTH, SIDE + STRIP, "yuv420p"
            video.options = {
                "preset": "veryfast",
                "profile": "main",
                "crf": "24",
                "g": str(_KEYFRAME_EVERY),
                "tune": "stillimage",
            }
            audio = out.add_stream("aac", rate=rate, layout="mono")
            audio.bit_rate = 64_000  # mono synth music; plenty
            per_frame = rate / FPS
            for index in range(frames):
                # Audio for this frame's span is written alongside it, so the file interleaves
                # and a browser can play the start while the rest is still downloading.
                start, stop = int(index * per_frame), int((index + 1) * per_frame)
                _mux_audio(av, out, audio, samples[start:stop], rate, start)
                picture = av.VideoFrame.from_ndarray(_frame(base, lit, index / FPS, duration_s), format="rgb24")
                picture.pts = index
                out.mux(video.encode(picture))
            start = int(frames * per_frame)  # the audio may run a hair past the last frame
            _mux_audio(av, out, audio, samples[start:], rate, start)
            out.mux(audio.encode(None))
            out.mux(video.encode(None))
        with open(path, "rb") as handle:
            return handle.read()
    finally:
        os.unlink(path)


def _mux_audio(av, out, stream, chunk: np.ndarray, rate: int, start: int) -> None:
    """Encode and write mono samples that begin at sample ``start`` (nothing when empty)."""
    if chunk.size:
        block = av.AudioFrame.from_ndarray(chunk[None, :], format="fltp", layout="mono")
        block.sample_rate, block.pts = rate, start
        out.mux(stream.encode(block))


def _read_wav(data: bytes) -> tuple[np.ndarray, int]:
    """Mono float32 samples in [-1, 1) and the sample rate of a 16-bit PCM WAV."""
    with wave.open(io.BytesIO(data), "rb") as reader:
        rate, channels = reader.getframerate(), reader.getnchannels()
        pcm = np.frombuffer(reader.readframes(reader.getnframes()), "<i2")
    mono = pcm.reshape(-1, channels).mean(axis=1) if channels > 1 else pcm
    return (mono.astype(np.float32) / 32768).copy(), rate


def _base_frame(cover_png: bytes, samples: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The still picture (cover on top, dim waveform bars on a dark strip tinted like the cover)
    and the strip as it looks once played: the same bars, bright."""
    art = Image.open(io.BytesIO(cover_png)).convert("RGB").resize((WIDTH, SIDE), Image.LANCZOS)
    frame = np.zeros((SIDE + STRIP, WIDTH, 3), np.uint8)
    frame[:SIDE] = np.asarray(art)
    frame[SIDE:] = (0.18 * frame[:SIDE].reshape(-1, 3).mean(axis=0) + 12).astype(np.uint8)
    bars = np.zeros((STRIP, WIDTH), bool)
    top, span = 8, STRIP - 16
    for bar, level in enumerate(_envelope(samples)):
        half = max(1, int(level * span / 2))
        x = _WAVE_X + bar * _BAR_PITCH
        bars[top + span // 2 - half : top + span // 2 + half, x : x + _BAR_PITCH - 1] = True
    frame[SIDE:][bars] = (110, 110, 118)
    lit = frame[SIDE:].copy()
    lit[bars] = (255, 255, 255)
    return frame, lit


def _envelope(samples: np.ndarray) -> np.ndarray:
    """Per-bar loudness (RMS), scaled so the loudest bar fills the strip."""
    if not samples.size:
        return np.zeros(_BARS)
    parts = np.array_split(samples, _BARS)
    rms = np.array([math.sqrt(float(np.mean(p * p))) if p.size else 0.0 for p in parts])
    return np.clip(rms / max(float(rms.max()), 1e-6), 0.04, 1.0)


def _frame(base: np.ndarray, lit: np.ndarray, t: float, duration_s: float) -> np.ndarray:
    frame = base.copy()
    width = _BARS * _BAR_PITCH
    head = _WAVE_X + int(width * min(max(t / max(duration_s, 1e-6), 0.0), 1.0))
    frame[SIDE:, :head] = lit[:, :head]
    frame[SIDE + 4 : SIDE + STRIP - 4, head : head + 2] = (255, 214, 90)  # the playhead
    _clock_text(frame, t, duration_s)
    return frame


@functools.lru_cache(maxsize=1)
def _font() -> ImageFont.ImageFont:
    try:
        return ImageFont.load_default(size=14)
    except TypeError:  # Pillow built without FreeType: the fixed bitmap font
        return ImageFont.load_default()


def _clock_text(frame: np.ndarray, t: float, duration_s: float) -> None:
    """ "0:12 / 0:38" right of the waveform, drawn on the strip only (a small image per frame)."""
    left = _WAVE_X + _BARS * _BAR_PITCH + 8
    region = Image.fromarray(frame[SIDE:, left:])
    ImageDraw.Draw(region).text(
        (4, STRIP // 2), f"{_mmss(t)} / {_mmss(duration_s)}", fill=(235, 235, 240), font=_font(), anchor="lm"
    )
    frame[SIDE:, left:] = np.asarray(region)


def _mmss(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 60}:{whole % 60:02d}"
