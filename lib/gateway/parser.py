"""Turn any gateway's JSON into a ``Task``.

Gateways wrap the same Suno/Udio objects in different envelopes and spellings (reference
§4.3, variants V1–V11). Everything here is tolerant of extra, missing and mistyped fields, but a
body with nothing task-like is a ``ProtocolError`` rather than an empty task, and an error
envelope raises the matching ``GatewayError``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lib.gateway import dialects
from lib.gateway.dialects import Reading
from lib.gateway.error_mapping import error_from_body
from lib.gateway.errors import ProtocolError
from lib.gateway.field_readers import as_number, as_progress, as_tags, as_text, as_time, first_present
from lib.gateway.models import PLATFORMS, AlignedWord, Lyrics, Song, Task, TaskStatus, Timing
from lib.gateway.song_readers import read_song, status_from_songs
from lib.gateway.status_words import is_known_status_word, status_from_word

__all__ = [
    "extract_clip_ids",
    "extract_persona_id",
    "extract_task_id",
    "is_known_status_word",
    "parse_task",
    "parse_task_list",
    "parse_timing",
    "status_from_word",
]

_TASK_KEYS = (
    "task_id",
    "taskId",
    "status",
    "state",
    "progress",
    "submit_time",
    "submitTime",
    "fail_reason",
    "failReason",
    "action",
)
# Fields only the new-api family's task objects have (reference §4.3): a body with one of them
# (or a word code such as "success") is read as "newapi", any other unknown shape as no provider.
_NEWAPI_TASK_KEYS = (
    "action",
    "submit_time",
    "submitTime",
    "finish_time",
    "finishTime",
    "fail_reason",
    "failReason",
    "notify_hook",
    "progress",
)
# Status words that say no more than "failed": a failure named otherwise keeps its name as reason.
_PLAIN_FAILURE_WORDS = ("failure", "failed", "fail", "error")


def parse_task(body: Any, platform: str = "suno", *, task_id: str | None = None) -> Task:
    reading = dialects.read_callback(body)
    if reading is None:
        _raise_for_envelope(body)
        batch = dialects.read_list(body)
        if batch is not None:
            if len(batch) != 1:
                raise ProtocolError(f"the answer holds {len(batch)} tasks, not one: read it as a list")
            reading = batch[0]
        else:
            reading = dialects.read(body)
    if reading is not None:
        return _task_from_reading(reading, platform, task_id, raw=body)
    task_obj = _unwrap(body)
    if isinstance(task_obj, list):
        # V8: Suno-API direct answers a single fetch with just the clips array.
        if not task_obj or not all(isinstance(c, Mapping) for c in task_obj):
            raise ProtocolError("the gateway answered without a task")
        task_obj = {"data": task_obj}
    if not _looks_like_task(task_obj):
        raise ProtocolError("the gateway answered without a task")
    return _build_task(task_obj, platform, task_id, raw=body, provider=_generic_provider(body, task_obj))


def parse_task_list(body: Any, platform: str = "suno") -> list[Task]:
    _raise_for_envelope(body)
    batch = dialects.read_list(body)
    if batch is not None:
        return [_task_from_reading(reading, platform, None, raw=reading) for reading in batch]
    rows = body.get("data") if isinstance(body, Mapping) else body
    if isinstance(rows, Mapping) and isinstance(rows.get("data"), list) and "task_id" not in rows:
        rows = rows["data"]  # a few gateways nest the list one level deeper
    if rows is None:
        return []
    if not isinstance(rows, list):
        raise ProtocolError("the gateway's batch answer is not a list of tasks")
    return [
        _build_task(row, platform, None, raw=row, provider="newapi")
        for row in rows
        if isinstance(row, Mapping) and _looks_like_task(row)
    ]


def extract_task_id(body: Any) -> str:
    """The task ID a submit route returned, whichever envelope it came in."""
    _raise_for_envelope(body)
    if isinstance(body, str) and body.strip():
        return body.strip()
    if not isinstance(body, Mapping):
        raise ProtocolError("the gateway's answer holds no task ID")
    data = body.get("data")
    candidates = [data]
    if isinstance(data, Mapping):
        candidates += [data.get("task_id"), data.get("taskId"), data.get("id")]
    candidates += [body.get("result"), body.get("task_id"), body.get("taskId"), body.get("id")]
    for value in candidates:
        if _is_id(value):
            return str(value).strip()
    raise ProtocolError("the gateway's answer holds no task ID")


def parse_timing(body: Any) -> Timing:
    """A ``/suno/act/timing`` answer (reference §2.9), raw or in a ``{"code", "data"}`` envelope:
    its words, and its ``waveform_data`` (an unreadable value counts as silence so the rest keep
    their place in time; no list at all is an empty waveform)."""
    _raise_for_envelope(body)
    if isinstance(body, Mapping) and "data" in body and ("code" in body or "message" in body):
        body = body["data"]
    words = body.get("aligned_words") if isinstance(body, Mapping) else None
    if not isinstance(words, list):
        raise ProtocolError("the gateway's timing answer has no aligned_words")
    waveform = body.get("waveform_data")
    return Timing(
        words=tuple(
            AlignedWord(
                word=as_text(w.get("word")),
                start_s=as_number(w.get("start_s")) or 0.0,
                end_s=as_number(w.get("end_s")) or 0.0,
                success=bool(w.get("success", True)),
                p_align=as_number(w.get("p_align")),
            )
            for w in words
            if isinstance(w, Mapping)
        ),
        waveform=tuple(as_number(v) or 0.0 for v in waveform) if isinstance(waveform, list) else (),
    )


def extract_persona_id(body: Any) -> str:
    """The persona ID a persona route answered: AceDataCloud's ``data.persona_id`` (beside a
    ``task_id`` that is not it), sunoapi.org's ``data.personaId``, or Suno's raw persona's ``id``."""
    _raise_for_envelope(body)
    if isinstance(body, Mapping):
        data = body.get("data")
        for holder in (data, data.get("persona") if isinstance(data, Mapping) else None, body):
            if isinstance(holder, Mapping):
                for value in (holder.get("persona_id"), holder.get("personaId")):
                    if _is_id(value):
                        return str(value).strip()
        if isinstance(data, Mapping) and _is_id(data.get("id")) and "task_id" not in data:
            return str(data["id"]).strip()
    return extract_task_id(body)


