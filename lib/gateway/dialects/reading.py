"""What a provider's body says, in the studio's terms, before it becomes a ``Task``.

Each dialect module turns its provider's shapes into a ``Reading``: the task's fields as found,
and its songs still as JSON objects, renamed only where a field means something else than in
Suno's own clips (``lib.gateway.song_readers`` reads those). ``lib.gateway.parser`` builds the
``Task`` from it, so every provider's task is built the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lib.gateway.field_readers import as_text
from lib.gateway.models import TaskStatus


@dataclass(frozen=True)
class Reading:
    provider: str  # one of lib.gateway.models.PROVIDERS, or "" for a shape of no known provider
    task_id: str = ""
    status: TaskStatus | None = None  # None: the songs decide
    status_word: str = ""  # the provider's own word, shown beside the status
    action: str = ""
    fail_reason: str = ""
    submitted_at: Any = None  # as the body spells them; the parser reads the times
    started_at: Any = None
    finished_at: Any = None
    progress: Any = None
    songs: tuple[Mapping, ...] = ()
    lyrics: Mapping | None = None  # {"title", "text", "tags"}
    platform: str = ""  # "udio" when the body itself says so


def mapping(value: Any) -> Mapping:
    return value if isinstance(value, Mapping) else {}


def mappings(value: Any) -> tuple[Mapping, ...]:
    """The objects of a list, or of a dict keyed by ID (PiAPI's clips), each keeping its key as ID."""
    if isinstance(value, Mapping):
        return tuple(dict(item, id=item.get("id") or key) for key, item in value.items() if isinstance(item, Mapping))
    if isinstance(value, list):
        return tuple(item for item in value if isinstance(item, Mapping))
    return ()


def word(value: Any) -> str:
    """A status word as text; "" for anything that is not one (objects, lists, booleans)."""
    if value is None or isinstance(value, (bool, Mapping, list)):
        return ""
    return as_text(value).strip()


def joined(*parts: Any) -> str:
    """Non-empty texts joined with ": ", each once (PiAPI: message + raw message)."""
    seen: list[str] = []
    for part in parts:
        text = word(part)
        if text and text not in seen:
            seen.append(text)
    return ": ".join(seen)
