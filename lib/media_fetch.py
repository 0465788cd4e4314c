"""Server-side media downloads, for viewers whose network cannot reach the gateway's CDN or the
sandbox on loopback: http(s) only, capped in size and time."""
from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

import requests

from lib.errors import GatewayConnectionError, InvalidInputError, ProtocolError
from lib.text import is_http_url

MAX_MEDIA_BYTES = 50 * 1024 * 1024
TIMEOUT = (5.0, 30.0)


def is_loopback_url(url: str | None) -> bool:
    if not is_http_url(url):
        return False
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def fetch_media(url: str, *, max_bytes: int = MAX_MEDIA_BYTES) -> tuple[bytes, str]:
    """The file's bytes and content type; raises a ``GatewayError`` subclass on any failure."""
    if not is_http_url(url):
        raise InvalidInputError("only http(s) media URLs are fetched")
    try:
        with requests.get(url, stream=True, timeout=TIMEOUT, allow_redirects=True) as response:
            if response.status_code >= 400:
                raise GatewayConnectionError(f"the media server answered HTTP {response.status_code}",
                                             status=response.status_code)
            declared = int(response.headers.get("Content-Length") or 0)
            if declared > max_bytes:
                raise ProtocolError(f"the file is larger than {max_bytes // 2**20} MB")
            chunks, size = [], 0
            for chunk in response.iter_content(256 * 1024):
                size += len(chunk)
                if size > max_bytes:
                    raise ProtocolError(f"the file is larger than {max_bytes // 2**20} MB")
                chunks.append(chunk)
            content_type = response.headers.get("Content-Type", "application/octet-stream")
            return b"".join(chunks), content_type.split(";")[0].strip()
    except requests.RequestException as exc:
        raise GatewayConnectionError(f"could not download the media file ({type(exc).__name__})") from None
