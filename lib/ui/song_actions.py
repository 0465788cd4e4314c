"""What a finished song leads to: the Create page, prefilled (extend, cover, reuse, lyrics, stems)."""

from __future__ import annotations

import streamlit as st

from lib.gateway.models import Lyrics, Song, Task
from lib.i18n import t
from lib.ui import session


def song_prefills(song: Song, task: Task) -> dict[str, tuple[str, str, dict]]:
    """Action name -> (platform, mode, field values) for the Create page."""
    tags = ", ".join(song.tags)
    if task.platform == "udio":
        actions = {"extend": ("udio", "continuation", {"song_id": song.id, "prompt": song.description or tags})}
        if song.description:
            actions["reuse"] = ("udio", "generate", {"prompt": song.description})
        if song.lyrics:
            actions["use_lyrics"] = (
                "udio",
                "generate",
                {"lyrics_type": "user", "lyrics": song.lyrics, "prompt": tags or song.description},
            )
        return actions
    actions = {
        "extend": (
            "suno",
            "extend",
            {
                "task_id": task.task_id,
                "clip_id": song.id,
                "title": song.title,
                "tags": tags,
                "continue_at": float(int(song.duration or 0)),
            },
        ),
        "cover": ("suno", "cover", {"clip_id": song.id, "title": song.title, "tags": tags, "lyrics": song.lyrics}),
    }
    if song.description:
        actions["reuse"] = ("suno", "inspiration", {"description": song.description})
    else:
        actions["reuse"] = (
            "suno",
            "custom",
            {"lyrics": song.lyrics, "title": song.title, "tags": tags, "instrumental": not song.lyrics},
        )
    if song.lyrics:
        actions["use_lyrics"] = ("suno", "custom", {"lyrics": song.lyrics, "title": song.title, "tags": tags})
    actions["stems"] = ("suno", "stems", {"task_id": task.task_id, "clip_id": song.id, "title": song.title})
    return actions


def lyrics_prefill(lyrics: Lyrics) -> tuple[str, str, dict]:
    return (
        "suno",
        "custom",
        {"lyrics": lyrics.text, "title": lyrics.title, "tags": ", ".join(lyrics.tags), "instrumental": False},
    )


_ICONS = {
    "extend": ":material/east:",
    "cover": ":material/album:",
    "reuse": ":material/replay:",
    "use_lyrics": ":material/lyrics:",
    "stems": ":material/call_split:",
}
_LABELS = {
    "extend": "song.action.extend",
    "cover": "song.action.cover",
    "reuse": "song.action.reuse",
    "use_lyrics": "song.action.use_lyrics",
    "stems": "song.action.stems",
}


def render_song_actions(song: Song, task: Task, lang: str, key: str) -> None:
    actions = song_prefills(song, task)
    columns = st.columns(len(actions))
    for column, (name, (platform, mode, values)) in zip(columns, actions.items()):
        if column.button(t(_LABELS[name], lang), key=f"act-{name}-{key}", icon=_ICONS[name], type="tertiary"):
            go_create(platform, mode, values)


def go_create(platform: str, mode: str, values: dict) -> None:
    session.set_create_prefill(platform, mode, values)
    st.switch_page("app_pages/create.py")
