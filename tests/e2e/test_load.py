"""Load (issue 7): twenty browser sessions on one app server follow running tasks on a sandbox,
plus two sessions watching a ten-task table, for ``LOAD_SECONDS``: no page errors, no exceptions,
no tracebacks, no lost history rows, about one fetch per open task per tick, Suno tables in one
batch request per tick. Requests per minute, polling rates, the server's memory and CPU are
printed and written to ``artifacts/load.json``.

``LOAD_SECONDS`` (the measured window, after every session is open) defaults to 25 s to keep CI
fast; the full minute of the issue is::

    LOAD_SECONDS=60 REQUIRE_BROWSER=1 python -m pytest -q tests/e2e/test_load.py

The server inherits this process's environment, so allocator settings can be compared the same
way (e.g. ``MALLOC_ARENA_MAX=2``).
"""
from __future__ import annotations

import json
import math
import os
import re
import sqlite3
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import pytest

from benchmarks.procmem import (PeakSampler, cpu_seconds, descendants, machine_busy_seconds, memory,
                                tree_cpu_seconds)
from benchmarks.sessions import following, open_sessions
from lib.gateway.client import GatewayClient
from lib.sandbox import SandboxConfig, SandboxGateway
from lib.studio.task_lookup import poll_interval
from lib.ui.task_table import REFRESH_S
from tests.e2e.conftest import ARTIFACTS, StreamlitServer

