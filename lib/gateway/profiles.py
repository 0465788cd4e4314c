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

    @property
    def key_fingerprint(self) -> str:
        """Tells keys apart in the history without storing them: a short hash prefix."""
        if not self.api_key:
            return ""
        return hashlib.sha256(self.api_key.encode()).hexdigest()[:10]


def load_profiles(environ: Mapping[str, str], secrets: Mapping[str, Any]) -> list[GatewayProfile]:
    """Configured gateways: ``GATEWAY_BASE_URL``/``GATEWAY_API_KEY`` first, then every
    ``[gateways.<name>]`` section (and a single ``[gateway]`` section) of the secrets."""
    profiles: list[GatewayProfile] = []
    base_url = (environ.get("GATEWAY_BASE_URL") or "").strip()
    if base_url:
        name = (environ.get("GATEWAY_NAME") or "").strip() or "env"
        profiles.append(GatewayProfile(name, base_url, (environ.get("GATEWAY_API_KEY") or "").strip()))
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
            GatewayProfile(str(name), str(section["base_url"]).strip(), str(section.get("api_key") or "").strip())
        )
    return profiles
