"""Which gateway this session talks to, with which key, what it has learned the gateway offers,
and which media URLs its gateways handed out (the only ones the server may download)."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import replace

import streamlit as st

from lib.gateway import providers
from lib.gateway.addresses import origin
from lib.gateway.client import GatewayClient, normalise_base_url
from lib.gateway.errors import GatewayError, InvalidInputError
from lib.gateway.models import Task
from lib.gateway.profiles import CUSTOM, SANDBOX, GatewayProfile
from lib.ui import access, resources
from lib.ui.session.values import value

GATEWAY = "gateway"
CUSTOM_BASE_URL = "custom_base_url"
CUSTOM_PROVIDER = "custom_provider"  # the dialect of a custom gateway (lib.gateway.providers.NAMES)
SANDBOX_PROVIDER = "sandbox_provider"  # the dialect the app's own sandbox speaks to this session
MEDIA_PROXY = "media_proxy"
_CAPABILITIES = "capabilities"
_GATEWAY_MEDIA = "gateway_media"


_TYPED_KEYS = "typed_api_keys"


def api_key_name(gateway_name: str, base_url: str) -> str:
    """The widget key of the key field: one field per gateway, so a key typed for one gateway is
    never sent to another. Not a kept value: a kept value is re-sent to the browser when its
    widget is drawn again, and a typed key must never travel back. Leaving the gateway forgets it."""
    return f"api_key|{gateway_name}|{base_url}"


def _typed_keys() -> dict[str, str]:
    return st.session_state.setdefault(_TYPED_KEYS, {})


def remember_typed_key(name: str) -> None:
    """The key field's ``on_change``: what the user typed (or cleared) is copied to a store of this
    session's own. The field's widget state alone does not do: a run Streamlit starts on another
    page without the browser's widget values (``st.switch_page``: Create's Submit, History's Open)
    drops it, and the field then reads empty on the server while the browser still shows the key
    and sends it again only with the next click. Refilling the field from the copy would send the
    key back to the browser, so the copy is read instead, and only a change in the field writes it."""
    _typed_keys()[name] = str(st.session_state.get(name) or "")


def typed_key(gateway_name: str, base_url: str) -> str:
    return _typed_keys().get(api_key_name(gateway_name, base_url), "").strip()


def forget_other_typed_keys(gateway_name: str, base_url: str) -> None:
    """Forget the keys typed for any gateway but this one (call it where the key field is drawn):
    leaving a gateway forgets its key, as its field, no longer drawn, comes back empty."""
    keep = api_key_name(gateway_name, base_url)
    kept = _typed_keys()
    for name in [n for n in kept if n != keep]:
        del kept[name]


def gateway_choices() -> list[str]:
    """The configured gateways the visitor may use, the sandbox, and "Custom gateway…" unless the
    operator's policy keeps visitors to the configured ones."""
    custom = [CUSTOM] if access.may_add_custom_gateway() else []
    return [p.name for p in resources.configured_profiles()] + [SANDBOX, *custom]


def current_gateway_name() -> str:
    choices = gateway_choices()
    name = value(GATEWAY)
    # The configuration can change under a session: fall back without touching the widget.
    return name if name in choices else choices[0]


def current_profile() -> GatewayProfile:
    """The gateway this session talks to, with the key typed for it applied."""
    name = current_gateway_name()
    if name == SANDBOX:
        return resources.sandbox_profile(_dialect(SANDBOX_PROVIDER, resources.settings().sandbox_provider))
    if name == CUSTOM:
        base_url = str(value(CUSTOM_BASE_URL) or "").strip()
        return GatewayProfile(CUSTOM, base_url, typed_key(CUSTOM, base_url), provider=_dialect(CUSTOM_PROVIDER))
    profile = next(p for p in resources.configured_profiles() if p.name == name)
    return replace(profile, api_key=typed_key(profile.name, profile.base_url) or profile.api_key)


def _dialect(widget: str, default: str = providers.DEFAULT) -> str:
    chosen = value(widget)
    return chosen if chosen in providers.NAMES else default


def get_client() -> GatewayClient:
    """May raise ``InvalidInputError`` when the custom base URL is not an http(s) address."""
    profile = current_profile()
    return resources.client(profile.base_url, profile.api_key, public_only(profile), profile.provider)


