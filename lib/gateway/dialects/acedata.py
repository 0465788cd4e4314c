"""AceDataCloud (docs/providers.md §2).

A generation answers at once with the songs (``{"success": true, "task_id", "data": [song…]}``;
the callback and each progress line of the stream have the same shape), or with just
``{"task_id"}`` when it runs in the background. In a song ``lyric`` is the lyrics, ``style`` the
tags and ``prompt`` only the inspiration description; ``state`` is pending, running, succeeded or
error (absent once done). ``POST /suno/tasks`` answers a task *record* (``id``, ``request``,
times in Unix seconds) whose ``response`` is that answer once the task has ended; a batch
retrieve answers ``{"items": [record…], "count"}``. Errors are
``{"success": false, "error": {"code", "message"}}``, which ``lib.gateway.error_mapping`` reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lib.gateway.dialects.reading import Reading, mapping, mappings, word
from lib.gateway.field_readers import first_present
from lib.gateway.models import TaskStatus
from lib.gateway.status_words import status_from_word

PROVIDER = "acedata"
_RECORD_MARKS = ("api_id", "application_id", "credential_id", "_id")
_SUBMIT_KEYS = {"task_id", "trace_id"}


def read_list(body: Any) -> list[Reading] | None:
    """A batch retrieve's records, or None when the body is no batch."""
    if not isinstance(body, Mapping) or not isinstance(body.get("items"), list) or "count" not in body:
        return None
    return [_record(item) for item in body["items"] if _is_record(item)]


def read(body: Any) -> Reading | None:
    if not isinstance(body, Mapping):
        return None
    if _is_record(body):
        return _record(body)
    if body.get("success") is True and ("task_id" in body or "trace_id" in body):
        return _answer(body)
    if "task_id" in body and set(body) <= _SUBMIT_KEYS and word(body.get("task_id")):
        return Reading(PROVIDER, task_id=word(body["task_id"]), status=TaskStatus.SUBMITTED)
    return None


def _is_record(obj: Any) -> bool:
    return (
        isinstance(obj, Mapping)
        and "id" in obj
        and ("response" in obj or "request" in obj)
        and any(k in obj for k in _RECORD_MARKS)
    )


def _record(record: Mapping) -> Reading:
    response = mapping(record.get("response"))
    times = {
        "submitted_at": record.get("created_at"),
        "started_at": record.get("started_at"),
        "finished_at": record.get("finished_at"),
    }
    task_id = word(record.get("id")) or word(response.get("task_id"))
    action = word(mapping(record.get("request")).get("action"))
    state = word(record.get("state"))
    if response.get("success") is False:
        error = mapping(response.get("error"))
        reason = word(error.get("message")) or word(response.get("error")) or word(response.get("message"))
        return Reading(
            PROVIDER,
            task_id=task_id,
            status=TaskStatus.FAILURE,
            status_word=word(error.get("code")) or state,
            action=action,
            fail_reason=reason,
            **times,
        )
    if not response:
        # "response, finished_at and elapsed are not returned while the task runs" (the tasks guide)
        status = status_from_word(state) or TaskStatus.IN_PROGRESS
        return Reading(PROVIDER, task_id=task_id, status=status, status_word=state, action=action, **times)
    answer = _answer(response)
    return Reading(
        PROVIDER,
        task_id=task_id or answer.task_id,
        status=answer.status,
        status_word=answer.status_word,
        action=action,
        fail_reason=answer.fail_reason,
        songs=answer.songs,
        lyrics=answer.lyrics,
        **times,
    )


def _answer(answer: Mapping) -> Reading:
    task_id = word(answer.get("task_id"))
    data = answer.get("data")
    if isinstance(data, Mapping) and "text" in data:  # /suno/lyrics
        status_word = word(data.get("status"))
        lyrics = {"title": data.get("title"), "text": data.get("text"), "tags": data.get("tags")}
        status = status_from_word(status_word) or TaskStatus.SUCCESS
        return Reading(PROVIDER, task_id=task_id, status=status, status_word=status_word, lyrics=lyrics)
    items = mappings(data)
    if not items:  # a persona, an upload … answered at once: done, with nothing to play
        return Reading(PROVIDER, task_id=task_id, status=TaskStatus.SUCCESS)
    states = [word(item.get("state")).lower() or "succeeded" for item in items]
    status, status_word = _overall(states)
    if not any(word(item.get("state")) for item in items):
        status_word = ""  # the callback and the task record carry no state: done, no word to show
    reasons = (word(first_present(item, "error_message", "error", "errorMessage")) for item in items)
    reason = next((r for r in reasons if r), "")
    return Reading(
        PROVIDER,
        task_id=task_id,
        status=status,
        status_word=status_word,
        fail_reason=reason if status is TaskStatus.FAILURE else "",
        songs=tuple(_song(item, state) for item, state in zip(items, states)),
    )


def _overall(states: list[str]) -> tuple[TaskStatus, str]:
    """All songs alike → their state; one running (or done) while another waits → running."""
    if all(s == states[0] for s in states):
        return status_from_word(states[0]) or TaskStatus.IN_PROGRESS, states[0]
    if all(s in ("succeeded", "error") for s in states):
        return TaskStatus.FAILURE, "error"
    if any(s in ("running", "succeeded") for s in states):
        return TaskStatus.IN_PROGRESS, "running"
    return TaskStatus.QUEUED, "pending"


def _song(song: Mapping, state: str) -> Mapping:
    """Renamed to Suno's meaning: ``lyric`` is the lyrics, ``style`` the tags, ``prompt`` the
    description the lyrics were written from."""
    return {
        "id": song.get("id"),
        "title": song.get("title"),
        "prompt": song.get("lyric"),
        "gpt_description_prompt": song.get("prompt"),
        "tags": song.get("style"),
        "audio_url": song.get("audio_url"),
        "image_url": song.get("image_url"),
        "image_large_url": song.get("image_large_url"),
        "video_url": song.get("video_url"),
        "duration": song.get("duration"),
        "model_name": song.get("model"),
        "created_at": song.get("created_at"),
        "status": state,
        "error_message": first_present(song, "error_message", "error", "errorMessage"),
    }
