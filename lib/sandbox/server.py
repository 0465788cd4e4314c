"""The sandbox's HTTP server: a threaded server on loopback holding what every request shares —
the engine, the planned faults and the log of API requests received.

What it answers on each path is ``routes``' part (gateway routes, media, and a small control API
for tests); how answers go out on the wire is ``responses``', the media files are ``assets``'.
``SandboxHandler`` is importable from here as before the split.
"""

from __future__ import annotations

import random
import sys
import threading
import time
from http.server import ThreadingHTTPServer
from typing import Any

from lib.sandbox import faults as fault_lib
from lib.sandbox.engine import SandboxEngine
from lib.sandbox.routes import SandboxHandler

__all__ = ["SandboxHandler", "SandboxServer"]

_REQUEST_LOG_LIMIT = 5000


class SandboxServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], engine: SandboxEngine) -> None:
        super().__init__(address, SandboxHandler)
        self.engine = engine
        self.faults = fault_lib.FaultPlan()
        self.request_log: list[dict[str, Any]] = []
        self.log_lock = threading.Lock()
        self.stopping = threading.Event()  # ends the waits and callback threads of provider dialects
        self.random = random.Random(0)  # seeded: error_rate faults fall the same way each run

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up mid-answer (browsers seeking audio, a client's size cap or
        # timeout) is normal here, not worth a traceback on stderr.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)

    def record(self, method: str, path: str, body: Any) -> None:
        with self.log_lock:
            self.request_log.append({"method": method, "path": path, "body": body, "time": time.time()})
            del self.request_log[:-_REQUEST_LOG_LIMIT]
