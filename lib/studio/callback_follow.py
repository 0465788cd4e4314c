"""Following a task by the webhook receiver's callbacks instead of fetching it.

A task whose submit carried the receiver's callback URL is finished by its gateway's callbacks
(``lib.studio.webhook`` records each one in the library row): the Task and Batch pages read that
row and ask the gateway nothing. A gateway that has not called back for ``CALLBACK_GRACE_S`` may
never do so (a callback lost on the way, a gateway that ignores the field): the task is then
fetched as any other. No Streamlit here.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from lib.gateway.errors import GatewayError
from lib.gateway.models import Task
from lib.gateway.parser import parse_task
from lib.library.entries import as_utc, utc_now
from lib.library.store import HistoryEntry

CALLBACK_GRACE_S = 300.0  # a task silent this long is fetched even with the receiver on
TICK_S = 2.0  # how often a page reads a followed row (the library, never the gateway)


def carries_callback(entry: HistoryEntry, callback_url: str) -> bool:
    """Whether the row's submit asked its gateway to call ``callback_url`` back (in whatever field
    the provider names it: ``notify_hook``, ``callBackUrl``, ``callback_url``, a webhook object)."""
    if not callback_url or not entry.request_body:
        return False
    try:
        body = json.loads(entry.request_body)
    except ValueError:
        return False
    return callback_url in _strings(body)


def silent_too_long(entry: HistoryEntry, now: datetime | None = None) -> bool:
    """No callback (nor submit) has touched the row for ``CALLBACK_GRACE_S``."""
    now = now or utc_now()
    last = as_utc(entry.updated_at) or as_utc(entry.submitted_at)
    return last is None or now - last > timedelta(seconds=CALLBACK_GRACE_S)


def followed_by_callbacks(entry: HistoryEntry | None, callback_url: str, now: datetime | None = None) -> bool:
    """Whether a page should read this task from its row rather than from the gateway: its submit
    carried ``callback_url``, and it has finished (the last callback said so) or called back lately."""
    if entry is None or not carries_callback(entry, callback_url):
        return False
    if entry.is_final:
        return task_from_row(entry) is not None
    return not silent_too_long(entry, now)


def task_from_row(entry: HistoryEntry) -> Task | None:
    """The task as the last callback (or fetch) described it; None before any did."""
    if not entry.last_body:
        return None
    try:
        return parse_task(json.loads(entry.last_body), entry.platform)
    except (ValueError, GatewayError):
        return None


def _strings(value: object, depth: int = 0) -> list[str]:
    """Every string in a JSON value (a webhook may sit in a nested object, e.g. PiAPI's)."""
    if depth > 8:
        return []
    if isinstance(value, str):
        return [value.strip()]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item, depth + 1)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item, depth + 1)]
    return []
