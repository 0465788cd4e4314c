"""Providers as a first-class idea: each API dialect a gateway profile may speak (docs/providers.md).

``get(name)`` gives the ``Provider``; ``NAMES`` lists them, ``DEFAULT`` ("newapi") is the seeds'
family. Adding one: a module here with its routes, auth and bodies, and a line in ``_ALL``.
"""

from __future__ import annotations

from lib.gateway import errors
from lib.gateway.providers import acedata, newapi, piapi, suno_api, sunoapi
from lib.gateway.providers.base import TOOLS, Auth, Call, Provider

__all__ = ["DEFAULT", "NAMES", "TOOLS", "Auth", "Call", "Provider", "get"]

DEFAULT = "newapi"
_ALL: dict[str, Provider] = {
    p.name: p for p in (newapi.PROVIDER, sunoapi.PROVIDER, acedata.PROVIDER, piapi.PROVIDER, suno_api.PROVIDER)
}
NAMES = tuple(_ALL)


def get(name: str | None) -> Provider:
    """The provider of this name (blank: the default); ``InvalidInputError`` naming the known ones."""
    key = (name or DEFAULT).strip().lower()
    provider = _ALL.get(key)
    if provider is None:
        raise errors.InvalidInputError(f"unknown provider {name!r}: use one of {', '.join(NAMES)}")
    return provider
