"""The sandbox's media files: which clip and variant a ``/media/…`` or ``/audiopipe`` URL names,
and the synthesized WAV, PNG cover and MP4 behind it, cached so a page full of players does not
synthesize the same song twice.

No HTTP here: ``asset_for`` answers with bytes and a content type (or ``NoSuchAsset``), and the
handler in ``routes`` writes them out with range support.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache

from lib.sandbox import cover, media, video
from lib.sandbox.engine import SandboxEngine

# /media/<clip id>[-large|-hq].<ext>: the URLs shapes.media_urls hands out.
_MEDIA = re.compile(r"^/media/([0-9a-f-]{36})(-large|-hq)?\.(wav|png|mp4)$")


class NoSuchAsset(Exception):
    """A 404; the message is the answer's text."""


@dataclass(frozen=True)
class Asset:
    data: bytes
    content_type: str
    cache: bool = True  # a growing stream must not be cached by the browser


def asset_for(engine: SandboxEngine, path: str, query: dict[str, list[str]]) -> Asset:
    if path.startswith("/audiopipe"):
        clip = engine.clip((query.get("item_id") or [""])[0])
        task = engine.task_of_clip(clip.id) if clip else None
        if clip is None:
            raise NoSuchAsset("no such clip")
        # While the task runs, the stream holds only the part "generated" so far.
        fraction = engine.stream_fraction(task) if task else 1.0
        return Asset(media.wav_prefix(_song(clip.seed, clip.duration), fraction), "audio/wav", cache=False)
    match = _MEDIA.match(path)
    clip = engine.clip(match.group(1)) if match else None
    if clip is None:
        raise NoSuchAsset("no such file")
    variant, ext = match.group(2) or "", match.group(3)
    if ext == "png":
        size = 1024 if variant == "-large" else 512
        return Asset(_cover(clip.seed, clip.title, size, clip.model), "image/png")
    if ext == "mp4":
        if variant or not video.available():  # without PyAV there is no video to serve
            raise NoSuchAsset("no such file")
        return Asset(_video(clip.seed, clip.title, clip.model, clip.duration, clip.stem), "video/mp4")
    return Asset(_audio(clip.seed, clip.duration, clip.stem, variant == "-hq"), "audio/wav")


# One synthesis at a time: a song needs ~47 MB of numpy temporaries and a cover ~30 MB, so twenty
# sessions arriving together would otherwise push the app's memory past a gigabyte. Requests that
# wait find the file cached when their turn comes.
_synthesis_lock = threading.RLock()


def _song(seed: str, duration: float, sample_rate: int = 22050) -> bytes:
    with _synthesis_lock:
        return _synthesized_song(seed, duration, sample_rate)


@lru_cache(maxsize=48)
def _synthesized_song(seed: str, duration: float, sample_rate: int) -> bytes:
    return media.synthesize_song(seed, duration, sample_rate=sample_rate)


def _stems(seed: str, duration: float) -> dict[str, bytes]:
    with _synthesis_lock:
        return _synthesized_stems(seed, duration)


@lru_cache(maxsize=16)
def _synthesized_stems(seed: str, duration: float) -> dict[str, bytes]:
    return media.synthesize_stems(seed, duration)


def _audio(seed: str, duration: float, stem: str | None, hq: bool = False) -> bytes:
    """The clip's WAV as its audio_url serves it (a stem clip sounds like its part)."""
    if stem:
        return _stems(seed, duration)[stem]
    return _song(seed, duration, 44100) if hq else _song(seed, duration)


_video_lock = threading.Lock()


def _video(seed: str, title: str, model: str, duration: float, stem: str | None) -> bytes:
    # A browser opens a video with several overlapping range requests; rendering once under a
    # lock lets the others wait for the cached file instead of encoding it again in parallel.
    with _video_lock:
        return _rendered_video(seed, title, model, duration, stem)


@lru_cache(maxsize=8)  # ~0.5–1 MB each
def _rendered_video(seed: str, title: str, model: str, duration: float, stem: str | None) -> bytes:
    return video.render_music_video(_cover(seed, title, 512, model), _audio(seed, duration, stem), duration)


def _cover(seed: str, title: str, size: int, model: str) -> bytes:
    with _synthesis_lock:
        return _rendered_cover(seed, title, size, model)


@lru_cache(maxsize=64)
def _rendered_cover(seed: str, title: str, size: int, model: str) -> bytes:
    return cover.render_cover(seed, title, size=size, subtitle=f"Sandbox · {model}" if model else "Sandbox")
