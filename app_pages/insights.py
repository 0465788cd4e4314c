"""Insights page: charts and figures over the visitor's own library, with the History filters."""

import streamlit as st

from lib.i18n import t
from lib.library.store import HistoryUnavailable
from lib.text import escape_markdown
from lib.ui import access, resources, session, sign_in
from lib.ui.insights_view import show_insights


def unavailable(detail: str) -> None:
    detail = access.operator_detail(detail)  # the database's own words are for operators only
    st.error(f"**{t('history.unavailable', lang)}**  \n{escape_markdown(detail)}", icon=":material/database:")


lang = session.language()
st.title(t("insights.title", lang))
st.caption(t("insights.caption", lang))
sign_in.single_user_note(lang)
store = resources.history()
if store is None:
    unavailable(resources.history_problem() or "")
else:
    try:
        show_insights(store, lang)
    except HistoryUnavailable as error:  # the database went away after the app opened it
        resources.history_failed(error)
        unavailable(str(error))
