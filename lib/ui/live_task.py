"""Following one task live: a fragment polls it until it ends, then the page renders it once."""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import nullcontext

import streamlit as st

from lib.gateway.errors import (
    GatewayConnectionError,
    GatewayError,
    NotFoundError,
    ProtocolError,
    RateLimitError,
    ServerError,
)
from lib.gateway.models import Task
from lib.i18n import t
from lib.studio import callback_follow
from lib.studio.task_lookup import FOLLOW_LIMIT_S, lookup_task, poll_interval
from lib.text import escape_markdown
from lib.ui import resources, session
from lib.ui.errors import error_facts, show_error
from lib.ui.publish_panel import publish_panel
from lib.ui.task_detail import render_task

# Worth waiting out while following: the gateway may recover by itself. An unreadable answer
# (cut off, oversized, ``data: null`` before the upstream knows the task) is usually a passing
# glitch of the gateway or a proxy, and reads are free, so it is waited out too.
_TRANSIENT = (GatewayConnectionError, RateLimitError, ServerError, ProtocolError)
# Reserved while a task is fetched for the first time: about a summary line and a song card.
_LOADING_HEIGHT = 320


def show_task(task_id: str, platform: str | None, lang: str, share: Callable[[], None] | None = None) -> None:
    """``share``: draws the share-link button, on the task's summary line."""
    finished = session.finished_tasks().get(task_id)
    if finished is not None:

        def toolbar() -> None:
            if share is not None:
                share()
            publish_panel(finished, lang)

        render_task(finished, lang, toolbar)
        return
    stopped = session.stopped_errors().get(task_id)
    if isinstance(stopped, NotFoundError):
        not_found(stopped, lang)  # nothing to retry: the form above opens it again, changed
        return
    if stopped is not None:
        show_error(stopped, lang)
        if st.button(t("error.retry", lang), key=f"retry-{task_id}", icon=":material/refresh:"):
            session.stopped_errors().pop(task_id, None)
            session.follow_started(task_id, reset=True)
            st.rerun()
        return
    elapsed = time.time() - session.follow_started(task_id)
    if elapsed > FOLLOW_LIMIT_S:
        _paused(task_id, lang, share)
        return
    platform = platform or session.platform_of(task_id)
    # The webhook receiver's callbacks finish this task in the library: read the row, not the gateway.
    by_callbacks = session.callback_followed_row(task_id, platform) is not None
    first_s = resources.settings().task_poll_s
    interval = callback_follow.TICK_S if by_callbacks else poll_interval(elapsed, first_s)

    @st.fragment(run_every=interval)
    def follow() -> None:
        now = time.time()
        seen = session.last_seen(task_id)
        if by_callbacks:
            task = _from_callbacks(task_id, platform, lang)
            if task is None:
                return
        else:
            try:
                # The first look shows a placeholder if it takes a while; later ones keep the last answer.
                with st.skeleton(height=_LOADING_HEIGHT) if seen is None else nullcontext():
                    task = lookup_task(session.get_client(), task_id, platform)
            except GatewayError as error:
                if not isinstance(error, _TRANSIENT):
                    session.stopped_errors()[task_id] = error
                    st.rerun()
                show_error(error, lang)
                if seen:
                    st.caption(t("task.updated", lang, seconds=int(now - seen[1]), next=int(interval)))
                    render_task(seen[0], lang, share)
                return
        session.remember_seen(task, task_id)
        slower = not by_callbacks and poll_interval(now - session.follow_started(task_id), first_s) != interval
        if task.is_terminal or slower:
            st.rerun()  # a full run renders the finished task without a timer, or re-arms it slower
        if not by_callbacks:
            st.caption(t("task.updated", lang, seconds=0, next=int(interval)))
        render_task(task, lang, share)

    follow()


def _from_callbacks(task_id: str, platform: str | None, lang: str) -> Task | None:
    """The task as its last callback left it in the library; None (after a placeholder) before the
    first one. A row that stops being followed (silent too long) is fetched by a full run."""
    row = session.callback_followed_row(task_id, platform)
    if row is None:
        st.rerun()
    st.caption(t("webhook.task_following", lang))
    task = callback_follow.task_from_row(row)
    if task is None:
        st.skeleton(height=_LOADING_HEIGHT)
    return task


def _paused(task_id: str, lang: str, share: Callable[[], None] | None) -> None:
    minutes = FOLLOW_LIMIT_S // 60
    st.warning(t("task.paused", lang, minutes=minutes), icon=":material/pause_circle:")
    if st.button(t("task.check_again", lang), key=f"again-{task_id}", icon=":material/refresh:"):
        session.follow_started(task_id, reset=True)
        st.rerun()
    seen = session.last_seen(task_id)
    if seen:
        render_task(seen[0], lang, share)


def not_found(error: GatewayError, lang: str) -> None:
    """A task the gateway does not know: what to check, in plain words; the gateway's code and
    the HTTP facts folded below for whoever asks support."""
    st.warning(
        f"**{t('card.not_found.title', lang)}**\n\n{t('card.not_found.check', lang)}", icon=":material/search_off:"
    )
    with st.expander(t("card.not_found.details", lang), icon=":material/info:"):
        if error.gateway_message:
            st.markdown(escape_markdown(error.gateway_message))
        facts = error_facts(error, lang)
        if facts:
            st.caption(escape_markdown(" · ".join(facts)))
