"""Insights: the library keeps each task's start, finish and cost (schema version 6), reads the
few columns the page needs with the History filters and owner scoping, and the figures worked out
from them match what tests/insight_rows.py works out by hand."""

from __future__ import annotations

import math
from datetime import timedelta

import pandas as pd
import pytest

from lib.gateway.models import Task, TaskStatus
from lib.gateway.profiles import GatewayProfile
from lib.library import store as history
from lib.library.entries import task_cost
from lib.library.store import HistoryFilter, HistoryStore
from lib.studio import insights
from lib.ui.insights_view import format_seconds
from tests import insight_rows
from tests.old_libraries import create_old_library


@pytest.fixture
def store(tmp_path):
    opened = HistoryStore(f"sqlite:///{tmp_path / 'h.db'}")
    yield opened
    opened.close()


def test_a_fetch_records_the_start_finish_and_cost_the_gateway_names(store):
    insight_rows.seed(store)
    first = store.find("task-0")
    assert first.started_at == insight_rows.DAY + timedelta(seconds=10)
    assert first.finished_at == insight_rows.DAY + timedelta(seconds=70)
    assert first.cost == pytest.approx(0.10)
    failed = store.find("task-3")
    assert failed.started_at is None and failed.finished_at is None


def test_a_running_task_has_no_finish_yet(store):
    now = insight_rows.DAY
    running = Task("t-run", "suno", TaskStatus.IN_PROGRESS, submitted_at=now, started_at=now, raw={"data": {}})
    store.record_task(running, GatewayProfile("gw", "https://gw.example.com", "k"), now=now)
    row = store.find("t-run")
    assert row.started_at == now and row.finished_at is None and row.cost is None


@pytest.mark.parametrize(
    ("raw", "cost"),
    [
        ({"code": "success", "data": {"quota": 250_000}}, 0.5),
        ({"quota": 500_000}, 1.0),
        ({"data": {"quota": "lots"}}, None),
        ({"data": {"quota": True}}, None),
        ({"data": [{"quota": 5}]}, None),
        ([], None),
        (None, None),
    ],
)
def test_cost_is_read_from_new_apis_quota_only(raw, cost):
    assert task_cost(raw) == (pytest.approx(cost) if cost is not None else None)


def test_an_older_library_gains_the_columns_empty_and_keeps_its_rows(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    create_old_library(url, 2)
    upgraded = HistoryStore(url)
    try:
        kept = upgraded.find("kept")
        assert kept is not None and kept.started_at is None and kept.finished_at is None and kept.cost is None
        with upgraded.engine.connect() as conn:
            versions = [
                v
                for (v,) in conn.execute(history.schema_info.select().with_only_columns(history.schema_info.c.version))
            ]
        assert max(versions) == history.SCHEMA_VERSION == 6
        insight_rows.seed(upgraded)
        assert upgraded.find("task-0").cost == pytest.approx(0.10)
    finally:
        upgraded.close()


def test_the_figures_match_the_rows_worked_out_by_hand(store):
    insight_rows.seed(store)
    found = insights.summarize(store.insight_rows())
    per = found.by_gateway.set_index("gateway_name")
    for gateway, expected in insight_rows.EXPECTED.items():
        row = per.loc[gateway]
        rate = f"{row['success_rate']:.0%} ({int(row['succeeded'])}/{int(row['ended'])})"
        assert rate == expected["success"]
        assert format_seconds(row["gen_p50"]) == expected["gen_p50"]
        assert format_seconds(row["gen_p90"]) == expected["gen_p90"]
        assert format_seconds(row["queue_p50"]) == expected["queue_p50"]
    assert (found.tasks, found.succeeded, found.ended) == (6, 5, 6)
    assert found.songs == 10 and found.minutes == pytest.approx(10 * insight_rows.SONG_SECONDS / 60)
    assert found.cost == pytest.approx(0.6)
    assert found.failure_reasons.to_dict("records") == [
        {"gateway_name": "Acme", "model": insights.NO_MODEL, "reason": "moderation: lyrics refused", "tasks": 1}
    ]
    per_model = found.by_gateway_model.set_index(["gateway_name", "model"])
    assert per_model.loc[("Acme", "chirp-v4"), "gen_p50"] == 75  # 60 and 90
    assert found.days[-1] == "2026-11-20" and len(found.days) == insights.MIN_DAYS
    assert found.per_day.groupby("status")["tasks"].sum().to_dict() == {"FAILURE": 1, "SUCCESS": 5}


def test_the_history_filters_and_owners_apply(store):
    insight_rows.seed(store)
    bolt = insights.summarize(store.insight_rows(HistoryFilter(gateways=("Bolt",))))
    assert bolt.tasks == 2 and list(bolt.by_gateway["gateway_name"]) == ["Bolt"]
    failed = insights.summarize(store.insight_rows(HistoryFilter(statuses=("FAILURE",))))
    assert failed.tasks == 1 and failed.success_rate == 0
    someone_else = store.scoped("someone@example.com")
    assert insights.summarize(someone_else.insight_rows()).empty


def test_an_empty_library_and_rows_without_times_give_empty_figures_not_errors():
    empty = insights.summarize([])
    assert empty.empty and empty.success_rate is None and empty.cost is None and empty.days == []
    assert empty.by_gateway.empty and empty.failure_reasons.empty and empty.per_day.empty
    sending = insights.summarize(
        [{"gateway_name": "gw", "status": "SENDING", "submitted_at": insight_rows.DAY, "model": None}]
    )
    assert sending.tasks == 1 and sending.success_rate is None and sending.timed == 0
    row = sending.by_gateway.iloc[0]
    assert math.isnan(row["success_rate"]) and math.isnan(row["gen_p50"])


def test_a_clock_that_ran_backwards_gives_no_negative_time():
    at = pd.Timestamp(insight_rows.DAY)
    found = insights.summarize(
        [
            {
                "gateway_name": "gw",
                "status": "SUCCESS",
                "submitted_at": at,
                "started_at": at - timedelta(seconds=5),
                "finished_at": at + timedelta(seconds=30),
            }
        ]
    )
    assert math.isnan(found.by_gateway.iloc[0]["queue_p50"]) and found.by_gateway.iloc[0]["gen_p50"] == 35


@pytest.mark.parametrize(
    ("seconds", "text"), [(None, "–"), (float("nan"), "–"), (0.4, "0 s"), (59.6, "1m 00s"), (3725, "1h 02m")]
)
def test_durations_read_as_people_say_them(seconds, text):
    assert format_seconds(seconds) == text
