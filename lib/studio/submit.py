"""A paid submit with its record: written to the library before the POST goes out, completed
with the gateway's answer, so no attempt is ever lost (not even one whose answer never came).

A submit answered with its result rather than a task (a persona: a provider's ``no_task_routes``) gets no
task row: there is nothing to follow, and a row for it would wait *Not started* forever. The caller
keeps what it made (a persona goes to the library's personas, ``session.remember_persona``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from lib.gateway import providers
from lib.gateway.errors import GatewayError, OutcomeUnknownError
from lib.gateway.profiles import GatewayProfile
from lib.library.entries import utc_now
from lib.library.store import OUTCOME_UNKNOWN, HistoryStore, HistoryUnavailable


@dataclass(frozen=True)
class Submission:
    platform: str  # "suno" or "udio"
    action: str  # what the user chose: "inspiration", "custom", "extend", "udio-generate"…
    route: str  # a paid route's path from lib.gateway.routes, e.g. routes.SUNO_MUSIC.path
    body: Mapping[str, Any] = field(default_factory=dict)
    provider: str = providers.DEFAULT  # whose route and body these are (lib.gateway.providers)

    @property
    def makes_task(self) -> bool:
        """False for a submit answered with its result (a persona), which has no task to follow."""
        return self.route not in providers.get(self.provider).no_task_routes


@dataclass(frozen=True)
class SubmitResult:
    task_id: str
    row_id: int | None  # None when the library was unavailable: the submit went out unrecorded
    history_error: str = ""


def submit_recorded(
    store: HistoryStore | None, profile: GatewayProfile, submission: Submission, send: Callable[[], str]
) -> SubmitResult:
    """``send`` makes the one POST and returns the task ID. Gateway errors propagate after the
    row records them (``REJECTED``, or ``OUTCOME_UNKNOWN`` when the answer never came).

    Another visitor may delete the row while the POST is out: an answer (or an unknown outcome,
    which may have cost money too) then re-creates it, with the request, so no paid task goes
    unrecorded. A refusal cost nothing, so a deleted row stays deleted."""
    if not submission.makes_task:
        return SubmitResult(send(), None)  # not a task: see the module's docstring
    row_id, history_error, began = None, "", utc_now()  # ``began`` tells this row from a reused id
    if store is not None:
        try:
            row_id = store.begin_submit(profile, **_request(submission), now=began)
        except HistoryUnavailable as error:  # the user's request matters more than its record
            history_error = str(error)
    try:
        task_id = send()
    except OutcomeUnknownError as error:
        if _close(store, row_id, began, "mark_outcome_unknown", str(error)) is False:
            _recreate(store, profile, submission, status=OUTCOME_UNKNOWN, message=str(error))
        raise
    except GatewayError as error:
        _close(store, row_id, began, "mark_rejected", str(error))
        raise
    if _close(store, row_id, began, "complete_submit", task_id) is False:
        row_id = _recreate(store, profile, submission, task_id=task_id)
    return SubmitResult(task_id, row_id, history_error)


def _request(submission: Submission) -> dict[str, Any]:
    return {
        "platform": submission.platform,
        "action": submission.action,
        "route": submission.route,
        "body": submission.body,
    }


def _close(store: HistoryStore | None, row_id: int | None, began: datetime, method: str, detail: str) -> bool | None:
    """Whether the row was there to close (None: no row, or the library failed)."""
    if store is None or row_id is None:
        return None
    try:
        return getattr(store, method)(row_id, detail, began=began)
    except HistoryUnavailable:
        return None  # the row stays SENDING, which the History page explains


def _recreate(
    store: HistoryStore | None, profile: GatewayProfile, submission: Submission, **outcome: Any
) -> int | None:
    if store is None:
        return None
    try:
        return store.add_submit(profile, **_request(submission), **outcome)
    except HistoryUnavailable:
        return None  # the library failed between two writes; the task ID is still shown
