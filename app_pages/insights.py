"""Insights page: charts and figures over the visitor's own library, with the History filters."""

import streamlit as st

from lib.i18n import t
from lib.library.store import HistoryUnavailable
from lib.ui import resources, session
from lib.ui.errors import show_library_unavailable
from lib.ui.insights_view import show_insights

lang = session.language()
st.title(t("insights.title", lang))
st.caption(t("insights.caption", lang))
store = resources.history()
if store is None:
    show_library_unavailable(resources.history_problem() or "", lang)
else:
    try:
        show_insights(store, lang)
    except HistoryUnavailable as error:  # the database went away after the app opened it
        resources.history_failed(error)
        show_library_unavailable(str(error), lang)
