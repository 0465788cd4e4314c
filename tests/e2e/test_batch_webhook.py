"""Issue 17's checks in Chromium against the app's own sandbox: a batch of 5 prompts becomes 5
followed tasks (after a dialog that says 5 requests go out), and with the webhook receiver on a
task finishes on the page from the sandbox's callback alone — no fetch in its request log."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from lib.sandbox import control
from tests.e2e.conftest import StreamlitServer, free_port, wait_for_app, wait_for_http

PROMPTS = ["a song about rain", "a lullaby for a cat", "synth-pop about Mondays", "a sea shanty", "night jazz"]
SECRET = "e2e-webhook-secret-0123456789"


def start_app(browser, extra: dict[str, str]) -> StreamlitServer:
    """The app on its own sandbox (port known to the test); a first visit starts the sandbox."""
    port = free_port()
    server = StreamlitServer({"SANDBOX_PORT": str(port), "BATCH_INTERVAL_S": "0.3", **extra})
    server.sandbox_url = f"http://127.0.0.1:{port}"
    context = browser.new_context()
    try:
        first = context.new_page()
        first.goto(server.url)
        wait_for_app(first)
        wait_for_http(f"{server.sandbox_url}/_sandbox/health")
    finally:
        context.close()
    return server


@pytest.fixture(scope="module")
def polling_app(browser):
    server = start_app(browser, {})
    yield server
    server.stop()
    assert "Traceback" not in server.log(), server.log()[-4000:]


@pytest.fixture(scope="module")
def hooked_app(browser):
    port = free_port()
    server = start_app(browser, {"WEBHOOK_PORT": str(port), "WEBHOOK_SECRET": SECRET})
    server.callback_url = f"http://127.0.0.1:{port}/callback/{SECRET}"
    yield server
    server.stop()
    assert "Traceback" not in server.log(), server.log()[-4000:]


def send_batch(page, app: StreamlitServer, prompts: list[str]) -> None:
    """The Batch page: the prompts as a list, *Check and send…*, the dialog's *Send*."""
    page.goto(f"{app.url}/batch")
    wait_for_app(page)
    main = page.get_by_test_id("stMainBlockContainer")
    field = main.get_by_role("textbox", name="Prompts, one song per line")
    field.fill("\n".join(prompts))
    field.press("Tab")
    wait_for_app(page)
    main.get_by_role("button", name="Check and send…").click()
    dialog = page.get_by_test_id("stDialog")
    expect(dialog).to_be_visible(timeout=30_000)
    expect(dialog).to_contain_text(f"This sends {len(prompts)} requests")
    wait_for_app(page)
    dialog.get_by_role("button", name=f"Send {len(prompts)} requests").click()
    expect(dialog).to_have_count(0, timeout=30_000)


def fetches(app: StreamlitServer) -> list[dict]:
    log = control(app.sandbox_url, "requests")
    return [r for r in log if "/fetch" in r["path"]]


def test_a_batch_of_five_prompts_becomes_five_followed_tasks(page, polling_app):
    control(polling_app.sandbox_url, "requests", method="DELETE")
    send_batch(page, polling_app, PROMPTS)
    table = page.locator("[data-testid='stDataFrame'] td")
    expect(table.filter(has_text="Succeeded")).to_have_count(5, timeout=60_000)
    for prompt in PROMPTS:
        expect(table.filter(has_text=prompt)).to_have_count(1)
    expect(page.get_by_text("5 of 5 requests sent · 5 finished")).to_be_visible()
    log = control(polling_app.sandbox_url, "requests")
    posts = [r["body"]["gpt_description_prompt"] for r in log if r["method"] == "POST" and "submit" in r["path"]]
    assert posts == PROMPTS  # one POST each, in order, none retried
    assert fetches(polling_app)  # without the receiver the table polls
    page.goto(f"{polling_app.url}/history")  # every task is in the library too
    wait_for_app(page)
    cells = page.locator("[data-testid='stDataFrame'] td")
    expect(cells.filter(has_text="Succeeded")).to_have_count(5, timeout=30_000)


def test_a_callback_finishes_a_task_with_no_fetch(page, hooked_app):
    page.goto(f"{hooked_app.url}/create")
    wait_for_app(page)
    main = page.get_by_test_id("stMainBlockContainer")
    main.get_by_text("Advanced options").click()
    hook = main.get_by_role("textbox", name="Webhook URL")
    expect(hook).to_have_value(hooked_app.callback_url)  # the Create page fills it in
    control(hooked_app.sandbox_url, "requests", method="DELETE")
    send_batch(page, hooked_app, PROMPTS[:2])
    table = page.locator("[data-testid='stDataFrame'] td")
    expect(table.filter(has_text="Succeeded")).to_have_count(2, timeout=60_000)
    expect(page.get_by_text("Followed by the webhook receiver")).to_be_visible()
    log = control(hooked_app.sandbox_url, "requests")
    submits = [r for r in log if r["method"] == "POST" and "submit" in r["path"]]
    assert [r["body"]["notify_hook"] for r in submits] == [hooked_app.callback_url] * 2
    assert fetches(hooked_app) == []  # the callbacks alone finished them


def test_the_task_page_follows_a_submit_by_its_callbacks(page, hooked_app):
    """One song submitted on the Create page: the Task page reads the row the callbacks fill in,
    and asks the gateway nothing, before or after the task ends."""
    control(hooked_app.sandbox_url, "requests", method="DELETE")
    page.goto(f"{hooked_app.url}/create")
    wait_for_app(page)
    main = page.get_by_test_id("stMainBlockContainer")
    main.get_by_label("Song description *").fill("a harbour at dawn, soft piano")
    main.get_by_role("button", name="Submit", exact=True).click()
    page.wait_for_url("**/task?id=*", timeout=30_000)
    # (While it runs the page says "Followed by the webhook receiver"; the fast sandbox may finish
    # it before a busy machine draws that, so the request log below is the check.)
    expect(main.get_by_text("Succeeded")).to_be_visible(timeout=60_000)
    wait_for_app(page)
    expect(main.locator("audio")).to_have_count(2)
    page.reload()  # opened again: the finished row is read, not fetched
    wait_for_app(page)
    expect(main.get_by_text("Succeeded")).to_be_visible()
    wait_for_app(page)  # the finished task's full run replaces the running one's players
    assert fetches(hooked_app) == []
    assert page.js_errors == []
