"""History page (placeholder until its issue lands)."""
import streamlit as st

from lib import state
from lib.i18n import t

lang = state.language()
st.title(t("page.history.title", lang))
st.write(t("page.history.intro", lang))
st.info(t("page.coming_soon", lang), icon=":material/construction:")
