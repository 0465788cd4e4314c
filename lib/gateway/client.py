"""HTTP client for Suno/Udio music gateways (new-api, one-api and the "SunoAPI-format" family).

``GatewayClient`` is the routes: which ``lib.gateway.routes.Route`` each method calls, with which
body, and what its answer means; ``provider=`` another dialect sends each call the way that
provider's module in ``lib.gateway.providers`` says. How a call travels — timeouts, retries (never for a paid POST),
decoding and keeping the key out of everything — is ``lib.gateway.transport``'s alone.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Self
from urllib.parse import urlsplit

from lib.gateway import bodies, errors, providers
from lib.gateway import routes as r
from lib.gateway.fan_out import in_order
from lib.gateway.ids import validate_id
from lib.gateway.models import PLATFORMS, AlignedWord, Song, Task, Timing
from lib.gateway.parser import extract_persona_id, extract_task_id, parse_task, parse_task_list, parse_timing
from lib.gateway.providers import Call
from lib.gateway.routes import SUBMIT_ROUTES, Route
from lib.gateway.tool_answers import FILE_KEY, MP4_KEYS, WAV_KEYS, clips_of, find_url, unwrap_data
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
        provider: str = providers.DEFAULT,  # the API dialect it speaks (lib.gateway.providers)
    ) -> None:
        self.provider = providers.get(provider)
        # The new-api family keeps its own code paths below; every other provider goes through
        # its ``Provider`` (routes, bodies, how a task is fetched).
        self._native = self.provider.name == providers.DEFAULT
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
            auth_header=self.provider.auth.header,
            auth_prefix=self.provider.auth.prefix,
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
        extra = "" if self._native else f", provider={self.provider.name!r}"
        return f"GatewayClient({self.base_url!r}, api_key=***{extra})"

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._transport.close()

    def _call(self, route: Route, path: str | None = None, **options: Any) -> Any:
        return self._transport.call(route, path, **options)

    def _send(self, call: Call, **options: Any) -> Any:
        return self._transport.call(call.route, call.path, json=call.json, **options)

    # --- fetching ------------------------------------------------------------------------

    def fetch_task(self, task_id: str, platform: str = "suno") -> Task:
        task_id = validate_id(task_id, "task ID")
        if not self._native:
            call = self.provider.fetch_call(task_id, _platform(platform))
            return self._send(call, parse=lambda b: self.provider.read_task(b, platform, task_id))
        route = r.FETCH[_platform(platform)]
        return self._call(
            route, route.format(task_id=task_id), parse=lambda b: parse_task(b, platform, task_id=task_id)
        )

    def fetch_tasks(self, task_ids: Iterable[str], platform: str = "suno") -> dict[str, Task]:
        """Many tasks at once; IDs the gateway does not return are absent from the result."""
        ids = list(dict.fromkeys(validate_id(t, "task ID") for t in task_ids))
        if not ids:
            return {}
        if not self._native:
            return self._fetch_provider_batches(ids, platform)
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

    def _fetch_provider_batches(self, ids: list[str], platform: str) -> dict[str, Task]:
        """The provider's batch read (AceData's ``retrieve_batch``, suno-api's ``/api/get``) in
        chunks, one after another; a provider without one is read one task per call."""
        if self.provider.batch_call(ids[:1]) is None:
            return self._fetch_each(ids, platform)
        found: dict[str, Task] = {}
        ends_by = time.monotonic() + self._transport.call_budget
        for start in range(0, len(ids), self.batch_size):
            chunk = ids[start : start + self.batch_size]
            call = self.provider.batch_call(chunk)
            found.update(self._send(call, parse=lambda b, c=chunk: self.provider.read_batch(b, c), ends_by=ends_by))
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
        paid = r.submit_route(route) if self._native else self.provider.submit_routes().get(route)
        if paid is None:
            raise errors.InvalidInputError(f"{route} is not a submit route of {self.provider.name}")
        return self._submit(paid, body)

    def submit_mode(self, platform: str, mode: str, canonical: Mapping[str, Any]) -> str:
        """One paid POST of a Create mode, its body translated by the provider from the canonical
        (new-api) body ``lib.gateway.bodies`` builds. ``InvalidInputError`` for a mode it lacks."""
        route = self.provider.route_for(platform, mode, canonical)
        return self._submit(route, self.provider.body(platform, mode, canonical))

    def submit_suno_music(self, body: Mapping[str, Any]) -> str:
        return self._submit(r.SUNO_MUSIC, body)

    def _music(self, mode: str, body: Mapping[str, Any]) -> str:
        return self.submit_suno_music(body) if self._native else self.submit_mode("suno", mode, body)

    def generate(self, description: str, **options: Any) -> str:
        return self._music("inspiration", bodies.suno_inspiration(description, **options))

    def generate_custom(self, **options: Any) -> str:
        return self._music("custom", bodies.suno_custom(**options))

    def extend(self, **options: Any) -> str:
        return self._music("extend", bodies.suno_extend(**options))

    def upload_extend(self, **options: Any) -> str:
        return self._music("extend", bodies.suno_upload_extend(**options))

    def cover(self, **options: Any) -> str:
        return self._music("cover", bodies.suno_cover(**options))

    def replace_section(self, **options: Any) -> str:
        return self._music("replace", bodies.suno_replace_section(**options))

    def generate_with_persona(self, **options: Any) -> str:
        return self._music("persona_song", bodies.suno_persona_song(**options))

    def separate_stems(self, **options: Any) -> str:
        return self._music("stems", bodies.suno_stems(**options))

    def submit_lyrics(self, prompt: str, *, notify_hook: str | None = None) -> str:
        body = bodies.suno_lyrics(prompt, notify_hook=notify_hook)
        return self._submit(r.SUNO_LYRICS, body) if self._native else self.submit_mode("suno", "lyrics", body)

    def concat(self, clip_id: str, *, is_infill: bool = False) -> str:
        body = bodies.suno_concat(validate_id(clip_id, "clip ID"), is_infill=is_infill)
        return self._submit(r.SUNO_CONCAT, body) if self._native else self.submit_mode("suno", "concat", body)

    def upload_audio_url(self, url: str) -> str:
        if urlsplit(url or "").scheme not in ("http", "https"):
            raise errors.InvalidInputError("the audio to upload needs a public http(s) URL")
        return self._submit(r.SUNO_UPLOAD, {"url": url})

    def create_persona(self, **options: Any) -> str:
        """Create a persona (singer style) from a clip; returns the persona ID."""
        body = bodies.suno_persona(**options)
        return self._submit(r.SUNO_PERSONA, body) if self._native else self.submit_mode("suno", "persona_create", body)

    # --- Udio submits ----------------------------------------------------------------------

    def submit_udio_music(self, body: Mapping[str, Any]) -> str:
        if not self._native:
            mode = body.get("gen_params", {}).get("config", {}).get("mode", "regular")
            return self.submit_mode("udio", "generate" if mode == "regular" else mode, body)
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

    def wav_url(self, clip_id: str, *, task_id: str | None = None) -> str | None:
        """The WAV file's URL, or None while the gateway is still converting. A provider whose WAV
        is a task of its own (sunoapi) answers that task's ID: follow it with ``submit_tool``."""
        if not self._native:
            return find_url(self._tool("wav", clip_id, task_id), ".wav", WAV_KEYS + FILE_KEY)
        return find_url(self._act(r.SUNO_WAV, clip_id), ".wav", WAV_KEYS)

    def mp4_url(self, clip_id: str, *, task_id: str | None = None) -> str | None:
        if not self._native:
            return find_url(self._tool("mp4", clip_id, task_id), ".mp4", MP4_KEYS + FILE_KEY)
        return find_url(self._act(r.SUNO_MP4, clip_id), ".mp4", MP4_KEYS)

    def timeline(self, clip_id: str, *, task_id: str | None = None) -> Timing:
        """The clip's aligned words and waveform (reference §2.9); sunoapi needs the clip's task."""
        if not self._native:
            return self.provider.read_timing(self._tool("timing", clip_id, task_id))
        return parse_timing(self._act(r.SUNO_TIMING, clip_id))

    def timing(self, clip_id: str, *, task_id: str | None = None) -> list[AlignedWord]:
        """The aligned words alone (what an ``.lrc`` file needs)."""
        return list(self.timeline(clip_id, task_id=task_id).words)

    def request_stems(self, clip_id: str) -> list[Song]:
        """The older GET stems route: two new clips to follow with ``fetch_clips``."""
        if not self._native:
            return parse_task({"data": clips_of(self._tool("stems", clip_id))}).songs
        return parse_task({"data": clips_of(self._act(r.SUNO_STEMS, clip_id))}).songs

    def submit_tool(self, tool: str, clip_id: str, task_id: str | None = None) -> str:
        """A song tool that makes a task of its own (sunoapi's WAV, MP4, stems): one paid POST,
        answered with the new task's ID."""
        call = self.provider.tool_call(tool, clip_id, task_id)
        return self._send(call, parse=lambda b: self.provider.task_id_from(call.route, b))

    def _tool(self, tool: str, clip_id: str, task_id: str | None = None) -> Any:
        if tool in self.provider.task_tools:
            raise errors.UnsupportedRouteError(f"{self.provider.name} makes {tool} as a task: use submit_tool")
        return self._send(self.provider.tool_call(tool, clip_id, task_id))

    def midi(self, clip_id: str) -> dict[str, Any] | None:
        if not self._native:
            raise errors.UnsupportedRouteError(f"{self.provider.name} does not offer midi")
        body = unwrap_data(self._act(r.SUNO_MIDI, clip_id))
        if isinstance(body, Mapping) and str(body.get("state", "")).lower() == "complete":
            return dict(body)
        return None

    def fetch_clips(self, clip_ids: Iterable[str]) -> list[Song]:
        """Suno's v1 feed route: clips that have no task (stems made by ``request_stems``)."""
        ids = [validate_id(c, "clip ID") for c in clip_ids]
        if not self._native:  # suno-api's /api/get; others have no clips without a task
            return parse_task(self._tool("clips", ":".join(ids)), "suno", task_id=ids[0]).songs
        path = r.SUNO_FEED.format(clip_ids=ids)
        return parse_task({"data": clips_of(self._call(r.SUNO_FEED, path))}).songs

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
        if not self._native:
            return self._call(route, json=dict(body), parse=lambda b: self.provider.task_id_from(route, b))
        parse = extract_persona_id if route.path in r.NO_TASK_ROUTES else extract_task_id
        return self._call(route, json=dict(body), parse=parse)


def _suno_list(body: Any) -> list[Task]:
    return parse_task_list(body, "suno")


def _platform(platform: str) -> str:
    if platform not in PLATFORMS:
        raise errors.InvalidInputError(f"unknown platform {platform!r}: use suno or udio")
    return platform
