"""Reading the song tools' answers (WAV, MP4, stems, MIDI): gateways and providers disagree on where
a file's URL or the new clips sit, so these look everywhere (reference §2.10–2.11)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from lib.gateway import errors

WAV_KEYS = ("wav_file_url", "wav_url", "url")
MP4_KEYS = ("mp4_file_url", "video_url", "url")
FILE_KEY = ("file_url",)  # AceDataCloud's ``/suno/wav`` answer (docs/providers.md §2)


def unwrap_data(body: Any) -> Any:
    if isinstance(body, Mapping) and "data" in body and ("code" in body or "message" in body):
        return body["data"]
    return body


def clips_of(body: Any) -> list[Any]:
    body = unwrap_data(body)
    if isinstance(body, Mapping):
        body = body.get("clips", body.get("data"))
    if not isinstance(body, list):
        raise errors.ProtocolError("the gateway's answer holds no clips")
    return body


def find_url(body: Any, suffix: str, keys: tuple[str, ...]) -> str | None:
    """Gateways disagree on where the file URL sits (reference §2.10–2.11): look everywhere."""
    stack = [body]
    while stack:
        item = stack.pop()
        if isinstance(item, Mapping):
            for key in keys:
                value = item.get(key)
                if isinstance(value, str) and value.startswith(("http://", "https://")):
                    return value
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif (
            isinstance(item, str)
            and item.startswith(("http://", "https://"))
            and urlsplit(item).path.lower().endswith(suffix)
        ):
            return item
    return None
