"""The Create page per provider (issue 16), through AppTest against a sandbox speaking that
provider's dialect: only the modes the provider has are offered, the preview and the code show its
own route and body, and Submit sends exactly that to its route and lands on the task."""

from __future__ import annotations

import pytest

from lib.gateway import providers
from lib.sandbox import SandboxConfig, SandboxGateway
from lib.studio import provider_modes
from tests.apptest import CREATE_PAGE, confirm_paid, dialogs, open_app, wkey
from tests.conftest import API_KEY

DIALECTS = [name for name in providers.NAMES if name != providers.DEFAULT]


@pytest.fixture
def dialect_gateway(request, clock, library, monkeypatch):
    """A sandbox speaking ``request.param``, configured as the app's gateway with that provider."""
    gateway = SandboxGateway(SandboxConfig(provider=request.param), clock=clock).start()
    monkeypatch.setenv("GATEWAY_BASE_URL", gateway.url)
    monkeypatch.setenv("GATEWAY_API_KEY", API_KEY)
    monkeypatch.setenv("GATEWAY_PROVIDER", request.param)
    try:
        yield gateway
    finally:
        gateway.stop()


def _mode_box(at):
    return next(box for box in at.selectbox if str(box.key or "").startswith("cf_mode_suno"))


def _button(at, key: str):
    return next(b for b in at.button if b.key == key)


@pytest.mark.parametrize("dialect_gateway", DIALECTS, indirect=True)
def test_only_the_providers_modes_are_offered_and_its_request_is_sent(dialect_gateway, library):
    name = dialect_gateway.config.provider
    at = open_app(CREATE_PAGE)
    offered = provider_modes.offered_modes(name)
    assert len(_mode_box(at).options) == len(offered["suno"])
    assert any(name in c.value or providers.get(name).label in c.value for c in at.caption)
    at.session_state[wkey("cf_suno_description")] = "a synthwave song about night drives"
    _button(at, "cf_preview_button").click().run()
    route = providers.get(name).modes["suno", "inspiration"].path
    assert any(route in m.value for m in at.markdown), [m.value for m in at.markdown]
    codes = [c.value for c in at.code]
    assert codes and all(API_KEY not in c for c in codes)
    assert any(route in c for c in codes)
    at = _button(at, "cf_submit_button").click().run()
    if dialogs(at):
        at = confirm_paid(at)
    assert not at.exception, at.exception
    [sent] = [r for r in dialog_posts(dialect_gateway) if r["path"].split("?")[0] == route]
    assert "night drives" in str(sent["body"])
    task_id = at.query_params["id"]
    assert task_id and library.find(task_id) is not None


def dialog_posts(gateway) -> list[dict]:
    return [r for r in gateway.requests if r["method"] == "POST"]


@pytest.mark.parametrize("dialect_gateway", ["piapi"], indirect=True)
def test_a_platform_the_provider_offers_one_mode_of_lists_only_that(dialect_gateway):
    at = open_app(CREATE_PAGE)
    at.session_state[wkey("cf_platform")] = "udio"
    at.run()
    box = next(b for b in at.selectbox if str(b.key or "").startswith("cf_mode_udio"))
    assert len(box.options) == len(provider_modes.offered_modes("piapi")["udio"]) == 1


@pytest.mark.parametrize("dialect_gateway", ["sunoapi"], indirect=True)
def test_a_platform_the_provider_lacks_is_not_offered_even_when_chosen_before(dialect_gateway):
    assert "udio" not in provider_modes.offered_modes("sunoapi")
    at = open_app(CREATE_PAGE)
    at.session_state[wkey("cf_platform")] = "udio"  # kept from a gateway that had Udio
    at.run()
    assert not at.exception, at.exception
    assert at.session_state[wkey("cf_platform")] == "suno"
    assert not [b for b in at.selectbox if str(b.key or "").startswith("cf_mode_udio")]
    assert _mode_box(at) is not None
