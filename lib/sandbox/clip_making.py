"""How a Suno submit's body becomes the task's songs: the two music clips of a generate, extend,
cover or infill, and the vocal and instrumental clips of a stem split. The engine calls these when it
files a task; the Udio, upload and concat clips are still made where the engine submits them.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from lib.sandbox import content, score
from lib.sandbox.media import song_duration_for
from lib.sandbox.task_records import Clip, SandboxTask, stable_seed

# How long a take the made-up lyrics are written for: a verse and a chorus at least, so the synced
# lyrics have something to follow. The takes' own lengths are 20-40 s; a shorter one grows to sing them.
WRITTEN_FOR = 40.0


def fitting(takes: list[str], style: str) -> Callable[[str], bool]:
    """Whether lyrics can be sung by every take (each at its own tempo) in ``WRITTEN_FOR`` seconds."""
    return lambda lyrics: all(score.fits(seed, WRITTEN_FOR, lyrics, style) for seed in takes)


def music_clip(task: SandboxTask, body: dict[str, Any], index: int) -> Clip:
    """One of a generate's two takes. Like Suno's, both share the title, tags and lyrics (written
    once per task, from the prompt's words and genre) and differ in the music (seeded per take)."""
    description = str(body.get("gpt_description_prompt") or "")
    words = stable_seed("suno", task.task_id, description, body.get("prompt"), body.get("tags"))
    takes = [stable_seed("suno", task.task_id, i, description, body.get("prompt"), body.get("tags")) for i in (0, 1)]
    seed = takes[index]
    hint = description or str(body.get("tags") or "")
    title = str(body.get("title") or "") or content.make_title(words, hint)
    tags = (
        [t.strip() for t in str(body["tags"]).split(",") if t.strip()]
        if body.get("tags")
        else content.make_tags(words, hint, count=4)
    )
    style = ", ".join(tags)
    if body.get("make_instrumental"):
        lyrics = ""
    elif body.get("prompt"):
        lyrics = str(body["prompt"])
    else:
        lyrics = content.make_lyrics(words, hint, title, fits=fitting(takes, style))
    parent = body.get("continue_clip_id") or body.get("cover_clip_id")
    kind = str(body.get("task") or "gen")
    at = body.get("infill_start_s") if kind == "infill" else body.get("continue_at")
    return Clip(
        id=str(uuid.uuid4()),
        seed=seed,
        title=title,
        tags=tags,
        lyrics=lyrics,
        description=description,
        duration=score.duration_to_sing(seed, lyrics, style, song_duration_for(seed)),
        model=str(body.get("mv") or "chirp-v3-0"),
        parent=parent,
        kind=kind,
        created_at=task.submitted,
        continue_at=_seconds(at),
        infill_end=_seconds(body.get("infill_end_s")) if kind == "infill" else None,
    )


def stem_clip(source: Clip, part: str, created_at: float) -> Clip:
    """``created_at`` is the split task's submit time, or the request's time for the older GET route,
    whose stems have no task."""
    label = "Vocals" if part == "vocals" else "Instrumental"
    return Clip(
        id=str(uuid.uuid4()),
        seed=source.seed,
        title=f"{source.title} - {label}",
        tags=source.tags,
        lyrics=source.lyrics if part == "vocals" else "",
        description="",
        duration=source.duration,
        model="chirp-auk",
        kind="stem",
        stem=part,
        parent=source.id,
        created_at=created_at,
    )


def _seconds(value: Any) -> float | None:
    try:
        return None if value is None or value == "" else float(value)
    except (TypeError, ValueError):
        return None
