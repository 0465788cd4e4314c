"""The History's library tools in Chromium against the app's sandbox: 50 selected songs export as
one ZIP whose MP3 files carry title, cover and lyrics tags; a song card's audio download carries
the same tags; the queue player moves on to the next song when one ends."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from lib.gateway.client import GatewayClient
from lib.library.store import HistoryStore
from lib.studio.audio_tags import read_tags
from tests.e2e.conftest import ARTIFACTS, open_download_menu, wait_for_app

TASKS = 25  # two songs each: 50 songs


def select_all_rows(page) -> None:
    """The table's header checkbox selects every row on the page (the grid draws on a canvas)."""
    grid = page.locator("[data-testid='stDataFrame'] canvas").first
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 14, box["y"] + 18)
    wait_for_app(page)


@pytest.fixture(scope="module")
def library(studio, browser):
    """25 finished sandbox tasks inspected on the Task page, so the app's library holds them."""
    client = GatewayClient(studio.sandbox_url, "e2e-key")
    ids = [client.generate(f"harbour song number {i}, slow blues") for i in range(TASKS)]
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    try:
        page = context.new_page()
        page.goto(f"{studio.url}/task?id={','.join(ids)}&platform=suno")
        wait_for_app(page)
        # The grid draws only the rows in view: ask the app's own library whether all are stored.
        store = HistoryStore(f"sqlite:///{Path(studio.home) / 'data' / 'history.db'}")
        try:
            for _ in range(240):
                rows = store.search(limit=100)
                if len(rows) == TASKS and all(r.status == "SUCCESS" and r.song_count == 2 for r in rows):
                    break
                page.wait_for_timeout(500)
            else:
                pytest.fail(f"the library holds {[(r.task_id, r.status) for r in rows]}")
        finally:
            store.close()
    finally:
        context.close()
    return ids


def open_selection(page, studio) -> None:
    page.goto(f"{studio.url}/history")
    wait_for_app(page)
    expect(page.get_by_text(f"{TASKS} tasks in the library")).to_be_visible(timeout=30_000)
    select_all_rows(page)
    expect(page.get_by_text(f"{TASKS * 2} songs in {TASKS} tasks", exact=False)).to_be_visible(timeout=30_000)


def test_fifty_selected_songs_export_as_one_zip_of_tagged_mp3s(page, studio, library, tmp_path):
    open_selection(page, studio)
    page.get_by_role("button", name=f"Export {TASKS * 2} songs as ZIP").click()
    download_button = page.get_by_role("button", name="Download ZIP")
    expect(download_button).to_be_visible(timeout=300_000)
    expect(page.get_by_text(f"{TASKS * 2} songs with their audio")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "bulk-export.png"), full_page=True)
    with page.expect_download(timeout=120_000) as download:
        download_button.click()
    assert download.value.suggested_filename.endswith(".zip")
    path = tmp_path / "export.zip"
    download.value.save_as(path)
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        mp3s = [n for n in names if n.endswith(".mp3")]
        assert len(mp3s) == TASKS * 2, names
        assert len({n.split("/")[0] for n in mp3s}) == TASKS  # a folder per task
        for name in mp3s:
            tags = read_tags(archive.read(name), "mp3")
            assert tags["title"] and name.endswith(f" - {tags['title']}.mp3"), (name, tags["title"])
            assert tags["cover"] == archive.read(name.removesuffix(".mp3") + " - cover.png")
            assert tags["lyrics"] and tags["album"].split(" · ")[-1] in library
            assert tags["synced"], name  # the sandbox offers timings: synced lyrics too
        readme = archive.read("README.txt").decode()
    assert "Not included: nothing" in readme
    assert page.js_errors == []


def test_a_song_cards_audio_download_carries_the_tags(page, studio, library):
    page.goto(f"{studio.url}/task?id={library[0]}&platform=suno")
    wait_for_app(page)
    menu = open_download_menu(page)
    with page.expect_download() as download:
        menu.get_by_test_id("stDownloadButton").get_by_role("button", name="Audio", exact=True).click()
    name = download.value.suggested_filename
    assert name.endswith(".mp3")
    tags = read_tags(download.value.path().read_bytes(), "mp3")
    assert tags["title"] == name.removesuffix(".mp3") and tags["lyrics"]
    assert tags["cover"][:8] == b"\x89PNG\r\n\x1a\n" and tags["album"].endswith(f" · {library[0]}")
    assert page.js_errors == []


def test_the_queue_player_moves_on_to_the_next_song(page, studio, library):
    open_selection(page, studio)
    page.get_by_role("button", name=f"Play {TASKS * 2} songs in a queue").click()
    wait_for_app(page)
    player = page.locator(".st-key-queue-player")
    expect(player.get_by_text(f"song 1 of {TASKS * 2}")).to_be_visible(timeout=30_000)
    expect(player.locator("h4")).not_to_be_empty()
    lyrics = page.locator(".queue .lyrics")  # the component's own view of the current song
    expect(lyrics).not_to_be_empty()
    source = "() => document.querySelector('.st-key-queue-player audio').currentSrc"
    first_source = page.evaluate(source)
    expect(player.get_by_test_id("stImage")).to_have_count(1)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "queue-player.png"), full_page=True)
    # Skip to the last second of the first song instead of listening to all of it.
    page.wait_for_function(
        "() => { const a = document.querySelector('.st-key-queue-player audio');"
        " return a && a.readyState >= 1 && a.duration > 5; }",
        timeout=30_000,
    )
    page.evaluate(
        "() => { const a = document.querySelector('.st-key-queue-player audio');"
        " a.muted = true; a.currentTime = a.duration - 0.3; return a.play(); }"
    )
    expect(player.get_by_text(f"song 2 of {TASKS * 2}")).to_be_visible(timeout=30_000)
    # A task's two takes share title and lyrics in the sandbox: the player's file and the list tell them apart.
    page.wait_for_function(
        "first => document.querySelector('.st-key-queue-player audio').currentSrc !== first",
        arg=first_source,
        timeout=30_000,
    )
    expect(page.locator(".queue .song").nth(1)).to_have_class("song is-current")
    # The next song starts by itself.
    page.wait_for_function(
        "() => { const a = document.querySelector('.st-key-queue-player audio');"
        " return a && !a.paused && a.currentTime > 0; }",
        timeout=30_000,
    )
    assert page.js_errors == []
