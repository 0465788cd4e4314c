"""The key's account at its gateway: the model list and the balance, read from the real sandbox
over HTTP in every dialect that has them, the answers' shapes, the Create page's model choices
from a list, and the cache that keeps a page from asking on every run."""

from __future__ import annotations

import pytest

from lib.gateway import account, catalog, errors
from lib.gateway.account import CREDITS, USD, Balance
from lib.gateway.client import GatewayClient
from lib.gateway.profiles import GatewayProfile
from lib.sandbox import FEATURES, SandboxConfig, SandboxGateway
from lib.sandbox import account as sandbox_account
from lib.studio import gateway_account
from tests.conftest import API_KEY


@pytest.fixture(autouse=True)
def _fresh_cache():
    gateway_account.forget()
    yield
    gateway_account.forget()


def profile_of(client: GatewayClient, key: str = API_KEY) -> GatewayProfile:
    return GatewayProfile("gw", client.base_url, key, provider=client.provider.name)


# --- against the sandbox ---------------------------------------------------------------------


def test_the_sandbox_lists_its_models_and_the_create_page_keeps_the_music_ones(client):
    listed = account.gateway_models(client)
    assert listed == list(sandbox_account.MODELS)
    choices = catalog.suno_models_offered("custom", listed)
    assert choices[0] == "chirp-v4" and "chirp-v5-5" in choices  # the table's default, then the gateway's own
    assert "chirp-v3-0" not in choices and "suno_music" not in choices and "gpt-4o-mini" not in choices
    assert catalog.suno_models_offered("cover", listed)[0] == "chirp-v4-tau"


def test_the_balance_moves_as_tasks_are_submitted_and_a_failure_is_refunded(client, sandbox, clock):
    assert account.balance(client) == Balance(sandbox_account.HARD_LIMIT_USD, 0.0, USD)
    client.generate("a song")
    client.submit_lyrics("rain")
    spent = sandbox_account.PRICES_USD["MUSIC"] + sandbox_account.PRICES_USD["LYRICS"]
    found = account.balance(client)
    assert found.used == pytest.approx(spent) and found.left == pytest.approx(sandbox_account.HARD_LIMIT_USD - spent)
    failing = client.generate("a song sandbox:fail=moderation")
    clock.advance(120)
    assert client.fetch_task(failing).is_failure
    assert account.balance(client).used == pytest.approx(spent)
    assert client.fetch_task(client.generate("more")).raw["data"]["quota"] == 50_000


def test_a_gateway_without_the_routes_answers_its_web_page(client, sandbox):
    sandbox.config.offered = frozenset(FEATURES) - {"models", "billing"}
    with pytest.raises(errors.UnsupportedRouteError):
        account.gateway_models(client)
    with pytest.raises(errors.UnsupportedRouteError):
        account.balance(client)


def test_the_cache_asks_once_and_remembers_a_missing_route(client, sandbox, clock):
    profile = profile_of(client)
    assert gateway_account.balance(client, profile, clock=clock).left == sandbox_account.HARD_LIMIT_USD
    assert gateway_account.models(client, profile, clock=clock)[0] == "suno_music"
    sandbox.clear_requests()
    for _ in range(3):
        gateway_account.balance(client, profile, clock=clock)
        gateway_account.models(client, profile, clock=clock)
    assert sandbox.requests == []
    clock.advance(gateway_account.BALANCE_TTL_S + 1)
    sandbox.config.offered = frozenset(FEATURES) - {"billing"}
    assert gateway_account.balance(client, profile, clock=clock) is None  # nothing to show, no error
    assert len(sandbox.requests) == 1
    gateway_account.balance(client, profile, clock=clock)
    assert len(sandbox.requests) == 1  # the missing route is not asked again soon
    other_key = profile_of(client, "another-key")
    assert gateway_account.balance(client, other_key, clock=clock) is None and len(sandbox.requests) == 2


