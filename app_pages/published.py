"""Published page: every song page this visitor published, with its link and *Unpublish*."""

import streamlit as st

from lib.i18n import t
from lib.ui import session
from lib.ui.publish_panel import my_publications

lang = session.language()
st.title(t("page.published.title", lang))
st.caption(t("publish.page_help", lang))
my_publications(lang)
