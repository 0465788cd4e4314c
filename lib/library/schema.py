"""The library's tables and how an older database is brought up to date.

``SCHEMA_VERSION`` is recorded in ``mts_schema``; every change to the tables below needs a step in
``_MIGRATIONS`` so that libraries written by an older build keep opening.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from lib.library.database import HistoryUnavailable
from lib.library.entries import utc_now

SCHEMA_VERSION = 2

metadata = sa.MetaData()

schema_info = sa.Table(
    "mts_schema",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
)

tasks = sa.Table(
    "mts_tasks",
    metadata,
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

# Added in schema version 2. Keyed by gateway (name and safe URL), not by key: see
# HistoryStore.personas().
personas = sa.Table(
    "mts_personas",
    metadata,
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

# Each step upgrades the schema from the version before it. Version 1 was mts_schema and
# mts_tasks; a new database gets every table above at once and records only SCHEMA_VERSION.
_MIGRATIONS: dict[int, Any] = {2: lambda conn: personas.create(conn, checkfirst=True)}


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
