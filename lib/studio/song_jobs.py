"""What can be made from a finished Suno song: the WAV file, the music video, synced lyrics, stems,
the full song of an extended clip and a persona. No Streamlit here: each long-running tool is a
small job that one ``advance`` call moves on by at most one HTTP request, so the page's polling
fragment decides when to call and the tests drive time by hand.

Every job a song's tool holds has one interface (``ToolJob``): ``running`` says whether it still
needs ``advance(client, now)`` calls, ``error`` what went wrong, if anything.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from lib.gateway import bodies, routes
from lib.gateway.client import GatewayClient
from lib.gateway.errors import (
    GatewayConnectionError,
    GatewayError,
    GatewayTimeoutError,
    RateLimitError,
    ServerError,
    UnsupportedRouteError,
)
from lib.gateway.models import AlignedWord, Song, Task
from lib.library.store import Persona
from lib.studio.submit import Submission
from lib.studio.task_lookup import poll_interval

# Tool names double as capability names: a gateway either offers a tool's route or it does not.
CONVERSIONS = ("wav", "mp4")
CONVERSION_LIMIT_S = 10 * 60
TASK_LIMIT_S = 20 * 60
TYPICAL_CONVERSION_S = {"wav": 15.0, "mp4": 45.0}  # for the progress estimate only
_TRANSIENT = (GatewayConnectionError, RateLimitError, ServerError)
_MAX_TRANSIENT = 4  # failed checks in a row before a conversion gives up


def not_offered(error: BaseException) -> bool:
    """A gateway without the route answers its web page or ``invalid_action`` (reference §6.1)."""
    return isinstance(error, UnsupportedRouteError)


def conversion_delay(checks: int) -> float:
    """1 s, then 1.5× longer each time, at most 10 s: a WAV is often ready within seconds."""
    return min(10.0, 1.0 * 1.5 ** max(0, checks - 1)) if checks else 0.0


@dataclass(frozen=True)
class Conversion:
    """A WAV or MP4 the gateway makes on request: asked again until its URL shows up."""

    kind: str  # "wav" or "mp4"
    clip_id: str
    started_at: float
    checks: int = 0
    next_check_at: float = 0.0
    transient_failures: int = 0
    url: str | None = None
    error: GatewayError | None = None
    last_problem: str = ""  # a transient failure being waited out, shown under the progress bar

    @property
    def done(self) -> bool:
        return self.url is not None or self.error is not None

    @property
    def running(self) -> bool:
        return not self.done

    def advance(self, client: GatewayClient, now: float) -> Conversion:
        return advance_conversion(self, client, now)

    def progress(self, now: float) -> float:
        """An estimate (gateways report none): approaches 95 % over the typical conversion time."""
        if self.url is not None:
            return 1.0
        elapsed = max(0.0, now - self.started_at)
        return min(0.95, 1 - math.exp(-elapsed / TYPICAL_CONVERSION_S.get(self.kind, 20.0)))


def start_conversion(kind: str, clip_id: str, now: float) -> Conversion:
    if kind not in CONVERSIONS:
        raise ValueError(f"not a conversion: {kind}")
    return Conversion(kind, clip_id, started_at=now)


def advance_conversion(job: Conversion, client: GatewayClient, now: float) -> Conversion:
    """One check when one is due; the job as it stands otherwise."""
    if job.done or now < job.next_check_at:
        return job
    checks = job.checks + 1
    try:
        url = client.wav_url(job.clip_id) if job.kind == "wav" else client.mp4_url(job.clip_id)
    except _TRANSIENT as error:
        failures = job.transient_failures + 1
        if failures >= _MAX_TRANSIENT:
            return replace(job, checks=checks, error=error)
        return replace(
            job,
            checks=checks,
            transient_failures=failures,
            last_problem=str(error),
            next_check_at=now + conversion_delay(checks),
        )
    except GatewayError as error:
        return replace(job, checks=checks, error=error)
    if url:
        return replace(job, checks=checks, url=url, last_problem="")
    if now - job.started_at >= CONVERSION_LIMIT_S:
        return replace(
            job,
            checks=checks,
            error=GatewayTimeoutError(f"the gateway was still converting after {CONVERSION_LIMIT_S // 60} minutes"),
        )
    return replace(
        job, checks=checks, transient_failures=0, last_problem="", next_check_at=now + conversion_delay(checks)
    )


class _Settled:
    """A job that needs no more requests: ``advance`` leaves it as it is."""

    running = False
    error: GatewayError | None = None

    def advance(self, client: GatewayClient, now: float) -> _Settled:
        return self


@dataclass(frozen=True)
class ToolFailure(_Settled):
    """A tool's request the gateway refused (or never answered): shown until the user retries."""

    error: GatewayError


