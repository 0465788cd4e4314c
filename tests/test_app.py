"""The frame through AppTest: every page starts from app.py, on the sandbox when nothing is set."""

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest import api_key_field, has_api_key_field, open_app

PAGES = ["app_pages/create.py", "app_pages/task.py", "app_pages/history.py"]


@pytest.fixture
def unconfigured(monkeypatch):
    for name in ("GATEWAY_BASE_URL", "GATEWAY_API_KEY", "GATEWAY_NAME"):
        monkeypatch.delenv(name, raising=False)


def run_app(page: str | None = None, locale: str = "en-US") -> AppTest:
    return open_app(page, locale, check=False)


@pytest.mark.parametrize("page", [None, *PAGES])
def test_every_page_starts_without_exception(unconfigured, page):
    at = run_app(page)
    assert not at.exception
    assert len(at.title) == 1
    assert at.sidebar.selectbox(key="gateway::en").value == "sandbox"


def sandbox_notice(at: AppTest) -> tuple[str, str]:
    """The sidebar's sandbox badge, and what its *More* popover explains."""
    badge = " ".join(m.value for m in at.sidebar.markdown if "-badge[" in m.value)
    more = " ".join(m.value for popover in at.sidebar.get("popover") for m in popover.markdown)
    return badge, more


def test_sandbox_is_announced_as_an_offline_demo(unconfigured):
    at = run_app()
    badge, more = sandbox_notice(at)
    assert "Offline demo" in badge
    assert "Sandbox — offline demo, synthesized placeholder music" in more
    assert "free" in more and "GATEWAY_BASE_URL" in more  # what it is, and how to leave it
    assert not at.sidebar.info  # a badge, not a block on every page
    assert not has_api_key_field(at)  # no key needed


def test_language_follows_locale_and_switches(unconfigured):
    at = run_app(locale="zh-CN")
    assert at.title[0].value == "创作"
    badge, more = sandbox_notice(at)
    assert "离线演示" in badge and "沙盒 — 离线演示" in more
    at.sidebar.segmented_control(key="lang").set_value("en").run()
    assert at.title[0].value == "Create"
    assert not at.exception


def test_configured_gateway_is_default_and_key_stays_out_of_the_page(monkeypatch):
    monkeypatch.setenv("GATEWAY_BASE_URL", "https://api.example.com/v1/")
    monkeypatch.setenv("GATEWAY_API_KEY", "sk-canary-0123456789")
    at = run_app()
    picker = at.sidebar.selectbox(key="gateway::en")
    assert picker.value == "env" and picker.options == ["env", "Sandbox (offline demo)", "Custom gateway…"]
    assert "api.example.com" in at.sidebar.caption[0].value.replace("\\", "")
    assert not at.sidebar.info  # no sandbox banner on a real gateway
    assert sandbox_notice(at)[0] == ""  # nor its badge
    key_field = api_key_field(at)
    assert key_field.value == ""  # the configured key is never echoed into a widget
    rendered = repr([e for e in at.main]) + repr([e for e in at.sidebar])
    assert "sk-canary-0123456789" not in rendered


def test_custom_gateway_asks_for_url_and_key(unconfigured):
    at = run_app()
    at.sidebar.selectbox(key="gateway::en").set_value("custom").run()
    at.sidebar.text_input(key="custom_base_url::en").input("ftp://nope").run()
    assert any("not an http(s) address" in w.value for w in at.sidebar.warning)
    at.sidebar.text_input(key="custom_base_url::en").input("https://api.gpt.ge").run()
    assert any("no API key" in w.value for w in at.sidebar.warning)
    api_key_field(at).input("sk-session").run()
    assert not at.sidebar.warning and not at.exception
