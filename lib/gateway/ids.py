"""Task, clip and song IDs: opaque strings, but only of the shapes gateways hand out."""

from __future__ import annotations

import re

from lib.gateway.errors import InvalidInputError

MAX_ID_LENGTH = 128
# UUIDs, 32-hex, ``task_…`` public IDs, long numeric IDs (reference §1.5) all fit.
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]*")
_SEPARATORS = re.compile(r"[\s,;，；、]+")
# What a paste leaves around an ID (newline, tab, no-break and ideographic spaces). Not
# str.strip(): it also drops control characters such as \x1c-\x1f, which must be refused.
_PADDING = " \t\r\n\u00a0\u3000"


def validate_id(value: object, what: str = "ID") -> str:
    """The ID, trimmed, when it can go into a URL path as one segment; ``InvalidInputError``
    (before any request) for anything else: empty, over ``MAX_ID_LENGTH``, or any character but
    ASCII letters, digits and . _ : - (no '/', '%', spaces, control or non-ASCII characters), or
    a leading punctuation character (so never '.' or '..')."""
    text = str(value or "").strip(_PADDING)
    if not text:
        raise InvalidInputError(f"the {what} is empty")
    if len(text) > MAX_ID_LENGTH:
        raise InvalidInputError(f"the {what} is longer than {MAX_ID_LENGTH} characters")
    if not _ID.fullmatch(text):
        raise InvalidInputError(f"the {what} may only hold letters, digits and . _ : - (got {text[:40]!r})")
    return text


def split_ids(text: str) -> list[str]:
    """IDs pasted as one blob: commas, spaces, newlines or Chinese punctuation between them."""
    return list(dict.fromkeys(part for part in _SEPARATORS.split(text or "") if part))
