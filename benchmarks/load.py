"""Load figures (issue 7): twenty browser sessions on one app server follow running tasks on a
sandbox, plus two sessions watching one ten-task table, for a minute. Reports requests per minute,
fetches per followed task per tick, table batches per tick, the server's memory and CPU, and
writes the details to ``artifacts/load.json``.

These were the timed half of tests/e2e/test_load.py; that test keeps the correctness checks
(errors, lost or duplicate rows, one request per script run, rows catching up), which hold on any
machine. ``LOAD_SECONDS`` sets the measured window (default 60 s, after every session is open).
The server inherits this process's environment, so allocator settings can be compared the same
way (e.g. ``MALLOC_ARENA_MAX=2 python -m benchmarks --only load``).
"""

from __future__ import annotations

import json
import math
import os
import re
import time
from collections import Counter
from datetime import UTC, datetime

from benchmarks.common import API_KEY, ARTIFACTS, Row
from benchmarks.procmem import PeakSampler, cpu_seconds, descendants, machine_busy_seconds, memory, tree_cpu_seconds
from benchmarks.sessions import OPEN_AT_ONCE, following, open_sessions, table
from benchmarks.startup import MEDIA_CACHE_NOTE, MEMORY_TARGET_MB, RUNNING_TIMELINE
from lib.gateway.client import GatewayClient
from lib.sandbox import SandboxConfig, SandboxGateway
from lib.studio.task_lookup import DEFAULT_TASK_POLL_S, poll_interval
from tests.e2e.conftest import CHROMIUM_ARGS, StreamlitServer, find_chromium

