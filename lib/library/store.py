"""The task library: every task submitted or inspected here, kept across restarts.

SQLAlchemy Core over SQLite (the default: one file in the user's data directory) or PostgreSQL
(``HISTORY_DATABASE_URL=postgresql+psycopg://…``, for a team running several replicas). No
Streamlit here. The key never reaches the database: rows carry a hash prefix of it at most.
It also remembers the Suno personas (singer styles) made through each gateway.
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time as time_module
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from lib.gateway.profiles import GatewayProfile
from lib.gateway.models import Task, TaskStatus
from lib.studio.task_lookup import estimate_progress

SCHEMA_VERSION = 2
APP_DIR_NAME = "music-task-studio"

# Statuses of a submit that has no task (yet): written before the POST, replaced by the answer.
SENDING = "SENDING"
OUTCOME_UNKNOWN = "OUTCOME_UNKNOWN"
REJECTED = "REJECTED"
SUBMIT_STATUSES = (SENDING, OUTCOME_UNKNOWN, REJECTED)
ALL_STATUSES = tuple(s.value for s in TaskStatus) + SUBMIT_STATUSES
_FINAL = {TaskStatus.SUCCESS.value, TaskStatus.FAILURE.value, TaskStatus.UNKNOWN.value, REJECTED}

metadata = sa.MetaData()

schema_info = sa.Table(
    "mts_schema", metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
)

tasks = sa.Table(
    "mts_tasks", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("platform", sa.String(16), nullable=False),
    sa.Column("task_id", sa.String(128)),  # empty until the gateway answers a submit
    sa.Column("gateway_name", sa.String(120), nullable=False),
    sa.Column("gateway_url", sa.String(500), nullable=False),
    sa.Column("key_fingerprint", sa.String(16), nullable=False, server_default=""),
    sa.Column("origin", sa.String(16), nullable=False),  # "submitted" here, or "inspected"
    sa.Column("action", sa.String(64), nullable=False, server_default=""),
    sa.Column("route", sa.String(200), nullable=False, server_default=""),
    sa.Column("request_body", sa.Text),
    sa.Column("submit_error", sa.Text, nullable=False, server_default=""),
    sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("progress", sa.Integer, nullable=False, server_default="0"),
    sa.Column("fail_reason", sa.Text, nullable=False, server_default=""),
    sa.Column("title", sa.Text, nullable=False, server_default=""),
    sa.Column("cover_url", sa.Text),
    sa.Column("song_count", sa.Integer, nullable=False, server_default="0"),
    sa.Column("model", sa.String(100), nullable=False, server_default=""),
    sa.Column("duration", sa.Float),
    sa.Column("prompt", sa.Text, nullable=False, server_default=""),
    sa.Column("tags", sa.Text, nullable=False, server_default=""),
    sa.Column("last_body", sa.Text),
    sa.Column("body_digest", sa.String(64), nullable=False, server_default=""),
    sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("starred", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("note", sa.Text, nullable=False, server_default=""),
    sa.UniqueConstraint("gateway_name", "platform", "task_id", name="mts_tasks_task"),
    sa.Index("mts_tasks_submitted", "submitted_at"),
    sa.Index("mts_tasks_status", "status"),
    sa.Index("mts_tasks_task_id", "task_id"),
)

# Added in schema version 2. Keyed by gateway (name and safe URL), not by key: see personas().
personas = sa.Table(
    "mts_personas", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("persona_id", sa.String(128), nullable=False),
    sa.Column("gateway_name", sa.String(120), nullable=False),
    sa.Column("gateway_url", sa.String(500), nullable=False),
    sa.Column("key_fingerprint", sa.String(16), nullable=False, server_default=""),
    sa.Column("name", sa.String(200), nullable=False, server_default=""),
    sa.Column("description", sa.Text, nullable=False, server_default=""),
    sa.Column("root_clip_id", sa.String(128), nullable=False, server_default=""),
    sa.Column("root_title", sa.String(500), nullable=False, server_default=""),  # for display only
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("gateway_name", "gateway_url", "persona_id", name="mts_personas_persona"),
)

_UNFINISHED = (tasks.c.task_id.is_not(None), tasks.c.status.not_in(sorted(_FINAL)))

# What a fetch may change; the user's star and note and the submit's own record stay as they are.
_FETCHED = ("gateway_url", "key_fingerprint", "status", "progress", "fail_reason", "title",
            "cover_url", "song_count", "model", "duration", "prompt", "tags", "last_body",
            "body_digest", "updated_at")


class HistoryUnavailable(Exception):
    """The library could not be read or written (database down, locked too long, bad URL)."""


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

    @property
    def is_final(self) -> bool:
        return self.status in _FINAL

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


@dataclass(frozen=True)
class HistoryFilter:
    platforms: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    gateways: tuple[str, ...] = ()
    since: date | None = None  # inclusive, by submitted date (UTC)
    until: date | None = None  # inclusive
    text: str = ""
    starred_only: bool = False


def default_database_url(environ: Mapping[str, str] = os.environ) -> str:
    """``HISTORY_DATABASE_URL``, else ``history.db`` in the user's data directory."""
    configured = (environ.get("HISTORY_DATABASE_URL") or "").strip()
    if configured:
        return configured
    return f"sqlite:///{data_dir(environ) / 'history.db'}"


