"""The frame: page config, navigation, shared sidebar, then the selected page."""
import streamlit as st

from lib.ui import session
from lib.i18n import t
from lib.ui.create_form import PREFIX as CREATE_PREFIX
from lib.ui.history_view import FILTER_PREFIX
from lib.ui.sidebar import render_sidebar

st.set_page_config(page_title="Music Task Studio", page_icon=":material/music_note:", layout="wide")

lang = session.language()
pages = [
    st.Page("app_pages/create.py", title=t("nav.create", lang), icon=":material/edit_note:",
            url_path="create", default=True, help=t("nav.create.help", lang)),
    st.Page("app_pages/task.py", title=t("nav.task", lang), icon=":material/library_music:",
            url_path="task", help=t("nav.task.help", lang)),
    st.Page("app_pages/history.py", title=t("nav.history", lang), icon=":material/history:",
            url_path="history", help=t("nav.history.help", lang)),
]
page = st.navigation(pages)
session.keep_widget_state(FILTER_PREFIX)
session.keep_widget_state(CREATE_PREFIX)
render_sidebar(lang)
session.show_flash()
page.run()