@dataclass(frozen=True)
class TimingFetched(_Settled):
    """A song's timeline as the gateway sent it: the words (the export pack reuses them) and the
    waveform (the karaoke view draws it)."""

    words: list[AlignedWord]
    waveform: tuple[float, ...] = ()


@dataclass(frozen=True)
class PersonaCreated(_Settled):
    """A persona the persona tool made from the song."""

    persona: Persona


@dataclass(frozen=True)
class FollowedTask:
    """A task a tool started (stems, full song), followed until it ends."""

    tool: str
    clip_id: str
    task_id: str
    started_at: float
    next_check_at: float = 0.0
    task: Task | None = None
    error: GatewayError | None = None

    @property
    def done(self) -> bool:
        return self.error is not None or (self.task is not None and self.task.is_terminal)

    @property
    def running(self) -> bool:
        return not self.done

    def advance(self, client: GatewayClient, now: float) -> FollowedTask:
        return advance_followed(self, client, now)


def advance_followed(job: FollowedTask, client: GatewayClient, now: float) -> FollowedTask:
    if job.done or now < job.next_check_at:
        return job
    try:
        task = client.fetch_task(job.task_id, "suno")
    except _TRANSIENT:
        return replace(job, next_check_at=now + poll_interval(now - job.started_at))
    except GatewayError as error:
        return replace(job, error=error)
    if not task.is_terminal and now - job.started_at >= TASK_LIMIT_S:
        return replace(
            job,
            task=task,
            error=GatewayTimeoutError(
                f"task {job.task_id} still {task.status.value} after {TASK_LIMIT_S // 60} minutes"
            ),
        )
    return replace(job, task=task, next_check_at=now + _follow_delay(now - job.started_at))


def _follow_delay(elapsed: float) -> float:
    # The first checks come sooner than the Task page's 5 s: a stem split is often quick.
    return 2.0 if elapsed < 20 else poll_interval(elapsed)


def stems_submission(song: Song, task: Task) -> Submission:
    body = bodies.suno_stems(clip_id=song.id, title=song.title, task_id=task.task_id or None)
    return Submission("suno", "stems", routes.SUNO_MUSIC.path, body)


def full_song_submission(song: Song) -> Submission:
    return Submission("suno", "concat", routes.SUNO_CONCAT.path, bodies.suno_concat(song.id, is_infill=song.infill))


def persona_submission(song: Song, name: str, description: str = "", is_public: bool = True) -> Submission:
    body = bodies.suno_persona(
        root_clip_id=song.id, name=name.strip(), description=description.strip(), is_public=is_public
    )
    return Submission("suno", "persona_create", routes.SUNO_PERSONA.path, body)


def tools_for(song: Song, task: Task) -> tuple[str, ...]:
    """Tools that apply to this song: Suno only, finished clips only; the full song only for a
    segment (an extend or a replaced section), stems and personas not for stems themselves."""
    if task.platform != "suno" or not task.is_success or not song.id or song.is_streaming:
        return ()
    tools = ["wav", "mp4"]
    if song.lyrics.strip():
        tools.append("timing")
    if song.kind != "stem":
        tools.append("stems")
    if song.is_segment:
        tools.append("full_song")
    if song.kind not in ("stem", "upload"):
        tools.append("persona")
    return tuple(tools)


ToolJob = Conversion | FollowedTask | ToolFailure | TimingFetched | PersonaCreated
