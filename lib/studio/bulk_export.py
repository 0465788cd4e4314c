"""The History's bulk export: many library rows (hundreds of songs) as one ZIP built in a file on
disk, so memory holds a few songs' files at a time (the one being written and the three
downloading ahead of it) whatever the number of songs.

Each task gets a folder named after it; each song its audio (tagged: title, artist, album = the
task, cover, lyrics, synced lyrics where timings came), its cover image, and its lyrics as ``.txt``
and ``.lrc``. The downloads follow the export pack's rules (``pack_writer``: http(s) only, size,
total and time caps, content checked); a media address on loopback or a private network is fetched
only from the operator's own gateways (``media_fetcher``), never because a library row — which an
imported file may have written — names it. What could not be included is listed per song in the
result and in ``README.txt``: a bulk export never stops at the first failure.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
import zipfile
from collections import deque
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from lib.gateway.errors import GatewayError
from lib.gateway.models import AlignedWord, Song, Task
from lib.gateway.parser import parse_task
from lib.studio.audio_tags import album_name
from lib.studio.file_names import safe_name
from lib.studio.media_fetch import fetch_media
from lib.studio.pack_writer import Fetch, Media, PackWriter, Raw, fetch_raw, plan_media
from lib.text import is_http_url

MiB = 1024 * 1024
MAX_SONGS = 1000
MAX_FILE_BYTES = 50 * MiB
MAX_TOTAL_BYTES = 2048 * MiB
MAX_SECONDS = 1200.0  # hundreds of songs at a few seconds each; a stuck host cannot hold it longer
PARALLEL_SONGS = 3  # songs downloading ahead of the one being written: a CDN's latency overlaps
NO_SONGS = "no finished songs stored for this task (refresh it on the History page first)"

# (item, song) -> the song's word timings; may raise GatewayError (the song then has no .lrc).
Timings = Callable[["BulkItem", Song], Sequence[AlignedWord]]
Progress = Callable[[float, int, int], None]  # fraction, songs done, songs in all


@dataclass(frozen=True)
class BulkItem:
    task: Task
    album: str  # the row's title or prompt: the task as an album
    gateway: tuple[str, str] = ("", "")  # (name, base URL) the row came from


@dataclass(frozen=True)
class BulkPack:
    path: Path  # the ZIP on disk; the caller deletes it when done with it
    file_name: str
    size: int
    songs: int  # songs whose audio is in the ZIP
    files: int
    skipped: tuple[tuple[str, str], ...]  # (what, why)


def items_from_entries(entries: Iterable[Any]) -> tuple[list[BulkItem], list[tuple[str, str]]]:
    """Library rows (``HistoryEntry``) as export items from their stored answers, and the rows
    that have nothing to export, each with the reason."""
    items: list[BulkItem] = []
    skipped: list[tuple[str, str]] = []
    for entry in entries:
        label = f"Task {entry.task_id or entry.id}"
        task = _stored_task(entry)
        songs = [s for s in task.songs if s.audio_url or s.image_url or s.lyrics] if task else []
        if task is None or not songs:
            skipped.append((label, NO_SONGS))
            continue
        album = entry.title or entry.prompt or ""
        if entry.prompt and entry.title and entry.prompt != entry.title:
            album = entry.prompt  # the prompt says what the task was; a title names one song
        items.append(BulkItem(task, album, (entry.gateway_name, entry.gateway_url)))
    return items, skipped


@dataclass(frozen=True)
class QueueSong:
    """One song of the queue player: what it plays and shows."""

    title: str
    album: str
    audio_url: str
    image_url: str | None
    lyrics: str
    song_id: str


def queue_songs(items: Iterable[BulkItem]) -> list[QueueSong]:
    """The finished songs with audio of the items, in order: what the queue player plays."""
    return [
        QueueSong(song.title or song.id, item.album, song.audio_url, song.image_url, song.lyrics, song.id)
        for item in items
        for song in item.task.songs
        if is_http_url(song.audio_url) and not song.is_streaming
    ]


def song_count(items: Sequence[BulkItem]) -> int:
    return sum(len(item.task.songs) for item in items)


def media_fetcher(trusted_origins: Collection[str], fetch: Callable[..., tuple[bytes, str]] = fetch_media) -> Fetch:
    """``fetch_media`` with the bulk rule: only URLs on a trusted origin (the sandbox's, an
    operator-configured gateway's) may be on loopback or a private network."""
    trusted = {origin_of(o) for o in trusted_origins}

    def fetch_one(url: str, *, max_bytes: int, max_seconds: float) -> tuple[bytes, str]:
        return fetch(url, max_bytes=max_bytes, max_seconds=max_seconds, public_only=origin_of(url) not in trusted)

    return fetch_one


def origin_of(url: str) -> str:
    try:
        parts = urlsplit(url)
        port = parts.port or {"http": 80, "https": 443}.get(parts.scheme.lower(), 0)
    except ValueError:
        return ""
    return f"{parts.scheme.lower()}://{(parts.hostname or '').lower()}:{port}"


def build_bulk(
    items: Sequence[BulkItem],
    *,
    fetch: Fetch,
    timings: Timings | None = None,
    skipped: Sequence[tuple[str, str]] = (),
    directory: str | Path | None = None,
    progress: Progress | None = None,
    max_songs: int = MAX_SONGS,
    max_file_bytes: int = MAX_FILE_BYTES,
    max_total_bytes: int = MAX_TOTAL_BYTES,
    max_seconds: float = MAX_SECONDS,
) -> BulkPack:
    """Write the ZIP to a new file in ``directory`` (the system's temp dir by default).
    ``fetch`` and ``timings`` are called from download threads: they must not read Streamlit's
    session (look what they need up first) and must be safe to call from several threads."""
    total = min(song_count(items), max_songs)
    fd, name = tempfile.mkstemp(prefix="bulk-export-", suffix=".zip", dir=directory)
    path = Path(name)
    done, packed = 0, 0
    no_timings: set[tuple[str, str]] = set()  # gateways that answered they have no timing route
    pool = ThreadPoolExecutor(max_workers=PARALLEL_SONGS, thread_name_prefix="bulk-export")
    try:
        with os.fdopen(fd, "wb") as handle, zipfile.ZipFile(handle, "w") as archive:
            writer = PackWriter(archive, fetch, max_file_bytes, max_total_bytes, time.monotonic() + max_seconds)
            writer.skipped.extend(skipped)
            # The next songs download while this one is tagged and written (a CDN's latency, not
            # the bandwidth, is what a few hundred small files wait on); only the songs in this
            # window are in memory, and the caps are counted in order, by the writer alone.
            window: deque[tuple[_Planned, Future | None]] = deque()
            planned = iter(_plan(items, max_songs))

            def top_up() -> None:
                while len(window) < PARALLEL_SONGS and (song := next(planned, None)) is not None:
                    ahead = None if song.over_limit else pool.submit(_prefetch, writer, song, timings, no_timings)
                    window.append((song, ahead))

            top_up()
            while window:
                song, ahead = window.popleft()
                top_up()
                if ahead is None:
                    writer.skipped.append((song.label, f"over the {max_songs} songs one export takes"))
                    continue
                raws, words = ahead.result()
                if progress:
                    progress(done / max(total, 1), done, total)
                added = writer.add_song(
                    song.song,
                    song.media,
                    task_title=song.item.album,
                    task_id=song.item.task.task_id,
                    platform=song.item.task.platform,
                    words=words,
                    prefetched=raws,
                )
                packed += "audio" in added
                done += 1
            writer.add_text("README", "txt", _readme(items, writer.sizes, writer.skipped, packed))
        if progress:
            progress(1.0, done, total)
        size = path.stat().st_size
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return BulkPack(path, _pack_name(len(items)), size, packed, len(writer.sizes), tuple(writer.skipped))


@dataclass(frozen=True)
class _Planned:
    """One song of the export, in ZIP order: where it goes and what it brings."""

    item: BulkItem
    song: Song
    label: str  # "Harbour Lights · song 2", for the skipped list
    media: list[Media]
    over_limit: bool  # past ``max_songs``: listed as skipped, never downloaded


def _plan(items: Sequence[BulkItem], max_songs: int) -> Iterator[_Planned]:
    folders: set[str] = set()
    count = 0
    for item in items:
        task = item.task
        folder = _unique_folder(f"{safe_name(item.album, 'task')} - {safe_name(task.task_id, 'task')[:8]}", folders)
        width = max(2, len(str(len(task.songs))))
        for index, song in enumerate(task.songs, start=1):
            label = f"{item.album or task.task_id} · song {index}"
            stem = f"{folder}/{index:0{width}d} - {safe_name(song.title, safe_name(song.id, 'song')[:8])}"
            count += 1
            yield _Planned(item, song, label, plan_media(song, stem, label), count > max_songs)


def _prefetch(
    writer: PackWriter, planned: _Planned, timings: Timings | None, no_timings: set[tuple[str, str]]
) -> tuple[dict[str, Raw], Sequence[AlignedWord]]:
    """A song's files and word timings, fetched ahead in a worker thread. Only reads the writer:
    what it has spent and whether the pack is full are decided in order, on the writer's thread."""
    raws: dict[str, Raw] = {}
    for media in planned.media:
        seconds = writer.deadline - time.monotonic()
        if media.unavailable or writer.cap_reached or seconds <= 0:
            continue  # the writer says why, in order
        raws[media.kind] = fetch_raw(writer.fetch, media, writer.max_file_bytes, seconds)
    return raws, _words(planned.item, planned.song, timings, no_timings)


def sweep(directory: str | Path, max_age_s: float = 86_400.0) -> None:
    """Delete bulk exports older than ``max_age_s`` left in ``directory`` (sessions that ended
    without a newer export replacing theirs)."""
    cutoff = time.time() - max_age_s
    for old in Path(directory).glob("bulk-export-*.zip"):
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
        except OSError:  # another session's sweep got there first
            continue


def _stored_task(entry: Any) -> Task | None:
    if not entry.last_body or not entry.task_id:
        return None
    try:
        return parse_task(json.loads(entry.last_body), entry.platform, task_id=entry.task_id)
    except (GatewayError, ValueError, TypeError):  # a stored answer no parser reads any more
        return None


def _words(
    item: BulkItem, song: Song, timings: Timings | None, no_timings: set[tuple[str, str]]
) -> Sequence[AlignedWord]:
    if timings is None or item.task.platform != "suno" or not song.lyrics.strip() or item.gateway in no_timings:
        return ()
    try:
        return timings(item, song)
    except GatewayError as error:
        if error.kind == "unsupported_route":
            no_timings.add(item.gateway)
        return ()


def _unique_folder(name: str, taken: set[str]) -> str:
    # Case-insensitive, as Windows and macOS compare names.
    count, candidate = 1, name
    while candidate.lower() in taken:
        count += 1
        candidate = f"{name} ({count})"
    taken.add(candidate.lower())
    return candidate


def _pack_name(tasks: int) -> str:
    return f"music-export-{tasks}-tasks-{datetime.now(UTC):%Y%m%d-%H%M%S}.zip"


def _readme(
    items: Sequence[BulkItem], sizes: Mapping[str, int], skipped: Sequence[tuple[str, str]], packed: int
) -> str:
    lines = [
        "Music Task Studio bulk export",
        "",
        f"Packed:  {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC",
        f"Tasks:   {len(items)}",
        f"Songs:   {packed} with their audio",
        "",
        "Each task is a folder; each song's audio carries its title, artist, album (the task),",
        "cover art and lyrics in its tags, with the cover and lyrics (.txt, and .lrc where the",
        "gateway had timings) beside it.",
        "",
        "Albums:",
    ]
    lines += [f"  {album_name(item.album, item.task.task_id)}" for item in items]
    lines += ["", "Files:"]
    lines += [f"  {name}  ({size:,} bytes)" for name, size in sizes.items()]
    lines.append("  README.txt  (this file)")
    lines += ["", "Not included:" if skipped else "Not included: nothing"]
    lines += [f"  {what}: {reason}" for what, reason in skipped]
    return "\n".join(lines) + "\n"
