"""``lib.studio.media_cache.MediaCache``: the server's media copies, bounded by total bytes (issue
14). Plain pytest: no Streamlit, time moved by hand."""

from __future__ import annotations

import threading
import time

import pytest

from lib.studio.media_cache import MediaCache

MB = 2**20
HANG_GUARD_S = 30.0


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def loader(size: int, calls: list[str], name: str, mime: str = "audio/wav"):
    def load() -> tuple[bytes, str]:
        calls.append(name)
        return bytes(size), mime

    return load


def test_the_least_recently_used_files_go_first_when_the_bytes_are_over():
    cache, calls = MediaCache(10 * MB), []
    for name in ("a", "b", "c"):
        cache.get(name, loader(3 * MB, calls, name))
    assert cache.size_bytes == 9 * MB and len(cache) == 3
    cache.get("a", loader(3 * MB, calls, "a"))  # a hit: "a" is now the most recent
    cache.get("d", loader(3 * MB, calls, "d"))  # 12 MB > 10 MB: "b", the least recent, goes
    assert calls == ["a", "b", "c", "d"]
    assert "b" not in cache and all(key in cache for key in ("a", "c", "d"))
    assert cache.size_bytes == 9 * MB
    cache.get("e", loader(7 * MB, calls, "e"))  # needs two to go: "c" then "a"
    assert [key for key in "acde" if key in cache] == ["d", "e"] and cache.size_bytes == 10 * MB


def test_many_small_files_are_kept_where_a_count_would_have_dropped_them():
    cache, calls = MediaCache(64 * MB), []
    for n in range(200):  # 200 covers of 300 kB: 58.6 MB, more than 48 entries
        cache.get(f"cover-{n}", loader(300_000, calls, f"cover-{n}", "image/png"))
    assert len(cache) == 200 and cache.size_bytes == 200 * 300_000
    assert cache.get("cover-0", loader(300_000, calls, "again")) == (bytes(300_000), "image/png")
    assert "again" not in calls


def test_a_file_larger_than_the_bound_is_handed_over_but_not_kept():
    cache, calls = MediaCache(4 * MB), []
    cache.get("small", loader(MB, calls, "small"))
    data, mime = cache.get("huge", loader(5 * MB, calls, "huge"))
    assert len(data) == 5 * MB and mime == "audio/wav"
    assert "huge" not in cache and "small" in cache and cache.size_bytes == MB


def test_nothing_is_kept_with_a_zero_bound():
    cache, calls = MediaCache(0), []
    cache.get("a", loader(10, calls, "a"))
    cache.get("a", loader(10, calls, "a"))
    assert calls == ["a", "a"] and len(cache) == 0


def test_an_old_copy_is_downloaded_again():
    clock, calls = Clock(), []
    cache = MediaCache(10 * MB, ttl_s=3600, clock=clock)
    cache.get("a", loader(MB, calls, "a"))
    clock.now = 3599
    cache.get("a", loader(MB, calls, "a"))
    clock.now = 3601
    cache.get("a", loader(MB, calls, "a"))
    assert calls == ["a", "a"] and cache.size_bytes == MB


def test_a_failed_download_is_not_kept():
    cache = MediaCache(10 * MB)

    def broken() -> tuple[bytes, str]:
        raise ConnectionError("the media server is down")

    with pytest.raises(ConnectionError):
        cache.get("a", broken)
    assert "a" not in cache and cache.size_bytes == 0
    assert cache.get("a", lambda: (b"ok", "audio/wav")) == (b"ok", "audio/wav")


def test_sessions_asking_for_one_url_together_download_it_once():
    cache, calls = MediaCache(10 * MB), []
    release = threading.Event()

    def slow() -> tuple[bytes, str]:
        calls.append("download")
        release.wait(HANG_GUARD_S)
        return b"song", "audio/wav"

    results: list[tuple[bytes, str]] = []
    threads = [threading.Thread(target=lambda: results.append(cache.get("a", slow))) for _ in range(3)]
    for thread in threads:
        thread.start()
    ends = time.monotonic() + HANG_GUARD_S
    while (cache._loading.get("a") or [None, 0])[1] < 3 and time.monotonic() < ends:
        time.sleep(0.01)  # until all three wait on the one download (a hang guard, not a rate)
    release.set()
    for thread in threads:
        thread.join(HANG_GUARD_S)
    assert calls == ["download"] and results == [(b"song", "audio/wav")] * 3
    assert cache._loading == {}