def extract_clip_ids(body: Any) -> list[str]:
    """The clip IDs of an answer that holds clips and no task (the self-hosted suno-api's)."""
    _raise_for_envelope(body)
    reading = dialects.read(body)
    songs = reading.songs if reading is not None else ()
    return [str(s.get("id")).strip() for s in songs if _is_id(s.get("id"))]


def _is_id(value: Any) -> bool:
    return isinstance(value, (str, int)) and not isinstance(value, bool) and bool(str(value).strip())


# --- envelope -----------------------------------------------------------------------------


def _raise_for_envelope(body: Any, status: int | None = None) -> None:
    error = error_from_body(status, body)
    if error is not None:
        raise error


def _unwrap(body: Any) -> Any:
    if not isinstance(body, Mapping):
        if isinstance(body, list):
            return body
        raise ProtocolError("the gateway answered without a task")
    data = body.get("data")
    # The envelope carries a task object in "data", unless the body is itself the task (bare
    # V7 songs, or a task object pasted without its envelope).
    if isinstance(data, Mapping) and ("code" in body or "message" in body or _looks_like_task(data)):
        result = data.get("result")
        if not _looks_like_task(data) and _looks_like_task(result):
            return result  # the task one level further down, under data.result
        return data
    if isinstance(data, list) and ("code" in body or "message" in body) and not _looks_like_task(body):
        return data
    return body


def _looks_like_task(obj: Any) -> bool:
    if not isinstance(obj, Mapping):
        return False
    if any(_is_scalar(obj.get(k)) for k in _TASK_KEYS):
        return True
    if isinstance(obj.get("songs"), list) or isinstance(obj.get("clips"), (list, Mapping)):
        return True
    inner = obj.get("data")
    return (
        isinstance(inner, list)
        and any(isinstance(x, Mapping) for x in inner)
        or (isinstance(inner, Mapping) and (isinstance(inner.get("songs"), list) or "text" in inner))
    )


def _is_scalar(value: Any) -> bool:
    return value not in (None, "") and not isinstance(value, (Mapping, list, bool))


def _generic_provider(body: Any, task_obj: Any) -> str:
    code = body.get("code") if isinstance(body, Mapping) else None
    if isinstance(code, str) and code.strip() and not code.strip().lstrip("-").isdigit():
        return "newapi"  # word codes ("success", "SUCCESS") are the family's
    if isinstance(task_obj, Mapping) and (
        any(k in task_obj for k in _NEWAPI_TASK_KEYS) or ("task_id" in task_obj and "data" in task_obj)
    ):
        return "newapi"
    return ""


# --- task -----------------------------------------------------------------------------------


