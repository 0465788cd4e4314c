"""The song tools' MIDI and older-stems tabs (lib.studio.clip_tool_jobs): MIDI asked for until the
gateway has the notes, then offered as a ``.mid`` file with a piano roll of what it holds; the older
stems route confirmed like any paid call, sent once, and its two clips followed until they play.

The panel (lib.ui.song_tools_panel) advances the jobs; these renderers read and replace their own.
"""

from __future__ import annotations

import time

import altair as alt
import pandas as pd
import streamlit as st

from lib.gateway.errors import GatewayError
from lib.gateway.models import Song, Task
from lib.i18n import t
from lib.studio import clip_tool_jobs
from lib.studio.clip_tool_jobs import MidiJob, StemClips
from lib.studio.file_names import safe_stem
from lib.studio.midi_file import Instrument, length_seconds, midi_bytes, note_count
from lib.studio.song_jobs import ToolFailure, not_offered
from lib.text import escape_markdown
from lib.ui import paid_confirm, session
from lib.ui.errors import show_error
from lib.ui.media import offer_download, play
from lib.ui.song_tool_jobs import current_job, drop_job, set_job

ROLL_NOTES = 1500  # notes the piano roll draws (the file holds them all)
STEMS_V1_PLACE = "tool-start-stems_v1-"  # where the older stems route asks for its confirmation


def _failure(tool: str, song: Song, error: GatewayError, lang: str, key: str, *, paid: bool) -> None:
    show_error(error, lang)
    label = paid_confirm.paid_label("tools.try_again_paid", lang) if paid else t("tools.try_again", lang)
    st.button(label, key=f"tool-retry-{tool}-{key}", icon=":material/refresh:", on_click=drop_job, args=(tool, song))


# --- MIDI ---------------------------------------------------------------------------------------


def render_midi(tool: str, song: Song, task: Task, client, lang: str, key: str) -> None:
    job = current_job(tool, song)
    if not isinstance(job, MidiJob):
        st.caption(t("midi.help", lang))
        if st.button(t("midi.start", lang), key=f"tool-start-midi-{key}", icon=":material/piano:"):
            set_job(tool, song, MidiJob(song.id, time.time()))
            st.rerun()
        return
    if job.error is not None:
        _failure(tool, song, job.error, lang, key, paid=False)
        return
    if job.instruments is None:
        elapsed = int(time.time() - job.started_at)
        st.progress(min(0.9, 0.1 + elapsed / 30), text=t("tools.converting", lang, seconds=elapsed, checks=job.checks))
        return
    instruments = job.instruments
    seconds = int(round(length_seconds(instruments)))
    names = ", ".join(escape_markdown(i.name) for i in instruments)
    st.caption(
        t("midi.summary", lang, notes=note_count(instruments), tracks=len(instruments), length=_clock(seconds))
        + f" · {names}"
    )
    _piano_roll(instruments, lang)
    st.download_button(
        t("midi.download", lang),
        data=midi_bytes(instruments, song.title),
        file_name=f"{safe_stem(song.title, song.id)}.mid",
        mime="audio/midi",
        key=f"tool-dl-midi-{key}",
        icon=":material/download:",
        on_click="ignore",
    )


def _piano_roll(instruments: tuple[Instrument, ...], lang: str) -> None:
    rows = [
        {"track": i.name, "start": n.start, "end": n.end, "pitch": n.pitch}
        for i in instruments
        for n in i.notes[:ROLL_NOTES]
    ]
    chart = (
        alt.Chart(pd.DataFrame(rows))
        .mark_bar(height=3, cornerRadius=1)
        .encode(
            x=alt.X("start:Q", title=t("midi.axis.seconds", lang)),
            x2="end:Q",
            y=alt.Y("pitch:Q", title=t("midi.axis.pitch", lang), scale=alt.Scale(zero=False)),
            # No legend: Streamlit sizes it into the chart's height; the caption names the tracks.
            color=alt.Color("track:N", title=None, legend=None),
            tooltip=["track:N", "pitch:Q", "start:Q", "end:Q"],
        )
    )
    st.altair_chart(chart, width="stretch", height=170)


def _clock(seconds: int) -> str:
    return f"{seconds // 60}:{seconds % 60:02d}"


# --- the older stems route ---------------------------------------------------------------------


def render_stems_v1(tool: str, song: Song, task: Task, client, lang: str, key: str) -> None:
    job = current_job(tool, song)
    if isinstance(job, ToolFailure):
        _failure(tool, song, job.error, lang, key, paid=True)
        return
    if not isinstance(job, StemClips):
        _start(tool, song, client, lang, key)
        return
    if job.error is not None:
        _failure(tool, song, job.error, lang, key, paid=False)
        return
    if job.running:
        ready = sum(1 for part in job.songs if part.is_complete)
        elapsed = int(time.time() - job.started_at)
        st.progress(
            (1 + ready) / (1 + len(job.clip_ids)),
            text=t("stems_v1.following", lang, ready=ready, total=len(job.clip_ids), seconds=elapsed),
        )
        return
    for index, part in enumerate(job.songs):
        st.markdown(f"**{escape_markdown(part.title or t('song.untitled', lang))}**")
        if part.error:
            st.error(escape_markdown(part.error), icon=":material/error:")
            continue
        play_part(part, lang, key=f"tool-dl-stems_v1-{key}-{index}")


def _start(tool: str, song: Song, client, lang: str, key: str) -> None:
    st.caption(t("stems_v1.help", lang))
    place = f"{STEMS_V1_PLACE}{key}"
    clicked = None
    if st.button(
        paid_confirm.paid_label("stems_v1.start", lang), key=place, icon=":material/call_split:", type="primary"
    ):
        clicked = clip_tool_jobs.older_stems_submission(song)
    submission = paid_confirm.confirm_paid(place, clicked, lang)
    if submission is None or not paid_confirm.spend_allowed(place, submission):
        return
    try:
        parts = client.request_stems(song.id)
    except GatewayError as error:
        if not_offered(error):
            session.learn_capability(tool, False)
        else:
            set_job(tool, song, ToolFailure(error))
        st.rerun()
    session.learn_capability(tool, True)
    set_job(tool, song, clip_tool_jobs.started_stems(song, parts, time.time()))
    st.rerun()


def play_part(part: Song, lang: str, key: str) -> None:
    """A stem (or another clip a tool made): its player and its download."""
    audio = play(part.audio_url, "audio", lang)
    offer_download(
        t("song.download_audio", lang),
        part.audio_url,
        audio,
        kind="audio",
        name_kind="audio",
        title=part.title,
        fallback=part.id,
        key=key,
        icon=":material/download:",
    )
