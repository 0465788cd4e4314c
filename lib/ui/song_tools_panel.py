"""Song tools on a Suno song card: WAV, music video, stems, full song, persona (synced lyrics are
the card's sing-along, lib.ui.karaoke).

Each song's tools live in one fragment that ticks once a second while one of its jobs runs; a job
asks the gateway only when its own back-off says so. A route the gateway lacks is learned once per
session and gateway, and the tool then says so instead of calling it again. This module owns the
panel: its fragment, its tabs and advancing the jobs; what each tab draws is in lib.ui.song_tool_tabs.
"""

from __future__ import annotations

import time

import streamlit as st

from lib.gateway.errors import GatewayError
from lib.gateway.models import Song, Task
from lib.i18n import t
from lib.studio.capabilities import MISSING
from lib.studio.song_jobs import Conversion, FollowedTask, not_offered, tools_for
from lib.ui import session
from lib.ui.errors import show_error
from lib.ui.session import PaidRequest
from lib.ui.song_tool_jobs import any_running, current_job, drop_job, set_job

# The `name as name` imports are re-exports: tests/test_i18n.py checks those tables' catalog keys here.
from lib.ui.song_tool_tabs import _HELP as _HELP
from lib.ui.song_tool_tabs import _ICONS as _ICONS
from lib.ui.song_tool_tabs import _START as _START
from lib.ui.song_tool_tabs import RENDERERS

_TAB_LABEL = {
    "wav": "tools.wav",
    "mp4": "tools.mp4",
    "stems": "tools.stems",
    "full_song": "tools.full_song",
    "persona": "tools.persona",
}
TICK_S = 1.0


def render_song_tools(song: Song, task: Task, lang: str, key: str) -> None:
    """The tools as a menu of the card's action row (an icon button opening a panel of tabs)."""
    # Only the tools this panel draws: a tool tools_for() names may be shown elsewhere on the card.
    tools = tuple(tool for tool in tools_for(song, task) if tool in RENDERERS)
    if not tools:
        return
    menu = f"tools-{key}"
    # A paid tool's confirmation dialog must not open under the menu (the menu would take its
    # clicks): the menu closes while the dialog asks, and opens again on *Send* to show the job.
    asking = _paid_request(key)
    if asking is not None:
        session.set_widget_state(menu, asking[1].confirmed)
    # The menu's open state is kept (on_change), so its identity must not change: a constant icon.
    with st.popover("", icon=":material/construction:", help=t("tools.title", lang), key=menu, on_change="rerun"):
        _panel(song, task, tools, lang, key)


# Where a paid tool asks for its confirmation (lib.ui.song_tool_tabs' keys, without the card's key).
_PAID_PLACES = {"stems": "tool-start-stems-", "full_song": "tool-start-full_song-", "persona": "tool-persona-form-"}


def _paid_request(key: str) -> tuple[str, PaidRequest] | None:
    """(tool, request) of a paid request one of this song's tools asked for, if one waits."""
    request = session.paid_state().request
    for tool, place in _PAID_PLACES.items():
        if request is not None and request.key == f"{place}{key}":
            return tool, request
    return None


def _panel(song: Song, task: Task, tools: tuple[str, ...], lang: str, key: str) -> None:
    running = any_running(song, tools)

    @st.fragment(run_every=TICK_S if running else None)
    def panel() -> None:
        try:
            client = session.get_client()
        except GatewayError as error:
            show_error(error, lang)
            return
        _advance(song, tools, client)
        if any_running(song, tools) != running:
            st.rerun()  # arm the timer for a job just started, or drop it when the last one ends
        asked = _paid_request(key)
        labels = {tool: t(_TAB_LABEL[tool], lang) for tool in tools}
        chosen = f"tools-tab-{key}"
        if asked is not None and asked[0] in labels:
            session.set_widget_state(chosen, labels[asked[0]])  # the menu reopens on the tool that asked
        offered = session.capabilities()
        for tab, tool in zip(st.tabs(list(labels.values()), key=chosen, on_change="rerun"), tools):
            with tab:
                if offered.get(tool) == MISSING and current_job(tool, song) is None:
                    _not_offered(tool, lang, key)
                else:
                    RENDERERS[tool](tool, song, task, client, lang, key)
        if _paid_request(key) not in (None, asked):
            st.rerun()  # a paid request just asked: a full run closes the menu over its dialog

    panel()


def _advance(song: Song, tools: tuple[str, ...], client) -> None:
    now = time.time()
    for tool in tools:
        job = current_job(tool, song)
        if job is None or not job.running:
            continue
        job = job.advance(client, now)
        if isinstance(job, FollowedTask) and job.task is not None:
            session.record_in_history(job.task)
        if isinstance(job, Conversion) and job.url:
            session.remember_media_urls([job.url])  # the server may fetch what the gateway named
        if job.error is not None and not_offered(job.error):
            session.learn_capability(tool, False)  # the tab says so from now on
            drop_job(tool, song)
            continue
        if job.error is None:
            session.learn_capability(tool, True)
        set_job(tool, song, job)


def _not_offered(tool: str, lang: str, key: str) -> None:
    st.info(t("tools.not_offered", lang), icon=":material/block:")
    st.caption(t("tools.not_offered.help", lang))
    # Callbacks, not a rerun: this may draw in a full run, where a fragment-scoped rerun is refused.
    st.button(
        t("tools.ask_again", lang),
        key=f"tool-again-{tool}-{key}",
        type="tertiary",
        icon=":material/refresh:",
        on_click=session.forget_capability,
        args=(tool,),
    )
