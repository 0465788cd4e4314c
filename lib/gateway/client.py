"""HTTP client for Suno/Udio music gateways (new-api, one-api and the "SunoAPI-format" family).

Rules that shape it (reference §6.4, DEVELOPERS.md):
- the key travels only in the ``Authorization`` header and is scrubbed from anything kept;
- reads (GETs and the free batch fetch) retry on connection errors, 429 and 5xx with capped,
  jittered backoff that honours ``Retry-After``; a paid POST is sent exactly once, and a timeout
  after sending it (or a 2xx answer that cannot be read) raises ``OutcomeUnknownError`` instead
  of guessing;
- every call has (connect, read) timeouts and a cap on the body size.
"""
from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import quote, urlsplit

import requests

from lib.gateway import bodies
from lib.gateway import errors
from lib.gateway.error_mapping import error_from_body
from lib.gateway.ids import validate_id
from lib.gateway.models import PLATFORMS, AlignedWord, Song, Task
from lib.gateway.parser import extract_task_id, parse_task, parse_task_list

USER_AGENT = "MusicTaskStudio/0.1 (+https://github.com/)"
MAX_BODY_BYTES = 20 * 1024 * 1024
_RETRYABLE = (errors.GatewayConnectionError, errors.RateLimitError, errors.ServerError)


SUBMIT_ROUTES = frozenset({"/suno/submit/music", "/suno/submit/lyrics", "/suno/submit/concat",
                           "/suno/uploads/audio-url", "/suno/persona/create/", "/udio/submit/music"})


