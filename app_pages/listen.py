"""A published song page: read-only, opened by its link alone (no key, no sign-in where the
operator allows public links), rendered from its stored snapshot with no gateway call."""

import streamlit as st

from lib.library.store import HistoryUnavailable
from lib.ui import resources, session
from lib.ui.published_view import not_available, show_publication

lang = session.language()
token = st.query_params.get("p", "")
store = resources.library()  # the token is the permission: not scoped to a visitor
try:
    publication = store.publication(token) if store is not None else None
except HistoryUnavailable:
    publication = None
if publication is None:
    not_available(lang)
else:
    show_publication(publication, lang)
