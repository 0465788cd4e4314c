"""Issue 12, finding 1 in the browser: a visitor types a loopback address (a service that would
answer) as the Custom gateway's base URL and opens a task ID on the Task page. The page shows the
refusal, naming the operator's setting, and nothing the private service would have answered."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import StreamlitServer, use_custom_gateway, wait_for_app
from tests.loopback_gateway import LoopbackGateway, task_json

SECRET_TITLE = "Private service answer 5519"


@pytest.fixture(scope="module")
def guarded_app(chromium_path):
    server = StreamlitServer({"ALLOW_PRIVATE_CUSTOM_GATEWAYS": "0"})
    yield server
    server.stop()
    assert "Traceback" not in server.log(), server.log()[-4000:]


@pytest.fixture
def private_service():
    body = json.dumps(task_json("private-task", title=SECRET_TITLE)).encode()
    with LoopbackGateway(lambda request: (200, {}, body)) as service:
        yield service


def test_a_loopback_custom_gateway_is_refused_on_the_task_page(page, guarded_app, private_service):
    page.goto(guarded_app.url)
    wait_for_app(page)
    use_custom_gateway(page, private_service.url, "sk-visitor-typed-0042")
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_test_id("stSidebarNav").get_by_role("link", name="Task").click()
    wait_for_app(page)
    main = page.get_by_test_id("stMainBlockContainer")
    main.get_by_label("Task IDs, or a pasted fetch response").fill("private-task")
    main.get_by_role("button", name="Open").click()
    wait_for_app(page)

    expect(main.get_by_text("That gateway address is not allowed")).to_be_visible(timeout=30_000)
    expect(main.get_by_text("ALLOW_PRIVATE_CUSTOM_GATEWAYS").first).to_be_visible()
    expect(page.get_by_text(SECRET_TITLE)).to_have_count(0)
    assert SECRET_TITLE not in page.content()
    assert private_service.requests == []  # the server never asked it
    expect(page.get_by_test_id("stException")).to_have_count(0)
    assert page.js_errors == []
