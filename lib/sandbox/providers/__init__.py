"""The provider dialects the sandbox speaks besides the new-api family (docs/providers.md).

One sandbox process speaks one provider, ``SandboxConfig.provider``: "newapi" (the default) is
``lib.sandbox.routes``' own; for any other, ``routes`` hands each API request to ``answer`` here,
which asks that provider's module for ``(status, body)``. The songs, media, faults, request log and
control API are the same for every dialect; only the routes, auth header and shapes differ.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from lib.sandbox import faults
from lib.sandbox.providers import acedata, piapi, suno_api, sunoapi
from lib.sandbox.providers.common import Exchange, Reply

__all__ = ["DIALECTS", "Exchange", "answer", "error_body"]

DIALECTS: dict[str, ModuleType] = {"sunoapi": sunoapi, "acedata": acedata, "piapi": piapi, "suno-api": suno_api}


def answer(provider: str, exchange: Exchange) -> tuple[int, Any]:
    dialect = DIALECTS[provider]
    feature = dialect.FEATURE_ROUTES.get(exchange.path.rstrip("/"))
    if feature is not None and feature not in exchange.engine.config.offered:
        return 404, dialect.error_body(404, None)  # a provider without this tool knows no such route
    try:
        return dialect.answer(exchange)
    except Reply as reply:
        return reply.status, reply.body


def error_body(provider: str, status: int, message: str | None, rid: str) -> Any:
    """A forced HTTP error (``Fault(kind="status")``) in this provider's own error envelope."""
    if provider not in DIALECTS:
        return faults.error_body(status, message, rid)
    return DIALECTS[provider].error_body(status, message)
