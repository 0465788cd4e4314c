"""A tiny gateway on 127.0.0.1 for tests that need what the sandbox does not do: record every
request's headers (the sandbox never keeps the key), redirect, act as an HTTP proxy, or answer
hand-written JSON text (escapes the sandbox's ``json.dumps`` would never produce).

``LoopbackGateway(answer)``: ``answer(request)`` returns ``(status, headers, body)`` for each
request; the default answers a finished Suno task for ``GET …/<id>`` and a new task ID for POSTs.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Request:
    method: str
    path: str  # as sent: a proxy gets the absolute URL
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


Answer = tuple[int, dict[str, str], bytes]


def task_json(task_id: str, *, title: str = "Loopback song", status: str = "SUCCESS") -> dict:
    clip = {
        "id": f"{task_id}-clip",
        "title": title,
        "status": "complete",
        "audio_url": "https://cdn.example.com/a.mp3",
        "metadata": {"prompt": "[Verse] la la", "tags": "pop"},
    }
    return {"code": "success", "message": "", "data": {"task_id": task_id, "status": status, "data": [clip]}}


def default_answer(request: Request) -> Answer:
    if request.method == "POST":
        return 200, {}, json.dumps({"code": "success", "message": "", "data": "loopback-task"}).encode()
    task_id = request.path.rstrip("/").rsplit("/", 1)[-1].split("?")[0]
    return 200, {}, json.dumps(task_json(task_id)).encode()


class LoopbackGateway:
    def __init__(self, answer: Callable[[Request], Answer] = default_answer) -> None:
        self.answer = answer
        self.requests: list[Request] = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                request = Request(self.command, self.path, dict(self.headers.items()), self.rfile.read(length))
                gateway.requests.append(request)
                status, headers, body = gateway.answer(request)
                self.send_response(status)
                headers = {"Content-Type": "application/json", **headers, "Content-Length": str(len(body))}
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _serve

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> LoopbackGateway:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
