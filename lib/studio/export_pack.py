"""A task's export pack: one ZIP, built on the server, holding every song's audio, cover, video,
lyrics (plain and synced ``.lrc``), the raw task JSON and a README that lists what is inside and
what could not be included, and why."""

from __future__ import annotations

import dataclasses
import io
import json
import time
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from lib.gateway.errors import GatewayError, ProtocolError
from lib.gateway.models import AlignedWord, Song, Task
from lib.studio.file_names import safe_name, safe_stem
from lib.studio.lyrics_sync import synced_lines, to_lrc
from lib.studio.media_check import verify
from lib.studio.media_fetch import MAX_SECONDS as FILE_SECONDS
from lib.studio.media_fetch import fetch_media
from lib.text import is_http_url

MiB = 1024 * 1024
SIZE_CAP_REACHED = "size cap reached"
TIME_LIMIT_REACHED = "the pack's time limit was reached"
# The whole pack, every download included: a slow media host may not hold the page (and a server
# thread) for each file's own download limit in turn.
MAX_SECONDS = 180.0
_CHECK_KIND = {"audio": "audio", "cover": "image", "video": "video"}  # pack kind -> media_check kind

Fetch = Callable[..., tuple[bytes, str]]
Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class ExportPack:
    data: bytes
    file_name: str
    files: tuple[str, ...]
    skipped: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class _Media:
    label: str  # what the progress bar and the skipped list call it: "Song 1 audio"
    kind: str
    url: str | None
    stem: str  # file name without extension
    unavailable: str = ""  # why it is skipped without trying, when it is


def build_pack(
    task: Task,
    *,
    fetch: Fetch = fetch_media,
    timings: Mapping[str, Sequence[AlignedWord]] | None = None,
    max_file_bytes: int = 50 * MiB,
    max_total_bytes: int = 200 * MiB,
    progress: Progress | None = None,
    max_seconds: float = MAX_SECONDS,
) -> ExportPack:
    """Download the task's media and zip them with its texts. A failed download, a file that is
    not the media it claims to be (an HTML error page, say) and whatever is left when
    ``max_seconds`` run out are listed in ``skipped`` (and the README) instead of raised;
    programming errors still propagate. ``fetch(url, max_bytes=…, max_seconds=…)``."""
    timings = timings or {}
    deadline = time.monotonic() + max_seconds
    buffer = io.BytesIO()
    sizes: dict[str, int] = {}
    skipped: list[tuple[str, str]] = []
    width = max(2, len(str(len(task.songs))))
    plans = [
        (song, _plan_media(song, f"{index:0{width}d} - {safe_name(song.title, _short(song.id))}", index))
        for index, song in enumerate(task.songs, start=1)
    ]
    steps = sum(len(media) for _, media in plans) or 1
    step, media_bytes, cap_reached = 0, 0, False

    with zipfile.ZipFile(buffer, "w") as archive:

        def add(stem: str, ext: str, data: bytes, compress: int) -> None:
            name = _unique(f"{stem}.{ext}", sizes)
            archive.writestr(name, data, compress_type=compress)
            sizes[name] = len(data)

        def add_text(stem: str, ext: str, text: str) -> None:
            add(stem, ext, text.encode("utf-8"), zipfile.ZIP_DEFLATED)

        for song, media in plans:
            for item in media:
                if progress:
                    progress(step / steps, item.label)
                step += 1
                reason = item.unavailable or (SIZE_CAP_REACHED if cap_reached else "")
                remaining = max_total_bytes - media_bytes
                if not reason and remaining <= 0:
                    reason, cap_reached = SIZE_CAP_REACHED, True
                seconds = deadline - time.monotonic()
                if not reason and seconds <= 0:
                    reason = TIME_LIMIT_REACHED
                if reason:
                    skipped.append((item.label, reason))
                    continue
                limit = min(max_file_bytes, remaining)
                try:
                    # Each file keeps its own download limit too, within what the pack has left.
                    data, _ = fetch(item.url, max_bytes=limit, max_seconds=min(seconds, FILE_SECONDS))
                    if len(data) > limit:  # a fetch that ignored max_bytes
                        raise ProtocolError("the file is larger than allowed")
                except ProtocolError:  # fetch_media's word for "over max_bytes"
                    if limit < max_file_bytes:  # the pack's budget, not the file cap, stopped it
                        cap_reached = True
                        skipped.append((item.label, SIZE_CAP_REACHED))
                    else:
                        skipped.append((item.label, f"larger than the {_size(max_file_bytes)} per-file limit"))
                    continue
                except GatewayError as exc:
                    skipped.append((item.label, f"download failed: {exc}"))
                    continue
                # By content, not by Content-Type or URL: a CDN's error page sent with 200 is no
                # song, and its extension comes from what the bytes are.
                verdict = verify(data, _CHECK_KIND[item.kind])
                if not verdict.ok:
                    skipped.append((item.label, verdict.reason))
                    continue
                media_bytes += len(data)
                # Audio, images and video are compressed already: deflating them costs time for
                # a few percent at best (even WAV gains little), so they are stored as they are.
                add(item.stem, verdict.ext, data, zipfile.ZIP_STORED)
            _add_song_texts(song, media[0].stem if media else "", timings, add_text)

        if task.lyrics is not None:
            # Alone at the pack's root, so no Windows device name either ("CON.txt").
            add_text(safe_stem(task.lyrics.title, "lyrics"), "txt", _ensure_newline(task.lyrics.text))
        add_text("task", "json", _task_json(task))
        add_text("README", "txt", _readme(task, sizes, skipped))  # last: it lists everything

    if progress:
        progress(1.0, "Done")
    return ExportPack(data=buffer.getvalue(), file_name=_pack_name(task), files=tuple(sizes), skipped=tuple(skipped))


