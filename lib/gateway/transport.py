"""HTTP transport for the gateway client: the one place that decides deadlines, retries, redirects,
how an answer is decoded and how the API key is kept out of everything.

Rules (reference §6.4, DEVELOPERS.md):
- the key travels only in its provider's auth header (``Authorization: Bearer`` or ``x-api-key``),
  and only to the gateway's own server (scheme, host and port; an http→https upgrade on the same
  host keeps it); every spelling of it
  (plain, JSON-escaped, ``\\u``-escaped, percent-encoded, base64) is scrubbed from answers, errors
  and log records (the spellings and the scrubbing live in ``lib.gateway.key_scrub``);
- free calls (GETs and the batch fetch POST) retry on connection errors, 429 and 5xx with capped,
  jittered backoff that honours ``Retry-After``; a paid POST (``Route.paid``) is sent exactly once,
  and a timeout after sending it (or a 2xx answer that cannot be read) raises
  ``OutcomeUnknownError`` instead of guessing;
- every attempt has an overall deadline covering connect, redirects and the whole body — the read
  timeout for a free call, ``submit_timeout`` for a paid POST — besides (connect, read) timeouts
  per wait and a body cap (``lib.gateway.guarded_http`` enforces it, also against a gateway that
  drips bytes). A free attempt that ran out its deadline while the answer was still arriving
  raises ``DeadlineError`` and is not retried; a silent one (read timeout) is, but only while
  another attempt fits in the call's own deadline (``call_budget``: twice the read timeout, at
  least 10 s, or sooner when a batch shares one deadline among its chunks: ``ends_by``), so a
  whole free call is bounded too. A paid POST whose deadline passes after it was sent is
  ``OutcomeUnknownError``. Name resolution is the system resolver's and not bounded here;
- redirects are followed here, one hop at a time (at most ``MAX_REDIRECTS``, free calls only),
  each target checked: http(s) only, never into loopback or a private network on another
  server, and with ``public_only`` (a gateway typed in the browser) never to any address that is
  not public (``lib.gateway.addresses``), checked before each request and pinned at connect.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests

from lib.gateway import errors
from lib.gateway.addresses import base_url_extras, check_public_url, is_http_url, is_public_url, origin
from lib.gateway.error_mapping import error_from_body, error_from_exception, retry_after_header, unread_success
from lib.gateway.guarded_http import Deadline, DeadlineExceeded, GuardedAdapter, read_body
from lib.gateway.key_scrub import KeyScrubber, bare_key
from lib.gateway.routes import Route

log = logging.getLogger(__name__)

USER_AGENT = "MusicTaskStudio/0.1 (+https://github.com/)"
MAX_BODY_BYTES = 20 * 1024 * 1024
RETRYABLE = (errors.GatewayConnectionError, errors.RateLimitError, errors.ServerError)
MAX_REDIRECTS = 3
_REDIRECTS = (301, 302, 303, 307, 308)


def normalise_base_url(base_url: str) -> str:
    url = (base_url or "").strip().rstrip("/")
    if url.lower().endswith("/v1"):
        url = url[:-3].rstrip("/")  # music routes hang off the origin, not /v1 (reference §1.2)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise errors.InvalidInputError(f"not an http(s) gateway address: {base_url!r}")
    extras = base_url_extras(url)
    if extras:  # the app appends its routes: "…?x=" or "…#" would swallow them, "user@" hide the host
        raise errors.InvalidInputError(
            f"a gateway's base URL cannot carry {extras}: give the address only, e.g. https://api.example.com"
        )
    return url


class Transport:
    """A pooled session to one gateway. ``call`` sends one route, with the retry rule above."""

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
        pool_size: int = 10,
        sleep: Callable[[float], None] = time.sleep,
        public_only: bool = False,  # a gateway typed in the browser: public addresses only
        auth_header: str | None = "Authorization",  # None: the provider takes no key (suno-api)
        auth_prefix: str = "Bearer ",
    ) -> None:
        self.base_url = normalise_base_url(base_url)
        self.public_only = public_only
        self._origin = origin(self.base_url)
        self.timeout = timeout if isinstance(timeout, tuple) else (min(timeout, 10.0), timeout)
        # Paid POSTs wait longer: Suno-API answers a lyrics submit only when the lyrics are done
        # (up to ~2 min), and giving up early turns a success into "outcome unknown".
        self.submit_timeout = submit_timeout
        # A free call's retries all end within this (the pages' spinner is bounded, not just each
        # wait): twice the read timeout, at least 10 s so quick failures keep their retries.
        self.call_budget = max(10.0, 2 * self.timeout[1])
        self.max_retries = max(0, int(max_retries))
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.max_retry_after = max_retry_after
        self.sleep = sleep
        key = bare_key(api_key)
        if any(not " " < char < "\x7f" for char in key):
            # A header cannot carry it (http.client would raise UnicodeEncodeError, not a gateway
            # error) and no gateway issues such keys: a paste went wrong. Never quoted back.
            raise errors.InvalidInputError("the API key holds spaces, line breaks or non-ASCII characters")
        self.scrub = KeyScrubber(key)
        self._session = requests.Session()
        adapter = GuardedAdapter(public_only=public_only, pool_maxsize=max(10, pool_size))
        self._session.mount("http://", adapter)
        self._session.mount("https://", adapter)
        self._session.headers.update({"Accept": "application/json", "User-Agent": USER_AGENT})
        # Not a session header: each request decides whether its server may see the key.
        self._auth = {auth_header: auth_prefix + key} if key and auth_header else None

    def close(self) -> None:
        self._session.close()

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).netloc

    def call(
        self,
        route: Route,
        path: str | None = None,
        *,
        json: Any = None,
        retry: bool | None = None,
        parse: Callable[[Any], Any] | None = None,
        ends_by: float | None = None,
    ) -> Any:
        """One call of ``route`` (at ``path``, its filled template); ``parse`` turns the body into
        the result, and an error it raises keeps the answer's HTTP status, request id and path.
        Free routes retry unless ``retry=False``; a paid route never does. ``ends_by``
        (``time.monotonic``) ends a free call sooner than its own budget: calls that make up one
        larger call (a batch's chunks) share that call's deadline."""
        path = route.path if path is None else path
        retry = not route.paid and (True if retry is None else retry)
        attempt, started = 0, time.monotonic()
        end = started + self.call_budget if ends_by is None else min(ends_by, started + self.call_budget)
        while True:
            self._log(logging.DEBUG, "%s %s [%s] attempt %d", route.method, path, route.name, attempt + 1)
            try:
                body, status, request_id = self._exchange(route, path, json, end)
                break
            except RETRYABLE as error:
                delay = self._retry_delay(route, path, attempt, error, retry, end)
                if delay is None:
                    raise
            except errors.ProtocolError as error:  # an answer that is not JSON, or too large
                error.route = error.route or path
                error = unread_success(error) if route.paid else error
                self._failed(route, path, attempt, error, "an unreadable answer is not retried")
                raise error from None
            except errors.GatewayError as error:
                self._failed(route, path, attempt, error, "the gateway's answer is final")
                raise
            attempt += 1
            self.sleep(delay)
        self._log(logging.DEBUG, "%s %s [%s] answered HTTP %d", route.method, path, route.name, status)
        if parse is None:
            return body
        try:
            return parse(body)
        except errors.GatewayError as error:
            error.status = status if error.status is None else error.status
            error.request_id = error.request_id or request_id
            error.route = error.route or path
            error.args = (str(error),)
            error = unread_success(error) if route.paid else error
            self._failed(route, path, attempt, error, "an unreadable answer is not retried")
            raise error from None

    # --- retries ---------------------------------------------------------------------------

    def _retry_delay(
        self, route: Route, path: str, attempt: int, error: errors.GatewayError, retry: bool, end: float
    ) -> float | None:
        """The pause before the next attempt, or None (logged with why) when there is none."""
        if route.paid:
            why = "a paid request is sent once and never retried automatically"
        elif isinstance(error, errors.OutcomeUnknownError):
            why = "its outcome is unknown"
        elif isinstance(error, errors.DeadlineError):
            why = "it used its whole deadline; another attempt would take as long"
        elif not retry:
            why = "this call does not retry"
        else:
            delay = self._backoff(attempt, error)
            retry_after = getattr(error, "retry_after", None)
            if attempt >= self.max_retries:
                why = f"all {self.max_retries} retries used"
            elif delay is None:
                why = f"Retry-After {retry_after:g} s is over the {self.max_retry_after:g} s cap"
            elif time.monotonic() + delay + self.timeout[1] > end:
                why = "another attempt could end past the call's deadline"
            else:
                self._log(
                    logging.INFO,
                    "%s %s [%s] attempt %d of %d failed (%s: %s); retrying in %.2f s%s",
                    route.method,
                    path,
                    route.name,
                    attempt + 1,
                    self.max_retries + 1,
                    type(error).__name__,
                    error,
                    delay,
                    " (Retry-After)" if retry_after is not None else "",
                )
                return delay
        self._failed(route, path, attempt, error, why)
        return None

    def _backoff(self, attempt: int, error: errors.GatewayError) -> float | None:
        retry_after = getattr(error, "retry_after", None)
        if retry_after is not None:
            return retry_after if retry_after <= self.max_retry_after else None
        delay = min(self.max_backoff, self.backoff * 2**attempt)
        return delay * random.uniform(0.75, 1.0)

    def _failed(self, route: Route, path: str, attempt: int, error: errors.GatewayError, why: str) -> None:
        self._log(
            logging.INFO,
            "%s %s [%s] attempt %d failed (%s: %s); not retried: %s",
            route.method,
            path,
            route.name,
            attempt + 1,
            type(error).__name__,
            error,
            why,
        )

    def _log(self, level: int, message: str, *args: Any) -> None:
        """Logs the formatted, scrubbed text only (no headers, no key in any spelling)."""
        if log.isEnabledFor(level):
            log.log(level, "%s", self.scrub(message % args))

    # --- one exchange ----------------------------------------------------------------------

    def _exchange(self, route: Route, path: str, payload: Any, end: float) -> tuple[Any, int, str | None]:
        """One attempt; a free one also ends by ``end``, the whole call's deadline."""
        paid = route.paid
        seconds = self.submit_timeout if paid else min(self.timeout[1], end - time.monotonic())
        if seconds <= 0:  # a chunk of a batch whose shared deadline passed before its turn came
            raise errors.DeadlineError(
                f"no answer in time: the call's deadline passed before this request was sent ({self.host})", route=path
            )
        deadline = Deadline(seconds)
        try:
            with deadline.active():
                response = self._send(route.method, self.base_url + path, payload, deadline, paid)
                try:
                    content = read_body(response, deadline, MAX_BODY_BYTES, lambda: _too_large(response))
                finally:
                    response.close()
        except (requests.RequestException, DeadlineExceeded) as exc:
            raise error_from_exception(
                exc,
                host=self.host,
                route=path,
                paid=paid,
                connect_timeout=self.timeout[0],
                deadline_s=deadline.seconds,
                deadline_passed=deadline.expired,
            ) from None
        body = self._decode(response, content, path)
        return body, response.status_code, _request_id(response)

    def _send(self, method: str, url: str, payload: Any, deadline: Deadline, paid: bool) -> requests.Response:
        """The answer's response, headers read and body not yet; redirects followed one hop at a
        time (never for a paid POST: a new target is a new, unvetted place to send money to)."""
        for _ in range(MAX_REDIRECTS + 1):
            if self.public_only:
                check_public_url(url)  # again per hop and attempt: a name can change its address
            remaining = deadline.remaining()
            if remaining <= 0:
                raise DeadlineExceeded()
            wait = self.submit_timeout if paid else self.timeout[1]
            same_server = _same_server(self._origin, origin(url))
            response = self._session.request(
                method,
                url,
                json=payload,
                headers=self._auth if same_server else None,
                timeout=(min(self.timeout[0], remaining), min(wait, remaining)),
                stream=True,
                allow_redirects=False,
            )
            location = (response.headers.get("Location") or "").strip()
            if paid or response.status_code not in _REDIRECTS or not location:
                return response
            response.close()
            target = urljoin(url, location)
            self._check_redirect(url, target)
            if response.status_code == 303 or (response.status_code in (301, 302) and method == "POST"):
                method, payload = "GET", None  # as browsers and requests do
            url = target
        raise errors.ProtocolError(f"the gateway redirected more than {MAX_REDIRECTS} times")

    def _check_redirect(self, url: str, target: str) -> None:
        if not is_http_url(target):
            raise errors.ProtocolError("the gateway redirected to an address that is not http(s)")
        if self.public_only or _same_server(origin(url), origin(target)):
            return  # a typed gateway's targets are checked before each request, like its own
        if not is_public_url(target):
            raise errors.AddressRefusedError(
                f"the gateway redirected to {urlsplit(target).hostname}, a loopback, private or reserved "
                "address on another server: not followed"
            )

    def _decode(self, response: requests.Response, content: bytes, route: str) -> Any:
        text = self.scrub(content.decode(response.encoding or "utf-8", errors="replace"))
        request_id = _request_id(response)
        content_type = response.headers.get("Content-Type", "").lower()
        looks_html = "html" in content_type or text.lstrip()[:15].lower().startswith(("<!doctype", "<html"))
        try:
            body = json.loads(text) if text.strip() else None
        except (ValueError, RecursionError):  # nested past Python's limit is unreadable too
            body = None
        if body is not None and self.scrub.may_hide_in(text) and self.scrub.scrub_data(body):
            try:  # the key was spelled with escapes: keep the scrubbed answer, not its raw text
                text = json.dumps(body, ensure_ascii=False)
            except (ValueError, RecursionError):
                text = "***"
        elif body is None:  # not JSON, but its text is shown: escapes there spell the key as well
            text = self.scrub.scrub_escaped(text)
        status = response.status_code
        if looks_html and body is None and (status < 400 or status in (404, 405)):
            raise errors.UnsupportedRouteError(
                "the gateway answered a web page instead of JSON: it does not offer this route",
                status=status,
                request_id=request_id,
                body=text[:2000],
                route=route,
            )
        error = error_from_body(
            status, body, request_id=request_id, route=route, text=text[:2000], retry_after=retry_after_header(response)
        )
        if error is not None:
            raise error
        if body is None:
            raise errors.ProtocolError(
                "the gateway's answer is not readable JSON",
                status=status,
                request_id=request_id,
                body=text[:2000],
                route=route,
            )
        return body


def _too_large(response: requests.Response) -> errors.ProtocolError:
    return errors.ProtocolError(
        f"the gateway's answer is larger than {MAX_BODY_BYTES // 2**20} MB",
        status=response.status_code,
        request_id=_request_id(response),
    )


def _same_server(base: tuple[str, str, int | None], other: tuple[str, str, int | None]) -> bool:
    """The same scheme, host and port — or the same host upgraded from http to https."""
    upgraded = base[0] == "http" and other[0] == "https" and base[2] == 80 and other[2] == 443
    return base == other or (base[1] == other[1] and upgraded)


def _request_id(response: requests.Response) -> str | None:
    return response.headers.get("X-Oneapi-Request-Id") or response.headers.get("X-Request-Id")
