"""HTTP client for Suno/Udio music gateways (new-api, one-api and the "SunoAPI-format" family).

``GatewayClient`` is the routes: which ``lib.gateway.routes.Route`` each method calls, with which
body, and what its answer means. How a call travels — timeouts, retries (never for a paid POST),
decoding and keeping the key out of everything — is ``lib.gateway.transport``'s alone.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Self
from urllib.parse import urlsplit

from lib.gateway import bodies, errors
from lib.gateway import routes as r
from lib.gateway.fan_out import in_order
from lib.gateway.ids import validate_id
from lib.gateway.models import PLATFORMS, AlignedWord, Song, Task, Timing
from lib.gateway.parser import extract_persona_id, extract_task_id, parse_task, parse_task_list, parse_timing
from lib.gateway.routes import SUBMIT_ROUTES, Route
from lib.gateway.transport import Transport, normalise_base_url

__all__ = ["SUBMIT_ROUTES", "GatewayClient", "normalise_base_url"]

log = logging.getLogger(__name__)
_PROBE = "probe"  # the name a free route check (``offers``) is logged under
# Batch fetches (100 IDs each) one call keeps in flight: 1,000 IDs then cost two round trips, not
# ten, while one refresh still opens at most this many connections to a gateway that limits its
# keys' concurrency, and the pool (sized for it) never drops connections.
BATCHES_IN_FLIGHT = 8


class GatewayClient:
    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        timeout: float | tuple[float, float] = (5.0, 30.0),
        submit_timeout: float = 150.0,  # seconds a paid POST waits for its answer
        max_retries: int = 3,
        backoff: float = 0.5,
        max_backoff: float = 8.0,
        max_retry_after: float = 30.0,
        batch_size: int = 100,
        max_workers: int = 8,
        batches_in_flight: int = BATCHES_IN_FLIGHT,
        sleep: Callable[[float], None] = time.sleep,
        public_only: bool = False,  # a gateway typed in the browser: public addresses only
    ) -> None:
        self.batch_size = max(1, batch_size)
        self.max_workers = max(1, max_workers)
        self.batches_in_flight = max(1, batches_in_flight)
        self._sleep = sleep
        self._transport = Transport(
            base_url,
            api_key,
            timeout=timeout,
            submit_timeout=submit_timeout,
            max_retries=max_retries,
            backoff=backoff,
            max_backoff=max_backoff,
            max_retry_after=max_retry_after,
            pool_size=max(self.max_workers, self.batches_in_flight),
            sleep=sleep,
            public_only=public_only,
        )

    @property
    def base_url(self) -> str:
        return self._transport.base_url

    @property
    def timeout(self) -> tuple[float, float]:
        return self._transport.timeout

    @property
    def submit_timeout(self) -> float:
        return self._transport.submit_timeout

    @property
    def max_retries(self) -> int:
        return self._transport.max_retries

    @property
    def public_only(self) -> bool:
        return self._transport.public_only

    def __repr__(self) -> str:
        return f"GatewayClient({self.base_url!r}, api_key=***)"

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._transport.close()

    def _call(self, route: Route, path: str | None = None, **options: Any) -> Any:
        return self._transport.call(route, path, **options)

    # --- fetching ------------------------------------------------------------------------

    def fetch_task(self, task_id: str, platform: str = "suno") -> Task:
        task_id = validate_id(task_id, "task ID")
        route = r.FETCH[_platform(platform)]
        return self._call(
            route, route.format(task_id=task_id), parse=lambda b: parse_task(b, platform, task_id=task_id)
        )

    def fetch_tasks(self, task_ids: Iterable[str], platform: str = "suno") -> dict[str, Task]:
        """Many tasks at once; IDs the gateway does not return are absent from the result."""
        ids = list(dict.fromkeys(validate_id(t, "task ID") for t in task_ids))
        if not ids:
            return {}
        if _platform(platform) == "suno":
            try:
                return self._fetch_suno_batches(ids)
            except errors.UnsupportedRouteError:  # still answers one GET per task
                log.info("%s is not offered: fetching %d tasks one GET each", r.SUNO_BATCH_FETCH.name, len(ids))
        return self._fetch_each(ids, platform)

    def _fetch_suno_batches(self, ids: list[str]) -> dict[str, Task]:
        """Chunks of ``batch_size`` IDs, ``batches_in_flight`` at a time, all within one call's
        deadline. As when they went one by one: the first chunk (in ID order) that fails decides
        the error and nothing is returned; chunks not yet sent by then are not sent at all."""
        chunks = [ids[start : start + self.batch_size] for start in range(0, len(ids), self.batch_size)]
        ends_by = time.monotonic() + self._transport.call_budget

        def one(chunk: list[str]) -> list[Task]:
            return self._call(r.SUNO_BATCH_FETCH, json={"ids": chunk}, parse=_suno_list, ends_by=ends_by)

        answers = in_order(one, chunks, self.batches_in_flight)
        wanted, found = set(ids), {}
        for tasks in answers:
            for task in tasks:
                if task.task_id in wanted:
                    found[task.task_id] = task
        return {task_id: found[task_id] for task_id in ids if task_id in found}

    def _fetch_each(self, ids: list[str], platform: str) -> dict[str, Task]:
        def one(task_id: str) -> Task | None:
            try:
                return self.fetch_task(task_id, platform)
            except errors.NotFoundError:
                return None

        with ThreadPoolExecutor(max_workers=min(self.max_workers, len(ids))) as pool:
            results = list(pool.map(one, ids))
        return {task_id: task for task_id, task in zip(ids, results) if task is not None}

    def wait(
        self,
        task_id: str,
        platform: str = "suno",
        *,
        interval: float = 5.0,
        max_interval: float = 15.0,
        timeout: float = 20 * 60,
        on_update: Callable[[Task], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> Task:
        """Poll until the task is terminal; ``GatewayTimeoutError`` after ``timeout`` seconds."""
        deadline = clock() + timeout
        delay = interval
        while True:
            task = self.fetch_task(task_id, platform)
            if on_update:
                on_update(task)
            if task.is_terminal:
                return task
            if clock() + delay > deadline:
                log.info("task %s still %s after %.0f s: no longer waited for", task_id, task.status.value, timeout)
                raise errors.GatewayTimeoutError(
                    f"task {task_id} still {task.status.value} after {timeout:.0f} s", route=task_id
                )
            self._sleep(delay)
            delay = min(max_interval, delay * 1.25)  # new-api refreshes upstream every ~15 s

    # --- Suno submits (paid: sent once, never retried) ------------------------------------

    def submit(self, route: str, body: Mapping[str, Any]) -> str:
        """One paid POST of a previewed body to one of ``SUBMIT_ROUTES``; returns the task ID (the
        persona ID for the persona route). Never retried: a timeout raises ``OutcomeUnknownError``."""
        paid = r.submit_route(route)
        if paid is None:
            raise errors.InvalidInputError(f"{route} is not a submit route")
        return self._submit(paid, body)

    def submit_suno_music(self, body: Mapping[str, Any]) -> str:
        return self._submit(r.SUNO_MUSIC, body)

    def generate(self, description: str, **options: Any) -> str:
        return self.submit_suno_music(bodies.suno_inspiration(description, **options))

    def generate_custom(self, **options: Any) -> str:
        return self.submit_suno_music(bodies.suno_custom(**options))

    def extend(self, **options: Any) -> str:
        return self.submit_suno_music(bodies.suno_extend(**options))

    def upload_extend(self, **options: Any) -> str:
        return self.submit_suno_music(bodies.suno_upload_extend(**options))

    def cover(self, **options: Any) -> str:
        return self.submit_suno_music(bodies.suno_cover(**options))

    def replace_section(self, **options: Any) -> str:
        return self.submit_suno_music(bodies.suno_replace_section(**options))

    def generate_with_persona(self, **options: Any) -> str:
        return self.submit_suno_music(bodies.suno_persona_song(**options))

    def separate_stems(self, **options: Any) -> str:
        return self.submit_suno_music(bodies.suno_stems(**options))

    def submit_lyrics(self, prompt: str, *, notify_hook: str | None = None) -> str:
        body = bodies.suno_lyrics(prompt, notify_hook=notify_hook)
        return self._submit(r.SUNO_LYRICS, body)

    def concat(self, clip_id: str, *, is_infill: bool = False) -> str:
        body = bodies.suno_concat(validate_id(clip_id, "clip ID"), is_infill=is_infill)
        return self._submit(r.SUNO_CONCAT, body)

    def upload_audio_url(self, url: str) -> str:
        if urlsplit(url or "").scheme not in ("http", "https"):
            raise errors.InvalidInputError("the audio to upload needs a public http(s) URL")
        return self._submit(r.SUNO_UPLOAD, {"url": url})

    def create_persona(self, **options: Any) -> str:
        """Create a persona (singer style) from a clip; returns the persona ID."""
        return self._submit(r.SUNO_PERSONA, bodies.suno_persona(**options))

    # --- Udio submits ----------------------------------------------------------------------

    def submit_udio_music(self, body: Mapping[str, Any]) -> str:
        return self._submit(r.UDIO_MUSIC, body)

    def udio_generate(self, prompt: str, **options: Any) -> str:
        return self.submit_udio_music(bodies.udio_music(prompt, **options))

    def udio_continue(
        self, song_id: str, prompt: str, *, position: float = 0.4, precede: bool = False, **options: Any
    ) -> str:
        body = bodies.udio_music(
            prompt,
            mode="precede" if precede else "continuation",
            song_id=validate_id(song_id, "song ID"),
            song_section_start=position,
            **options,
        )
        return self.submit_udio_music(body)

    # --- Suno act routes (GET; the gateway converts on first call) -------------------------

    def wav_url(self, clip_id: str) -> str | None:
        """The WAV file's URL, or None while the gateway is still converting."""
        return _find_url(self._act(r.SUNO_WAV, clip_id), ".wav", ("wav_file_url", "wav_url", "url"))

    def mp4_url(self, clip_id: str) -> str | None:
        return _find_url(self._act(r.SUNO_MP4, clip_id), ".mp4", ("mp4_file_url", "video_url", "url"))

    def timeline(self, clip_id: str) -> Timing:
        """The clip's aligned words and waveform (reference §2.9)."""
        return parse_timing(self._act(r.SUNO_TIMING, clip_id))

    def timing(self, clip_id: str) -> list[AlignedWord]:
        """The aligned words alone (what an ``.lrc`` file needs)."""
        return list(self.timeline(clip_id).words)

    def request_stems(self, clip_id: str) -> list[Song]:
        """The older GET stems route: two new clips to follow with ``fetch_clips``."""
        return parse_task({"data": _clips_of(self._act(r.SUNO_STEMS, clip_id))}).songs

    def midi(self, clip_id: str) -> dict[str, Any] | None:
        body = _unwrap_data(self._act(r.SUNO_MIDI, clip_id))
        if isinstance(body, Mapping) and str(body.get("state", "")).lower() == "complete":
            return dict(body)
        return None

    def fetch_clips(self, clip_ids: Iterable[str]) -> list[Song]:
        """Suno's v1 feed route: clips that have no task (stems made by ``request_stems``)."""
        path = r.SUNO_FEED.format(clip_ids=[validate_id(c, "clip ID") for c in clip_ids])
        return parse_task({"data": _clips_of(self._call(r.SUNO_FEED, path))}).songs

    def offers(self, route: str) -> bool:
        """Whether the gateway has this GET route, asked for free: any JSON answer (even
        ``task_not_exist`` for the made-up ID in ``route``) says yes, its web page says no.
        Authentication, network and server errors propagate: they say nothing about the route."""
        try:
            self._call(Route(_PROBE, "GET", route), route, retry=False)
        except errors.UnsupportedRouteError:
            return False
        except (
            errors.AuthenticationError,
            errors.QuotaError,
            errors.GatewayConnectionError,
            errors.ServerError,
            errors.RateLimitError,
        ):
            raise
        except errors.GatewayError:
            return True
        return True

    def _act(self, route: Route, clip_id: str) -> Any:
        return self._call(route, route.format(clip_id=validate_id(clip_id, "clip ID")))

    def _submit(self, route: Route, body: Mapping[str, Any]) -> str:
        """One paid POST: sent once, never retried (the transport reads ``route.paid``). A route
        answered with its result (a persona) gives that result's ID, not a task's."""
        parse = extract_persona_id if route.path in r.NO_TASK_ROUTES else extract_task_id
        return self._call(route, json=dict(body), parse=parse)


