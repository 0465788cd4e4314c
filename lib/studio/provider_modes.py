"""The Create page per provider: which modes and song tools a gateway's provider offers, and the
submission of a mode in that provider's own route and body.

Validation stays in ``lib.studio.create_modes`` (one set of rules and error codes for every
provider): its canonical new-api body is what each provider translates
(``lib.gateway.providers``). Pure functions, no Streamlit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lib.gateway import providers
from lib.gateway.errors import InvalidInputError
from lib.studio import create_modes
from lib.studio.submit import Submission


def offered_modes(provider: str) -> dict[str, tuple[str, ...]]:
    """Platform -> the Create modes this provider has, in the Create page's order
    (``create_modes.MODES``); a platform it lacks entirely is absent."""
    given = providers.get(provider)
    found = {
        platform: tuple(mode for mode in modes if given.offers(platform, mode))
        for platform, modes in create_modes.MODES.items()
    }
    return {platform: modes for platform, modes in found.items() if modes}


def offers(provider: str, platform: str, mode: str) -> bool:
    return providers.get(provider).offers(platform, mode)


def offered_tools(provider: str) -> tuple[str, ...]:
    """The song tools (``lib.gateway.providers.TOOLS``) this provider has."""
    given = providers.get(provider)
    return tuple(tool for tool in providers.TOOLS if tool in given.tools)


def lacking_tools(provider: str) -> tuple[str, ...]:
    return providers.get(provider).lacks()


def build_for(provider: str, platform: str, mode: str, values: Mapping[str, Any]) -> Submission:
    """The submission of this mode for this provider: ``FormInvalid`` for the form's problems
    (as ``create_modes.build``), ``InvalidInputError`` for a mode or variant the provider lacks."""
    given = providers.get(provider)
    if not given.offers(platform, mode):
        raise InvalidInputError(f"{given.name} does not offer {platform} {mode}")
    canonical = create_modes.build(platform, mode, values)
    if given.name == providers.DEFAULT:
        return canonical
    route = given.route_for(platform, mode, canonical.body)
    body = given.body(platform, mode, canonical.body)
    return Submission(canonical.platform, canonical.action, route.path, body, provider=given.name)
