"""The Create page's model choices from the gateway's own list (new-api's ``GET /v1/models``,
kept an hour per gateway and key by ``lib.studio.gateway_account``), falling back to the built-in
catalog (``lib.gateway.catalog``) when the gateway has no list, names no Suno model, or cannot be
asked (no key yet, an address that is not one)."""

from __future__ import annotations

from lib.gateway.catalog import suno_models_offered
from lib.gateway.errors import GatewayError
from lib.studio import gateway_account
from lib.ui import session


def listed_models() -> list[str]:
    profile = session.current_profile()
    if not profile.is_sandbox and not (profile.base_url and profile.api_key):
        return []
    try:
        client = session.get_client()
    except GatewayError:
        return []
    return gateway_account.models(client, profile)


def suno_choices(mode: str) -> list[str]:
    """A Create mode's ``mv`` choices, its default first ([] for modes that send no model)."""
    return suno_models_offered(mode, listed_models())
