"""Gateway profiles from the environment and ``.streamlit/secrets.toml`` (no Streamlit here:
the caller passes the secrets as a plain mapping)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

SANDBOX = "sandbox"
CUSTOM = "custom"


@dataclass(frozen=True)
class GatewayProfile:
    name: str
    base_url: str
    api_key: str = field(default="", repr=False)
    is_sandbox: bool = False
    # The API dialect it speaks (lib.gateway.providers.NAMES); checked by lib.settings, not here,
    # so a bad name is a settings error that names the profile.
    provider: str = "newapi"

    @property
    def key_fingerprint(self) -> str:
        """Tells keys apart in the history without storing them: a short hash prefix."""
        if not self.api_key:
            return ""
        return hashlib.sha256(self.api_key.encode()).hexdigest()[:10]


def load_profiles(environ: Mapping[str, str], secrets: Mapping[str, Any]) -> list[GatewayProfile]:
    """Configured gateways: ``GATEWAY_BASE_URL``/``GATEWAY_API_KEY``/``GATEWAY_PROVIDER`` first,
    then every ``[gateways.<name>]`` section (and a single ``[gateway]`` section) of the secrets,
    each with its ``provider = "…"`` (blank: ``newapi``)."""
    profiles: list[GatewayProfile] = []
    base_url = (environ.get("GATEWAY_BASE_URL") or "").strip()
    if base_url:
        name = (environ.get("GATEWAY_NAME") or "").strip() or "env"
        key = (environ.get("GATEWAY_API_KEY") or "").strip()
        profiles.append(GatewayProfile(name, base_url, key, provider=provider_name(environ.get("GATEWAY_PROVIDER"))))
    sections: list[tuple[str, Any]] = []
    gateways = secrets.get("gateways")
    if isinstance(gateways, Mapping):
        sections += list(gateways.items())
    if isinstance(secrets.get("gateway"), Mapping):
        sections.append(("default", secrets["gateway"]))
    for name, section in sections:
        if not isinstance(section, Mapping) or not str(section.get("base_url") or "").strip():
            continue
        if any(p.name == name for p in profiles) or name in (SANDBOX, CUSTOM):
            name = f"{name}-2"
        profiles.append(
            GatewayProfile(
                str(name),
                str(section["base_url"]).strip(),
                str(section.get("api_key") or "").strip(),
                provider=provider_name(section.get("provider")),
            )
        )
    return profiles


def provider_name(value: Any) -> str:
    """As written, trimmed and lower-cased; blank is the default family."""
    return str(value or "").strip().lower() or "newapi"
