"""Libraries as older builds of the app left them, to test that an upgrade keeps every row.

Built from today's tables minus what later versions added (the owner column, its place in the
unique keys, the paid-call counts), so the old layout is exactly what those builds created."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from lib.library import store as history

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _old_table(table: sa.Table, old: sa.MetaData, unique: tuple[str, ...], key_name: str) -> sa.Table:
    later = {"owner", "started_at", "finished_at", "cost"}  # added by versions 3 and 6
    columns = [column._copy() for column in table.columns if column.name not in later]
    indexes = [
        sa.Index(index.name, *[c.name for c in index.columns])
        for index in table.indexes
        if "owner" not in {c.name for c in index.columns}
    ]
    return sa.Table(table.name, old, *columns, sa.UniqueConstraint(*unique, name=key_name), *indexes)


def create_old_library(url: str, version: int) -> None:
    """A version 1 (tasks only) or version 2 (tasks and personas) library with one task named
    "kept" (and, for version 2, one persona "p-old"), all of them the local user's."""
    old = sa.MetaData()
    schema_info = history.schema_info.to_metadata(old)
    tasks = _old_table(history.tasks, old, ("gateway_name", "platform", "task_id"), "mts_tasks_task")
    personas = _old_table(history.personas, old, ("gateway_name", "gateway_url", "persona_id"), "mts_personas_persona")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        schema_info.create(conn)
        tasks.create(conn)
        conn.execute(schema_info.insert().values(version=1, applied_at=T0))
        conn.execute(
            tasks.insert().values(
                platform="suno",
                task_id="kept",
                gateway_name="team-gw",
                gateway_url="https://gw.example.com",
                origin="inspected",
                submitted_at=T0,
                status="SUCCESS",
                first_seen=T0,
                updated_at=T0,
                title="Kept song",
            )
        )
        if version >= 2:
            personas.create(conn)
            conn.execute(schema_info.insert().values(version=2, applied_at=T0))
            conn.execute(
                personas.insert().values(
                    persona_id="p-old",
                    gateway_name="team-gw",
                    gateway_url="https://gw.example.com",
                    name="Old persona",
                    created_at=T0,
                )
            )
    engine.dispose()
