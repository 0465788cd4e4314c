"""Security (issue 7), below the browser: the API key stays in the Authorization header, IDs go
into URLs as one checked path segment, and the server downloads only media a gateway named.

Real HTTP throughout: the app (AppTest) and ``GatewayClient`` talk to the sandbox gateway, and
media downloads go to a small HTTP server in this process that counts what it is asked.
"""

from __future__ import annotations

import io
import json
import threading
import time
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
from streamlit.testing.v1 import AppTest

from lib.gateway.errors import GatewayConnectionError, GatewayError, InvalidInputError, ProtocolError
from lib.gateway.ids import MAX_ID_LENGTH, validate_id
from lib.library.import_export import export_csv, export_json
from lib.library.store import HistoryStore
from lib.studio.media_fetch import fetch_media, is_loopback_url, is_public_url
from tests.apptest import APP, api_key_field, confirm_paid, dialogs, element_protos, open_app
from tests.conftest import PAST_DONE

CREATE_PAGE, TASK_PAGE, HISTORY_PAGE = "app_pages/create.py", "app_pages/task.py", "app_pages/history.py"

# --------------------------------------------------------------------------------------------
# 1. The API key appears only in the Authorization header
# --------------------------------------------------------------------------------------------

PLAIN_KEY = "sk-CANARY-7f3a9c2e41d84b6e9a0c"
# (configured value, what must never show up). A pasted "Bearer …" is trimmed by the client; a
# key full of regex (and JSON/protobuf-escaped) characters catches code that matches it as a
# pattern or only scrubs one spelling of it.
CANARIES = {
    "plain": (PLAIN_KEY, PLAIN_KEY),
    "bearer-prefix": ("Bearer sk-CANARY-bearer-51d2e8", "sk-CANARY-bearer-51d2e8"),
    "regex-special": ("sk-CANARY-(.*)+?[x]{2}|^$.-$1", "sk-CANARY-(.*)+?[x]{2}|^$.-$1"),
    # Characters JSON escapes: a gateway echoing this key writes it as \\ and \" on the wire.
    "json-escaped": ('sk-CANARY-back\\slash"quote/', 'sk-CANARY-back\\slash"quote/'),
}


class Exposure:
    """Everything the app showed, stored or sent except the Authorization header, by place."""

    def __init__(self) -> None:
        self.places: dict[str, bytes] = {}

    def add(self, place: str, content: str | bytes) -> None:
        data = content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content
        self.places[place] = self.places.get(place, b"") + b"\n" + data

    def add_page(self, place: str, at: AppTest, *, typed_key: bool = False) -> None:
        """Every element's protobuf as the server sends it to the browser (raw bytes: text-format
        escaping would hide a key with quotes or backslashes), ``str(at)``, the URL's query.
        ``typed_key``: ``str(at)`` also shows the values the test typed into widgets (the
        browser's side of a password field), so it is left out."""
        protos = [proto.SerializeToString() for proto in element_protos(at)]
        assert protos, "nothing rendered"
        self.add(f"{place}: element protos", b"\n".join(protos))
        if not typed_key:
            self.add(f"{place}: str(AppTest)", str(at))
        self.add(f"{place}: URL query", json.dumps(dict(at.query_params.items())))
        assert not at.exception, at.exception

    def leaks(self, needle: str) -> list[str]:
        """Places holding the key as it is, or escaped the way JSON, Python reprs or protobuf
        text write it (a key with a backslash or a quote otherwise hides in an export)."""
        spellings = {
            needle,
            json.dumps(needle)[1:-1],
            json.dumps(needle, ensure_ascii=False)[1:-1],
            repr(needle)[1:-1],
            quote(needle, safe=""),
            quote_plus(needle),
        }
        wanted = [s.encode() for s in spellings]
        # Markdown escaping (every punctuation mark gets a backslash) and JSON's \" and \\:
        # compare with all backslashes gone.
        bare = needle.replace("\\", "").encode()
        return [
            place
            for place, data in self.places.items()
            if any(w in data for w in wanted) or bare in data.replace(b"\\", b"")
        ]


def _session(at: AppTest, *, without: tuple[str, ...] = ()) -> str:
    """What this session keeps (tasks with their raw answers, jobs, errors), but the export packs
    (searched as ZIPs) and the typed key field itself."""

    def shown(key: str) -> object:
        value = at.session_state[key]
        if key == "kept_values":  # the typed key's own kept value is the field's value
            value = {k: v for k, v in value.items() if not (without and k.startswith("api_key|"))}
        return value

    return "\n".join(
        f"{key}={shown(key)!r}"
        for key in at.session_state.keys()
        if key not in ("export_packs", *without) and not (without and str(key).startswith("api_key|"))
    )


