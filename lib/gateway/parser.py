"""Turn any gateway's JSON into a ``Task``.

Gateways wrap the same Suno/Udio objects in different envelopes and spellings (reference
§4.3, variants V1–V11). Everything here is tolerant of extra, missing and mistyped fields, but a
body with nothing task-like is a ``ProtocolError`` rather than an empty task, and an error
envelope raises the matching ``GatewayError``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lib.gateway.error_mapping import error_from_body
from lib.gateway.errors import ProtocolError
from lib.gateway.field_readers import as_number, as_progress, as_tags, as_text, as_time, as_url, first_present
from lib.gateway.models import PLATFORMS, AlignedWord, Lyrics, Song, Task, TaskStatus, Timing

_STATUS_WORDS = {
    "not_start": TaskStatus.NOT_START,
    "notstart": TaskStatus.NOT_START,
    "submitted": TaskStatus.SUBMITTED,
    "queued": TaskStatus.QUEUED,
    "queueing": TaskStatus.QUEUED,
    "pending": TaskStatus.QUEUED,
    "waiting": TaskStatus.QUEUED,
    "in_progress": TaskStatus.IN_PROGRESS,
    "processing": TaskStatus.IN_PROGRESS,
    "running": TaskStatus.IN_PROGRESS,
    "streaming": TaskStatus.IN_PROGRESS,
    "generating": TaskStatus.IN_PROGRESS,
    "success": TaskStatus.SUCCESS,
    "succeeded": TaskStatus.SUCCESS,
    "complete": TaskStatus.SUCCESS,
    "completed": TaskStatus.SUCCESS,
    "finished": TaskStatus.SUCCESS,
    "done": TaskStatus.SUCCESS,
    "failure": TaskStatus.FAILURE,
    "failed": TaskStatus.FAILURE,
    "fail": TaskStatus.FAILURE,
    "error": TaskStatus.FAILURE,
    "unknown": TaskStatus.UNKNOWN,
}
_CLIP_STATUS_OF_TASK = {
    TaskStatus.SUBMITTED: "submitted",
    TaskStatus.QUEUED: "queued",
    TaskStatus.IN_PROGRESS: "streaming",
    TaskStatus.SUCCESS: "complete",
    TaskStatus.FAILURE: "error",
}
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


def status_from_word(word: Any) -> TaskStatus | None:
    """Canonical status for a gateway's word; None when there is no word at all."""
    if word is None or isinstance(word, (bool, Mapping, list)) or word == "":
        return None
    key = str(word).strip().lower().replace("-", "_").replace(" ", "_")
    if key in _STATUS_WORDS:
        return _STATUS_WORDS[key]
    # Reference §5.1: anything else means "still running" (numeric codes, new words).
    return TaskStatus.IN_PROGRESS


def parse_task(body: Any, platform: str = "suno", *, task_id: str | None = None) -> Task:
    task_obj = _unwrap(body)
    if isinstance(task_obj, list):
        # V8: Suno-API direct answers a single fetch with just the clips array.
        if not task_obj or not all(isinstance(c, Mapping) for c in task_obj):
            raise ProtocolError("the gateway answered without a task")
        task_obj = {"data": task_obj}
    if not _looks_like_task(task_obj):
        raise ProtocolError("the gateway answered without a task")
    return _build_task(task_obj, platform, task_id, raw=body)