def data_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """Where the app keeps its files: ``MUSIC_TASK_STUDIO_DATA_DIR``, else the platform's user data
    directory (``~/.local/share/music-task-studio`` on Linux)."""
    configured = (environ.get("MUSIC_TASK_STUDIO_DATA_DIR") or "").strip()
    if configured:
        return Path(configured).expanduser()
    from platformdirs import user_data_path  # imported late: only the default path needs it
    return user_data_path(APP_DIR_NAME, appauthor=False)


class HistoryStore:
    """``store = HistoryStore(url)``; every method raises ``HistoryUnavailable`` on database errors."""

    def __init__(self, url: str | None = None, *, busy_timeout_s: float = 15.0) -> None:
        self.url = url or default_database_url()
        try:
            self.engine = _make_engine(self.url, busy_timeout_s)
        except (sa.exc.ArgumentError, ImportError, OSError) as exc:
            raise HistoryUnavailable(f"cannot open the history database: {exc}") from exc
        self._digests: dict[tuple[str, str, str], str] = {}
        self._digest_lock = threading.Lock()
        with self._write() as conn:
            _migrate(conn)

    def close(self) -> None:
        self.engine.dispose()

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

    def record_task(self, task: Task, profile: GatewayProfile, *, now: datetime | None = None) -> bool:
        """Store what a fetch returned. Writes only when the task changed since the last write
        this process made (a poll that sees nothing new costs no write). Returns whether it wrote."""
        digest = _digest(task)
        cache_key = (profile.name, task.platform, task.task_id)
        with self._digest_lock:
            if self._digests.get(cache_key) == digest:
                return False
        now = now or _now()
        values = {**_task_values(task, now), "body_digest": digest, "updated_at": now,
                  "gateway_url": _safe_url(profile.base_url), "key_fingerprint": profile.key_fingerprint}
        with self._write() as conn:
            stored = conn.execute(sa.select(tasks.c.body_digest).where(
                tasks.c.gateway_name == profile.name, tasks.c.platform == task.platform,
                tasks.c.task_id == task.task_id)).scalar()
            wrote = stored != digest
            if wrote:
                self._upsert(conn, {
                    **values, "platform": task.platform, "task_id": task.task_id,
                    "gateway_name": profile.name, "origin": "inspected",
                    "action": task.action or "", "first_seen": now,
                    "submitted_at": _utc(task.submitted_at) or now,
                })
        with self._digest_lock:
            if len(self._digests) > 20_000:
                self._digests.clear()
            self._digests[cache_key] = digest
        return wrote

    def begin_submit(self, profile: GatewayProfile, *, platform: str, action: str, route: str,
                     body: Any, now: datetime | None = None) -> int:
        """Written before the POST goes out, so an attempt is never lost. Returns the row id."""
        now = now or _now()
        request = dict(body) if isinstance(body, Mapping) else body
        with self._write() as conn:
            return conn.execute(tasks.insert().values(
                platform=platform, task_id=None, gateway_name=profile.name,
                gateway_url=_safe_url(profile.base_url), key_fingerprint=profile.key_fingerprint,
                origin="submitted", action=action, route=route,
                request_body=json.dumps(request, ensure_ascii=False, sort_keys=True),
                submitted_at=now, status=SENDING, progress=0, first_seen=now, updated_at=now,
                title=_request_title(request), prompt=_request_prompt(request),
                tags=_request_tags(request),
            )).inserted_primary_key[0]

    def complete_submit(self, row_id: int, task_id: str) -> None:
        with self._write() as conn:
            row = conn.execute(sa.select(tasks.c.gateway_name, tasks.c.platform)
                               .where(tasks.c.id == row_id)).one_or_none()
            if row is None:
                return
            # A fetch that raced ahead of this answer may already hold the task: keep one row.
            conn.execute(tasks.delete().where(
                tasks.c.gateway_name == row.gateway_name, tasks.c.platform == row.platform,
                tasks.c.task_id == task_id, tasks.c.id != row_id))
            conn.execute(tasks.update().where(tasks.c.id == row_id).values(
                task_id=task_id, status=TaskStatus.NOT_START.value, submit_error="",
                updated_at=_now()))

    def mark_outcome_unknown(self, row_id: int, message: str) -> None:
        self._end_submit(row_id, OUTCOME_UNKNOWN, message)

    def mark_rejected(self, row_id: int, message: str) -> None:
        self._end_submit(row_id, REJECTED, message)

    def set_starred(self, row_ids: Iterable[int], starred: bool) -> None:
        self._update(row_ids, starred=bool(starred))

    def set_note(self, row_id: int, note: str) -> None:
        self._update([row_id], note=note[:5000])

    def delete(self, row_ids: Iterable[int]) -> int:
        ids = list(row_ids)
        if not ids:
            return 0
        with self._write() as conn:
            keys = conn.execute(sa.select(tasks.c.gateway_name, tasks.c.platform, tasks.c.task_id)
                                .where(tasks.c.id.in_(ids))).all()
            deleted = conn.execute(tasks.delete().where(tasks.c.id.in_(ids))).rowcount
        with self._digest_lock:
            for key in keys:
                self._digests.pop(tuple(key), None)
        return deleted

    # --- personas --------------------------------------------------------------------------

    def add_persona(self, profile: GatewayProfile, *, persona_id: str, name: str, description: str = "",
                    root_clip_id: str = "", root_title: str = "", now: datetime | None = None) -> Persona:
        """Remember a persona the gateway created. Adding it again renames it (name and
        description) and keeps its first creation time and origin."""
        persona_id = persona_id.strip()
        if not persona_id:
            raise ValueError("a persona needs the ID the gateway returned")
        key = {"gateway_name": profile.name, "gateway_url": _safe_url(profile.base_url),
               "persona_id": persona_id[:128]}
        renamed = {"name": name[:200], "description": description[:4000]}
        values = {**key, **renamed, "key_fingerprint": profile.key_fingerprint,
                  "root_clip_id": root_clip_id[:128], "root_title": root_title[:500],
                  "created_at": now or _now()}
        with self._write() as conn:
            dialect = {"postgresql": postgresql, "sqlite": sqlite}.get(self.dialect)
            if dialect is not None:
                conn.execute(dialect.insert(personas).values(**values)
                             .on_conflict_do_update(index_elements=list(key), set_=renamed))
            elif conn.execute(personas.update().where(*_persona_match(key)).values(**renamed)).rowcount == 0:
                conn.execute(personas.insert().values(**values))
            row = conn.execute(sa.select(personas).where(*_persona_match(key))).mappings().one()
        return _persona(row)

    def personas(self, profile: GatewayProfile) -> list[Persona]:
        """The profile's personas, newest first. Matched on the gateway's name and URL, not the
        key: keys get rotated while the persona stays with the gateway account, and which account
        a key belongs to is something we cannot know, so every key of the profile sees them."""
        query = (sa.select(personas)
                 .where(personas.c.gateway_name == profile.name,
                        personas.c.gateway_url == _safe_url(profile.base_url))
                 .order_by(personas.c.created_at.desc(), personas.c.id.desc()))
        with self._read() as conn:
            return [_persona(row) for row in conn.execute(query).mappings()]

    def delete_persona(self, profile: GatewayProfile, persona_id: str) -> bool:
        key = {"gateway_name": profile.name, "gateway_url": _safe_url(profile.base_url),
               "persona_id": persona_id.strip()}
        with self._write() as conn:
            return conn.execute(personas.delete().where(*_persona_match(key))).rowcount > 0

    # --- reading ---------------------------------------------------------------------------

    def get(self, row_id: int) -> HistoryEntry | None:
        rows = self._select(sa.select(tasks).where(tasks.c.id == row_id))
        return rows[0] if rows else None

    def find(self, task_id: str, platform: str | None = None) -> HistoryEntry | None:
        """The newest row for a task ID (on any gateway), e.g. to know its platform."""
        query = sa.select(tasks).where(tasks.c.task_id == task_id)
        if platform:
            query = query.where(tasks.c.platform == platform)
        rows = self._select(query.order_by(tasks.c.updated_at.desc()).limit(1))
        return rows[0] if rows else None

    def search(self, filters: HistoryFilter = HistoryFilter(), *, offset: int = 0,
               limit: int = 100) -> list[HistoryEntry]:
        query = (sa.select(tasks).where(*_conditions(filters))
                 .order_by(tasks.c.submitted_at.desc(), tasks.c.id.desc())
                 .offset(max(0, offset)).limit(max(1, limit)))
        return self._select(query)

    def count(self, filters: HistoryFilter = HistoryFilter()) -> int:
        query = sa.select(sa.func.count()).select_from(tasks).where(*_conditions(filters))
        with self._read() as conn:
            return int(conn.execute(query).scalar() or 0)

    def recent(self, limit: int = 8) -> list[HistoryEntry]:
        return self.search(limit=limit)

    def unfinished(self, filters: HistoryFilter = HistoryFilter(), limit: int = 1000) -> list[HistoryEntry]:
        """Tasks a fetch could still move on: they have an ID and are not in a final state."""
        query = (sa.select(tasks).where(*_conditions(filters), *_UNFINISHED)
                 .order_by(tasks.c.submitted_at.desc()).limit(limit))
        return self._select(query)

    def count_unfinished(self, filters: HistoryFilter = HistoryFilter()) -> int:
        query = sa.select(sa.func.count()).select_from(tasks).where(*_conditions(filters), *_UNFINISHED)
        with self._read() as conn:
            return int(conn.execute(query).scalar() or 0)

    def gateway_names(self) -> list[str]:
        with self._read() as conn:
            return sorted(conn.execute(sa.select(tasks.c.gateway_name).distinct()).scalars())

    # --- internals -------------------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[sa.Connection]:
        with _translated(), self.engine.connect() as conn:
            # SQLite: take the write lock up front; a read that later upgrades to a write can
            # fail at once under contention, while BEGIN IMMEDIATE waits out the busy timeout.
            if self.dialect == "sqlite":
                conn.info["mts_immediate"] = True
            with conn.begin():
                yield conn

    @contextmanager
    def _read(self) -> Iterator[sa.Connection]:
        with _translated(), self.engine.connect() as conn:
            yield conn

    def _upsert(self, conn: sa.Connection, values: dict[str, Any]) -> None:
        key = ("gateway_name", "platform", "task_id")
        update = {name: values[name] for name in _FETCHED}
        dialect = {"postgresql": postgresql, "sqlite": sqlite}.get(self.dialect)
        if dialect is not None:
            statement = dialect.insert(tasks).values(**values)
            conn.execute(statement.on_conflict_do_update(index_elements=list(key), set_=update))
            return
        match = [tasks.c[name] == values[name] for name in key]  # other databases: two steps
        if conn.execute(tasks.update().where(*match).values(**update)).rowcount == 0:
            conn.execute(tasks.insert().values(**values))

    def _end_submit(self, row_id: int, status: str, message: str) -> None:
        self._update([row_id], status=status, submit_error=message[:2000])

    def _update(self, row_ids: Iterable[int], **values: Any) -> None:
        ids = list(row_ids)
        if ids:
            with self._write() as conn:
                conn.execute(tasks.update().where(tasks.c.id.in_(ids))
                             .values(**values, updated_at=_now()))

    def _select(self, query: sa.Select) -> list[HistoryEntry]:
        with self._read() as conn:
            return [_entry(row) for row in conn.execute(query).mappings()]


