"""Opening the library's database: the SQLAlchemy engine for SQLite or PostgreSQL, and turning
driver errors into ``HistoryUnavailable``.

What makes SQLite safe for several processes at once (WAL, BEGIN IMMEDIATE, the busy timeout)
lives here, so the store only ever says "read" or "write". So do the deadlines: a database that is
locked, or a PostgreSQL server that accepts connections but never answers, costs a page a few
seconds and then ``HistoryUnavailable`` (the app's "not recorded" path), never a page that hangs.
"""

from __future__ import annotations

import math
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa


class HistoryUnavailable(Exception):
    """The library could not be read or written (database down, locked too long, bad URL)."""


# How long the library waits for its database before giving up: SQLite's lock, and PostgreSQL's
# connection, row locks and a free pooled connection. A page pays this at most once per retry
# period (lib/ui/resources.py), so it stays a few seconds.
WAIT_TIMEOUT_S = 5.0
# How long one PostgreSQL statement may run: the largest (an export of 50,000 rows) takes well
# under a second on a healthy server.
STATEMENT_TIMEOUT_S = 15.0


def make_engine(
    url: str, timeout_s: float = WAIT_TIMEOUT_S, statement_timeout_s: float = STATEMENT_TIMEOUT_S
) -> sa.Engine:
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return sa.create_engine(
            parsed,
            pool_pre_ping=True,
            pool_size=5,
            max_overflow=5,
            pool_timeout=timeout_s,
            connect_args=_postgres_timeouts(parsed, timeout_s, statement_timeout_s),
        )
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(parsed, connect_args={"timeout": timeout_s})

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when a transaction begins (so BEGIN IMMEDIATE
        # works), and use WAL so readers never block the writer.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={int(timeout_s * 1000)}")
        _switch_to_wal(cursor, timeout_s)
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        # A connection marked for writing (see HistoryStore._write) takes the lock up front.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.pop("mts_immediate", False) else "BEGIN")

    return engine


def _postgres_timeouts(url: sa.URL, timeout_s: float, statement_timeout_s: float) -> dict[str, Any]:
    """libpq's connect timeout (whole seconds, at least 2) and server-side statement and lock
    timeouts. Without them a server that accepts the connection but never answers holds the
    page for minutes. What the URL itself sets wins: an operator's choice is theirs."""
    if url.get_backend_name() != "postgresql":
        return {}
    found: dict[str, Any] = {}
    if "connect_timeout" not in url.query:
        found["connect_timeout"] = max(2, math.ceil(timeout_s))
    # libpq's "options": later -c settings win, so the URL's own come last.
    options = f"-c statement_timeout={int(statement_timeout_s * 1000)} -c lock_timeout={int(timeout_s * 1000)}"
    given = url.query.get("options")
    if given:
        options += " " + (given if isinstance(given, str) else " ".join(given))
    found["options"] = options
    return found


def _switch_to_wal(cursor: Any, busy_timeout_s: float) -> None:
    """Leaving a rollback journal (a library written by an older build) needs the file to itself:
    SQLite answers "database is locked" at once, without its busy handler, while another process
    or thread is opening it too — so wait for that here."""
    deadline = time.monotonic() + busy_timeout_s
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


@contextmanager
def translated_errors() -> Iterator[None]:
    """Database errors become ``HistoryUnavailable`` with the driver's words."""
    try:
        yield
    except sa.exc.SQLAlchemyError as exc:
        detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:300]
        raise HistoryUnavailable(f"history database error: {detail}") from exc
