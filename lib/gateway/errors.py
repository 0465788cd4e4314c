"""One error type for everything that can go wrong talking to a gateway.

Every error keeps the gateway's own words (``gateway_message``, often Chinese), the HTTP status,
the gateway's ``code`` and the request id when there is one, so the UI can show them verbatim and
add a hint in the user's language keyed on ``kind``.
"""

from __future__ import annotations

import re

_REQUEST_ID = re.compile(r"request[ _-]?id[:：]\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE)


def find_request_id(text: str | None) -> str | None:
    match = _REQUEST_ID.search(text or "")
    return match.group(1).rstrip(").") if match else None


class GatewayError(Exception):
    """Base class. ``kind`` names the i18n hint for this failure."""

    kind = "gateway"

    def __init__(
        self,
        gateway_message: str = "",
        *,
        status: int | None = None,
        code: str | None = None,
        request_id: str | None = None,
        body: str | None = None,
        route: str | None = None,
    ) -> None:
        self.gateway_message = gateway_message or ""
        self.status = status
        self.code = code or None
        # The id quoted in the message is the one support asks for; the header is a fallback.
        self.request_id = find_request_id(gateway_message) or request_id
        self.body = body
        self.route = route
        super().__init__(self.__str__())

    def __str__(self) -> str:
        parts = []
        if self.status is not None:
            parts.append(f"HTTP {self.status}")
        if self.code and self.code != self.gateway_message:
            parts.append(f"code {self.code}")
        detail = ", ".join(parts)
        message = self.gateway_message or self.kind.replace("_", " ")
        return f"{message} ({detail})" if detail else message


class InvalidInputError(GatewayError, ValueError):
    """Rejected before anything was sent (empty or malformed ID, bad argument)."""

    kind = "invalid_input"


class AddressRefusedError(InvalidInputError):
    """A gateway typed in the browser (or a redirect) leads to loopback, a private network,
    link-local cloud metadata or another address the server must not reach on a visitor's word.
    Nothing was sent there; the hint names the operator's setting that allows it."""

    kind = "address_refused"


class BadRequestError(GatewayError):
    """The gateway refused the request as malformed (400 invalid_request, 413 …)."""

    kind = "bad_request"


class AuthenticationError(GatewayError):
    """Key missing, invalid, expired or not allowed (401, most 403s)."""

    kind = "authentication"


class QuotaError(GatewayError):
    """Balance or token quota exhausted (403 insufficient_user_quota, 402 …)."""

    kind = "quota"


class NotFoundError(GatewayError):
    """``task_not_exist``: unknown ID, or a task that belongs to another user."""

    kind = "not_found"


class RateLimitError(GatewayError):
    kind = "rate_limited"

    def __init__(self, *args, retry_after: float | None = None, **kwargs) -> None:
        self.retry_after = retry_after
        super().__init__(*args, **kwargs)


class ServerError(GatewayError):
    """5xx from the gateway or its upstream."""

    kind = "server"


class UnsupportedRouteError(GatewayError):
    """The gateway lacks this route: it answered HTML (vanilla new-api) or ``invalid_action``."""

    kind = "unsupported_route"


class ProtocolError(GatewayError):
    """The body could not be read as the expected JSON, or holds nothing task-like."""

    kind = "protocol"


class GatewayConnectionError(GatewayError):
    """No usable HTTP exchange: refused, DNS, TLS, reset."""

    kind = "connection"


class GatewayTimeoutError(GatewayConnectionError):
    kind = "timeout"


class DeadlineError(GatewayTimeoutError):
    """A free call's answer was still arriving when its overall deadline passed (a gateway
    dripping bytes). Not retried: another attempt would take as long again."""


class OutcomeUnknownError(GatewayTimeoutError):
    """A paid POST went out but no answer came back: it may have been accepted and billed.

    Never retried automatically; the user has to check the gateway before resubmitting.
    """

    kind = "outcome_unknown"
