"""Security (issue 7) in Chromium: a real ``streamlit run app.py`` configured with a canary API key
for a sandbox gateway running in this test process.

- The key never reaches the browser: not in any page's HTML, any URL the browser requests (or
  its headers), the WebSocket frames the server sends, the console, a downloaded file (CSV
  export, .lrc, export ZIP), nor the server's log. A key typed for the session ("Custom
  gateway…") stays in its password field.
- Hostile text from the gateway (titles, tags, lyrics, errors) stays text everywhere it is shown:
  no injected script runs, no ``javascript:`` link or injected image appears, and the text is
  visible literally.
"""

from __future__ import annotations

import io
import zipfile
from urllib.parse import quote, quote_plus

import pytest
from playwright.sync_api import expect

from lib.gateway.client import GatewayClient
from lib.sandbox import SandboxConfig, SandboxGateway
from tests.e2e.conftest import (
    StreamlitServer,
    confirm_paid,
    custom_key_field,
    export_button,
    free_port,
    key_taken,
    open_finished_task,
    open_lyrics,
    open_tab,
    open_tools_menu,
    wait_for_app,
)

CANARY = "sk-CANARY-e2e-4b9d1f7a2c"
TYPED_CANARY = "sk-CANARY-typed-9e2a61"

# Each payload, if it ever ran, would set window.__pwned.
HOSTILE_TITLE = '<img src=x onerror="window.__pwned=1">Harbour<script>window.__pwned=11</script>'
HOSTILE_TAGS = "<svg onload=window.__pwned=3>, [tag](javascript:window.__pwned=4), **loud**"
HOSTILE_LINE = "<script>window.__pwned=5</script> neon harbour lights"
HOSTILE_LINK = "[click me](javascript:window.__pwned=2) ![pic](http://127.0.0.1:9/x.png)"
HOSTILE_LYRICS = (
    f'[Verse]\n{HOSTILE_LINE}\n{HOSTILE_LINK}\n<a href="javascript:window.__pwned=6">link</a> tonight\n'
    '[Chorus]\n<iframe src="javascript:window.__pwned=7"></iframe> la la la'
)
HOSTILE_ERROR = '<img src=x onerror="window.__pwned=8"> [details](javascript:window.__pwned=9) 用户额度不足'


@pytest.fixture(scope="module")
def gateway():
    """The gateway the app is configured with: a sandbox in this process, tasks done in ~1 s."""
    sandbox = SandboxGateway(SandboxConfig.fast(), port=free_port()).start()
    yield sandbox
    sandbox.stop()


@pytest.fixture(scope="module")
def studio(chromium_path, gateway):
    # StreamlitServer drops the test environment's GATEWAY_* variables (a newcomer has none);
    # extra_env sets this test's own.
    server = StreamlitServer(
        {"GATEWAY_BASE_URL": gateway.url, "GATEWAY_API_KEY": CANARY, "SANDBOX_PORT": str(free_port())}
    )
    yield server
    server.stop()
    log = server.log()
    assert "Traceback" not in log, log[-4000:]
    assert not _holds(log.encode(), CANARY) and not _holds(log.encode(), TYPED_CANARY)


def _holds(data: bytes, key: str) -> bool:
    """The key as it is, percent-encoded, or under Markdown/JSON backslash escaping."""
    spellings = (key, quote(key, safe=""), quote_plus(key))
    return any(s.encode() in data for s in spellings) or key.replace("\\", "").encode() in data.replace(b"\\", b"")


