"""Load (issue 7), correctness only: a few browser sessions on one app server follow running tasks
on a sandbox at once (two pages following one task each, two pages watching the same ten-task
table) and nothing goes wrong: no page errors, no exceptions, no tracebacks, no lost or duplicate
history rows, at most one gateway request per script run a page asked for (so one fetch per
follower tick and one batch per table tick), and once the tasks end every history row catches up
with the gateway.

Nothing here depends on the machine's speed. The sandbox runs on a manual clock, so tasks stay
running until the test ends them; every wait polls for a condition and its ceiling
(``HANG_GUARD_S``) only stops a hung run. Rates, latencies and memory under load are figures, not
verdicts: ``python -m benchmarks --only load`` measures them (20 sessions and two tables for a
minute).
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections import Counter
from pathlib import Path

import pytest
from playwright.sync_api import expect

from benchmarks.sessions import Reruns, following, open_sessions, settle, table
from lib.gateway.client import GatewayClient
from lib.sandbox import ManualClock, SandboxConfig, SandboxGateway
from lib.studio.task_lookup import poll_interval
from tests.apptest import gateway_work
from tests.e2e.conftest import StreamlitServer

FOLLOWERS = 2  # pages following one running Suno task each
TABLES = 2  # pages watching the same ten-task table (the same rows recorded from two sessions)
TABLE_SIZE = 10
TICKS = 3  # fetches each follower, and batches each table, must make while every page is open
HANG_GUARD_S = 300.0  # a hung run fails after this long; no verdict depends on the time taken
API_KEY = "load-test-key"
RUNNING_S = 15.0  # on the sandbox's clock: every task is IN_PROGRESS (they end at 24–36 s)
ENDED_S = 3600.0  # … and every task has ended
_ID_IN_PATH = re.compile(r"/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


@pytest.fixture(scope="module")
def gateway():
    """A sandbox in this process on a clock the test moves: tasks run until it says so."""
    clock = ManualClock()
    sandbox = SandboxGateway(SandboxConfig(), clock=clock).start()
    sandbox.clock = clock
    yield sandbox
    sandbox.stop()


@pytest.fixture(scope="module")
def server(gateway, chromium_path):
    # The app's own cadence: cadence_changes() counts its slow-downs with poll_interval's default.
    app = StreamlitServer({"GATEWAY_BASE_URL": gateway.url, "GATEWAY_API_KEY": API_KEY}, task_poll_s=None)
    yield app
    app.stop()
    assert "Traceback" not in app.log(), app.log()[-4000:]


def route_of(request: dict) -> str:
    return f"{request['method']} {_ID_IN_PATH.sub('/{id}', request['path'])}"


def history_rows(server: StreamlitServer) -> list[tuple[str, str]]:
    path = Path(server.home) / "data" / "history.db"
    if not path.exists():
        return []
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30) as conn:
        return conn.execute("SELECT task_id, status FROM mts_tasks WHERE platform = 'suno'").fetchall()


def cadence_changes(followed_s: float) -> int:
    """Times a follower's interval has slowed down within ``followed_s`` (lib/ui/live_task.py): each
    makes the server rerun the page by itself (``st.rerun()``), which fetches once more."""
    steps, seconds = 0, 0.0
    while seconds < followed_s:
        seconds += 1.0
        steps += poll_interval(seconds) != poll_interval(seconds - 1.0)
    return steps


def wait_until(condition, what: str, pump) -> None:
    """Polls ``condition`` until it holds; ``pump`` (a page) keeps Playwright's events flowing."""
    deadline = time.monotonic() + HANG_GUARD_S
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"hang guard: {what} still not true after {HANG_GUARD_S:.0f} s")
        pump.wait_for_timeout(500)