def public_only(profile: GatewayProfile) -> bool:
    """Whether this gateway may reach public addresses only: a base URL typed in the browser
    (not the operator's gateways or the app's sandbox, which may live anywhere), unless the
    operator allows private custom gateways (``ALLOW_PRIVATE_CUSTOM_GATEWAYS``)."""
    if profile.name != CUSTOM or profile.is_sandbox or resources.settings().allow_private_custom_gateways:
        return False
    try:
        return origin(normalise_base_url(profile.base_url)) not in resources.operator_origins()
    except InvalidInputError:
        return True  # not an address at all: the client refuses it on its own


def client_for(gateway_name: str, gateway_url: str) -> tuple[GatewayClient, GatewayProfile] | None:
    """A client for the gateway a library row came from, if this session can reach it."""
    current = current_profile()
    if gateway_name == SANDBOX:
        same = current.is_sandbox and current.base_url == gateway_url
        profile = current if same else resources.sandbox_profile(resources.sandbox_dialect(gateway_url))
    elif gateway_name == current.name and (gateway_name != CUSTOM or gateway_url == current.base_url):
        profile = current
    else:
        profile = next((p for p in resources.configured_profiles() if p.name == gateway_name), None)
    if profile is None or not profile.base_url or not profile.api_key:
        return None
    try:
        return resources.client(profile.base_url, profile.api_key, public_only(profile), profile.provider), profile
    except GatewayError:
        return None


def profile_key(profile: GatewayProfile | None = None) -> str:
    profile = profile or current_profile()
    return f"{profile.name}|{profile.base_url}"


def capabilities(profile: GatewayProfile | None = None) -> dict[str, str]:
    """What this session has learned the gateway offers: {capability: "offered" | "missing"}.
    Per session, because a gateway's routes can change and a restart should ask again."""
    return st.session_state.setdefault(_CAPABILITIES, {}).setdefault(profile_key(profile), {})


def learn_capability(name: str, offered: bool, profile: GatewayProfile | None = None) -> None:
    capabilities(profile)[name] = "offered" if offered else "missing"


def forget_capability(name: str) -> None:
    capabilities().pop(name, None)


# --- Media URLs the gateways named ----------------------------------------------------------
# Per session, so one user's custom gateway cannot vouch for URLs in another's; bounded like an
# LRU. Anything else (a pasted response's URLs) goes to the browser as it is.

GATEWAY_MEDIA_LIMIT = 5000
OPERATOR_GATEWAY = "operator"  # configured in the environment, secrets or the built-in sandbox
TYPED_GATEWAY = "typed"  # "Custom gateway…": its base URL came from the browser


def _gateway_media_urls() -> OrderedDict[str, str]:
    return st.session_state.setdefault(_GATEWAY_MEDIA, OrderedDict())


def remember_gateway_media(task: Task, profile: GatewayProfile | None = None) -> None:
    """Remember the media URLs of a task fetched from ``profile``'s gateway (the current one)."""
    remember_media_urls(
        [url for song in task.songs for url in (song.audio_url, song.image_url, song.video_url)], profile
    )


def remember_media_urls(urls: list[str | None], profile: GatewayProfile | None = None) -> None:
    """Remember media URLs a gateway's answer named (a task's songs, a converted WAV or video)."""
    profile = profile or current_profile()
    origin = TYPED_GATEWAY if profile.name == CUSTOM else OPERATOR_GATEWAY
    known = _gateway_media_urls()
    for url in urls:
        if not url:
            continue
        if known.get(url) != OPERATOR_GATEWAY:  # an operator's gateway vouches more than a typed one
            known[url] = origin
        known.move_to_end(url)
    while len(known) > GATEWAY_MEDIA_LIMIT:
        known.popitem(last=False)


def gateway_media(url: str | None) -> str | None:
    """Where a media URL came from: ``OPERATOR_GATEWAY``, ``TYPED_GATEWAY``, or None when no
    gateway named it in this session."""
    if not url:
        return None
    return _gateway_media_urls().get(url)


def media_through_server() -> bool:
    return bool(value(MEDIA_PROXY, False))
