"""Following one task live: a fragment polls it until it ends, then the page renders it once."""

from __future__ import annotations

import time

import streamlit as st

from lib.gateway.errors import GatewayConnectionError, GatewayError, ProtocolError, RateLimitError, ServerError
from lib.i18n import t
from lib.studio.task_lookup import FOLLOW_LIMIT_S, lookup_task, poll_interval
from lib.ui import session
from lib.ui.errors import show_error
from lib.ui.publish_panel import publish_panel
from lib.ui.task_detail import render_task

# Worth waiting out while following: the gateway may recover by itself. An unreadable answer
# (cut off, oversized, ``data: null`` before the upstream knows the task) is usually a passing
# glitch of the gateway or a proxy, and reads are free, so it is waited out too.
_TRANSIENT = (GatewayConnectionError, RateLimitError, ServerError, ProtocolError)


def show_task(task_id: str, platform: str | None, lang: str) -> None:
    finished = session.finished_tasks().get(task_id)
    if finished is not None:
        publish_panel(finished, lang)
        render_task(finished, lang)
        return
    stopped = session.stopped_errors().get(task_id)
    if stopped is not None:
        show_error(stopped, lang)
        if st.button(t("error.retry", lang), key=f"retry-{task_id}", icon=":material/refresh:"):
            session.stopped_errors().pop(task_id, None)
            session.follow_started(task_id, reset=True)
            st.rerun()
        return
    elapsed = time.time() - session.follow_started(task_id)
    if elapsed > FOLLOW_LIMIT_S:
        _paused(task_id, lang)
        return
    platform = platform or session.platform_of(task_id)
    interval = poll_interval(elapsed)

    @st.fragment(run_every=interval)
    def follow() -> None:
        now = time.time()
        try:
            task = lookup_task(session.get_client(), task_id, platform)
        except GatewayError as error:
            if not isinstance(error, _TRANSIENT):
                session.stopped_errors()[task_id] = error
                st.rerun()
            show_error(error, lang)
            seen = session.last_seen(task_id)
            if seen:
                st.caption(t("task.updated", lang, seconds=int(now - seen[1]), next=int(interval)))
                render_task(seen[0], lang)
            return
        session.remember_seen(task, task_id)
        if task.is_terminal or poll_interval(now - session.follow_started(task_id)) != interval:
            st.rerun()  # a full run renders the finished task without a timer, or re-arms it slower
        st.caption(t("task.updated", lang, seconds=0, next=int(interval)))
        render_task(task, lang)

    follow()


def _paused(task_id: str, lang: str) -> None:
    minutes = FOLLOW_LIMIT_S // 60
    st.warning(t("task.paused", lang, minutes=minutes), icon=":material/pause_circle:")
    if st.button(t("task.check_again", lang), key=f"again-{task_id}", icon=":material/refresh:"):
        session.follow_started(task_id, reset=True)
        st.rerun()
    seen = session.last_seen(task_id)
    if seen:
        render_task(seen[0], lang)
