"""Issue 12, findings 7 and 2: a gateway that echoes the key in another spelling — JSON ``\\uXXXX``
escapes, whole or in part, in a task's title, lyrics, tags, fail reason, an object's key or an
error — must not get the plain key onto the page, into the library or into an export; and a key
typed for one gateway is never sent to another. Real HTTP to ``tests.loopback_gateway``."""

from __future__ import annotations

import json
import re

import pytest

from lib.gateway import GatewayClient, errors
from lib.gateway.key_scrub import key_spellings
from lib.gateway.profiles import GatewayProfile
from lib.library.import_export import export_csv, export_json
from lib.library.store import HistoryStore
from tests.apptest import TASK_PAGE, api_key_field, element_protos, open_app
from tests.loopback_gateway import LoopbackGateway

KEYS = {
    "plain": "sk-live-4f9c2a7e1b93d0aa",
    "punctuation": 'sk-T/e+"s\\t=00{42};<b>',  # JSON-escaped, markdown- and HTML-special
}


def _units(text: str) -> list[int]:
    data = text.encode("utf-16-be", "surrogatepass")
    return [int.from_bytes(data[i : i + 2], "big") for i in range(0, len(data), 2)]


def escaped(key: str, how: str) -> str:
    """The key as JSON string content, spelled with ``\\u`` escapes: every UTF-16 unit
    (``lower``/``upper`` hex), every other character (``alternate``), or just the first (``first``)."""
    if how in ("lower", "upper"):
        return "".join(f"\\u{u:04x}" if how == "lower" else f"\\u{u:04X}" for u in _units(key))
    out = []
    for index, char in enumerate(key):
        if (how == "alternate" and index % 2 == 0) or (how == "first" and index == 0):
            out.append("".join(f"\\u{u:04x}" for u in _units(char)))
        else:
            out.append(json.dumps(char, ensure_ascii=False)[1:-1])
    return "".join(out)


def echoing_body(key: str, task_id: str, status: str = "SUCCESS") -> bytes:
    """A task answer whose every text field echoes the key in another escaped spelling. Written
    as text: ``json.dumps`` never produces these escapes."""
    spelled = {f"@{how}@": escaped(key, how) for how in ("lower", "upper", "alternate", "first")}
    clip = {
        "id": f"{task_id}-clip",
        "title": "Song @lower@",
        "status": "complete",
        "audio_url": "https://cdn.example.com/a.mp3",
        "error_message": "clip @first@",
        "metadata": {"prompt": "[Verse] @upper@ la la", "tags": "pop, @alternate@", "@lower@": "as a key"},
    }
    data = {"task_id": task_id, "status": status, "fail_reason": "upstream said @alternate@", "data": [clip]}
    text = json.dumps({"code": "success", "message": "echo @first@", "data": data}, ensure_ascii=False)
    for placeholder, spelling in spelled.items():
        text = text.replace(placeholder, spelling)
    assert json.loads(text)["data"]["data"][0]["title"] == f"Song {key}"  # the escapes spell the key
    return text.encode()


def holds(data: bytes | str, key: str) -> bool:
    """The plain key, or a spelling that shows as the key once markdown's or JSON's backslashes
    are read (those are added by escaping, not by the gateway)."""
    data = data.encode() if isinstance(data, str) else data
    forms = {f.encode() for f in key_spellings(key) if len(f) >= 8}
    return any(f in data for f in forms) or key.replace("\\", "").encode() in data.replace(b"\\", b"")


def _walk_text(value) -> str:
    return json.dumps(value, ensure_ascii=False, default=repr)


def _unescaped(text: str) -> str:
    """What a reader of the text sees once JSON's \\u escapes are decoded (pairs joined)."""
    units = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)
    return units.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


@pytest.fixture(params=sorted(KEYS), ids=sorted(KEYS))
def key(request) -> str:
    return KEYS[request.param]


@pytest.fixture
def echo(key):
    with LoopbackGateway(lambda r: (200, {}, echoing_body(key, r.path.rsplit("/", 1)[-1]))) as gateway:
        yield gateway


def test_a_task_echoing_the_key_in_escapes_is_parsed_without_it(echo, key, tmp_path):
    with GatewayClient(echo.url, key) as client:
        task = client.fetch_task("echo-task")
    song = task.songs[0]
    assert song.title == "Song ***" and "***" in song.lyrics and "***" in task.fail_reason
    parsed = repr(task) + _walk_text(task.raw) + repr(task.songs)
    assert not holds(parsed, key)

    # The library row, written and read back, and the file itself.
    store = HistoryStore(f"sqlite:///{tmp_path / 'library.db'}")
    try:
        store.record_task(task, GatewayProfile("custom", echo.url, key))
        entry = store.find("echo-task")
        assert entry is not None and entry.title == "Song ***"
        assert not holds(repr(entry), key)
        # Exports: CSV and JSON, as bytes and as what a reader decodes from them.
        csv_bytes, json_bytes = export_csv([entry]), export_json([entry])
        assert not holds(csv_bytes, key) and not holds(csv_bytes.decode("utf-8-sig"), key)
        assert not holds(json_bytes, key) and not holds(_walk_text(json.loads(json_bytes)), key)
    finally:
        store.close()
    assert not holds((tmp_path / "library.db").read_bytes(), key)