# --- schema ----------------------------------------------------------------------------------

# Each step upgrades the schema from the version before it. Version 1 was mts_schema and
# mts_tasks; a new database gets every table above at once and records only SCHEMA_VERSION.
_MIGRATIONS: dict[int, Any] = {
    2: lambda conn: personas.create(conn, checkfirst=True),
}


def _migrate(conn: sa.Connection) -> None:
    """Runs in a write transaction, so processes starting together upgrade once (SQLite's write
    lock; an advisory lock on PostgreSQL)."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(72120631)"))
    schema_info.create(conn, checkfirst=True)
    current = conn.execute(sa.select(sa.func.max(schema_info.c.version))).scalar() or 0
    if current > SCHEMA_VERSION:
        raise HistoryUnavailable(
            f"the history database has schema version {current}, newer than this app "
            f"({SCHEMA_VERSION}); upgrade the app")
    if current == 0:
        metadata.create_all(conn, checkfirst=True)
        conn.execute(schema_info.insert().values(version=SCHEMA_VERSION, applied_at=_now()))
        return
    for version in range(current + 1, SCHEMA_VERSION + 1):
        _MIGRATIONS[version](conn)
        conn.execute(schema_info.insert().values(version=version, applied_at=_now()))


def _switch_to_wal(cursor: Any, busy_timeout_s: float) -> None:
    """Leaving a rollback journal (a library written by an older build) needs the file to itself:
    SQLite answers "database is locked" at once, without its busy handler, while another process
    or thread is opening it too — so wait for that here."""
    deadline = time_module.monotonic() + busy_timeout_s
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time_module.monotonic() > deadline:
                raise
            time_module.sleep(0.05)


def _make_engine(url: str, busy_timeout_s: float) -> sa.Engine:
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return sa.create_engine(parsed, pool_pre_ping=True, pool_size=5, max_overflow=5)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(parsed, connect_args={"timeout": busy_timeout_s})

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when a transaction begins (so BEGIN IMMEDIATE
        # works), and use WAL so readers never block the writer.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_s * 1000)}")
        _switch_to_wal(cursor, busy_timeout_s)
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.pop("mts_immediate", False) else "BEGIN")

    return engine


@contextmanager
def _translated() -> Iterator[None]:
    """Database errors become ``HistoryUnavailable`` with the driver's words."""
    try:
        yield
    except sa.exc.SQLAlchemyError as exc:
        detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:300]
        raise HistoryUnavailable(f"history database error: {detail}") from exc


