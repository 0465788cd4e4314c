"""Hostile media in Chromium (issue 12, findings 4 and 10): a real ``streamlit run app.py`` whose
gateway is ``tests.hostile_gateway`` in this test process. Its task's covers are an SVG and a
decompression-bomb PNG, its songs and video HTML error pages sent with status 200; with "Load
media through this server" on, the Task page shows placeholders with a note, no exception. A real
WAV and PNG behind ``.exe`` and ``.hta`` URLs download as ``.wav`` and ``.png``.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from lib.i18n import t
from tests.e2e.conftest import (
    StreamlitServer,
    free_port,
    open_download_menu,
    open_finished_task,
    open_tab,
    open_tools_menu,
    wait_for_app,
)
from tests.hostile_gateway import HTML_PAGE, SVG, HostileGateway, bomb_png, png, wav

NOTE = "Not shown"


@pytest.fixture(scope="module")
def gateway():
    hostile = HostileGateway()
    hostile.files.update(
        {
            "/cover.svg": ("image/svg+xml", SVG),
            "/bomb.png": ("image/png", bomb_png()),
            "/song.mp3": ("audio/mpeg", HTML_PAGE),
            "/video.mp4": ("video/mp4", HTML_PAGE),
            "/song.exe": ("application/x-msdownload", wav()),
            "/cover.hta": ("application/hta", png()),
        }
    )
    media = {"audio_url": f"{hostile.url}/song.mp3", "video_url": f"{hostile.url}/video.mp4"}
    clip = {"status": "complete", "duration": 10}
    hostile.tasks["hostile-media"] = {
        "task_id": "hostile-media",
        "status": "SUCCESS",
        "data": [
            {"id": "clip-svg", "title": "Vector", "image_url": f"{hostile.url}/cover.svg", **media, **clip},
            {"id": "clip-bomb", "title": "Bomb", "image_url": f"{hostile.url}/bomb.png", **media, **clip},
        ],
    }
    hostile.add_task("odd-urls", image_url=f"{hostile.url}/cover.hta", audio_url=f"{hostile.url}/song.exe")
    yield hostile
    hostile.stop()


@pytest.fixture(scope="module")
def studio(chromium_path, gateway):
    server = StreamlitServer(
        {"GATEWAY_BASE_URL": gateway.url, "GATEWAY_API_KEY": "hostile-key", "SANDBOX_PORT": str(free_port())}
    )
    yield server
    server.stop()
    assert "Traceback" not in server.log(), server.log()[-4000:]


def test_html_and_svg_media_become_placeholders_not_an_exception(page, studio, gateway):
    main = open_finished_task(page, studio.url, "hostile-media")
    proxy = page.get_by_test_id("stSidebar").get_by_text("Load media through this server")
    proxy.click()  # on: every file goes through the server (the loopback gateway's already did)
    wait_for_app(page)
    for _ in range(2):  # and once more after a rerun of the page
        expect(page.get_by_test_id("stException")).to_have_count(0)
        expect(page.get_by_text("This app has encountered an error")).to_have_count(0)
        expect(main.get_by_role("heading", name="Vector")).to_be_visible()
        expect(main.get_by_role("heading", name="Bomb")).to_be_visible()
        expect(main.get_by_test_id("stImage")).to_have_count(0)
        expect(main.locator("audio")).to_have_count(0)
        expect(main.locator("video")).to_have_count(0)
        # Both covers and both songs: a note each, in place of the media; both videos: a note in
        # the song tools' music-video tab (where a Suno song's video is shown).
        expect(main.get_by_text(NOTE)).to_have_count(4)
        expect(main.get_by_text("too many pixels")).to_have_count(1)
        for index in range(2):
            tools = open_tools_menu(page, index)
            open_tab(page, tools, "Video")
            expect(tools.get_by_text(NOTE)).to_be_visible()
            expect(tools.locator("video")).to_have_count(0)
            page.keyboard.press("Escape")
            expect(tools).to_have_count(0)
        page.get_by_test_id("stSidebar").get_by_text("Load media through this server").click()
        wait_for_app(page)
    assert page.js_errors == []
    assert {"/cover.svg", "/bomb.png", "/song.mp3", "/video.mp4"} <= set(gateway.hits)


def test_real_files_behind_hostile_urls_download_under_their_real_type(page, studio):
    main = open_finished_task(page, studio.url, "odd-urls")
    expect(main.get_by_test_id("stImage")).to_have_count(1)
    expect(main.locator("audio")).to_have_count(1)
    names = {}
    for label in (t("song.download_audio", "en"), t("song.download_cover", "en")):
        menu = page.get_by_test_id("stPopoverBody")
        if not menu.count():
            menu = open_download_menu(page)
        with page.expect_download() as download:
            menu.get_by_test_id("stDownloadButton").get_by_role("button", name=label, exact=True).click()
        names[label] = download.value.suggested_filename
        data = download.value.path().read_bytes()
        assert data[:4] in (b"RIFF", b"\x89PNG"), data[:16]
    assert sorted(names.values()) == ["Hostile.png", "Hostile.wav"], names
    assert page.js_errors == []
