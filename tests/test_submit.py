"""Submits recorded around the real POST to the sandbox: accepted, refused, and never answered."""

from __future__ import annotations

import pytest

from lib.gateway import bodies
from lib.gateway.client import GatewayClient
from lib.gateway.errors import GatewayError, OutcomeUnknownError
from lib.gateway.profiles import GatewayProfile
from lib.library.store import OUTCOME_UNKNOWN, REJECTED, HistoryStore
from lib.studio.submit import Submission, submit_recorded
from tests.conftest import API_KEY


@pytest.fixture
def store(tmp_path):
    opened = HistoryStore(f"sqlite:///{tmp_path / 'h.db'}")
    yield opened
    opened.close()


def inspiration(description: str) -> Submission:
    return Submission("suno", "inspiration", "/suno/submit/music", bodies.suno_inspiration(description))


def test_an_accepted_submit_is_completed_with_its_task_id(store, sandbox, client):
    profile = GatewayProfile("env", sandbox.url, API_KEY)
    submission = inspiration("a song about submarines")
    result = submit_recorded(store, profile, submission, lambda: client.submit_suno_music(submission.body))
    entry = store.get(result.row_id)
    assert entry.task_id == result.task_id and entry.status == "NOT_START"
    assert entry.request == dict(submission.body)
    assert sandbox.requests[-1]["body"] == dict(submission.body)  # what was recorded is what was sent


def test_a_refused_submit_keeps_the_gateways_words(store, sandbox, client):
    profile = GatewayProfile("env", sandbox.url, API_KEY)
    sandbox.inject("status", status=400, message="prompt is too long", route="/suno/submit")
    submission = inspiration("x")
    with pytest.raises(GatewayError):
        submit_recorded(store, profile, submission, lambda: client.submit_suno_music(submission.body))
    [entry] = store.search()
    assert entry.status == REJECTED and "prompt is too long" in entry.submit_error and entry.task_id is None


def test_an_unanswered_submit_is_recorded_as_outcome_unknown_and_sent_once(store, sandbox):
    profile = GatewayProfile("env", sandbox.url, API_KEY)
    sandbox.inject("timeout", delay=2.0, route="/suno/submit")
    impatient = GatewayClient(sandbox.url, API_KEY, submit_timeout=0.5, backoff=0)
    submission = inspiration("a song that never comes back")
    with pytest.raises(OutcomeUnknownError):
        submit_recorded(store, profile, submission, lambda: impatient.submit_suno_music(submission.body))
    [entry] = store.search()
    assert entry.status == OUTCOME_UNKNOWN and entry.request == dict(submission.body)
    assert [r["path"] for r in sandbox.requests].count("/suno/submit/music") == 1
    impatient.close()


def test_without_a_library_the_submit_still_goes_out(sandbox, client):
    profile = GatewayProfile("env", sandbox.url, API_KEY)
    submission = inspiration("unrecorded")
    result = submit_recorded(None, profile, submission, lambda: client.submit_suno_music(submission.body))
    assert result.task_id and result.row_id is None
