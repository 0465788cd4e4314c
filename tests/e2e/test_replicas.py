"""Two app servers behind one address, as a team deploys them: one PostgreSQL library, one media
store, one identity provider and one cookie secret. A user sees the same library on either
replica, and a page published through one plays from the other."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from lib.gateway.client import GatewayClient
from lib.sandbox import SandboxConfig, SandboxGateway
from tests.e2e.conftest import open_finished_task, sign_in_server, signed_in_page, wait_for_app

KEY = "sk-operator-replicas"


@pytest.fixture
def replicas(chromium_path, oidc_provider, postgres_url, tmp_path):
    sandbox = SandboxGateway(SandboxConfig.fast()).start()
    shared = {
        "HISTORY_DATABASE_URL": postgres_url,
        "MEDIA_STORE_URL": f"file://{tmp_path / 'media'}",
        "GATEWAY_BASE_URL": sandbox.url,
        "GATEWAY_API_KEY": KEY,
    }
    servers = [sign_in_server(oidc_provider, {"operators": ["ops@example.com"]}, shared) for _ in range(2)]
    yield sandbox, servers
    for server in servers:
        server.stop()
        assert "Traceback" not in server.log(), server.log()[-4000:]
    sandbox.stop()


def test_two_replicas_share_users_libraries_and_published_pages(browser, replicas):
    sandbox, (first, second) = replicas
    with GatewayClient(sandbox.url, KEY) as client:
        task_id = client.generate("a duet for two servers")
    ana = signed_in_page(browser, first, "ana", "ana@example.com", "Ana")
    open_finished_task(ana, first.url, task_id)  # recorded in the shared library
    ana.get_by_role("button", name="Publish").first.click()
    ana.get_by_test_id("stPopoverBody").get_by_role("button", name="Publish").click()
    link = ana.get_by_test_id("stPopoverBody").get_by_test_id("stCode").first.inner_text(timeout=30_000).strip()

    # Ana on the other replica. Here each replica is its own origin, so she signs in there too
    # (Streamlit binds its sign-in cookie to the redirect URI's origin); behind one address, as
    # docs/deploying.md sets it up, one sign-in holds on both. Same identity, same library.
    ana_there = signed_in_page(browser, second, "ana", "ana@example.com", "Ana")
    ana_there.goto(f"{second.url}/history")
    wait_for_app(ana_there)
    expect(ana_there.get_by_text("1 task in your library")).to_be_visible(timeout=15_000)
    expect(ana_there.get_by_test_id("stDataFrame")).to_contain_text(task_id, timeout=15_000)
    ana_there.goto(f"{second.url}/published")
    expect(ana_there.get_by_role("button", name="Unpublish")).to_have_count(1, timeout=15_000)

    # The page published through the first replica, opened on the second with no sign-in.
    stakeholder = browser.new_context()
    page = stakeholder.new_page()
    page.goto(link.replace(first.url, second.url))
    wait_for_app(page)
    expect(page.get_by_test_id("stMain").locator("audio")).to_have_count(2, timeout=30_000)
    stakeholder.close()

    # Bo, on either replica, sees none of it.
    bo = signed_in_page(browser, second, "bo", "bo@example.com", "Bo")
    bo.goto(f"{second.url}/history")
    expect(bo.get_by_text("0 tasks in your library")).to_be_visible(timeout=15_000)
    for page in (ana, ana_there, bo):
        assert page.js_errors == []
        page.context.close()
