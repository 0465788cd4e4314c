"""The two clip tools that answer without a task: MIDI (``GET /suno/act/midi/{clip_id}``, asked
again until the gateway has the notes) and the older stems route (``GET /suno/act/stems/{clip_id}``,
which answers two new clips at once; those are then read with the feed route until they play).

Like ``lib.studio.song_jobs``' jobs, each ``advance(client, now)`` makes at most one request, when
its own back-off says so; no Streamlit here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from lib.gateway import providers, routes
from lib.gateway.client import GatewayClient
from lib.gateway.errors import GatewayConnectionError, GatewayError, GatewayTimeoutError, RateLimitError, ServerError
from lib.gateway.models import Song
from lib.studio.midi_file import Instrument, read_instruments
from lib.studio.song_jobs import CONVERSION_LIMIT_S, TASK_LIMIT_S, conversion_delay
from lib.studio.submit import Submission

MIDI, STEMS_V1 = "midi", "stems_v1"  # tool (and capability) names
_CLIP_TOOL = {MIDI: "midi", STEMS_V1: "stems"}  # -> the provider's tool of that name
_TRANSIENT = (GatewayConnectionError, RateLimitError, ServerError)
_MAX_TRANSIENT = 4


def offered_by(provider: str, tool: str) -> bool:
    """Whether a provider has this clip tool as a GET that answers at once (the new-api family's
    ``/suno/act/…``): another provider's stems are a paid POST of its own, never sent from here.
    Any other tool name: True (not this module's)."""
    if tool not in _CLIP_TOOL:
        return True
    route = providers.get(provider).tools.get(_CLIP_TOOL[tool])
    return route is not None and route.method == "GET"


@dataclass(frozen=True)
class MidiJob:
    """A clip's MIDI: asked for until the gateway answers ``state: complete`` with notes."""

    clip_id: str
    started_at: float
    checks: int = 0
    next_check_at: float = 0.0
    transient_failures: int = 0
    instruments: tuple[Instrument, ...] | None = None
    error: GatewayError | None = None

    @property
    def running(self) -> bool:
        return self.instruments is None and self.error is None

    def advance(self, client: GatewayClient, now: float) -> MidiJob:
        if not self.running or now < self.next_check_at:
            return self
        checks = self.checks + 1
        try:
            answer = client.midi(self.clip_id)
        except _TRANSIENT as error:
            failures = self.transient_failures + 1
            if failures >= _MAX_TRANSIENT:
                return replace(self, checks=checks, error=error)
            return replace(
                self, checks=checks, transient_failures=failures, next_check_at=now + conversion_delay(checks)
            )
        except GatewayError as error:
            return replace(self, checks=checks, error=error)
        if answer is not None:
            instruments = read_instruments(answer)
            if not instruments:
                return replace(self, checks=checks, error=GatewayError("the gateway's MIDI holds no notes"))
            return replace(self, checks=checks, instruments=instruments)
        if now - self.started_at >= CONVERSION_LIMIT_S:
            limit = CONVERSION_LIMIT_S // 60
            return replace(self, checks=checks, error=GatewayTimeoutError(f"no MIDI after {limit} minutes"))
        return replace(self, checks=checks, transient_failures=0, next_check_at=now + conversion_delay(checks))


def older_stems_submission(song: Song) -> Submission:
    """The older stems route as a request to confirm: a GET with no body, that makes two clips
    (which a gateway may bill)."""
    return Submission("suno", STEMS_V1, routes.SUNO_STEMS.format(clip_id=song.id), {}, method="GET")


@dataclass(frozen=True)
class StemClips:
    """The clips the older stems route answered, read with the feed route until each is complete
    (or one failed)."""

    clip_id: str  # the song they were split from
    clip_ids: tuple[str, ...]
    started_at: float
    songs: tuple[Song, ...] = ()
    next_check_at: float = 0.0
    error: GatewayError | None = None

    @property
    def done(self) -> bool:
        return self.error is not None or (
            len(self.songs) == len(self.clip_ids) and all(s.is_complete or s.error for s in self.songs)
        )

    @property
    def running(self) -> bool:
        return not self.done

    def advance(self, client: GatewayClient, now: float) -> StemClips:
        if self.done or now < self.next_check_at:
            return self
        elapsed = now - self.started_at
        try:
            songs = tuple(client.fetch_clips(self.clip_ids))
        except _TRANSIENT:
            return replace(self, next_check_at=now + _delay(elapsed))
        except GatewayError as error:
            return replace(self, error=error)
        job = replace(self, songs=songs, next_check_at=now + _delay(elapsed))
        if job.running and elapsed >= TASK_LIMIT_S:
            return replace(
                job, error=GatewayTimeoutError(f"the stems were not ready after {TASK_LIMIT_S // 60} minutes")
            )
        return job


def started_stems(song: Song, parts: list[Song], now: float) -> StemClips:
    return StemClips(song.id, tuple(part.id for part in parts), now, songs=tuple(parts))


def _delay(elapsed: float) -> float:
    return 2.0 if elapsed < 30 else 5.0