class Watch:
    """What the browser saw: page HTML at each step, every request (URL, headers, body), the
    WebSocket frames both ways, console messages and downloaded files."""

    def __init__(self, page) -> None:
        self.seen: dict[str, list[bytes]] = {
            "html": [],
            "requests": [],
            "frames from the server": [],
            "frames to the server": [],
            "console": [],
            "downloads": [],
        }
        page.on("request", self._request)
        page.on("console", lambda message: self._add("console", message.text))
        page.on("websocket", self._websocket)

    def _add(self, where: str, content: str | bytes) -> None:
        self.seen[where].append(content.encode("utf-8", "replace") if isinstance(content, str) else content)

    def _request(self, request) -> None:
        headers = " ".join(f"{k}: {v}" for k, v in request.headers.items())
        self._add("requests", f"{request.method} {request.url} {headers}")
        if request.post_data_buffer:
            self._add("requests", request.post_data_buffer)

    def _websocket(self, socket) -> None:
        socket.on("framereceived", lambda payload: self._add("frames from the server", payload))
        socket.on("framesent", lambda payload: self._add("frames to the server", payload))

    def snapshot(self, page) -> None:
        self._add("html", page.url + "\n" + page.content())

    def download(self, page, button) -> bytes:
        with page.expect_download() as download:
            button.click()
        data = download.value.path().read_bytes()
        self._add("downloads", download.value.suggested_filename.encode() + b"\n" + data)
        if download.value.suggested_filename.endswith(".zip"):
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for name in archive.namelist():
                    self._add("downloads", name.encode() + b"\n" + archive.read(name))
        return data

    def places_holding(self, key: str, *, skip: tuple[str, ...] = ()) -> list[str]:
        return [
            where
            for where, items in self.seen.items()
            if where not in skip and any(_holds(item, key) for item in items)
        ]


def assert_inert(page) -> None:
    """Nothing hostile became markup: no script ran, no javascript: link, no injected image,
    frame or inline handler anywhere in the document."""
    found = page.evaluate("""() => ({
        pwned: window.__pwned === undefined ? null : window.__pwned,
        jsLinks: [...document.querySelectorAll('[href],[src],[action],[formaction]')].filter(e =>
            ['href', 'src', 'action', 'formaction']
                .some(a => /^\\s*javascript:/i.test(e.getAttribute(a) || ''))).length,
        injectedImages: [...document.querySelectorAll('img')].filter(i =>
            i.getAttribute('src') === 'x' || (i.getAttribute('src') || '').includes('127.0.0.1:9')).length,
        frames: document.querySelectorAll('iframe[src^="javascript" i], svg[onload]').length,
        handlers: [...document.querySelectorAll('*')].flatMap(e =>
            [...e.attributes].filter(a => a.name.startsWith('on')).map(a => e.tagName + ' ' + a.name)),
    })""")
    assert found == {"pwned": None, "jsLinks": 0, "injectedImages": 0, "frames": 0, "handlers": []}, found


def open_tools(main):
    return open_tools_menu(main.page)


def test_the_key_never_reaches_the_browser_downloads_or_log(page, studio, gateway):
    watch = Watch(page)
    page.goto(studio.url)
    wait_for_app(page)
    main = page.get_by_test_id("stMainBlockContainer")
    expect(page.get_by_test_id("stSidebar").get_by_text("Using env", exact=False)).to_be_visible()
    main.get_by_label("Song description *").fill("canary song, harbour lights")
    main.get_by_role("button", name="Preview request").click()
    wait_for_app(page)
    for tab in ("curl", "Python"):  # the snippets read the key from the environment
        open_tab(page, main, tab)
        expect(main.get_by_role("tabpanel", name=tab).get_by_test_id("stCode")).to_contain_text("GATEWAY_API_KEY")
        watch.snapshot(page)
    main.get_by_role("button", name="Submit — spends credits").click()
    expect(page.get_by_test_id("stDialog")).to_be_visible(timeout=30_000)
    watch.snapshot(page)  # the paid-request dialog: the body and route, never the key
    confirm_paid(page)
    page.wait_for_url("**/task?id=*", timeout=30_000)
    task_id = page.url.split("id=")[1].split("&")[0]
    main = open_finished_task(page, studio.url, task_id)
    expect(main.locator("audio")).to_have_count(2)
    watch.snapshot(page)

    open_lyrics(main)  # the first card's lyrics fold, where Sing along is
    main.get_by_role("button", name="Sing along").first.click()
    wait_for_app(page)
    lrc = watch.download(page, main.get_by_role("button", name="Download synced lyrics (.lrc)"))
    assert lrc.startswith(b"[ti:")
    main.get_by_role("button", name="Build export pack").click()
    wait_for_app(page)
    pack = watch.download(page, main.get_by_role("button", name="Download ZIP"))
    assert b"task.json" in pack
    watch.snapshot(page)

    page.goto(f"{studio.url}/history")
    wait_for_app(page)
    csv = watch.download(page, export_button(page, "Export CSV"))
    assert task_id.encode() in csv
    watch.snapshot(page)

    assert watch.seen["frames from the server"] and watch.seen["requests"] and len(watch.seen["downloads"]) > 5
    assert watch.places_holding(CANARY) == []
    # The gateway got the key, as the header only: it answered, and its log (paths and bodies) lacks it.
    assert any(r["path"] == f"/suno/fetch/{task_id}" for r in gateway.requests)
    assert not _holds(repr(gateway.requests).encode(), CANARY)
    assert not _holds(studio.log().encode(), CANARY)
    assert page.js_errors == []