LOAD_SECONDS = float(os.environ.get("LOAD_SECONDS") or 25)
SESSIONS = 20  # each following one running Suno task
TABLE_SESSIONS = 2  # each watching the same ten-task table
TABLE_SIZE = 10
API_KEY = "load-test-key"
_ID_IN_PATH = re.compile(r"/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


@pytest.fixture(scope="module")
def gateway():
    """A sandbox in this process whose tasks stay running (8–12 min) for the whole test."""
    sandbox = SandboxGateway(SandboxConfig(timeline=(1, 5, 10, 600))).start()
    yield sandbox
    sandbox.stop()


@pytest.fixture(scope="module")
def server(gateway, chromium_path):
    app = StreamlitServer({"GATEWAY_BASE_URL": gateway.url, "GATEWAY_API_KEY": API_KEY})
    yield app
    app.stop()
    assert "Traceback" not in app.log(), app.log()[-4000:]


def route_of(request: dict) -> str:
    return f"{request['method']} {_ID_IN_PATH.sub('/{id}', request['path'])}"


def expected_polls(followed_from: float, start: float, end: float, step: float = 0.25) -> float:
    """Fetches in [start, end) for a task followed since ``followed_from``: one per tick at the
    page's cadence (every 5 s, slower after two minutes: lib.task_view.poll_interval). A change of
    cadence takes effect at the first tick after it (on average half an old interval later), and
    that tick fetches twice: the fragment sees the change and reruns the page, which fetches again
    and re-arms the slower timer (lib/ui/live_task.py)."""
    switches, elapsed, current = [], 0.0, poll_interval(0.0)
    while elapsed < end - followed_from:
        elapsed += step
        if poll_interval(elapsed) != current:
            switches.append((followed_from + elapsed + current / 2, poll_interval(elapsed)))
            current = poll_interval(elapsed)
    total, moment = 0.0, start
    while moment < end:
        span = min(step, end - moment)
        cadence = poll_interval(0.0)
        for at, interval in switches:
            if moment <= at < moment + span:
                total += 1  # the double fetch
            if moment >= at:
                cadence = interval
        total += span / cadence
        moment += span
    return total


def about(count: int, expected: float) -> bool:
    """Between 0.5× and 1.5× the expected ticks; counts are whole ticks, so the bounds round outward
    (a window cuts a 10 s cadence at either end: 2.5 expected may honestly be 2, 3 or 4)."""
    return math.floor(0.5 * expected) <= count <= math.ceil(1.5 * expected)


def history_rows(server: StreamlitServer) -> list[tuple[str, str]]:
    path = Path(server.home) / "data" / "history.db"
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        return conn.execute("SELECT task_id, status FROM mts_tasks WHERE platform = 'suno'").fetchall()


def test_twenty_sessions_follow_running_tasks(browser, gateway, server, capsys):
    pid = server.process.pid
    rss_before = memory(pid)
    with GatewayClient(gateway.url, API_KEY) as client:
        singles = [client.generate(f"load test song {n}, synthwave") for n in range(SESSIONS)]
        table_ids = [client.generate(f"load test table song {n}, lo-fi") for n in range(TABLE_SIZE)]

    ramp_start, ready_at = time.monotonic(), []
    sessions = open_sessions(browser, [f"{server.url}/task?id={task_id}&platform=suno" for task_id in singles],
                             following, ready_at)
    tables = open_sessions(browser, [f"{server.url}/task?id={','.join(table_ids)}"] * TABLE_SESSIONS,
                           lambda page: page.get_by_test_id("stDataFrame"), ready_at)
    everyone = sessions + tables
    ramp_s = time.monotonic() - ramp_start

    sampler = PeakSampler(pid)
    watcher = everyone[0][1]
    browser_side = [p for p in descendants(os.getpid()) if p != pid]  # Chromium and Playwright's driver
    cpu_start, browser_cpu_start, start = cpu_seconds(pid), tree_cpu_seconds(browser_side), time.time()
    busy_start, own_start = machine_busy_seconds(), cpu_seconds(os.getpid())
    while time.time() < start + LOAD_SECONDS:
        sampler.sample()
        watcher.wait_for_timeout(1000)  # keeps Playwright's events (page errors) flowing
    cpu_end, browser_cpu_end, end = cpu_seconds(pid), tree_cpu_seconds(browser_side), time.time()
    busy_end, own_end = machine_busy_seconds(), cpu_seconds(os.getpid())
    sampler.sample()
    rss_end = memory(pid)
    elapsed = end - start

    page_errors = {i: errors for i, (_, _, errors) in enumerate(everyone) if errors}
    exceptions = {i: page.get_by_test_id("stException").count() for i, (_, page, _) in enumerate(everyone)}
    exceptions = {i: n for i, n in exceptions.items() if n}
    tracebacks = server.log().count("Traceback")
    for context, _, _ in everyone:
        context.close()
    time.sleep(5)
    rss_after = memory(pid)

    log = gateway.requests
    assert len(log) < 5000, "the sandbox keeps its last 5000 requests only: shorten LOAD_SECONDS"
    window = [r for r in log if start <= r["time"] < end]
    by_route = Counter(route_of(r) for r in window)
    per_minute = {route: round(n * 60 / elapsed, 1) for route, n in sorted(by_route.items())}
    single_gets = [r for r in log if r["method"] == "GET" and r["path"].startswith("/suno/fetch/")]
    followed_from = {}
    for r in single_gets:
        followed_from.setdefault(r["path"].rsplit("/", 1)[1], r["time"])
    polls = Counter(r["path"].rsplit("/", 1)[1] for r in single_gets if start <= r["time"] < end)
    expected = {i: expected_polls(followed_from[i], start, end) for i in singles}
    rates = {i: polls[i] / expected[i] for i in singles}
    batches = [r for r in window if r["method"] == "POST" and r["path"] == "/suno/fetch"]
    batches_expected = elapsed / REFRESH_S * TABLE_SESSIONS
    table_gets = [r for r in single_gets if r["path"].rsplit("/", 1)[1] in table_ids]
    rows = history_rows(server)
    recorded = Counter(task_id for task_id, _ in rows)
    lost = [i for i in singles + table_ids if recorded[i] == 0]
    phases = {i: gateway.engine.phase(gateway.engine.task(i)) for i in singles + table_ids}
    # Past 15 % of streaming a clip gets its cover: two more media URLs per song card for the app.
    with_art = sum(gateway.engine.stream_fraction(gateway.engine.task(i)) > 0.15 for i in singles)
    stale = {task_id: (status, phases[task_id]) for task_id, status in rows
             if task_id in phases and status != phases[task_id]}
    cpu = None if cpu_start is None or cpu_end is None else (cpu_end - cpu_start) / elapsed

    summary = {
        "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "sessions": SESSIONS, "table_sessions": TABLE_SESSIONS, "table_size": TABLE_SIZE,
        "tasks": len(singles) + len(table_ids), "ramp_up_s": round(ramp_s, 1),
        "ready_after_s": [round(t - ramp_start, 1) for t in ready_at], "duration_s": round(elapsed, 1),
        "requests_in_window": len(window), "requests_per_minute": per_minute,
        "followed_tasks_with_covers_at_end": with_art,
        "per_task_polls": {"count_min": min(polls[i] for i in singles), "count_max": max(polls[i] for i in singles),
                           "per_tick_min": round(min(rates.values()), 2),
                           "per_tick_max": round(max(rates.values()), 2),
                           "per_tick_mean": round(sum(rates.values()) / len(rates), 2),
                           "ticks_expected_min": round(min(expected.values()), 1),
                           "ticks_expected_max": round(max(expected.values()), 1)},
        "table_batches": {"count": len(batches), "expected": round(batches_expected, 1),
                          "ids_per_batch": sorted({len((r["body"] or {}).get("ids", [])) for r in batches}),
                          "single_gets_for_table_ids": len(table_gets)},
        "rss_mb": {"before": rss_before.get("rss_mb"),
                   "peak": round(max(sampler.peak or 0, rss_end.get("hwm_mb") or 0), 1),  # VmHWM: ramp-up too
                   "peak_in_window": sampler.peak and round(sampler.peak, 1),
                   "end_of_load": rss_end.get("rss_mb"), "hwm": rss_end.get("hwm_mb"),
                   "pss_end_of_load": rss_end.get("pss_mb"), "after": rss_after.get("rss_mb"),
                   "end_of_load_detail": rss_end},
        "server_cpu_cores": cpu and round(cpu, 2),
        "browser_cpu_cores": round((browser_cpu_end - browser_cpu_start) / elapsed, 2),
        "test_process_cpu_cores": round((own_end - own_start) / elapsed, 2),  # sandbox + Playwright client
        "machine_busy_cores": busy_start and round((busy_end - busy_start) / elapsed, 2),
        "nproc": len(os.sched_getaffinity(0)),
        "malloc_arena_max": os.environ.get("MALLOC_ARENA_MAX"),
        "load_average": [round(v, 1) for v in os.getloadavg()],
        # For tasks fetched unusually often or rarely: their fetch times, in seconds since followed.
        "unusual_tasks": {i: [round(r["time"] - followed_from[i], 1) for r in single_gets if r["path"].endswith(i)]
                          for i in singles if not 0.75 <= rates[i] <= 1.25},
        "window_since_followed": {i: [round(start - followed_from[i], 1), round(end - followed_from[i], 1)]
                                  for i in singles if not 0.75 <= rates[i] <= 1.25},
        "history": {"rows": len(rows), "lost": lost, "duplicates": [i for i, n in recorded.items() if n > 1],
                    "stale": stale},
        "errors": {"page_errors": page_errors, "exception_elements": exceptions, "server_tracebacks": tracebacks},
    }
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "load.json").write_text(json.dumps(summary, indent=2))
    with capsys.disabled():
        rss = summary["rss_mb"]
        print(f"\nload: {SESSIONS}+{TABLE_SESSIONS} sessions, {elapsed:.0f} s window (ramp-up {ramp_s:.0f} s): "
              f"{sum(per_minute.values()):.0f} req/min {per_minute}; polls per task per tick "
              f"{summary['per_task_polls']['per_tick_min']}–{summary['per_task_polls']['per_tick_max']}; "
              f"table batches {len(batches)} (expected ~{batches_expected:.0f}); server RSS MB before "
              f"{rss['before']}, peak {rss['peak']}, after {rss['after']}; server CPU {summary['server_cpu_cores']} "
              f"cores (browser {summary['browser_cpu_cores']}); history rows {len(rows)}, lost {len(lost)}; errors {len(page_errors)} page, "
              f"{len(exceptions)} exception, {tracebacks} tracebacks")

    assert not page_errors, page_errors
    assert not exceptions, exceptions
    assert tracebacks == 0, server.log()[-4000:]
    assert not lost, f"tasks opened but missing from the history: {lost}"
    assert len(rows) == len(singles) + len(table_ids), f"duplicate or stray history rows: {recorded}"
    assert not stale, f"history rows behind the gateway: {stale}"
    off = {i: (polls[i], round(expected[i], 1)) for i in singles if not about(polls[i], expected[i])}
    assert not off, f"fetches per task outside 0.5–1.5 × its ticks: {off}; {summary['per_task_polls']}"
    assert about(len(batches), batches_expected), summary["table_batches"]
    assert all(set(r["body"]["ids"]) == set(table_ids) for r in batches), "a batch asked for other IDs"
    assert not table_gets, f"the table fetched IDs one by one: {[r['path'] for r in table_gets][:5]}"
    assert set(by_route) <= {"GET /suno/fetch/{id}", "POST /suno/fetch"}, by_route
