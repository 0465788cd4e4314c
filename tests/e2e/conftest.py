"""Browser journeys: a real ``streamlit run app.py`` with nothing configured (so it runs on its
sandbox gateway), driven by headless Chromium through Playwright. A server may be given secrets
(``StreamlitServer(secrets=...)``); ``sign_in_server`` configures sign-in against the loopback
OpenID provider (tests/oidc_provider.py) and ``signed_in_page`` signs a user in through its form.

Chromium is Debian's (``/usr/bin/chromium``) or ``$CHROMIUM``, else Playwright's own build. With
no browser the tests are skipped with the reason, unless ``REQUIRE_BROWSER`` is set (CI), when
that is a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.oidc_provider import OidcProvider

# An expectation waits for what the app will show, however busy the machine (2 cores run the app,
# its sandbox and Chromium at once); it only decides how long a hang takes to be reported.
expect.set_options(timeout=20_000)

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--autoplay-policy=no-user-gesture-required",
]


def find_chromium() -> str | None:
    for candidate in (
        os.environ.get("CHROMIUM"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and Path(candidate).exists():
            return candidate
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            bundled = p.chromium.executable_path
        return bundled if Path(bundled).exists() else None
    except Exception:
        return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_http(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f} s")


def toml_text(data: Mapping[str, Any], table: str = "") -> str:
    """``data`` as TOML: the subset secrets use (strings, numbers, booleans, lists, tables)."""
    lines, tables = [], []
    for key, value in data.items():
        if isinstance(value, Mapping):
            tables.append(toml_text(value, f"{table}.{key}" if table else key))
        else:
            # JSON's strings, numbers, booleans and lists of them are valid TOML values.
            lines.append(f"{json.dumps(key) if not key.replace('_', '').isalnum() else key} = {json.dumps(value)}")
    head = [f"[{table}]"] if table and (lines or not tables) else []
    return "\n".join([*head, *lines, "", *tables]).strip() + "\n"


class StreamlitServer:
    """``streamlit run app.py`` in a HOME of its own. ``secrets``: what ``~/.streamlit/secrets.toml``
    holds, or a function of the server (its port is chosen first, for a redirect URI).
    ``host``: the name the browser uses (sign-in needs the one its redirect URI names).
    ``task_poll_s``: ``TASK_POLL_S``, the seconds between a followed task's fetches."""

    def __init__(
        self,
        extra_env: dict[str, str] | None = None,
        *,
        secrets: Mapping[str, Any] | Callable[[StreamlitServer], Mapping[str, Any]] | None = None,
        host: str = "127.0.0.1",
        task_poll_s: float | None = 1.0,
    ) -> None:
        self.port = free_port()
        self.url = f"http://{host}:{self.port}"
        self.home = tempfile.mkdtemp(prefix="mts-home-")
        self.log_path = Path(self.home) / "streamlit.log"
        self.oidc_provider: OidcProvider | None = None  # set by sign_in_server
        if secrets is not None:
            self.write_secrets(secrets(self) if callable(secrets) else secrets)
        # Nothing configured, as for a newcomer: no gateway, and a library of its own.
        env = {k: v for k, v in os.environ.items() if not k.startswith("GATEWAY_") and k != "HISTORY_DATABASE_URL"}
        env.update(
            {
                "HOME": self.home,
                "MUSIC_TASK_STUDIO_DATA_DIR": str(Path(self.home) / "data"),
                "SANDBOX_FAST": "1",
                "SANDBOX_PORT": str(free_port()),  # not this test process's sandbox port
                # The fast sandbox finishes a task in about a second: a journey need not wait the
                # 5 s a real gateway gets between fetches. None: the app's default (load figures).
                "TASK_POLL_S": "" if task_poll_s is None else f"{task_poll_s:g}",
                **(extra_env or {}),
            }
        )
        self._log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "app.py",
                "--server.headless=true",
                "--server.address=127.0.0.1",
                f"--server.port={self.port}",
                "--browser.gatherUsageStats=false",
                "--server.fileWatcherType=none",
            ],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for_http(f"http://127.0.0.1:{self.port}/_stcore/health")
        except Exception:
            self.stop()
            raise

    @property
    def secrets_path(self) -> Path:
        return Path(self.home) / ".streamlit" / "secrets.toml"

    def write_secrets(self, secrets: Mapping[str, Any]) -> None:
        """Replaces the secrets; a running server notices within a second (Streamlit polls the
        file) and the app reads them on its next run."""
        self.secrets_path.parent.mkdir(exist_ok=True)
        self.secrets_path.write_text(toml_text(secrets))

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self._log.close()