def test_a_key_typed_for_the_session_stays_in_its_password_field(page, studio, gateway):
    task_id = GatewayClient(gateway.url, "another-key").generate("typed key journey")
    watch = Watch(page)
    page.goto(studio.url)
    wait_for_app(page)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_test_id("stSelectbox").first.click()
    page.get_by_role("option", name="Custom gateway…").click()
    wait_for_app(page)
    base_url = sidebar.get_by_role("textbox", name="Base URL")
    base_url.fill(gateway.url)
    base_url.press("Enter")
    key_field = custom_key_field(page, gateway.url)
    assert key_field.get_attribute("type") == "password"
    key_field.fill(TYPED_CANARY)
    key_field.press("Enter")
    key_taken(page)
    # Pages are switched inside the app (a new page load would be a new session without the key).
    sidebar.get_by_test_id("stSidebarNav").get_by_role("link", name="Task").click()
    wait_for_app(page)
    main = page.get_by_test_id("stMainBlockContainer")
    main.get_by_label("Task IDs, or a pasted fetch response").fill(task_id)
    main.get_by_role("button", name="Open").click()
    expect(main.get_by_text("Succeeded")).to_be_visible(timeout=30_000)  # the typed key worked
    wait_for_app(page)
    watch.snapshot(page)
    sidebar.get_by_test_id("stSidebarNav").get_by_role("link", name="History").click()
    wait_for_app(page)
    expect(page.get_by_test_id("stDataFrame")).to_be_visible()
    watch.snapshot(page)

    # What Streamlit (React) does with the field: its value property holds the key, and so may
    # its value attribute (React mirrors a controlled input's value there), which page.content()
    # serialises. That one attribute of the password input itself is allowed; nothing else.
    assert key_field.input_value() == TYPED_CANARY
    attribute = key_field.get_attribute("value")
    print(f"password input's value attribute holds the typed key: {attribute == TYPED_CANARY}")
    without_field = page.evaluate("""() => { const copy = document.documentElement.cloneNode(true);
        copy.querySelectorAll('input[type=password]').forEach(i => i.removeAttribute('value'));
        return copy.outerHTML; }""")
    assert not _holds(without_field.encode(), TYPED_CANARY)
    assert TYPED_CANARY not in page.url
    # The browser sends the typed value to its own server as widget state; nothing else carries it.
    assert _holds(b"".join(watch.seen["frames to the server"]), TYPED_CANARY)
    assert watch.places_holding(TYPED_CANARY, skip=("frames to the server", "html")) == []
    assert not _holds(repr(gateway.requests).encode(), TYPED_CANARY)
    assert not _holds(studio.log().encode(), TYPED_CANARY)
    assert page.js_errors == []


