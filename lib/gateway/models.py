"""Normalised view of a gateway task, whatever dialect the gateway speaks.

Frozen dataclasses: cheap, picklable (safe for ``st.cache_data``) and explicit. The parser in
``lib.gateway.parser`` builds them; nothing here knows about HTTP or JSON shapes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any


class TaskStatus(str, Enum):
    NOT_START = "NOT_START"
    SUBMITTED = "SUBMITTED"
    QUEUED = "QUEUED"
    IN_PROGRESS = "IN_PROGRESS"
    SUCCESS = "SUCCESS"
    FAILURE = "FAILURE"
    UNKNOWN = "UNKNOWN"

    @property
    def is_terminal(self) -> bool:
        # UNKNOWN is terminal: Suno-API stops polling on it and the gateway never moves it on.
        return self in (TaskStatus.SUCCESS, TaskStatus.FAILURE, TaskStatus.UNKNOWN)

    def __str__(self) -> str:
        return self.value


PLATFORMS = ("suno", "udio")
# The dialects a body can be read as (docs/providers.md); "" when a body matches none of them.
PROVIDERS = ("newapi", "sunoapi", "acedata", "piapi", "suno-api")


@dataclass(frozen=True, slots=True)
class Song:
    id: str
    title: str = ""
    tags: tuple[str, ...] = ()
    lyrics: str = ""
    description: str = ""
    audio_url: str | None = None
    image_url: str | None = None
    video_url: str | None = None
    duration: float | None = None
    model: str = ""
    status: str = ""
    error: str = ""
    kind: str = ""  # Suno's metadata.type: "gen", "concat", "stem", "upload"
    # The clip this one continues (extend) or patches (replace section): such a clip is only a
    # segment, and a concat turns it and its ancestors into the full song.
    continues: str = ""
    infill: bool = False

    @property
    def is_segment(self) -> bool:
        return bool(self.continues) and self.kind not in ("concat", "stem", "upload")

    @property
    def is_streaming(self) -> bool:
        return self.status == "streaming"

    @property
    def is_complete(self) -> bool:
        return self.status == "complete"


@dataclass(frozen=True, slots=True)
class Lyrics:
    title: str = ""
    text: str = ""
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Task:
    task_id: str
    platform: str
    status: TaskStatus
    action: str = ""
    progress: int | None = None
    fail_reason: str = ""
    submitted_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    songs: tuple[Song, ...] = ()
    lyrics: Lyrics | None = None
    # The status word as the gateway spelled it, for display next to the canonical one.
    status_text: str = ""
    raw: Any = field(default=None, compare=False, repr=False)
    # Which provider's dialect the body was read as (one of PROVIDERS, or "" for none of them).
    provider: str = "newapi"

    @property
    def is_terminal(self) -> bool:
        return self.status.is_terminal

    @property
    def is_success(self) -> bool:
        return self.status is TaskStatus.SUCCESS

    @property
    def is_failure(self) -> bool:
        return self.status in (TaskStatus.FAILURE, TaskStatus.UNKNOWN)

    @property
    def is_lyrics(self) -> bool:
        return self.lyrics is not None

    @property
    def is_songless_success(self) -> bool:
        """Succeeded, yet holds neither songs nor lyrics: the gateway's answer lacks what it made
        (or is in a shape not read), which the page must say plainly rather than show nothing."""
        return self.status is TaskStatus.SUCCESS and not self.songs and self.lyrics is None

    @property
    def queue_seconds(self) -> float | None:
        if self.submitted_at and self.started_at:
            return max(0.0, (self.started_at - self.submitted_at).total_seconds())
        return None

    @property
    def generation_seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return max(0.0, (self.finished_at - self.started_at).total_seconds())
        return None


@dataclass(frozen=True, slots=True)
class AlignedWord:
    """One entry of Suno's lyric/audio timeline (``/suno/act/timing``)."""

    word: str
    start_s: float
    end_s: float
    success: bool = True
    p_align: float | None = None


@dataclass(frozen=True, slots=True)
class Timing:
    """Suno's timeline of a clip (``/suno/act/timing``): the aligned words and the loudness
    envelope (``waveform_data``: values from 0 up, evenly spread over the song; empty when the
    gateway sent none)."""

    words: tuple[AlignedWord, ...] = ()
    waveform: tuple[float, ...] = ()
