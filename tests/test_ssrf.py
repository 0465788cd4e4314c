"""Issue 12, finding 1: a gateway typed in the browser ("Custom gateway…") must not make the server
request its own neighbourhood — loopback, private networks, link-local cloud metadata — checked
after name resolution, at connect time and on every redirect; redirects are few, checked, and
never carry the key to another server; a base URL with a query, fragment or user info is refused.
Gateways the operator configured (and the app's sandbox) may live anywhere. Real HTTP on
127.0.0.1 throughout (``tests.loopback_gateway``)."""

from __future__ import annotations

import json

import pytest
import requests

from lib.gateway import GatewayClient, errors
from lib.gateway.addresses import ALLOW_SETTING, is_global_address, is_public_url
from lib.gateway.guarded_http import GuardedAdapter
from tests.apptest import ACCOUNT_PATHS, TASK_PAGE, api_key_field, open_app
from tests.conftest import API_KEY
from tests.loopback_gateway import LoopbackGateway, default_answer, task_json

NOT_PUBLIC = [
    "127.0.0.1",
    "127.8.9.10",
    "::1",
    "0.0.0.0",
    "::",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",  # AWS, GCP, Azure metadata
    "fd00:ec2::254",  # AWS metadata over IPv6
    "100.100.100.200",  # Alibaba Cloud metadata (shared address space)
    "100.64.0.1",  # CGNAT
    "fe80::1",
    "fd12:3456::1",
    "224.0.0.1",
    "ff02::1",
    "240.0.0.1",
    "255.255.255.255",
    "198.18.0.1",
    "192.0.0.170",
    "2001:db8::1",
    "::ffff:127.0.0.1",  # IPv4-mapped
    "::ffff:169.254.169.254",
    "2002:a9fe:a9fe::1",  # 6to4 around 169.254.169.254
    "64:ff9b::7f00:1",  # NAT64 around 127.0.0.1
    "64:ff9b::a9fe:a9fe",  # NAT64 around 169.254.169.254
]


@pytest.fixture
def neighbour():
    """A private service on the server's own machine: it would answer anyone."""
    with LoopbackGateway() as gateway:
        yield gateway


@pytest.mark.parametrize("address", NOT_PUBLIC)
def test_addresses_of_the_neighbourhood_are_not_public(address):
    assert not is_global_address(address)


