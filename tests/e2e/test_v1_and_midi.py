"""Issue 17 in Chromium: a gateway that offers only the v1 routes (a sandbox in v1-only mode, every
other task route a 404) driven end to end — chosen by a profile's ``routes = "v1"``, or found by
the capability probe — submit → two playable songs, lyrics, and the full song of an extension;
then, on the app's own sandbox, a song's MIDI downloaded as a valid .mid file and the older stems
route's two stems playing."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from lib.gateway import GatewayClient
from lib.sandbox import SandboxConfig, SandboxGateway
from tests.e2e.conftest import (
    ARTIFACTS,
    StreamlitServer,
    confirm_paid,
    free_port,
    open_finished_task,
    open_tab,
    open_tools_menu,
    wait_for_app,
)
from tests.e2e.test_song_tools import open_song_tools, play_muted
from tests.test_midi_and_older_stems import read_smf

KEY = "sk-v1-e2e-0042"


@pytest.fixture(scope="module")
def v1_gateway():
    sandbox = SandboxGateway(SandboxConfig.fast(routes="v1"), port=free_port()).start()
    yield sandbox
    sandbox.stop()


@pytest.fixture(scope="module")
def v1_app(chromium_path, v1_gateway):
    """Two profiles on the same v1-only gateway: "goamz" says ``routes = "v1"``, "plain" does not
    (the probe has to find it out)."""
    secrets = {
        "gateways": {
            "goamz": {"base_url": v1_gateway.url, "api_key": KEY, "routes": "v1"},
            "plain": {"base_url": v1_gateway.url, "api_key": KEY},
        }
    }
    server = StreamlitServer({"SANDBOX_PORT": str(free_port())}, secrets=secrets)
    yield server
    server.stop()
    assert "Traceback" not in server.log(), server.log()[-4000:]


def api_paths(gateway) -> list[tuple[str, str]]:
    return [(r["method"], r["path"]) for r in gateway.requests]


def submit_on_create(page, main, field: str, text: str) -> None:
    main.get_by_label(field).fill(text)
    main.get_by_role("button", name="Submit — spends credits").click()
    confirm_paid(page)  # a configured gateway: the paid request is shown first
    page.wait_for_url("**/task?id=*", timeout=30_000)
    wait_for_app(page)


def choose_mode(page, main, label: str) -> None:
    main.get_by_test_id("stSelectbox").first.click()
    page.get_by_role("option", name=label).click()
    wait_for_app(page)


def test_a_v1_only_gateway_chosen_by_its_profile(page, v1_app, v1_gateway):
    v1_gateway.clear_requests()
    page.goto(v1_app.url)  # "goamz", the first profile, is the session's gateway
    wait_for_app(page)
    main = page.get_by_test_id("stMainBlockContainer")
    main.get_by_label("Song description *").fill("rain on the harbour, lofi piano")
    main.get_by_role("button", name="Submit — spends credits").click()
    dialog = page.get_by_test_id("stDialog")
    expect(dialog.get_by_text("/suno/generate", exact=True)).to_be_visible(timeout=30_000)  # the route it goes to
    confirm_paid(page)
    page.wait_for_url("**/task?id=*", timeout=30_000)
    wait_for_app(page)
    expect(main.get_by_text("Succeeded")).to_be_visible(timeout=60_000)
    wait_for_app(page)  # the finished task's full run replaces the running one's players
    players = main.locator("audio")
    expect(players).to_have_count(2)
    play_muted(page, players.first)
    play_muted(page, players.nth(1))
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "v1-task.png"), full_page=True)
    paths = api_paths(v1_gateway)
    assert paths[0] == ("POST", "/suno/generate") and any(p.startswith("/suno/feed/") for _, p in paths)
    assert not any(p.startswith(("/suno/submit", "/suno/fetch")) for _, p in paths), paths

    # Lyrics on their own v1 routes.
    page.goto(v1_app.url)
    wait_for_app(page)
    choose_mode(page, main, "Lyrics only")
    submit_on_create(page, main, "What the lyrics are about *", "a lighthouse keeper's night")
    expect(main.get_by_text("Succeeded")).to_be_visible(timeout=60_000)
    wait_for_app(page)  # the finished task's full run replaces the running one's players
    expect(main.get_by_role("button", name="Use in Custom mode")).to_be_visible()
    paths = api_paths(v1_gateway)
    assert ("POST", "/suno/generate/lyrics/") in paths and any(p.startswith("/suno/lyrics/") for _, p in paths)
    assert page.js_errors == []


def test_the_full_song_of_an_extension_on_v1(page, v1_app, v1_gateway):
    """The song tools' *Full song* on an extended clip goes to ``/suno/generate/concat``."""
    with GatewayClient(v1_gateway.url, KEY, provider="newapi-v1") as client:
        first = client.wait(client.generate("a song to extend"), interval=0.2)
        extended = client.extend(clip_id=first.songs[0].id, task_id=first.task_id, continue_at=10, tags="pop")
        client.wait(extended, interval=0.2)
    v1_gateway.clear_requests()
    page.goto(v1_app.url)
    wait_for_app(page)
    main = open_finished_task(page, v1_app.url, extended)
    tools = open_tools_menu(page)
    open_tab(page, tools, "Full song")
    tools.get_by_role("button", name="Make the full song — spends credits").click()
    confirm_paid(page)
    tools = page.get_by_test_id("stPopoverBody")  # the menu opens again on the tool that asked
    expect(tools.locator("[data-testid='stTabPanel']:visible audio")).to_have_count(1, timeout=60_000)
    assert ("POST", "/suno/generate/concat") in api_paths(v1_gateway)
    assert main.is_visible() and page.js_errors == []


