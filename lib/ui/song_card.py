"""One song as a listener expects it: cover, title, tags, facts, player, prompt, lyrics."""

from __future__ import annotations

import streamlit as st

from lib.gateway.models import Lyrics, Song, Task
from lib.i18n import t
from lib.studio.song_jobs import tools_for
from lib.studio.task_lookup import TEXT_LIMIT, clip_text, download_name, format_duration, lyrics_sections
from lib.text import escape_markdown
from lib.ui.karaoke import render_sing_along
from lib.ui.media import Media, load_media, offer_download, play, refusal_note
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
        image = load_media(song.image_url, "image")
        with cover:
            if image.source is not None:
                st.image(image.source, width="stretch")
            else:
                st.container(height=160, border=True).caption(refusal_note(image, lang) or t("song.no_cover", lang))
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
                error, cut = clip_text(song.error)
                st.error(escape_markdown(error), icon=":material/error:")
                if cut:
                    clipped_note(song.error, lang, key=f"full-error-{key}", name=f"{song.title} error")
        audio = _player(song, lang)
        _downloads(song, audio, image, lang, key)
        if task is not None and task.is_success and not song.is_streaming and song.id:
            render_song_actions(song, task, lang, key)
            render_song_tools(song, task, lang, key)
        if song.description:
            prompt, cut = clip_text(song.description)
            st.caption(f"**{escape_markdown(t('song.prompt', lang))}** {escape_markdown(prompt)}")
            if cut:
                clipped_note(song.description, lang, key=f"full-prompt-{key}", name=f"{song.title} prompt")
        if task is not None and "timing" in tools_for(song, task):
            render_sing_along(song, task, lang, key)
        else:
            render_lyrics(song.lyrics, lang, key=key, name=song.title, height=280)


def _player(song: Song, lang: str) -> Media:
    audio = load_media(song.audio_url, "audio")
    if audio.source is None:
        st.caption(refusal_note(audio, lang) or t("song.no_audio", lang))
    else:
        if song.is_streaming:
            st.caption(f":blue[:material/graphic_eq:] {escape_markdown(t('song.streaming_preview', lang))}")
        st.audio(audio.source, format=audio.mime or "audio/mpeg")
    play(song.video_url, "video", lang, "video/mp4")
    return audio


def _downloads(song: Song, audio: Media, image: Media, lang: str, key: str) -> None:
    if song.is_streaming:
        return  # a partial stream is not a file worth keeping
    columns = st.columns(3)
    # A file the server already refused (an HTML page, say) is not offered as a download either.
    with columns[0]:
        offer_download(
            t("song.download_audio", lang),
            song.audio_url,
            audio,
            kind="audio",
            name_kind="audio",
            title=song.title,
            fallback=song.id,
            key=f"dl-audio-{key}",
            icon=":material/download:",
        )
    with columns[1]:
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
        columns[2].download_button(
            t("song.download_lyrics", lang),
            song.lyrics.encode(),
            key=f"dl-lyrics-{key}",
            file_name=download_name(song.title, song.id, "lyrics"),
            mime="text/plain",
            icon=":material/lyrics:",
            on_click="ignore",
        )


def clipped_note(text: str, lang: str, *, key: str, name: str, kind: str = "lyrics") -> None:
    """Under a text shown in part (``clip_text``): how much is shown, and the whole as a file."""
    st.caption(t("text.clipped", lang, shown=f"{TEXT_LIMIT:,}", total=f"{len(text):,}"))
    st.download_button(
        t("text.download_full", lang),
        text.encode(),
        file_name=download_name(name, "text", kind),
        mime="application/json" if kind == "json" else "text/plain",
        key=key,
        icon=":material/download:",
        on_click="ignore",
    )


def render_lyrics(text: str, lang: str, key: str, name: str = "", height: int | None = None) -> None:
    shown, cut = clip_text(text)
    sections = lyrics_sections(shown)
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
    if cut:
        clipped_note(text, lang, key=f"full-lyrics-{key}", name=name or "lyrics")


def render_lyrics_result(lyrics: Lyrics, lang: str, key: str) -> None:
    """A lyrics task's result: title, tags and the text."""
    with st.container(border=True, key=f"lyrics-{key}"):
        st.markdown(f"#### {escape_markdown(lyrics.title) or escape_markdown(t('song.untitled', lang))}")
        if lyrics.tags:
            st.markdown(badges(lyrics.tags))
        render_lyrics(lyrics.text, lang, key=key, name=lyrics.title)
        left, right = st.columns(2)
        left.download_button(
            t("song.download_lyrics", lang),
            lyrics.text.encode(),
            file_name=download_name(lyrics.title, key, "lyrics"),
            mime="text/plain",
            icon=":material/lyrics:",
            on_click="ignore",
            key=f"dl-lyrics-{key}",
        )
        if lyrics.text and right.button(
            t("lyrics.action.custom", lang), key=f"act-custom-{key}", icon=":material/edit_note:", type="primary"
        ):
            go_create(*lyrics_prefill(lyrics))
