"""Shared fixtures: a real sandbox gateway on 127.0.0.1 driven by a manual clock, and a client.

Nothing here mocks our own code: tests talk real HTTP to ``lib.sandbox.SandboxGateway``. Time is
moved with ``clock.advance(seconds)`` instead of sleeping, and the client's retry pauses go to a
recorder (``client.slept`` / the ``slept`` fixture) instead of ``time.sleep``.
"""
from __future__ import annotations

import socket

import pytest

from lib.client import GatewayClient
from lib.sandbox import ManualClock, SandboxConfig, SandboxGateway

API_KEY = "test-key"
# Every default-timeline task (Suno 24-36 s, lyrics 3 s, uploads 3 s, Udio 24-36 s) is done by then.
PAST_DONE = 40.0


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