NAME = "load"
SESSIONS, TABLE_SESSIONS, TABLE_SIZE = 20, 2, 10
WINDOW_S = 60.0
QUICK = (2, 1, 6.0)  # sessions, table sessions, window: checks the code runs, not the figures
_ID_IN_PATH = re.compile(r"/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def run(quick: bool) -> list[Row]:
    sessions, tables, window = (
        QUICK if quick else (SESSIONS, TABLE_SESSIONS, float(os.environ.get("LOAD_SECONDS") or WINDOW_S))
    )
    chromium = find_chromium()
    if chromium is None:
        if os.environ.get("REQUIRE_BROWSER"):
            raise RuntimeError("REQUIRE_BROWSER is set but no Chromium was found")
        return [
            Row(
                NAME,
                "Browser sessions under load",
                None,
                "sessions",
                note="Not measured: no Chromium (install Debian's chromium or set CHROMIUM).",
            )
        ]
    from playwright.sync_api import sync_playwright

    # Tasks keep running (8–12 min) for the whole window, on a sandbox in this process.
    sandbox = SandboxGateway(SandboxConfig(timeline=tuple(RUNNING_TIMELINE))).start()
    try:
        server = StreamlitServer({"GATEWAY_BASE_URL": sandbox.url, "GATEWAY_API_KEY": API_KEY}, task_poll_s=None)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
                try:
                    return _measure(browser, sandbox, server, sessions, tables, window, quick)
                finally:
                    browser.close()
        finally:
            server.stop()
    finally:
        sandbox.stop()


def route_of(request: dict) -> str:
    return f"{request['method']} {_ID_IN_PATH.sub('/{id}', request['path'])}"


def expected_polls(followed_from: float, start: float, end: float, step: float = 0.25) -> float:
    """Fetches in [start, end) for a task followed since ``followed_from``: one per tick at the
    page's cadence (every 5 s, slower after two minutes: lib.studio.task_lookup.poll_interval). A
    change of cadence takes effect at the first tick after it (on average half an old interval
    later), and that tick fetches twice: the fragment sees the change and reruns the page, which
    fetches again and re-arms the slower timer (lib/ui/live_task.py)."""
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


def _measure(browser, gateway, server, n_sessions: int, n_tables: int, window: float, quick: bool) -> list[Row]:
    pid = server.process.pid
    rss_before = memory(pid)
    with GatewayClient(gateway.url, API_KEY) as client:
        singles = [client.generate(f"load benchmark song {n}, synthwave") for n in range(n_sessions)]
        table_ids = [client.generate(f"load benchmark table song {n}, lo-fi") for n in range(TABLE_SIZE)]

    ramp_start, ready_at = time.monotonic(), []
    everyone = open_sessions(browser, [f"{server.url}/task?id={i}&platform=suno" for i in singles], following, ready_at)
    everyone += open_sessions(browser, [f"{server.url}/task?id={','.join(table_ids)}"] * n_tables, table, ready_at)
    ramp_s = time.monotonic() - ramp_start

    sampler = PeakSampler(pid)
    watcher = everyone[0][1]
    browser_side = [p for p in descendants(os.getpid()) if p != pid]  # Chromium and Playwright's driver
    cpu_start, browser_cpu_start, start = cpu_seconds(pid), tree_cpu_seconds(browser_side), time.time()
    busy_start, own_start = machine_busy_seconds(), cpu_seconds(os.getpid())
    while time.time() < start + window:
        sampler.sample()
        watcher.wait_for_timeout(1000)  # keeps Playwright's events (page errors) flowing
    cpu_end, browser_cpu_end, end = cpu_seconds(pid), tree_cpu_seconds(browser_side), time.time()
    busy_end, own_end = machine_busy_seconds(), cpu_seconds(os.getpid())
    sampler.sample()
    rss_end = memory(pid)
    elapsed = end - start

    problems = sum(len(errors) for _, _, errors in everyone)
    problems += sum(page.get_by_test_id("stException").count() for _, page, _ in everyone)
    tracebacks = server.log().count("Traceback")
    for context, _, _ in everyone:
        context.close()
    time.sleep(1 if quick else 5)
    rss_after = memory(pid)

    log = gateway.requests
    window_log = [r for r in log if start <= r["time"] < end]
    by_route = Counter(route_of(r) for r in window_log)
    per_minute = {route: round(n * 60 / elapsed, 1) for route, n in sorted(by_route.items())}
    single_gets = [r for r in log if r["method"] == "GET" and r["path"].startswith("/suno/fetch/")]
    followed_from: dict[str, float] = {}
    for r in single_gets:
        followed_from.setdefault(r["path"].rsplit("/", 1)[1], r["time"])
    polls = Counter(r["path"].rsplit("/", 1)[1] for r in single_gets if start <= r["time"] < end)
    expected = {i: expected_polls(followed_from.get(i, start), start, end) for i in singles}
    rates = {i: polls[i] / expected[i] for i in singles}
    batches = [r for r in window_log if r["method"] == "POST" and r["path"] == "/suno/fetch"]
    batches_expected = elapsed / DEFAULT_TASK_POLL_S * n_tables  # the table's tick (TASK_POLL_S unset)
    table_gets = [r for r in single_gets if r["path"].rsplit("/", 1)[1] in table_ids]
    cpu = None if cpu_start is None or cpu_end is None else (cpu_end - cpu_start) / elapsed
    peak = max(sampler.peak or 0.0, rss_end.get("hwm_mb") or 0.0) or None  # VmHWM: ramp-up too
    unusual = [i for i in singles if not 0.75 <= rates[i] <= 1.25]

    summary = {
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "quick": quick,
        "sessions": n_sessions,
        "table_sessions": n_tables,
        "table_size": TABLE_SIZE,
        "tasks": len(singles) + len(table_ids),
        "ramp_up_s": round(ramp_s, 1),
        "ready_after_s": [round(t - ramp_start, 1) for t in ready_at],
        "duration_s": round(elapsed, 1),
        "requests_in_window": len(window_log),
        "requests_per_minute": per_minute,
        "per_task_polls": {
            "count_min": min(polls[i] for i in singles),
            "count_max": max(polls[i] for i in singles),
            "per_tick_min": round(min(rates.values()), 2),
            "per_tick_max": round(max(rates.values()), 2),
            "per_tick_mean": round(sum(rates.values()) / len(rates), 2),
            "ticks_expected_min": round(min(expected.values()), 1),
            "ticks_expected_max": round(max(expected.values()), 1),
        },
        "table_batches": {
            "count": len(batches),
            "expected": round(batches_expected, 1),
            "ids_per_batch": sorted({len((r["body"] or {}).get("ids", [])) for r in batches}),
            "single_gets_for_table_ids": len(table_gets),
        },
        "rss_mb": {
            "before": rss_before.get("rss_mb"),
            "peak": peak and round(peak, 1),
            "peak_in_window": sampler.peak and round(sampler.peak, 1),
            "end_of_load": rss_end.get("rss_mb"),
            "hwm": rss_end.get("hwm_mb"),
            "pss_end_of_load": rss_end.get("pss_mb"),
            "after": rss_after.get("rss_mb"),
            "end_of_load_detail": rss_end,
        },
        "server_cpu_cores": cpu and round(cpu, 2),
        "browser_cpu_cores": round((browser_cpu_end - browser_cpu_start) / elapsed, 2),
        "test_process_cpu_cores": round((own_end - own_start) / elapsed, 2),  # sandbox + Playwright client
        "machine_busy_cores": busy_start and round((busy_end - busy_start) / elapsed, 2),
        "nproc": len(os.sched_getaffinity(0)),
        "malloc_arena_max": os.environ.get("MALLOC_ARENA_MAX"),
        "load_average": [round(v, 1) for v in os.getloadavg()],
        # For tasks fetched unusually often or rarely: their fetch times, in seconds since followed.
        "unusual_tasks": {
            i: [round(r["time"] - followed_from[i], 1) for r in single_gets if r["path"].endswith(i)] for i in unusual
        },
        "errors": {"page_errors_or_exceptions": problems, "server_tracebacks": tracebacks},
    }
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "load.json").write_text(json.dumps(summary, indent=2))

    who = f"{n_sessions} followers + {n_tables} table{'s' if n_tables != 1 else ''}"
    polls_ok = all(about(polls[i], expected[i]) for i in singles)
    batches_ok = about(len(batches), batches_expected) and not table_gets
    arena = os.environ.get("MALLOC_ARENA_MAX")
    rows = [
        Row(
            NAME,
            f"Ramp-up: {who} open and following",
            ramp_s,
            "s",
            note=f"{OPEN_NOTE} Ready after (s): {summary['ready_after_s']}.",
            details=summary,
        ),
        Row(
            NAME,
            f"Gateway requests per minute ({who}, {elapsed:.0f} s)",
            sum(per_minute.values()),
            "req/min",
            note=f"By route: {per_minute}.",
            details=summary,
        ),
        Row(
            NAME,
            "Fetches per followed task per tick (mean)",
            summary["per_task_polls"]["per_tick_mean"],
            "x",
            "0.5–1.5× each",
            polls_ok,
            f"Per task {summary['per_task_polls']['per_tick_min']}–{summary['per_task_polls']['per_tick_max']}× "
            "the page's cadence (5 s, slower after 2 min)"
            + (f"; unusual tasks' fetch times in artifacts/load.json ({len(unusual)})." if unusual else "."),
            summary,
        ),
        Row(
            NAME,
            f"Table batch requests per tick ({n_tables} table session{'s' if n_tables != 1 else ''})",
            len(batches) / batches_expected if batches_expected else None,
            "x",
            "0.5–1.5×",
            batches_ok,
            f"{len(batches)} batches, ~{batches_expected:.0f} expected at one per {DEFAULT_TASK_POLL_S:.0f} s tick"
            + (f"; {len(table_gets)} single GETs for table IDs." if table_gets else "."),
            summary,
        ),
        Row(
            NAME,
            f"Server RSS peak (VmHWM) under the load ({who}" + (f", MALLOC_ARENA_MAX={arena}" if arena else "") + ")",
            peak,
            "MB",
            f"< {MEMORY_TARGET_MB:.0f} MB",
            None if peak is None else peak < MEMORY_TARGET_MB,
            "The app alone (the sandbox runs in the benchmark's process)."
            + ("" if peak is None or peak < MEMORY_TARGET_MB else _why_big(rss_end, arena)),
            summary,
        ),
        Row(
            NAME,
            "Server RSS 5 s after the sessions close" if not quick else "Server RSS after the sessions close",
            rss_after.get("rss_mb"),
            "MB",
            details=summary,
        ),
        Row(
            NAME,
            "Server CPU during the load",
            cpu,
            "cores",
            note=f"Browser side {summary['browser_cpu_cores']} cores, machine {summary['machine_busy_cores']} of "
            f"{summary['nproc']}.",
            details=summary,
        ),
    ]
    if problems or tracebacks:
        rows.append(
            Row(
                NAME,
                "Errors during the load",
                problems + tracebacks,
                "errors",
                "0",
                False,
                f"{problems} page errors / exception elements, {tracebacks} tracebacks in the server log.",
                summary,
            )
        )
    return rows


OPEN_NOTE = (
    f"Sessions open {OPEN_AT_ONCE} at a time (benchmarks/sessions.py); each is ready once its page "
    "follows its task or shows its table."
)


def _why_big(end: dict, arena: str | None) -> str:
    return (
        f" At the end of the load {end.get('file_mb', '?')} MB were mapped files (shared libraries) and "
        f"{end.get('anon_mb', '?')} MB heap; the heap grows while sessions run scripts concurrently and "
        "glibc's per-thread malloc arenas keep freed memory"
        + (" (compare a run with MALLOC_ARENA_MAX=2). " if not arena else ". ")
        + MEDIA_CACHE_NOTE
    )
