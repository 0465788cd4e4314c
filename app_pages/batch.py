"""Batch page: many prompts become many tasks, confirmed at once, sent gently, followed together."""

import streamlit as st

from lib.i18n import t
from lib.ui import session
from lib.ui.batch_view import render_batch

lang = session.language()
st.title(t("batch.title", lang))
st.caption(t("batch.intro", lang))
render_batch(lang)