def _suno_list(body: Any) -> list[Task]:
    return parse_task_list(body, "suno")


def _platform(platform: str) -> str:
    if platform not in PLATFORMS:
        raise errors.InvalidInputError(f"unknown platform {platform!r}: use suno or udio")
    return platform


def _unwrap_data(body: Any) -> Any:
    if isinstance(body, Mapping) and "data" in body and ("code" in body or "message" in body):
        return body["data"]
    return body


def _clips_of(body: Any) -> list[Any]:
    body = _unwrap_data(body)
    if isinstance(body, Mapping):
        body = body.get("clips", body.get("data"))
    if not isinstance(body, list):
        raise errors.ProtocolError("the gateway's answer holds no clips")
    return body


def _find_url(body: Any, suffix: str, keys: tuple[str, ...]) -> str | None:
    """Gateways disagree on where the file URL sits (reference §2.10–2.11): look everywhere."""
    stack = [body]
    while stack:
        item = stack.pop()
        if isinstance(item, Mapping):
            for key in keys:
                value = item.get(key)
                if isinstance(value, str) and value.startswith(("http://", "https://")):
                    return value
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif (
            isinstance(item, str)
            and item.startswith(("http://", "https://"))
            and urlsplit(item).path.lower().endswith(suffix)
        ):
            return item
    return None
