"""Personas remembered per gateway profile in the task library, on SQLite and (when
``HISTORY_TEST_POSTGRES_URL`` names a server) PostgreSQL: add, list, rename, delete, isolation,
no key stored, and the upgrade of a version-1 library in place."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from lib.gateway.profiles import GatewayProfile
from lib.library import store as history
from lib.library.store import HistoryStore, HistoryUnavailable, Persona
from tests.old_libraries import create_old_library

CANARY_KEY = "sk-PERSONA-CANARY-4d8e2b9f1a7c"
PROFILE = GatewayProfile("team-gw", "https://gw.example.com", CANARY_KEY)
T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def store(history_url):
    opened = HistoryStore(history_url)
    yield opened
    opened.close()


def test_a_persona_is_added_listed_and_kept_across_restarts(store, history_url):
    added = store.add_persona(
        PROFILE,
        persona_id="p-1",
        name="Smoky Alto",
        description="warm, late-night",
        root_clip_id="clip-9",
        root_title="Neon Rain",
        now=T0,
    )
    assert added == Persona(
        persona_id="p-1",
        name="Smoky Alto",
        description="warm, late-night",
        root_clip_id="clip-9",
        root_title="Neon Rain",
        gateway_name="team-gw",
        created_at=T0,
    )
    reopened = HistoryStore(history_url)
    assert reopened.personas(PROFILE) == [added]
    assert reopened.personas(PROFILE)[0].created_at.tzinfo is not None
    reopened.close()


def test_adding_the_same_persona_again_renames_it_without_a_duplicate(store):
    store.add_persona(PROFILE, persona_id="p-1", name="Draft", root_clip_id="clip-9", root_title="Neon Rain", now=T0)
    again = store.add_persona(
        PROFILE, persona_id="p-1", name="Final", description="now described", now=T0 + timedelta(hours=1)
    )
    # Renamed; where it came from and when it was made stay as first recorded.
    assert (again.name, again.description) == ("Final", "now described")
    assert (again.root_clip_id, again.root_title, again.created_at) == ("clip-9", "Neon Rain", T0)
    assert store.personas(PROFILE) == [again]


def test_a_persona_is_deleted_once(store):
    store.add_persona(PROFILE, persona_id="p-1", name="One")
    store.add_persona(PROFILE, persona_id="p-2", name="Two")
    assert store.delete_persona(PROFILE, "p-1") is True
    assert store.delete_persona(PROFILE, "p-1") is False
    assert store.delete_persona(PROFILE, "never-made") is False
    assert [p.persona_id for p in store.personas(PROFILE)] == ["p-2"]


def test_newest_first(store):
    for n, persona_id in enumerate(["old", "middle", "new"]):
        store.add_persona(PROFILE, persona_id=persona_id, name=persona_id, now=T0 + timedelta(minutes=n))
    assert [p.persona_id for p in store.personas(PROFILE)] == ["new", "middle", "old"]


def test_profiles_see_only_their_own_personas(store):
    other_name = GatewayProfile("other-gw", "https://gw.example.com", CANARY_KEY)
    other_url = GatewayProfile("team-gw", "https://gw2.example.com", CANARY_KEY)
    store.add_persona(PROFILE, persona_id="shared-id", name="Mine")
    store.add_persona(other_name, persona_id="shared-id", name="Theirs by name")
    store.add_persona(other_url, persona_id="shared-id", name="Theirs by URL")
    assert [p.name for p in store.personas(PROFILE)] == ["Mine"]
    assert [p.name for p in store.personas(other_name)] == ["Theirs by name"]
    assert [p.name for p in store.personas(other_url)] == ["Theirs by URL"]
    assert store.delete_persona(other_url, "shared-id")
    assert [p.name for p in store.personas(PROFILE)] == ["Mine"]
    assert store.personas(GatewayProfile("nobody", "https://gw.example.com")) == []


def test_a_rotated_key_on_the_same_gateway_still_sees_them(store):
    store.add_persona(PROFILE, persona_id="p-1", name="Kept")
    rotated = GatewayProfile(PROFILE.name, PROFILE.base_url, "sk-a-brand-new-key")
    assert [p.persona_id for p in store.personas(rotated)] == ["p-1"]
    assert store.delete_persona(rotated, "p-1") and store.personas(PROFILE) == []


def test_the_key_appears_nowhere_in_the_persona_table(store, history_url, tmp_path):
    # Someone pasted the key into the URL as well: it must be stripped, and still match on reading.
    leaky = GatewayProfile("leaky-gw", f"https://user:{CANARY_KEY}@gw.example.com/v1?key={CANARY_KEY}", CANARY_KEY)
    store.add_persona(PROFILE, persona_id="p-1", name="A")
    store.add_persona(leaky, persona_id="p-2", name="B")
    store.add_persona(leaky, persona_id="p-2", name="B renamed")
    assert [p.name for p in store.personas(leaky)] == ["B renamed"]
    with store.engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(sa.select(history.personas)).mappings()]
    assert {r["gateway_url"] for r in rows} == {"https://gw.example.com", "https://gw.example.com/v1"}
    assert {r["key_fingerprint"] for r in rows} == {PROFILE.key_fingerprint}
    dump = json.dumps(rows, default=str)
    assert CANARY_KEY not in dump and CANARY_KEY[3:] not in dump
    if history_url.startswith("sqlite"):
        store.close()
        for path in tmp_path.glob("history.db*"):  # the file, its WAL and shared memory
            assert CANARY_KEY.encode() not in path.read_bytes()


def test_chinese_names_and_descriptions(store):
    store.add_persona(
        PROFILE, persona_id="zh-1", name="烟嗓女中音", description="深夜电台，温暖而沙哑", root_title="霓虹雨"
    )
    [persona] = store.personas(PROFILE)
    assert (persona.name, persona.description, persona.root_title) == ("烟嗓女中音", "深夜电台，温暖而沙哑", "霓虹雨")


def test_a_persona_without_an_id_is_refused(store):
    with pytest.raises(ValueError):
        store.add_persona(PROFILE, persona_id="  ", name="nameless")


def test_database_errors_become_history_unavailable(store):
    with store.engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE mts_personas"))
    with pytest.raises(HistoryUnavailable):
        store.personas(PROFILE)
    with pytest.raises(HistoryUnavailable):
        store.add_persona(PROFILE, persona_id="p-1", name="x")
    with pytest.raises(HistoryUnavailable):
        store.delete_persona(PROFILE, "p-1")


# --- schema ---------------------------------------------------------------------------------------


def _create_version_1_database(url: str) -> None:
    """A library as version 1 of the app left it: mts_schema and mts_tasks only, one task in it."""
    create_old_library(url, 1)


def test_a_version_1_library_is_upgraded_in_place(history_url):
    _create_version_1_database(history_url)
    store = HistoryStore(history_url)
    assert [e.task_id for e in store.search()] == ["kept"]  # the old rows are untouched
    store.add_persona(PROFILE, persona_id="p-1", name="After upgrade")
    assert [p.name for p in store.personas(PROFILE)] == ["After upgrade"]
    with store.engine.connect() as conn:
        versions = (
            conn.execute(sa.select(history.schema_info.c.version).order_by(history.schema_info.c.version))
            .scalars()
            .all()
        )
    assert versions == list(range(1, history.SCHEMA_VERSION + 1))
    store.close()
    HistoryStore(history_url).close()  # a second start changes nothing
    engine = sa.create_engine(history_url)
    with engine.connect() as conn:
        applied = conn.execute(sa.select(sa.func.count()).select_from(history.schema_info)).scalar()
    assert applied == history.SCHEMA_VERSION
    engine.dispose()


def test_stores_starting_together_upgrade_a_version_1_library_once(history_url):
    _create_version_1_database(history_url)
    errors: list[Exception] = []

    def open_and_add(n: int) -> None:
        try:
            store = HistoryStore(history_url)
            store.add_persona(PROFILE, persona_id=f"p-{n}", name=f"Persona {n}")
            store.close()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=open_and_add, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    store = HistoryStore(history_url)
    assert len(store.personas(PROFILE)) == 6
    with store.engine.connect() as conn:
        versions = sorted(conn.execute(sa.select(history.schema_info.c.version)).scalars())
    assert versions == list(range(1, history.SCHEMA_VERSION + 1))
    store.close()


def test_a_new_library_starts_at_the_current_version_with_every_table(history_url):
    HistoryStore(history_url).close()
    engine = sa.create_engine(history_url)
    assert {"mts_schema", "mts_tasks", "mts_personas", "mts_paid_calls"} <= set(sa.inspect(engine).get_table_names())
    engine.dispose()


def test_a_library_from_a_newer_app_is_still_refused(history_url):
    HistoryStore(history_url).close()
    engine = sa.create_engine(history_url)
    with engine.begin() as conn:
        conn.execute(history.schema_info.insert().values(version=history.SCHEMA_VERSION + 1, applied_at=T0))
    engine.dispose()
    with pytest.raises(HistoryUnavailable, match=f"schema version {history.SCHEMA_VERSION + 1}"):
        HistoryStore(history_url)