def sign_in_server(
    provider: OidcProvider,
    access: Mapping[str, Any] | None = None,
    extra_env: dict[str, str] | None = None,
    secrets: Mapping[str, Any] | None = None,
) -> StreamlitServer:
    """The app with ``[auth]`` against ``provider`` (and ``[access]``, when given), browsed as
    ``localhost`` while the provider is ``127.0.0.1``: cookies are per host, not per port, so the
    provider's and the app's never collide. ``secrets``: more of secrets.toml (the operator's
    ``[gateways.<name>]``). Stop it with ``server.stop()``."""
    server = StreamlitServer(
        extra_env, secrets=lambda s: {**sign_in_secrets(s, provider, access), **(secrets or {})}, host="localhost"
    )
    server.oidc_provider = provider
    return server


def sign_in_secrets(
    server: StreamlitServer, provider: OidcProvider, access: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """``[auth]`` for ``server`` (its own callback) and ``[access]``: to rewrite them mid-test."""
    return provider.auth_secrets(f"{server.url}/oauth2callback", access)


SIGN_IN = {"en": "Sign in", "zh": "登录"}
SIGN_OUT = {"en": "Sign out", "zh": "退出登录"}


def sign_in(page, server: StreamlitServer, sub: str, email: str | None = None, name: str | None = None) -> None:
    """What a visitor does on the sign-in screen: *Sign in*, then the provider's form as ``sub``.
    The provider gives ``sub`` the claims ``email`` (default ``<sub>@example.com``) and ``name``
    (default ``sub``). Ends on the app, signed in or told why not."""
    provider = server.oidc_provider
    assert provider is not None, "a server from sign_in_server()"
    provider.set_user(sub, email=email or f"{sub}@example.com", name=name or sub)
    if not page.url.startswith(server.url):
        page.goto(server.url)
    wait_for_app(page)
    page.get_by_role("button", name=SIGN_IN["zh" if page_language(page) == "zh" else "en"]).click()
    page.wait_for_url(f"{provider.url}/oauth2/authorize**")
    page.locator("input[name='sub']").fill(sub)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{server.url}/**")
    wait_for_app(page)


def signed_in_page(
    browser, server: StreamlitServer, sub: str, email: str | None = None, name: str | None = None, **context: Any
):
    """A page of a browser context of its own, signed in to ``server`` as ``sub`` through the
    provider's real form; the sidebar shows ``name``. ``context``: Playwright's new_context
    options (viewport 1400 x 1000 and locale en-US unless given). Close it with
    ``page.context.close()``."""
    options = {"viewport": {"width": 1400, "height": 1000}, "locale": "en-US", **context}
    page = browser.new_context(**options).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors  # type: ignore[attr-defined]
    sign_in(page, server, sub, email, name)
    expect(page.get_by_test_id("stSidebar").get_by_text(name or sub, exact=True)).to_be_visible()
    return page


def sign_out(page, server: StreamlitServer, where=None) -> None:
    """*Sign out* in the sidebar (or in ``where``, as the refused screen's): Streamlit forgets the
    sign-in and sends the browser to the provider's end-session page (the loopback provider asks
    to confirm), then back to the app."""
    lang = "zh" if page_language(page) == "zh" else "en"
    (where or page.get_by_test_id("stSidebar")).get_by_role("button", name=SIGN_OUT[lang]).click()
    if server.oidc_provider is not None:  # the provider's end-session page, which asks to confirm
        page.wait_for_url(f"{server.oidc_provider.url}/oauth2/end_session**")
        page.get_by_role("button", name="End session").click()
    page.wait_for_url(f"{server.url}/**")
    wait_for_app(page)


def page_language(page) -> str:
    return page.evaluate("() => navigator.language").split("-")[0].lower()


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = find_chromium()
    if path is None:
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail("REQUIRE_BROWSER is set but no Chromium was found (apt-get install chromium)")
        pytest.skip("no Chromium found: install Debian's chromium or set CHROMIUM to run browser tests")
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def app_server(chromium_path):
    server = StreamlitServer()
    yield server
    server.stop()
    log = server.log()
    assert "Traceback" not in log, log[-4000:]


@pytest.fixture(scope="module")
def studio(browser):
    """The app with its in-process sandbox on a known port (``studio.sandbox_url``), tasks finishing
    in about a second: for tests that submit to the app's own sandbox from the test process. The
    app's first run starts that sandbox in the background: a visit is made, and the sandbox waited
    for, before any test talks to it (a test that raced it met a refused connection)."""
    port = free_port()
    server = StreamlitServer({"SANDBOX_PORT": str(port)})
    server.sandbox_url = f"http://127.0.0.1:{port}"
    context = browser.new_context()
    try:
        first = context.new_page()
        first.goto(server.url)
        wait_for_app(first)
        wait_for_http(f"{server.sandbox_url}/_sandbox/health")
    finally:
        context.close()
    yield server
    server.stop()
    assert "Traceback" not in server.log(), server.log()[-4000:]


@pytest.fixture(scope="module")
def own_gateway():
    """A gateway of the test's own: a sandbox in this process (it records every request), tasks
    done in about a second, for a test to type in as *Custom gateway…*."""
    from lib.sandbox import SandboxConfig, SandboxGateway

    sandbox = SandboxGateway(SandboxConfig.fast(), port=free_port()).start()
    yield sandbox
    sandbox.stop()


@pytest.fixture(scope="module")
def custom_gateway_app(chromium_path):
    """The app, allowed to reach a custom gateway on loopback (``own_gateway``)."""
    server = StreamlitServer({"ALLOW_PRIVATE_CUSTOM_GATEWAYS": "1", "SANDBOX_PORT": str(free_port())})
    yield server
    server.stop()
    assert "Traceback" not in server.log(), server.log()[-4000:]


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors  # type: ignore[attr-defined]
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    if request.node.rep_call.failed if hasattr(request.node, "rep_call") else False:
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-failure.png"))
    context.close()


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def wait_for_app(page, timeout: float = 30_000) -> None:
    """Streamlit's own recipe: let a rerun start, then wait until the script is idle."""
    page.wait_for_timeout(250)
    page.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']", timeout=timeout)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout)
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=timeout)


def wait_for_covers(page, timeout: float = 15_000) -> None:
    """Every cover image has finished loading and decoded to real pixels (images load after the DOM)."""
    page.wait_for_function(
        "() => { const imgs = [...document.querySelectorAll('[data-testid=stImage] img')];"
        " return imgs.length > 0 && imgs.every(i => i.complete && i.naturalWidth > 0); }",
        timeout=timeout,
    )


CUSTOM_OPTION = {"en": "Custom gateway…", "zh": "自定义网关…"}
API_KEY_LABEL = {"en": "API key (this session only)", "zh": "API 密钥（仅本次会话）"}


def use_custom_gateway(page, base_url: str, key: str, lang: str = "en") -> None:
    """What a visitor does in the sidebar: pick *Custom gateway…*, type its address, then a key."""
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_test_id("stSelectbox").first.click()
    page.get_by_role("option", name=CUSTOM_OPTION[lang]).click()
    wait_for_app(page)
    field = sidebar.get_by_role("textbox", name="Base URL")
    field.fill(base_url)
    field.press("Enter")
    key_field = custom_key_field(page, base_url, lang)
    key_field.fill(key)
    key_field.press("Enter")
    key_taken(page, lang)


USING_HOST = {"en": "Using {name} · {host}", "zh": "当前：{name} · {host}"}
NO_KEY = {"en": "This gateway has no API key yet", "zh": "该网关还没有 API 密钥"}


def custom_key_field(page, base_url: str, lang: str = "en"):
    """The key field of the custom gateway at ``base_url``, once the server has drawn it. The field
    is one per gateway address (a key typed for one is never sent to another), so a key typed while
    the run for the new address is still on its way lands in the old address's field and is
    forgotten with it: wait for the sidebar's "Using custom · host" line first."""
    sidebar = page.get_by_test_id("stSidebar")
    host = urlsplit(base_url).netloc
    expect(sidebar.get_by_text(USING_HOST[lang].format(name="custom", host=host))).to_be_visible()
    wait_for_app(page)
    return sidebar.locator(f"input[aria-label='{API_KEY_LABEL[lang]}']")


def key_taken(page, lang: str = "en") -> None:
    """The server has the key typed into the sidebar's key field: its "no API key yet" warning went."""
    expect(page.get_by_test_id("stSidebar").get_by_text(NO_KEY[lang])).to_have_count(0)
    wait_for_app(page)


PAID_BUTTONS = {"en": ("Send", "Cancel"), "zh": ("发送", "取消")}


def confirm_paid(page, lang: str = "en", *, send: bool = True):
    """Answer the paid-request dialog (lib/ui/paid_confirm.py) a configured gateway shows before a
    paid POST: *Send*, or *Cancel* when ``send`` is False. Waits for it to open and to close."""
    dialog = page.get_by_test_id("stDialog")
    expect(dialog).to_be_visible(timeout=30_000)
    wait_for_app(page)
    label = PAID_BUTTONS[lang][0 if send else 1]
    dialog.get_by_role("button", name=label, exact=False).click()
    expect(dialog).to_have_count(0, timeout=30_000)


def open_tools_menu(page, index: int = 0):
    """Opens the *Song tools* menu of a song card's action row (the ``index``-th card's); returns
    the open menu, where the tools' tabs are."""
    page.locator("[class*='st-key-tools-'] button:visible").nth(index).click()
    tools = page.get_by_test_id("stPopoverBody")
    expect(tools).to_be_visible()
    wait_for_app(page)  # opening it reruns the page (its open state is kept): a click during that run is lost
    return tools


def open_tab(page, root, name: str, exact: bool = False):
    """Clicks the tab ``name`` under ``root`` and waits until it is the chosen one and the run it
    asked for ended (a click that lands while another run redraws the tabs is clicked again)."""
    tab = root.get_by_role("tab", name=name, exact=exact)
    for _ in range(3):
        wait_for_app(page)
        tab.click()
        try:
            expect(tab).to_have_attribute("aria-selected", "true", timeout=5_000)
            wait_for_app(page)
            if tab.get_attribute("aria-selected") == "true":
                return tab
        except AssertionError:
            pass
    expect(tab).to_have_attribute("aria-selected", "true")
    return tab


def open_download_menu(page, index: int = 0):
    """Opens the Download menu (audio, cover image, lyrics) of the ``index``-th song card."""
    page.locator("[class*='st-key-card-download-'] button:visible").nth(index).click()
    menu = page.get_by_test_id("stPopoverBody")
    expect(menu).to_be_visible()
    return menu


def open_lyrics(root, index: int = 0) -> None:
    """Unfolds the lyrics of the ``index``-th song card under ``root`` (folded by default)."""
    root.locator("[class*='st-key-card-lyrics-'] summary").nth(index).click()


def open_finished_task(page, app_url: str, task_id: str, platform: str = "suno"):
    """The Task page on ``task_id``, once it shows the task as succeeded; returns the main area."""
    page.goto(f"{app_url}/task?id={task_id}&platform={platform}")
    wait_for_app(page)
    main = page.get_by_test_id("stMainBlockContainer")
    expect(main.get_by_text("Succeeded")).to_be_visible(timeout=30_000)
    wait_for_app(page)
    return main


def export_button(page, label: str):
    """A download button of the History page's *Export* menu (CSV or JSON), the menu opened first."""
    page.locator(".st-key-history_toolbar").get_by_role("button").filter(has_text="Export").first.click()
    menu = page.get_by_test_id("stPopoverBody")
    expect(menu).to_be_visible()
    return menu.get_by_role("button", name=label)
