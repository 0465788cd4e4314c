"""How the sandbox speaks HTTP on the wire: reading a JSON body, and writing JSON, HTML, plain text
or media bytes (with single-range support) with the headers a new-api gateway sends.

A base class for ``routes.SandboxHandler``, so the routes read as what the gateway answers, not
how the bytes go out.
"""

from __future__ import annotations

import json
import re
from http.server import BaseHTTPRequestHandler
from typing import Any

from lib.sandbox import faults as fault_lib

# What _read_body returns for a body that is not JSON (None already means "no body").
UNREADABLE = object()


class RespondingHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle on, a keep-alive client's delayed ACK
    # holds the body back ~40 ms per request.
    disable_nagle_algorithm = True

    def _read_body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        if not length:
            return None
        raw = self.rfile.read(length)
        try:
            return json.loads(raw)
        except ValueError:
            return UNREADABLE

    def _json(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body, ensure_ascii=False).encode()
        self._raw(status, data, "application/json; charset=utf-8", headers)

    def _html_page(self) -> None:
        self._raw(200, fault_lib.NEW_API_HTML.encode(), "text/html; charset=utf-8")

    def _plain(self, status: int, text: str) -> None:
        self._raw(status, text.encode(), "text/plain; charset=utf-8")

    def _raw(self, status: int, data: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        # The request's own id when dispatch has set one; every answer carries one, as new-api's do.
        self.send_header("X-Oneapi-Request-Id", getattr(self, "rid", "") or fault_lib.request_id())
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _bytes(self, method: str, data: bytes, content_type: str, cache: bool = True) -> None:
        """Media with single-range support, so browsers can seek."""
        start, end = 0, len(data) - 1
        match = re.fullmatch(r"bytes=(\d*)-(\d*)", self.headers.get("Range", "").strip())
        status = 200
        if match and (match.group(1) or match.group(2)):
            if match.group(1):
                start = int(match.group(1))
                end = min(int(match.group(2)), end) if match.group(2) else end
            else:
                start = max(0, len(data) - int(match.group(2)))
            if start > end:
                return self._raw(416, b"", content_type, {"Content-Range": f"bytes */{len(data)}"})
            status = 206
        headers = {
            "Accept-Ranges": "bytes",
            "Access-Control-Allow-Origin": "*",
            "Cache-Control": "public, max-age=86400" if cache else "no-store",
        }
        if status == 206:
            headers["Content-Range"] = f"bytes {start}-{end}/{len(data)}"
        self._raw(status, data[start : end + 1], content_type, headers)
