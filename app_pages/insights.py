"""Insights page: charts and figures over the visitor's own library, with the History filters."""

import streamlit as st

from lib.i18n import t
from lib.library.store import HistoryUnavailable
from lib.text import escape_markdown
from lib.ui import access, resources, session
from lib.ui.insights_view import show_insights


def unavailable(detail: str) -> None:
    # The database's own words (a file path, a server name) are for operators only, folded away.
    detail = access.operator_detail(detail)
    st.error(t("history.unavailable", lang), icon=":material/database:")
    st.caption(t("history.unavailable.hint" if detail else "history.unavailable.hint_user", lang))
    if detail:
        with st.expander(t("ui.history.operator_details", lang), icon=":material/build:"):
            st.caption(escape_markdown(detail))


lang = session.language()
st.title(t("insights.title", lang))
st.caption(t("insights.caption", lang))
store = resources.history()
if store is None:
    unavailable(resources.history_problem() or "")
else:
    try:
        show_insights(store, lang)
    except HistoryUnavailable as error:  # the database went away after the app opened it
        resources.history_failed(error)
        unavailable(str(error))
