"""The key's account at its gateway, read with free GETs: which models the gateway offers (new-api's
``GET /v1/models``) and what the key has left and has used — new-api's OpenAI-compatible billing
routes, sunoapi.org's credit route, PiAPI's account info, suno-api's limit (docs/providers.md).
AceDataCloud shows its balance in its console only (its platform API takes another token).

Every call goes through ``GatewayClient``'s transport (deadlines, the key kept out of answers and
errors), once (``retry=False``) and within ``ends_by``: these are extras shown beside the real
work, so a slow or missing route costs a page a few seconds at most, never retries. A gateway
without the route answers a web page or an error; the callers then show nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lib.gateway import errors
from lib.gateway import routes as r
from lib.gateway.client import GatewayClient
from lib.gateway.field_readers import as_number
from lib.gateway.providers import piapi, suno_api, sunoapi
from lib.gateway.routes import Route

USD = "usd"
CREDITS = "credits"
# new-api answers this hard limit (in dollars) for a key without a quota of its own.
UNLIMITED_USD = 100_000_000
MAX_MODELS = 500
_MODEL_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$")  # what a model name looks like


@dataclass(frozen=True)
class Balance:
    """What the key has ``left`` and has ``used`` (None: not said), in ``unit``: US dollars or the
    provider's credits."""

    left: float | None
    used: float | None = None
    unit: str = USD

    @property
    def says_anything(self) -> bool:
        return self.left is not None or self.used is not None


# --- reading answers (pure) -------------------------------------------------------------------


def read_model_ids(body: Any) -> list[str]:
    """The model names of a ``/v1/models`` answer (``{"data": [{"id": …}, …]}``, or a bare list),
    in its order, without duplicates or anything that is not shaped like a name."""
    items = body.get("data") if isinstance(body, Mapping) else body
    if not isinstance(items, list):
        raise errors.ProtocolError("the model list is not a list", body=str(body)[:500])
    found: dict[str, None] = {}
    for item in items[: MAX_MODELS * 4]:
        name = item.get("id") if isinstance(item, Mapping) else item
        if isinstance(name, str) and _MODEL_ID.match(name.strip()):
            found.setdefault(name.strip(), None)
    return list(found)[:MAX_MODELS]


def read_new_api_balance(subscription: Any, usage: Any) -> Balance:
    """new-api: the subscription's ``hard_limit_usd`` is what the key had in all (left + used),
    ``total_usage`` what it used, in cents; an unlimited key has no "left"."""
    limit = as_number(subscription.get("hard_limit_usd")) if isinstance(subscription, Mapping) else None
    cents = as_number(usage.get("total_usage")) if isinstance(usage, Mapping) else None
    used = cents / 100 if cents is not None else None
    if limit is None and used is None:
        raise errors.ProtocolError("no balance in the billing answers")
    left = None if limit is None or limit >= UNLIMITED_USD else max(0.0, limit - (used or 0.0))
    return Balance(left, used, USD)


def read_sunoapi_credits(body: Any) -> Balance:
    """sunoapi.org: ``{"code": 200, "msg": "success", "data": <credits left>}``."""
    left = as_number(body.get("data")) if isinstance(body, Mapping) and body.get("code") in (200, "200") else None
    if left is None:
        raise errors.ProtocolError("no credits in the answer")
    return Balance(left, None, CREDITS)


def read_piapi_account(body: Any) -> Balance:
    """PiAPI: ``{"code": 200, "data": {"credits": …, "equivalent_in_usd": …}}`` (or the fields at
    the top): dollars where it says them, else its credits."""
    data = body.get("data") if isinstance(body, Mapping) and isinstance(body.get("data"), Mapping) else body
    if not isinstance(data, Mapping):
        raise errors.ProtocolError("no account in the answer")
    dollars = as_number(data.get("equivalent_in_usd"))
    if dollars is not None:
        return Balance(dollars, None, USD)
    credits = as_number(data.get("credits"))
    if credits is None:
        raise errors.ProtocolError("no credits in the answer")
    return Balance(credits, None, CREDITS)


def read_suno_api_limit(body: Any) -> Balance:
    """suno-api: ``{"credits_left": …, "period": …, "monthly_limit": …, "monthly_usage": …}``."""
    if not isinstance(body, Mapping) or as_number(body.get("credits_left")) is None:
        raise errors.ProtocolError("no credits in the answer")
    return Balance(as_number(body.get("credits_left")), as_number(body.get("monthly_usage")), CREDITS)


# Each provider's one balance route and how its answer reads (new-api's two routes are below).
_BALANCE_ROUTES: dict[str, tuple[Route, Any]] = {
    "sunoapi": (sunoapi.CREDITS, read_sunoapi_credits),
    "piapi": (piapi.ACCOUNT, read_piapi_account),
    "suno-api": (suno_api.LIMIT, read_suno_api_limit),
}


# --- asking the gateway ------------------------------------------------------------------------


def offers_model_list(client: GatewayClient) -> bool:
    return client.provider.name == "newapi"


def gateway_models(client: GatewayClient, *, ends_by: float | None = None) -> list[str]:
    """Every model name the gateway lists for this key. ``UnsupportedRouteError`` when its
    dialect has no model list; any other ``GatewayError`` as the call met it."""
    if not offers_model_list(client):
        raise errors.UnsupportedRouteError(f"{client.provider.name} has no model list")
    return client._call(r.MODELS, retry=False, ends_by=ends_by, parse=read_model_ids)


def balance(client: GatewayClient, *, ends_by: float | None = None) -> Balance:
    """What the key has left and used. ``UnsupportedRouteError`` when the gateway's dialect has no
    balance route (AceDataCloud); any other ``GatewayError`` as the calls met it."""
    name = client.provider.name
    if name == "newapi":
        subscription = client._call(r.BILLING_SUBSCRIPTION, retry=False, ends_by=ends_by)
        usage = client._call(r.BILLING_USAGE, retry=False, ends_by=ends_by)
        return read_new_api_balance(subscription, usage)
    if name not in _BALANCE_ROUTES:
        raise errors.UnsupportedRouteError(f"{name} shows its balance in its console only")
    route, read = _BALANCE_ROUTES[name]
    return client._call(route, retry=False, ends_by=ends_by, parse=read)
