"""Tolerant readers of single JSON fields: the first present value among a field's spellings,
and text, tags, http(s) URLs, non-negative numbers, 0–100 progress and UTC times read from
whatever type a gateway sent. Each answers an empty value (``""``, ``()`` or ``None``) for a
value it cannot read rather than raising, so one odd field never loses a task; knowing which
fields make a task or a song is ``lib.gateway.parser``'s job.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from lib.text import is_http_url

_PERCENT = re.compile(r"-?\d+(?:\.\d+)?")


def first_present(obj: Mapping, *keys: str) -> Any:
    for key in keys:
        value = obj.get(key)
        if value is not None and value != "":
            return value
    return None


def as_text(value: Any) -> str:
    if value is None or isinstance(value, (Mapping, list)):
        return ""
    return str(value)


def as_tags(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        items = value.split(",")
    elif isinstance(value, (list, tuple)):
        items = [v for v in value if isinstance(v, (str, int, float)) and not isinstance(v, bool)]
    else:
        return ()
    return tuple(str(t).strip() for t in items if str(t).strip())


def as_url(value: Any) -> str | None:
    url = value.strip() if isinstance(value, str) else None
    return url if is_http_url(url) else None


def as_number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if number == number and abs(number) != float("inf") and number >= 0 else None


def as_progress(value: Any) -> int | None:
    if isinstance(value, (bool, Mapping, list)) or value is None:
        return None  # digits inside an object's repr are not a percentage
    if isinstance(value, (int, float)):
        number = float(min(max(value, -1), 1000))
    else:
        match = _PERCENT.search(str(value))
        if not match:
            return None
        number = float(match.group())  # a 400-digit string reads as inf
    if number != number:  # NaN
        return None
    return int(round(max(0.0, min(100.0, number))))


def as_time(value: Any) -> datetime | None:
    if value is None or isinstance(value, bool) or value in ("", 0, "0"):
        return None
    if isinstance(value, str):
        stripped = value.strip()
        if re.fullmatch(r"\d+(\.\d+)?", stripped):
            value = float(stripped)
        else:
            try:
                parsed = datetime.fromisoformat(stripped.replace("Z", "+00:00"))
            except ValueError:
                return None
            if parsed.tzinfo is None:
                parsed = parsed.replace(tzinfo=UTC)
            if parsed.year < 1971:  # Go's zero time ("0001-01-01T00:00:00Z", PiAPI): not yet
                return None
            return parsed.astimezone(UTC)
    if not isinstance(value, (int, float)) or value <= 0:
        return None
    try:
        seconds = value / 1000 if value > 1e12 else value  # a huge int overflows the division
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None
