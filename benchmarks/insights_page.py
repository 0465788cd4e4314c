"""Insights page script time through AppTest over a SQLite library of 10,000 rows (issue 17: the
figures and charts for 10,000 rows within a second), and the aggregation alone."""

from __future__ import annotations

import tempfile
import time
from datetime import timedelta
from pathlib import Path
from statistics import median

from benchmarks.common import API_KEY, Row, environment
from benchmarks.history_page import bulk_rows
from benchmarks.task_page import open_page, rerun_times
from lib.library.store import HistoryStore, tasks
from lib.sandbox import SandboxGateway
from lib.studio import insights

NAME = "insights_page"
INSIGHTS_PAGE = "app_pages/insights.py"
TARGET_MS = 1000.0


def timed_rows(count: int) -> list[dict]:
    """History's bulk rows with start and finish times and a price, over five gateways' worth of
    queue and generation times."""
    rows = bulk_rows(count)
    for n, row in enumerate(rows):
        row.update(started_at=None, finished_at=None, cost=None, fail_reason="")  # one shape for executemany
        row["gateway_name"] = ("team", "uniapi", "sandbox", "gpt-best", "bltcy")[n % 5]
        if row["status"] in ("SUCCESS", "FAILURE", "IN_PROGRESS"):
            row["started_at"] = row["submitted_at"] + timedelta(seconds=5 + n % 40)
        if row["status"] in ("SUCCESS", "FAILURE"):
            row["finished_at"] = row["started_at"] + timedelta(seconds=30 + n % 90)
            row["cost"] = 0.1
        if row["status"] == "FAILURE":
            row["fail_reason"] = ("moderation", "upstream timeout", "quota")[n % 3]
    return rows


def run(quick: bool) -> list[Row]:
    count, warmup, runs = (500, 1, 3) if quick else (10_000, 2, 9)
    data = tempfile.mkdtemp(prefix="mts-bench-insights-")
    url = f"sqlite:///{Path(data) / 'library.db'}"
    store = HistoryStore(url)
    try:
        with store.engine.begin() as conn:
            conn.execute(tasks.insert(), timed_rows(count))
        summed = []
        for _ in range(runs):
            start = time.perf_counter()
            found = insights.summarize(store.insight_rows())
            summed.append(time.perf_counter() - start)
        assert found.tasks == count, "the aggregation did not see every row"
    finally:
        store.close()
    # A gateway of its own, so the app does not start its built-in sandbox on the demo port.
    with (
        SandboxGateway() as gateway,
        environment(
            HISTORY_DATABASE_URL=url,
            MUSIC_TASK_STUDIO_DATA_DIR=data,
            GATEWAY_BASE_URL=gateway.url,
            GATEWAY_API_KEY=API_KEY,
        ),
    ):
        at = open_page(INSIGHTS_PAGE)
        assert len(at.metric) >= 4, "the insights page did not show its metrics"
        page_median, times = rerun_times(at, warmup, runs)
    ms, read_ms = page_median * 1000, median(summed) * 1000
    ok = ms < TARGET_MS
    note = "" if ok else f"Missed by {ms - TARGET_MS:.0f} ms: reading and summing the rows took {read_ms:.0f} ms."
    return [
        Row(
            NAME,
            f"Insights page rerun, {count:,} rows (median of {runs})",
            ms,
            "ms",
            f"< {TARGET_MS:.0f} ms",
            ok,
            note,
            {"rows": count, "runs_ms": [round(t * 1000, 1) for t in times], "warmup": warmup},
        ),
        Row(
            NAME,
            f"Insights figures alone (read + aggregate), {count:,} rows (median of {runs})",
            read_ms,
            "ms",
            details={"runs_ms": [round(t * 1000, 1) for t in summed]},
        ),
    ]