def normalise_base_url(base_url: str) -> str:
    url = (base_url or "").strip().rstrip("/")
    if url.lower().endswith("/v1"):
        url = url[:-3].rstrip("/")  # music routes hang off the origin, not /v1 (reference §1.2)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise errors.InvalidInputError(f"not an http(s) gateway address: {base_url!r}")
    return url


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
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = normalise_base_url(base_url)
        self.timeout = timeout if isinstance(timeout, tuple) else (min(timeout, 10.0), timeout)
        # Paid POSTs wait longer: Suno-API answers a lyrics submit only when the lyrics are done
        # (up to ~2 min), and giving up early turns a success into "outcome unknown".
        self.submit_timeout = submit_timeout
        self.max_retries = max(0, int(max_retries))
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.max_retry_after = max_retry_after
        self.batch_size = max(1, batch_size)
        self.max_workers = max(1, max_workers)
        self._sleep = sleep
        key = (api_key or "").strip()
        if key[:7].lower() == "bearer ":
            key = key[7:].strip()  # a pasted "Bearer sk-…": keep the bare key so _scrub finds it
        self._key = key
        self._session = requests.Session()
        adapter = requests.adapters.HTTPAdapter(pool_maxsize=max(10, self.max_workers))
        self._session.mount("http://", adapter)
        self._session.mount("https://", adapter)
        self._session.headers.update({"Accept": "application/json", "User-Agent": USER_AGENT})
        if self._key:
            self._session.headers["Authorization"] = f"Bearer {self._key}"

    def __repr__(self) -> str:
        return f"GatewayClient({self.base_url!r}, api_key=***)"

    def __enter__(self) -> GatewayClient:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        self._session.close()

    # --- fetching ------------------------------------------------------------------------

    def fetch_task(self, task_id: str, platform: str = "suno") -> Task:
        task_id = validate_id(task_id, "task ID")
        route = f"/{_platform(platform)}/fetch/{quote(task_id, safe='')}"
        return self._call("GET", route, parse=lambda b: parse_task(b, platform, task_id=task_id))

    def fetch_tasks(self, task_ids: Iterable[str], platform: str = "suno") -> dict[str, Task]:
        """Many tasks at once; IDs the gateway does not return are absent from the result."""
        ids = list(dict.fromkeys(validate_id(t, "task ID") for t in task_ids))
        if not ids:
            return {}
        if _platform(platform) == "suno":
            try:
                return self._fetch_suno_batches(ids)
            except errors.UnsupportedRouteError:
                pass  # a gateway without the batch route still answers one GET per task
        return self._fetch_each(ids, platform)

    def _fetch_suno_batches(self, ids: list[str]) -> dict[str, Task]:
        wanted, found = set(ids), {}
        for start in range(0, len(ids), self.batch_size):
            chunk = ids[start:start + self.batch_size]
            tasks = self._call("POST", "/suno/fetch", json={"ids": chunk}, retry=True,
                               parse=lambda b: parse_task_list(b, "suno"))
            for task in tasks:
                if task.task_id in wanted:
                    found[task.task_id] = task
        return found

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
                raise errors.GatewayTimeoutError(
                    f"task {task_id} still {task.status.value} after {timeout:.0f} s", route=task_id)
            self._sleep(delay)
            delay = min(max_interval, delay * 1.25)  # new-api refreshes upstream every ~15 s

    # --- Suno submits (paid: sent once, never retried) ------------------------------------

    def submit(self, route: str, body: Mapping[str, Any]) -> str:
        """One paid POST of a previewed body to one of ``SUBMIT_ROUTES``; returns the task ID (the
        persona ID for the persona route). Never retried: a timeout raises ``OutcomeUnknownError``."""
        if route not in SUBMIT_ROUTES:
            raise errors.InvalidInputError(f"{route} is not a submit route")
        return self._call("POST", route, json=dict(body), paid=True, parse=extract_task_id)

    def submit_suno_music(self, body: Mapping[str, Any]) -> str:
        return self._call("POST", "/suno/submit/music", json=dict(body), paid=True,
                          parse=extract_task_id)

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
        return self._call("POST", "/suno/submit/lyrics", json=body, paid=True, parse=extract_task_id)

    def concat(self, clip_id: str, *, is_infill: bool = False) -> str:
        body = bodies.suno_concat(validate_id(clip_id, "clip ID"), is_infill=is_infill)
        return self._call("POST", "/suno/submit/concat", json=body, paid=True, parse=extract_task_id)

    def upload_audio_url(self, url: str) -> str:
        if not urlsplit(url or "").scheme in ("http", "https"):
            raise errors.InvalidInputError("the audio to upload needs a public http(s) URL")
        return self._call("POST", "/suno/uploads/audio-url", json={"url": url}, paid=True,
                          parse=extract_task_id)

    def create_persona(self, **options: Any) -> str:
        """Create a persona (singer style) from a clip; returns the persona ID."""
        return self._call("POST", "/suno/persona/create/", json=bodies.suno_persona(**options),
                          paid=True, parse=extract_task_id)

    # --- Udio submits ----------------------------------------------------------------------

    def submit_udio_music(self, body: Mapping[str, Any]) -> str:
        return self._call("POST", "/udio/submit/music", json=dict(body), paid=True,
                          parse=extract_task_id)

    def udio_generate(self, prompt: str, **options: Any) -> str:
        return self.submit_udio_music(bodies.udio_music(prompt, **options))

    def udio_continue(self, song_id: str, prompt: str, *, position: float = 0.4,
                      precede: bool = False, **options: Any) -> str:
        body = bodies.udio_music(prompt, mode="precede" if precede else "continuation",
                                 song_id=validate_id(song_id, "song ID"),
                                 song_section_start=position, **options)
        return self.submit_udio_music(body)

    # --- Suno act routes (GET; the gateway converts on first call) -------------------------

    def wav_url(self, clip_id: str) -> str | None:
        """The WAV file's URL, or None while the gateway is still converting."""
        return _find_url(self._act("wav", clip_id), ".wav", ("wav_file_url", "wav_url", "url"))

    def mp4_url(self, clip_id: str) -> str | None:
        return _find_url(self._act("mp4", clip_id), ".mp4", ("mp4_file_url", "video_url", "url"))

    def timing(self, clip_id: str) -> list[AlignedWord]:
        body = _unwrap_data(self._act("timing", clip_id))
        words = body.get("aligned_words") if isinstance(body, Mapping) else None
        if not isinstance(words, list):
            raise errors.ProtocolError("the gateway's timing answer has no aligned_words")
        return [AlignedWord(word=str(w.get("word", "")), start_s=float(w.get("start_s") or 0),
                            end_s=float(w.get("end_s") or 0), success=bool(w.get("success", True)),
                            p_align=w.get("p_align"))
                for w in words if isinstance(w, Mapping)]

    def request_stems(self, clip_id: str) -> list[Song]:
        """The older GET stems route: two new clips to follow with ``fetch_clips``."""
        return parse_task({"data": _clips_of(self._act("stems", clip_id))}).songs

    def midi(self, clip_id: str) -> dict[str, Any] | None:
        body = _unwrap_data(self._act("midi", clip_id))
        if isinstance(body, Mapping) and str(body.get("state", "")).lower() == "complete":
            return dict(body)
        return None

    def fetch_clips(self, clip_ids: Iterable[str]) -> list[Song]:
        """Suno's v1 feed route: clips that have no task (stems made by ``request_stems``)."""
        joined = ",".join(quote(validate_id(c, "clip ID"), safe="") for c in clip_ids)
        return parse_task({"data": _clips_of(self._call("GET", f"/suno/feed/{joined}"))}).songs

    def offers(self, route: str) -> bool:
        """Whether the gateway has this GET route, asked for free: any JSON answer (even
        ``task_not_exist`` for the made-up ID in ``route``) says yes, its web page says no.
        Authentication, network and server errors propagate: they say nothing about the route."""
        try:
            self._call("GET", route, retry=False)
        except errors.UnsupportedRouteError:
            return False
        except (errors.AuthenticationError, errors.QuotaError, errors.GatewayConnectionError,
                errors.ServerError, errors.RateLimitError):
            raise
        except errors.GatewayError:
            return True
        return True

    def _act(self, action: str, clip_id: str) -> Any:
        return self._call("GET", f"/suno/act/{action}/{quote(validate_id(clip_id, 'clip ID'), safe='')}")

    # --- transport -------------------------------------------------------------------------

    def _call(self, method: str, route: str, *, json: Any = None, paid: bool = False,
              retry: bool | None = None, parse: Callable[[Any], Any] | None = None) -> Any:
        """One API call (with retries for reads); ``parse`` turns the body into the result, and
        an error it raises keeps the answer's HTTP status, request id and route."""
        retry = (method == "GET") if retry is None else retry
        attempt = 0
        while True:
            try:
                body, status, request_id = self._exchange(method, route, json, paid)
                break
            except _RETRYABLE as error:
                if paid or not retry or isinstance(error, errors.OutcomeUnknownError):
                    raise
                delay = self._retry_delay(attempt, error)
                if attempt >= self.max_retries or delay is None:
                    raise
            except errors.ProtocolError as error:  # an answer that is not JSON, or too large
                error.route = error.route or route
                raise (_unread_success(error) if paid else error) from None
            attempt += 1
            self._sleep(delay)
        if parse is None:
            return body
        try:
            return parse(body)
        except errors.GatewayError as error:
            error.status = status if error.status is None else error.status
            error.request_id = error.request_id or request_id
            error.route = error.route or route
            error.args = (str(error),)
            raise (_unread_success(error) if paid else error) from None

    def _retry_delay(self, attempt: int, error: errors.GatewayError) -> float | None:
        retry_after = getattr(error, "retry_after", None)
        if retry_after is not None:
            return retry_after if retry_after <= self.max_retry_after else None
        delay = min(self.max_backoff, self.backoff * 2 ** attempt)
        return delay * random.uniform(0.75, 1.0)

    def _exchange(self, method: str, route: str, payload: Any,
                  paid: bool) -> tuple[Any, int, str | None]:
        url = self.base_url + route
        try:
            timeout = (self.timeout[0], self.submit_timeout) if paid else self.timeout
            response = self._session.request(method, url, json=payload, timeout=timeout,
                                             stream=True, allow_redirects=not paid)
            try:
                content = _read_capped(response)
            finally:
                response.close()
        except requests.ConnectTimeout:
            raise errors.GatewayTimeoutError(
                f"could not connect to {self._host} within {self.timeout[0]:g} s", route=route) from None
        except (requests.ReadTimeout, requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
            reached = not _never_connected(exc)
            if paid and reached:
                raise errors.OutcomeUnknownError(
                    f"no answer from {self._host} after the request was sent: it may have been "
                    "accepted", route=route) from None
            cls = errors.GatewayTimeoutError if isinstance(exc, requests.ReadTimeout) else errors.GatewayConnectionError
            raise cls(f"{_describe(exc)} ({self._host})", route=route) from None
        except requests.RequestException as exc:
            raise errors.GatewayConnectionError(f"{_describe(exc)} ({self._host})", route=route) from None
        body = self._decode(response, content, route)
        return body, response.status_code, _request_id(response)

    def _decode(self, response: requests.Response, content: bytes, route: str) -> Any:
        text = self._scrub(content.decode(response.encoding or "utf-8", errors="replace"))
        request_id = _request_id(response)
        content_type = response.headers.get("Content-Type", "").lower()
        looks_html = "html" in content_type or text.lstrip()[:15].lower().startswith(("<!doctype", "<html"))
        try:
            body = json.loads(text) if text.strip() else None
        except (ValueError, RecursionError):  # nested past Python's limit is unreadable too
            body = None
        status = response.status_code
        if looks_html and body is None and (status < 400 or status in (404, 405)):
            raise errors.UnsupportedRouteError(
                "the gateway answered a web page instead of JSON: it does not offer this route",
                status=status, request_id=request_id, body=text[:2000], route=route)
        error = error_from_body(status, body, request_id=request_id, route=route,
                                text=text[:2000], retry_after=_retry_after(response))
        if error is not None:
            raise error
        if body is None:
            raise errors.ProtocolError("the gateway's answer is not readable JSON", status=status,
                                       request_id=request_id, body=text[:2000], route=route)
        return body

    def _scrub(self, text: str) -> str:
        """The key out of an answer's text, also as JSON spells it (a key with a quote or a
        backslash is written escaped; some gateways escape "/" too)."""
        if len(self._key) < 4:
            return text
        escaped = json.dumps(self._key)[1:-1]
        for form in {self._key, escaped, escaped.replace("/", "\\/"), self._key.replace("/", "\\/")}:
            text = text.replace(form, "***")
        return text

    @property
    def _host(self) -> str:
        return urlsplit(self.base_url).netloc


def _unread_success(error: errors.GatewayError) -> errors.GatewayError:
    """What an unreadable answer to a paid POST means. A 2xx whose body is cut off, too large or
    without a task ID came from a gateway that accepted the request, and may have billed it: calling
    that a refusal would invite a second, paid submit, so it is an unknown outcome instead."""
    if not isinstance(error, errors.ProtocolError) or error.status is None or not 200 <= error.status < 300:
        return error
    return errors.OutcomeUnknownError(
        f"the gateway answered HTTP {error.status}, but its answer could not be read "
        f"({error.gateway_message}): the request may have been accepted",
        status=error.status, code=error.code, request_id=error.request_id, body=error.body, route=error.route)


def _platform(platform: str) -> str:
    if platform not in PLATFORMS:
        raise errors.InvalidInputError(f"unknown platform {platform!r}: use suno or udio")
    return platform


def _read_capped(response: requests.Response) -> bytes:
    chunks, size = [], 0
    for chunk in response.iter_content(64 * 1024):
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise errors.ProtocolError(
                f"the gateway's answer is larger than {MAX_BODY_BYTES // 2**20} MB",
                status=response.status_code, request_id=_request_id(response))
        chunks.append(chunk)
    return b"".join(chunks)


def _request_id(response: requests.Response) -> str | None:
    return response.headers.get("X-Oneapi-Request-Id") or response.headers.get("X-Request-Id")


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def _never_connected(exc: Exception) -> bool:
    text = repr(exc)
    return any(s in text for s in ("NewConnectionError", "NameResolutionError", "Connection refused",
                                   "ConnectTimeout", "Failed to resolve", "SSLError"))


def _describe(exc: Exception) -> str:
    text = repr(exc)
    for needle, words in (("Connection refused", "connection refused"),
                          ("NameResolution", "host name could not be resolved"),
                          ("Failed to resolve", "host name could not be resolved"),
                          ("SSL", "TLS handshake failed"),
                          ("ReadTimeout", "no answer in time"),
                          ("Read timed out", "no answer in time"),
                          ("RemoteDisconnected", "the gateway closed the connection"),
                          ("reset by peer", "the gateway closed the connection"),
                          ("IncompleteRead", "the answer was cut off"),
                          ("InvalidChunkLength", "the answer was cut off")):
        if needle in text:
            return words
    return "network error"


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
        elif isinstance(item, str) and item.startswith(("http://", "https://")) \
                and urlsplit(item).path.lower().endswith(suffix):
            return item
    return None