def tick(at: AppTest, seconds: float) -> AppTest:
    """What a fragment's timer does in a browser: wait, then run."""
    time.sleep(seconds)
    return at.run()


def _preview_and_submit(at: AppTest, exposure: Exposure, label: str) -> str:
    """Create: the preview (JSON body, curl and Python snippets), then a real submit."""
    at.session_state["cf_platform::en"] = "suno"
    at.session_state["cf_mode_suno::en"] = "custom"
    at.run()
    for name, value in {"lyrics": "[Verse]\nneon rain", "tags": "synthwave", "title": "Canary song"}.items():
        at.session_state[f"cf_suno_{name}::en"] = value
    next(b for b in at.button if b.label == "Preview request").click().run()
    snippets = [c.value for c in at.code]
    assert any("curl" in s and "GATEWAY_API_KEY" in s for s in snippets), snippets
    assert any("import" in s and "GATEWAY_API_KEY" in s for s in snippets), snippets
    exposure.add_page(f"{label} Create preview", at)
    next(b for b in at.button if b.label == "Submit — spends credits").click().run()
    assert len(dialogs(at)) == 1  # a configured gateway: the paid request is shown first
    exposure.add_page(f"{label} paid-request dialog", at)
    confirm_paid(at)
    exposure.add_page(f"{label} after submit", at)
    return at.query_params["id"]


def _history(at: AppTest, exposure: Exposure, label: str, library_path: Path, typed_key: bool = False) -> None:
    at.switch_page(HISTORY_PAGE).run()
    exposure.add_page(f"{label} History", at, typed_key=typed_key)
    key = next(k for k in at.session_state.keys() if str(k).startswith("history_table_"))
    at.session_state[key] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()  # the selection panel: request and last response bodies, gateway, fingerprint
    exposure.add_page(f"{label} History selection", at, typed_key=typed_key)
    assert any("selected" in m.value for m in at.markdown), "the selection panel did not open"
    store = HistoryStore(f"sqlite:///{library_path}")
    try:
        rows = store.search()
        assert rows
        exposure.add(f"{label} CSV export", export_csv(rows))
        exposure.add(f"{label} JSON export", export_json(rows))
    finally:
        store.close()


def _files(exposure: Exposure, library_path: Path, sandbox) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        path = Path(f"{library_path}{suffix}")
        if path.exists():
            exposure.add(f"history database file {path.name}", path.read_bytes())
    # The sandbox records method, path and body of every API request (never headers).
    exposure.add("requests the gateway received (paths and bodies)", json.dumps(sandbox.requests, ensure_ascii=False))


