"""The Batch page's table: every task of the batch in one table that updates itself, from the
library's rows. With the webhook receiver on, callbacks finish the rows and nothing is polled
(unless a task has been silent for ``CALLBACK_GRACE_S``); otherwise the unfinished rows are
fetched together every ``POLL_S``, each through its own gateway (``refresh_entries``, as the
History page's *Refresh unfinished*)."""

from __future__ import annotations

import time
from datetime import timedelta
from urllib.parse import quote

import pandas as pd
import streamlit as st

from lib.i18n import t
from lib.i18n.labels import STATUS_LABEL
from lib.library.entries import as_utc, utc_now
from lib.library.refresh import refresh_entries
from lib.library.store import HistoryEntry, HistoryUnavailable
from lib.studio import batch
from lib.studio.callback_follow import CALLBACK_GRACE_S
from lib.ui import access, resources, session
from lib.ui.errors import show_error

POLL_S = 5.0
TICK_S = 2.0
_ITEM_STATE = {
    batch.WAITING: "batch.state.waiting",
    batch.SENDING: "status.SENDING",
    batch.REJECTED: "status.REJECTED",
    batch.UNKNOWN: "status.OUTCOME_UNKNOWN",
    batch.NOT_SENT: "batch.state.not_sent",
}
_STOPPED = {
    "unknown": "batch.stopped.unknown",
    "refused": "batch.stopped.refused",
    access.OVER_LIMIT: "batch.stopped.over_limit",
    access.UNCOUNTED: "batch.stopped.uncounted",
}


def show_batch(state: session.BatchState, lang: str) -> None:
    job = state.job
    assert job is not None
    st.subheader(t("batch.follow.title", lang, count=len(job.items)), divider="gray")
    active = not job.finished or bool(_unfinished(job, _entries(job)))

    @st.fragment(run_every=TICK_S if active else None)
    def table() -> None:
        entries = _entries(job)
        if _poll(state, _unfinished(job, entries), lang):
            entries = _entries(job)
        _draw(job, entries, lang)
        if active and job.finished and not _unfinished(job, entries):
            st.rerun()  # everything is done: a full run draws the table without the timer

    table()
    if job.finished and st.button(t("batch.new", lang), icon=":material/add:", key="batch_new"):
        state.job = None
        st.rerun()


def _entries(job: batch.BatchJob) -> dict[int, HistoryEntry]:
    store = resources.history()
    if store is None:
        return {}
    found = {}
    for item in job.items:
        if item.row_id is not None:
            try:
                entry = store.get(item.row_id)
            except HistoryUnavailable as error:
                resources.history_failed(error)
                return found
            if entry is not None:
                found[item.row_id] = entry
    return found


def _unfinished(job: batch.BatchJob, entries: dict[int, HistoryEntry]) -> list[HistoryEntry]:
    return [entry for entry in entries.values() if entry.task_id and not entry.is_final]


def _poll(state: session.BatchState, unfinished: list[HistoryEntry], lang: str) -> bool:
    """Fetches what needs fetching now; whether anything was asked."""
    job = state.job
    if not unfinished or job is None or time.time() - state.polled_at < POLL_S:
        return False
    if job.by_callback:
        silent = utc_now() - timedelta(seconds=CALLBACK_GRACE_S)
        unfinished = [entry for entry in unfinished if (as_utc(entry.updated_at) or silent) <= silent]
        if not unfinished:
            return False
    store = resources.history()
    if store is None:
        return False
    state.polled_at = time.time()
    try:
        report = refresh_entries(store, unfinished, session.client_for)
    except HistoryUnavailable as error:
        resources.history_failed(error)
        return False
    if report.errors:
        show_error(report.errors[0], lang)
    return True


def _draw(job: batch.BatchJob, entries: dict[int, HistoryEntry], lang: str) -> None:
    total = len(job.items)
    done = sum(entry.is_final for entry in entries.values())
    st.progress(job.sent / max(total, 1), text=t("batch.follow.progress", lang, sent=job.sent, total=total, done=done))
    if job.stopped_by:
        key = _STOPPED.get(job.stopped_by, "batch.stopped.refused")
        st.warning(t(key, lang, limit=access.paid_limit()), icon=":material/block:")
    rows = [_row(item, entries.get(item.row_id) if item.row_id else None, job.platform, lang) for item in job.items]
    st.dataframe(
        pd.DataFrame(rows),
        hide_index=True,
        width="stretch",
        key="batch_table",
        column_config={
            "number": st.column_config.NumberColumn("#", width="small"),
            "prompt": st.column_config.TextColumn(t("batch.table.prompt", lang)),
            "status": st.column_config.TextColumn(t("table.status", lang)),
            "title": st.column_config.TextColumn(t("table.title", lang)),
            "songs": st.column_config.NumberColumn(t("batch.table.songs", lang), width="small"),
            "task": st.column_config.LinkColumn(t("task.field.task_id", lang), display_text=r"id=([^&]+)"),
            "note": st.column_config.TextColumn(t("batch.table.note", lang)),
        },
    )
    how = "webhook.following" if job.by_callback else "batch.follow.polling"
    st.caption(t(how, lang, seconds=int(POLL_S)))


def _row(item: batch.BatchItem, entry: HistoryEntry | None, platform: str, lang: str) -> dict:
    if entry is None or item.state != batch.SENT:
        status = t(_ITEM_STATE.get(item.state, "status.SENDING"), lang)
        note = item.message if item.state != batch.NOT_SENT else ""
        return {"number": item.number, "prompt": item.label, "status": status, "note": note[:300]}
    # Relative: the Task page beside this one, under whatever path the app is served.
    link = f"task?id={quote(entry.task_id)}&platform={entry.platform or platform}" if entry.task_id else None
    return {
        "number": item.number,
        "prompt": item.label,
        "status": t(STATUS_LABEL.get(entry.status, "status.UNKNOWN"), lang),
        "title": entry.title,
        "songs": entry.song_count or None,
        "task": link,
        "note": (entry.fail_reason or "")[:300],
    }
