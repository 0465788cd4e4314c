"""One song as a listener expects it, shaped like Suno's own card: the cover with the title, tags,
duration and model beside it, one player right under them, a row of icon actions, and the lyrics
and the prompt folded away until asked for."""

from __future__ import annotations

import streamlit as st

from lib.gateway.catalog import suno_model
from lib.gateway.models import Lyrics, Song, Task
from lib.i18n import t
from lib.studio import provider_modes
from lib.studio.song_jobs import tools_for
from lib.studio.task_lookup import TEXT_LIMIT, clip_text, download_name, format_duration, lyrics_sections
from lib.text import escape_markdown
from lib.ui import karaoke, session
from lib.ui.media import Media, load_media, play, refusal_note
from lib.ui.song_actions import (
    MENU_ACTIONS,
    ROW_ACTIONS,
    action_button,
    download_menu,
    go_create,
    has_downloads,
    lyrics_prefill,
    more_menu,
    song_prefills,
)
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
# The cover beside the title: a third of the card, on a phone too (columns that never stack), so
# the player stays on the first screen.
_COVER_SPLIT = [1, 2]
# Reserved while the cover and the audio are fetched (through the server): the card's own height.
_LOADING_HEIGHT = 220
_COVER_HEIGHT = 120  # a cover still being made
_PLAYER_HEIGHT = 40  # a player whose audio is still being made


def badges(tags: tuple[str, ...] | list[str], colour: str = "violet") -> str:
    return " ".join(f":{colour}-badge[{escape_markdown(tag)}]" for tag in tags if tag)


def model_name(model: str) -> str:
    """Suno's own name of a model ("v4.5" for chirp-auk); an unknown name as the gateway sent it."""
    known = suno_model(model)
    return known.version if known else model


def render_song(song: Song, lang: str, key: str, task: Task | None = None) -> None:
    # The container's key is the hook the sing-along and A/B switch use (`.st-key-song-<key> audio`):
    # exactly one <audio> lives in it.
    with st.container(border=True, key=f"song-{key}"):
        with st.skeleton(height=_LOADING_HEIGHT):  # shown only if fetching the media takes a while
            image = load_media(song.image_url, "image")
            audio = load_media(song.audio_url, "audio")
        # A song still being made shows placeholders where its cover and player will be.
        pending = task is not None and not task.is_terminal and not song.is_complete
        cover, facts = st.columns(_COVER_SPLIT, vertical_alignment="top", wrap=False)
        with cover:
            if image.source is not None:
                st.image(image.source, width="stretch", alt=song.title or t("song.untitled", lang))
            elif pending and not image.refused:
                st.skeleton(height=_COVER_HEIGHT)
            else:
                with st.container(height=96, border=True, vertical_alignment="center"):
                    st.caption(refusal_note(image, lang) or t("song.no_cover", lang))
        with facts:
            _facts(song, lang)
        if song.error:
            error, cut = clip_text(song.error)
            st.error(escape_markdown(error), icon=":material/error:")
            if cut:
                clipped_note(song.error, lang, key=f"full-error-{key}", name=f"{song.title} error")
        _player(song, audio, lang, pending)
        _action_row(song, task, audio, image, lang, key, pending)
        _folds(song, task, lang, key)


def _facts(song: Song, lang: str) -> None:
    st.markdown(f"#### {escape_markdown(song.title) or escape_markdown(t('song.untitled', lang))}")
    status = song.status or "unknown"
    line = []
    if status != "complete":  # a finished song needs no badge saying so; anything else does
        colour = CLIP_COLOURS.get(status, "gray")
        line.append(f":{colour}-badge[{escape_markdown(t(_CLIP_STATUS.get(status, 'clip.unknown'), lang))}]")
    if song.duration:
        line.append(f":gray-badge[:material/schedule: {format_duration(song.duration)}]")
    if song.model:
        line.append(f":gray-badge[{escape_markdown(model_name(song.model))}]")
    if line:
        st.markdown(" ".join(line))
    if song.tags:
        st.markdown(badges(song.tags))


def _player(song: Song, audio: Media, lang: str, pending: bool) -> None:
    """The song's one player, straight under the cover (its video, if any, is in the tools)."""
    if audio.source is None and pending and not audio.refused:
        st.skeleton(height=_PLAYER_HEIGHT)
        return
    if audio.source is None:
        st.caption(refusal_note(audio, lang) or t("song.no_audio", lang))
        return
    if song.is_streaming:
        st.caption(f":blue[:material/graphic_eq:] {escape_markdown(t('song.streaming_preview', lang))}")
    st.audio(audio.source, format=audio.mime or "audio/mpeg")


def _action_row(song: Song, task: Task | None, audio: Media, image: Media, lang: str, key: str, pending: bool) -> None:
    """Downloads, extend, cover version, the song tools and a "more" menu: one row of icons that
    fits a phone's width, each named in its tooltip."""
    finished = task is not None and task.is_success and not song.is_streaming and bool(song.id)
    actions = song_prefills(song, task) if finished else {}
    if actions:  # only what the gateway's provider can make (a Cover version on sunoapi.org is not)
        provider = session.current_profile().provider
        actions = {name: given for name, given in actions.items() if provider_modes.offers(provider, *given[:2])}
    tools = tools_for(song, task) if finished else ()
    # Stems are a tool of their own (one click, followed here); the Create page's form only when not.
    menu = {
        n: actions[n]
        for n in MENU_ACTIONS
        if n in actions and not (n == "stems" and ("stems" in tools or song.kind == "stem"))
    }
    downloads = has_downloads(song) and not pending
    if not (downloads or actions or tools):
        return
    with st.container(horizontal=True, gap="xsmall", vertical_alignment="center", key=f"card-actions-{key}"):
        if downloads:
            download_menu(song, audio, image, lang, key, task)
        for name in ROW_ACTIONS:
            if name in actions:
                action_button(name, actions[name], lang, key)
        if tools:
            render_song_tools(song, task, lang, key)
        if menu:
            more_menu(menu, lang, key)


def _folds(song: Song, task: Task | None, lang: str, key: str) -> None:
    """Lyrics and prompt, folded: the card stays a card until someone wants to read."""
    if song.lyrics.strip():
        with st.expander(t("card.lyrics", lang), icon=":material/lyrics:", key=f"card-lyrics-{key}"):
            if task is not None and "timing" in tools_for(song, task):
                karaoke.render_sing_along(song, task, lang, key)  # lyrics, then the karaoke view
            else:
                render_lyrics(song.lyrics, lang, key=key, name=song.title)
    if song.video_url and (task is None or "mp4" not in tools_for(song, task)):  # else the tools show it
        with st.expander(t("card.video", lang), icon=":material/movie:", key=f"card-video-{key}"):
            play(song.video_url, "video", lang, "video/mp4")
    if song.description:
        with st.expander(t("song.prompt", lang), icon=":material/notes:", key=f"card-prompt-{key}"):
            prompt, cut = clip_text(song.description)
            st.markdown(escape_markdown(prompt))
            if cut:
                clipped_note(song.description, lang, key=f"full-prompt-{key}", name=f"{song.title} prompt")


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
