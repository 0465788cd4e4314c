"""Several tasks at once: a table that refreshes unfinished tasks together, one batch per tick."""

from __future__ import annotations

import time

import pandas as pd
import streamlit as st

from lib.gateway.errors import GatewayError
from lib.gateway.models import Task
from lib.i18n import t
from lib.i18n.labels import STATUS_LABEL
from lib.studio.task_lookup import estimate_progress, fetch_many
from lib.ui import resources, session
from lib.ui.errors import show_error

_LOADING_HEIGHT = 240


def show_tasks_table(ids: list[str], platform: str | None, lang: str) -> str | None:
    """Renders the table; returns the selected task's ID."""
    finished = session.finished_tasks()
    if not any(i in finished or session.last_seen(i) for i in ids):
        with st.skeleton(height=_LOADING_HEIGHT):  # a placeholder table if the first look is slow
            _refresh(ids, platform, lang)  # first look: fetch before drawing anything
    # Not-found IDs are not asked about again on every tick: only a retry (re-open) does that.
    unfinished = [i for i in ids if i not in finished and i not in session.missing_tasks()]
    every_s = resources.settings().task_poll_s  # one batch fetch per tick, whatever the count

    @st.fragment(run_every=every_s if unfinished else None)
    def refresher() -> None:
        if not unfinished or time.time() - session.table_refreshed_at() < every_s / 2:
            return  # the full run just fetched these
        before = {i: _status(i) for i in unfinished}
        _refresh(unfinished, platform, lang)
        if any(_status(i) != before[i] for i in unfinished):
            st.rerun()  # something moved: redraw the table
        st.caption(t("table.updated", lang, count=len(unfinished), seconds=int(every_s)))

    refresher()
    frame = pd.DataFrame([_row(i, lang) for i in ids])
    event = st.dataframe(
        frame,
        key="task_table",
        on_select="rerun",
        selection_mode="single-row",
        hide_index=True,
        placeholder="–",
        width="stretch",
        column_config={
            "cover": st.column_config.ImageColumn(t("table.cover", lang), width="small"),
            "task_id": st.column_config.TextColumn(t("task.field.task_id", lang)),
            "title": st.column_config.TextColumn(t("table.title", lang)),
            "status": st.column_config.TextColumn(t("table.status", lang)),
            "progress": st.column_config.ProgressColumn(
                t("table.progress", lang), min_value=0, max_value=100, format="%d%%"
            ),
            "platform": st.column_config.TextColumn(t("table.platform", lang)),
            "duration": st.column_config.NumberColumn(t("table.duration", lang), format="%.0f s"),
            "submitted": st.column_config.DatetimeColumn(t("table.submitted", lang), format="YYYY-MM-DD HH:mm:ss"),
        },
    )
    rows = event.selection.rows if event is not None else []
    st.caption(t("table.select_hint", lang))
    return ids[rows[0]] if rows else None


def _refresh(ids: list[str], platform: str | None, lang: str) -> None:
    try:
        known = {i: p for i in ids if (p := session.platform_of(i))}
        found, missing = fetch_many(session.get_client(), ids, platform, known)
    except GatewayError as error:
        # Asked all the same: the refresher must not ask (and explain) a second time this run.
        session.mark_table_refreshed()
        show_error(error, lang)
        return
    for task_id, task in found.items():
        session.remember_seen(task, task_id)
    session.mark_table_refreshed()
    session.missing_tasks().update(missing)
    session.missing_tasks().difference_update(found)


def _latest(task_id: str) -> Task | None:
    task = session.finished_tasks().get(task_id)
    if task is None:
        seen = session.last_seen(task_id)
        task = seen[0] if seen else None
    return task


def _status(task_id: str) -> str | None:
    task = _latest(task_id)
    return task.status.value if task else None


def _row(task_id: str, lang: str) -> dict:
    task = _latest(task_id)
    if task is None:
        missing = task_id in session.missing_tasks()
        return {
            "cover": None,
            "task_id": task_id,
            "title": "",
            "status": t("table.not_found" if missing else "table.loading", lang),
            "progress": 0,
            "platform": "",
            "duration": None,
            "submitted": None,
        }
    first = task.songs[0] if task.songs else None
    title = first.title if first else (task.lyrics.title if task.lyrics else "")
    return {
        "cover": first.image_url if first else None,
        "task_id": task_id,
        "title": title,
        "status": t(STATUS_LABEL[task.status.value], lang),
        "progress": estimate_progress(task).value,
        "platform": "Suno" if task.platform == "suno" else "Udio",
        "duration": first.duration if first else None,
        "submitted": pd.Timestamp(task.submitted_at) if task.submitted_at else None,
    }
