"""Where the browser gets a song's media: straight from its URL, or through this server for
loopback URLs (the sandbox) and when the viewer asked for it. Only http(s) URLs are ever used."""
from __future__ import annotations

from lib import state
from lib.errors import GatewayError
from lib.media_fetch import is_loopback_url
from lib.text import is_http_url


def through_server(url: str | None) -> bool:
    return is_http_url(url) and (state.media_through_server() or is_loopback_url(url))


def media_source(url: str | None) -> str | bytes | None:
    """A URL for the browser, the downloaded bytes, or None (no usable URL, download failed)."""
    if not is_http_url(url):
        return None
    if not through_server(url):
        return url
    try:
        return state.media_bytes(url)[0]
    except GatewayError:
        return None


def download_data(url: str):
    """A zero-argument callable for ``st.download_button``: fetched only when clicked."""
    def fetch() -> bytes:
        try:
            return state.media_bytes(url)[0]
        except GatewayError:
            return b""
    return fetch
