"""What the Insights page reads from the library: the few columns its figures need, for every row
a History search would list, without the heavy ones (request and answer bodies), so 10,000 rows
load in one light query.

``InsightQueries`` is a mixin like ``PersonaQueries``: ``HistoryStore`` inherits it and lends it
``_read`` and ``_visible`` (a visitor sees their own rows only, as on History).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from lib.library.filters import HistoryFilter, sql_conditions
from lib.library.schema import tasks

INSIGHT_COLUMNS = (
    "platform",
    "gateway_name",
    "model",
    "action",
    "status",
    "fail_reason",
    "submitted_at",
    "started_at",
    "finished_at",
    "duration",
    "song_count",
    "cost",
)
# More rows than this are summed up newest first: the page says so.
INSIGHT_LIMIT = 100_000


class InsightQueries:
    """The Insights half of ``HistoryStore`` (see the module's docstring for what it borrows)."""

    def insight_rows(self, filters: HistoryFilter | None = None, *, limit: int = INSIGHT_LIMIT) -> list[dict[str, Any]]:
        """One dict per matching row with ``INSIGHT_COLUMNS``, newest first; times as datetimes,
        or on SQLite as its text (``2026-01-01 09:00:00.000000``, UTC)."""
        # SQLite keeps times as text: read as such, pandas parses 10,000 of them at once far
        # faster than the driver turns each into a datetime.
        as_text = self.dialect == "sqlite"
        columns = [
            sa.type_coerce(tasks.c[name], sa.Text).label(name)
            if as_text and isinstance(tasks.c[name].type, sa.DateTime)
            else tasks.c[name]
            for name in INSIGHT_COLUMNS
        ]
        query = (
            sa.select(*columns)
            .where(*sql_conditions(filters or HistoryFilter()), *self._visible())
            .order_by(tasks.c.submitted_at.desc(), tasks.c.id.desc())
            .limit(max(1, limit))
        )
        with self._read() as conn:
            return [dict(row) for row in conn.execute(query).mappings()]
