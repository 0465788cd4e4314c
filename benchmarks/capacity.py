"""Capacity (issue 14): the memory one app server needs per browser session. One ``streamlit run
app.py`` holds 20 and then 50 sessions, each following its own running Suno task on the Task
page, with its covers and streaming previews on screen, against a sandbox running as its own
process (``python -m lib.sandbox``), so only the app's memory is counted. Reports the server's
RSS at each stage and per extra session against the targets, and writes
``artifacts/capacity.json``.

The sessions are headless Chromium pages, one browser context each. A hand-written websocket
client could speak Streamlit's protocol, but it would have to imitate the frontend to be a real
session — re-sending the fragment's timed reruns that follow a task, fetching media from
``/media`` — and any part it missed would make the server look cheaper than it is. Chromium costs
CPU on the client side (reported), not memory on the server's, which is what is measured.

RSS is sampled every second for ``WINDOW_S`` once every session shows its task's media, and its
median is the stage's figure (its maximum is reported too): the heap rises and falls with each
script run. The server inherits this process's environment, so allocator settings can be
compared (``MALLOC_ARENA_MAX=2 python -m benchmarks --only capacity``).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.common import API_KEY, ARTIFACTS, ROOT, Row
from benchmarks.procmem import PeakSampler, descendants, memory, tree_cpu_seconds
from benchmarks.sessions import OPEN_AT_ONCE, following, open_sessions
from lib.gateway.client import GatewayClient
from lib.sandbox import control
from tests.e2e.conftest import CHROMIUM_ARGS, StreamlitServer, find_chromium, free_port, wait_for_http

NAME = "capacity"
STAGES = (20, 50)
WINDOW_S = 30.0
QUICK = ((1, 2), 2.0)  # stages and window: checks the code runs, not the figures
RSS_TARGET_MB = 300.0  # under the first stage's sessions
PER_SESSION_TARGET_MB = 5.0  # each session beyond the first stage
# Tasks stream from 2 s and carry covers from 15 % of the way (5–7 min, while the first stage
# opens); they finish after 32–48 min, long after the last stage is measured even on a busy
# machine (opening 50 sessions took over 10 min beside other test suites). Quick: covers within
# about 7 s, done after more than 30 s (its figures are not the point: only that the code runs).
TIMELINE, QUICK_TIMELINE = [0.5, 1.0, 2.0, 2400.0], [0.5, 1.0, 2.0, 40.0]
MEDIA_TIMEOUT_S = 600.0  # a hang guard while covers appear, not a rate


def run(quick: bool) -> list[Row]:
    stages, window = QUICK if quick else (STAGES, WINDOW_S)
    chromium = find_chromium()
    if chromium is None:
        if os.environ.get("REQUIRE_BROWSER"):
            raise RuntimeError("REQUIRE_BROWSER is set but no Chromium was found")
        return [Row(NAME, "Server RSS per session", None, "MB", note="Not measured: no Chromium.")]
    from playwright.sync_api import sync_playwright

    sandbox = ExternalSandbox()
    try:
        control(sandbox.url, "config", {"timeline": QUICK_TIMELINE if quick else TIMELINE})
        with GatewayClient(sandbox.url, API_KEY) as client:
            ids = [client.generate(f"capacity benchmark song {n}, bossa nova") for n in range(stages[-1])]
        server = StreamlitServer({"GATEWAY_BASE_URL": sandbox.url, "GATEWAY_API_KEY": API_KEY}, task_poll_s=None)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
                try:
                    return _measure(browser, server, sandbox, ids, stages, window, quick)
                finally:
                    browser.close()
        finally:
            server.stop()
    finally:
        sandbox.stop()


class ExternalSandbox:
    """``python -m lib.sandbox`` in a process of its own, on a free loopback port."""

    def __init__(self) -> None:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.log_path = Path(tempfile.mkdtemp(prefix="mts-capacity-")) / "sandbox.log"
        self._log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "lib.sandbox", "--port", str(port)],
            cwd=ROOT,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for_http(f"{self.url}/_sandbox/health")
        except Exception:
            self.stop()
            raise

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self._log.close()


def shows_media(page) -> bool:
    """Both songs' covers and streaming previews are on the page."""
    return page.get_by_test_id("stImage").count() >= 2 and page.get_by_test_id("stAudio").count() >= 2