# --- rows ------------------------------------------------------------------------------------

def _task_values(task: Task, now: datetime) -> dict[str, Any]:
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
    }


def _safe_url(url: str) -> str:
    """A base URL without credentials or query: someone may have pasted a key into it."""
    parts = urlsplit(url)
    if not parts.scheme:
        return url.split("?", 1)[0].rsplit("@", 1)[-1][:500]
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, host, parts.path, "", ""))[:500]


def _digest(task: Task) -> str:
    body = json.dumps(task.raw, sort_keys=True, default=str) if task.raw is not None else repr(task)
    return hashlib.sha256(f"{task.status.value}\x1f{body}".encode()).hexdigest()


def _request_title(body: Any) -> str:
    return str(body.get("title") or "")[:500] if isinstance(body, Mapping) else ""


def _request_prompt(body: Any) -> str:
    if not isinstance(body, Mapping):
        return ""
    params = body.get("gen_params") if isinstance(body.get("gen_params"), Mapping) else {}
    for value in (body.get("gpt_description_prompt"), body.get("prompt"), params.get("prompt"),
                  params.get("lyrics")):
        if value:
            return str(value)[:4000]
    return ""


def _request_tags(body: Any) -> str:
    return str(body.get("tags") or "")[:1000] if isinstance(body, Mapping) else ""


