"""A paid submit's row in the library, as ``HistoryStore`` methods: written before the POST,
completed with the answer, re-created when another visitor deleted it while the POST was out,
and turned *Outcome unknown* when its POST outlived the submit timeout (the app was killed).

``SubmitRows`` is a mixin like ``PersonaQueries``: ``HistoryStore`` (in ``lib.library.store``)
inherits it and lends it its connections (``_read``, ``_write``), ``_forget_digests`` and its
``owner``: a submit's row is always its writer's own. No
Streamlit here, and no settings: the caller passes the submit timeout in.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from lib.gateway.models import TaskStatus
from lib.gateway.profiles import GatewayProfile
from lib.library.entries import (
    OUTCOME_UNKNOWN,
    REJECTED,
    SENDING,
    request_prompt,
    request_tags,
    request_title,
    safe_url,
    utc_now,
)
from lib.library.schema import tasks

# What a Sending row that outlived its POST says: nobody is waiting for its answer any more.
_NEVER_ANSWERED = (
    "no answer was recorded: the app stopped (or lost the connection) while the request was out, "
    "so the gateway may or may not have created the task"
)


def _submit_row(row_id: int, began: datetime | None) -> list[Any]:
    """What finds a submit's own row: its id and, when known, the time it was written with.
    SQLite gives a deleted row's id to the next row inserted (when it was the newest): by id
    alone, an answer could land in another visitor's submit."""
    return [tasks.c.id == row_id, *([tasks.c.submitted_at == began] if began is not None else [])]


class SubmitRows:
    """The submit half of ``HistoryStore`` (see the module's docstring for what it borrows)."""

    def begin_submit(
        self, profile: GatewayProfile, *, platform: str, action: str, route: str, body: Any, now: datetime | None = None
    ) -> int:
        """Written before the POST goes out, so an attempt is never lost. Returns the row id."""
        return self.add_submit(profile, platform=platform, action=action, route=route, body=body, now=now)

    def add_submit(
        self,
        profile: GatewayProfile,
        *,
        platform: str,
        action: str,
        route: str,
        body: Any,
        task_id: str | None = None,
        status: str = SENDING,
        message: str = "",
        now: datetime | None = None,
    ) -> int:
        """A submit's row with its request: ``SENDING`` before the POST (``begin_submit``), or
        with the answer already in it, for a submit whose row another visitor deleted while the
        POST was out (a paid task must never go unrecorded). Returns the row id."""
        now = now or utc_now()
        request = dict(body) if isinstance(body, Mapping) else body
        status = TaskStatus.NOT_START.value if task_id else status
        with self._write() as conn:
            if task_id:  # a fetch that raced ahead of this answer may already hold the task
                self._drop_task(conn, self.owner, profile.name, platform, task_id)
            row_id = conn.execute(
                tasks.insert().values(
                    owner=self.owner,
                    platform=platform,
                    task_id=task_id,
                    gateway_name=profile.name,
                    gateway_url=safe_url(profile.base_url),
                    key_fingerprint=profile.key_fingerprint,
                    origin="submitted",
                    action=action,
                    route=route,
                    request_body=json.dumps(request, ensure_ascii=False, sort_keys=True),
                    submit_error=message[:2000],
                    submitted_at=now,
                    status=status,
                    progress=0,
                    first_seen=now,
                    updated_at=now,
                    title=request_title(request),
                    prompt=request_prompt(request),
                    tags=request_tags(request),
                )
            ).inserted_primary_key[0]
        self._forget_digests([(self.owner, profile.name, platform, task_id)] if task_id else [])
        return row_id

    def complete_submit(self, row_id: int, task_id: str, *, began: datetime | None = None) -> bool:
        """The gateway's answer into the submit's row; False when that row is gone (deleted
        while the POST was out): the caller re-creates it with ``add_submit``. ``began``: the
        ``now`` the row was written with, so a reused id cannot pass for it (``_submit_row``)."""
        mine = [*_submit_row(row_id, began), tasks.c.owner == self.owner]
        with self._write() as conn:
            # Locked (PostgreSQL; SQLite's write lock is already held), so a delete from another
            # session cannot slip in between this read and the update below.
            row = conn.execute(
                sa.select(tasks.c.gateway_name, tasks.c.platform).where(*mine).with_for_update()
            ).one_or_none()
            if row is None:
                return False
            self._drop_task(conn, self.owner, row.gateway_name, row.platform, task_id, keep=row_id)
            conn.execute(
                tasks.update()
                .where(tasks.c.id == row_id)
                .values(task_id=task_id, status=TaskStatus.NOT_START.value, submit_error="", updated_at=utc_now())
            )
        # The dropped row's digest would make the next poll of this task skip its write.
        self._forget_digests([(self.owner, row.gateway_name, row.platform, task_id)])
        return True

    def mark_outcome_unknown(self, row_id: int, message: str, *, began: datetime | None = None) -> bool:
        """False when the row is gone (see ``complete_submit``)."""
        return self._end_submit(row_id, OUTCOME_UNKNOWN, message, began)

    def mark_rejected(self, row_id: int, message: str, *, began: datetime | None = None) -> bool:
        return self._end_submit(row_id, REJECTED, message, began)

    def expire_sending(self, older_than_s: float, *, now: datetime | None = None) -> int:
        """Rows still ``SENDING`` though their POST began more than ``older_than_s`` ago (the
        submit's timeout: the app was stopped or killed mid-POST) become ``OUTCOME_UNKNOWN``,
        so the Outcome-unknown filter finds them. Returns how many changed."""
        cutoff = (now or utc_now()) - timedelta(seconds=max(0.0, older_than_s))
        stale = (tasks.c.status == SENDING, tasks.c.submitted_at < cutoff)
        with self._read() as conn:  # usually there are none: then no write (and no write lock)
            if conn.execute(sa.select(tasks.c.id).where(*stale).limit(1)).first() is None:
                return 0
        with self._write() as conn:
            return conn.execute(
                tasks.update()
                .where(*stale)
                .values(status=OUTCOME_UNKNOWN, submit_error=_NEVER_ANSWERED, updated_at=utc_now())
            ).rowcount

    # --- internals -------------------------------------------------------------------------

    def _end_submit(self, row_id: int, status: str, message: str, began: datetime | None) -> bool:
        values = {"status": status, "submit_error": message[:2000], "updated_at": utc_now()}
        with self._write() as conn:
            mine = [*_submit_row(row_id, began), tasks.c.owner == self.owner]
            return conn.execute(tasks.update().where(*mine).values(**values)).rowcount > 0

    @staticmethod
    def _drop_task(
        conn: sa.Connection, owner: str, gateway: str, platform: str, task_id: str, keep: int | None = None
    ) -> None:
        """Removes another row of the same owner holding this task, so the submit's row (with its
        request) is the one. Another user's row of the same task is theirs and stays."""
        match = [
            tasks.c.owner == owner,
            tasks.c.gateway_name == gateway,
            tasks.c.platform == platform,
            tasks.c.task_id == task_id,
        ]
        conn.execute(tasks.delete().where(*match, *([tasks.c.id != keep] if keep is not None else [])))