def test_hostile_text_from_the_gateway_stays_inert(page, studio, gateway):
    watch = Watch(page)
    client = GatewayClient(gateway.url, "another-key")
    task_id = client.generate_custom(lyrics=HOSTILE_LYRICS, title=HOSTILE_TITLE, tags=HOSTILE_TAGS)
    page.goto(studio.url)
    wait_for_app(page)
    main = open_finished_task(page, studio.url, task_id)

    # The song card: title, tags and lyrics shown as the text they are.
    expect(main.get_by_text(HOSTILE_TITLE).first).to_be_visible()
    expect(main.get_by_text("[tag](javascript:window.__pwned=4)", exact=False).first).to_be_visible()
    expect(main.get_by_text("<svg onload=window.__pwned=3>", exact=False).first).to_be_visible()
    open_lyrics(main)
    expect(main.get_by_text(HOSTILE_LINK, exact=False).first).to_be_visible()
    expect(main.get_by_text(HOSTILE_LINE, exact=False).first).to_be_visible()
    assert main.locator("strong", has_text="loud").count() == 0  # **loud** stays asterisks
    assert_inert(page)

    # The karaoke view (a custom component: lines put in as text), then the stems' titles.
    main.get_by_role("button", name="Sing along").first.click()
    wait_for_app(page)
    lines = main.locator(".karaoke button.line")
    expect(lines.first).to_be_visible()
    expect(lines.filter(has_text="<script>window.__pwned=5</script>").first).to_be_visible()
    assert main.locator(".karaoke script, .karaoke img, .karaoke svg, .karaoke iframe, .karaoke a").count() == 0
    assert_inert(page)
    tools = open_tools(main)
    open_tab(page, tools, "Stems", exact=True)
    tools.get_by_role("button", name="Separate stems — spends credits").click()
    dialog = page.get_by_test_id("stDialog")
    # The body as JSON text (its quotes escaped), the title's markup inert in it.
    expect(dialog.get_by_test_id("stCode")).to_contain_text("Harbour<script>window.__pwned=11</script>", timeout=30_000)
    assert_inert(page)
    confirm_paid(page)
    # The tools menu stepped aside for the dialog (it would take its clicks) and is back on the stems.
    tools = page.get_by_test_id("stPopoverBody")
    stems_tab = tools.get_by_role("tab", name="Stems", exact=True)
    expect(stems_tab).to_have_attribute("aria-selected", "true", timeout=30_000)
    expect(tools.get_by_text(f"{HOSTILE_TITLE} - Vocals").first).to_be_visible(timeout=30_000)
    wait_for_app(page)
    assert_inert(page)

    # The sidebar's recent tasks: the title (first 40 characters) as a link's text.
    recent = page.get_by_test_id("stSidebar").get_by_role("link", name=HOSTILE_TITLE[:40])
    expect(recent.first).to_be_visible()
    hrefs = recent.evaluate_all("links => links.map(a => a.href)")  # the task and its stems task
    assert f"{studio.url}/task?id={task_id}&platform=suno" in hrefs, hrefs
    watch.snapshot(page)

    # Errors in the gateway's words: opening a task, and refusing a submit (which the library
    # keeps as a rejected row).
    other = client.generate("a task that will not open")
    gateway.inject("status", status=403, route="/suno/fetch", message=HOSTILE_ERROR, times=None)
    gateway.inject("status", status=403, route="/suno/submit", message=HOSTILE_ERROR, times=None)
    try:
        page.goto(f"{studio.url}/task?id={other}&platform=suno")
        wait_for_app(page)
        expect(page.get_by_test_id("stAlertContentError").get_by_text(HOSTILE_ERROR, exact=False).first).to_be_visible(
            timeout=15_000
        )
        assert_inert(page)
        page.goto(studio.url)  # Create is the start page
        wait_for_app(page)
        main = page.get_by_test_id("stMainBlockContainer")
        main.get_by_label("Song description *").fill("Harbour song the gateway refuses")
        main.get_by_role("button", name="Submit — spends credits").click()
        confirm_paid(page)
        wait_for_app(page)
        expect(main.get_by_test_id("stAlertContentError").get_by_text(HOSTILE_ERROR, exact=False).first).to_be_visible(
            timeout=15_000
        )
        assert_inert(page)
        watch.snapshot(page)
    finally:
        gateway.clear_faults()

    # The History table and the selection panel.
    page.goto(f"{studio.url}/history")
    wait_for_app(page)
    search = page.get_by_role("textbox", name="Search")
    search.fill("Harbour")  # the hostile task, its stems task and the refused submit
    search.press("Enter")
    wait_for_app(page)
    expect(page.locator("[data-testid='stDataFrame'] td", has_text=HOSTILE_TITLE).first).to_be_attached()
    assert_inert(page)
    grid = page.locator("[data-testid='stDataFrame'] canvas").first
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 14, box["y"] + 36 + 44 / 2)  # the newest row: the refused submit
    wait_for_app(page)
    expect(main.get_by_test_id("stAlertContentError").get_by_text(HOSTILE_ERROR, exact=False).first).to_be_visible()
    assert_inert(page)
    watch.snapshot(page)
    assert watch.places_holding(CANARY) == []
    assert page.js_errors == []
