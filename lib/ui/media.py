"""Where the browser gets a song's media: straight from its URL, or through this server.

The server downloads a URL only when a gateway of this session named it (``session.gateway_media``)
— never one from a response pasted on the Task page, which could point the server at anything it
can reach (cloud metadata, an admin port on loopback). It does so for loopback URLs (the sandbox,
which a remote browser cannot reach) and when the viewer asked for it; every other http(s) URL
goes to the browser as it is, and anything else is dropped. What the server downloads is checked
by its content before a player or an image gets it (``lib.studio.media_check``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from lib.gateway.errors import GatewayError, InvalidInputError
from lib.i18n import t
from lib.studio.media_check import DAMAGED, NOT_MEDIA, TOO_MANY_PIXELS, verify
from lib.studio.media_fetch import MAX_MEDIA_BYTES, MAX_SECONDS, fetch_media, is_loopback_url
from lib.studio.task_lookup import download_name
from lib.text import is_http_url
from lib.ui import resources, session

log = logging.getLogger(__name__)
Finish = Callable[[bytes, str], bytes]  # (checked bytes, their extension) -> the file handed over


def through_server(url: str | None) -> bool:
    """Whether the server would download this URL for the browser."""
    origin = session.gateway_media(url) if is_http_url(url) else None
    if origin is None:
        return False
    if is_loopback_url(url):
        # The sandbox's loopback, which a remote browser cannot reach; but a gateway the user
        # typed in does not get the server to fetch from its own loopback (fetch_media would
        # refuse anyway; this skips asking on every rerun).
        return origin == session.OPERATOR_GATEWAY
    return session.media_through_server()


@dataclass(frozen=True)
class Media:
    """What a player or an image gets: a URL for the browser, the server's checked copy (with its
    real type), or nothing, with ``refused`` saying why the server's copy is not shown."""

    source: str | bytes | None = None
    mime: str = ""  # the copy's real type, e.g. "audio/mpeg" (empty for a URL or nothing)
    ext: str = ""  # the same as an extension, for a download's name
    refused: str = ""  # a lib.studio.media_check problem code


# media_check's problem codes -> the note shown in place of the media.
_REFUSED = {
    NOT_MEDIA: "media.refused.not_media",
    TOO_MANY_PIXELS: "media.refused.too_many_pixels",
    DAMAGED: "media.refused.damaged",
}


def load_media(url: str | None, kind: str) -> Media:
    """``kind``: image, audio or video. A copy the server downloaded is checked by its content
    (``lib.studio.media_check``): an HTML error page, an SVG or a pixel bomb becomes a refusal,
    never an exception inside ``st.image`` or a player that cannot play."""
    if not is_http_url(url):
        return Media()
    if not through_server(url):
        return Media(url)
    try:
        data = resources.media_bytes(url, _public_only(url))[0]
    except InvalidInputError:  # the address is not one the server fetches: the browser may try
        return Media(url)
    except GatewayError:
        return Media()
    verdict = verify(data, kind)
    if not verdict.ok:
        log.debug("%s from the gateway refused: %s", kind, verdict.reason)
        return Media(refused=verdict.problem)
    return Media(data, verdict.mime, verdict.ext)


def refusal_note(media: Media, lang: str) -> str | None:
    """The note in place of media the server refused to hand over, in the user's language."""
    return t(_REFUSED[media.refused], lang) if media.refused in _REFUSED else None


def server_downloads(url: str | None) -> bool:
    """Whether a download button can hand over this file: only URLs a gateway of this session
    named (others, e.g. a pasted response's, deserve a plain link to the URL instead)."""
    return is_http_url(url) and session.gateway_media(url) is not None


def download_data(url: str | None, kind: str, finish: Finish | None = None) -> Callable[[], bytes]:
    """A zero-argument callable for ``st.download_button``: fetched only when clicked, and empty
    for a URL no gateway named or for a file that is not the ``kind`` of media it claims to be
    (an HTML page is not handed over as a song). Decided now, while the script runs: the click is
    served on another thread, without this session's session. ``finish(data, ext)``: what the
    checked file becomes on its way out (a song's audio gets its tags)."""
    allowed = server_downloads(url)
    public_only = allowed and _public_only(url)

    def fetch() -> bytes:
        if not allowed:
            return b""
        try:
            data = resources.media_bytes(url, public_only)[0]
        except GatewayError:
            return b""
        verdict = verify(data, kind)
        if not verdict.ok:
            return b""
        return finish(data, verdict.ext) if finish else data

    return fetch


def gateway_fetch(url: str, *, max_bytes: int = MAX_MEDIA_BYTES, max_seconds: float = MAX_SECONDS) -> tuple[bytes, str]:
    """``lib.export_pack.build_pack``'s ``fetch`` for the Task page: the same rule as the players
    (only URLs a gateway named, as the pack is built on the server). Call while the script runs."""
    origin = session.gateway_media(url) if is_http_url(url) else None
    if origin is None:
        raise InvalidInputError("not fetched by the server: no gateway named this URL in this session")
    # Straight to fetch_media, not the players' cache: the pack has its own per-file cap and clock.
    return fetch_media(url, max_bytes=max_bytes, public_only=origin == session.TYPED_GATEWAY, max_seconds=max_seconds)


def _public_only(url: str) -> bool:
    # Media named by a gateway the user typed in is fetched only from public addresses: such a
    # gateway could otherwise name the server's own neighbourhood.
    return session.gateway_media(url) == session.TYPED_GATEWAY


def download_button(
    label: str,
    url: str | None,
    *,
    kind: str,
    key: str,
    file_name: str,
    icon: str,
    mime: str | None = None,
    finish: Finish | None = None,
) -> None:
    """A download of a gateway's file through the server, or — for a URL no gateway named, such
    as a pasted response's — a plain link the browser opens itself (never an empty file).
    ``kind`` (image, audio, video): what the file must be to be handed over."""
    if not is_http_url(url):
        return
    if server_downloads(url):
        st.download_button(
            label,
            download_data(url, kind, finish),
            key=key,
            file_name=file_name,
            mime=mime,
            icon=icon,
            on_click="ignore",
        )
    else:
        st.link_button(label, url, icon=icon)


def offer_download(
    label: str,
    url: str | None,
    media: Media,
    *,
    kind: str,
    name_kind: str,
    title: str,
    fallback: str,
    key: str,
    icon: str,
    default_mime: str | None = None,
    finish: Finish | None = None,
) -> None:
    """``download_button`` for a file the page checked: none when the server refused it (an HTML
    page is no song to hand over), and named by the file's real type when the server holds it
    (never by the URL's own say-so unless it fits ``name_kind``)."""
    if media.refused:
        return
    file_name = download_name(title, fallback, name_kind, sniffed=media.ext, url=url)
    mime = media.mime or default_mime
    download_button(label, url, kind=kind, key=key, file_name=file_name, icon=icon, mime=mime, finish=finish)


def play(url: str | None, kind: str, lang: str, default_mime: str = "audio/mpeg") -> Media:
    """A player for a gateway's audio (``kind`` "audio") or video, or the note saying why the
    server's copy is not played; returns what was loaded, for the download beside it."""
    media = load_media(url, kind)
    if media.source is not None:
        player = st.audio if kind == "audio" else st.video
        player(media.source, format=media.mime or default_mime)
    elif media.refused:
        st.caption(refusal_note(media, lang))
    return media
