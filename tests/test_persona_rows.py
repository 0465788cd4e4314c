"""A persona is not a task: creating one (song tools → persona, or the Create page) records it as a
persona only, never as a task row that would wait *Not started* forever, count as unfinished, show in
the sidebar as a raw ID and open as "task not found". Libraries that older builds left with such rows
are cleaned when they open (schema version 5): each row becomes the persona it made.

Real HTTP to the sandbox; the library on SQLite (and PostgreSQL when ``HISTORY_TEST_POSTGRES_URL``
names a server)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from lib.gateway.errors import GatewayError
from lib.gateway.profiles import GatewayProfile
from lib.library import store as history
from lib.library.store import HistoryStore
from lib.studio import song_jobs
from lib.studio.submit import Submission, submit_recorded
from tests.apptest import HISTORY_PAGE, confirm_paid
from tests.conftest import PAST_DONE
from tests.test_task_page import open_task

PROFILE = GatewayProfile("sandbox", "http://127.0.0.1:9", "test-key")
T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def store(history_url):
    opened = HistoryStore(history_url)
    yield opened
    opened.close()


@pytest.fixture
def song(client, clock):
    task_id = client.generate("neon rain over the harbour")
    clock.advance(PAST_DONE)
    task = client.fetch_task(task_id)
    return task, task.songs[0]


def test_a_persona_made_through_the_sandbox_leaves_no_task_row(store, client, sandbox, song):
    task, clip = song
    submission = song_jobs.persona_submission(clip, "Harbour voice", "warm alto", True)
    result = submit_recorded(store, PROFILE, submission, lambda: client.submit(submission.route, submission.body))
    assert len(result.task_id) == 36 and result.row_id is None
    assert any(r["path"] == "/suno/persona/create/" for r in sandbox.requests)  # it was sent, once
    assert store.count() == 0 and store.count_unfinished() == 0 and store.recent() == []
    # A task from the same gateway is still recorded as one.
    music = Submission("suno", "inspiration", "/suno/submit/music", {"gpt_description_prompt": "rain"})
    submit_recorded(store, PROFILE, music, lambda: client.submit(music.route, music.body))
    assert store.count() == 1 and store.count_unfinished() == 1


def test_a_refused_persona_leaves_no_row_either(store, client, sandbox, song):
    _, clip = song
    sandbox.inject("status", status=403, route="/suno/persona", message="quota exhausted")
    submission = song_jobs.persona_submission(clip, "Harbour voice", "", True)
    with pytest.raises(GatewayError):
        submit_recorded(store, PROFILE, submission, lambda: client.submit(submission.route, submission.body))
    assert store.count() == 0


def _persona_row(conn, **values):
    body = {"root_clip_id": "clip-9", "name": "Old singer", "description": "smoky", "is_public": True}
    row = {
        "owner": "local",
        "platform": "suno",
        "gateway_name": "team-gw",
        "gateway_url": "https://gw.example.com",
        "origin": "submitted",
        "action": "persona_create",
        "route": "/suno/persona/create/",
        "request_body": json.dumps(body),
        "submitted_at": T0,
        "status": "NOT_START",
        "first_seen": T0,
        "updated_at": T0,
    }
    conn.execute(history.tasks.insert().values(**{**row, **values}))


def test_an_older_library_has_its_persona_rows_turned_into_personas(history_url):
    """Rows written by builds before version 5: the answered one becomes a persona (keeping an
    existing persona's name), the refused one goes, a real task stays."""
    HistoryStore(history_url).close()
    engine = sa.create_engine(history_url)
    with engine.begin() as conn:
        _persona_row(conn, task_id="p-new")
        _persona_row(conn, task_id="p-known")
        _persona_row(conn, task_id=None, status="REJECTED", submit_error="quota")
        conn.execute(
            history.personas.insert().values(
                persona_id="p-known",
                gateway_name="team-gw",
                gateway_url="https://gw.example.com",
                name="Kept",
                created_at=T0,
            )
        )
        conn.execute(
            history.tasks.insert().values(
                platform="suno", task_id="song-1", gateway_name="team-gw", gateway_url="https://gw.example.com",
                origin="submitted", submitted_at=T0, status="IN_PROGRESS", first_seen=T0, updated_at=T0, title="Song",
            )
        )  # fmt: skip
        conn.execute(history.schema_info.update().values(version=4))  # as version 4 left it
    engine.dispose()

    upgraded = HistoryStore(history_url)
    try:
        assert [e.task_id for e in upgraded.search()] == ["song-1"]
        assert upgraded.count_unfinished() == 1  # the real task only
        profile = GatewayProfile("team-gw", "https://gw.example.com", "any-key")
        personas = {p.persona_id: p for p in upgraded.personas(profile)}
        assert set(personas) == {"p-new", "p-known"}
        assert (personas["p-new"].name, personas["p-new"].description, personas["p-new"].root_clip_id) == (
            "Old singer",
            "smoky",
            "clip-9",
        )
        assert personas["p-known"].name == "Kept"
    finally:
        upgraded.close()
    with sa.create_engine(history_url).connect() as conn:
        versions = conn.execute(sa.select(history.schema_info.c.version)).scalars().all()
    assert max(versions) == history.SCHEMA_VERSION == 5


def test_the_task_page_persona_tool_leaves_history_with_nothing_unfinished(library, on_sandbox, client, clock):
    task_id = client.generate("neon rain over the harbour")
    clock.advance(PAST_DONE)
    at = open_task(task_id)
    key = f"{task_id}-0"
    at.text_input(key=f"tool-persona-name-{key}").input("Harbour voice")
    form = f"FormSubmitter:tool-persona-form-{key}-Create persona — may spend credits"
    confirm_paid(at.button(key=form).click().run())
    assert not at.exception, at.exception
    assert any("Harbour voice" in s.value for s in at.success)
    assert [e.task_id for e in library.search()] == [task_id]  # the song's own task, and nothing else
    assert library.count_unfinished() == 0
    assert [p.name for p in library.personas(_profile_of(library))] == ["Harbour voice"]
    at.switch_page(HISTORY_PAGE).run()
    assert not at.exception, at.exception
    refresh = next(b for b in at.button if b.label.startswith("Refresh unfinished"))
    assert refresh.disabled and "(0)" in refresh.label


def _profile_of(store: HistoryStore) -> GatewayProfile:
    """The app's sandbox profile as the library recorded it (name and URL of its only persona)."""
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(history.personas.c.gateway_name, history.personas.c.gateway_url)).one()
    return GatewayProfile(row.gateway_name, row.gateway_url, "")
