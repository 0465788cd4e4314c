"""The task library: every task submitted or inspected here, kept across restarts.

SQLAlchemy Core over SQLite (the default: one file in the user's data directory) or PostgreSQL
(``HISTORY_DATABASE_URL=postgresql+psycopg://…``, for a team running several replicas). No
Streamlit here. The key never reaches the database: rows carry a hash prefix of it at most.
It also remembers the Suno personas (singer styles) made through each gateway.

This module owns ``HistoryStore``, the one way in. Its parts live next to it: ``paths`` (where
the database is), ``database`` (the engine and ``HistoryUnavailable``), ``schema`` (tables and
upgrades), ``entries`` (records and row values), ``filters`` (what a search asks for),
``persona_queries`` and ``submit_rows`` (the persona and the submit methods, which
``HistoryStore`` inherits). The names callers used from here before the split are re-exported,
so they still import from here.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from lib.gateway.models import Task
from lib.gateway.profiles import GatewayProfile
from lib.library.database import STATEMENT_TIMEOUT_S, WAIT_TIMEOUT_S, HistoryUnavailable, make_engine, translated_errors
from lib.library.entries import (
    ALL_STATUSES,
    OUTCOME_UNKNOWN,
    REJECTED,
    SENDING,
    SUBMIT_STATUSES,
    HistoryEntry,
    Persona,
    as_utc,
    entry_from_row,
    safe_url,
    task_digest,
    task_row_values,
    utc_now,
)
from lib.library.filters import UNFINISHED, HistoryFilter, sql_conditions
from lib.library.insight_queries import InsightQueries
from lib.library.paths import APP_DIR_NAME, data_dir, default_database_url
from lib.library.persona_queries import PersonaQueries
from lib.library.publications import Publication, PublicationQueries
from lib.library.schema import LOCAL_OWNER, SCHEMA_VERSION, metadata, migrate, paid_calls, personas, schema_info, tasks
from lib.library.submit_rows import SubmitRows

__all__ = [
    "ALL_STATUSES",
    "APP_DIR_NAME",
    "OUTCOME_UNKNOWN",
    "REJECTED",
    "SCHEMA_VERSION",
    "SENDING",
    "SUBMIT_STATUSES",
    "HistoryEntry",
    "HistoryFilter",
    "HistoryStore",
    "HistoryUnavailable",
    "LOCAL_OWNER",
    "Persona",
    "Publication",
    "data_dir",
    "default_database_url",
    "metadata",
    "personas",
    "schema_info",
    "tasks",
]

# What a fetch may change; the user's star and note and the submit's own record stay as they are.
_FETCHED = (
    "gateway_url",
    "key_fingerprint",
    "status",
    "progress",
    "fail_reason",
    "title",
    "cover_url",
    "song_count",
    "model",
    "duration",
    "prompt",
    "tags",
    "last_body",
    "body_digest",
    "updated_at",
    "started_at",
    "finished_at",
    "cost",
)

# The default search: no conditions, the whole library. One shared (frozen) instance, as the
# default argument always was.
_EVERYTHING = HistoryFilter()


class HistoryStore(SubmitRows, PersonaQueries, PublicationQueries, InsightQueries):
    """``store = HistoryStore(url)``; every method raises ``HistoryUnavailable`` on database errors.

    Every row has an owner. A store writes as ``owner`` and reads that owner's rows only, unless
    it ``sees_all`` (the single local user, and operators). ``HistoryStore(url)`` is the local
    user's; ``store.scoped(owner, sees_all=…)`` is a view for a signed-in visitor that shares the
    engine, so a server keeps one pool however many people use it."""

    owner: str = LOCAL_OWNER
    sees_all: bool = True

    def __init__(
        self,
        url: str | None = None,
        *,
        timeout_s: float = WAIT_TIMEOUT_S,
        statement_timeout_s: float = STATEMENT_TIMEOUT_S,
    ) -> None:
        """``timeout_s``: how long to wait for the database (SQLite's lock; PostgreSQL's
        connection, locks and pool) before ``HistoryUnavailable``; see ``database``."""
        self.url = url or default_database_url()
        try:
            self.engine = make_engine(self.url, timeout_s, statement_timeout_s)
        except (sa.exc.ArgumentError, ImportError, OSError) as exc:
            raise HistoryUnavailable(f"cannot open the history database: {exc}") from exc
        self._digests: dict[tuple[str, str, str, str], str] = {}
        self._digest_lock = threading.Lock()
        try:
            with self._write() as conn:
                migrate(conn)
        except HistoryUnavailable:
            self.engine.dispose()  # nothing keeps a half-open connection to a silent server
            raise

    def close(self) -> None:
        self.engine.dispose()

    def scoped(self, owner: str, *, sees_all: bool = False) -> HistoryStore:
        """The library as ``owner`` sees it (same engine, caches and locks)."""
        view = copy.copy(self)
        view.owner = owner
        view.sees_all = sees_all
        return view

    def _visible(self, table: sa.Table = tasks) -> list[Any]:
        """The condition every read (and every change to existing rows) carries."""
        return [] if self.sees_all else [table.c.owner == self.owner]

    @property
    def display_url(self) -> str:
        """Where the library lives, safe to show: a SQLite file's path, or the server without
        its password."""
        url = self.engine.url
        if url.get_backend_name() == "sqlite":
            return f"SQLite · {url.database or ':memory:'}"
        if url.get_backend_name() == "postgresql":
            url = url.set(drivername="postgresql")
        return url.render_as_string(hide_password=True)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    # --- writing ---------------------------------------------------------------------------

    def record_task(
        self, task: Task, profile: GatewayProfile, *, now: datetime | None = None, owner: str | None = None
    ) -> bool:
        """Store what a fetch returned. Writes only when the task changed since the last write
        this process made (a poll that sees nothing new costs no write). Returns whether it wrote.
        ``owner``: whose row it updates (an operator refreshing another user's rows); by default
        the store's own, so a task someone inspects lands in their own library."""
        if owner is not None and owner != self.owner and not self.sees_all:
            raise PermissionError("only a store that sees every library writes another owner's rows")
        digest = task_digest(task)
        owner = self.owner if owner is None else owner
        cache_key = (owner, profile.name, task.platform, task.task_id)
        with self._digest_lock:
            if self._digests.get(cache_key) == digest:
                return False
        now = now or utc_now()
        values = {
            **task_row_values(task, now),
            "body_digest": digest,
            "updated_at": now,
            "gateway_url": safe_url(profile.base_url),
            "key_fingerprint": profile.key_fingerprint,
        }
        with self._write() as conn:
            stored = conn.execute(
                sa.select(tasks.c.body_digest).where(
                    tasks.c.owner == owner,
                    tasks.c.gateway_name == profile.name,
                    tasks.c.platform == task.platform,
                    tasks.c.task_id == task.task_id,
                )
            ).scalar()
            wrote = stored != digest
            if wrote:
                self._upsert(
                    conn,
                    {
                        **values,
                        "owner": owner,
                        "platform": task.platform,
                        "task_id": task.task_id,
                        "gateway_name": profile.name,
                        "origin": "inspected",
                        "action": task.action or "",
                        "first_seen": now,
                        "submitted_at": as_utc(task.submitted_at) or now,
                    },
                )
        with self._digest_lock:
            if len(self._digests) > 20_000:
                self._digests.clear()
            self._digests[cache_key] = digest
        return wrote

    def set_starred(self, row_ids: Iterable[int], starred: bool) -> int:
        """How many of the rows were still there to star (another session may have deleted some)."""
        return self._update(row_ids, starred=bool(starred))

    def set_note(self, row_id: int, note: str) -> bool:
        """False when the row is gone, so the page can say so instead of "Note saved"."""
        return self._update([row_id], note=note[:5000]) > 0

    def delete(self, row_ids: Iterable[int]) -> int:
        ids = list(row_ids)
        if not ids:
            return 0
        with self._write() as conn:
            mine = [tasks.c.id.in_(ids), *self._visible()]
            keys = conn.execute(
                sa.select(tasks.c.owner, tasks.c.gateway_name, tasks.c.platform, tasks.c.task_id).where(*mine)
            ).all()
            deleted = conn.execute(tasks.delete().where(*mine)).rowcount
        self._forget_digests(tuple(key) for key in keys)
        return deleted

    # --- reading ---------------------------------------------------------------------------

    def get(self, row_id: int) -> HistoryEntry | None:
        rows = self._select(sa.select(tasks).where(tasks.c.id == row_id, *self._visible()))
        return rows[0] if rows else None

    def find(self, task_id: str, platform: str | None = None) -> HistoryEntry | None:
        """The newest row for a task ID (on any gateway), e.g. to know its platform."""
        query = sa.select(tasks).where(tasks.c.task_id == task_id, *self._visible())
        if platform:
            query = query.where(tasks.c.platform == platform)
        rows = self._select(query.order_by(tasks.c.updated_at.desc()).limit(1))
        return rows[0] if rows else None

    def search(self, filters: HistoryFilter = _EVERYTHING, *, offset: int = 0, limit: int = 100) -> list[HistoryEntry]:
        query = (
            sa.select(tasks)
            .where(*sql_conditions(filters), *self._visible())
            .order_by(tasks.c.submitted_at.desc(), tasks.c.id.desc())
            .offset(max(0, offset))
            .limit(max(1, limit))
        )
        return self._select(query)

    def count(self, filters: HistoryFilter = _EVERYTHING) -> int:
        query = sa.select(sa.func.count()).select_from(tasks).where(*sql_conditions(filters), *self._visible())
        with self._read() as conn:
            return int(conn.execute(query).scalar() or 0)

    def recent(self, limit: int = 8) -> list[HistoryEntry]:
        return self.search(limit=limit)

    def unfinished(self, filters: HistoryFilter = _EVERYTHING, limit: int = 1000) -> list[HistoryEntry]:
        """Tasks a fetch could still move on: they have an ID and are not in a final state."""
        query = (
            sa.select(tasks)
            .where(*sql_conditions(filters), *UNFINISHED, *self._visible())
            .order_by(tasks.c.submitted_at.desc())
            .limit(limit)
        )
        return self._select(query)

    def count_unfinished(self, filters: HistoryFilter = _EVERYTHING) -> int:
        query = (
            sa.select(sa.func.count()).select_from(tasks).where(*sql_conditions(filters), *UNFINISHED, *self._visible())
        )
        with self._read() as conn:
            return int(conn.execute(query).scalar() or 0)

    def gateway_names(self) -> list[str]:
        with self._read() as conn:
            names = sa.select(tasks.c.gateway_name).where(*self._visible()).distinct()
            return sorted(conn.execute(names).scalars())

    def submitted_by_others(self, task_ids: Iterable[str], gateway_name: str) -> set[str]:
        """Which of these tasks another user submitted through ``gateway_name`` here (and this
        store's owner did not): on a gateway whose key everyone shares, those stay theirs."""
        ids = list(dict.fromkeys(task_ids))[:1000]
        if not ids:
            return set()
        submitted = [tasks.c.task_id.in_(ids), tasks.c.gateway_name == gateway_name, tasks.c.origin == "submitted"]
        with self._read() as conn:
            others = set(
                conn.execute(sa.select(tasks.c.task_id).where(*submitted, tasks.c.owner != self.owner)).scalars()
            )
            mine = set(
                conn.execute(sa.select(tasks.c.task_id).where(*submitted, tasks.c.owner == self.owner)).scalars()
            )
        return others - mine

    def owners(self) -> list[str]:
        """Whose rows this store can see (an operator's History filter)."""
        with self._read() as conn:
            return sorted(conn.execute(sa.select(tasks.c.owner).where(*self._visible()).distinct()).scalars())

    # --- paid calls per day ------------------------------------------------------------------

    def take_paid_call(self, limit: int, *, action: str, day: date, now: datetime | None = None) -> bool:
        """Counts one paid call of the store's owner on ``day`` if fewer than ``limit`` were made:
        one conditional UPDATE, so two tabs (or two replicas) racing for the last call cannot
        both get it. False: the limit is reached and nothing was counted."""
        now = now or utc_now()
        key = {"owner": self.owner, "day": day}
        with self._write() as conn:
            dialect = {"postgresql": postgresql, "sqlite": sqlite}.get(self.dialect)
            if dialect is not None:
                conn.execute(dialect.insert(paid_calls).values(**key, used=0, updated_at=now).on_conflict_do_nothing())
            elif conn.execute(sa.select(paid_calls.c.used).filter_by(**key)).first() is None:
                conn.execute(paid_calls.insert().values(**key, used=0, updated_at=now))
            taken = conn.execute(
                paid_calls.update()
                .filter_by(**key)
                .where(paid_calls.c.used < limit)
                .values(used=paid_calls.c.used + 1, last_action=action[:64], updated_at=now)
            ).rowcount
        return taken > 0

    def paid_calls(self, *, day: date) -> int:
        with self._read() as conn:
            used = conn.execute(sa.select(paid_calls.c.used).filter_by(owner=self.owner, day=day)).scalar()
        return int(used or 0)

    # --- internals -------------------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[sa.Connection]:
        with translated_errors(), self.engine.connect() as conn:
            # SQLite: take the write lock up front; a read that later upgrades to a write can
            # fail at once under contention, while BEGIN IMMEDIATE waits out the busy timeout.
            if self.dialect == "sqlite":
                conn.info["mts_immediate"] = True
            with conn.begin():
                yield conn

    @contextmanager
    def _read(self) -> Iterator[sa.Connection]:
        with translated_errors(), self.engine.connect() as conn:
            yield conn

    def _upsert(self, conn: sa.Connection, values: dict[str, Any]) -> None:
        key = ("owner", "gateway_name", "platform", "task_id")
        update = {name: values[name] for name in _FETCHED}
        dialect = {"postgresql": postgresql, "sqlite": sqlite}.get(self.dialect)
        if dialect is not None:
            statement = dialect.insert(tasks).values(**values)
            conn.execute(statement.on_conflict_do_update(index_elements=list(key), set_=update))
            return
        match = [tasks.c[name] == values[name] for name in key]  # other databases: two steps
        if conn.execute(tasks.update().where(*match).values(**update)).rowcount == 0:
            conn.execute(tasks.insert().values(**values))

    def _update(self, row_ids: Iterable[int], **values: Any) -> int:
        """How many rows changed: fewer than asked when another session deleted some."""
        ids = list(row_ids)
        if not ids:
            return 0
        with self._write() as conn:
            return conn.execute(
                tasks.update().where(tasks.c.id.in_(ids), *self._visible()).values(**values, updated_at=utc_now())
            ).rowcount

    def _forget_digests(self, keys: Iterable[tuple[str, str, str, str]]) -> None:
        """``keys``: (owner, gateway name, platform, task ID) of rows another write replaced."""
        with self._digest_lock:
            for key in keys:
                self._digests.pop(key, None)

    def _select(self, query: sa.Select) -> list[HistoryEntry]:
        with self._read() as conn:
            return [entry_from_row(row) for row in conn.execute(query).mappings()]
