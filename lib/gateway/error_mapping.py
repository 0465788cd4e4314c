"""Decide which ``GatewayError`` a gateway answer means (reference §6).

Two error envelopes exist on new-api-derived gateways: the task layer's
``{"code": "...", "message": "...", "data": null}`` and the auth/routing layer's OpenAI-style
``{"error": {"message": "... (request id: ...)", "type": "new_api_error", "code": ""}}``. The other
providers (docs/providers.md) add ``{"code": <int ≠ 200>, "msg": "..."}`` (sunoapi.org, PiAPI),
``{"success": false, "error": {"code", "message"}}`` (AceDataCloud) and ``{"error": "..."}``
(suno-api). Some gateways answer business errors with HTTP 200, so the body decides as much as the
status; a numeric code in the body then stands for the status it names. ``code 0`` is a success
(with ``msg`` "success" or a task in ``data``) unless it comes with other words and nothing else.
``error_from_exception`` does the same for an exchange that broke off: which error a network
failure means, given whether the request may already have been received; ``unread_success``
what an unreadable 2xx to a paid POST means, and ``retry_after_header`` how long a 429 asks for.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from email.utils import parsedate_to_datetime
from typing import Any

import requests

from lib.gateway import errors

_SUCCESS_CODES = {"success", "ok", "200", "0", "1", "true"}
# What a "code 0" answer says when it succeeded; any other words beside an empty data are its error.
_SUCCESS_WORDS = {"", "success", "successful", "succeeded", "succeed", "ok", "done", "成功", "请求成功", "操作成功"}
_NOT_FOUND = ("task_not_exist", "task not exist", "task_origin_not_exist", "task not found")
_QUOTA = (
    "insufficient_user_quota",
    "quota_not_enough",
    "pre_consume_token_quota_failed",
    "insufficient_quota",
    "额度不足",
    "额度已用尽",
    "余额不足",
    "quota is not enough",
    "credits are insufficient",
    "insufficient credit",
    "not enough credits",
    "payment required",
)
_UNSUPPORTED = ("invalid_action",)
_RATE = ("负载已饱和", "rate limit", "rate_limit", "too many requests", "请求过于频繁", "call frequency")
# A refusal of the request's words (the providers' moderation), which comes as HTTP 403 from
# AceDataCloud: the request is at fault, not the key.
_MODERATION = (
    "moderation",
    "inappropriate",
    "prohibited",
    "sensitive word",
    "copyrighted",
    "artist name",
    "敏感词",
    "违规",
)
_BAD_REQUEST = ("invalid_request", "bad_request", "prompt_empty", "read_request_body_failed")
_AUTH = (
    "无效的令牌",
    "未提供令牌",
    "令牌已过期",
    "令牌状态不可用",
    "invalid token",
    "invalid_token",
    "unauthorized",
    "invalid api key",
    "invalid_api_key",
)


def error_from_body(
    status: int | None,
    body: Any,
    *,
    request_id: str | None = None,
    route: str | None = None,
    text: str | None = None,
    retry_after: float | None = None,
) -> errors.GatewayError | None:
    """The error this answer means, or None when it is a success."""
    code, message = _code_and_message(body)
    failed_status = status is not None and status >= 400
    if not failed_status and _is_success(code, message, body):
        return None
    if message is None and text:
        message = text.strip()[:500]
    cls = _classify(status if failed_status else (_status_in_code(code) or status), code, message or "")
    kwargs = dict(
        status=status, code=None if code is None else str(code), request_id=request_id, body=text, route=route
    )
    if cls is errors.RateLimitError:
        return errors.RateLimitError(message or "", retry_after=retry_after, **kwargs)
    return cls(message or "", **kwargs)


def _is_success(code: Any, message: str | None, body: Any) -> bool:
    if code is None:
        return True
    key = str(code).strip().lower()
    if key not in _SUCCESS_CODES:
        return False
    if key != "0" or not isinstance(body, Mapping):
        return True
    said = (message or "").strip().rstrip(".!。！").lower()
    return said in _SUCCESS_WORDS or body.get("data") not in (None, "", [], {})


def _status_in_code(code: Any) -> int | None:
    """A body's numeric code that names an HTTP status (sunoapi.org's 401, 429 …)."""
    if isinstance(code, bool):
        return None
    # isdigit() alone is true for "²", which int() refuses: ASCII digits only.
    if isinstance(code, str) and code.strip().isascii() and code.strip().isdigit():
        code = int(code.strip())
    return code if isinstance(code, int) and 400 <= code < 600 else None


def _code_and_message(body: Any) -> tuple[Any, str | None]:
    if not isinstance(body, Mapping):
        return None, None
    error = body.get("error")
    # A task object's own "error" (PiAPI's) describes the task, which the parser reads.
    is_task = "task_id" in body and "status" in body
    if isinstance(error, Mapping) and (error.get("message") or error.get("code")) and not is_task:
        code = error.get("code") or error.get("type")
        return (code if code not in ("", None) else "error"), _str(error.get("message"))
    code = body.get("code")
    message = _str(body.get("message")) or _str(body.get("msg")) or _str(body.get("description"))
    if code is None and isinstance(error, str) and error and not is_task:
        return "error", error
    if code is None and body.get("success") is False:  # AceDataCloud without an error object
        return "error", message or (_str(error) if not is_task else None)
    if isinstance(code, bool):
        code = "success" if code else "error"
    return code, message


def _classify(status: int | None, code: Any, message: str) -> type[errors.GatewayError]:
    words = f"{code or ''} {message}".lower()
    if any(w in words for w in _NOT_FOUND):
        return errors.NotFoundError
    if any(w in words for w in _MODERATION):
        return errors.BadRequestError
    if status == 402 or any(w in words for w in _QUOTA):
        return errors.QuotaError
    if any(w in words for w in _UNSUPPORTED):
        return errors.UnsupportedRouteError
    if status in (401, 403) or any(w in words for w in _AUTH):
        return errors.AuthenticationError
    if status == 404:
        return errors.NotFoundError
    if status == 429 or any(w in words for w in _RATE):
        return errors.RateLimitError
    if status is not None and status >= 500:
        return errors.ServerError
    if (status is not None and status >= 400) or any(w in words for w in _BAD_REQUEST):
        return errors.BadRequestError
    return errors.GatewayError


def _str(value: Any) -> str | None:
    if value is None or isinstance(value, (Mapping, list)):
        return None
    text = str(value)
    return text or None


def error_from_exception(
    exc: Exception,
    *,
    host: str,
    route: str,
    paid: bool,
    connect_timeout: float,
    deadline_s: float,
    deadline_passed: bool,
) -> errors.GatewayError:
    """What a failed exchange means. A paid POST that reached the gateway may have been accepted
    (``OutcomeUnknownError``); an answer cut off by the overall deadline is a ``DeadlineError``
    (not retried); a silent read timeout stays a plain, retryable ``GatewayTimeoutError``."""
    if isinstance(exc, requests.ConnectTimeout):
        return errors.GatewayTimeoutError(f"could not connect to {host} within {connect_timeout:g} s", route=route)
    if paid and not _never_connected(exc):
        within = f" within {deadline_s:g} s" if deadline_passed else ""
        return errors.OutcomeUnknownError(
            f"no answer from {host}{within} after the request was sent: it may have been accepted", route=route
        )
    if deadline_passed and not isinstance(exc, requests.ReadTimeout):
        return errors.DeadlineError(
            f"no answer in time: the whole answer did not arrive within {deadline_s:g} s ({host})", route=route
        )
    cls = errors.GatewayTimeoutError if isinstance(exc, requests.ReadTimeout) else errors.GatewayConnectionError
    return cls(f"{_describe(exc)} ({host})", route=route)


def _never_connected(exc: Exception) -> bool:
    text = repr(exc)
    return any(
        s in text
        for s in (
            "NewConnectionError",
            "NameResolutionError",
            "Connection refused",
            "ConnectTimeout",
            "Failed to resolve",
            "SSLError",
        )
    )


def _describe(exc: Exception) -> str:
    text = repr(exc)
    for needle, words in (
        ("Connection refused", "connection refused"),
        ("NameResolution", "host name could not be resolved"),
        ("Failed to resolve", "host name could not be resolved"),
        ("SSL", "TLS handshake failed"),
        ("ReadTimeout", "no answer in time"),
        ("Read timed out", "no answer in time"),
        ("RemoteDisconnected", "the gateway closed the connection"),
        ("reset by peer", "the gateway closed the connection"),
        ("IncompleteRead", "the answer was cut off"),
        ("InvalidChunkLength", "the answer was cut off"),
    ):
        if needle in text:
            return words
    return "network error"


def unread_success(error: errors.GatewayError) -> errors.GatewayError:
    """What an unreadable answer to a paid POST means. A 2xx whose body is cut off, too large or
    without a task ID came from a gateway that accepted the request, and may have billed it: calling
    that a refusal would invite a second, paid submit, so it is an unknown outcome instead."""
    if not isinstance(error, errors.ProtocolError) or error.status is None or not 200 <= error.status < 300:
        return error
    return errors.OutcomeUnknownError(
        f"the gateway answered HTTP {error.status}, but its answer could not be read "
        f"({error.gateway_message}): the request may have been accepted",
        status=error.status,
        code=error.code,
        request_id=error.request_id,
        body=error.body,
        route=error.route,
    )


def retry_after_header(response: requests.Response) -> float | None:
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
