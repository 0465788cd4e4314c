"""What a song card offers, as a row of icon buttons with tooltips and menus: the downloads
(audio, cover image, lyrics), what a finished song leads to on the Create page, prefilled (extend,
cover version, reuse the prompt, use the lyrics, stems)."""

from __future__ import annotations

import streamlit as st

from lib.gateway.models import Lyrics, Song, Task
from lib.i18n import t
from lib.studio.task_lookup import download_name
from lib.ui import session
from lib.ui.media import Media, offer_download
from lib.ui.tagged_download import audio_tagger


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
    "extend": ":material/more_time:",
    "cover": ":material/record_voice_over:",
    "reuse": ":material/replay:",
    "use_lyrics": ":material/lyrics:",
    "stems": ":material/call_split:",
}
# Names, in the menu and in tooltips: "Cover version" (a new performance of the song) is never
# just "Cover", which is also the picture.
_LABELS = {
    "extend": "song.action.extend",
    "cover": "song.action.cover",
    "reuse": "song.action.reuse",
    "use_lyrics": "song.action.use_lyrics",
    "stems": "song.action.stems",
}
_HELP = {
    "extend": "card.help.extend",
    "cover": "card.help.cover",
    "reuse": "card.help.reuse",
    "use_lyrics": "card.help.use_lyrics",
    "stems": "card.help.stems",
}
ROW_ACTIONS = ("extend", "cover")  # icon buttons of their own; the rest are in the "more" menu
MENU_ACTIONS = ("reuse", "use_lyrics", "stems")


def action_button(name: str, prefill: tuple[str, str, dict], lang: str, key: str) -> None:
    """An icon button of the row; its name and what it does are in the tooltip."""
    help_text = f"**{t(_LABELS[name], lang)}** — {t(_HELP[name], lang)}"
    if st.button("", key=f"act-{name}-{key}", icon=_ICONS[name], help=help_text):
        go_create(*prefill)


def more_menu(actions: dict[str, tuple[str, str, dict]], lang: str, key: str) -> None:
    """The overflow menu: the rarer actions, each with its full name."""
    with st.popover("", icon=":material/more_horiz:", help=t("card.more", lang), key=f"card-more-{key}"):
        for name, prefill in actions.items():
            clicked = st.button(
                t(_LABELS[name], lang),
                key=f"act-{name}-{key}",
                icon=_ICONS[name],
                help=t(_HELP[name], lang),
                type="tertiary",
            )
            if clicked:
                go_create(*prefill)


def download_menu(song: Song, audio: Media, image: Media, lang: str, key: str, task: Task | None = None) -> None:
    """One menu for the files: the audio, the cover *image* and the lyrics, each named for what it is."""
    with st.popover("", icon=":material/download:", help=t("card.download", lang), key=f"card-download-{key}"):
        # A file the server already refused (an HTML page, say) is not offered.
        offer_download(
            t("song.download_audio", lang),
            song.audio_url,
            audio,
            kind="audio",
            name_kind="audio",
            title=song.title,
            fallback=song.id,
            key=f"dl-audio-{key}",
            icon=":material/music_note:",
            finish=audio_tagger(song, task),  # title, cover and lyrics in the file's tags
        )
        offer_download(
            t("song.download_cover", lang),
            song.image_url,
            image,
            kind="image",
            name_kind="cover",
            title=song.title,
            fallback=song.id,
            key=f"dl-cover-{key}",
            icon=":material/image:",
        )
        if song.lyrics:
            st.download_button(
                t("song.download_lyrics", lang),
                song.lyrics.encode(),
                key=f"dl-lyrics-{key}",
                file_name=download_name(song.title, song.id, "lyrics"),
                mime="text/plain",
                icon=":material/lyrics:",
                on_click="ignore",
            )


def has_downloads(song: Song) -> bool:
    # A partial stream is not a file worth keeping.
    return not song.is_streaming and bool(song.audio_url or song.image_url or song.lyrics)


def go_create(platform: str, mode: str, values: dict) -> None:
    session.set_create_prefill(platform, mode, values)
    st.switch_page("app_pages/create.py")
