"""A database that is silent or locked costs a few seconds, then ``HistoryUnavailable`` (the app's
"not recorded" path): a real loopback server that accepts connections and never answers stands in
for a hung PostgreSQL, a second connection holding the lock for a busy SQLite or PostgreSQL."""

from __future__ import annotations

import socket
import sqlite3
import time

import pytest
import sqlalchemy as sa

from lib.gateway.models import TaskStatus
from lib.library.database import WAIT_TIMEOUT_S
from lib.library.store import HistoryStore, HistoryUnavailable
from tests.apptest import HISTORY_PAGE, open_app
from tests.test_history import PROFILE, make_task
from tests.test_history_page import text_of

# Far above every timeout below, so only a store that waits without limit fails it.
GENEROUS_S = 30.0


@pytest.fixture
def silent_server():
    """A loopback port whose kernel completes every TCP handshake (``listen``), while nothing ever
    accepts the connection or answers a byte: a database server that hangs."""
    with socket.create_server(("127.0.0.1", 0), backlog=64) as sock:
        yield sock.getsockname()[1]


def test_a_postgres_server_that_never_answers_fails_within_the_timeout(silent_server):
    started = time.monotonic()
    with pytest.raises(HistoryUnavailable, match="history database error"):
        HistoryStore(f"postgresql+psycopg://nobody@127.0.0.1:{silent_server}/library", timeout_s=3)
    assert time.monotonic() - started < GENEROUS_S


def test_the_first_page_on_a_silent_database_says_the_library_is_unavailable(silent_server, monkeypatch):
    monkeypatch.setenv("HISTORY_DATABASE_URL", f"postgresql+psycopg://nobody@127.0.0.1:{silent_server}/library")
    started = time.monotonic()
    at = open_app(HISTORY_PAGE)  # raised nothing: the page explains instead
    assert time.monotonic() - started < GENEROUS_S + WAIT_TIMEOUT_S
    assert "The history library is unavailable" in text_of(at)
    assert "timeout" in text_of(at).lower()  # the driver's words say why


def test_a_locked_sqlite_library_gives_up_after_its_busy_timeout(tmp_path):
    path = tmp_path / "history.db"
    store = HistoryStore(f"sqlite:///{path}", timeout_s=1)
    store.record_task(make_task("t-1", TaskStatus.SUCCESS), PROFILE)
    row = store.find("t-1").id
    holder = sqlite3.connect(path, isolation_level=None)  # another process's long write
    holder.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        with pytest.raises(HistoryUnavailable, match="locked"):
            store.set_note(row, "waits for the lock")
        assert time.monotonic() - started < GENEROUS_S
        assert store.find("t-1").note == ""  # readers still read (WAL)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    store.set_note(row, "the lock is free again")
    assert store.find("t-1").note == "the lock is free again"
    store.close()


def test_sqlite_waits_the_default_busy_timeout(tmp_path):
    store = HistoryStore(f"sqlite:///{tmp_path / 'history.db'}")
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == int(WAIT_TIMEOUT_S * 1000)
    store.close()


def test_postgres_sessions_carry_statement_and_lock_timeouts(postgres_url):
    store = HistoryStore(postgres_url, timeout_s=2, statement_timeout_s=1)
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("SHOW statement_timeout").scalar() == "1s"
        assert conn.exec_driver_sql("SHOW lock_timeout").scalar() == "2s"
        with pytest.raises(sa.exc.OperationalError, match="statement timeout"):
            conn.exec_driver_sql("SELECT pg_sleep(60)")
    store.close()
    # An operator's own settings in the URL win over the defaults.
    own = HistoryStore(f"{postgres_url}?options=-c%20statement_timeout%3D1234")
    with own.engine.connect() as conn:
        assert conn.exec_driver_sql("SHOW statement_timeout").scalar() == "1234ms"
    own.close()


def test_a_postgres_row_locked_elsewhere_fails_after_the_lock_timeout(postgres_url):
    store = HistoryStore(postgres_url, timeout_s=2)
    store.record_task(make_task("t-1", TaskStatus.SUCCESS), PROFILE)
    row = store.find("t-1").id
    other = sa.create_engine(postgres_url)
    try:
        with other.connect() as conn, conn.begin():  # another replica's transaction, left open
            conn.execute(sa.text("SELECT id FROM mts_tasks WHERE id = :id FOR UPDATE"), {"id": row})
            started = time.monotonic()
            with pytest.raises(HistoryUnavailable, match="lock"):
                store.set_note(row, "waits for the row")
            assert time.monotonic() - started < GENEROUS_S
    finally:
        other.dispose()
    store.set_note(row, "the row is free again")
    assert store.find("t-1").note == "the row is free again"
    store.close()
