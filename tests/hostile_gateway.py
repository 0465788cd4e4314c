"""A hostile gateway on loopback, for tests (AppTest and the browser): it answers ``GET
/suno/fetch/<id>`` with a finished task whose media URLs point back at itself, and serves there
whatever a careless CDN or a red-teamer would — an HTML error page with status 200, an SVG, a
decompression-bomb PNG, a cut-off JPEG, a real WAV behind a ``.exe`` URL. It records every path.

Real HTTP, nothing of the app mocked: the app is configured with this server as its gateway, as
an operator would configure a gateway they trust.
"""

from __future__ import annotations

import functools
import io
import json
import sys
import threading
import wave
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from PIL import Image

HTML_PAGE = b"<!doctype html><html><head><title>502</title></head><body><h1>Bad gateway</h1></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64"/></svg>'


def png(size: tuple[int, int] = (64, 64), mode: str = "RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, "PNG")
    return buffer.getvalue()


@functools.cache  # ~0.3 s to make: once per test session
def bomb_png() -> bytes:
    """15,000 x 15,000 one-bit pixels: a few tens of kB on the wire, 225 million pixels decoded
    (Pillow's own limit refuses it as a decompression bomb)."""
    return png((15_000, 15_000), "1")


def jpeg(size: tuple[int, int] = (256, 256)) -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise(size, 64).convert("RGB").save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def wav(seconds: float = 0.5, rate: int = 8000) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"\x00\x01" * int(seconds * rate))
    return buffer.getvalue()


class HostileGateway:
    """``gw.files[path] = (content type, body)``; ``gw.add_task(task_id, **clip fields)`` with
    URLs built from ``gw.url``. ``gw.hits``: every path asked for, in order."""

    def __init__(self) -> None:
        self.files: dict[str, tuple[str, bytes]] = {}
        self.tasks: dict[str, dict[str, Any]] = {}
        self.hits: list[str] = []
        host = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                host.hits.append(self.path)
                host.answer(self)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                host.hits.append(self.path)
                host.reply(self, 404, "application/json", b'{"code":"task_not_exist","message":"no","data":null}')

        self.server = _QuietServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    def add_task(self, task_id: str, *, clips: int = 1, **clip: Any) -> None:
        """A finished Suno task of ``clips`` songs, each with these fields."""
        songs = [
            {"id": f"{task_id}-clip{i}", "title": "Hostile", "status": "complete", "duration": 10, **clip}
            for i in range(clips)
        ]
        self.tasks[task_id] = {"task_id": task_id, "status": "SUCCESS", "progress": "100%", "data": songs}

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        path = handler.path.split("?", 1)[0]
        if path.startswith("/suno/fetch/"):
            task = self.tasks.get(path.rsplit("/", 1)[1])
            if task is None:
                body = {"code": "task_not_exist", "message": "task_not_exist", "data": None}
                return self.reply(handler, 404, "application/json", json.dumps(body).encode())
            body = {"code": "success", "message": "", "data": task}
            return self.reply(handler, 200, "application/json", json.dumps(body, ensure_ascii=False).encode())
        if path in self.files:
            content_type, data = self.files[path]
            return self.reply(handler, 200, content_type, data)  # whatever it is: status 200
        return self.reply(handler, 404, "application/json", b'{"code":"not_found","message":"no","data":null}')

    @staticmethod
    def reply(handler: BaseHTTPRequestHandler, status: int, content_type: str, data: bytes) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        # A client that stops reading (the deadline and size tests' whole point) is not an error.
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)
