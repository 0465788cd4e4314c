"""Server-side media downloads, for viewers whose network cannot reach the gateway's CDN or the
sandbox on loopback: http(s) only, capped in size, time and redirects.

Which URLs may be fetched at all is decided by the caller (``lib.ui.media``: only URLs a gateway
handed out). Here every hop is checked again, because a redirect is a new URL nobody vetted:
it must be http(s), at most ``MAX_REDIRECTS`` of them, and a public address may not redirect
into loopback or a private network (the server's own neighbourhood). A refusal raises
``InvalidInputError``; a body over the cap ``ProtocolError`` (the export pack reads it as "too
large"); anything else on the way a ``GatewayConnectionError``.
"""

from __future__ import annotations

import time
from urllib.parse import urljoin

import requests
import urllib3

from lib.gateway.addresses import is_http_url, is_loopback_url, is_public_url
from lib.gateway.errors import GatewayConnectionError, InvalidInputError, ProtocolError

__all__ = ["MAX_MEDIA_BYTES", "fetch_media", "is_loopback_url", "is_public_url"]

MAX_MEDIA_BYTES = 50 * 1024 * 1024
TIMEOUT = (5.0, 30.0)  # connect, and the longest silence while reading
MAX_SECONDS = 120.0  # the whole download, redirects included: a slow drip cannot hold a thread
MAX_REDIRECTS = 3
_REDIRECTS = (301, 302, 303, 307, 308)


def fetch_media(
    url: str, *, max_bytes: int = MAX_MEDIA_BYTES, public_only: bool = False, max_seconds: float = MAX_SECONDS
) -> tuple[bytes, str]:
    """The file's bytes and content type; raises a ``GatewayError`` subclass on any failure.
    ``public_only``: refuse loopback and private addresses even for the first URL (media named by
    a gateway the user typed in, rather than one the operator configured)."""
    if not is_http_url(url):
        raise InvalidInputError("only http(s) media URLs are fetched")
    if public_only and not is_public_url(url):
        raise InvalidInputError("media on a loopback or private address is not fetched by the server")
    deadline = time.monotonic() + max_seconds
    current, redirects, origin_public = url, 0, None
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise GatewayConnectionError(f"the download took longer than {max_seconds:g} s")
            # Redirects are followed here, one at a time, so each target is checked first.
            with requests.get(
                current, stream=True, allow_redirects=False, timeout=(TIMEOUT[0], min(TIMEOUT[1], remaining))
            ) as response:
                if response.status_code in _REDIRECTS and response.headers.get("Location"):
                    target = urljoin(current, response.headers["Location"].strip())
                    redirects += 1
                    if redirects > MAX_REDIRECTS:
                        raise InvalidInputError(f"the media server redirected more than {MAX_REDIRECTS} times")
                    if not is_http_url(target):
                        raise InvalidInputError("the media server redirected to a non-http(s) address")
                    if origin_public is None:
                        origin_public = public_only or is_public_url(url)
                    if origin_public and not is_public_url(target):
                        raise InvalidInputError("the media server redirected to a loopback or private address")
                    current = target
                    continue
                if response.status_code >= 300:
                    raise GatewayConnectionError(
                        f"the media server answered HTTP {response.status_code}", status=response.status_code
                    )
                return _read(response, max_bytes, deadline, max_seconds)
    except requests.RequestException as exc:
        raise GatewayConnectionError(f"could not download the media file ({type(exc).__name__})") from None


def _read(response: requests.Response, max_bytes: int, deadline: float, max_seconds: float) -> tuple[bytes, str]:
    too_large = f"the file is larger than {_megabytes(max_bytes)} MB"
    if _declared_length(response) > max_bytes:
        raise ProtocolError(too_large)
    chunks, size = [], 0
    # Without (or despite) a Content-Length, count what actually arrives. read1 returns whatever
    # one read brings, so the deadline is checked as bytes trickle in; iter_content would wait
    # for a whole chunk, and a server dripping a byte a second would never meet the cap.
    read1 = getattr(response.raw, "read1", None)  # urllib3 2; 1.x falls back to whole chunks
    pieces = iter(lambda: read1(256 * 1024, decode_content=True), b"") if read1 else response.iter_content(256 * 1024)
    try:
        for chunk in pieces:
            size += len(chunk)
            if size > max_bytes:
                raise ProtocolError(too_large)
            if time.monotonic() > deadline:
                raise GatewayConnectionError(f"the download took longer than {max_seconds:g} s")
            chunks.append(chunk)
    except urllib3.exceptions.HTTPError as exc:  # raw reads are not wrapped by requests
        raise GatewayConnectionError(f"could not download the media file ({type(exc).__name__})") from None
    content_type = response.headers.get("Content-Type", "application/octet-stream")
    return b"".join(chunks), content_type.split(";")[0].strip()


def _declared_length(response: requests.Response) -> int:
    try:
        return int(response.headers.get("Content-Length") or 0)
    except ValueError:  # a malformed header is no size at all; the count below still applies
        return 0


def _megabytes(size: int) -> str:
    return f"{size / 2**20:.3g}"