def parse_task_list(body: Any, platform: str = "suno") -> list[Task]:
    _raise_for_envelope(body)
    rows = body.get("data") if isinstance(body, Mapping) else body
    if isinstance(rows, Mapping) and isinstance(rows.get("data"), list) and "task_id" not in rows:
        rows = rows["data"]  # a few gateways nest the list one level deeper
    if rows is None:
        return []
    if not isinstance(rows, list):
        raise ProtocolError("the gateway's batch answer is not a list of tasks")
    return [
        _build_task(row, platform, None, raw=row) for row in rows if isinstance(row, Mapping) and _looks_like_task(row)
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
        if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip():
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


# --- envelope -----------------------------------------------------------------------------


def _raise_for_envelope(body: Any, status: int | None = None) -> None:
    error = error_from_body(status, body)
    if error is not None:
        raise error


def _unwrap(body: Any) -> Any:
    _raise_for_envelope(body)
    if not isinstance(body, Mapping):
        if isinstance(body, list):
            return body
        raise ProtocolError("the gateway answered without a task")
    data = body.get("data")
    # The envelope carries a task object in "data", unless the body is itself the task (bare
    # V7 songs, or a task object pasted without its envelope).
    if isinstance(data, Mapping) and ("code" in body or "message" in body or _looks_like_task(data)):
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


# --- task -----------------------------------------------------------------------------------


def _build_task(obj: Mapping, platform: str, task_id: str | None, raw: Any) -> Task:
    payload = obj.get("data")
    lyrics = _lyrics(payload) if _is_lyrics_payload(payload) else None
    raw_songs = [] if lyrics else _song_objects(obj, payload)
    is_udio = platform == "udio" or any("song_path" in s or "generation_id" in s for s in raw_songs)
    songs = tuple(_udio_song(s) if _is_udio_song(s, is_udio) else _suno_song(s) for s in raw_songs)

    status_word = first_present(obj, "status", "state", "task_status", "taskStatus")
    status = status_from_word(status_word)
    if status is None:
        status = _status_from_songs(songs, lyrics)
    action = as_text(first_present(obj, "action", "task_type", "type"))
    fail_reason = as_text(first_present(obj, "fail_reason", "failReason", "error_message", "errorMessage"))
    if status is TaskStatus.FAILURE and not fail_reason:
        fail_reason = next((s.error for s in songs if s.error), "")
    return Task(
        task_id=as_text(first_present(obj, "task_id", "taskId"))
        or task_id
        or _id_from_songs(raw_songs)
        or as_text(obj.get("id"))
        or "",
        platform=platform if platform in PLATFORMS else ("udio" if is_udio else "suno"),
        status=status,
        action=action or ("LYRICS" if lyrics else ""),
        progress=as_progress(first_present(obj, "progress")),
        fail_reason=fail_reason,
        submitted_at=as_time(first_present(obj, "submit_time", "submitTime", "created_at", "createdAt", "create_time")),
        started_at=as_time(first_present(obj, "start_time", "startTime")),
        finished_at=as_time(first_present(obj, "finish_time", "finishTime")),
        songs=songs,
        lyrics=lyrics,
        status_text="" if status_word is None else str(status_word),
        raw=raw,
    )


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


def _status_from_songs(songs: tuple[Song, ...], lyrics: Lyrics | None) -> TaskStatus:
    if lyrics is not None:
        return TaskStatus.SUCCESS
    states = [status_from_word(s.status) or TaskStatus.SUBMITTED for s in songs]
    if not states:
        return TaskStatus.UNKNOWN
    if all(s is states[0] for s in states):
        return states[0]
    # Suno-API: with mixed clips the task shows the clip that is not done yet.
    return next(s for s in states if s is not TaskStatus.SUCCESS)


def _id_from_songs(songs: list[Mapping]) -> str:
    return next((as_text(s.get("generation_id")) for s in songs if s.get("generation_id")), "")


# --- songs ----------------------------------------------------------------------------------


def _is_udio_song(song: Mapping, platform_is_udio: bool) -> bool:
    return "song_path" in song or "finished" in song or (platform_is_udio and "audio_url" not in song)


def _suno_song(clip: Mapping) -> Song:
    meta = clip.get("metadata") if isinstance(clip.get("metadata"), Mapping) else {}
    status_word = first_present(clip, "status", "state")
    status = _clip_status(status_word)
    if isinstance(status_word, (int, float)) and not isinstance(status_word, bool):
        # Numeric clip states (Key4U) have no published meaning: trust progress and the audio.
        done = as_progress(clip.get("progress")) == 100
        has_audio = as_url(first_present(clip, "audio_url", "audioUrl", "cld2AudioUrl"))
        status = "complete" if done and has_audio else "streaming" if has_audio else "queued"
    error = as_text(
        first_present(meta, "error_message")
        or first_present(clip, "error_message", "errorMessage")
        or (clip.get("msg") if status == "error" else None)
    )
    return Song(
        id=as_text(first_present(clip, "id", "clip_id", "clipId")),
        title=as_text(clip.get("title")),
        tags=as_tags(first_present(meta, "tags") if meta.get("tags") not in (None, "") else clip.get("tags")),
        lyrics=as_text(
            first_present(meta, "prompt")
            if meta.get("prompt") not in (None, "")
            else first_present(clip, "prompt", "lyric", "lyrics")
        ),
        description=as_text(first_present(meta, "gpt_description_prompt") or clip.get("gpt_description_prompt")),
        audio_url=as_url(
            first_present(clip, "audio_url", "audioUrl", "cld2AudioUrl", "stream_audio_url", "streamAudioUrl")
        ),
        image_url=as_url(
            first_present(clip, "image_large_url", "imageLargeUrl", "image_url", "imageUrl", "cld2ImageUrl")
        ),
        video_url=as_url(first_present(clip, "video_url", "videoUrl", "cld2VideoUrl")),
        duration=as_number(
            first_present(meta, "duration") if meta.get("duration") is not None else clip.get("duration")
        ),
        model=as_text(first_present(clip, "model_name", "modelName", "mv", "model", "major_model_version")),
        status=status,
        error=error,
        kind=as_text(meta.get("type")),
        continues=_continued_clip(meta),
        infill=meta.get("infill") is True,
    )


def _continued_clip(meta: Mapping) -> str:
    """The parent of an extended or infilled clip: the last ``metadata.history`` entry."""
    history = meta.get("history")
    if isinstance(history, list) and history and isinstance(history[-1], Mapping):
        return as_text(history[-1].get("id"))
    return ""


def _clip_status(word: Any) -> str:
    """Clip statuses stay in Suno's own vocabulary (submitted … complete, error)."""
    if word is None or word == "":
        return ""
    text = str(word).strip().lower()
    if text in ("submitted", "queued", "streaming", "complete", "error"):
        return text
    canonical = status_from_word(word)
    return _CLIP_STATUS_OF_TASK.get(canonical, text) if canonical else text


def _udio_song(song: Mapping) -> Song:
    error = as_text(first_present(song, "error_detail", "error_type", "error_code"))
    audio_url = as_url(first_present(song, "song_path", "audio_url"))
    if error:
        status = "error"
    elif song.get("finished") is True:
        status = "complete"
    elif audio_url:
        status = "streaming"
    else:
        status = "queued"
    return Song(
        id=as_text(song.get("id")),
        title=as_text(song.get("title")),
        tags=as_tags(song.get("tags")),
        lyrics=as_text(song.get("lyrics")),
        description=as_text(first_present(song, "prompt", "description")),
        audio_url=audio_url,
        image_url=as_url(first_present(song, "image_path", "image_url")),
        video_url=as_url(first_present(song, "video_path", "video_url")),
        duration=as_number(song.get("duration")),
        model=as_text(first_present(song, "model_type", "model")),
        status=status,
        error=error,
    )


def _is_lyrics_payload(payload: Any) -> bool:
    return isinstance(payload, Mapping) and "text" in payload and "songs" not in payload


def _lyrics(payload: Mapping) -> Lyrics:
    return Lyrics(
        title=as_text(payload.get("title")), text=as_text(payload.get("text")), tags=as_tags(payload.get("tags"))
    )
