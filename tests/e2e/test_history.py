"""The library in Chromium: tasks inspected before a restart are still listed after it, on SQLite
and on PostgreSQL, and open again on the Task page; exports download."""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from lib.gateway.client import GatewayClient
from tests.e2e.conftest import ARTIFACTS, StreamlitServer, export_button, free_port, wait_for_app, wait_for_http


def table_cells(page) -> list[str]:
    # The grid draws on a canvas; its accessible table mirrors the visible cells.
    return page.locator("[data-testid='stDataFrame'] td").all_inner_texts()


def click_row_checkbox(page, row: int) -> None:
    grid = page.locator("[data-testid='stDataFrame'] canvas").first
    box = grid.bounding_box()
    header, height = 36, 44  # header height and the page's row_height
    page.mouse.click(box["x"] + 14, box["y"] + header + height * row + height / 2)
    wait_for_app(page)


@pytest.fixture
def restartable(tmp_path, history_url, chromium_path):
    """Starts the app; ``start()`` again after ``stop()`` is a restart on the same library and sandbox."""
    env = {
        "MUSIC_TASK_STUDIO_DATA_DIR": str(tmp_path / "data"),
        "HISTORY_DATABASE_URL": history_url,
        "SANDBOX_PORT": str(free_port()),
    }
    servers: list[StreamlitServer] = []

    class Control:
        sandbox_url = f"http://127.0.0.1:{env['SANDBOX_PORT']}"

        def start(self) -> StreamlitServer:
            servers.append(StreamlitServer(env))
            return servers[-1]

        def visit(self, page, server: StreamlitServer) -> None:
            """The first visit starts the app's sandbox in the background: wait until it listens
            before the test talks to it (a busy machine met a refused connection)."""
            page.goto(server.url)
            wait_for_app(page)
            wait_for_http(f"{self.sandbox_url}/_sandbox/health")

    yield Control()
    for server in servers:
        server.stop()
        assert "Traceback" not in server.log(), server.log()[-4000:]


def test_inspected_tasks_are_listed_after_a_restart(page, restartable, history_url):
    first = restartable.start()
    restartable.visit(page, first)
    client = GatewayClient(restartable.sandbox_url, "e2e-key")
    ids = [client.generate("harbour lights, slow blues"), client.generate("paper planes, indie pop")]
    page.goto(f"{first.url}/task?id={','.join(ids)}&platform=suno")
    wait_for_app(page)
    expect(page.locator("[data-testid='stDataFrame'] td", has_text="Succeeded")).to_have_count(2, timeout=30_000)
    titles = [client.fetch_task(i).songs[0].title for i in ids]
    first.stop()

    second = restartable.start()
    page.goto(f"{second.url}/history")
    wait_for_app(page)
    expect(page.locator("[data-testid='stDataFrame'] td", has_text="Succeeded")).to_have_count(2)
    cells = table_cells(page)
    assert all(title in cells for title in titles) and all(task_id in cells for task_id in ids)
    sidebar = page.get_by_test_id("stSidebar")
    for title in titles:
        expect(sidebar.get_by_role("link", name=title)).to_be_visible()
    backend = "postgresql" if history_url.startswith("postgresql") else "sqlite"
    expect(page.get_by_text("2 tasks in the library")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"history-after-restart-{backend}.png"), full_page=True)

    # Select the newest and open it: the restarted sandbox still serves its songs.
    click_row_checkbox(page, 0)
    page.get_by_test_id("stBaseButton-primary").filter(has_text="Open").click()
    # The query string and the page arrive in separate messages: wait for the page to follow.
    expect(page).to_have_url(re.compile(r"/task\?id=(" + "|".join(ids) + ")"))
    wait_for_app(page)
    main = page.get_by_test_id("stMainBlockContainer")
    expect(main.locator("audio")).to_have_count(2, timeout=30_000)
    durations = page.evaluate("""async () => {
        const audios = [...document.querySelectorAll('audio')];
        await Promise.all(audios.map(a => a.readyState >= 1 ? null :
            new Promise(ok => { a.onloadedmetadata = ok; a.onerror = ok; a.load(); })));
        return audios.map(a => a.duration);
    }""")
    assert all(d and d > 10 for d in durations), durations


def test_export_downloads_the_filtered_rows_as_csv(page, restartable, tmp_path):
    server = restartable.start()
    restartable.visit(page, server)
    client = GatewayClient(restartable.sandbox_url, "e2e-key")
    task_id = client.generate("a waltz for the export")
    page.goto(f"{server.url}/task?id={task_id}&platform=suno")
    wait_for_app(page)
    expect(page.get_by_test_id("stMainBlockContainer").get_by_text("Succeeded")).to_be_visible(timeout=30_000)
    wait_for_app(page)  # the finished task's full run replaces the running one's players
    page.goto(f"{server.url}/history")
    wait_for_app(page)
    with page.expect_download() as download:
        export_button(page, "Export CSV").click()
    path = tmp_path / "export.csv"
    download.value.save_as(path)
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert [r["task_id"] for r in rows] == [task_id]
    assert rows[0]["status"] == "SUCCESS" and rows[0]["gateway_name"] == "sandbox"
    assert "sandbox-demo-key" not in path.read_text(encoding="utf-8-sig")
