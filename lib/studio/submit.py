"""A paid submit with its record: written to the library before the POST goes out, completed
with the gateway's answer, so no attempt is ever lost (not even one whose answer never came)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from lib.gateway.errors import GatewayError, OutcomeUnknownError
from lib.gateway.profiles import GatewayProfile
from lib.library.store import HistoryStore, HistoryUnavailable


@dataclass(frozen=True)
class Submission:
    platform: str  # "suno" or "udio"
    action: str  # what the user chose: "inspiration", "custom", "extend", "udio-generate"…
    route: str  # a paid route's path from lib.gateway.routes, e.g. routes.SUNO_MUSIC.path
    body: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SubmitResult:
    task_id: str
    row_id: int | None  # None when the library was unavailable: the submit went out unrecorded
    history_error: str = ""


def submit_recorded(
    store: HistoryStore | None, profile: GatewayProfile, submission: Submission, send: Callable[[], str]
) -> SubmitResult:
    """``send`` makes the one POST and returns the task ID. Gateway errors propagate after the
    row records them (``REJECTED``, or ``OUTCOME_UNKNOWN`` when the answer never came)."""
    row_id, history_error = None, ""
    if store is not None:
        try:
            row_id = store.begin_submit(
                profile,
                platform=submission.platform,
                action=submission.action,
                route=submission.route,
                body=submission.body,
            )
        except HistoryUnavailable as error:  # the user's request matters more than its record
            history_error = str(error)
    try:
        task_id = send()
    except OutcomeUnknownError as error:
        _close(store, row_id, "mark_outcome_unknown", str(error))
        raise
    except GatewayError as error:
        _close(store, row_id, "mark_rejected", str(error))
        raise
    _close(store, row_id, "complete_submit", task_id)
    return SubmitResult(task_id, row_id, history_error)


def _close(store: HistoryStore | None, row_id: int | None, method: str, detail: str) -> None:
    if store is None or row_id is None:
        return
    try:
        getattr(store, method)(row_id, detail)
    except HistoryUnavailable:
        pass  # the row stays SENDING, which the History page explains
