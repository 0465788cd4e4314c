"""A published song page as a stakeholder sees it: covers, titles, tags, players, video, lyrics and
the downloads its owner allowed — from the stored snapshot and the media store, with no key, no
gateway call and nothing else of the app. Everything in a snapshot came from a gateway, so it
renders as text."""

from __future__ import annotations

import streamlit as st

from lib.i18n import t
from lib.library.media_store import MediaStoreError
from lib.library.publications import Publication
from lib.studio.file_names import safe_stem
from lib.studio.media_check import verify
from lib.studio.publishing import PublishedMedia, PublishedSong, read_snapshot
from lib.studio.task_lookup import format_duration
from lib.text import escape_markdown
from lib.ui import resources


def not_available(lang: str) -> None:
    """The one answer for a malformed, forged or revoked link: it says nothing about which."""
    st.title(t("publish.not_available", lang), anchor=False)
    st.write(t("publish.not_available.detail", lang))


def show_publication(publication: Publication | None, lang: str) -> None:
    snapshot = read_snapshot(publication.snapshot) if publication is not None else None
    if publication is None or snapshot is None or not snapshot.songs:
        not_available(lang)
        return
    st.title(escape_markdown(snapshot.title or t("publish.untitled", lang)), anchor=False)
    st.caption(t("publish.page_caption", lang, date=publication.created_at.strftime("%Y-%m-%d")))
    for start in range(0, len(snapshot.songs), 2):
        columns = st.columns(2)
        for column, number in zip(columns, range(start, min(start + 2, len(snapshot.songs)))):
            with column, st.container(border=True):
                _song(snapshot.songs[number], number + 1, publication, lang)


def _song(song: PublishedSong, number: int, publication: Publication, lang: str) -> None:
    cover = _media(song.image, "image")
    if cover is not None:
        st.image(cover[0], width="stretch")
    st.subheader(escape_markdown(song.title or t("publish.untitled", lang)), anchor=False)
    facts = [format_duration(song.duration) if song.duration else "", song.model]
    if any(facts):
        st.caption(escape_markdown(" · ".join(fact for fact in facts if fact)))
    if song.tags:
        st.markdown(" ".join(f":violet-badge[{escape_markdown(tag)}]" for tag in song.tags[:12]))
    audio = _media(song.audio, "audio")
    if audio is not None:
        st.audio(audio[0], format=audio[1] or "audio/mpeg")
    else:
        st.caption(t("publish.no_audio", lang))
    video = _media(song.video, "video")
    if video is not None:
        st.video(video[0], format=video[1] or "video/mp4")
    if song.lyrics.strip():
        with st.expander(t("publish.lyrics", lang), icon=":material/lyrics:"):
            st.text(song.lyrics)
    if publication.allow_downloads:
        name = safe_stem(song.title, f"song-{number}")
        for kind, found, label in (
            ("audio", audio, "publish.download_audio"),
            ("image", cover, "publish.download_cover"),
            ("video", video, "publish.download_video"),
        ):
            media = getattr(song, kind)
            if found is not None and isinstance(found[0], bytes) and media is not None:
                st.download_button(
                    t(label, lang),
                    data=found[0],
                    file_name=f"{name}.{media.ext or 'bin'}",
                    mime=found[1],
                    key=f"download-{number}-{kind}",
                    icon=":material/download:",
                )


def _media(media: PublishedMedia | None, kind: str) -> tuple[bytes | str, str] | None:
    """A copy's bytes from the media store (checked again: a store is storage, not a judge), or
    the gateway's http(s) URL for the browser; None when there is neither."""
    if media is None:
        return None
    if media.url:
        return media.url, ""
    store = resources.media_store()
    if store is None:
        return None
    try:
        found = store.get(media.key)
    except MediaStoreError:
        return None
    if found is None:
        return None
    verdict = verify(found[0], kind)
    return (found[0], verdict.mime) if verdict.ok else None
