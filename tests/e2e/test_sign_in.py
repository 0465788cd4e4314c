"""Sign-in in a real browser against a real OpenID provider on loopback (oidc-provider-mock):
two people in two browsers each sign in through the provider's form and see themselves; signing
out returns to the sign-in screen; a forged callback, an expired sign-in and a user the operator
removed each end on a clear screen, with nothing of the app shown and nothing in the log."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import (
    ARTIFACTS,
    sign_in,
    sign_in_secrets,
    sign_in_server,
    sign_out,
    signed_in_page,
    wait_for_app,
)

ACCESS = {
    "allowed": ["ana@example.com", "bo@example.com", "cy@example.com"],
    "operators": ["ops@example.com"],
    "session_hours": 24,
}


@pytest.fixture(scope="module")
def server(chromium_path, oidc_provider):
    server = sign_in_server(oidc_provider, ACCESS)
    yield server
    server.stop()
    log = server.log()
    assert "Traceback" not in log, log[-4000:]


@pytest.fixture
def access_changed(server):
    """Lets a test rewrite ``[access]`` (the operator edits secrets.toml); restored afterwards."""

    def change(**entries) -> None:
        server.write_secrets(sign_in_secrets(server, server.oidc_provider, {**ACCESS, **entries}))

    yield change
    server.write_secrets(sign_in_secrets(server, server.oidc_provider, ACCESS))
    time.sleep(1)  # Streamlit polls the file: let it see the restored one before the next test


def sign_in_screen(page):
    """Asserts the page shows the sign-in screen and nothing of the app; returns its main area."""
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name="Music Task Studio")).to_be_visible()
    expect(page.get_by_test_id("stSidebar")).to_have_count(0)
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    expect(page.get_by_test_id("stTextInput")).to_have_count(0)
    return main


def reload_until(page, text: str, timeout_s: float = 15) -> None:
    """Reloads until ``text`` shows: a changed secrets.toml takes Streamlit up to a second to see."""
    deadline = time.monotonic() + timeout_s
    while True:
        page.reload()
        wait_for_app(page)
        if page.get_by_text(text).count() or time.monotonic() > deadline:
            break
        page.wait_for_timeout(500)
    expect(page.get_by_text(text)).to_be_visible()


def test_two_people_sign_in_in_two_browsers_and_sign_out(browser, server):
    ana = signed_in_page(browser, server, "ana", "ana@example.com", "Ana Lima")
    bo = signed_in_page(browser, server, "bo", "bo@example.com", "Bo Chen")
    try:
        for page, me, other in ((ana, "Ana Lima", "Bo Chen"), (bo, "Bo Chen", "Ana Lima")):
            sidebar = page.get_by_test_id("stSidebar")
            expect(sidebar.get_by_text(me, exact=True)).to_be_visible()
            expect(sidebar.get_by_role("button", name="Sign out")).to_be_visible()
            expect(sidebar.get_by_text(other)).to_have_count(0)
            expect(page.get_by_role("heading", name="Create")).to_be_visible()
        ARTIFACTS.mkdir(exist_ok=True)
        ana.screenshot(path=str(ARTIFACTS / "sign-in-signed-in.png"))

        sign_out(ana, server)
        expect(sign_in_screen(ana).get_by_role("button")).to_have_text([re.compile("Sign in$")])
        ana.goto(f"{server.url}/history")  # the cookie is gone: a deep link is the sign-in screen too
        wait_for_app(ana)
        sign_in_screen(ana)

        bo.reload()  # the other browser is still signed in
        wait_for_app(bo)
        expect(bo.get_by_test_id("stSidebar").get_by_text("Bo Chen", exact=True)).to_be_visible()
        assert ana.js_errors == [] and bo.js_errors == []
    finally:
        ana.context.close()
        bo.context.close()


def test_a_signed_out_visitor_sees_only_the_sign_in_screen_on_every_page(page, server):
    for path in ("/", "/create", "/task?id=abc&platform=suno", "/history"):
        page.goto(server.url + path)
        wait_for_app(page)
        main = sign_in_screen(page)
        expect(main.get_by_role("button")).to_have_text([re.compile("Sign in$")])
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "sign-in-screen.png"))
    assert page.js_errors == []


def test_a_forged_callback_lands_on_the_sign_in_screen(page, server):
    page.goto(f"{server.url}/oauth2callback?state=forged&code=x")
    wait_for_app(page)
    assert page.url.rstrip("/") == server.url
    sign_in_screen(page)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    assert not [c for c in page.context.cookies() if c["name"].startswith("_streamlit_user")]
    assert page.js_errors == []


def test_a_forged_callback_leaves_a_signed_in_visitor_as_they_were(browser, server):
    ana = signed_in_page(browser, server, "ana", "ana@example.com", "Ana Lima")
    try:
        ana.goto(f"{server.url}/oauth2callback?state=forged&code=x")
        wait_for_app(ana)
        expect(ana.get_by_test_id("stSidebar").get_by_text("Ana Lima", exact=True)).to_be_visible()
    finally:
        ana.context.close()


def test_an_expired_sign_in_is_asked_to_sign_in_again(browser, server, access_changed):
    cy = signed_in_page(browser, server, "cy", "cy@example.com", "Cy")
    try:
        access_changed(session_hours=0.0003)  # about a second
        reload_until(cy, "has expired")
        main = sign_in_screen(cy)
        expect(main.get_by_text("cy@example.com")).to_be_visible()
        expect(main.get_by_role("button")).to_have_text([re.compile("Sign in$")])
    finally:
        cy.context.close()


def test_a_user_removed_from_the_allowed_list_is_refused(browser, server, access_changed):
    cy = signed_in_page(browser, server, "cy", "cy@example.com", "Cy")
    try:
        access_changed(allowed=["ana@example.com", "bo@example.com"])
        reload_until(cy, "has no access to this server")
        main = sign_in_screen(cy)
        expect(main.get_by_text("cy@example.com")).to_be_visible()
        expect(main.get_by_role("button")).to_have_text([re.compile("Sign out$")])
        # Signing out leads back to the sign-in screen, where another account may be used.
        sign_out(cy, server, where=main)
        expect(sign_in_screen(cy).get_by_role("button")).to_have_text([re.compile("Sign in$")])
        sign_in(cy, server, "bo", "bo@example.com", "Bo Chen")
        expect(cy.get_by_test_id("stSidebar").get_by_text("Bo Chen", exact=True)).to_be_visible()
    finally:
        cy.context.close()