def test_an_error_echoing_the_key_in_escapes_shows_without_it(key):
    bodies = {
        "json error": (400, '{"code": "invalid_request", "message": "bad key ' + escaped(key, "alternate") + '"}'),
        "cut-off json": (500, '{"code": "fail", "message": "upstream ' + escaped(key, "first") + " ... "),
        "web page": (502, "<html><body>proxy error for " + escaped(key, "lower") + "</body></html>"),
    }
    for name, (status, body) in bodies.items():
        with LoopbackGateway(lambda r, s=status, b=body: (s, {}, b.encode())) as gateway:
            with GatewayClient(gateway.url, key, max_retries=0) as client:
                with pytest.raises(errors.GatewayError) as info:
                    client.fetch_task("x")
        error = info.value
        shown = f"{error} {error.gateway_message} {error.body}"
        assert not holds(shown, key), name
        # What escapes still spell after decoding must not be the key either (a reader decodes them).
        assert not holds(_unescaped(shown), key), name


def test_the_task_page_and_library_never_show_an_echoed_key(library, monkeypatch, caplog):
    key = KEYS["plain"]
    caplog.set_level("DEBUG")
    with LoopbackGateway(lambda r: (200, {}, echoing_body(key, r.path.rsplit("/", 1)[-1]))) as gateway:
        monkeypatch.setenv("GATEWAY_BASE_URL", gateway.url)
        monkeypatch.setenv("GATEWAY_API_KEY", key)
        at = open_app(TASK_PAGE)
        at.text_area(key="task_input::en").input("echo-page-task")
        at.form_submit_button[0].click().run()
        assert not at.exception
    page = b"\n".join(proto.SerializeToString() for proto in element_protos(at))
    assert b"Song" in page and not holds(page, key)
    assert [e.title for e in library.search()] == ["Song ***"]
    assert not holds(library.path.read_bytes(), key)
    assert not holds("\n".join(r.getMessage() for r in caplog.records), key)


@pytest.mark.parametrize("pasted", ["sk-Tést-0042", "sk-密钥-0042", "sk-two words", "sk-line\nbreak", "sk-🎵-0042"])
def test_a_key_no_header_can_carry_is_refused_before_anything_is_sent(pasted):
    with LoopbackGateway() as gateway:
        with pytest.raises(errors.InvalidInputError) as info:
            GatewayClient(gateway.url, pasted).fetch_task("x")
        assert gateway.requests == []
    assert pasted not in str(info.value)  # never quoted back


# --- finding 2: a key belongs to the gateway it was typed for ---------------------------------


def test_a_key_typed_for_one_gateway_is_never_sent_to_another(monkeypatch):
    """Type a key for the configured gateway and use it, switch to a custom gateway: that one gets
    no key until one is typed for it; going back never sends the custom gateway's key."""
    monkeypatch.setenv("ALLOW_PRIVATE_CUSTOM_GATEWAYS", "1")  # both gateways are on loopback here
    with LoopbackGateway() as configured, LoopbackGateway() as custom:
        monkeypatch.setenv("GATEWAY_BASE_URL", configured.url)
        monkeypatch.delenv("GATEWAY_API_KEY", raising=False)
        at = open_app(TASK_PAGE)

        def open_task(task_id: str) -> None:
            at.text_area(key="task_input::en").input(task_id)
            at.form_submit_button[0].click().run()
            assert not at.exception, at.exception

        api_key_field(at).input("sk-for-configured-1111").run()
        open_task("t-configured")
        assert {r.headers.get("Authorization") for r in configured.requests} == {"Bearer sk-for-configured-1111"}
        at.sidebar.selectbox(key="gateway::en").set_value("custom").run()
        at.sidebar.text_input(key="custom_base_url::en").input(custom.url).run()
        assert api_key_field(at).value == ""  # a field of its own, empty
        open_task("t-custom")
        assert custom.requests and all("Authorization" not in r.headers for r in custom.requests)
        api_key_field(at).input("sk-for-custom-2222").run()
        open_task("t-custom-2")
        assert custom.requests[-1].headers.get("Authorization") == "Bearer sk-for-custom-2222"
        configured.requests.clear()
        at.sidebar.selectbox(key="gateway::en").set_value("env").run()
        open_task("t-configured-2")
        assert configured.requests  # asked again, with its own key or none: never the custom one
        assert all(r.headers.get("Authorization") != "Bearer sk-for-custom-2222" for r in configured.requests)


def test_a_cleared_key_or_a_gateway_left_sends_no_key(monkeypatch):
    """The session keeps its own copy of a typed key (a page switch by the app drops the field's
    state): the copy follows the field, so clearing the field forgets the key, and so does leaving
    the gateway, whose field comes back empty."""
    monkeypatch.setenv("ALLOW_PRIVATE_CUSTOM_GATEWAYS", "1")
    for name in ("GATEWAY_BASE_URL", "GATEWAY_API_KEY", "GATEWAY_NAME"):
        monkeypatch.delenv(name, raising=False)
    with LoopbackGateway() as custom:
        at = open_app(TASK_PAGE)

        def sent_with(task_id: str) -> str | None:
            custom.requests.clear()
            at.text_area(key="task_input::en").input(task_id)
            at.form_submit_button[0].click().run()
            assert not at.exception and custom.requests, at.exception
            return custom.requests[-1].headers.get("Authorization")

        at.sidebar.selectbox(key="gateway::en").set_value("custom").run()
        at.sidebar.text_input(key="custom_base_url::en").input(custom.url).run()
        api_key_field(at).input("sk-typed-then-cleared-1").run()
        assert sent_with("t-typed") == "Bearer sk-typed-then-cleared-1"
        api_key_field(at).input("").run()
        assert sent_with("t-cleared") is None
        api_key_field(at).input("sk-typed-then-left-2").run()
        assert sent_with("t-typed-again") == "Bearer sk-typed-then-left-2"
        at.sidebar.selectbox(key="gateway::en").set_value("sandbox").run()
        at.sidebar.selectbox(key="gateway::en").set_value("custom").run()
        assert api_key_field(at).value == ""
        assert sent_with("t-back") is None
