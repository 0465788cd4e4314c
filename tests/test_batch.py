"""Batch submit (lib/studio/batch.py): reading lists and CSV files, building every line with the
Create page's rules, and sending against the real sandbox — each recorded, none retried, the
batch stopped where every later request would fail too."""

from __future__ import annotations

import pytest

from lib.gateway.client import GatewayClient
from lib.gateway.profiles import GatewayProfile
from lib.library.store import OUTCOME_UNKNOWN, HistoryStore
from lib.studio import batch
from tests.conftest import API_KEY


@pytest.fixture
def store(tmp_path):
    opened = HistoryStore(f"sqlite:///{tmp_path / 'h.db'}")
    yield opened
    opened.close()


def test_a_list_is_one_inspiration_per_non_blank_line():
    lines = batch.read_lines("a song about rain\n\n  a song about sun  \n")
    assert [(line.number, line.mode, line.label) for line in lines] == [
        (1, "inspiration", "a song about rain"),
        (3, "inspiration", "a song about sun"),
    ]


def test_limits_and_empty_input_are_named():
    with pytest.raises(batch.BatchInvalid) as raised:
        batch.read_lines("\n \n")
    assert raised.value.code == "empty"
    with pytest.raises(batch.BatchInvalid) as raised:
        batch.read_lines("\n".join(f"song {i}" for i in range(batch.MAX_ITEMS + 1)))
    assert raised.value.code == "too_many" and raised.value.params["count"] == batch.MAX_ITEMS + 1
    assert len(batch.repeat("one more", 5)) == 5
    with pytest.raises(batch.BatchInvalid):
        batch.repeat("one more", batch.MAX_ITEMS + 1)


def test_a_csv_file_gives_inspirations_and_custom_songs():
    data = (
        "\ufeffPrompt;Title;Style;Model;Instrumental\n"
        "a song about trains;;;;\n"
        "la la la;Trains;folk;chirp-v4;no\n"
        ";Night;ambient;;yes\n"
    ).encode()
    first, second, third = batch.read_csv(data)
    assert (first.number, first.mode, first.values) == (2, "inspiration", {"description": "a song about trains"})
    assert second.mode == "custom" and second.values == {
        "lyrics": "la la la",
        "title": "Trains",
        "tags": "folk",
        "model": "chirp-v4",
        "instrumental": False,
    }
    assert third.values["instrumental"] is True and third.values["lyrics"] == ""
    with pytest.raises(batch.BatchInvalid) as raised:
        batch.read_csv(b"name,colour\nx,y\n")
    assert raised.value.code == "no_prompt_column"
    with pytest.raises(batch.BatchInvalid) as raised:
        batch.read_csv(b"\xff\xfe\x00garbage")
    assert raised.value.code == "not_csv"


def test_plan_builds_every_line_or_names_each_problem():
    lines = batch.read_csv(b"prompt,title,tags\nlyrics here,A,pop\n,B,\n")
    submissions, problems = batch.plan(
        lines, "newapi", {"model": "chirp-v4", "webhook": "http://127.0.0.1:9/callback/x"}
    )
    assert len(submissions) == 1 and submissions[0].body["tags"] == "pop"
    assert submissions[0].body["notify_hook"] == "http://127.0.0.1:9/callback/x"
    assert {(p.number, p.error.field) for p in problems} == {(3, "lyrics"), (3, "tags")}
    inspirations, none = batch.plan(batch.repeat("a song", 3), "sunoapi", {"model": "chirp-v4"})
    assert none == [] and all(s.route == "/api/v1/generate" for s in inspirations)


def job_for(submissions):
    return batch.BatchJob(
        [batch.BatchItem(i + 1, s.body.get("gpt_description_prompt", "")) for i, s in enumerate(submissions)]
    )


def test_a_batch_goes_out_in_order_each_recorded(store, sandbox, client):
    profile = GatewayProfile("env", sandbox.url, API_KEY)
    submissions, _ = batch.plan(batch.read_lines("one\ntwo\nthree"), "newapi", {"model": "chirp-v4"})
    job = batch.run_batch(
        job_for(submissions),
        store,
        profile,
        submissions,
        lambda s: client.submit(s.route, s.body),
        lambda s: batch.ALLOWED,
        interval_s=0,
    )
    assert job.finished and job.sent == 3 and job.stopped_by == ""
    assert [item.state for item in job.items] == [batch.SENT] * 3
    posts = [r["body"]["gpt_description_prompt"] for r in sandbox.requests if r["method"] == "POST"]
    assert posts == ["one", "two", "three"]
    assert [store.get(item.row_id).task_id for item in job.items] == [item.task_id for item in job.items]


def test_the_daily_limit_stops_the_rest_unsent(store, sandbox, client):
    profile = GatewayProfile("env", sandbox.url, API_KEY)
    submissions, _ = batch.plan(batch.repeat("x", 4), "newapi", {"model": "chirp-v4"})
    left = [2]

    def allow(_submission):
        left[0] -= 1
        return batch.ALLOWED if left[0] >= 0 else "over_limit"

    job = batch.run_batch(
        job_for(submissions), store, profile, submissions, lambda s: client.submit(s.route, s.body), allow, interval_s=0
    )
    assert [item.state for item in job.items] == [batch.SENT, batch.SENT, batch.NOT_SENT, batch.NOT_SENT]
    assert job.stopped_by == "over_limit" and store.count() == 2


def test_an_unknown_outcome_is_recorded_and_nothing_more_is_sent(store, sandbox):
    profile = GatewayProfile("env", sandbox.url, API_KEY)
    impatient = GatewayClient(sandbox.url, API_KEY, submit_timeout=0.5, backoff=0)
    sandbox.inject("timeout", delay=2.0, route="/suno/submit")
    submissions, _ = batch.plan(batch.repeat("x", 3), "newapi", {"model": "chirp-v4"})
    job = batch.run_batch(
        job_for(submissions),
        store,
        profile,
        submissions,
        lambda s: impatient.submit(s.route, s.body),
        lambda s: batch.ALLOWED,
        interval_s=0,
    )
    impatient.close()
    assert [item.state for item in job.items] == [batch.UNKNOWN, batch.NOT_SENT, batch.NOT_SENT]
    assert job.stopped_by == "unknown"
    assert [entry.status for entry in store.search()] == [OUTCOME_UNKNOWN]
    assert len([r for r in sandbox.requests if r["method"] == "POST"]) == 1  # never retried


def test_a_refused_line_does_not_stop_the_others(store, sandbox, client):
    profile = GatewayProfile("env", sandbox.url, API_KEY)
    sandbox.inject("status", status=400, message="prompt is too long", route="/suno/submit")
    submissions, _ = batch.plan(batch.repeat("x", 2), "newapi", {"model": "chirp-v4"})
    job = batch.run_batch(
        job_for(submissions),
        store,
        profile,
        submissions,
        lambda s: client.submit(s.route, s.body),
        lambda s: batch.ALLOWED,
        interval_s=0,
    )
    assert [item.state for item in job.items] == [batch.REJECTED, batch.SENT]
    assert "prompt is too long" in job.items[0].message
