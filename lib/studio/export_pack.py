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

from lib.gateway.models import AlignedWord, Task
from lib.studio.file_names import safe_name, safe_stem
from lib.studio.media_fetch import fetch_media
from lib.studio.pack_writer import SIZE_CAP_REACHED, TIME_LIMIT_REACHED, Fetch, PackWriter, ensure_newline, plan_media

__all__ = ["SIZE_CAP_REACHED", "TIME_LIMIT_REACHED", "ExportPack", "build_pack", "task_title"]

MiB = 1024 * 1024
# The whole pack, every download included: a slow media host may not hold the page (and a server
# thread) for each file's own download limit in turn.
MAX_SECONDS = 180.0

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class ExportPack:
    data: bytes
    file_name: str
    files: tuple[str, ...]
    skipped: tuple[tuple[str, str], ...]


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
    programming errors still propagate. ``fetch(url, max_bytes=…, max_seconds=…)``. Audio files
    carry the song's tags (``lib.studio.audio_tags``)."""
    timings = timings or {}
    buffer = io.BytesIO()
    width = max(2, len(str(len(task.songs))))
    plans = [
        (song, plan_media(song, f"{index:0{width}d} - {safe_name(song.title, _short(song.id))}", f"Song {index}"))
        for index, song in enumerate(task.songs, start=1)
    ]
    steps = sum(len(media) for _, media in plans) or 1
    step = 0
    title = task_title(task)

    def advance(item) -> None:
        nonlocal step
        if progress:
            progress(step / steps, item.label)
        step += 1

    with zipfile.ZipFile(buffer, "w") as archive:
        writer = PackWriter(archive, fetch, max_file_bytes, max_total_bytes, time.monotonic() + max_seconds)
        for song, media in plans:
            writer.add_song(
                song,
                media,
                task_title=title,
                task_id=task.task_id,
                platform=task.platform,
                words=timings.get(song.id) or (),
                progress=advance,
            )
        if task.lyrics is not None:
            # Alone at the pack's root, so no Windows device name either ("CON.txt").
            writer.add_text(safe_stem(task.lyrics.title, "lyrics"), "txt", ensure_newline(task.lyrics.text))
        writer.add_text("task", "json", _task_json(task))
        writer.add_text("README", "txt", _readme(task, writer.sizes, writer.skipped))  # last: it lists everything

    if progress:
        progress(1.0, "Done")
    return ExportPack(
        data=buffer.getvalue(), file_name=_pack_name(task), files=tuple(writer.sizes), skipped=tuple(writer.skipped)
    )


def task_title(task: Task) -> str:
    """What the task is called as an album: the prompt it was made from, else its first title."""
    prompt = next((s.description for s in task.songs if s.description.strip()), "")
    return prompt or next((s.title for s in task.songs if s.title.strip()), "")


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
