"""A whole task: a one-line summary (details folded), the failure explained, songs, raw JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

import streamlit as st

from lib.gateway.models import Task, TaskStatus
from lib.gateway.status_words import is_known_status_word
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
from lib.ui import karaoke
from lib.ui.export_view import render_export
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
    word = (task.status_text or "").strip()
    if word and word.upper() != task.status.value and not is_known_status_word(word):
        label += f" ({word[:40]})"  # a word only this gateway uses: said, since its meaning is a guess
    return f":{STATUS_COLOURS[task.status]}-badge[{escape_markdown(label)}]"


def render_task(task: Task, lang: str, toolbar: Callable[[], None] | None = None) -> None:
    """``toolbar``: draws more buttons (share, publish) on the summary's line."""
    render_header(task, lang, toolbar)
    if task.is_failure:
        render_failure(task, lang)
    if task.lyrics is not None:
        render_lyrics_result(task.lyrics, lang, key=task.task_id)
    elif task.songs:
        keys = [f"{task.task_id}-{index}" for index in range(len(task.songs))]  # keys[i]: songs[i]'s card
        karaoke.render_ab_switch(task, keys, lang)  # two takes or more: A/B on the cards' own players
        for start in range(0, len(task.songs), 2):
            columns = st.columns(2)
            for column, index in zip(columns, range(start, min(start + 2, len(task.songs)))):
                with column:
                    render_song(task.songs[index], lang, key=keys[index], task=task)
    elif not task.is_terminal:
        st.info(t("task.no_songs_yet", lang), icon=":material/hourglass_top:")
    elif task.is_songless_success:
        # The gateway says done yet names no song: said plainly, with what it sent opened below.
        st.warning(t("task.songless", lang), icon=":material/music_off:")
    render_export(task, lang)
    with st.expander(t("task.raw_json", lang), icon=":material/data_object:", expanded=task.is_songless_success):
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


def render_header(task: Task, lang: str, toolbar: Callable[[], None] | None = None) -> None:
    """One line a phone shows whole: status, platform and kind, when it ended and how long it
    took; the ID and every time in a fold below it."""
    with st.container(key=f"task-header-{task.task_id}"):
        with st.container(horizontal=True, vertical_alignment="center", gap="small"):
            line = [status_badge(task, lang), f":gray-badge[{escape_markdown(kind_label(task, lang))}]"]
            when = summary_line(task, lang)
            if when:
                line.append(f":gray[{escape_markdown(when)}]")
            st.markdown(" ".join(line), width="content")
            if toolbar is not None:
                st.space("stretch")
                toolbar()
        unknown = unknown_status_word(task)
        if unknown:
            st.warning(escape_markdown(t("task.status_unknown", lang, word=unknown)), icon=":material/help:")
        if not task.is_terminal:
            progress = estimate_progress(task)
            label = t("task.progress_estimate" if progress.estimated else "task.progress", lang, value=progress.value)
            st.progress(progress.value, text=label)
        with st.expander(t("card.details", lang), icon=":material/info:", key=f"task-details-{task.task_id}"):
            _details(task, lang)


def _details(task: Task, lang: str) -> None:
    tz = st.context.timezone
    st.caption(t("task.field.task_id", lang))
    st.code(task.task_id or "–", language=None)
    facts = [
        ("task.field.submitted", format_time(task.submitted_at, tz)),
        ("task.field.started", format_time(task.started_at, tz)),
        ("task.field.finished", format_time(task.finished_at, tz)),
        ("task.field.queue", format_duration(task.queue_seconds)),
        ("task.field.generation", format_duration(task.generation_seconds)),
    ]
    for column, (key, value) in zip(st.columns(5), facts):
        column.caption(t(key, lang))
        column.markdown(escape_markdown(value))
    if task.provider in PROVIDER_NAMES:  # which provider's answer this was read as
        st.caption(t("task.read_as", lang, provider=PROVIDER_NAMES[task.provider]))
    if task.status_text:  # the gateway's own word, for whoever compares with its raw JSON
        st.caption(escape_markdown(t("task.status_word", lang, word=task.status_text[:80])))


# Task.provider -> the provider as its users know it (docs/providers.md).
PROVIDER_NAMES = {
    "newapi": "new-api / SunoAPI format",
    "sunoapi": "sunoapi.org / kie.ai",
    "acedata": "AceDataCloud",
    "piapi": "PiAPI / GoAPI",
    "suno-api": "suno-api (self-hosted)",
}


# What the gateway calls the task (new-api's action, sunoapi's operationType, PiAPI's task_type,
# AceData's action; compared in upper case), as a person would say it.
_KIND = {
    "MUSIC": "card.kind.music",
    "GENERATE": "card.kind.music",
    "GENERATE_MUSIC": "card.kind.music",
    "UDIO-GENERATE": "card.kind.music",
    "LYRICS": "card.kind.lyrics",
    "GENERATE_LYRICS": "card.kind.lyrics",
    "EXTEND": "card.kind.extend",
    "COVER": "card.kind.cover",
    "UPLOAD_COVER": "card.kind.cover",
    "CONCAT": "card.kind.full_song",
    "STEMS": "card.kind.stems",
    "SEPARATE_VOCAL": "card.kind.stems",
}


def kind_label(task: Task, lang: str) -> str:
    """ "Suno · Music" rather than "Suno · MUSIC"; a word this app does not know, as it came."""
    platform = "Suno" if task.platform == "suno" else "Udio"
    action = task.action.strip()
    if not action:
        return platform
    known = _KIND.get(action.upper())
    return f"{platform} · {t(known, lang) if known else action}"


def summary_line(task: Task, lang: str, now: datetime | None = None) -> str:
    """ "Finished 2 min ago · took 1:05", "Submitted 30 s ago": the times a glance needs."""
    now = now or datetime.now(UTC)
    if task.is_terminal and task.finished_at:
        took = (task.finished_at - task.submitted_at).total_seconds() if task.submitted_at else None
        ago = _ago(task.finished_at, now, lang)
        if took is not None and took >= 0:
            key = "card.summary.finished_took" if task.is_success else "card.summary.ended_took"
            return t(key, lang, ago=ago, took=format_duration(took))
        return t("card.summary.finished" if task.is_success else "card.summary.ended", lang, ago=ago)
    if not task.is_terminal and task.submitted_at:
        return t("card.summary.submitted", lang, ago=_ago(task.submitted_at, now, lang))
    return ""


def _ago(moment: datetime, now: datetime, lang: str) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    seconds = (now - moment).total_seconds()
    if seconds < 60:
        return t("card.ago.now", lang)
    if seconds < 3600:
        return t("card.ago.minutes", lang, n=int(seconds // 60))
    if seconds < 86400:
        return t("card.ago.hours", lang, n=int(seconds // 3600))
    return t("card.ago.days", lang, n=int(seconds // 86400))


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
