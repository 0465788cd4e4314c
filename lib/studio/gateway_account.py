"""What ``lib.gateway.account`` reads — a gateway's model list and a key's balance — kept a while
per gateway and key, for every session of this server: the sidebar shows the balance on every run
of every page and the Create page the model list, and neither may cost a request each time.

A route the gateway lacks is remembered as such for ``MISSING_TTL_S`` and any other failure for
``FAILED_TTL_S``: the page then shows nothing (no error: these are extras), and asks again later.
Keyed by the gateway's address, its dialect and the key's fingerprint, never the key itself.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from lib.gateway import account
from lib.gateway.account import Balance
from lib.gateway.client import GatewayClient
from lib.gateway.errors import BadRequestError, GatewayError, NotFoundError, UnsupportedRouteError
from lib.gateway.profiles import GatewayProfile

MODELS_TTL_S = 3600.0
BALANCE_TTL_S = 60.0
MISSING_TTL_S = 1800.0
FAILED_TTL_S = 120.0
# Longest a page waits for one of these reads (both billing routes together): they are extras.
CALL_BUDGET_S = 4.0
_LIMIT = 2000  # entries kept before the oldest go

T = TypeVar("T")
_lock = threading.Lock()
_kept: dict[tuple[str, ...], tuple[float, Any]] = {}


def account_key(client: GatewayClient, profile: GatewayProfile) -> tuple[str, str, str]:
    return (client.base_url, client.provider.name, profile.key_fingerprint)


def models(client: GatewayClient, profile: GatewayProfile, *, clock: Callable[[], float] = time.monotonic) -> list[str]:
    """The gateway's model list, or [] when it offers none (or could not be read just now)."""
    if not account.offers_model_list(client):
        return []
    found = _remembered(
        ("models", *account_key(client, profile)),
        lambda: account.gateway_models(client, ends_by=clock() + CALL_BUDGET_S),
        MODELS_TTL_S,
        clock,
    )
    return list(found or [])


def balance(
    client: GatewayClient, profile: GatewayProfile, *, clock: Callable[[], float] = time.monotonic
) -> Balance | None:
    """The key's balance, or None when the gateway does not say (or could not be read just now)."""
    found = _remembered(
        ("balance", *account_key(client, profile)),
        lambda: account.balance(client, ends_by=clock() + CALL_BUDGET_S),
        BALANCE_TTL_S,
        clock,
    )
    return found if isinstance(found, Balance) and found.says_anything else None


def forget() -> None:
    """Everything kept (tests; a server never needs it: entries expire)."""
    with _lock:
        _kept.clear()


def _remembered(key: tuple[str, ...], read: Callable[[], T], ttl_s: float, clock: Callable[[], float]) -> T | None:
    now = clock()
    with _lock:
        kept = _kept.get(key)
    if kept is not None and kept[0] > now:
        return kept[1]
    try:
        value, keep_for = read(), ttl_s
    except (UnsupportedRouteError, NotFoundError, BadRequestError):  # asking again will not help soon
        value, keep_for = None, MISSING_TTL_S
    except GatewayError:
        value, keep_for = None, FAILED_TTL_S
    with _lock:
        if len(_kept) >= _LIMIT:
            _kept.pop(next(iter(_kept)))
        _kept[key] = (clock() + keep_for, value)
    return value
