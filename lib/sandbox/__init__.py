"""The sandbox gateway: a real HTTP server on loopback that speaks the gateways' Suno and Udio
routes with synthesized music, so the app works offline and tests talk real HTTP."""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lib.sandbox.engine import FEATURES, PROVIDERS, SandboxConfig, SandboxEngine
from lib.sandbox.faults import Fault
from lib.sandbox.server import SandboxServer

__all__ = ["FEATURES", "PROVIDERS", "Fault", "ManualClock", "SandboxConfig", "SandboxGateway"]


class ManualClock:
    """A clock tests move by hand, so lifecycle tests never sleep."""

    def __init__(self, start: float | None = None) -> None:
        self.now = time.time() if start is None else start
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self.now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.now += seconds


class SandboxGateway:
    """``with SandboxGateway() as gw: GatewayClient(gw.url, "any-key")``.

    With ``state_path``, tasks and clips are kept in that JSON file and reloaded on the next start,
    so task IDs (and their media) outlive a restart.
    """

    def __init__(
        self,
        config: SandboxConfig | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        clock: Callable[[], float] = time.time,
        state_path: Path | str | None = None,
    ) -> None:
        self.engine = SandboxEngine(
            config or SandboxConfig(), clock, Path(state_path) if state_path is not None else None
        )
        self._server = SandboxServer((host, port), self.engine)
        self._thread: threading.Thread | None = None

    @property
    def config(self) -> SandboxConfig:
        return self.engine.config

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> SandboxGateway:
        if self._thread is None:
            # stop() waits up to one poll interval; tests start and stop a sandbox each.
            self._thread = threading.Thread(
                target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, name="sandbox-gateway", daemon=True
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        self._server.stopping.set()
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> SandboxGateway:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # --- what tests and demos steer -------------------------------------------------------

    @property
    def requests(self) -> list[dict[str, Any]]:
        """API requests received so far: method, path and JSON body (never the key)."""
        with self._server.log_lock:
            return list(self._server.request_log)

    def clear_requests(self) -> None:
        with self._server.log_lock:
            self._server.request_log.clear()

    def inject(self, kind: str = "status", **options: Any) -> Fault:
        fault = Fault(kind=kind, **options)
        self._server.faults.add(fault)
        return fault

    def clear_faults(self) -> None:
        self._server.faults.clear()


def control(base_url: str, route: str, body: Any = None, method: str | None = None) -> Any:
    """Steer a sandbox running in another process (browser tests): ``control(url, "faults", {...})``."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        f"{base_url.rstrip('/')}/_sandbox/{route}",
        data=data,
        method=method or ("POST" if data else "GET"),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read() or b"null")
