"""The Batch page through AppTest against a real sandbox: problems are named by line and nothing
is sent; the dialog states how many requests go out before any does; Cancel sends nothing; with
the webhook receiver on, the Create page's webhook field starts as its URL."""

from __future__ import annotations

import socket
import time

import pytest
from streamlit.testing.v1 import AppTest

from lib.ui import resources
from tests.apptest import APP, CREATE_PAGE, dialogs, open_app, wkey
from tests.e2e.conftest import free_port

BATCH_PAGE = "app_pages/batch.py"


@pytest.fixture
def studio(on_sandbox, library):
    return library


def submit(at: AppTest, text: str) -> AppTest:
    at.session_state[wkey("batch_list")] = text
    return next(b for b in at.button if b.key == "batch_submit_button").click().run()


def errors(at: AppTest) -> str:
    return "\n".join(e.value for e in at.error)


def test_problems_are_named_by_line_and_nothing_is_sent(studio, sandbox):
    at = open_app(BATCH_PAGE)
    at = submit(at, "a fine song\n" + "x" * 3001)
    assert "Line 2 · Song description: Too long" in errors(at)
    assert dialogs(at) == [] and sandbox.requests == []
    at = submit(at, "\n  \n")
    assert "There is nothing to send" in errors(at)
    at = submit(at, "\n".join(f"song {i}" for i in range(51)))
    assert "51 songs is too many for one batch: at most 50" in errors(at)
    assert sandbox.requests == [] and studio.count() == 0


def test_the_dialog_states_the_count_and_cancel_sends_nothing(studio, sandbox):
    at = submit(open_app(BATCH_PAGE), "one\ntwo\nthree")
    [dialog] = dialogs(at)
    assert "This sends **3 requests**" in "".join(m.value for m in dialog.markdown)
    assert [b.label for b in dialog.button if b.key == "batch_send"] == ["Send 3 requests"]
    at = next(b for b in dialog.button if b.key == "batch_cancel").click().run()
    assert dialogs(at) == [] and sandbox.requests == [] and studio.count() == 0


def test_the_create_pages_webhook_field_starts_as_the_receivers_url(studio, monkeypatch):
    port = free_port()
    monkeypatch.setenv("WEBHOOK_PORT", str(port))
    monkeypatch.setenv("WEBHOOK_SECRET", "apptest-webhook-secret-0123")
    at = open_app(CREATE_PAGE)
    try:
        [field] = [ti for ti in at.text_input if ti.key == wkey("cf_suno_webhook")]
        assert field.value == f"http://127.0.0.1:{port}/callback/apptest-webhook-secret-0123"
    finally:
        resources._webhook_receiver.clear()  # stops it: its port is free again
    with pytest.raises(OSError):  # nothing listens there any more
        socket.create_connection(("127.0.0.1", port), timeout=2).close()


def test_the_daily_limit_is_taken_per_request_and_stops_the_rest(on_sandbox, library, monkeypatch):
    """A signed-in user (not an operator) under ``[access] daily_paid_limit = 2`` sends a batch
    of 3: two go out, the third is *Not sent*, and the page says why."""
    from tests.test_paid_confirm import AUTH, user

    monkeypatch.setenv("BATCH_INTERVAL_S", "0")
    at = AppTest.from_file(APP, default_timeout=30)
    at.secrets["auth"] = AUTH
    at.secrets["access"] = {"daily_paid_limit": 2}
    at.user = user("ana")
    at.run()
    at.switch_page(BATCH_PAGE).run()
    at = submit(at, "one\ntwo\nthree")
    [dialog] = dialogs(at)
    at = next(b for b in dialog.button if b.key == "batch_send").click().run()
    job = at.session_state["batch_page"].job
    deadline = time.monotonic() + 30
    while not job.finished and time.monotonic() < deadline:
        time.sleep(0.05)
    at.run()
    assert [item.state for item in job.items] == ["sent", "sent", "not_sent"]
    posts = [r["body"]["gpt_description_prompt"] for r in on_sandbox.requests if r["path"] == "/suno/submit/music"]
    assert posts == ["one", "two"]
    assert any("today's paid calls on this server's gateway are used up (2 a day" in w.value for w in at.warning)
    assert library.count() == 2
