"""Create page: every Suno and Udio submission mode, validated, previewed and sent once."""

import streamlit as st

from lib.i18n import t
from lib.ui import session
from lib.ui.create_form import render_create

lang = session.language()
st.title(t("page.create.title", lang))
st.caption(t("page.create.intro", lang))
render_create(lang)