def test_the_probe_finds_a_v1_only_gateway(page, v1_app, v1_gateway):
    page.goto(v1_app.url)
    wait_for_app(page)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_test_id("stSelectbox").first.click()
    page.get_by_role("option", name="plain").click()
    wait_for_app(page)
    sidebar.get_by_text("Gateway capabilities").click()
    sidebar.get_by_role("button", name="Probe the gateway").click()
    wait_for_app(page)
    expect(sidebar.get_by_text("This gateway offers only the v1 routes", exact=False)).to_be_visible()
    v1_gateway.clear_requests()
    main = page.get_by_test_id("stMainBlockContainer")
    submit_on_create(page, main, "Song description *", "a probe found me")
    expect(main.get_by_text("Succeeded")).to_be_visible(timeout=60_000)
    wait_for_app(page)  # the finished task's full run replaces the running one's players
    expect(main.locator("audio")).to_have_count(2)
    assert api_paths(v1_gateway)[0] == ("POST", "/suno/generate")
    assert page.js_errors == []


# --- MIDI and the older stems route on the app's own sandbox -------------------------------------


def test_midi_downloads_as_a_valid_midi_file(page, studio):
    main, tools = open_song_tools(page, studio)
    open_tab(page, tools, "MIDI")
    tools.get_by_role("button", name="Get the MIDI").click()
    download_button = tools.get_by_role("button", name="Download MIDI (.mid)")
    expect(download_button).to_be_visible(timeout=30_000)
    expect(tools.get_by_test_id("stVegaLiteChart")).to_be_visible()  # the piano roll
    with page.expect_download() as download:
        download_button.click()
    assert download.value.suggested_filename.endswith(".mid")
    data = download.value.path().read_bytes()
    fmt, _, tracks, names = read_smf(data)
    assert fmt == 1 and names[1:] == ["Vocals", "Bass"] and len(tracks[1]) > 10
    page.screenshot(path=str(ARTIFACTS / "song-tools-midi.png"), full_page=True)
    assert page.js_errors == []


def test_the_older_stems_route_plays_two_stems(page, studio):
    main, tools = open_song_tools(page, studio)
    open_tab(page, tools, "Quick stems")
    tools.get_by_role("button", name="Split into vocals and instrumental", exact=True).click()
    expect(tools.get_by_text("- Vocals", exact=False)).to_be_visible(timeout=30_000)
    players = tools.locator("[data-testid='stTabPanel']:visible audio")
    expect(players).to_have_count(2, timeout=30_000)
    wait_for_app(page)
    play_muted(page, players.first)
    play_muted(page, players.nth(1))
    page.screenshot(path=str(ARTIFACTS / "song-tools-quick-stems.png"), full_page=True)
    assert page.js_errors == []
