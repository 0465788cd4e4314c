"""A whole task: header with status and times, the failure explained, songs, raw JSON."""

from __future__ import annotations

import json

import streamlit as st

from lib.gateway.models import Task, TaskStatus
from lib.i18n import t
from lib.i18n.labels import STATUS_LABEL
from lib.studio.task_lookup import (
    clip_text,
    estimate_progress,
    failure_kind,
    format_duration,
    format_time,
    unknown_status_word,
)
from lib.text import escape_markdown
from lib.ui.export_view import render_export
from lib.ui.karaoke import render_ab_switch
from lib.ui.song_card import clipped_note, render_lyrics_result, render_song

STATUS_COLOURS = {
    TaskStatus.SUCCESS: "green",
    TaskStatus.FAILURE: "red",
    TaskStatus.UNKNOWN: "red",
    TaskStatus.IN_PROGRESS: "blue",
    TaskStatus.QUEUED: "orange",
    TaskStatus.SUBMITTED: "gray",
    TaskStatus.NOT_START: "gray",
}


def status_badge(task: Task, lang: str) -> str:
    label = t(STATUS_LABEL[task.status.value], lang)
    if task.status_text and task.status_text.upper() != task.status.value:
        label += f" ({task.status_text})"
    return f":{STATUS_COLOURS[task.status]}-badge[{escape_markdown(label)}]"


def render_task(task: Task, lang: str) -> None:
    render_header(task, lang)
    if task.is_failure:
        render_failure(task, lang)
    if task.lyrics is not None:
        render_lyrics_result(task.lyrics, lang, key=task.task_id)
    elif task.songs:
        render_ab_switch(task, [f"{task.task_id}-{index}" for index in range(len(task.songs))], lang)
        for start in range(0, len(task.songs), 2):
            columns = st.columns(2)
            for column, index in zip(columns, range(start, min(start + 2, len(task.songs)))):
                with column:
                    render_song(task.songs[index], lang, key=f"{task.task_id}-{index}", task=task)
    elif not task.is_terminal:
        st.info(t("task.no_songs_yet", lang), icon=":material/hourglass_top:")
    render_export(task, lang)
    with st.expander(t("task.raw_json", lang), icon=":material/data_object:"):
        _raw_json(task, lang)


def _raw_json(task: Task, lang: str) -> None:
    # A response holding megabytes (of lyrics, say) would take the browser minutes as a JSON
    # tree: beyond the text limit it is shown as the first part of its text, the whole a download.
    dump = json.dumps(task.raw, ensure_ascii=False, indent=2, default=str)
    shown, cut = clip_text(dump)
    if not cut:
        st.json(task.raw, expanded=2)
        return
    st.code(shown, language="json", wrap_lines=True)
    clipped_note(dump, lang, key=f"full-json-{task.task_id}", name=task.task_id or "task", kind="json")


def render_header(task: Task, lang: str) -> None:
    tz = st.context.timezone
    with st.container(border=True, key=f"task-header-{task.task_id}"):
        left, right = st.columns([3, 2], vertical_alignment="center")
        with left:
            st.caption(t("task.field.task_id", lang))
            st.code(task.task_id or "–", language=None)
        with right:
            platform = "Suno" if task.platform == "suno" else "Udio"
            action = f" · {escape_markdown(task.action)}" if task.action else ""
            st.markdown(f"{status_badge(task, lang)} :gray-badge[{platform}{action}]")
        unknown = unknown_status_word(task)
        if unknown:
            st.warning(escape_markdown(t("task.status_unknown", lang, word=unknown)), icon=":material/help:")
        progress = estimate_progress(task)
        label = t("task.progress_estimate" if progress.estimated else "task.progress", lang, value=progress.value)
        st.progress(progress.value, text=label)
        columns = st.columns(5)
        facts = [
            ("task.field.submitted", format_time(task.submitted_at, tz)),
            ("task.field.started", format_time(task.started_at, tz)),
            ("task.field.finished", format_time(task.finished_at, tz)),
            ("task.field.queue", format_duration(task.queue_seconds)),
            ("task.field.generation", format_duration(task.generation_seconds)),
        ]
        for column, (key, value) in zip(columns, facts):
            column.caption(t(key, lang))
            column.markdown(escape_markdown(value))


# failure_kind() -> catalog keys of its explanation and of what to do next.
_FAILURE = {
    "moderation": "failure.moderation",
    "quota": "failure.quota",
    "timeout": "failure.timeout",
    "upstream": "failure.upstream",
}
_FAILURE_NEXT = {
    "moderation": "failure.moderation.next",
    "quota": "failure.quota.next",
    "timeout": "failure.timeout.next",
    "upstream": "failure.upstream.next",
}


def render_failure(task: Task, lang: str) -> None:
    kind = failure_kind(task.fail_reason)
    reason, cut = clip_text(task.fail_reason or t("task.no_reason", lang))
    st.error(f"**{escape_markdown(t('task.failed', lang))}**\n\n{escape_markdown(reason)}", icon=":material/error:")
    if cut:
        clipped_note(task.fail_reason, lang, key=f"full-failure-{task.task_id}", name=f"{task.task_id} failure")
    st.info(
        f"**{escape_markdown(t(_FAILURE[kind], lang))}**  \n{escape_markdown(t(_FAILURE_NEXT[kind], lang))}",
        icon=":material/lightbulb:",
    )
