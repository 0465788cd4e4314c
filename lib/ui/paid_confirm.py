"""Paid actions are confirmed: before a POST that spends credits goes out (Create's *Submit*, the
song tools' stems, full song and persona) a dialog says what will be sent — the gateway and its
host, the method and route, the body — and nothing is sent until its *Send*. The free sandbox asks
nothing. Just before a confirmed call goes out, the operator's daily limit is taken
(``spend_allowed``); a refusal is shown where the action was asked for.

A dialog is a fragment: *Send* reruns only the dialog, which records the request as confirmed and
asks for a full rerun; in that run the page's own code sends it, with its usual spinner, errors and
records. The waiting request is kept in the session, so the dialog is drawn again on any full run
until *Send*, *Cancel* or a dismissal, and so is everything the user typed (the form is untouched).
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import streamlit as st

from lib.gateway import providers, routes
from lib.gateway.profiles import GatewayProfile
from lib.i18n import t
from lib.library.store import HistoryUnavailable
from lib.studio.submit import Submission
from lib.text import escape_markdown
from lib.ui import access, resources, session
from lib.ui.session import PaidRefusal, PaidRequest

CREATE = "create"  # the Create page's Submit; song tools use their widget's key
_MASK = "••••••"
# A longer body scrolls inside the dialog, so Send stays in view (lyrics are one long JSON line).
_TALL_BODY_LINES, _TALL_BODY_CHARS = 16, 1200


# A paid action's label on the free sandbox: the same action, without naming a cost.
_FREE_LABEL = {
    "tools.stems.start": "tools.stems.start.free",
    "tools.full_song.start": "tools.full_song.start.free",
    "tools.persona.start": "tools.persona.start.free",
    "stems_v1.start": "stems_v1.start.free",
    "tools.try_again_paid": "tools.try_again",
}


def paid_label(key: str, lang: str) -> str:
    """A paid action's button: it names credits only where the gateway charges them."""
    free = session.current_profile().is_sandbox
    return t(_FREE_LABEL.get(key, key) if free else key, lang)


def confirm_paid(key: str, clicked: Submission | None, lang: str) -> Submission | None:
    """The one door of every paid POST; call it on every run where the action's button is drawn.

    ``clicked``: what a click asked to send in this run (None otherwise). Returns what to send
    now: on the free sandbox the click itself; elsewhere the confirmed request, on the full run
    after the dialog's *Send*. Otherwise draws the dialog while it waits (or the last refusal)."""
    state = session.paid_state()
    if clicked is not None:
        if state.refusal is not None and state.refusal.key == key:
            state.refusal = None  # a new attempt: the next answer replaces it
        if session.current_profile().is_sandbox:
            return clicked  # free: nothing to confirm
        state.request = PaidRequest(key, clicked, session.profile_key())
    _show_refusal(key, lang)
    request = state.request
    if request is None or request.key != key:
        return None
    if request.profile != session.profile_key():
        state.request = None  # the gateway changed since: the user confirmed another one
        return None
    if request.confirmed:
        state.request = None
        return request.submission
    _ask(request.submission, session.current_profile(), lang)
    return None


def is_confirmed(key: str) -> bool:
    """Whether this run will send ``key``'s request (its button is drawn disabled meanwhile)."""
    request = session.paid_state().request
    return request is not None and request.key == key and request.confirmed


def spend_allowed(key: str, submission: Submission) -> bool:
    """Takes one of today's paid calls right before the POST goes out; False: it must not go
    out, and ``confirm_paid`` shows why at ``key``'s place."""
    profile = session.current_profile()
    try:
        verdict = access.take_paid_call(profile, submission.action)
    except HistoryUnavailable as error:  # the library failed mid-count: it cannot be counted
        resources.history_failed(error)
        verdict = access.UNCOUNTED
    if verdict == access.PAID_OK:
        return True
    session.paid_state().refusal = PaidRefusal(key, session.profile_key(), verdict, access.paid_limit())
    return False


def _show_refusal(key: str, lang: str) -> None:
    refusal = session.paid_state().refusal
    if refusal is None or refusal.key != key or refusal.profile != session.profile_key():
        return
    if refusal.verdict == access.OVER_LIMIT:
        st.error(t("paid.over_limit", lang, limit=refusal.limit), icon=":material/block:")
    else:
        st.error(t("paid.uncounted", lang), icon=":material/cloud_off:")


def _host(profile: GatewayProfile) -> str:
    # Never what may precede an "@": a base URL is refused with one, but the dialog must not
    # be where a credential shows should one slip through.
    return urlsplit(profile.base_url.strip()).netloc.rpartition("@")[2]


def _body_text(submission: Submission, api_key: str) -> tuple[str, bool]:
    """The body as sent, as JSON text; the key masked should the user have typed it into a field."""
    text = json.dumps(dict(submission.body), indent=2, ensure_ascii=False, default=str)
    if api_key and api_key in text:
        return text.replace(api_key, _MASK), True
    return text, False


def _ask(submission: Submission, profile: GatewayProfile, lang: str) -> None:
    # The route as the session's dialect sends it (a v1-only gateway's twin of a new-api route).
    route = providers.get(profile.provider).submit_routes().get(submission.route) or routes.submit_route(
        submission.route
    )
    method, path = (route.method, route.path) if route else (submission.method, submission.route)
    body, masked = _body_text(submission, profile.api_key)

    @st.dialog(t("paid.title", lang), width="medium", icon=":material/payments:", on_dismiss=_dismissed)
    def dialog() -> None:
        st.markdown(t("paid.intro", lang))
        # Bold labels without colons: "Gateway:" and "网关：" would need different spacing.
        st.markdown(
            f"**{t('paid.gateway', lang)}** {escape_markdown(profile.name)} · {escape_markdown(_host(profile))}"
        )
        st.markdown(f"**{t('paid.route', lang)}** :violet-badge[{method}] `{path}`")
        st.markdown(f"**{t('paid.body', lang)}**")
        tall = body.count("\n") + 1 > _TALL_BODY_LINES or len(body) > _TALL_BODY_CHARS
        st.code(body, language="json", wrap_lines=True, height=360 if tall else "content")
        if masked:
            st.warning(t("paid.key_masked", lang), icon=":material/key:")
        st.caption(f"{t('paid.key_note', lang)}  \n{t('paid.cost_unknown', lang)}")
        cancel, send = st.columns(2)
        if cancel.button(t("paid.cancel", lang), key="paid_cancel", width="stretch"):
            session.paid_state().request = None  # the form keeps what was typed: only this goes
            st.rerun()
        if send.button(t("paid.send", lang), key="paid_send", type="primary", icon=":material/send:", width="stretch"):
            _confirm()
            st.rerun()  # a full run: the page sends it there, and the dialog is not drawn again

    dialog()


def _confirm() -> None:
    state = session.paid_state()
    if state.request is not None:
        state.request = PaidRequest(state.request.key, state.request.submission, state.request.profile, True)


def _dismissed() -> None:
    session.paid_state().request = None  # closed with ✕, Esc or a click outside: as Cancel
