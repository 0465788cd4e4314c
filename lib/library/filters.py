"""What the History page asks the library for: ``HistoryFilter`` and its translation into SQL
conditions on the tasks table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from lib.library.entries import FINAL_STATUSES
from lib.library.schema import tasks


@dataclass(frozen=True)
class HistoryFilter:
    platforms: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    gateways: tuple[str, ...] = ()
    since: date | None = None  # inclusive, by submitted date (UTC)
    until: date | None = None  # inclusive
    text: str = ""
    starred_only: bool = False


# Tasks a fetch could still move on: they have an ID and are not in a final state.
UNFINISHED = (tasks.c.task_id.is_not(None), tasks.c.status.not_in(sorted(FINAL_STATUSES)))


def sql_conditions(filters: HistoryFilter) -> list[Any]:
    found: list[Any] = []
    if filters.platforms:
        found.append(tasks.c.platform.in_(filters.platforms))
    if filters.statuses:
        found.append(tasks.c.status.in_(filters.statuses))
    if filters.gateways:
        found.append(tasks.c.gateway_name.in_(filters.gateways))
    if filters.since:
        found.append(tasks.c.submitted_at >= _day_start(filters.since))
    if filters.until:
        found.append(tasks.c.submitted_at < _day_start(filters.until) + timedelta(days=1))
    if filters.starred_only:
        found.append(tasks.c.starred.is_(True))
    text = filters.text.strip()
    if text:
        found.append(
            sa.or_(
                *(
                    column.icontains(text, autoescape=True)
                    for column in (tasks.c.title, tasks.c.prompt, tasks.c.tags, tasks.c.task_id, tasks.c.note)
                )
            )
        )
    return found


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)
