"""Song tools in Chromium against the app's own sandbox: stems that play, a music video that
plays, an export pack that opens, and a gateway that lacks a tool (synced lyrics: test_karaoke)."""

import io
import zipfile

from playwright.sync_api import expect

from lib.gateway.client import GatewayClient
from lib.sandbox import FEATURES, control
from tests.e2e.conftest import ARTIFACTS, open_finished_task, open_tab, open_tools_menu, wait_for_app


def open_song_tools(page, studio):
    page.goto(studio.url)
    wait_for_app(page)  # the first run starts the sandbox
    task_id = GatewayClient(studio.sandbox_url, "e2e-key").generate("neon rain over the harbour")
    main = open_finished_task(page, studio.url, task_id)
    return main, open_tools_menu(page)


def play_muted(page, locator, timeout: float = 15_000) -> None:
    locator.evaluate("m => { m.muted = true; return m.play(); }")
    handle = locator.element_handle()
    page.wait_for_function("m => m.readyState >= 3 && m.currentTime > 0.2", arg=handle, timeout=timeout)


def test_stems_play(page, studio):
    main, tools = open_song_tools(page, studio)
    open_tab(page, tools, "Stems", exact=True)  # not "Quick stems"
    tools.get_by_role("button", name="Separate stems", exact=True).click()  # the free sandbox names no cost
    expect(tools.get_by_text("Vocals", exact=False).first).to_be_visible(timeout=30_000)
    expect(tools.get_by_text("Instrumental", exact=False).first).to_be_visible()
    wait_for_app(page)
    stem_players = tools.locator("[data-testid='stTabPanel']:visible audio")
    expect(stem_players).to_have_count(2, timeout=30_000)
    play_muted(page, stem_players.first)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "song-tools-stems.png"), full_page=True)
    assert page.js_errors == []


def test_music_video_plays_and_export_pack_opens(page, studio):
    main, tools = open_song_tools(page, studio)
    open_tab(page, tools, "Video")
    tools.get_by_role("button", name="Make the music video").click()
    video = tools.locator("video")
    expect(video).to_have_count(1, timeout=30_000)
    play_muted(page, video)
    assert video.evaluate("v => v.videoWidth") > 0 and video.evaluate("v => v.duration") > 10
    page.screenshot(path=str(ARTIFACTS / "song-tools-video.png"), full_page=True)

    page.keyboard.press("Escape")  # the tools menu closes
    main.get_by_role("button", name="Build export pack").click()
    wait_for_app(page)
    with page.expect_download() as download:
        main.get_by_role("button", name="Download ZIP").click()
    assert download.value.suggested_filename.endswith(".zip")
    names = zipfile.ZipFile(io.BytesIO(download.value.path().read_bytes())).namelist()
    assert "task.json" in names and "README.txt" in names
    for suffix in (".mp3", ".png", ".txt", ".lrc"):
        assert sum(name.endswith(suffix) for name in names) >= 2, (suffix, names)
    assert page.js_errors == []


def test_a_gateway_without_the_video_route(page, studio):
    control(studio.sandbox_url, "config", {"offered": sorted(set(FEATURES) - {"mp4"})})
    try:
        main, tools = open_song_tools(page, studio)
        open_tab(page, tools, "Video")
        tools.get_by_role("button", name="Make the music video").click()
        expect(tools.get_by_text("Not offered by this gateway.").first).to_be_visible(timeout=15_000)
        sidebar = page.get_by_test_id("stSidebar")
        sidebar.get_by_text("Gateway capabilities").click()
        expect(sidebar.get_by_text("not offered")).to_have_count(1)
    finally:
        control(studio.sandbox_url, "config", {"offered": sorted(FEATURES)})
    assert page.js_errors == []
