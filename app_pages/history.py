"""History page: the library of every task submitted or inspected here, kept across restarts."""

import streamlit as st

from lib.i18n import t
from lib.library.store import HistoryUnavailable
from lib.ui import resources, session
from lib.ui.errors import show_library_unavailable
from lib.ui.history_view import show_library

lang = session.language()
st.title(t("page.history.title", lang))
store = resources.history()
if store is None:
    show_library_unavailable(resources.history_problem() or "", lang)
else:
    try:
        show_library(store, lang)
    except HistoryUnavailable as error:  # the database went away after the app opened it
        resources.history_failed(error)
        show_library_unavailable(str(error), lang)
