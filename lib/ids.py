"""Task, clip and song IDs: opaque strings, but only of the shapes gateways hand out."""
from __future__ import annotations

import re

from lib.errors import InvalidInputError

MAX_ID_LENGTH = 128
# UUIDs, 32-hex, ``task_…`` public IDs, long numeric IDs (reference §1.5) all fit.
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]*")
_SEPARATORS = re.compile(r"[\s,;，；、]+")


def validate_id(value: object, what: str = "ID") -> str:
    text = str(value or "").strip()
    if not text:
        raise InvalidInputError(f"the {what} is empty")
    if len(text) > MAX_ID_LENGTH:
        raise InvalidInputError(f"the {what} is longer than {MAX_ID_LENGTH} characters")
    if not _ID.fullmatch(text):
        raise InvalidInputError(
            f"the {what} may only hold letters, digits and . _ : - (got {text[:40]!r})")
    return text


def split_ids(text: str) -> list[str]:
    """IDs pasted as one blob: commas, spaces, newlines or Chinese punctuation between them."""
    return list(dict.fromkeys(part for part in _SEPARATORS.split(text or "") if part))
