"""Paid actions are confirmed (issue 13) in Chromium: a visitor on a custom gateway submits on the
Create page, sees the request in a dialog, cancels (nothing sent, the form as typed), submits
again and sends; the task lands on the Task page and in the library."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, confirm_paid, use_custom_gateway, wait_for_app

TYPED_KEY = "sk-e2e-paid-dialog-31c7"
DESCRIPTION = "a lighthouse keeper's waltz, accordion"


def posts(own_gateway) -> list[dict]:
    return [r for r in own_gateway.requests if r["method"] == "POST"]


def test_a_custom_gateway_submit_asks_cancel_keeps_send_records(page, custom_gateway_app, own_gateway):
    page.goto(custom_gateway_app.url)
    wait_for_app(page)
    use_custom_gateway(page, own_gateway.url, TYPED_KEY)
    main = page.get_by_test_id("stMainBlockContainer")
    main.get_by_label("Song description *").fill(DESCRIPTION)
    submit = main.get_by_role("button", name="Submit — spends credits")
    submit.click()

    dialog = page.get_by_test_id("stDialog")
    expect(dialog).to_be_visible(timeout=30_000)
    wait_for_app(page)
    expect(dialog.get_by_text("Send this paid request?")).to_be_visible()
    host = own_gateway.url.split("//", 1)[1]
    expect(dialog).to_contain_text(f"custom · {host}")
    expect(dialog).to_contain_text("POST")
    expect(dialog).to_contain_text("/suno/submit/music")
    expect(dialog.get_by_test_id("stCode")).to_contain_text(DESCRIPTION)
    expect(dialog).to_contain_text("does not say what a request costs")
    assert TYPED_KEY not in dialog.inner_html()
    assert posts(own_gateway) == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "paid-confirm-dialog.png"))

    confirm_paid(page, send=False)
    wait_for_app(page)
    assert posts(own_gateway) == []
    expect(main.get_by_label("Song description *")).to_have_value(DESCRIPTION)
    expect(submit).to_be_enabled()
    assert "/task" not in page.url

    submit.click()
    confirm_paid(page)
    page.wait_for_url("**/task?id=*", timeout=30_000)
    wait_for_app(page)
    [sent] = posts(own_gateway)
    assert sent["path"] == "/suno/submit/music" and sent["body"]["gpt_description_prompt"] == DESCRIPTION
    task_id = page.url.split("id=")[1].split("&")[0]
    assert task_id and own_gateway.engine.task(task_id) is not None
    # In the library: the sidebar's recent tasks link to it.
    recent = page.get_by_test_id("stSidebar").locator(f"a[href*='id={task_id}']")
    expect(recent.first).to_be_attached()
    assert TYPED_KEY not in main.inner_html()  # (the sidebar's password field holds it, as typed)
    assert page.js_errors == []
