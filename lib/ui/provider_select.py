"""Which API dialect (provider) the session's gateway speaks: a choice for a custom gateway and for
the app's own sandbox (which can speak every dialect, for demos), a caption for a configured one."""

from __future__ import annotations

import streamlit as st

from lib.gateway import providers
from lib.gateway.profiles import CUSTOM, SANDBOX
from lib.i18n import t
from lib.ui import resources, session


def provider_label(name: str) -> str:
    given = providers.get(name)
    return given.label or given.name


def render_provider_choice(gateway_name: str, lang: str) -> None:
    """A select under the gateway picker; a configured profile's dialect is the operator's, shown
    only when it is not the default family."""
    if gateway_name == CUSTOM:
        widget, default, help_key = session.CUSTOM_PROVIDER, providers.DEFAULT, "provider.help.custom"
    elif gateway_name == SANDBOX:
        widget, help_key = session.SANDBOX_PROVIDER, "provider.help.sandbox"
        default = resources.settings().sandbox_provider
    else:
        profile = session.current_profile()
        if profile.provider != providers.DEFAULT:
            st.caption(t("provider.speaks", lang, provider=provider_label(profile.provider)))
        return
    key = session.widget_key(widget, default)
    if session.value(widget) not in providers.NAMES:
        session.correct_value(widget, default)
    st.selectbox(
        t("provider.label", lang), providers.NAMES, key=key, format_func=provider_label, help=t(help_key, lang)
    )
