"""Cold start of ``streamlit run app.py`` as a newcomer (fresh data dir, nothing configured, its
own sandbox) to the first page rendered in headless Chromium, then the server's memory after a
short load of sessions following running tasks. Reuses the browser tests' server and waits."""

from __future__ import annotations

import os
import time

from benchmarks.common import API_KEY, Row
from benchmarks.procmem import PeakSampler, memory
from benchmarks.sessions import following, open_sessions
from lib.gateway.client import GatewayClient
from lib.sandbox import control
from tests.e2e.conftest import CHROMIUM_ARGS, StreamlitServer, find_chromium, free_port, wait_for_app, wait_for_http

NAME = "startup"
START_TARGET_S = 5.0
MEMORY_TARGET_MB = 300.0
RUNNING_TIMELINE = [1, 5, 10, 600]  # tasks run for 8–12 minutes (benchmarks/load.py too)


def run(quick: bool) -> list[Row]:
    sessions, load_s = (2, 4.0) if quick else (20, 20.0)
    chromium = find_chromium()
    if chromium is None:
        if os.environ.get("REQUIRE_BROWSER"):
            raise RuntimeError("REQUIRE_BROWSER is set but no Chromium was found")
        return _health_only()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        try:
            return _measure(browser, sessions, load_s)
        finally:
            browser.close()


def _new_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return context, page, errors


def _measure(browser, sessions: int, load_s: float) -> list[Row]:
    sandbox_port = free_port()
    context, page, errors = _new_page(browser)  # the browser is up before the clock starts
    start = time.perf_counter()
    server = StreamlitServer({"SANDBOX_FAST": "", "SANDBOX_PORT": str(sandbox_port)}, task_poll_s=None)
    health = time.perf_counter() - start
    contexts = [context]
    try:
        page.goto(server.url)
        wait_for_app(page)
        rendered = time.perf_counter() - start
        idle = memory(server.process.pid)
        sandbox_url = f"http://127.0.0.1:{sandbox_port}"  # the app's own, started by the first page
        wait_for_http(f"{sandbox_url}/_sandbox/health")  # in the background: it may not listen yet
        control(sandbox_url, "config", {"timeline": RUNNING_TIMELINE})  # tasks keep running throughout
        with GatewayClient(sandbox_url, API_KEY) as client:
            ids = [client.generate(f"startup benchmark {n}, city pop") for n in range(sessions)]
        ramp_start = time.perf_counter()
        opened = open_sessions(browser, [f"{server.url}/task?id={i}&platform=suno" for i in ids], following)
        ramp = time.perf_counter() - ramp_start
        contexts += [ctx for ctx, _, _ in opened]
        pages = [(session_page, session_errors) for _, session_page, session_errors in opened]
        sampler = PeakSampler(server.process.pid)
        deadline = time.monotonic() + load_s
        while time.monotonic() < deadline:
            sampler.sample()
            page.wait_for_timeout(1000)
        loaded = memory(server.process.pid)
        sampler.sample()
        problems = sum(len(e) for _, e in pages) + len(errors)
        problems += sum(p.get_by_test_id("stException").count() for p, _ in pages)
    finally:
        for ctx in contexts:
            ctx.close()
        server.stop()
    log = server.log()
    tracebacks = log.count("Traceback")
    start_details = {"health_s": round(health, 3), "first_page_s": round(rendered, 3)}
    load_details = {
        "sessions": sessions,
        "load_s": load_s,
        "ramp_up_s": round(ramp, 1),
        "idle_after_first_page": idle,
        "end_of_load": loaded,
        "peak_rss_mb": round(sampler.peak or 0, 1),
        "page_errors_or_exceptions": problems,
        "server_tracebacks": tracebacks,
    }
    peak = max(sampler.peak or 0.0, loaded.get("hwm_mb") or 0.0) or None  # VmHWM covers the ramp-up too
    rows = [
        Row(
            NAME,
            "Cold start: /_stcore/health answers",
            health,
            "s",
            f"< {START_TARGET_S:.0f} s",
            health < START_TARGET_S,
            "Health polled every 0.2 s (tests/e2e/conftest.py wait_for_http).",
            start_details,
        ),
        Row(
            NAME,
            "Cold start: first page rendered in Chromium",
            rendered,
            "s",
            f"< {START_TARGET_S:.0f} s",
            rendered < START_TARGET_S,
            "Until wait_for_app: connected, script not running, no skeleton (includes its 0.25 s settle)."
            + ("" if rendered < START_TARGET_S else _why_slow_start(health, rendered)),
            start_details,
        ),
        Row(NAME, "Server RSS, idle after the first page", idle.get("rss_mb"), "MB", details=load_details),
        Row(
            NAME,
            f"Server RSS at the end of the load ({sessions} sessions open)",
            loaded.get("rss_mb"),
            "MB",
            details=load_details,
        ),
        Row(
            NAME,
            f"Server RSS, peak (VmHWM) with {sessions} sessions following tasks for {load_s:.0f} s",
            peak,
            "MB",
            f"< {MEMORY_TARGET_MB:.0f} MB",
            None if peak is None else peak < MEMORY_TARGET_MB,
            "Newcomer set-up: the app's own sandbox (synthesized songs, covers) runs inside the server "
            "process and counts here."
            + ("" if peak is None or peak < MEMORY_TARGET_MB else _why_big(idle, peak, sessions)),
            load_details,
        ),
    ]
    if problems or tracebacks:
        rows.append(
            Row(
                NAME,
                "Errors during the short load",
                problems + tracebacks,
                "errors",
                "0",
                False,
                f"{problems} page errors / exception elements, {tracebacks} tracebacks in the server log.",
                load_details,
            )
        )
    return rows


def _why_slow_start(health: float, rendered: float) -> str:
    return (
        f" Of {rendered:.1f} s, {health:.1f} s is Streamlit starting; the rest is the first script "
        "run (imports, the built-in sandbox starting, the Create page)."
    )


MEDIA_CACHE_NOTE = (
    "Once covers appear (15 % into streaming) each followed task needs 4 media URLs (2 songs × audio "
    "and cover), kept in the server's media cache up to MEDIA_CACHE_MB (default 64 MB, "
    "lib/studio/media_cache.py); past that the least recently used files are downloaded again."
)


def _why_big(idle: dict, peak: float, sessions: int) -> str:
    base = idle.get("rss_mb") or 0.0
    return (
        f" {base:.0f} MB after the first page, then {(peak - base) / max(sessions, 1):.1f} MB more per session "
        "at the peak. The in-process sandbox synthesizes a song with ~47 MB of numpy temporaries and a "
        "cover with ~30 MB, many at once; glibc keeps freed memory in its per-thread arenas. " + MEDIA_CACHE_NOTE
    )


def _health_only() -> list[Row]:
    start = time.perf_counter()
    server = StreamlitServer({"SANDBOX_FAST": "", "SANDBOX_PORT": str(free_port())}, task_poll_s=None)
    health = time.perf_counter() - start
    server.stop()
    return [
        Row(
            NAME,
            "Cold start: /_stcore/health answers",
            health,
            "s",
            f"< {START_TARGET_S:.0f} s",
            health < START_TARGET_S,
        ),
        Row(
            NAME,
            "Cold start: first page rendered in Chromium",
            None,
            "s",
            f"< {START_TARGET_S:.0f} s",
            None,
            "Not measured: no Chromium (install Debian's chromium or set CHROMIUM).",
        ),
    ]