def _build_task(obj: Mapping, platform: str, task_id: str | None, raw: Any, provider: str) -> Task:
    payload = obj.get("data")
    lyrics = payload if _is_lyrics_payload(payload) else None
    reading = Reading(
        provider,
        task_id=as_text(first_present(obj, "task_id", "taskId")),
        status=status_from_word(first_present(obj, "status", "state", "task_status", "taskStatus")),
        status_word=as_text(first_present(obj, "status", "state", "task_status", "taskStatus")),
        action=as_text(first_present(obj, "action", "task_type", "type")),
        fail_reason=as_text(first_present(obj, "fail_reason", "failReason", "error_message", "errorMessage")),
        submitted_at=first_present(obj, "submit_time", "submitTime", "created_at", "createdAt", "create_time"),
        started_at=first_present(obj, "start_time", "startTime"),
        finished_at=first_present(obj, "finish_time", "finishTime"),
        progress=first_present(obj, "progress"),
        songs=() if lyrics else tuple(_song_objects(obj, payload)),
        lyrics=lyrics,
    )
    return _task_from_reading(reading, platform, task_id, raw=raw, fallback_id=as_text(obj.get("id")))


def _task_from_reading(reading: Reading, platform: str, task_id: str | None, raw: Any, fallback_id: str = "") -> Task:
    lyrics = _lyrics(reading.lyrics) if reading.lyrics is not None else None
    raw_songs = list(reading.songs)
    is_udio = (
        platform == "udio"
        or reading.platform == "udio"
        or any("song_path" in s or "generation_id" in s for s in raw_songs)
    )
    songs = tuple(read_song(s, is_udio) for s in raw_songs)
    status = reading.status
    if status is None:
        status = TaskStatus.SUCCESS if lyrics is not None else status_from_songs(songs)
    status_text = reading.status_word or _deciding_word(raw_songs, songs, status)
    fail_reason = reading.fail_reason
    if status is TaskStatus.FAILURE and not fail_reason:
        fail_reason = next((s.error for s in songs if s.error), "")
        if not fail_reason and status_text.strip().lower() not in _PLAIN_FAILURE_WORDS:
            fail_reason = status_text  # "SENSITIVE_WORD_ERROR" says more than no reason at all
    if reading.platform in PLATFORMS:
        platform = reading.platform
    return Task(
        task_id=reading.task_id or task_id or _id_from_songs(raw_songs) or fallback_id or "",
        platform=platform if platform in PLATFORMS else ("udio" if is_udio else "suno"),
        status=status,
        action=reading.action or ("LYRICS" if lyrics else ""),
        progress=as_progress(reading.progress),
        fail_reason=fail_reason,
        submitted_at=as_time(reading.submitted_at),
        started_at=as_time(reading.started_at),
        finished_at=as_time(reading.finished_at),
        songs=songs,
        lyrics=lyrics,
        status_text=status_text,
        raw=raw,
        provider=reading.provider,
    )


def _deciding_word(raw_songs: list[Mapping], songs: tuple[Song, ...], status: TaskStatus) -> str:
    """A task without a word of its own shows the word of a clip that decided its status."""
    for raw, song in zip(raw_songs, songs):
        if status_from_word(song.status) is status:
            return as_text(first_present(raw, "status", "state")) or song.status
    return ""


def _song_objects(obj: Mapping, payload: Any) -> list[Mapping]:
    for candidate in (obj.get("songs"), obj.get("clips")):
        if isinstance(candidate, Mapping):  # GoAPI-style: clips keyed by clip ID
            candidate = [
                dict(clip, id=clip.get("id") or key) for key, clip in candidate.items() if isinstance(clip, Mapping)
            ]
        if isinstance(candidate, list):
            return [s for s in candidate if isinstance(s, Mapping)]
    if isinstance(payload, Mapping):
        inner = payload.get("songs", payload.get("clips", payload.get("data")))
        if isinstance(inner, list):
            return [s for s in inner if isinstance(s, Mapping)]
        return []
    if isinstance(payload, list):
        songs: list[Mapping] = []
        for item in payload:
            if isinstance(item, Mapping) and isinstance(item.get("songs"), list):
                songs += [s for s in item["songs"] if isinstance(s, Mapping)]  # V7 array of {songs}
            elif isinstance(item, Mapping):
                songs.append(item)
        return songs
    return []


def _id_from_songs(songs: list[Mapping]) -> str:
    return next((as_text(s.get("generation_id")) for s in songs if s.get("generation_id")), "")


def _is_lyrics_payload(payload: Any) -> bool:
    return isinstance(payload, Mapping) and "text" in payload and "songs" not in payload


def _lyrics(payload: Mapping) -> Lyrics:
    return Lyrics(
        title=as_text(payload.get("title")), text=as_text(payload.get("text")), tags=as_tags(payload.get("tags"))
    )
