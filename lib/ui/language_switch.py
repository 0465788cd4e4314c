"""The language switch (中文 / English), drawn in the sidebar and on the sign-in screen: one widget
key, so a choice made on either holds on the other."""

from __future__ import annotations

import streamlit as st

from lib.i18n import LANGUAGES, t
from lib.ui import session


def language_switch(lang: str, *, show_label: bool = True) -> None:
    st.segmented_control(
        t("sidebar.language", lang),
        list(LANGUAGES),
        key=session.LANGUAGE_KEY,
        format_func=LANGUAGES.get,
        required=True,
        label_visibility="visible" if show_label else "collapsed",
    )
