"""The library against careless visitors, in Chromium: import files that are too deep or too large
end in a clear message (no exception box), and a note saved on a row another session deleted
says so instead of "Note saved"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from lib.gateway.models import TaskStatus
from lib.library.store import HistoryStore
from tests.e2e.conftest import ARTIFACTS, StreamlitServer, wait_for_app
from tests.e2e.test_history import click_row_checkbox
from tests.test_history import PROFILE, T0, make_task

# The import's size cap (lib.library.import_export.MAX_IMPORT_BYTES), spelled out so this file
# also runs, and fails, against a build without it.
FIVE_MB = 5 * 2**20


def no_exception(page) -> None:
    expect(page.get_by_test_id("stException")).to_have_count(0)
    assert page.js_errors == []


def upload(page, name: str, data: bytes) -> None:
    page.locator("[data-testid='stFileUploader'] input[type=file]").set_input_files(
        {"name": name, "mimeType": "application/json", "buffer": data}
    )
    wait_for_app(page)


def test_hostile_import_files_end_in_a_clear_message(page, app_server):
    page.goto(f"{app_server.url}/history")
    wait_for_app(page)
    page.get_by_role("button", name="Import task IDs").click()

    upload(page, "nested.json", b"[" * 100_000 + b"]" * 100_000)
    expect(page.get_by_text("This JSON is nested too deeply to read")).to_be_visible()
    no_exception(page)
    page.get_by_role("textbox", name="…or paste task IDs").fill("x")  # any rerun: still a message
    wait_for_app(page)
    expect(page.get_by_text("This JSON is nested too deeply to read")).to_be_visible()
    no_exception(page)

    upload(page, "huge.json", b"[" + b'"id-1",' * (FIVE_MB // 7 + 100_000) + b'"id-2"]')
    expect(page.get_by_text("the import reads files of up to 5 MB")).to_be_visible()
    no_exception(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "history-import-too-large.png"), full_page=True)


@pytest.fixture
def seeded_server(tmp_path, chromium_path):
    url = f"sqlite:///{tmp_path / 'library.db'}"
    store = HistoryStore(url)
    for n, (task_id, title) in enumerate([("a-1", "Morning Coffee"), ("b-2", "Night Drive"), ("c-3", "Sea Shanty")]):
        store.record_task(
            make_task(task_id, TaskStatus.SUCCESS, title=title, submitted=T0 + timedelta(days=n)), PROFILE
        )
    store.close()
    server = StreamlitServer({"HISTORY_DATABASE_URL": url})
    yield server
    server.stop()
    assert "Traceback" not in server.log(), server.log()[-4000:]


def test_a_note_on_a_row_deleted_in_another_session_says_it_was_deleted(page, browser, seeded_server):
    page.goto(f"{seeded_server.url}/history")
    wait_for_app(page)
    click_row_checkbox(page, 1)  # Night Drive
    expect(page.get_by_text("1 selected")).to_be_visible()

    other = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US").new_page()
    other.goto(f"{seeded_server.url}/history")
    wait_for_app(other)
    click_row_checkbox(other, 1)
    other.get_by_role("button", name="Delete…").click()
    wait_for_app(other)
    other.get_by_role("button", name="Delete from library").click()
    wait_for_app(other)
    expect(other.get_by_text("2 tasks in the library")).to_be_visible()
    other.context.close()

    page.get_by_role("textbox", name="Note", exact=True).fill("client liked the bridge")
    page.get_by_role("button", name="Save note").click()
    wait_for_app(page)
    expect(page.get_by_text("The note was not saved")).to_be_visible()
    expect(page.get_by_text("Note saved.")).to_have_count(0)
    expect(page.get_by_text("2 tasks in the library")).to_be_visible()
    no_exception(page)
