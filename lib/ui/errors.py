"""One way to show a failure: the gateway's own words as text, the HTTP facts, a hint."""

from __future__ import annotations

import streamlit as st

from lib.gateway.errors import GatewayError
from lib.i18n import t
from lib.text import escape_markdown
from lib.ui import access

# GatewayError.kind -> catalog keys of its title and its hint.
_TITLE = {
    "gateway": "error.gateway",
    "invalid_input": "error.invalid_input",
    "address_refused": "error.address_refused",
    "bad_request": "error.bad_request",
    "authentication": "error.authentication",
    "quota": "error.quota",
    "not_found": "error.not_found",
    "rate_limited": "error.rate_limited",
    "server": "error.server",
    "unsupported_route": "error.unsupported_route",
    "protocol": "error.protocol",
    "connection": "error.connection",
    "timeout": "error.timeout",
    "outcome_unknown": "error.outcome_unknown",
}
_HINT = {
    "gateway": "hint.gateway",
    "invalid_input": "hint.invalid_input",
    "address_refused": "hint.address_refused",
    "bad_request": "hint.bad_request",
    "authentication": "hint.authentication",
    "quota": "hint.quota",
    "not_found": "hint.not_found",
    "rate_limited": "hint.rate_limited",
    "server": "hint.server",
    "unsupported_route": "hint.unsupported_route",
    "protocol": "hint.protocol",
    "connection": "hint.connection",
    "timeout": "hint.timeout",
    "outcome_unknown": "hint.outcome_unknown",
}


def error_facts(error: GatewayError, lang: str) -> list[str]:
    """The HTTP facts of a failure (status, code, request id, Retry-After), for support."""
    facts = []
    if error.status is not None:
        facts.append(f"HTTP {error.status}")
    if error.code:
        facts.append(f"code {error.code}")
    if error.request_id:
        facts.append(f"request id {error.request_id}")
    retry_after = getattr(error, "retry_after", None)  # a 429's Retry-After: when to try again
    if retry_after is not None:
        facts.append(t("error.retry_after", lang, seconds=f"{retry_after:g}"))
    return facts


def show_error(error: GatewayError, lang: str) -> None:
    facts = error_facts(error, lang)
    lines = [f"**{escape_markdown(t(_TITLE.get(error.kind, 'error.gateway'), lang))}**"]
    if error.gateway_message:
        lines.append(escape_markdown(error.gateway_message))
    if facts:
        lines.append(escape_markdown(" · ".join(facts)))
    st.error("\n\n".join(lines), icon=":material/error:")
    st.caption(escape_markdown(t(_HINT.get(error.kind, "hint.gateway"), lang)))


def show_library_unavailable(detail: str, lang: str) -> None:
    """The library's database cannot be reached. Its own words (a file path, a server name) are
    for operators only, folded away."""
    detail = access.operator_detail(detail)
    st.error(t("history.unavailable", lang), icon=":material/database:")
    st.caption(t("history.unavailable.hint" if detail else "history.unavailable.hint_user", lang))
    if detail:
        with st.expander(t("ui.history.operator_details", lang), icon=":material/build:"):
            st.caption(escape_markdown(detail))