def _plan_media(song: Song, stem: str, index: int) -> list[_Media]:
    audio_reason = (
        "still streaming: a partial stream is not a finished file"
        if song.is_streaming
        else _url_problem(song.audio_url, "audio")
    )
    media = [
        _Media(f"Song {index} audio", "audio", song.audio_url, stem, audio_reason),
        _Media(
            f"Song {index} cover", "cover", song.image_url, f"{stem} - cover", _url_problem(song.image_url, "cover")
        ),
    ]
    if song.video_url:
        media.append(
            _Media(f"Song {index} video", "video", song.video_url, stem, _url_problem(song.video_url, "video"))
        )
    return media


def _url_problem(url: str | None, what: str) -> str:
    if not url:
        return f"the song has no {what} URL"
    return "" if is_http_url(url) else "not an http(s) URL"


def _add_song_texts(
    song: Song, stem: str, timings: Mapping[str, Sequence[AlignedWord]], add_text: Callable[[str, str, str], None]
) -> None:
    if song.lyrics.strip():
        add_text(stem, "txt", _ensure_newline(song.lyrics))
    words = timings.get(song.id)
    if words:
        # Same name as the audio, so players pick the synced lyrics up next to it.
        add_text(stem, "lrc", to_lrc(synced_lines(words, song.lyrics), title=song.title, length_s=song.duration))


def _unique(name: str, taken: Mapping[str, int]) -> str:
    # Windows and macOS file systems ignore case, so "Rain.wav" and "rain.wav" would collide.
    lowered = {t.lower() for t in taken}
    stem, dot, ext = name.rpartition(".")
    candidate, count = name, 1
    while candidate.lower() in lowered:
        count += 1
        candidate = f"{stem} ({count}){dot}{ext}"
    return candidate


def _short(identifier: str) -> str:
    return safe_name(identifier, "task")[:8]


def _pack_name(task: Task) -> str:
    title = next((s.title for s in task.songs if s.title.strip()), "")
    if not title and task.lyrics is not None:
        title = task.lyrics.title
    return f"{safe_name(title or task.task_id, 'task')}-{_short(task.task_id)}.zip"


def _task_json(task: Task) -> str:
    if task.raw is not None:
        body = task.raw
    else:
        body = {f.name: getattr(task, f.name) for f in dataclasses.fields(task) if f.name != "raw"}
        body["songs"] = [dataclasses.asdict(s) for s in task.songs]
        body["lyrics"] = dataclasses.asdict(task.lyrics) if task.lyrics else None
    return json.dumps(body, ensure_ascii=False, indent=2, default=_json_default) + "\n"


def _json_default(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)  # TaskStatus and anything else a gateway's parser let through


def _readme(task: Task, sizes: Mapping[str, int], skipped: Sequence[tuple[str, str]]) -> str:
    status = str(task.status)
    if task.status_text and task.status_text != status:
        status += f" ({task.status_text})"
    lines = [
        "Music Task Studio export pack",
        "",
        f"Task ID:  {task.task_id}",
        f"Platform: {task.platform}",
        f"Status:   {status}",
    ]
    if task.action:
        lines.append(f"Action:   {task.action}")
    if task.fail_reason:
        lines.append(f"Failure:  {task.fail_reason}")
    lines += [f"Packed:   {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC", "", "Files:"]
    lines += [f"  {name}  ({size:,} bytes)" for name, size in sizes.items()]
    lines.append("  README.txt  (this file)")
    lines += ["", "Not included:" if skipped else "Not included: nothing"]
    lines += [f"  {what}: {reason}" for what, reason in skipped]
    return "\n".join(lines) + "\n"


def _size(count: int) -> str:
    return f"{count / MiB:g} MB" if count >= MiB else f"{count:,} bytes"


def _ensure_newline(text: str) -> str:
    return text if text.endswith("\n") else text + "\n"
