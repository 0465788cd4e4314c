"""Two visitors, one row: one deletes a row while the other's submit is still out, or while the
other is writing a note on it. The paid task is recorded all the same (the submit re-creates its
row), and an edit to a deleted row says so instead of "Note saved". Real POSTs to the sandbox; the
"other visitor" is a second store on the same library, as another session or replica would be."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lib.gateway import bodies, routes
from lib.gateway.client import GatewayClient
from lib.gateway.errors import GatewayError, OutcomeUnknownError
from lib.gateway.models import TaskStatus
from lib.gateway.profiles import GatewayProfile
from lib.library.entries import utc_now
from lib.library.store import OUTCOME_UNKNOWN, SENDING, HistoryStore
from lib.studio.submit import Submission, submit_recorded
from tests.conftest import API_KEY
from tests.test_history import PROFILE, T0, make_task
from tests.test_history_page import button, open_page, seed, select_rows, table, text_of


@pytest.fixture
def stores(history_url):
    """This visitor's store and another visitor's, on one library."""
    mine, theirs = HistoryStore(history_url), HistoryStore(history_url)
    yield mine, theirs
    mine.close()
    theirs.close()


def inspiration(description: str) -> Submission:
    return Submission("suno", "inspiration", routes.SUNO_MUSIC.path, bodies.suno_inspiration(description))


def deleting_first(other: HistoryStore, send):
    """``send``, after the other visitor deleted every row still Sending (the POST is out by then:
    its row was written before it)."""

    def go():
        sending = [e.id for e in other.search() if e.status == SENDING]
        assert sending and other.delete(sending) == len(sending)
        return send()

    return go


def test_an_answer_to_a_deleted_rows_submit_re_creates_the_row(stores, sandbox, client):
    mine, theirs = stores
    profile = GatewayProfile("env", sandbox.url, API_KEY)
    submission = inspiration("deleted while sending")
    post = deleting_first(theirs, lambda: client.submit(submission.route, submission.body))
    result = submit_recorded(mine, profile, submission, post)
    [entry] = mine.search()
    assert entry.id == result.row_id and entry.task_id == result.task_id
    assert (entry.status, entry.origin, entry.request) == ("NOT_START", "submitted", dict(submission.body))
    assert entry.gateway_name == "env" and entry.route == routes.SUNO_MUSIC.path


def test_an_unknown_outcome_on_a_deleted_row_is_recorded_again(stores, sandbox):
    mine, theirs = stores
    profile = GatewayProfile("env", sandbox.url, API_KEY)
    sandbox.inject("timeout", delay=2.0, route="/suno/submit")
    impatient = GatewayClient(sandbox.url, API_KEY, submit_timeout=0.5, backoff=0)
    submission = inspiration("maybe paid")
    post = deleting_first(theirs, lambda: impatient.submit(submission.route, submission.body))
    with pytest.raises(OutcomeUnknownError):
        submit_recorded(mine, profile, submission, post)
    impatient.close()
    [entry] = mine.search()  # it may have cost money: kept where the filter finds it
    assert entry.status == OUTCOME_UNKNOWN and entry.request == dict(submission.body)


def test_a_refusal_on_a_deleted_row_stays_deleted(stores, sandbox, client):
    mine, theirs = stores
    profile = GatewayProfile("env", sandbox.url, API_KEY)
    sandbox.inject("status", status=400, message="prompt is too long", route="/suno/submit")
    submission = inspiration("refused")
    with pytest.raises(GatewayError):
        submit_recorded(
            mine, profile, submission, deleting_first(theirs, lambda: client.submit(submission.route, submission.body))
        )
    assert mine.search() == []  # nothing was paid for, and the visitor asked for it gone


def test_an_answer_never_lands_in_a_submit_that_took_the_deleted_rows_id(stores, sandbox, client):
    mine, theirs = stores
    profile = GatewayProfile("env", sandbox.url, API_KEY)
    submission = inspiration("mine")
    theirs_row = []

    def delete_then_submit_elsewhere():
        sending = [e.id for e in theirs.search() if e.status == SENDING]
        theirs.delete(sending)
        # Their own submit, begun meanwhile: SQLite hands it the deleted (newest) row's id.
        theirs_row.append(
            theirs.begin_submit(profile, platform="suno", action="custom", route=routes.SUNO_MUSIC.path, body={"x": 1})
        )
        return client.submit(submission.route, submission.body)

    result = submit_recorded(mine, profile, submission, delete_then_submit_elsewhere)
    assert mine.get(result.row_id).request == dict(submission.body)
    assert mine.get(result.row_id).task_id == result.task_id
    other = mine.get(theirs_row[0])
    assert (other.status, other.task_id, other.request) == (SENDING, None, {"x": 1})  # untouched


def test_a_re_created_row_replaces_a_fetch_that_raced_ahead(stores):
    mine, theirs = stores
    began = utc_now()
    row = mine.begin_submit(
        PROFILE, platform="suno", action="custom", route=routes.SUNO_MUSIC.path, body={"x": 1}, now=began
    )
    theirs.delete([row])
    mine.record_task(make_task("raced", TaskStatus.IN_PROGRESS), PROFILE)  # polled on the Task page
    assert mine.complete_submit(row, "raced", began=began) is False  # even if the fetch got its id
    again = mine.add_submit(
        PROFILE, platform="suno", action="custom", route=routes.SUNO_MUSIC.path, body={"x": 1}, task_id="raced"
    )
    [entry] = mine.search()
    assert entry.id == again and entry.request == {"x": 1} and entry.task_id == "raced"
    # The dropped row's digest, remembered by this store, does not stop the next poll's write.
    assert mine.record_task(make_task("raced", TaskStatus.IN_PROGRESS), PROFILE)


def test_notes_and_stars_on_a_deleted_row_report_it_gone(stores):
    mine, theirs = stores
    mine.record_task(make_task("kept"), PROFILE)
    mine.record_task(make_task("gone"), PROFILE)
    kept, gone = mine.find("kept").id, mine.find("gone").id
    assert theirs.delete([gone]) == 1
    assert mine.set_note(gone, "lost?") is False
    assert mine.set_note(kept, "saved") is True and mine.get(kept).note == "saved"
    assert mine.set_starred([kept, gone], True) == 1
    assert mine.mark_outcome_unknown(gone, "x") is False and mine.complete_submit(gone, "t") is False
    assert [e.task_id for e in mine.search()] == ["kept"]


# --- the History page ----------------------------------------------------------------------------


@pytest.fixture
def gateway(sandbox, monkeypatch) -> GatewayProfile:
    monkeypatch.setenv("GATEWAY_BASE_URL", sandbox.url)
    monkeypatch.setenv("GATEWAY_API_KEY", API_KEY)
    return GatewayProfile("env", sandbox.url, API_KEY)


def test_a_note_on_a_row_deleted_in_another_session_says_it_was_deleted(library, gateway):
    seed(library, gateway)
    at = select_rows(open_page(), [1])  # Night Drive
    library.delete([library.find("b-2").id])  # another session, meanwhile
    next(a for a in at.text_area if a.label == "Note").input("client liked the bridge")
    at.form_submit_button[0].click().run()
    assert not at.exception
    assert "it was deleted" in text_of(at) and "The note was not saved" in text_of(at)
    assert not [toast for toast in at.toast if "Note saved" in toast.value]
    # Nothing else got the note: not the row that moved into Night Drive's place either.
    assert [e.note for e in library.search()] == ["", ""]
    # The selection (a row position) is dropped rather than landing on Morning Coffee.
    assert "1 selected" not in text_of(at) and list(table(at)["task_id"]) == ["c-3", "a-1"]
    at.run()
    assert "The note was not saved" not in text_of(at)  # said once


def test_a_note_on_a_row_still_there_is_saved(library, gateway):
    seed(library, gateway)
    at = select_rows(open_page(), [1])
    next(a for a in at.text_area if a.label == "Note").input("keep the bridge")
    at.form_submit_button[0].click().run()
    assert library.find("b-2").note == "keep the bridge"
    assert any("Note saved" in toast.value for toast in at.toast)


def test_starring_rows_one_of_them_deleted_stars_the_rest_and_says_so(library, gateway):
    seed(library, gateway)
    at = select_rows(open_page(), [0, 1])  # Sea Shanty, Night Drive
    library.delete([library.find("b-2").id])
    button(at, "Star").click().run()
    assert not at.exception
    assert "1 of the selected tasks was no longer in the library" in text_of(at)
    assert [e.task_id for e in library.search() if e.starred] == ["c-3"]  # not Morning Coffee
    assert list(table(at)["task_id"]) == ["c-3", "a-1"]


def test_delete_asks_about_the_rows_that_were_shown(library, gateway):
    seed(library, gateway)
    at = select_rows(open_page(), [2])  # Morning Coffee
    library.record_task(make_task("d-4", TaskStatus.SUCCESS, title="Newest", submitted=T0 + timedelta(days=9)), gateway)
    button(at, "Delete…").click().run()  # the new row moved the others down one place
    assert "Delete 1 task from the library?" in text_of(at)
    button(at, "Delete from library").click().run()
    assert sorted(e.task_id for e in library.search()) == ["b-2", "c-3", "d-4"]
