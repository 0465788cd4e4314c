"""Create page (placeholder until its issue lands)."""
import streamlit as st

from lib import state
from lib.i18n import t

lang = state.language()
st.title(t("page.create.title", lang))
st.write(t("page.create.intro", lang))
st.info(t("page.coming_soon", lang), icon=":material/construction:")
