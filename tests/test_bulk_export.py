"""The History's bulk export (lib.studio.bulk_export) against the real HTTP sandbox: library rows
in, one ZIP on disk out, every MP3 tagged; failures listed per song; loopback media only from a
trusted gateway; memory bounded by a few songs (those downloading at once), not by their number."""

from __future__ import annotations

import random
import threading
import time
import tracemalloc
import zipfile

import pytest

from lib.gateway.client import GatewayClient
from lib.gateway.errors import GatewayConnectionError
from lib.gateway.profiles import GatewayProfile
from lib.library.store import HistoryStore
from lib.studio import bulk_export
from lib.studio.audio_tags import read_tags
from lib.studio.bulk_export import NO_SONGS, build_bulk, items_from_entries, media_fetcher, origin_of
from tests.conftest import API_KEY, PAST_DONE


@pytest.fixture
def gateway(sandbox):
    with GatewayClient(sandbox.url, API_KEY, backoff=0, sleep=lambda _: None) as client:
        yield client


@pytest.fixture
def store(tmp_path):
    library = HistoryStore(f"sqlite:///{tmp_path / 'library.db'}")
    yield library
    library.close()


def seed(store, gateway, sandbox, clock, prompts) -> list:
    ids = [gateway.generate(prompt) for prompt in prompts]
    clock.advance(PAST_DONE)
    profile = GatewayProfile("Sandbox", sandbox.url, API_KEY, is_sandbox=True)
    for task_id in ids:
        store.record_task(gateway.fetch_task(task_id), profile)
    return store.search(limit=1000)


def test_rows_become_one_zip_of_tagged_songs_covers_and_lyrics(store, gateway, sandbox, clock, tmp_path):
    entries = seed(store, gateway, sandbox, clock, ["rain on the harbour", "雨夜 城市", "neon drive"])
    items, skipped = items_from_entries(entries)
    assert len(items) == 3 and skipped == []
    seen = []
    words = lambda item, song: gateway.timing(song.id)  # noqa: E731
    pack = build_bulk(
        items,
        fetch=media_fetcher([sandbox.url]),
        timings=words,
        directory=tmp_path,
        progress=lambda fraction, done, total: seen.append((fraction, done, total)),
    )
    assert pack.path.parent == tmp_path and pack.size == pack.path.stat().st_size
    assert pack.songs == 6 and pack.skipped == ()
    assert [done for _, done, _ in seen] == [0, 1, 2, 3, 4, 5, 6] and seen[-1][0] == 1.0
    with zipfile.ZipFile(pack.path) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        mp3s = [n for n in names if n.endswith(".mp3")]
        assert len(mp3s) == 6 and len({n.split("/")[0] for n in mp3s}) == 3  # a folder per task
        assert sum(n.endswith(" - cover.png") for n in names) == 6
        assert sum(n.endswith(".lrc") for n in names) == 6 and sum(n.endswith(".txt") for n in names) == 7
        for name in mp3s:
            tags = read_tags(archive.read(name), "mp3")
            cover = archive.read(name.removesuffix(".mp3") + " - cover.png")
            assert tags["title"] and name.endswith(f" - {tags['title']}.mp3")
            assert tags["cover"] == cover and tags["lyrics"] and len(tags["synced"]) > 3
            assert tags["artist"].startswith("Suno · ")
        albums = {read_tags(archive.read(n), "mp3")["album"] for n in mp3s}
        assert albums == {f"{e.prompt or e.title} · {e.task_id}" for e in entries}
        assert "Not included: nothing" in archive.read("README.txt").decode()


def test_failures_are_listed_per_song_and_the_rest_exported(store, gateway, sandbox, clock, tmp_path):
    entries = seed(store, gateway, sandbox, clock, ["one", "two"])
    running = gateway.generate("still running")  # a row with no songs yet
    store.record_task(gateway.fetch_task(running), GatewayProfile("Sandbox", sandbox.url, API_KEY, is_sandbox=True))
    entries = store.search(limit=1000)
    items, skipped = items_from_entries(entries)
    assert skipped == [(f"Task {running}", NO_SONGS)]
    # One song's audio disappears from the gateway.
    lost = items[0].task.songs[0]
    broken = media_fetcher([sandbox.url])

    def fetch(url, **caps):
        if url == lost.audio_url:
            return b"<html>gone</html>", "text/html"  # a CDN's error page with status 200
        return broken(url, **caps)

    pack = build_bulk(items, fetch=fetch, skipped=skipped, directory=tmp_path)
    whats = [what for what, _ in pack.skipped]
    assert f"Task {running}" in whats and any(w.endswith("song 1 audio") for w in whats)
    assert pack.songs == 3
    with zipfile.ZipFile(pack.path) as archive:
        readme = archive.read("README.txt").decode()
    assert "not a media file of the expected kind" in readme and NO_SONGS in readme


