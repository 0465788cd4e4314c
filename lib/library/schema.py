"""The library's tables and how an older database is brought up to date.

``SCHEMA_VERSION`` is recorded in ``mts_schema``; every change to the tables below needs a step in
``_MIGRATIONS`` so that libraries written by an older build keep opening.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa

from lib.gateway.routes import SUNO_PERSONA
from lib.library.database import HistoryUnavailable
from lib.library.entries import utc_now

SCHEMA_VERSION = 6

metadata = sa.MetaData()

schema_info = sa.Table(
    "mts_schema",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
)

# Who a row belongs to: the signed-in user's stable identity (lib.access.visitor), or "local"
# for the single-user tool and every row written before sign-in existed (schema version 3).
LOCAL_OWNER = "local"


def _owner_column() -> sa.Column:
    return sa.Column("owner", sa.String(255), nullable=False, server_default=LOCAL_OWNER)


tasks = sa.Table(
    "mts_tasks",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    _owner_column(),
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
    # Added in schema version 6, for the Insights page: when the gateway says the task started and
    # finished (NULL until it says so, and for rows written before), and what it cost where the
    # gateway's answer names it (new-api's ``quota``, in US dollars).
    sa.Column("started_at", sa.DateTime(timezone=True)),
    sa.Column("finished_at", sa.DateTime(timezone=True)),
    sa.Column("cost", sa.Float),
    # One row per task per owner: two users who inspect the same task each keep their own.
    sa.UniqueConstraint("owner", "gateway_name", "platform", "task_id", name="mts_tasks_task"),
    sa.Index("mts_tasks_owner", "owner", "submitted_at"),
    sa.Index("mts_tasks_submitted", "submitted_at"),
    sa.Index("mts_tasks_status", "status"),
    sa.Index("mts_tasks_task_id", "task_id"),
)

# Added in schema version 2. Keyed by gateway (name and safe URL), not by key: see
# HistoryStore.personas().
personas = sa.Table(
    "mts_personas",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    _owner_column(),
    sa.Column("persona_id", sa.String(128), nullable=False),
    sa.Column("gateway_name", sa.String(120), nullable=False),
    sa.Column("gateway_url", sa.String(500), nullable=False),
    sa.Column("key_fingerprint", sa.String(16), nullable=False, server_default=""),
    sa.Column("name", sa.String(200), nullable=False, server_default=""),
    sa.Column("description", sa.Text, nullable=False, server_default=""),
    sa.Column("root_clip_id", sa.String(128), nullable=False, server_default=""),
    sa.Column("root_title", sa.String(500), nullable=False, server_default=""),  # for display only
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("owner", "gateway_name", "gateway_url", "persona_id", name="mts_personas_persona"),
)

# Added in schema version 3: each user's paid calls per UTC day on the operator's keys, counted
# where every replica sees them (``[access] daily_paid_limit``).
paid_calls = sa.Table(
    "mts_paid_calls",
    metadata,
    sa.Column("owner", sa.String(255), primary_key=True),
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("used", sa.Integer, nullable=False, server_default="0"),
    sa.Column("last_action", sa.String(64), nullable=False, server_default=""),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)


# Each step upgrades the schema from the version before it. Version 1 was mts_schema and
# mts_tasks; a new database gets every table above at once and records only SCHEMA_VERSION.
# Added in schema version 4: published song pages, each a snapshot of a finished task that
# renders with no gateway call (lib.studio.publishing), found by its unguessable token. Deleted on
# unpublish, so a revoked link and a forged one look the same: "not available".
published = sa.Table(
    "mts_published",
    metadata,
    sa.Column("token", sa.String(64), primary_key=True),
    _owner_column(),
    sa.Column("platform", sa.String(16), nullable=False),
    sa.Column("task_id", sa.String(128), nullable=False),
    sa.Column("gateway_name", sa.String(120), nullable=False),
    sa.Column("title", sa.Text, nullable=False, server_default=""),
    sa.Column("snapshot", sa.Text, nullable=False),
    sa.Column("allow_downloads", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("media_copied", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("mts_published_owner", "owner", "created_at"),
)


def _add_owners(conn: sa.Connection) -> None:
    """Version 3: an owner on every task and persona (the rows so far are the local user's), the
    unique keys widened by it, and the paid-call counts. SQLite cannot change a table's unique
    constraint, so there each table is rebuilt under its new definition and its rows copied."""
    if conn.dialect.name == "postgresql":
        for table, key in ((tasks, "mts_tasks_task"), (personas, "mts_personas_persona")):
            unique = next(c for c in table.constraints if c.name == key)
            columns = ", ".join(c.name for c in unique.columns)
            # IF NOT EXISTS: a version-1 library got the personas table in version 2's step, as
            # it is defined now (with its owner).
            conn.execute(
                sa.text(
                    f"ALTER TABLE {table.name} ADD COLUMN IF NOT EXISTS owner VARCHAR(255) NOT NULL DEFAULT 'local'"
                )
            )
            conn.execute(sa.text(f"ALTER TABLE {table.name} DROP CONSTRAINT {key}"))
            conn.execute(sa.text(f"ALTER TABLE {table.name} ADD CONSTRAINT {key} UNIQUE ({columns})"))
        conn.execute(sa.text("CREATE INDEX mts_tasks_owner ON mts_tasks (owner, submitted_at)"))
    else:
        for table in (tasks, personas):
            old = f"{table.name}_v2"
            for index in table.indexes:
                conn.execute(sa.text(f"DROP INDEX IF EXISTS {index.name}"))
            conn.execute(sa.text(f"ALTER TABLE {table.name} RENAME TO {old}"))
            table.create(conn)
            # Only the columns the old table had: later versions' columns are added by their steps.
            had = {c["name"] for c in sa.inspect(conn).get_columns(old)}
            columns = ", ".join(c.name for c in table.columns if c.name != "owner" and c.name in had)
            conn.execute(sa.text(f"INSERT INTO {table.name} ({columns}) SELECT {columns} FROM {old}"))
            conn.execute(sa.text(f"DROP TABLE {old}"))
    paid_calls.create(conn, checkfirst=True)


# The route older builds recorded a persona's creation under, as if it were a task.
_PERSONA_ROUTES = (SUNO_PERSONA.path,)


def _personas_out_of_tasks(conn: sa.Connection) -> None:
    """Version 5: builds before it wrote a task row for each persona made (the "task ID" being the
    persona's ID), which could never finish: *Not started* forever, counted as unfinished, listed
    by its raw ID, "task not found" when opened. Each such row that got an ID becomes a persona
    (unless the library has it already) and every one of them is removed; a persona is not a task."""
    # Only the columns version 5 knew: a later version's (version 6's times) are not there yet.
    wanted = ("task_id", "request_body", "owner", "gateway_name", "gateway_url", "key_fingerprint", "submitted_at")
    query = sa.select(*(tasks.c[name] for name in wanted)).where(tasks.c.route.in_(_PERSONA_ROUTES))
    rows = conn.execute(query).mappings().all()
    for row in rows:
        if not row["task_id"]:
            continue  # refused or never answered: no persona was made, or none we can name
        try:
            request = json.loads(row["request_body"] or "{}")
        except ValueError:
            request = {}
        request = request if isinstance(request, dict) else {}
        key = {
            "owner": row["owner"],
            "gateway_name": row["gateway_name"],
            "gateway_url": row["gateway_url"],
            "persona_id": row["task_id"],
        }
        if conn.execute(sa.select(personas.c.id).filter_by(**key)).first() is None:
            conn.execute(
                personas.insert().values(
                    **key,
                    key_fingerprint=row["key_fingerprint"],
                    name=str(request.get("name") or "")[:200],
                    description=str(request.get("description") or "")[:4000],
                    root_clip_id=str(request.get("root_clip_id") or "")[:128],
                    created_at=row["submitted_at"],
                )
            )
    conn.execute(tasks.delete().where(tasks.c.route.in_(_PERSONA_ROUTES)))


def _add_task_times(conn: sa.Connection) -> None:
    """Version 6: the start, finish and cost columns, NULL on every existing row (a later fetch of
    a row fills them in). Nullable columns: a plain ADD COLUMN on SQLite and PostgreSQL alike."""
    had = {c["name"] for c in sa.inspect(conn).get_columns(tasks.name)}
    for name in ("started_at", "finished_at", "cost"):
        if name in had:  # an SQLite library rebuilt by version 3's step already has them
            continue
        column = tasks.c[name]
        kind = column.type.compile(dialect=conn.dialect)
        conn.execute(sa.text(f"ALTER TABLE {tasks.name} ADD COLUMN {name} {kind}"))


_MIGRATIONS: dict[int, Any] = {
    2: lambda conn: personas.create(conn, checkfirst=True),
    3: _add_owners,
    4: lambda conn: published.create(conn, checkfirst=True),
    5: _personas_out_of_tasks,
    6: _add_task_times,
}


def migrate(conn: sa.Connection) -> None:
    """Runs in a write transaction, so processes starting together upgrade once (SQLite's write
    lock; an advisory lock on PostgreSQL)."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(72120631)"))
    schema_info.create(conn, checkfirst=True)
    current = conn.execute(sa.select(sa.func.max(schema_info.c.version))).scalar() or 0
    if current > SCHEMA_VERSION:
        raise HistoryUnavailable(
            f"the history database has schema version {current}, newer than this app "
            f"({SCHEMA_VERSION}); upgrade the app"
        )
    if current == 0:
        metadata.create_all(conn, checkfirst=True)
        conn.execute(schema_info.insert().values(version=SCHEMA_VERSION, applied_at=utc_now()))
        return
    for version in range(current + 1, SCHEMA_VERSION + 1):
        _MIGRATIONS[version](conn)
        conn.execute(schema_info.insert().values(version=version, applied_at=utc_now()))
