"""Sing along and A/B on the Task page: the karaoke view in a Suno song card's lyrics area, and the
switch between a task's takes at the same moment.

Streamlit's st.audio tells Python nothing about playback, so both are st.components.v2 components
whose JavaScript (lib/ui/karaoke_assets) drives the song cards' own players in the browser: no
second player, and no rerun while the music plays. Their html, css and js are constant files; the
gateway's text (lyrics, headings, titles) travels as ``data`` and is put in with textContent.
"""

from __future__ import annotations

import re
from pathlib import Path

import streamlit as st

from lib.gateway.errors import GatewayError
from lib.gateway.models import Song, Task
from lib.i18n import t
from lib.studio.capabilities import MISSING
from lib.studio.lyrics_sync import SyncedLine, sections_of, synced_lines, to_lrc, waveform_peaks
from lib.studio.song_jobs import TimingFetched, ToolFailure, not_offered, tools_for
from lib.studio.task_lookup import download_name
from lib.ui import session
from lib.ui.errors import show_error
from lib.ui.song_tool_jobs import current_job, drop_job, set_job

TOOL = "timing"  # the capability and the song job the timeline is kept under (the export pack reads it)
MAX_LINES = 2000  # lines sent to the browser; the .lrc file holds them all
WAVEFORM_BARS = 160
_ASSETS = Path(__file__).parent / "karaoke_assets"


def _asset(*names: str) -> str:
    return "\n".join((_ASSETS / name).read_text(encoding="utf-8") for name in names)


# Registered once, at import: a name registered again replaces the first (Streamlit warns).
_KARAOKE = st.components.v2.component(
    "mts_karaoke",
    html='<div class="karaoke-root"></div>',
    css=_asset("karaoke_view.css"),
    js=_asset("players.js", "karaoke_view.js"),
)
_AB_SWITCH = st.components.v2.component(
    "mts_ab_switch",
    html='<div class="ab-root"></div>',
    css=_asset("ab_switch.css"),
    js=_asset("players.js", "ab_switch.js"),
)


def card_class(key: str) -> str:
    """The class Streamlit's frontend gives ``st.container(key=f"song-{key}")`` (the song card):
    ``st-key-`` and the key with every character but letters, digits, ``_`` and ``-`` made ``-``."""
    return "st-key-" + re.sub(r"[^a-zA-Z0-9_-]", "-", f"song-{key}".strip())


def render_sing_along(song: Song, task: Task, lang: str, key: str) -> None:
    """A song card's lyrics area. For a finished Suno song with lyrics, on a gateway not known to
    lack the timing route: the lyrics and a *Sing along* button, then, once the timeline is loaded,
    the karaoke view in their place. Otherwise the lyrics alone. ``key`` is the card's
    (``render_song``'s), whose player the view drives."""
    from lib.ui.song_card import render_lyrics  # the card imports this module: import on use

    if TOOL in tools_for(song, task) and _sing_along(song, lang, key):
        return
    render_lyrics(song.lyrics, lang, key=key, name=song.title, height=280)


def _sing_along(song: Song, lang: str, key: str) -> bool:
    """What goes above the lyrics; True when the karaoke view took their place instead."""
    job = current_job(TOOL, song)
    if isinstance(job, TimingFetched):
        lines = synced_lines(job.words, song.lyrics)
        if lines:
            _karaoke(song, job, lines, lang, key)
            return True
        st.caption(t("karaoke.empty", lang))
    elif session.capabilities().get(TOOL) == MISSING:
        st.caption(t("karaoke.not_offered", lang))
    else:
        if isinstance(job, ToolFailure):
            show_error(job.error, lang)
        st.button(
            t("karaoke.start", lang),
            key=f"karaoke-start-{key}",
            icon=":material/mic:",
            help=t("karaoke.start.help", lang),
            on_click=_load_timeline,
            args=(song,),
        )
    return False


def _load_timeline(song: Song) -> None:
    """The button's callback (a free GET), so the run it starts already draws the karaoke view."""
    try:
        timing = session.get_client().timeline(song.id)
    except GatewayError as error:
        if not_offered(error):
            session.learn_capability(TOOL, False)
            drop_job(TOOL, song)
        else:
            set_job(TOOL, song, ToolFailure(error))
        return
    session.learn_capability(TOOL, True)
    set_job(TOOL, song, TimingFetched(list(timing.words), timing.waveform))


def _karaoke(song: Song, job: TimingFetched, lines: list[SyncedLine], lang: str, key: str) -> None:
    _KARAOKE(
        key=f"karaoke-{key}",
        data={
            "player": card_class(key),
            "length": song.duration or 0,
            "lines": [_line(line) for line in lines[:MAX_LINES]],
            "sections": [
                {"label": s.label, "s": round(s.start_s, 3), "e": round(s.end_s, 3)}
                for s in sections_of(lines, song.duration)
            ],
            "peaks": waveform_peaks(job.waveform, WAVEFORM_BARS),
            "labels": {
                "hint": t("karaoke.hint", lang),
                "waveform": t("karaoke.waveform", lang),
                "play": t("karaoke.play", lang),
                "pause": t("karaoke.pause", lang),
            },
        },
    )
    if len(lines) > MAX_LINES:
        st.caption(t("karaoke.more_lines", lang, shown=MAX_LINES, total=len(lines)))
    st.download_button(
        t("karaoke.download_lrc", lang),
        to_lrc(lines, title=song.title, length_s=song.duration),
        file_name=download_name(song.title, song.id, "lrc"),
        mime="text/plain",
        key=f"karaoke-lrc-{key}",
        icon=":material/download:",
        on_click="ignore",
    )


def _line(line: SyncedLine) -> dict:
    text = line.text.strip().strip("[]").strip() if line.is_heading else line.text
    return {"s": round(line.start_s, 3), "e": round(line.end_s, 3), "text": text, "heading": line.is_heading}


def playable_takes(task: Task, keys: list[str]) -> list[tuple[str, Song]]:
    """(card key, song) of each finished song with a player; ``keys[i]`` is ``task.songs[i]``'s."""
    return [
        (key, song)
        for key, song in zip(keys, task.songs)
        if song.audio_url and not song.is_streaming and song.status not in ("error", "queued", "submitted")
    ]


def render_ab_switch(task: Task, keys: list[str], lang: str) -> None:
    """For a finished task with two or more playable songs: one button per take ("A · title"),
    each moving playback to that take's card player at the moment the playing one was at.
    ``keys[i]`` is the card key ``render_song`` got for ``task.songs[i]``."""
    takes = playable_takes(task, keys) if task.is_success else []
    if len(takes) < 2:
        return
    _AB_SWITCH(
        key=f"ab-{task.task_id}",
        data={
            "takes": [
                {"player": card_class(key), "letter": _letter(index), "title": song.title or t("song.untitled", lang)}
                for index, (key, song) in enumerate(takes)
            ],
            "labels": {"hint": t("karaoke.ab.hint", lang)},
        },
    )


def _letter(index: int) -> str:
    return chr(ord("A") + index) if index < 26 else str(index + 1)