def test_loopback_media_is_fetched_only_from_a_trusted_gateway(store, gateway, sandbox, clock, tmp_path):
    items, _ = items_from_entries(seed(store, gateway, sandbox, clock, ["harbour"]))
    pack = build_bulk(items, fetch=media_fetcher([]), directory=tmp_path)  # the sandbox is not trusted
    assert pack.songs == 0 and len(pack.skipped) == 4
    assert all("loopback or private address" in why for _, why in pack.skipped)
    assert origin_of("HTTP://LocalHost/x") == "http://localhost:80" == origin_of("http://localhost:80/y")


def test_caps_and_no_traceback_for_an_empty_selection(store, gateway, sandbox, clock, tmp_path):
    items, _ = items_from_entries(seed(store, gateway, sandbox, clock, ["a", "b"]))
    pack = build_bulk(items, fetch=media_fetcher([sandbox.url]), directory=tmp_path, max_songs=3)
    assert pack.songs == 3 and [why for _, why in pack.skipped] == ["over the 3 songs one export takes"]
    empty = build_bulk([], fetch=media_fetcher([]), directory=tmp_path)
    with zipfile.ZipFile(empty.path) as archive:
        assert archive.namelist() == ["README.txt"]


def test_memory_stays_bounded_by_one_song(store, gateway, sandbox, clock, tmp_path):
    """24 songs: the peak of Python allocations while exporting stays near the files of the few
    songs in flight (the one being written and three downloading; each an MP3 and a cover of a few
    hundred kB, and a tagged copy), not the ZIP's size (the benchmark measures 200:
    ``python -m benchmarks --only bulk_export``)."""
    items, _ = items_from_entries(seed(store, gateway, sandbox, clock, [f"song {i}" for i in range(12)]))
    fetch = media_fetcher([sandbox.url])
    # The sandbox runs in this process: synthesize (and cache) its files first, outside the count.
    build_bulk(items, fetch=fetch, directory=tmp_path).path.unlink()
    tracemalloc.start()
    try:
        pack = build_bulk(items, fetch=fetch, directory=tmp_path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert pack.songs == 24 and pack.size > 8 * 2**20  # ~17 MB; the peak was 1.8 MB
    assert peak < pack.size / 4, (peak, pack.size)


def test_songs_download_a_few_at_a_time_and_land_in_order(store, gateway, sandbox, clock, tmp_path, monkeypatch):
    """The next songs download while one is written (three at once): however the downloads
    finish, the ZIP and the skipped list are those of one song at a time, and no more than three
    files are fetched at once."""
    items, _ = items_from_entries(seed(store, gateway, sandbox, clock, [f"order {i}" for i in range(5)]))
    plain = media_fetcher([sandbox.url])
    lost = items[1].task.songs[0].image_url
    lock, running, most = threading.Lock(), [0], [0]

    def jittery(url, **caps):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        try:
            time.sleep(random.Random(url).uniform(0, 0.15))  # later songs often finish first
            if url == lost:
                raise GatewayConnectionError("connection reset")
            return plain(url, **caps)
        finally:
            with lock:
                running[0] -= 1

    def export() -> tuple[list[str], tuple]:
        pack = build_bulk(items, fetch=jittery, directory=tmp_path, max_songs=9)
        with zipfile.ZipFile(pack.path) as archive:
            return archive.namelist()[:-1], pack.skipped  # README.txt last (its time differs)

    parallel = export()
    assert 1 < most[0] <= 3
    monkeypatch.setattr(bulk_export, "PARALLEL_SONGS", 1)
    most[0] = 0
    assert export() == parallel and most[0] == 1
    names, skipped = parallel
    assert len(names) == 9 * 3 - 1  # audio, cover and .txt per song (no timings asked), less the lost cover
    assert [what for what, _ in skipped] == [f"{items[1].album} · song 1 cover", f"{items[4].album} · song 2"]
    assert "download failed: connection reset" in skipped[0][1]
