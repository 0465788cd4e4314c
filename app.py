"""The frame: page config, settings check, sign-in gate, navigation, shared sidebar, then the
selected page."""

import logging
from pathlib import Path

import streamlit as st

from lib.i18n import t
from lib.settings import SettingsError, configure_allocator, configure_logging
from lib.text import escape_markdown
from lib.ui import resources, session, sign_in
from lib.ui.sidebar import render_sidebar

FAVICON = Path(__file__).parent / "static" / "favicon.png"
st.set_page_config(page_title="Music Task Studio", page_icon=FAVICON, layout="wide")

configure_allocator()  # once per server, before its sessions allocate (lib/settings.py says why)
session.capture_widgets()  # first: what the browser sent survives a page or language switch
lang = session.language()
st.set_page_config(page_title=t("signin.app_name", lang))
try:
    configure_logging(resources.settings().log_level)
except SettingsError as error:  # checked before anything uses a setting, with the setting named
    logging.getLogger("lib.settings").error("bad setting %s", error)
    st.error(
        t("app.bad_setting", lang, name=error.name.replace("`", "'"), problem=escape_markdown(error.problem)),
        icon=":material/settings_alert:",
    )
    st.stop()
resources.webhook_receiver()  # started with the app when WEBHOOK_PORT is set (docs/deploying.md)
create = st.Page(
    "app_pages/create.py",
    title=t("nav.create", lang),
    icon=":material/edit_note:",
    url_path="create",
    help=t("nav.create.help", lang),
)
# Streamlit serves the default page at "/" only, so "/create" would be "Page not found" if Create
# were the default: the root is a hidden page that forwards to /create instead.
home = st.Page(lambda: None, title=t("nav.create", lang), url_path="home", default=True, visibility="hidden")
pages = [
    home,
    create,
    st.Page(
        "app_pages/task.py",
        title=t("nav.task", lang),
        icon=":material/library_music:",
        url_path="task",
        help=t("nav.task.help", lang),
    ),
    st.Page(
        "app_pages/history.py",
        title=t("nav.history", lang),
        icon=":material/history:",
        url_path="history",
        help=t("nav.history.help", lang),
    ),
]
pages.append(
    st.Page(
        "app_pages/batch.py",
        title=t("batch.nav", lang),
        icon=":material/playlist_add:",
        url_path="batch",
        help=t("batch.nav.help", lang),
    )
)
pages.append(
    st.Page(
        "app_pages/insights.py",
        title=t("nav.insights", lang),
        icon=":material/insights:",
        url_path="insights",
        help=t("nav.insights.help", lang),
    )
)
pages.append(
    st.Page(
        "app_pages/published.py",
        title=t("nav.published", lang),
        icon=":material/public:",
        url_path="published",
        help=t("nav.published.help", lang),
    )
)
# A published song page: read-only, for stakeholders, with nothing else of the app around it.
listen = st.Page("app_pages/listen.py", title=t("publish.page_title", lang), url_path="listen", visibility="hidden")
if st.navigation([*pages, listen], position="hidden") is listen:  # which page the link asked for
    st.set_page_config(page_title=t("ui.page_title", lang, page=listen.title))
    current = resources.settings()
    if current.sign_in and not current.access.public_links:
        sign_in.gate([*pages, listen], lang)  # the operator keeps published pages to signed-in users
    listen.run()
    st.stop()
# With sign-in configured, a visitor who is not let in sees the sign-in screen and nothing else.
sign_in.gate([*pages, listen], lang)
page = st.navigation([*pages, listen])
if page is home:
    st.switch_page(create, query_params=st.query_params.to_dict())
# The browser tab names the page first, as "Create · Music Task Studio", for a row of tabs.
st.set_page_config(page_title=t("ui.page_title", lang, page=page.title))
render_sidebar(lang)
session.show_flash()
page.run()
