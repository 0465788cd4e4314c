"""The sidebar's balance line: what the key has left and has used, where the gateway says it
(``lib.gateway.account``; kept a minute per gateway and key by ``lib.studio.gateway_account``),
e.g. "Balance $12.30 · used $0.40". Nothing at all when the gateway has no such route, the read
fails, or there is no key yet: a balance is a courtesy, not worth an error. The numbers are the
gateway's, formatted here; the key appears nowhere."""

from __future__ import annotations

import streamlit as st

from lib.gateway.account import USD, Balance
from lib.gateway.errors import GatewayError
from lib.i18n import t
from lib.studio import gateway_account
from lib.text import escape_markdown
from lib.ui import session


def show_balance(lang: str) -> None:
    profile = session.current_profile()
    if not profile.is_sandbox and not (profile.base_url and profile.api_key):
        return
    try:
        found = gateway_account.balance(session.get_client(), profile)
    except GatewayError:  # an address that is not one: the sidebar already says so
        return
    if found is not None:
        # Escaped: two "$" would read as a formula.
        text = escape_markdown(balance_text(found, lang))
        st.caption(f":material/account_balance_wallet: {text}", help=t("credits.help", lang))


def balance_text(found: Balance, lang: str) -> str:
    parts = []
    if found.unit == USD:
        if found.left is not None:
            parts.append(t("credits.balance_usd", lang, amount=f"{found.left:,.2f}"))
        if found.used is not None:
            parts.append(t("credits.used_usd", lang, amount=f"{found.used:,.2f}"))
    else:
        if found.left is not None:
            parts.append(t("credits.balance_credits", lang, amount=f"{found.left:,.0f}"))
        if found.used is not None:
            parts.append(t("credits.used_credits", lang, amount=f"{found.used:,.0f}"))
    text = " · ".join(parts)
    return text[:1].upper() + text[1:]
