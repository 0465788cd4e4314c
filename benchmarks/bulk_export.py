"""Bulk export: the History's *Export songs as ZIP* for 200 songs (100 sandbox tasks), measured in
this process while a sandbox in its own process serves the media — the peak of Python allocations
(tracemalloc) and the growth of the resident peak (VmHWM) against the ZIP's size, and the time.
The ZIP is written to disk, so memory should stay near one song's files whatever the count."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from benchmarks.common import API_KEY, ROOT, Row
from benchmarks.procmem import memory
from lib.gateway.client import GatewayClient
from lib.gateway.profiles import GatewayProfile
from lib.library.store import HistoryStore
from lib.studio.bulk_export import build_bulk, items_from_entries, media_fetcher
from tests.e2e.conftest import free_port, wait_for_http

NAME = "bulk_export"
TARGET_MB = 64  # Python allocations at the peak: a few songs' files, not hundreds


def run(quick: bool) -> list[Row]:
    tasks = 3 if quick else 100
    port = free_port()
    sandbox = subprocess.Popen(
        [sys.executable, "-m", "lib.sandbox", "--port", str(port), "--fast"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{url}/_sandbox/health")
        with tempfile.TemporaryDirectory() as folder:
            store = HistoryStore(f"sqlite:///{Path(folder) / 'library.db'}")
            profile = GatewayProfile("sandbox", url, API_KEY, is_sandbox=True)
            with GatewayClient(url, API_KEY) as client:
                ids = [client.generate(f"bulk export benchmark song {i}") for i in range(tasks)]
                for _ in range(120):  # --fast: every task done in about a second
                    found = client.fetch_tasks(ids)
                    if all(task.is_success for task in found.values()) and len(found) == len(ids):
                        break
                    time.sleep(0.5)
                for task in found.values():
                    store.record_task(task, profile)
                items, skipped = items_from_entries(store.search(limit=1000))
                fetch = media_fetcher([url])
                build_bulk(items[:2], fetch=fetch, directory=folder).path.unlink()  # warm imports and pools
                before = memory(os.getpid()).get("hwm_mb", 0.0)
                tracemalloc.start()
                started = time.perf_counter()
                pack = build_bulk(
                    items, fetch=fetch, timings=lambda item, song: client.timing(song.id), directory=folder
                )
                seconds = time.perf_counter() - started
                _, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
                after = memory(os.getpid()).get("hwm_mb", 0.0)
            store.close()
    finally:
        sandbox.terminate()
        sandbox.wait(timeout=10)
    songs = pack.songs
    details = {
        "tasks": len(items),
        "songs": songs,
        "zip_mb": round(pack.size / 2**20, 1),
        "skipped": len(pack.skipped) + len(skipped),
        "seconds": round(seconds, 1),
    }
    peak_mb = peak / 2**20
    return [
        Row(NAME, f"{songs} songs: ZIP size", pack.size / 2**20, "MB", details=details),
        Row(
            NAME,
            f"{songs} songs: Python allocations at the peak",
            peak_mb,
            "MB",
            target=f"≤ {TARGET_MB} MB",
            ok=None if quick else peak_mb <= TARGET_MB,
            details=details,
        ),
        Row(NAME, f"{songs} songs: resident peak growth (VmHWM)", max(0.0, after - before), "MB", details=details),
        Row(NAME, f"{songs} songs: time", seconds, "s", details=details),
    ]
