"""The one module that touches ``st.session_state`` and Streamlit's caches.

Per-user choices (language, gateway, session key) live in session state; the sandbox gateway is
one per server process; the HTTP client is one per browser session, so keys never mix.
"""
from __future__ import annotations

import os

import streamlit as st

from lib.client import GatewayClient
from lib.config import CUSTOM, SANDBOX, GatewayProfile, load_profiles
from lib.i18n import pick_language
from lib.sandbox import SandboxConfig, SandboxGateway

SANDBOX_KEY = "sandbox-demo-key"


@st.cache_resource(show_spinner=False)
def sandbox_gateway() -> SandboxGateway:
    config = SandboxConfig.fast() if os.environ.get("SANDBOX_FAST") else SandboxConfig()
    return SandboxGateway(config).start()


@st.cache_resource(scope="session", on_release=lambda client: client.close(), show_spinner=False)
def _client(base_url: str, api_key: str) -> GatewayClient:
    return GatewayClient(base_url, api_key)


def _secrets() -> dict:
    try:
        return st.secrets.to_dict()
    except Exception:  # no secrets.toml anywhere raises; a broken one must not break the app
        return {}


def configured_profiles() -> list[GatewayProfile]:
    return load_profiles(os.environ, _secrets())


def language() -> str:
    if "lang" not in st.session_state:
        st.session_state["lang"] = pick_language(st.context.locale)
    return st.session_state["lang"]


def gateway_choices() -> list[str]:
    return [p.name for p in configured_profiles()] + [SANDBOX, CUSTOM]


def current_profile() -> GatewayProfile:
    """The gateway this session talks to, with the session-only key applied."""
    name = st.session_state.get("gateway") or gateway_choices()[0]
    session_key = (st.session_state.get("session_api_key") or "").strip()
    if name == SANDBOX:
        return GatewayProfile(SANDBOX, sandbox_gateway().url, SANDBOX_KEY, is_sandbox=True)
    if name == CUSTOM:
        return GatewayProfile(CUSTOM, (st.session_state.get("custom_base_url") or "").strip(), session_key)
    profile = next((p for p in configured_profiles() if p.name == name), None)
    if profile is None:  # the configuration changed under this session
        st.session_state["gateway"] = gateway_choices()[0]
        return current_profile()
    return GatewayProfile(profile.name, profile.base_url, session_key or profile.api_key)


def get_client() -> GatewayClient:
    """May raise ``InvalidInputError`` when the custom base URL is not an http(s) address."""
    profile = current_profile()
    return _client(profile.base_url, profile.api_key)