def _zip(exposure: Exposure, place: str, data: bytes) -> None:
    exposure.add(f"{place} (raw)", data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            exposure.add(f"{place}: {name}", name.encode() + b"\n" + archive.read(name))


@pytest.mark.parametrize("canary", CANARIES)
def test_the_key_appears_only_in_the_authorization_header(
    canary, sandbox, clock, client, library, monkeypatch, caplog, capfd
):
    configured, needle = CANARIES[canary]
    full = canary == "plain"  # every tool once; the other spellings take the shorter journey
    monkeypatch.setenv("GATEWAY_BASE_URL", sandbox.url)
    monkeypatch.setenv("GATEWAY_API_KEY", configured)
    caplog.set_level("DEBUG")
    exposure = Exposure()

    at = open_app(CREATE_PAGE)
    task_id = _preview_and_submit(at, exposure, canary)
    clock.advance(PAST_DONE)
    at.switch_page(TASK_PAGE).run()  # AppTest reruns the page it was given, not the one switched to
    exposure.add_page(f"{canary} Task page", at)
    audio = at.get("audio")
    assert len(audio) == 2, "the gateway did not accept the key as a header"
    fetches = [r for r in sandbox.requests if r["path"] == f"/suno/fetch/{task_id}"]
    assert fetches  # ... and answered these authorised requests with the finished task

    if full:
        for button in ("tool-start-wav", "karaoke-start", "tool-start-stems"):  # WAV, sing along, stems
            at.button(key=f"{button}-{task_id}-0").click().run()
            assert not at.exception, at.exception
            if button == "tool-start-stems":  # paid: its dialog first
                exposure.add_page(f"{canary} stems dialog", at)
                confirm_paid(at)
        clock.advance(PAST_DONE)
        tick(at, 2.2)  # the conversion and the stems task are checked again
        exposure.add_page(f"{canary} song tools", at)
        assert "Vocals" in str(at) and "Download WAV" in [b.proto.label for b in at.get("download_button")]
        # The gateway named the WAV (a conversion's answer) and the stems (a followed task's
        # songs): on its loopback, they too are handed over by the server.
        players = [a.proto.url for a in at.get("audio")]
        assert len(players) >= 2 + 1 + 2 and all(url.startswith("/mock/media/") for url in players), players
        at.button(key=f"export-build-{task_id}").click().run()
        pack = at.session_state["export_packs"][task_id]
        assert ".lrc" in " ".join(pack.files) and not pack.skipped
        _zip(exposure, "export pack", pack.data)
        exposure.add_page(f"{canary} export pack built", at)

    # A gateway that echoes the key in an error (some say "invalid token sk-…"): the page, the
    # library's rejected row and the log get the gateway's words without it.
    sandbox.inject("status", status=401, route="/suno/submit", message=f"无效的令牌 {needle} (token: {configured})")
    at.switch_page(CREATE_PAGE).run()
    at.session_state["cf_suno_title::en"] = "Canary song, again"  # not the same request within 15 s
    confirm_paid(next(b for b in at.button if b.label == "Submit — spends credits").click().run())
    errors = " ".join(e.value for e in at.error)
    assert "无效的令牌" in errors and "HTTP 401" in errors
    exposure.add_page(f"{canary} refused submit", at)

    _history(at, exposure, canary, library.path)
    exposure.add(f"{canary} session state", _session(at))
    _files(exposure, library.path, sandbox)
    exposure.add("log records", "\n".join(f"{r.name} {r.getMessage()} {r.args!r}" for r in caplog.records))
    out, err = capfd.readouterr()
    exposure.add("stdout and stderr", out + err)
    assert len(exposure.places) > 15
    assert exposure.leaks(needle) == [], "\n".join(exposure.leaks(needle))


def test_a_key_typed_for_this_session_stays_in_its_field(sandbox, clock, client, library, monkeypatch, caplog):
    """ "Custom gateway…": the typed key lives in the browser's password field, this session's
    widget state and its copy of it (``typed_api_keys``: it outlives a page switch) and the
    client's header, and nowhere else (not the URL, any element sent to the browser, the library,
    the gateway's log, the log)."""
    for name in ("GATEWAY_BASE_URL", "GATEWAY_API_KEY", "GATEWAY_NAME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ALLOW_PRIVATE_CUSTOM_GATEWAYS", "1")  # the test's gateway is on loopback
    caplog.set_level("DEBUG")
    task_id = client.generate("a song for a typed key")
    clock.advance(PAST_DONE)
    exposure = Exposure()
    at = open_app()
    at.sidebar.selectbox(key="gateway::en").set_value("custom").run()
    at.sidebar.text_input(key="custom_base_url::en").input(sandbox.url).run()
    api_key_field(at).input(PLAIN_KEY).run()
    field = api_key_field(at)
    assert field.proto.type == field.proto.PASSWORD
    # Streamlit never sends a typed value back: not even the field's own element carries it.
    assert PLAIN_KEY.encode() not in field.proto.SerializeToString()
    at.switch_page(TASK_PAGE).run()
    at.text_area(key="task_input::en").input(task_id)
    at.form_submit_button[0].click().run()
    audio = [a.proto.url for a in at.get("audio")]
    assert len(audio) == 2  # the typed key reached the gateway as the header
    # Loopback media named by a typed-in gateway goes to the browser as it is: the server does
    # not fetch from its own neighbourhood on such a gateway's word.
    assert all(url.startswith(f"{sandbox.url}/media/") for url in audio), audio
    exposure.add_page("Task page", at, typed_key=True)
    _history(at, exposure, "custom", library.path, typed_key=True)
    exposure.add("session state", _session(at, without=("typed_api_keys",)))
    _files(exposure, library.path, sandbox)
    exposure.add("log records", "\n".join(f"{r.name} {r.getMessage()} {r.args!r}" for r in caplog.records))
    assert exposure.leaks(PLAIN_KEY) == []


# --------------------------------------------------------------------------------------------
# 3. Task and clip IDs: validated, then one percent-encoded path segment
# --------------------------------------------------------------------------------------------

REFUSED_IDS = {
    "slash": "abc/def",
    "dot-dot": "..",
    "dot": ".",
    "climb": "../suno/fetch/x",
    "encoded slash": "a%2Fb",
    "percent": "%2e%2e",
    "space": "a b",
    "query": "a?b=1",
    "fragment": "a#b",
    "backslash": "a\\b",
    "unicode": "música",
    "chinese": "任务",
    "fullwidth": "ａｂｃ",
    "too long": "x" * (MAX_ID_LENGTH + 1),
    "nul": "a\x00b",
    "unit separator": "abc\x1f",
    "escape": "\x1b[31m",
    "delete": "abc\x7f",
    "newline inside": "a\nb",
    "zero-width space": "a\u200bb",
    "bidi override": "\u202eabc",
    "leading dash": "-abc",
    "empty": "",
    "blank": " \t ",
}
ALLOWED_IDS = {
    "uuid": "0b8f8a3c-5d2e-4a7f-9f4e-1c2d3e4f5a6b",
    "hex": "a" * 32,
    "numeric": "1234567890123456789",
    "public": "task_01J8ZQ9X7Y",
    "dots inside": "a..b",
    "colon": "suno:clip:42",
    "longest": "z" * MAX_ID_LENGTH,
}


@pytest.mark.parametrize("value", list(REFUSED_IDS.values()), ids=list(REFUSED_IDS))
def test_malformed_ids_are_refused_before_any_request(value, sandbox, client):
    with pytest.raises(InvalidInputError):
        validate_id(value)
    for call in (
        lambda: client.fetch_task(value),
        lambda: client.fetch_task(value, "udio"),
        lambda: client.fetch_tasks(["fine-id", value]),
        lambda: client.wav_url(value),
        lambda: client.mp4_url(value),
        lambda: client.timing(value),
        lambda: client.concat(value),
        lambda: client.fetch_clips(["fine-id", value]),
        lambda: client.request_stems(value),
    ):
        with pytest.raises(InvalidInputError):
            call()
    assert sandbox.requests == []


@pytest.mark.parametrize("value", list(ALLOWED_IDS.values()), ids=list(ALLOWED_IDS))
def test_allowed_ids_reach_the_gateway_as_exactly_one_segment(value, sandbox, client):
    segment = quote(value, safe="")
    for call, prefix in (
        (lambda: client.fetch_task(value), "/suno/fetch/"),
        (lambda: client.fetch_task(value, "udio"), "/udio/fetch/"),
        (lambda: client.timing(value), "/suno/act/timing/"),
    ):
        sandbox.clear_requests()
        with pytest.raises(GatewayError):  # no such task or clip; what matters is the path
            call()
        paths = {r["path"] for r in sandbox.requests}
        assert paths == {prefix + segment}, paths
        assert "/" not in segment and ".." != segment


def test_padding_from_a_paste_is_trimmed_but_control_characters_are_not():
    assert validate_id("\n abc-1\t\u3000") == "abc-1"
    for value in ("abc\x1c", "\x0babc", "abc\x85"):
        with pytest.raises(InvalidInputError):
            validate_id(value)


def test_a_hand_edited_link_with_a_path_is_refused_on_the_task_page(on_sandbox):
    at = open_app(TASK_PAGE, id="../../_sandbox/requests")
    assert "may only hold" in at.error[0].value
    assert on_sandbox.requests == []


# --------------------------------------------------------------------------------------------
# 4. Server-side media downloads
# --------------------------------------------------------------------------------------------


class MediaHost:
    """A loopback HTTP server whose routes misbehave on purpose (as a media host, or as a
    gateway for ``/suno/fetch/deep``); it records every request."""

    def __init__(self) -> None:
        self.hits: list[tuple[str, dict[str, str]]] = []
        host = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                host.hits.append((self.path, dict(self.headers.items())))
                host.answer(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        path = handler.path
        if path.startswith("/redirect/"):  # /redirect/<n>/... : n more hops, then /file
            rest = path[len("/redirect/") :]
            count, _, tail = rest.partition("/")
            target = f"/redirect/{int(count) - 1}/{tail}" if int(count) > 1 else f"/{tail}"
            return self._redirect(handler, target)
        if path == "/to-file":
            return self._redirect(handler, "file:///etc/passwd")
        if path == "/to-ftp":
            return self._redirect(handler, "ftp://127.0.0.1/x")
        if path == "/to-huge":
            return self._redirect(handler, "/huge-declared")
        if path == "/huge-declared":  # claims 10 GB; sends a little
            handler.send_response(200)
            handler.send_header("Content-Type", "audio/wav")
            handler.send_header("Content-Length", str(10 * 2**30))
            handler.end_headers()
            handler.wfile.write(b"x" * 1024)
            return None
        if path.startswith("/undeclared/"):  # n bytes, no Content-Length: the end is the close
            size = int(path.rsplit("/", 1)[1])
            handler.send_response(200)
            handler.send_header("Content-Type", "audio/wav")
            handler.send_header("Connection", "close")
            handler.end_headers()
            handler.close_connection = True
            for start in range(0, size, 65536):
                handler.wfile.write(b"u" * min(65536, size - start))
            return None
        if path == "/suno/fetch/deep":  # valid JSON, nested deeper than Python's recursion limit
            body = b'{"data":' * 50_000 + b"1" + b"}" * 50_000
            handler.send_response(200)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)
            return None
        if path == "/bad-length":
            handler.send_response(200)
            handler.send_header("Content-Length", "a lot")
            handler.send_header("Connection", "close")
            handler.end_headers()
            handler.close_connection = True
            handler.wfile.write(b"fine")
            return None
        if path == "/drip":  # a byte every 0.3 s, for ever (until the client gives up)
            handler.send_response(200)
            handler.send_header("Connection", "close")
            handler.end_headers()
            handler.close_connection = True
            try:
                for _ in range(100):
                    handler.wfile.write(b"d")
                    handler.wfile.flush()
                    time.sleep(0.3)
            except OSError:
                pass
            return None
        size = int(path.rsplit("/", 1)[1]) if path.startswith("/sized/") else 2048
        handler.send_response(200)
        handler.send_header("Content-Type", "audio/wav")
        handler.send_header("Content-Length", str(size))
        handler.end_headers()
        handler.wfile.write(b"s" * size)
        return None

    @staticmethod
    def _redirect(handler: BaseHTTPRequestHandler, location: str) -> None:
        handler.send_response(302)
        handler.send_header("Location", location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    def paths(self) -> list[str]:
        return [path for path, _ in self.hits]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def media_host():
    host = MediaHost()
    yield host
    host.stop()


def test_redirects_are_capped_and_must_stay_http(media_host):
    data, _ = fetch_media(f"{media_host.url}/redirect/3/sized/100")
    assert data == b"s" * 100
    media_host.hits.clear()
    with pytest.raises(InvalidInputError, match="more than 3"):
        fetch_media(f"{media_host.url}/redirect/4/sized/100")
    assert len(media_host.hits) == 4  # the fourth redirect was not followed
    for route in ("/to-file", "/to-ftp"):
        with pytest.raises(InvalidInputError, match="non-http"):
            fetch_media(media_host.url + route)
    assert all(not headers.get("Authorization") for _, headers in media_host.hits)  # never a key


def test_size_cap_with_and_without_content_length(media_host):
    assert len(fetch_media(f"{media_host.url}/sized/5000", max_bytes=5000)[0]) == 5000
    with pytest.raises(ProtocolError, match="larger than"):
        fetch_media(f"{media_host.url}/sized/5001", max_bytes=5000)
    assert len(fetch_media(f"{media_host.url}/undeclared/300000", max_bytes=300000)[0]) == 300000
    with pytest.raises(ProtocolError, match="larger than"):
        fetch_media(f"{media_host.url}/undeclared/3000000", max_bytes=300000)
    started = time.monotonic()
    with pytest.raises(ProtocolError, match="larger than"):  # a redirect to a huge body, refused
        fetch_media(f"{media_host.url}/to-huge")  # on its declared length, before reading it
    assert time.monotonic() - started < 5
    try:  # a malformed Content-Length is not a crash: read with the cap, or refused as a GatewayError
        assert fetch_media(f"{media_host.url}/bad-length")[0] == b"fine"
    except GatewayError:
        pass


def test_a_slow_drip_is_cut_off_by_the_time_cap(media_host):
    started = time.monotonic()
    with pytest.raises(GatewayConnectionError, match="longer than"):
        fetch_media(f"{media_host.url}/drip", max_seconds=1.0)
    assert time.monotonic() - started < 4


def test_addresses_of_the_servers_neighbourhood_are_not_public():
    for url in (
        "http://127.0.0.1/x",
        "http://localhost/x",
        "http://10.0.0.8/x",
        "http://192.168.1.1/x",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/x",
        "http://[::ffff:127.0.0.1]/x",
        "http://0.0.0.0/x",
        "http://100.64.0.1/x",
        "http://[fd00::1]/x",
        "http://no-such-host.invalid/x",
        "file:///etc/passwd",
        "javascript:alert(1)",
    ):
        assert not is_public_url(url), url
    assert is_public_url("http://8.8.8.8/x") and is_public_url("https://[2606:4700:4700::1111]/x")
    assert is_loopback_url("http://127.0.0.1:9/x") and not is_loopback_url("ftp://127.0.0.1/x")
    with pytest.raises(InvalidInputError):
        fetch_media("http://127.0.0.1:9/x", public_only=True)  # refused before connecting
    with pytest.raises(InvalidInputError):
        fetch_media("file:///etc/passwd")


def _pasted(media_host) -> str:
    clip = {
        "id": "pasted-clip",
        "title": "Pasted",
        "status": "complete",
        "duration": 10,
        "audio_url": f"{media_host.url}/pasted/audio.wav",
        "image_url": f"{media_host.url}/pasted/cover.png",
        "video_url": f"{media_host.url}/pasted/video.mp4",
    }
    return json.dumps(
        {"code": "success", "message": "", "data": {"task_id": "pasted-task", "status": "SUCCESS", "data": [clip]}}
    )


def test_a_pasted_response_is_shown_without_the_server_fetching_its_media(on_sandbox, media_host):
    at = open_app(TASK_PAGE)
    at.sidebar.toggle(key="media_proxy::en").set_value(True).run()  # "load media through this server"
    at.text_area(key="task_input::en").input(_pasted(media_host))
    at.form_submit_button[0].click().run()
    assert not at.exception and "no request was made" in at.info[0].value
    [audio] = at.get("audio")
    assert audio.proto.url == f"{media_host.url}/pasted/audio.wav"  # the browser's business
    assert at.get("video")[0].proto.url == f"{media_host.url}/pasted/video.mp4"
    at.run()
    assert media_host.hits == []
    assert not on_sandbox.requests


def test_the_export_pack_of_a_pasted_response_does_not_fetch_its_media(on_sandbox, media_host):
    at = open_app(TASK_PAGE)
    at.text_area(key="task_input::en").input(_pasted(media_host))
    at.form_submit_button[0].click().run()
    at.button(key="export-build-pasted-task").click().run()
    assert at.session_state["export_packs"]["pasted-task"].skipped
    assert media_host.hits == []


def test_a_gateway_fetched_tasks_media_is_proxied(on_sandbox, client, clock):
    task_id = client.generate("loopback media for a remote viewer")
    clock.advance(PAST_DONE)
    at = open_app(TASK_PAGE, id=task_id)
    audio = [a.proto.url for a in at.get("audio")]
    # The sandbox is on the server's loopback: its files reach the browser through the server.
    assert len(audio) == 2 and all(url.startswith("/mock/media/") for url in audio), audio
    assert len(at.session_state["gateway_media"]) >= 4


def test_a_loopback_url_nobody_named_is_handed_over_not_fetched(on_sandbox, client, clock, media_host):
    """The same session, a gateway-fetched task open: a pasted response naming other loopback
    URLs still gets no server fetch, while the gateway's own files stay proxied."""
    task_id = client.generate("a real one first")
    clock.advance(PAST_DONE)
    at = open_app(TASK_PAGE, id=task_id)
    at.text_area(key="task_input::en").input(_pasted(media_host))
    at.form_submit_button[0].click().run()
    assert [a.proto.url for a in at.get("audio")] == [f"{media_host.url}/pasted/audio.wav"]
    assert media_host.hits == []


# --------------------------------------------------------------------------------------------
# Hostile structure: JSON nested deeper than Python's recursion limit
# --------------------------------------------------------------------------------------------

DEEP_JSON = '{"data":' * 50_000 + "1" + "}" * 50_000


def test_a_gateway_answering_absurdly_nested_json_is_a_protocol_error(media_host):
    from lib.gateway.client import GatewayClient

    with GatewayClient(media_host.url, "k", backoff=0) as client:
        with pytest.raises(ProtocolError):
            client.fetch_task("deep")


def test_pasting_absurdly_nested_json_is_refused_politely(on_sandbox):
    at = AppTest.from_file(APP, default_timeout=30)
    at.context["locale"] = "en-US"
    at.run()
    at.switch_page(TASK_PAGE).run()
    at.text_area(key="task_input::en").input(DEEP_JSON)
    at.form_submit_button[0].click().run()
    assert not at.exception and at.error