def test_global_addresses_are_public():
    for address in ("8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "64:ff9b::808:808", "2002:808:808::1"):
        assert is_global_address(address), address
    assert is_public_url("http://8.8.8.8/x") and not is_public_url("http://2130706433/x")  # 127.0.0.1 as a number


def _typed(url: str, **options) -> GatewayClient:
    return GatewayClient(url, API_KEY, backoff=0, sleep=lambda s: None, public_only=True, **options)


@pytest.mark.parametrize(
    "spelling",
    [
        "http://127.0.0.1:{port}",
        "http://localhost:{port}",
        "http://2130706433:{port}",  # 127.0.0.1 as one number
        "http://0x7f.1:{port}",  # and in hex, shortened
        "http://[::ffff:127.0.0.1]:{port}",
        "http://0.0.0.0:{port}",
        "http://169.254.169.254",
        "http://[fd00:ec2::254]",
    ],
)
def test_a_typed_gateway_on_a_private_address_is_refused_before_anything_is_sent(neighbour, spelling):
    url = spelling.format(port=neighbour.port)
    with _typed(url) as client:
        with pytest.raises(errors.AddressRefusedError) as fetch:
            client.fetch_task("abc")
        with pytest.raises(errors.AddressRefusedError):
            client.generate("a paid song")  # nothing sent: not "outcome unknown"
    assert neighbour.requests == []
    assert fetch.value.kind == "address_refused" and isinstance(fetch.value, errors.InvalidInputError)
    assert ALLOW_SETTING in str(fetch.value)  # the refusal says how the operator allows it


def test_the_operators_gateway_may_live_on_loopback(neighbour):
    with GatewayClient(neighbour.url, API_KEY) as client:  # configured: public_only is off
        assert client.fetch_task("abc").task_id == "abc"
    assert neighbour.requests[0].headers["Authorization"] == f"Bearer {API_KEY}"


def test_the_address_is_checked_again_at_connect_time(neighbour):
    """The adapter resolves, checks and connects to the checked address itself, so a name that
    changes its answer between the transport's check and the connection (DNS rebinding) gains
    nothing: here the transport's check is skipped altogether, and the connection still refuses."""
    session = requests.Session()
    session.mount("http://", GuardedAdapter(public_only=True))
    with pytest.raises(errors.AddressRefusedError):
        session.get(f"http://localhost:{neighbour.port}/suno/fetch/x", timeout=5)
    session.close()
    assert neighbour.requests == []


@pytest.mark.parametrize(
    "url, part",
    [
        ("https://api.example.com/?next=", "query"),
        ("https://api.example.com/#", "fragment"),
        ("https://api.example.com/suno?x=1#y", "query"),
        ("https://user:secret@api.example.com", "user name"),
        ("https://attacker.example@127.0.0.1:8080", "user name"),
    ],
)
def test_a_base_url_with_a_query_fragment_or_user_info_is_refused(url, part):
    with pytest.raises(errors.InvalidInputError, match=f"cannot carry .*{part}"):
        GatewayClient(url, API_KEY)


# --- redirects ------------------------------------------------------------------------------


def _redirecting(location_of) -> LoopbackGateway:
    def answer(request):
        location = location_of(request)
        if location:
            return 302, {"Location": location}, b""
        return default_answer(request)

    return LoopbackGateway(answer)


def test_a_redirect_on_the_same_server_is_followed_with_the_key():
    with _redirecting(lambda r: "/suno/fetch/moved" if r.path.endswith("/old") else None) as gateway:
        with GatewayClient(gateway.url, API_KEY) as client:
            assert client.fetch_task("old").task_id == "moved"
        assert [r.path for r in gateway.requests] == ["/suno/fetch/old", "/suno/fetch/moved"]
        assert all(r.headers.get("Authorization") == f"Bearer {API_KEY}" for r in gateway.requests)


def test_at_most_three_redirects_are_followed():
    with _redirecting(lambda r: f"{r.path}x") as gateway:
        with GatewayClient(gateway.url, API_KEY, max_retries=0) as client:
            with pytest.raises(errors.ProtocolError, match="more than 3"):
                client.fetch_task("loop")
        assert len(gateway.requests) == 4


def test_a_redirect_into_another_private_service_is_refused(neighbour):
    """Even from the operator's own gateway: an API redirect may leave for a public server only."""
    with _redirecting(lambda r: f"{neighbour.url}/admin/secrets") as gateway:
        with GatewayClient(gateway.url, API_KEY, max_retries=0) as client:
            with pytest.raises(errors.AddressRefusedError, match="redirected"):
                client.fetch_task("abc")
        with GatewayClient(gateway.url, API_KEY, max_retries=0) as client:
            with pytest.raises(errors.ProtocolError, match="not http"):
                gateway.answer = lambda r: (302, {"Location": "file:///etc/passwd"}, b"")
                client.fetch_task("abc")
    assert neighbour.requests == []


def test_a_paid_post_is_never_redirected(neighbour):
    with _redirecting(lambda r: "/suno/submit/elsewhere") as gateway:
        with GatewayClient(gateway.url, API_KEY) as client:
            with pytest.raises(errors.GatewayError):
                client.generate("a paid song")
        assert [r.path for r in gateway.requests] == ["/suno/submit/music"]


def test_the_key_never_follows_a_redirect_to_another_server(monkeypatch):
    """A redirect to a public server is followed without the key. The public server is reached
    through an HTTP proxy on loopback (tests have no internet), which sees the request as sent."""
    public = "http://93.184.216.34/landing/public-task"
    with LoopbackGateway() as proxy, _redirecting(lambda r: public if "public" not in r.path else None) as gateway:
        for name in ("ALL_PROXY", "all_proxy", "HTTPS_PROXY", "https_proxy", "http_proxy"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
        with GatewayClient(gateway.url, API_KEY, max_retries=0) as client:
            assert client.fetch_task("abc").task_id == "public-task"
        assert gateway.requests[0].headers.get("Authorization") == f"Bearer {API_KEY}"
        [landing] = proxy.requests
        assert landing.path == public  # the proxy was asked for the public URL
        assert "Authorization" not in landing.headers and API_KEY not in json.dumps(landing.headers)


# --- in the app -----------------------------------------------------------------------------


def _open_on_custom_gateway(base_url: str, task_id: str):
    at = open_app()
    at.sidebar.selectbox(key="gateway::en").set_value("custom").run()
    at.sidebar.text_input(key="custom_base_url::en").input(base_url).run()
    api_key_field(at).input("sk-typed-0042").run()
    at.switch_page(TASK_PAGE).run()
    at.text_area(key="task_input::en").input(task_id)
    at.form_submit_button[0].click().run()
    assert not at.exception, at.exception
    return at


@pytest.fixture
def unconfigured(monkeypatch):
    for name in ("GATEWAY_BASE_URL", "GATEWAY_API_KEY", "GATEWAY_NAME", ALLOW_SETTING):
        monkeypatch.delenv(name, raising=False)


def test_the_task_page_shows_the_refusal_not_the_private_answer(unconfigured):
    secret = "private-service-answer-7731"
    with LoopbackGateway(lambda r: (200, {}, json.dumps(task_json("t-1", title=secret)).encode())) as private:
        at = _open_on_custom_gateway(private.url, "t-1")
        assert private.requests == []
    shown = " ".join(e.value for e in [*at.error, *at.caption, *at.markdown]).replace("\\", "")  # markdown escapes
    assert "That gateway address is not allowed" in shown and ALLOW_SETTING in shown
    assert secret not in shown


def test_the_operator_can_allow_private_custom_gateways(unconfigured, monkeypatch):
    monkeypatch.setenv(ALLOW_SETTING, "1")
    with LoopbackGateway() as private:
        at = _open_on_custom_gateway(private.url, "t-2")
        assert [r.path for r in private.requests if not r.path.startswith(ACCOUNT_PATHS)][:1] == ["/suno/fetch/t-2"]
    assert not at.error


def test_a_custom_gateway_at_the_operators_own_address_is_allowed(unconfigured, monkeypatch):
    """Typing the address of a gateway the operator configured reaches nothing new."""
    with LoopbackGateway() as operators:
        monkeypatch.setenv("GATEWAY_BASE_URL", operators.url)
        at = _open_on_custom_gateway(operators.url + "/", "t-3")
        work = [r for r in operators.requests if not r.path.startswith(ACCOUNT_PATHS)]
        assert [r.path for r in work][:1] == ["/suno/fetch/t-3"]
        assert all(r.headers["Authorization"] == "Bearer sk-typed-0042" for r in operators.requests)
    assert not at.error


def test_the_sidebar_says_what_to_drop_from_a_base_url(unconfigured):
    at = open_app()
    at.sidebar.selectbox(key="gateway::en").set_value("custom").run()
    at.sidebar.text_input(key="custom_base_url::en").input("https://api.example.com/?").run()
    assert any("without a query" in w.value for w in at.sidebar.warning)
