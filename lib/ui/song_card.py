"""One song as a listener expects it: cover, title, tags, facts, player, prompt, lyrics."""

from __future__ import annotations

import streamlit as st

from lib.gateway.models import Lyrics, Song, Task
from lib.i18n import t
from lib.studio.task_lookup import download_name, format_duration, lyrics_sections
from lib.text import escape_markdown
from lib.ui.media import download_button, media_source
from lib.ui.song_actions import go_create, lyrics_prefill, render_song_actions
from lib.ui.song_tools_panel import render_song_tools

CLIP_COLOURS = {"complete": "green", "streaming": "blue", "queued": "gray", "submitted": "gray", "error": "red"}
_CLIP_STATUS = {
    "complete": "clip.complete",
    "streaming": "clip.streaming",
    "queued": "clip.queued",
    "submitted": "clip.submitted",
    "error": "clip.error",
    "unknown": "clip.unknown",
}


def badges(tags: tuple[str, ...] | list[str], colour: str = "violet") -> str:
    return " ".join(f":{colour}-badge[{escape_markdown(tag)}]" for tag in tags if tag)


def render_song(song: Song, lang: str, key: str, task: Task | None = None) -> None:
    with st.container(border=True, key=f"song-{key}"):
        cover, facts = st.columns([2, 3], vertical_alignment="top")
        image = media_source(song.image_url)
        with cover:
            if image is not None:
                st.image(image, width="stretch")
            else:
                st.container(height=160, border=True).caption(t("song.no_cover", lang))
        with facts:
            st.markdown(f"#### {escape_markdown(song.title) or escape_markdown(t('song.untitled', lang))}")
            status = song.status or "unknown"
            line = [
                f":{CLIP_COLOURS.get(status, 'gray')}-badge"
                f"[{escape_markdown(t(_CLIP_STATUS.get(status, 'clip.unknown'), lang))}]"
            ]
            if song.duration:
                line.append(f":gray-badge[:material/schedule: {format_duration(song.duration)}]")
            if song.model:
                line.append(f":gray-badge[{escape_markdown(song.model)}]")
            st.markdown(" ".join(line))
            if song.tags:
                st.markdown(badges(song.tags))
            if song.error:
                st.error(escape_markdown(song.error), icon=":material/error:")
        _player(song, lang)
        _downloads(song, lang, key)
        if task is not None and task.is_success and not song.is_streaming and song.id:
            render_song_actions(song, task, lang, key)
            render_song_tools(song, task, lang, key)
        if song.description:
            st.caption(f"**{escape_markdown(t('song.prompt', lang))}** {escape_markdown(song.description)}")
        render_lyrics(song.lyrics, lang, height=280)


def _player(song: Song, lang: str) -> None:
    audio = media_source(song.audio_url)
    if audio is None:
        st.caption(t("song.no_audio", lang))
    else:
        if song.is_streaming:
            st.caption(f":blue[:material/graphic_eq:] {escape_markdown(t('song.streaming_preview', lang))}")
        st.audio(audio, format="audio/wav" if isinstance(audio, bytes) else "audio/mpeg")
    video = media_source(song.video_url)
    if video is not None:
        st.video(video)


def _downloads(song: Song, lang: str, key: str) -> None:
    if song.is_streaming:
        return  # a partial stream is not a file worth keeping
    columns = st.columns(3)
    with columns[0]:
        download_button(
            t("song.download_audio", lang),
            song.audio_url,
            key=f"dl-audio-{key}",
            file_name=download_name(song.title, song.id, song.audio_url, "mp3"),
            icon=":material/download:",
        )
    with columns[1]:
        download_button(
            t("song.download_cover", lang),
            song.image_url,
            key=f"dl-cover-{key}",
            file_name=download_name(song.title, song.id, song.image_url, "jpeg"),
            icon=":material/image:",
        )
    if song.lyrics:
        columns[2].download_button(
            t("song.download_lyrics", lang),
            song.lyrics.encode(),
            key=f"dl-lyrics-{key}",
            file_name=download_name(song.title, song.id, None, "txt"),
            mime="text/plain",
            icon=":material/lyrics:",
            on_click="ignore",
        )


def render_lyrics(text: str, lang: str, height: int | None = None) -> None:
    sections = lyrics_sections(text)
    if not sections:
        st.caption(t("song.no_lyrics", lang))
        return
    box = st.container(height=height, border=False, key=None) if height else st.container()
    with box:
        for heading, lines in sections:
            if heading:
                st.markdown(f"##### {escape_markdown(heading)}")
            if lines:
                st.markdown(escape_markdown("\n".join(lines)))


def render_lyrics_result(lyrics: Lyrics, lang: str, key: str) -> None:
    """A lyrics task's result: title, tags and the text."""
    with st.container(border=True, key=f"lyrics-{key}"):
        st.markdown(f"#### {escape_markdown(lyrics.title) or escape_markdown(t('song.untitled', lang))}")
        if lyrics.tags:
            st.markdown(badges(lyrics.tags))
        render_lyrics(lyrics.text, lang)
        left, right = st.columns(2)
        left.download_button(
            t("song.download_lyrics", lang),
            lyrics.text.encode(),
            file_name=download_name(lyrics.title, key, None, "txt"),
            mime="text/plain",
            icon=":material/lyrics:",
            on_click="ignore",
            key=f"dl-lyrics-{key}",
        )
        if lyrics.text and right.button(
            t("lyrics.action.custom", lang), key=f"act-custom-{key}", icon=":material/edit_note:", type="primary"
        ):
            go_create(*lyrics_prefill(lyrics))