def _measure(browser, server, sandbox, ids: list[str], stages: tuple[int, ...], window: float, quick: bool):
    pid = server.process.pid
    bare = memory(pid)
    sessions: list = []
    results: list[dict] = []
    for count in stages:
        ramp_start = time.monotonic()
        urls = [f"{server.url}/task?id={i}&platform=suno" for i in ids[len(sessions) : count]]
        sessions += open_sessions(browser, urls, following)
        ramp_s = time.monotonic() - ramp_start
        media_s = _wait_for_media([page for _, page, _ in sessions], sessions[0][1])
        sampler = PeakSampler(pid)
        browser_side = [p for p in descendants(os.getpid()) if p not in (pid, sandbox.process.pid)]
        cpu_start, started = tree_cpu_seconds([pid]), time.monotonic()
        browser_cpu_start = tree_cpu_seconds(browser_side)
        while time.monotonic() < started + window:
            sampler.sample()
            sessions[0][1].wait_for_timeout(1000)  # keeps Playwright's events (page errors) flowing
        elapsed = time.monotonic() - started
        detail = memory(pid)
        problems = sum(len(errors) for _, _, errors in sessions)
        problems += sum(page.get_by_test_id("stException").count() for _, page, _ in sessions)
        results.append(
            {
                "sessions": count,
                "ramp_up_s": round(ramp_s, 1),
                "media_shown_after_s": round(media_s, 1),
                "rss_median_mb": round(statistics.median(sampler.samples), 1),
                "rss_max_mb": round(max(sampler.samples), 1),
                "rss_samples_mb": [round(s, 1) for s in sampler.samples],
                "end_of_window": detail,
                "server_cpu_cores": round((tree_cpu_seconds([pid]) - cpu_start) / elapsed, 2),
                "browser_cpu_cores": round((tree_cpu_seconds(browser_side) - browser_cpu_start) / elapsed, 2),
                "page_errors_or_exceptions": problems,
            }
        )
    for context, _, _ in sessions:
        context.close()
    time.sleep(1 if quick else 5)
    after = memory(pid)
    tracebacks = server.log().count("Traceback")
    summary = {
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "quick": quick,
        "window_s": window,
        "sessions_open_at_once": OPEN_AT_ONCE,
        "bare_server": bare,
        "stages": results,
        "after_sessions_closed": after,
        "server_tracebacks": tracebacks,
        "malloc_arena_max": os.environ.get("MALLOC_ARENA_MAX"),
        "media_cache_mb": os.environ.get("MEDIA_CACHE_MB") or "64 (default)",
        "nproc": len(os.sched_getaffinity(0)),
        "load_average": [round(v, 1) for v in os.getloadavg()],
    }
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "capacity.json").write_text(json.dumps(summary, indent=2))
    return _rows(summary)


def _wait_for_media(pages: list, driver) -> float:
    start = time.monotonic()
    while not all(shows_media(page) for page in pages):
        if time.monotonic() - start > MEDIA_TIMEOUT_S:
            waiting = sum(not shows_media(page) for page in pages)
            raise TimeoutError(f"{waiting} sessions still show no covers or previews after {MEDIA_TIMEOUT_S:.0f} s")
        driver.wait_for_timeout(2000)
    return time.monotonic() - start


def _rows(summary: dict) -> list[Row]:
    first, last = summary["stages"][0], summary["stages"][-1]
    extra = last["sessions"] - first["sessions"]
    per_session = (last["rss_median_mb"] - first["rss_median_mb"]) / extra if extra else None
    arena = summary["malloc_arena_max"]
    setup = f", MALLOC_ARENA_MAX={arena}" if arena else ""
    rows = [Row(NAME, "Server RSS, bare (before any session)", summary["bare_server"].get("rss_mb"), "MB")]
    for stage in summary["stages"]:
        n = stage["sessions"]
        target = stage is first
        rows.append(
            Row(
                NAME,
                f"Server RSS, {n} sessions following running tasks (median over {summary['window_s']:.0f} s{setup})",
                stage["rss_median_mb"],
                "MB",
                f"≤ {RSS_TARGET_MB:.0f} MB" if target else "—",
                stage["rss_median_mb"] <= RSS_TARGET_MB if target else None,
                f"Max {stage['rss_max_mb']} MB; heap {stage['end_of_window'].get('anon_mb')} MB, mapped files "
                f"{stage['end_of_window'].get('file_mb')} MB; server {stage['server_cpu_cores']} cores, "
                f"Chromium {stage['browser_cpu_cores']} cores; opened in {stage['ramp_up_s']} s, "
                f"{OPEN_AT_ONCE} at a time.",
                summary,
            )
        )
    rows.append(
        Row(
            NAME,
            f"Server RSS per session beyond {first['sessions']} (to {last['sessions']})",
            per_session,
            "MB",
            f"≤ {PER_SESSION_TARGET_MB:.0f} MB",
            None if per_session is None else per_session <= PER_SESSION_TARGET_MB,
            "Difference of the stages' medians over the sessions added; the sandbox runs in its own process.",
            summary,
        )
    )
    after = summary["after_sessions_closed"].get("rss_mb")
    rows.append(Row(NAME, "Server RSS 5 s after every session closed", after, "MB"))
    problems = sum(stage["page_errors_or_exceptions"] for stage in summary["stages"]) + summary["server_tracebacks"]
    if problems:
        rows.append(Row(NAME, "Errors during the capacity run", problems, "errors", "0", False, details=summary))
    return rows
