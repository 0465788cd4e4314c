"""Gateways that keep what a task made under ``result`` (docs/providers.md §5).

crun.ai-style: ``{"code": 200, "data": {task_id, status, create_at, result, complete_at}}`` with
``result`` null while running, ``result.suno_data[]`` once done and the error's code and message
inside ``result`` on failure; sunor.cc-style: songs under ``output.result[]``. None of these is
a provider the studio speaks, so the reading names none.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lib.gateway.dialects.reading import Reading, joined, mapping, mappings, word
from lib.gateway.field_readers import as_url, first_present
from lib.gateway.models import TaskStatus
from lib.gateway.status_words import status_from_word

PROVIDER = ""
_SONG_LISTS = ("suno_data", "sunoData", "songs", "clips", "data", "result")
_TASK_KEYS = ("task_id", "taskId", "status", "state")


def read(body: Any) -> Reading | None:
    if not isinstance(body, Mapping):
        return None
    data = body.get("data")
    task = data if isinstance(data, Mapping) and any(k in body for k in ("code", "message", "msg")) else body
    if isinstance(task.get("data"), (list, Mapping)):
        return None  # the new-api family keeps its songs in the task's own data
    if not any(k in task for k in _TASK_KEYS):
        return None  # a task object under data.result is the parser's to unwrap
    if "result" in task:
        return _task(task, task.get("result"))
    output = mapping(task.get("output"))
    return _task(task, output["result"]) if isinstance(output.get("result"), list) else None


def _task(task: Mapping, holder: Any) -> Reading:
    status_word = word(first_present(task, "status", "state"))
    status = status_from_word(status_word)
    result = mapping(holder)
    songs = mappings(holder) if isinstance(holder, list) else ()
    if not songs:
        songs = next((found for key in _SONG_LISTS if (found := mappings(result.get(key)))), ())
    reason = ""
    if status is TaskStatus.FAILURE:
        reason = joined(
            first_present(result, "error_message", "errorMessage", "message", "msg", "error")
            or first_present(task, "fail_reason", "error_message", "message")
        )
    return Reading(
        PROVIDER,
        task_id=word(first_present(task, "task_id", "taskId", "id")),
        status=status,
        status_word=status_word,
        action=word(first_present(task, "action", "task_type", "type")),
        fail_reason=reason,
        submitted_at=first_present(task, "create_at", "created_at", "submit_time"),
        started_at=first_present(task, "start_at", "started_at", "start_time"),
        finished_at=first_present(task, "complete_at", "completed_at", "finish_time"),
        progress=task.get("progress"),
        songs=tuple(_song(song, status) for song in songs),
    )


def _song(song: Mapping, status: TaskStatus | None) -> Mapping:
    """Songs listed without a status of their own take the task's, as far as their audio goes."""
    if song.get("status") not in (None, "") or song.get("state") not in (None, ""):
        return song
    has_audio = as_url(first_present(song, "audio_url", "audioUrl"))
    if status is TaskStatus.SUCCESS and has_audio:
        return dict(song, status="complete")
    if status is TaskStatus.FAILURE:
        return dict(song, status="error")
    return dict(song, status="streaming" if has_audio else "queued")
