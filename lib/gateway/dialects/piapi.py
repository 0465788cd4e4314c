"""PiAPI and GoAPI (docs/providers.md §3): one task object for every model.

``{"code": 200, "data": {task_id, model, task_type, status, input, output, meta, error},
"message"}``; ``status`` is pending, staged, processing, completed or failed. Udio (``music-u``)
songs are ``output.songs[]`` in Udio's spelling; Suno (``music-s``) clips are ``output.clips``,
keyed by clip ID like the older ``/api/suno/v1/music/{id}`` answer (``data.clips``), or listed.
A failure's words are in ``error.message`` and ``error.raw_message``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lib.gateway.dialects.reading import Reading, joined, mapping, mappings, word
from lib.gateway.field_readers import first_present
from lib.gateway.models import TaskStatus
from lib.gateway.status_words import status_from_word

PROVIDER = "piapi"
_TASK_PARTS = ("output", "meta", "input", "config")
_UDIO_MODELS = ("music-u", "udio")


def read(body: Any) -> Reading | None:
    if not isinstance(body, Mapping):
        return None
    data = body.get("data")
    # The answer's envelope, or a webhook's ({"timestamp", "data": task}), or the task alone.
    for task in (data, body) if isinstance(data, Mapping) else (body,):
        if "task_id" in task and "task_type" in task and any(k in task for k in _TASK_PARTS):
            return _task(task)
        if "task_id" in task and isinstance(task.get("clips"), Mapping):
            return _legacy(task)
    return None


def _task(task: Mapping) -> Reading:
    status_word = word(task.get("status"))
    status = status_from_word(status_word)
    output = mapping(task.get("output"))
    songs = next((found for key in ("songs", "clips", "result") if (found := mappings(output.get(key)))), ())
    lyrics = None
    pairs = mappings(output.get("lyrics_pairs")) or ((output,) if word(output.get("lyrics")) else ())
    if not songs and pairs:
        first = pairs[0]
        text = first.get("text") if word(first.get("text")) else first.get("lyrics")
        lyrics = {"title": first.get("title"), "text": text, "tags": first.get("tags")}
    error = mapping(task.get("error"))
    reason = joined(error.get("message"), error.get("raw_message")) if status is TaskStatus.FAILURE else ""
    meta = mapping(task.get("meta"))
    model = word(task.get("model")).lower()
    return Reading(
        PROVIDER,
        task_id=word(task.get("task_id")),
        status=status,
        status_word=status_word,
        action=word(task.get("task_type")),
        fail_reason=reason,  # else the parser takes a failed song's own words
        submitted_at=meta.get("created_at"),
        started_at=meta.get("started_at"),
        finished_at=meta.get("ended_at"),
        songs=songs,
        lyrics=lyrics,
        platform="udio" if model in _UDIO_MODELS else ("suno" if model else ""),
    )


def _legacy(task: Mapping) -> Reading:
    status_word = word(task.get("status"))
    status = status_from_word(status_word)
    failed = status is TaskStatus.FAILURE
    return Reading(
        PROVIDER,
        task_id=word(task.get("task_id")),
        status=status,
        status_word=status_word,
        action=word(task.get("task_type")),
        fail_reason=word(first_present(task, "fail_reason", "error_message", "message")) if failed else "",
        songs=mappings(task.get("clips")),
        platform="suno",
    )
