"""The sandbox's media files: which clip and variant a ``/media/…`` or ``/audiopipe`` URL names,
and the synthesized MP3 (a song's audio_url, as real Suno serves it), WAV (the lossless
"wav" conversion and the growing stream), PNG cover and MP4 behind it, cached so a page full of players does not
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
from lib.sandbox.engine import Clip, SandboxEngine

# /media/<clip id>[-large|-hq].<ext>: the URLs shapes.media_urls hands out.
_MEDIA = re.compile(r"^/media/([0-9a-f-]{36})(-large|-hq)?\.(mp3|wav|png|mp4)$")


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
        if (own := engine.uploads.audio(clip.id)) is not None:  # an uploaded file's own audio
            return Asset(own, "audio/wav")
        # While the task runs, the stream holds only the part "generated" so far.
        fraction = engine.stream_fraction(task) if task else 1.0
        song = _song(clip.seed, clip.duration, *sung(engine, clip))
        return Asset(media.wav_prefix(song, fraction), "audio/wav", cache=False)
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
        return Asset(_video(clip, *sung(engine, clip)), "video/mp4")
    own = engine.uploads.audio(clip.id)  # an uploaded file's own audio (a WAV), in either format
    if ext == "mp3":
        if variant or not video.available():  # the encoder is PyAV's, like the video's
            raise NoSuchAsset("no such file")
        return Asset(media.to_mp3(own) if own is not None else _mp3(clip, *sung(engine, clip)), "audio/mpeg")
    if own is not None:
        return Asset(own, "audio/wav")
    return Asset(audio(clip, *sung(engine, clip), hq=variant == "-hq"), "audio/wav")


def sung(engine: SandboxEngine, clip: Clip) -> tuple[str, str]:
    """What the clip's voice sings and in what style: its lyrics and tags. An instrumental stem
    has no lyrics of its own but is the backing of its source's song, which had them."""
    lyrics = clip.lyrics
    if clip.stem == "instrumental" and clip.parent:
        source = engine.clip(clip.parent)
        lyrics = source.lyrics if source else lyrics
    return lyrics, ", ".join(clip.tags)


def waveform(engine: SandboxEngine, clip: Clip) -> list[float]:
    """The envelope of the audio the clip's ``audio_url`` serves (what a timing answer draws)."""
    return media.envelope(audio(clip, *sung(engine, clip)))


# One synthesis at a time: a song needs ~47 MB of numpy temporaries and a cover ~30 MB, so twenty
# sessions arriving together would otherwise push the app's memory past a gigabyte. Requests that
# wait find the file cached when their turn comes.
_synthesis_lock = threading.RLock()


def _song(seed: str, duration: float, lyrics: str, style: str, sample_rate: int = 22050) -> bytes:
    with _synthesis_lock:
        return _synthesized_song(seed, duration, sample_rate, lyrics, style)


@lru_cache(maxsize=48)
def _synthesized_song(seed: str, duration: float, sample_rate: int, lyrics: str, style: str) -> bytes:
    return media.synthesize_song(seed, duration, sample_rate, lyrics=lyrics, style=style)


def _stems(seed: str, duration: float, lyrics: str, style: str) -> dict[str, bytes]:
    with _synthesis_lock:
        return _synthesized_stems(seed, duration, lyrics, style)


@lru_cache(maxsize=16)
def _synthesized_stems(seed: str, duration: float, lyrics: str, style: str) -> dict[str, bytes]:
    return media.synthesize_stems(seed, duration, lyrics=lyrics, style=style)


def audio(clip: Clip, lyrics: str, style: str, hq: bool = False) -> bytes:
    """The clip's WAV as its audio_url serves it (a stem clip sounds like its part)."""
    if clip.stem:
        return _stems(clip.seed, clip.duration, lyrics, style)[clip.stem]
    return _song(clip.seed, clip.duration, lyrics, style, 44100 if hq else 22050)


_mp3_lock = threading.Lock()


def _mp3(clip: Clip, lyrics: str, style: str) -> bytes:
    # A player asks with overlapping range requests too: encode once, let the others find it cached.
    with _mp3_lock:
        return _encoded_mp3(clip.seed, clip.duration, clip.stem, lyrics, style)


@lru_cache(maxsize=64)  # ~0.2–0.3 MB each at 64 kbit/s
def _encoded_mp3(seed: str, duration: float, stem: str | None, lyrics: str, style: str) -> bytes:
    sound = _stems(seed, duration, lyrics, style)[stem] if stem else _song(seed, duration, lyrics, style)
    return media.to_mp3(sound)


_video_lock = threading.Lock()


def _video(clip: Clip, lyrics: str, style: str) -> bytes:
    # A browser opens a video with several overlapping range requests; rendering once under a
    # lock lets the others wait for the cached file instead of encoding it again in parallel.
    with _video_lock:
        return _rendered_video(clip.seed, clip.title, clip.model, clip.duration, clip.stem, lyrics, style)


@lru_cache(maxsize=8)  # ~0.5–1 MB each
def _rendered_video(
    seed: str, title: str, model: str, duration: float, stem: str | None, lyrics: str, style: str
) -> bytes:
    sound = _stems(seed, duration, lyrics, style)[stem] if stem else _song(seed, duration, lyrics, style)
    return video.render_music_video(_cover(seed, title, 512, model), sound, duration)


def _cover(seed: str, title: str, size: int, model: str) -> bytes:
    with _synthesis_lock:
        return _rendered_cover(seed, title, size, model)


@lru_cache(maxsize=64)
def _rendered_cover(seed: str, title: str, size: int, model: str) -> bytes:
    return cover.render_cover(seed, title, size=size, subtitle=f"Sandbox · {model}" if model else "Sandbox")
