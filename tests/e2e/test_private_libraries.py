"""Two people on one shared server, in two browsers, signed in through a real OpenID provider on
loopback: what Ana makes never reaches Bo — not on History, not in the sidebar, not in an export,
not through a link to her task — and an operator sees both."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, sign_in_server, signed_in_page, wait_for_app

ANA_PROMPT = "ana's private lullaby about a violet fox"
ACCESS = {"operators": ["ops@example.com"]}


@pytest.fixture(scope="module")
def server(chromium_path, oidc_provider):
    server = sign_in_server(oidc_provider, ACCESS)
    yield server
    server.stop()
    assert "Traceback" not in server.log(), server.log()[-4000:]


def submit_on_sandbox(page, prompt: str) -> str:
    """Submits a description on the (free) sandbox and returns the new task's ID."""
    main = page.get_by_test_id("stMainBlockContainer")
    main.get_by_label("Song description *").fill(prompt)
    main.get_by_role("button", name="Submit", exact=True).click()  # the free sandbox: plain Submit
    page.wait_for_url("**/task?id=*", timeout=30_000)
    wait_for_app(page)
    expect(main.get_by_text("Succeeded")).to_be_visible(timeout=60_000)
    wait_for_app(page)  # the finished task's full run replaces the running one's players
    return page.url.split("id=", 1)[1].split("&", 1)[0]


def body_text(page) -> str:
    wait_for_app(page)
    return page.locator("body").inner_text()


def test_one_users_tasks_never_reach_another(browser, server):
    ana = signed_in_page(browser, server, "ana", "ana@example.com", "Ana")
    ana.goto(f"{server.url}/create")
    wait_for_app(ana)
    task_id = submit_on_sandbox(ana, ANA_PROMPT)
    expect(ana.locator(f'[data-testid="stSidebar"] a[href*="{task_id}"]').first).to_be_attached(timeout=15_000)
    ana.goto(f"{server.url}/history")
    expect(ana.get_by_text("1 task in your library")).to_be_visible(timeout=15_000)

    bo = signed_in_page(browser, server, "bo", "bo@example.com", "Bo")
    for path in ("/create", "/history"):
        bo.goto(f"{server.url}{path}")
        text = body_text(bo)
        assert task_id not in text and "violet fox" not in text, path
        assert bo.locator(f'a[href*="{task_id}"]').count() == 0, path
    expect(bo.get_by_text("0 tasks in your library")).to_be_visible()
    # Her task's link, opened by Bo on the sandbox's shared key: withheld, nothing of hers shown.
    bo.goto(f"{server.url}/task?id={task_id}")
    expect(bo.get_by_text("belongs to another user of this server")).to_be_visible(timeout=15_000)
    text = body_text(bo)
    assert "violet fox" not in text and "Succeeded" not in text
    assert bo.locator("audio").count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    bo.screenshot(path=str(ARTIFACTS / "private-libraries-bo.png"), full_page=True)

    ops = signed_in_page(browser, server, "ops", "ops@example.com", "Ops")
    ops.goto(f"{server.url}/history")
    # Everyone's library (Ana's one task; Bo has none), and where it lives.
    expect(ops.get_by_text("1 task in the library")).to_be_visible(timeout=15_000)
    expect(ops.get_by_text("Kept in SQLite")).not_to_be_visible()  # the path is folded away
    ops.locator(".st-key-history_about summary").click()
    expect(ops.get_by_text("Kept in SQLite")).to_be_visible()
    expect(ops.get_by_test_id("stDataFrame")).to_contain_text(task_id, timeout=15_000)
    for page in (ana, bo, ops):
        assert page.js_errors == []
        page.context.close()
