"""Task page script time through AppTest: a finished two-song Suno task, reruns after a warm-up."""

from __future__ import annotations

import tempfile

from streamlit.testing.v1 import AppTest

from benchmarks.common import API_KEY, APP, Row, environment, median_time
from lib.gateway.client import GatewayClient
from lib.sandbox import ManualClock, SandboxConfig, SandboxGateway

NAME = "task_page"
TASK_PAGE = "app_pages/task.py"
TARGET_MS = 150.0


def open_page(page: str, **query: str) -> AppTest:
    """The app from app.py, then ``page`` (as the history page's tests do)."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.context["locale"] = "en-US"
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def rerun_times(at: AppTest, warmup: int, runs: int) -> tuple[float, list[float]]:
    for _ in range(warmup):
        at.run()
    median, times = median_time(at.run, runs)
    assert not at.exception, at.exception
    return median, times


def run(quick: bool) -> list[Row]:
    warmup, runs = (1, 3) if quick else (3, 15)
    clock = ManualClock()
    data = tempfile.mkdtemp(prefix="mts-bench-task-")
    with SandboxGateway(SandboxConfig(), clock=clock) as gateway:
        with GatewayClient(gateway.url, API_KEY) as client:
            task_id = client.generate("rain on the city at night, jazz piano")
        clock.advance(60)
        with environment(
            GATEWAY_BASE_URL=gateway.url,
            GATEWAY_API_KEY=API_KEY,
            MUSIC_TASK_STUDIO_DATA_DIR=data,
            HISTORY_DATABASE_URL=None,
        ):
            at = open_page(TASK_PAGE, id=task_id, platform="suno")
            assert len(at.get("audio")) == 2, "the finished task did not render two songs"
            gateway.clear_requests()
            median, times = rerun_times(at, warmup, runs)
            fetches = [r for r in gateway.requests if r["path"].startswith("/suno/fetch")]
    ms = median * 1000
    ok = ms < TARGET_MS
    details = {
        "runs_ms": [round(t * 1000, 1) for t in times],
        "warmup": warmup,
        "gateway_fetches_during_reruns": len(fetches),
    }
    note = "AppTest rerun wall time (script + AppTest's own bookkeeping): an upper bound on script time."
    if not ok:
        note += (
            f" Missed by {ms - TARGET_MS:.0f} ms; the rerun re-renders both songs' players from the "
            "server-side media cache (loopback URLs go through the server) and the sidebar's library query."
        )
    return [
        Row(
            NAME,
            f"Task page rerun, finished 2-song task (median of {runs})",
            ms,
            "ms",
            f"< {TARGET_MS:.0f} ms",
            ok,
            note,
            details,
        )
    ]
