"""The operator's daily limit on paid calls, in Chromium with sign-in against the loopback OpenID
provider: ``[access] daily_paid_limit = 1`` and a gateway the operator configured with its key.
Ana submits once (dialog, Send, the task) and the sidebar says 1 of 1; her second submit is
refused with the reason and nothing reaches the gateway; Bo still has his own call; an operator
is not limited."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from lib.sandbox import SandboxConfig, SandboxGateway
from tests.e2e.conftest import ARTIFACTS, confirm_paid, free_port, sign_in_server, signed_in_page, wait_for_app

OPERATOR_KEY = "sk-operator-house-key-7731"
ACCESS = {"daily_paid_limit": 1, "operators": ["ops@example.com"]}
OVER_LIMIT = "You have used today's paid calls on this server's gateway (1 a day"
USED_ONE = "Paid calls today on this server's gateways: 1 of 1"


@pytest.fixture(scope="module")
def gateway():
    """The operator's gateway: a sandbox in this process (it records every request), configured
    as an ordinary ``[gateways.house]`` profile, so its calls are paid and confirmed."""
    sandbox = SandboxGateway(SandboxConfig.fast(), port=free_port()).start()
    yield sandbox
    sandbox.stop()


@pytest.fixture(scope="module")
def server(chromium_path, oidc_provider, gateway):
    house = {"gateways": {"house": {"base_url": gateway.url, "api_key": OPERATOR_KEY}}}
    server = sign_in_server(oidc_provider, ACCESS, secrets=house)
    yield server
    server.stop()
    log = server.log()
    assert "Traceback" not in log, log[-4000:]
    assert OPERATOR_KEY not in log


def posts(gateway) -> int:
    return sum(1 for r in gateway.requests if r["method"] == "POST")


def submit(page, description: str) -> None:
    """On the Create page: describe a song, Submit, and Send in the paid-request dialog."""
    main = page.get_by_test_id("stMainBlockContainer")
    if "/create" not in page.url:
        page.get_by_test_id("stSidebarNav").get_by_role("link", name="Create").click()
        wait_for_app(page)
    main.get_by_label("Song description *").fill(description)
    main.get_by_role("button", name="Submit — spends credits").click()
    confirm_paid(page)
    wait_for_app(page)


def sidebar_of(page):
    return page.get_by_test_id("stSidebar")


def lands_on_the_task(page) -> None:
    page.wait_for_url("**/task?id=*", timeout=30_000)
    wait_for_app(page)
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_the_daily_limit_refuses_a_second_paid_call_per_user_but_not_an_operator(browser, server, gateway):
    ana = signed_in_page(browser, server, "ana", "ana@example.com", "Ana")
    sidebar = sidebar_of(ana)
    expect(sidebar.get_by_text("Paid calls today on this server's gateways: 0 of 1")).to_be_visible()
    submit(ana, "a tram at midnight, cello")
    lands_on_the_task(ana)
    assert posts(gateway) == 1
    expect(sidebar.get_by_text(USED_ONE)).to_be_visible()

    # Her second call: the dialog asks as always, Send is refused before anything goes out.
    submit(ana, "a tram at noon, banjo")
    main = ana.get_by_test_id("stMainBlockContainer")
    expect(main.get_by_text(OVER_LIMIT)).to_be_visible()
    expect(main.get_by_text("Nothing was sent.", exact=False)).to_be_visible()
    assert "/create" in ana.url
    expect(main.get_by_label("Song description *")).to_have_value("a tram at noon, banjo")  # kept
    assert posts(gateway) == 1
    expect(sidebar.get_by_text(USED_ONE)).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    ana.screenshot(path=str(ARTIFACTS / "paid-limit-refused.png"))
    assert ana.js_errors == []
    ana.context.close()

    # Bo's limit is his own: his one call goes out.
    bo = signed_in_page(browser, server, "bo", "bo@example.com", "Bo")
    expect(sidebar_of(bo).get_by_text("Paid calls today on this server's gateways: 0 of 1")).to_be_visible()
    submit(bo, "a lighthouse in fog, harp")
    lands_on_the_task(bo)
    assert posts(gateway) == 2
    expect(sidebar_of(bo).get_by_text(USED_ONE)).to_be_visible()
    bo.context.close()

    # An operator is never limited (and the sidebar counts nothing for them).
    ops = signed_in_page(browser, server, "ops", "ops@example.com", "Ops")
    expect(sidebar_of(ops).get_by_text("Paid calls today")).to_have_count(0)
    for count, description in enumerate(("an operator's first song, organ", "an operator's second, drums"), 3):
        submit(ops, description)
        lands_on_the_task(ops)
        assert posts(gateway) == count
    expect(ops.get_by_text(OVER_LIMIT)).to_have_count(0)
    assert ops.js_errors == []
    ops.context.close()