def test_an_unreachable_gateway_shows_nothing(free_port):
    with GatewayClient(f"http://127.0.0.1:{free_port}", API_KEY, backoff=0) as unreachable:
        profile = profile_of(unreachable)
        assert gateway_account.balance(unreachable, profile) is None
        assert gateway_account.models(unreachable, profile) == []


@pytest.mark.parametrize(
    ("provider", "key", "expected"),
    [
        ("sunoapi", API_KEY, Balance(1000, None, CREDITS)),
        ("piapi", API_KEY, Balance(20.0, None, USD)),
        ("suno-api", "", Balance(500, 0, CREDITS)),
    ],
)
def test_each_providers_credit_route_is_read(provider, key, expected):
    with SandboxGateway(SandboxConfig.fast(provider=provider)) as sandbox:
        with GatewayClient(sandbox.url, key, provider=provider) as client:
            assert account.balance(client) == expected
            assert gateway_account.models(client, profile_of(client, key)) == []  # no model list: the catalog
            assert all(API_KEY not in str(r) for r in sandbox.requests)


def test_acedata_shows_its_balance_in_its_console_only():
    with GatewayClient("https://api.acedata.cloud", API_KEY, provider="acedata") as client:
        with pytest.raises(errors.UnsupportedRouteError):
            account.balance(client)


# --- answers' shapes ---------------------------------------------------------------------------


def test_model_lists_are_read_loosely_and_cleaned():
    body = {"data": [{"id": "chirp-v4"}, {"id": "chirp-v4"}, {"id": "<b>x</b>"}, {"id": 5}, "udio32-v1.5", {}]}
    assert account.read_model_ids(body) == ["chirp-v4", "udio32-v1.5"]
    assert account.read_model_ids(["a-1"]) == ["a-1"]
    with pytest.raises(errors.ProtocolError):
        account.read_model_ids({"data": "nope"})


def test_new_api_billing_is_limit_minus_usage_in_cents():
    assert account.read_new_api_balance({"hard_limit_usd": 100.0}, {"total_usage": 2500.0}) == Balance(75.0, 25.0)
    unlimited = account.read_new_api_balance({"hard_limit_usd": 100_000_000}, {"total_usage": 440})
    assert unlimited == Balance(None, 4.4) and unlimited.says_anything
    assert account.read_new_api_balance({}, {"total_usage": 100}) == Balance(None, 1.0)
    with pytest.raises(errors.ProtocolError):
        account.read_new_api_balance({"error": {"message": "no"}}, None)


def test_provider_credit_answers():
    assert account.read_sunoapi_credits({"code": 200, "msg": "success", "data": 42}) == Balance(42, None, CREDITS)
    with pytest.raises(errors.ProtocolError):
        account.read_sunoapi_credits({"code": 401, "msg": "no", "data": None})
    assert account.read_piapi_account({"data": {"credits": 7}}) == Balance(7, None, CREDITS)
    assert account.read_suno_api_limit({"credits_left": 3, "monthly_usage": 2}) == Balance(3, 2, CREDITS)
    with pytest.raises(errors.ProtocolError):
        account.read_piapi_account({"data": {"plan": "free"}})


def test_the_create_page_falls_back_to_the_catalog():
    assert catalog.suno_models_offered("custom", None) == catalog.suno_models_for("custom")
    assert catalog.suno_models_offered("custom", ["gpt-4o", "suno_music"]) == catalog.suno_models_for("custom")
    assert catalog.suno_models_offered("lyrics", ["chirp-v4"]) == []
    assert catalog.suno_models_offered("custom", ["CHIRP-CROW", "chirp-v3.5"]) == ["chirp-crow", "chirp-v3-5"]
    assert catalog.udio_models_offered(["udio130-v1.5", "gpt"]) == ["udio130-v1.5"]
    assert catalog.udio_models_offered([]) == list(catalog.UDIO_MODELS)
