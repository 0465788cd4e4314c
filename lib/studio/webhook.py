"""The webhook receiver: a small HTTP server, started with the app when ``WEBHOOK_PORT`` is set,
that takes the callbacks gateways POST when a task moves (new-api's ``notify_hook``, sunoapi's
``callBackUrl``, AceData's ``callback_url``, PiAPI's ``webhook_config``) and records the task's
state in the library, so the task finishes on the page without any fetch.

Streamlit cannot serve routes of its own, hence a thread of its own (like the sandbox's server).
``POST /callback/<secret>`` (or ``POST /callback?token=<secret>``): 403 without the right secret,
413 over ``MAX_BODY_BYTES``, 400 for a body that is not JSON, 422 for JSON that holds no task, 404
for a task the library does not hold (a callback never adds rows: only what was submitted or
inspected here is followed), 200 otherwise. ``GET /health`` answers 200 for a reverse proxy.

Callbacks are untrusted input: they are read by the same parser as any gateway answer and the
row's media URLs are checked like any other when shown. A finished row is never turned back
into a running one by a late or repeated intermediate callback. No Streamlit here.
"""

from __future__ import annotations

import hmac
import json
import logging
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from lib.gateway.errors import GatewayError
from lib.gateway.parser import parse_task
from lib.library.store import HistoryStore, HistoryUnavailable

MAX_BODY_BYTES = 2 * 1024 * 1024  # a callback carries two songs' links and lyrics: far less
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _RowGateway:
    """The gateway a row was recorded under, as ``HistoryStore.record_task`` reads a profile:
    a callback carries no key, so the row keeps the key fingerprint it has."""

    name: str
    base_url: str
    key_fingerprint: str


def record_callback(store: HistoryStore, body: Any) -> tuple[int, str]:
    """Records one callback body in the library; ``(HTTP status, short reason)``."""
    try:
        task = parse_task(body)
    except GatewayError:
        return 422, "no task in the body"
    if not task.task_id:
        return 422, "no task ID in the body"
    entry = store.find(task.task_id)
    if entry is None:
        return 404, "unknown task"
    if entry.platform != task.platform:
        try:
            task = parse_task(body, entry.platform)
        except GatewayError:
            return 422, "no task in the body"
    if entry.is_final and not task.status.is_terminal:
        return 200, "already finished"  # a late "text" / "first" stage after "complete"
    gateway = _RowGateway(entry.gateway_name, entry.gateway_url, entry.key_fingerprint)
    store.record_task(task, gateway, owner=entry.owner)  # type: ignore[arg-type]
    return 200, "recorded"


class WebhookReceiver(ThreadingHTTPServer):
    """``WebhookReceiver(store, secret, port=…).start()``; ``stop()`` ends it."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, store: HistoryStore, secret: str, *, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__((host, port), _CallbackHandler)
        self.store = store
        self.secret = secret
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self.server_address[1]

    def start(self) -> WebhookReceiver:
        self._thread = threading.Thread(target=self.serve_forever, name="webhook-receiver", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


class _CallbackHandler(BaseHTTPRequestHandler):
    server: WebhookReceiver
    timeout = 15  # seconds a connection may take to send its request: a slow one cannot hold a thread

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass  # the request line carries the secret: never logged

    def do_GET(self) -> None:
        if urlsplit(self.path).path == "/health":
            return self._answer(200, "ok")
        self._answer(404, "not found")

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        if not (url.path == "/callback" or url.path.startswith("/callback/")):
            return self._answer(404, "not found")
        given = url.path[len("/callback/") :] or (parse_qs(url.query).get("token") or [""])[0]
        given = given or self.headers.get("x-webhook-secret", "")  # PiAPI sends its secret so
        if not hmac.compare_digest(given.encode(), self.server.secret.encode()):
            return self._answer(403, "forbidden")
        try:
            length = int(self.headers.get("Content-Length") or "")
        except ValueError:
            return self._answer(411, "length required")
        if length < 0 or length > MAX_BODY_BYTES:
            return self._answer(413, "too large")
        raw = self.rfile.read(length)
        try:
            body = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return self._answer(400, "not JSON")
        try:
            status, reason = record_callback(self.server.store, body)
        except HistoryUnavailable as error:
            _log.warning("a callback could not be recorded: %s", error)
            return self._answer(503, "library unavailable")  # the provider retries; pollers still see it
        self._answer(status, reason)

    def _answer(self, status: int, reason: str) -> None:
        data = json.dumps({"ok": status == 200, "message": reason}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        if status >= 400:
            self.close_connection = True  # an unread oversized body is not read: the connection ends
