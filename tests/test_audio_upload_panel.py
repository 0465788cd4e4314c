"""The Create page's *Use your own audio* panel through AppTest: drawn on Extend and Cover only, in
both languages, and not for a dialect without the upload routes."""

from __future__ import annotations

import pytest

from lib.i18n import t
from lib.sandbox import SandboxConfig, SandboxGateway
from tests.apptest import CREATE_PAGE, open_app, wkey
from tests.conftest import API_KEY


@pytest.fixture
def studio(on_sandbox, library):
    return library


def panel_titles(at) -> list[str]:
    return [e.label for e in at.expander if "upload" in e.label.lower() or "上传" in e.label]


def choose(at, mode: str):
    at.session_state[wkey("cf_mode_suno", at.session_state["lang"])] = mode
    return at.run()


@pytest.mark.parametrize("locale, lang", [("en-US", "en"), ("zh-CN", "zh")])
def test_the_panel_is_offered_on_extend_and_cover_only(studio, locale, lang):
    at = open_app(CREATE_PAGE, locale)
    title = t("upload.title", lang)
    for mode, shown in (("inspiration", False), ("extend", True), ("cover", True), ("upload", False)):
        at = choose(at, mode)
        assert not at.exception, at.exception
        assert (title in panel_titles(at)) is shown, (mode, panel_titles(at))
    assert [b for b in at.button if b.key == "au_send"] == []


def test_a_dialect_without_the_upload_routes_gets_no_panel(clock, library, monkeypatch):
    with SandboxGateway(SandboxConfig(provider="sunoapi"), clock=clock) as gateway:
        monkeypatch.setenv("GATEWAY_BASE_URL", gateway.url)
        monkeypatch.setenv("GATEWAY_API_KEY", API_KEY)
        monkeypatch.setenv("GATEWAY_PROVIDER", "sunoapi")
        at = choose(open_app(CREATE_PAGE), "extend")  # sunoapi.org extends generated clips only
        assert not at.exception, at.exception
        assert at.session_state[wkey("cf_mode_suno", "en")] == "extend"
        assert panel_titles(at) == []
