"""Shared fixtures: a real sandbox gateway on 127.0.0.1 driven by a manual clock, and a client.

Nothing here mocks our own code: tests talk real HTTP to ``lib.sandbox.SandboxGateway``. Time is
moved with ``clock.advance(seconds)`` instead of sleeping, and the client's retry pauses go to a
recorder (``client.slept`` / the ``slept`` fixture) instead of ``time.sleep``.
"""

from __future__ import annotations

import os
import socket
import sys
import tempfile
import uuid

import pytest
import sqlalchemy as sa

from lib.gateway.client import GatewayClient
from lib.library.store import HistoryStore
from lib.sandbox import ManualClock, SandboxConfig, SandboxGateway
from tests.oidc_provider import oidc_provider  # noqa: F401  (a session fixture: the loopback OIDC provider)

API_KEY = "test-key"
# A PostgreSQL server for the history store's tests, e.g. postgresql+psycopg://postgres@127.0.0.1:54329/postgres
# (.ci/run starts one); each test gets a database of its own, created and dropped here.
POSTGRES_ENV = "HISTORY_TEST_POSTGRES_URL"
# Every default-timeline task (Suno 24-36 s, lyrics 3 s, uploads 3 s, Udio 24-36 s) is done by then.
PAST_DONE = 40.0


_MAIN = sys.modules["__main__"]


@pytest.fixture(autouse=True)
def _restore_main_module():
    """AppTest runs app.py as ``__main__`` and leaves it there; a process started with "spawn"
    afterwards would then run the app instead of the test's worker function."""
    yield
    sys.modules["__main__"] = _MAIN


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def sandbox(clock: ManualClock):
    """A started sandbox gateway with the default (minutes-scale) timeline and the manual clock."""
    gateway = SandboxGateway(SandboxConfig(), clock=clock).start()
    try:
        yield gateway
    finally:
        gateway.stop()


@pytest.fixture
def on_sandbox(sandbox, monkeypatch):
    """The app configured with the test sandbox as its gateway (for AppTest)."""
    monkeypatch.setenv("GATEWAY_BASE_URL", sandbox.url)
    monkeypatch.setenv("GATEWAY_API_KEY", API_KEY)
    return sandbox


@pytest.fixture
def library(tmp_path, monkeypatch):
    """The app's library for this test: a SQLite file of its own, which the app (AppTest runs it in
    this process) opens too. ``library.path`` is the file, to search it byte by byte."""
    path = tmp_path / "library.db"
    monkeypatch.setenv("HISTORY_DATABASE_URL", f"sqlite:///{path}")
    store = HistoryStore(f"sqlite:///{path}")
    store.path = path  # type: ignore[attr-defined]
    try:
        yield store
    finally:
        store.close()


@pytest.fixture
def slept() -> list[float]:
    """The delays the ``client`` fixture asked to sleep, in order."""
    return []


@pytest.fixture
def client(sandbox: SandboxGateway, slept: list[float]):
    """``GatewayClient`` to the sandbox with key ``test-key``, backoff 0 and a sleep recorder."""
    gateway_client = GatewayClient(sandbox.url, API_KEY, backoff=0, sleep=slept.append)
    gateway_client.slept = slept  # type: ignore[attr-defined]
    try:
        yield gateway_client
    finally:
        gateway_client.close()


@pytest.fixture
def free_port() -> int:
    """A loopback port nothing listens on (bound once, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# The longest modules, longest first (measured with --durations). pytest-xdist (pytest.ini: three
# workers, a module per worker at a time) hands modules out in collection order: one of these
# started last would keep a worker busy for minutes after the others have finished.
LONGEST_FIRST = (  # by their time in a three-process CI run (2026-12-03), longest first
    "tests/e2e/test_v1_and_midi.py",
    "tests/e2e/test_provider_journeys.py",
    "tests/e2e/test_library_tools.py",
    "tests/e2e/test_history.py",
    "tests/test_benchmarks.py",
    "tests/e2e/test_product_wording.py",
    "tests/e2e/test_sign_in.py",
    "tests/e2e/test_page_tour.py",
    "tests/e2e/test_song_card.py",
    "tests/test_faults.py",
    "tests/e2e/test_session_state.py",
    "tests/test_song_tools_page.py",
    "tests/e2e/test_security.py",
    "tests/e2e/test_paid_limit.py",
    "tests/e2e/test_song_tools.py",
    "tests/e2e/test_batch_webhook.py",
    "tests/e2e/test_insights_account.py",
    "tests/e2e/test_replicas.py",
    "tests/e2e/test_audio_upload.py",
    "tests/test_bulk_export.py",
    "tests/e2e/test_pasted_providers.py",
    "tests/e2e/test_load.py",
)


def pytest_collection_modifyitems(config, items) -> None:
    """The longest modules first, the rest in their usual order (the sort is stable)."""
    rank = {path: index for index, path in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::", 1)[0], len(rank)))


def pytest_configure(config) -> None:
    # The app under test (AppTest runs it in this process) must never write into the developer's
    # own library or sandbox state.
    os.environ.pop("HISTORY_DATABASE_URL", None)
    os.environ["MUSIC_TASK_STUDIO_DATA_DIR"] = tempfile.mkdtemp(prefix="mts-test-data-")
    # Nor take the developer's sandbox port, or another test process's (pytest-xdist workers).
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        os.environ["SANDBOX_PORT"] = str(sock.getsockname()[1])
    # The loopback OIDC provider (tests/oidc_provider.py) runs in this process on Authlib APIs
    # Authlib has deprecated: its warnings are about that test tool, not about the app.
    for module in ("oidc_provider_mock", "authlib"):
        config.addinivalue_line("filterwarnings", f"ignore::DeprecationWarning:{module}.*")


@pytest.fixture
def postgres_url():
    """A fresh, empty PostgreSQL database, dropped afterwards."""
    admin_url = os.environ.get(POSTGRES_ENV)
    if not admin_url:
        pytest.skip(f"no PostgreSQL server: set {POSTGRES_ENV} to a server URL to run this test")
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"mts_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield sa.engine.make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def history_url(request, tmp_path) -> str:
    """The history store's database: a SQLite file, and (when a server is given) PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'history.db'}"
    return request.getfixturevalue("postgres_url")
