"""The sign-in gate of a shared server, and who is signed in, as the visitor sees it.

With ``[auth]`` configured, a visitor who is not let in (signed out, sign-in expired, refused by
the operator's policy, or an identity the app cannot read) sees only the sign-in screen: no
sidebar, no page, nothing of anyone's library. Without ``[auth]`` the app is the single-user
tool it always was, and says so where that matters (the library).

Streamlit's own OIDC sign-in does the work (``st.login`` / ``st.logout``, routes on its server);
the decisions come from ``lib.access``.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from lib.access.visitor import Admission, Verdict, Visitor
from lib.i18n import t
from lib.text import inline_code
from lib.ui import access, resources
from lib.ui.language_switch import language_switch

# What each kind of "not let in" says, and which button gets the visitor further: signing in
# again helps a signed-out or expired visitor; a refused or unreadable identity must sign out
# first (signing in again would bring back the same identity).
_MESSAGE = {
    Admission.EXPIRED: "signin.expired",
    Admission.REFUSED: "signin.refused",
    Admission.UNREADABLE: "signin.unreadable",
}
_SIGN_OUT_FIRST = {Admission.REFUSED, Admission.UNREADABLE}


def gate(pages: Sequence[st.Page], lang: str) -> Visitor:
    """The visitor, when they may use the app; otherwise draws the sign-in screen and stops the
    run. ``pages``: the app's pages, registered hidden so that a deep link stays valid and the
    navigation a signed-in run drew is taken away."""
    found = access.verdict()
    if found.admission is Admission.ADMITTED and found.visitor is not None:
        return found.visitor
    st.navigation(list(pages), position="hidden")
    _screen(found, lang)
    st.stop()
    raise AssertionError("st.stop() ends the run")  # pragma: no cover - for type checkers


def _screen(found: Verdict, lang: str) -> None:
    _, middle, _ = st.columns([1, 2, 1])
    with middle:
        st.title(t("signin.app_name", lang), anchor=False)
        st.markdown(t("signin.why", lang))
        key = _MESSAGE.get(found.admission)
        if key is not None:
            who = (found.visitor.email or found.visitor.subject) if found.visitor else ""
            text = t(key, lang, who=inline_code(who))  # the provider's words, shown verbatim
            if found.admission is Admission.EXPIRED:
                st.warning(text, icon=":material/schedule:")
            else:
                st.error(text, icon=":material/block:")
        if found.admission in _SIGN_OUT_FIRST:
            if st.button(t("signin.sign_out", lang), key="signin-logout", icon=":material/logout:"):
                st.logout()
        elif st.button(t("signin.sign_in", lang), key="signin-login", icon=":material/login:", type="primary"):
            st.login(resources.settings().sign_in_provider or None)
        language_switch(lang, show_label=False)


def show_account(visitor: Visitor, lang: str) -> None:
    """In the sidebar: who is signed in (as text: names come from the identity provider), an
    operator marked as such, and the way out."""
    if not visitor.signed_in:
        return
    with st.container(gap="small"):  # one compact block above the gateway picker
        st.caption(f":material/account_circle: {t('signin.signed_in', lang)}")
        with st.container(gap=None):
            # st.text, not Markdown: escaped Markdown still turns an email or a URL-like name into a link.
            st.text(visitor.name)
            if visitor.email and visitor.email != visitor.name:
                st.text(visitor.email)
        if visitor.is_operator:
            st.badge(t("signin.operator", lang), icon=":material/shield_person:", color="violet")
        limit = access.paid_limit()
        if limit > 0:  # what is left of today's paid calls on the operator's keys
            used = access.paid_calls_today()
            st.caption(t("signin.paid_today", lang, used="?" if used is None else used, limit=limit))
        if st.button(t("signin.sign_out", lang), key="signin-sidebar-logout", icon=":material/logout:"):
            st.logout()
    st.divider()
