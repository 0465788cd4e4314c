"""The library's records and their conversion: ``HistoryEntry`` (one task row) and ``Persona``,
the statuses a row can hold, and the values a fetched task or a submit writes into a row.

Nothing here touches the database, so these conversions can be read (and tested) on their own;
the table definitions live in ``schema``, the reading and writing in ``store``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from lib.gateway.models import Task, TaskStatus
from lib.studio.task_lookup import estimate_progress

# Statuses of a submit that has no task (yet): written before the POST, replaced by the answer.
SENDING = "SENDING"
OUTCOME_UNKNOWN = "OUTCOME_UNKNOWN"
REJECTED = "REJECTED"
SUBMIT_STATUSES = (SENDING, OUTCOME_UNKNOWN, REJECTED)
ALL_STATUSES = tuple(s.value for s in TaskStatus) + SUBMIT_STATUSES
# A row in one of these will not change by fetching it again.
FINAL_STATUSES = frozenset({TaskStatus.SUCCESS.value, TaskStatus.FAILURE.value, TaskStatus.UNKNOWN.value, REJECTED})


@dataclass(frozen=True)
class HistoryEntry:
    id: int
    platform: str
    task_id: str | None
    gateway_name: str
    gateway_url: str
    key_fingerprint: str
    origin: str
    action: str
    route: str
    request_body: str | None
    submit_error: str
    submitted_at: datetime
    status: str
    progress: int
    fail_reason: str
    title: str
    cover_url: str | None
    song_count: int
    model: str
    duration: float | None
    prompt: str
    tags: str
    last_body: str | None
    body_digest: str
    first_seen: datetime
    updated_at: datetime
    starred: bool
    note: str
    owner: str = "local"  # who the row belongs to (lib.access.visitor): "local" without sign-in
    # When the gateway says the task started and finished, and what it cost in US dollars where
    # its answer names that (schema version 6; None until a fetch fills them in).
    started_at: datetime | None = None
    finished_at: datetime | None = None
    cost: float | None = None

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES

    @property
    def request(self) -> Any:
        return json.loads(self.request_body) if self.request_body else None


_ENTRY_FIELDS = tuple(f.name for f in fields(HistoryEntry))


@dataclass(frozen=True)
class Persona:
    persona_id: str
    name: str
    description: str
    root_clip_id: str
    root_title: str
    gateway_name: str
    created_at: datetime


_PERSONA_FIELDS = tuple(f.name for f in fields(Persona))


# --- rows -> records -----------------------------------------------------------------------------


def entry_from_row(row: Mapping[str, Any]) -> HistoryEntry:
    values = {name: row[name] for name in _ENTRY_FIELDS}
    for name in ("submitted_at", "first_seen", "updated_at", "started_at", "finished_at"):
        values[name] = as_utc(values[name])
    values["starred"] = bool(values["starred"])  # SQLite hands back 0/1
    return HistoryEntry(**values)


def persona_from_row(row: Mapping[str, Any]) -> Persona:
    return Persona(**{**{name: row[name] for name in _PERSONA_FIELDS}, "created_at": as_utc(row["created_at"])})


# --- what gets written ---------------------------------------------------------------------------


def task_row_values(task: Task, now: datetime) -> dict[str, Any]:
    """The columns a fetch fills in from the gateway's answer (the first song stands for all)."""
    first = task.songs[0] if task.songs else None
    title = first.title if first else (task.lyrics.title if task.lyrics else "")
    tags = ", ".join(first.tags) if first else (", ".join(task.lyrics.tags) if task.lyrics else "")
    prompt = (first.description or first.lyrics) if first else (task.lyrics.text if task.lyrics else "")
    return {
        "status": task.status.value,
        "progress": estimate_progress(task, now).value,
        "fail_reason": task.fail_reason or "",
        "title": title or "",
        "cover_url": first.image_url if first else None,
        "song_count": len(task.songs),
        "model": first.model if first else "",
        "duration": first.duration if first else None,
        "prompt": (prompt or "")[:4000],
        "tags": tags[:1000],
        "last_body": json.dumps(task.raw, ensure_ascii=False, default=str) if task.raw is not None else None,
        "started_at": as_utc(task.started_at),
        "finished_at": as_utc(task.finished_at) if task.is_terminal else None,
        "cost": task_cost(task.raw),
    }


# new-api counts a task's price in quota units, 500,000 to the US dollar unless its operator
# changed that (reference §4.1: the newer task DTO's ``quota``).
QUOTA_PER_DOLLAR = 500_000


def task_cost(raw: Any) -> float | None:
    """What the task cost in US dollars, where the gateway's answer says (new-api's ``quota``, on
    the task object or its envelope); None when it does not."""
    for holder in (raw.get("data"), raw) if isinstance(raw, Mapping) else ():
        quota = holder.get("quota") if isinstance(holder, Mapping) else None
        if isinstance(quota, int | float) and not isinstance(quota, bool) and quota >= 0:
            return quota / QUOTA_PER_DOLLAR
    return None


def task_digest(task: Task) -> str:
    """Changes whenever the gateway's answer does, so an unchanged poll can skip its write."""
    body = json.dumps(task.raw, sort_keys=True, default=str) if task.raw is not None else repr(task)
    return hashlib.sha256(f"{task.status.value}\x1f{body}".encode()).hexdigest()


def safe_url(url: str) -> str:
    """A base URL without credentials or query: someone may have pasted a key into it."""
    parts = urlsplit(url)
    if not parts.scheme:
        return url.split("?", 1)[0].rsplit("@", 1)[-1][:500]
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, host, parts.path, "", ""))[:500]


# A submit's row shows what was asked for until the first fetch shows what was made.


def request_title(body: Any) -> str:
    return str(body.get("title") or "")[:500] if isinstance(body, Mapping) else ""


def request_prompt(body: Any) -> str:
    if not isinstance(body, Mapping):
        return ""
    params = body.get("gen_params") if isinstance(body.get("gen_params"), Mapping) else {}
    for value in (body.get("gpt_description_prompt"), body.get("prompt"), params.get("prompt"), params.get("lyrics")):
        if value:
            return str(value)[:4000]
    return ""


def request_tags(body: Any) -> str:
    return str(body.get("tags") or "")[:1000] if isinstance(body, Mapping) else ""


# --- time ----------------------------------------------------------------------------------------


def utc_now() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
