"""The shared sidebar: who is signed in, gateway picker, session-only key, language switch."""

from __future__ import annotations

from urllib.parse import urlsplit

import streamlit as st

from lib.gateway.addresses import base_url_extras
from lib.gateway.client import normalise_base_url
from lib.gateway.errors import GatewayError, InvalidInputError
from lib.gateway.profiles import CUSTOM, SANDBOX
from lib.i18n import t
from lib.i18n.labels import STATUS_LABEL
from lib.studio import capabilities
from lib.studio.capabilities import MISSING, OFFERED, UNKNOWN
from lib.text import escape_markdown
from lib.ui import access, credits, resources, session, sign_in
from lib.ui.language_switch import language_switch
from lib.ui.provider_select import render_provider_choice


def render_sidebar(lang: str) -> None:
    with st.sidebar:
        sign_in.show_account(access.visitor(), lang)  # nothing without sign-in
        choices = session.gateway_choices()
        labels = {SANDBOX: t("sidebar.option.sandbox", lang), CUSTOM: t("sidebar.option.custom", lang)}
        gateway_key = session.widget_key(session.GATEWAY, choices[0])
        if session.value(session.GATEWAY) not in choices:  # the configuration changed under this session
            session.correct_value(session.GATEWAY, choices[0])
        st.selectbox(
            t("sidebar.gateway", lang),
            choices,
            key=gateway_key,
            format_func=lambda name: labels.get(name, name),
            help=t("sidebar.gateway.help", lang),
        )
        if session.current_gateway_name() == CUSTOM:
            url = st.text_input(
                t("sidebar.base_url", lang),
                key=session.widget_key(session.CUSTOM_BASE_URL, ""),
                placeholder="https://api.example.com",
                help=t("sidebar.base_url.help", lang),
            )
            if url and not _valid(url):
                # A query or fragment is an address all the same: say what to drop, not "not http(s)".
                problem = "sidebar.bad_url_parts" if base_url_extras(url.strip()) else "sidebar.bad_url"
                st.warning(t(problem, lang), icon=":material/link_off:")
        render_provider_choice(session.current_gateway_name(), lang)
        profile = session.current_profile()
        session.forget_other_typed_keys(profile.name, profile.base_url)
        if not profile.is_sandbox:
            # One field per gateway: a key typed for one gateway is never sent to another.
            key_name = session.api_key_name(profile.name, profile.base_url)
            st.text_input(
                t("sidebar.api_key", lang),
                type="password",
                key=key_name,
                on_change=session.remember_typed_key,
                args=(key_name,),
                autocomplete="off",
                placeholder=t("sidebar.api_key.placeholder", lang),
                help=t("sidebar.api_key.help", lang),
            )
            profile = session.current_profile()
            if profile.base_url and not profile.api_key:
                st.warning(t("sidebar.no_key", lang), icon=":material/key_off:")
        if profile.is_sandbox:
            _sandbox_badge(lang)
        elif profile.base_url and _valid(profile.base_url):
            host = urlsplit(normalise_base_url(profile.base_url)).netloc
            st.caption(escape_markdown(t("sidebar.using", lang, name=profile.name, host=host)))
        credits.show_balance(lang)  # the key's balance, where the gateway says it
        _capabilities(lang)
        _recent_tasks(lang)
        st.divider()
        st.toggle(
            t("sidebar.media_proxy", lang),
            key=session.widget_key(session.MEDIA_PROXY, False),
            help=t("sidebar.media_proxy.help", lang),
        )
        language_switch(lang)


def _sandbox_badge(lang: str) -> None:
    """One line on every page: a badge, and *More* for what the sandbox is and how to leave it."""
    with st.container(horizontal=True, vertical_alignment="center", gap="small", key="sandbox_notice"):
        st.badge(t("ui.sandbox.badge", lang), icon=":material/science:", color="violet")
        with st.popover(t("ui.sandbox.more", lang), type="tertiary", icon=":material/info:"):
            st.markdown(f"**{t('sidebar.sandbox_banner', lang)}**")
            st.markdown(t("sidebar.sandbox_detail", lang))


_STATUS_ICONS = {"SUCCESS": ":material/check_circle:", "FAILURE": ":material/error:", "UNKNOWN": ":material/help:"}


def _recent_tasks(lang: str) -> None:
    st.subheader(t("sidebar.recent", lang), divider=False)
    entries = session.recent_tasks()
    if entries is None:
        detail = access.operator_detail(resources.history_problem() or "")
        st.caption(
            escape_markdown(t("sidebar.history_down", lang, detail=detail or t("sidebar.history_down.user", lang)))
        )
        return
    if not entries:
        st.caption(t("sidebar.recent.empty", lang))
    for entry in entries:
        label = (entry.title or entry.task_id)[:40]
        st.page_link(
            "app_pages/task.py",
            label=escape_markdown(label),
            icon=_STATUS_ICONS.get(entry.status, ":material/hourglass_top:"),
            query_params={"id": entry.task_id, "platform": entry.platform},
            help=f"{t(STATUS_LABEL.get(entry.status, 'status.UNKNOWN'), lang)} · {entry.task_id}",
        )
    st.page_link("app_pages/history.py", label=t("sidebar.recent.all", lang), icon=":material/history:")


_CAPABILITY_MARKS = {
    OFFERED: ":green[:material/check_circle:]",
    MISSING: ":red[:material/block:]",
    UNKNOWN: ":gray[:material/help:]",
}
_CAPABILITY_WORDS = {OFFERED: "caps.offered", MISSING: "caps.missing", UNKNOWN: "caps.unknown"}
_CAPABILITY_NAMES = {
    "wav": "caps.name.wav",
    "mp4": "caps.name.mp4",
    "timing": "caps.name.timing",
    "udio": "caps.name.udio",
    "stems": "caps.name.stems",
    "full_song": "caps.name.full_song",
    "persona": "caps.name.persona",
    "midi": "midi.capability",
    "stems_v1": "stems_v1.capability",
}


def _capabilities(lang: str) -> None:
    with st.expander(t("caps.title", lang), icon=":material/fact_check:"):
        st.caption(t("caps.help", lang))
        if st.button(t("caps.probe", lang), key="caps-probe", icon=":material/radar:", width="stretch"):
            try:
                result = capabilities.probe(session.get_client())
            except GatewayError as error:
                result = capabilities.ProbeResult({}, error)
            for name, found in result.found.items():
                session.learn_capability(name, found == OFFERED)
            if result.problem is not None:
                st.caption(escape_markdown(f"{t('caps.probe_failed', lang)} {result.problem}"))
        known = session.capabilities()
        if known.get(capabilities.V1_ROUTES) == OFFERED:
            st.caption(t("v1.detected", lang))
        for name in capabilities.ALL:
            status = known.get(name, UNKNOWN)
            word = t(_CAPABILITY_WORDS[status], lang)
            if status == UNKNOWN and name in capabilities.LEARNED_ON_USE:
                word = t("caps.learned_on_use", lang)
            st.markdown(
                f"{_CAPABILITY_MARKS[status]} {escape_markdown(t(_CAPABILITY_NAMES[name], lang))} "
                f":gray[· {escape_markdown(word)}]"
            )


def _valid(url: str) -> bool:
    try:
        normalise_base_url(url)
    except InvalidInputError:
        return False
    return True
