"""One way to show a failure: the gateway's own words as text, the HTTP facts, a hint."""
from __future__ import annotations

import streamlit as st

from lib.gateway.errors import GatewayError
from lib.i18n import t
from lib.text import escape_markdown


def show_error(error: GatewayError, lang: str) -> None:
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
    lines = [f"**{escape_markdown(t('error.' + error.kind, lang))}**"]
    if error.gateway_message:
        lines.append(escape_markdown(error.gateway_message))
    if facts:
        lines.append(escape_markdown(" · ".join(facts)))
    st.error("\n\n".join(lines), icon=":material/error:")
    st.caption(escape_markdown(t("hint." + error.kind, lang)))
