"""The sandbox's routes: what it answers on each gateway path (Suno and Udio submits, fetches,
conversions, personas), the test control API under ``/_sandbox/``, and the faults it injects.

Control routes (no key needed, loopback only): ``GET/DELETE /_sandbox/requests`` (what the app
sent: method, path, JSON body — never the key), ``GET/POST/DELETE /_sandbox/faults``,
``GET/POST /_sandbox/config``.

``SandboxHandler`` is the request handler ``server.SandboxServer`` runs; writing the answer out
is ``responses``' part, media files are ``assets``'.
"""

from __future__ import annotations

import json
import re
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote, urlsplit

from lib.sandbox import account, assets, providers, shapes, uploads, v1_routes
from lib.sandbox import faults as fault_lib
from lib.sandbox.engine import FEATURES, SandboxConfig, SandboxEngine
from lib.sandbox.midi_notes import midi_answer
from lib.sandbox.newapi_checks import check_music as _check_music
from lib.sandbox.newapi_checks import json_object as _object
from lib.sandbox.notify import notify_when_done
from lib.sandbox.providers.common import Reply as _Reply  # raised below ``_route`` to answer at once
from lib.sandbox.responses import UNREADABLE, RespondingHandler

if TYPE_CHECKING:  # server.py imports this module to build the server
    from lib.sandbox.server import SandboxServer