def _conditions(filters: HistoryFilter) -> list[Any]:
    conditions: list[Any] = []
    if filters.platforms:
        conditions.append(tasks.c.platform.in_(filters.platforms))
    if filters.statuses:
        conditions.append(tasks.c.status.in_(filters.statuses))
    if filters.gateways:
        conditions.append(tasks.c.gateway_name.in_(filters.gateways))
    if filters.since:
        conditions.append(tasks.c.submitted_at >= _day_start(filters.since))
    if filters.until:
        conditions.append(tasks.c.submitted_at < _day_start(filters.until) + timedelta(days=1))
    if filters.starred_only:
        conditions.append(tasks.c.starred.is_(True))
    text = filters.text.strip()
    if text:
        conditions.append(sa.or_(*(column.icontains(text, autoescape=True) for column in
                                   (tasks.c.title, tasks.c.prompt, tasks.c.tags, tasks.c.task_id,
                                    tasks.c.note))))
    return conditions


def _entry(row: Mapping[str, Any]) -> HistoryEntry:
    values = {name: row[name] for name in _ENTRY_FIELDS}
    for name in ("submitted_at", "first_seen", "updated_at"):
        values[name] = _utc(values[name])
    values["starred"] = bool(values["starred"])
    return HistoryEntry(**values)


def _persona_match(key: Mapping[str, str]) -> list[Any]:
    return [personas.c[name] == value for name, value in key.items()]


def _persona(row: Mapping[str, Any]) -> Persona:
    return Persona(**{**{name: row[name] for name in _PERSONA_FIELDS}, "created_at": _utc(row["created_at"])})


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _utc(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    if moment is None:
        return None
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.utc)