def test_sessions_under_load_lose_nothing_and_catch_up(browser, gateway, server):
    with GatewayClient(gateway.url, API_KEY) as client:
        singles = [client.generate(f"load test song {n}, synthwave") for n in range(FOLLOWERS)]
        table_ids = [client.generate(f"load test table song {n}, lo-fi") for n in range(TABLE_SIZE)]
    every_id = singles + table_ids
    gateway.clear_requests()  # from here on, only what the app asks
    gateway.clock.advance(RUNNING_S)
    assert {gateway.engine.phase(gateway.engine.task(i)) for i in every_id} == {"IN_PROGRESS"}
    # The second table lists the IDs backwards, so each batch says which table asked for it.
    table_orders = [table_ids, table_ids[::-1]][:TABLES]

    reruns: list[Reruns] = []
    opened_at = time.monotonic()
    sessions = open_sessions(
        browser,
        [f"{server.url}/task?id={i}&platform=suno" for i in singles],
        following,
        prepare=lambda page: reruns.append(Reruns(page)),
    )
    sessions += open_sessions(
        browser,
        [f"{server.url}/task?id={','.join(ids)}" for ids in table_orders],
        table,
        prepare=lambda page: reruns.append(Reruns(page)),
    )
    pages = [page for _, page, _ in sessions]

    def fetches(log: list[dict]) -> Counter:
        """Requests per session: a follower's task ID, or ``table n`` for a batch in table n's order."""
        counts: Counter = Counter()
        for r in log:
            if r["method"] == "GET" and r["path"].startswith("/suno/fetch/"):
                counts[r["path"].rsplit("/", 1)[1]] += 1
            elif r["method"] == "POST" and r["path"] == "/suno/fetch":
                ids = (r["body"] or {}).get("ids")
                counts[f"table {table_orders.index(ids)}" if ids in table_orders else "stray batch"] += 1
        return counts

    keys = singles + [f"table {n}" for n in range(TABLES)]
    everyone_open = fetches(gateway.requests)  # each session's first look happened before this

    def ticked() -> bool:
        now = fetches(gateway.requests)
        return all(now[key] - everyone_open[key] >= TICKS for key in keys)

    # Under load: every session keeps fetching while all are open (none starves)...
    wait_until(ticked, f"every follower fetched and every table batched {TICKS} times with all pages open", pages[0])
    log = gateway.requests  # before the reruns are read: each request follows the run that made it
    for page in pages:
        settle(page)
    counts = fetches(log)
    assert not counts["stray batch"], [r["body"] for r in log if r["path"] == "/suno/fetch"][:3]
    assert not [i for i in table_ids if counts[i]], "the table fetched its IDs one by one"
    assert set(Counter(route_of(r) for r in gateway_work(log))) <= {"GET /suno/fetch/{id}", "POST /suno/fetch"}
    # ...and never more than once per script run it asked for: one fetch per follower tick, one
    # batch per table tick, whatever the machine's speed.
    slack = cadence_changes(time.monotonic() - opened_at)
    asked = {key: reruns[n].total for n, key in enumerate(keys)}
    over = {
        key: (counts[key], asked[key]) for key in keys if counts[key] > asked[key] + (slack if key in singles else 0)
    }
    assert not over, f"gateway requests > script runs asked for (requests, runs): {over}"
    assert all(r.undecodable == 0 for r in reruns), "websocket frames that are not BackMsgs"

    rows = history_rows(server)
    recorded = Counter(task_id for task_id, _ in rows)
    assert not [i for i in every_id if not recorded[i]], f"tasks open but missing from the history: {recorded}"
    assert len(rows) == len(every_id), f"duplicate or stray history rows: {recorded}"
    assert {status for _, status in rows} == {"IN_PROGRESS"}, rows

    # The load ends: every task finishes, and every row catches up with the gateway.
    gateway.clock.advance(ENDED_S)
    assert {gateway.engine.phase(gateway.engine.task(i)) for i in every_id} == {"SUCCESS"}
    wait_until(
        lambda: sorted(history_rows(server)) == sorted((i, "SUCCESS") for i in every_id),
        "every history row says SUCCESS, as the gateway does",
        pages[0],
    )
    for page in pages[:FOLLOWERS]:
        main = page.get_by_test_id("stMainBlockContainer")
        expect(main.get_by_text("Succeeded")).to_be_visible(timeout=HANG_GUARD_S * 1000)
        expect(main.locator("audio")).to_have_count(2, timeout=HANG_GUARD_S * 1000)
        expect(following(page)).to_have_count(0, timeout=HANG_GUARD_S * 1000)

    page_errors = {n: errors for n, (_, _, errors) in enumerate(sessions) if errors}
    exceptions = {n: page.get_by_test_id("stException").count() for n, page in enumerate(pages)}
    for context, _, _ in sessions:
        context.close()
    assert not page_errors, page_errors
    assert not any(exceptions.values()), exceptions
    assert "Traceback" not in server.log(), server.log()[-4000:]
    recorded = Counter(task_id for task_id, _ in history_rows(server))
    assert sorted(recorded) == sorted(every_id) and set(recorded.values()) == {1}, recorded