class SandboxHandler(RespondingHandler):
    server: SandboxServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass  # the request log is the record; stderr noise would hide test output

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_HEAD(self) -> None:
        self._dispatch("HEAD")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    # --- dispatch -------------------------------------------------------------------------

    @property
    def engine(self) -> SandboxEngine:
        return self.server.engine

    @property
    def config(self) -> SandboxConfig:
        return self.server.engine.config

    def _dispatch(self, method: str) -> None:
        url = urlsplit(self.path)
        path = url.path
        self.rid = fault_lib.request_id()  # one id per request, in the header and in messages
        if path.startswith(uploads.STORAGE_PREFIX):  # the presigned storage stand-in: not JSON, no key
            return uploads.storage(self, method, path)
        body = self._read_body()
        if body is UNREADABLE:
            return self._json(400, fault_lib.task_error("invalid_request", "invalid character in JSON body"))
        if path.startswith("/_sandbox/"):
            return self._control(method, path, body)
        if path.startswith("/media/") or path.startswith("/audiopipe"):
            return self._media(method, path, parse_qs(url.query))
        self.server.record(method, path, body)
        if self.config.latency:
            time.sleep(self.config.latency)
        if self._inject_fault(method, path):
            return
        if self.config.provider not in ("newapi", "newapi-v1"):  # one of lib.sandbox.providers' dialects
            return self._json(*providers.answer(self.config.provider, self._exchange(method, url, body)))
        if not self._authorised():
            return self._json(401, fault_lib.openai_error("未提供令牌", rid=self.rid))
        try:
            if self.config.routes == v1_routes.V1 and v1_routes.serves_itself(path):
                return self._json(*v1_routes.answer(self._exchange(method, url, body)))
            self._route(method, path, body)
        except _Reply as reply:
            self._json(reply.status, reply.body)
        except v1_routes.Missing:
            self._raw(404, v1_routes.NOT_FOUND_PAGE, "text/html; charset=utf-8")

    def _route(self, method: str, path: str, body: Any) -> None:
        lower = path.lower()
        suno_fetch = re.fullmatch(r"/suno/fetch/([^/]+)", path)
        udio_fetch = re.fullmatch(r"/udio/fetch/([^/]+)", path)
        act = re.fullmatch(r"/suno/act/([a-z0-9]+)/([^/]+)", path)
        feed = re.fullmatch(r"/suno/feed/([^/]+)", path)
        if method == "POST" and lower.startswith("/suno/submit/") and lower != "/suno/submit/fetch":
            return self._submit_suno(lower.rsplit("/", 1)[1], _object(body))
        if method == "POST" and lower in ("/suno/fetch", "/suno/submit/fetch"):
            return self._batch_fetch(_object(body))
        if method == "GET" and suno_fetch:
            return self._fetch(unquote(suno_fetch.group(1)), "suno")
        if udio_fetch and method == "GET" and self._offers("udio"):
            return self._fetch(unquote(udio_fetch.group(1)), "udio")
        if lower == "/udio/submit/music" and method == "POST" and self._offers("udio"):
            return self._submit_udio(_object(body))
        if lower == "/suno/uploads/audio-url" and method == "POST" and self._offers("upload"):
            return self._upload(_object(body))
        if lower.rstrip("/") == "/suno/persona/create" and method == "POST" and self._offers("persona"):
            return self._persona(_object(body))
        if act and method == "GET" and self._offers(act.group(1)):
            return self._act(act.group(1), unquote(act.group(2)))
        if feed and method == "GET" and self._offers("feed"):
            return self._feed(unquote(feed.group(1)).split(","))
        if method == "GET" and (found := account.answer(self.engine, path.rstrip("/"))) is not None:
            return self._json(*found)
        if lower.startswith("/suno/uploads/audio") and self._offers("upload"):
            if (upload := uploads.answer(self.engine, method, path, body, self._base())) is not None:
                return self._json(*upload)
        self._html_page()  # vanilla new-api: the web console's index page for unknown routes

    # --- gateway routes -------------------------------------------------------------------

    def _submit_suno(self, action: str, body: dict[str, Any]) -> None:
        engine = self.engine
        if action == "music":
            if body.get("task") == "gen_stem" and not self._offers("stems"):
                # A gateway without stem separation knows no such action, whatever the route.
                raise _Reply(400, fault_lib.task_error("invalid_request", "invalid_action"))
            _check_music(engine, body)
            task = engine.submit_suno(body)
        elif action == "lyrics" and self._offers("lyrics"):
            if not str(body.get("prompt") or "").strip():
                raise _Reply(400, fault_lib.task_error("invalid_request", "prompt_empty"))
            task = engine.submit_lyrics(body)
        elif action == "concat" and self._offers("concat"):
            if not engine.clip(str(body.get("clip_id") or "")):
                raise _Reply(400, fault_lib.task_error("invalid_request", "clip_id not found"))
            task = engine.submit_concat(body)
        else:
            raise _Reply(400, fault_lib.task_error("invalid_request", "invalid_action"))
        notify_when_done(engine, task, self._base(), self.server.stopping)
        self._json(200, {"code": "success", "message": "", "data": task.task_id})

    def _submit_udio(self, body: dict[str, Any]) -> None:
        params = body.get("gen_params")
        if not isinstance(params, dict) or not str(params.get("prompt") or "").strip():
            raise _Reply(400, fault_lib.task_error("invalid_request", "gen_params.prompt is required"))
        config = params.get("config") or {}
        if config.get("mode", "regular") != "regular":
            song_id = (config.get("source") or {}).get("song_id")
            if not self.engine.clip(str(song_id or "")):
                raise _Reply(400, fault_lib.task_error("invalid_request", "source song not found"))
        task = self.engine.submit_udio(body)
        notify_when_done(self.engine, task, self._base(), self.server.stopping, self.config.udio_dialect)
        self._json(200, {"code": "success", "message": "", "data": task.task_id})

    def _fetch(self, task_id: str, platform: str) -> None:
        task = self.engine.task(task_id)
        if task is None or task.platform != platform:
            raise _Reply(400, fault_lib.task_error("task_not_exist", "task_not_exist"))
        view = shapes.task_view(self.engine, task, self._base(), self.config.udio_dialect)
        self._json(200, {"code": "success", "message": "", "data": self._distort(view)})

    def _batch_fetch(self, body: dict[str, Any]) -> None:
        if not self._offers("batch"):
            return self._html_page()
        ids = body.get("ids") if isinstance(body.get("ids"), list) else []
        rows = []
        for task_id in ids:
            task = self.engine.task(str(task_id))
            if task is not None and task.platform == "suno":
                rows.append(self._distort(shapes.task_view(self.engine, task, self._base())))
        rows.reverse()  # database order, not request order: callers must match on task_id
        self._json(200, {"code": "success", "message": "", "data": rows})

    def _upload(self, body: dict[str, Any]) -> None:
        url = str(body.get("url") or "")
        if not url.startswith(("http://", "https://")):
            raise _Reply(400, fault_lib.task_error("invalid_request", "url is required"))
        self._json(200, {"code": "success", "message": "", "data": self.engine.submit_upload(url).task_id})

    def _persona(self, body: dict[str, Any]) -> None:
        if not self.engine.clip(str(body.get("root_clip_id") or "")) or not body.get("name"):
            raise _Reply(400, fault_lib.task_error("invalid_request", "root_clip_id and name are required"))
        self._json(200, self.engine.create_persona(body))

    def _act(self, action: str, clip_id: str) -> None:
        clip = self.engine.clip(clip_id)
        task = self.engine.task_of_clip(clip_id)
        done = clip is not None and (task is None or self.engine.phase(task) == "SUCCESS")
        if not done:
            raise _Reply(400, fault_lib.task_error("task_not_exist", "task_not_exist"))
        urls = shapes.media_urls(self._base(), clip)
        if action == "timing":
            return self._json(200, shapes.timing_view(clip, assets.waveform(self.engine, clip)))
        if action == "stems":
            stems = self.engine.add_stem_clips(clip)
            return self._json(
                200, {"id": clip.id, "clips": [shapes.suno_clip(c, self._base(), "QUEUED") for c in stems]}
            )
        ready = self.engine.conversion_ready(action, clip_id)
        if action == "wav":
            data = {"wav_file_url": urls["wav"]} if ready else {}
        elif action == "mp4":
            data = {"mp4_file_url": urls["video"]} if ready else {}
        else:  # midi
            return self._json(200, midi_answer(clip) if ready else {"state": "running"})
        self._json(200, {"code": "success", "message": "", "data": data})

    def _feed(self, clip_ids: list[str]) -> None:
        self._json(200, v1_routes.feed_rows(self.engine, clip_ids, self._base(), self.config.conversion_seconds))

    # --- media ----------------------------------------------------------------------------

    def _media(self, method: str, path: str, query: dict[str, list[str]]) -> None:
        try:
            asset = assets.asset_for(self.engine, path, query)
        except assets.NoSuchAsset as missing:
            return self._plain(404, str(missing))
        self._bytes(method, asset.data, asset.content_type, cache=asset.cache)

    # --- control API ----------------------------------------------------------------------

    def _control(self, method: str, path: str, body: Any) -> None:
        server = self.server
        if path == "/_sandbox/health":
            return self._json(200, {"status": "ok"})
        if path == "/_sandbox/requests":
            with server.log_lock:
                if method == "DELETE":
                    server.request_log.clear()
                return self._json(200, list(server.request_log))
        if path == "/_sandbox/faults":
            if method == "POST":
                try:
                    server.faults.add(fault_lib.Fault.from_json(_object(body)))
                except (TypeError, ValueError) as exc:
                    return self._json(400, {"error": str(exc)})
            elif method == "DELETE":
                server.faults.clear()
            return self._json(200, [vars(f) for f in server.faults.faults])
        if path == "/_sandbox/config":
            if method == "POST":
                _apply_config(self.config, _object(body))
            return self._json(200, _config_json(self.config))
        self._plain(404, "unknown control route")

    # --- faults ---------------------------------------------------------------------------

    def _inject_fault(self, method: str, path: str) -> bool:
        fault = self.server.faults.take(method, path)
        if fault is None and self.config.error_rate and self.server.random.random() < self.config.error_rate:
            fault = fault_lib.Fault(kind="status", status=self.server.random.choice([500, 502, 503]))
        if fault is None or fault.kind in ("wrong_shape", "data_null", "unknown_status", "large"):
            self._pending_distortion = fault
            return False
        if fault.kind == "status":
            headers = {"Retry-After": f"{fault.retry_after:g}"} if fault.retry_after is not None else {}
            provider = self.config.provider
            body = providers.error_body(provider, fault.status, fault.message, self.rid)
            self._json(fault.status, body, headers)
        elif fault.kind == "html":
            self._html_page()
        elif fault.kind == "timeout":
            time.sleep(min(fault.delay, 120))
            self._json(200, {"code": "success", "message": "", "data": None})
        elif fault.kind == "reset":
            self.close_connection = True
            self.connection.shutdown(2)
        elif fault.kind == "truncated":
            self._raw(200, b'{"code":"success","message":"","data":{"task_id":"', "application/json")
        elif fault.kind == "drip":
            self._drip(fault.delay)
        return True

    def _drip(self, pause: float) -> None:
        """Headers at once, then the body one byte per ``pause`` for at most three minutes."""
        data = json.dumps({"code": "success", "message": "", "data": None}).encode() + b" " * 4096
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        stop_at = time.monotonic() + 180
        try:
            for byte in data:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                if time.monotonic() > stop_at:
                    break
                time.sleep(max(0.05, pause))
        except OSError:  # the client gave up: what a deadline is for
            pass
        self.close_connection = True

    def _distort(self, view: dict[str, Any]) -> Any:
        """Faults that keep the route working but break the body's shape."""
        fault = getattr(self, "_pending_distortion", None)
        if fault is None:
            return view
        self._pending_distortion = None
        if fault.kind == "wrong_shape":
            return {"task": 42, "status": ["not", "a", "word"], "data": "oops", "songs": {"a": 1}}
        if fault.kind == "data_null":
            raise _Reply(200, {"code": "success", "message": "", "data": None})
        if fault.kind == "unknown_status":
            return {**view, "status": "TELEPORTING"}
        return {**view, "padding": "x" * 25 * 1024 * 1024}  # "large": over the client's cap

    # --- plumbing -------------------------------------------------------------------------

    def _authorised(self) -> bool:
        header = self.headers.get("Authorization", "").strip()
        scheme, _, rest = header.partition(" ")
        # "Bearer " with an empty key arrives as just "Bearer" (trailing space stripped)
        token = rest.strip() if scheme.lower() == "bearer" else header
        return bool(token)

    def _exchange(self, method: str, url: Any, body: Any) -> providers.Exchange:
        base, engine = self._base(), self.engine
        return providers.Exchange(
            method, url.path, parse_qs(url.query), body, self.headers, engine, base, self.server.stopping
        )

    def _offers(self, feature: str) -> bool:
        return feature in self.config.offered

    def _base(self) -> str:
        if self.config.public_url:
            return self.config.public_url.rstrip("/")
        host = self.headers.get("Host") or f"127.0.0.1:{self.server.server_address[1]}"
        return f"http://{host}"


def _apply_config(config: SandboxConfig, changes: dict[str, Any]) -> None:
    for key, value in changes.items():
        if key == "provider":  # one process speaks one provider: start another sandbox for another
            continue
        if key == "routes" and value not in ("", v1_routes.V1):
            continue
        if key == "offered":
            value = frozenset(v for v in value if v in FEATURES)
        elif key == "timeline":
            value = tuple(float(v) for v in value)
        if hasattr(config, key):
            setattr(config, key, value)


def _config_json(config: SandboxConfig) -> dict[str, Any]:
    return {**vars(config), "offered": sorted(config.offered)}
