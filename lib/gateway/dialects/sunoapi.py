"""sunoapi.org and kie.ai (docs/providers.md §1): one API published by both.

Task details (``GET /api/v1/generate/record-info``) hold the songs under
``data.response.sunoData[]`` in camelCase, with ``prompt`` being the lyrics; the status word moves
PENDING → TEXT_SUCCESS → FIRST_SUCCESS → SUCCESS, or ends in one of the ``…_FAILED`` /
``…_ERROR`` / ``CALLBACK_EXCEPTION`` words. Callbacks name their stage in ``data.callbackType``
(text, first, complete, error) and list the songs snake_cased under ``data.data``. A submit answers
``{"code": 200, "msg": "success", "data": {"taskId": …}}``. Errors are ``{"code": <≠200>, "msg": …}``,
which ``lib.gateway.error_mapping`` reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lib.gateway.dialects.reading import Reading, mapping, mappings, word
from lib.gateway.field_readers import as_url, first_present
from lib.gateway.models import TaskStatus
from lib.gateway.status_words import CALLBACK_STAGES, status_from_word

PROVIDER = "sunoapi"
_RECORD_KEYS = ("response", "param", "parentMusicId", "operationType", "errorCode", "errorMessage", "successFlag")
# Some records count their progress (0 running, 1 done, 2 failed) instead of naming it.
_FLAGS = {0: "PENDING", 1: "SUCCESS", 2: "FAILED", "0": "PENDING", "1": "SUCCESS", "2": "FAILED"}
# Words in a moderation refusal's message; without one, the status word itself is kept in the
# reason so the page can still tell a moderation failure from any other.
_MODERATION_HINTS = ("moderat", "flagged", "sensitive", "prohibited", "inappropriate")


def read_callback(body: Any) -> Reading | None:
    """A callback body, whatever its ``code`` (an error callback carries 400 or 501)."""
    if not isinstance(body, Mapping):
        return None
    data = body.get("data")
    if isinstance(data, Mapping) and "callbackType" in data:
        return _callback(body, data)
    if "callbackType" in body:  # the callback's data object pasted on its own
        return _callback({}, body)
    return None


def read(body: Any) -> Reading | None:
    if not isinstance(body, Mapping):
        return None
    data = body.get("data")
    for record in (data, body):
        if isinstance(record, Mapping) and "taskId" in record and any(k in record for k in _RECORD_KEYS):
            return _record(record)
    if isinstance(data, Mapping) and _is_submit_answer(body, data):
        return Reading(PROVIDER, task_id=word(data.get("taskId")), status=TaskStatus.SUBMITTED)
    return None


def _is_submit_answer(body: Mapping, data: Mapping) -> bool:
    code = body.get("code")
    return (
        "msg" in body
        and str(code).strip() == "200"
        and not isinstance(code, bool)
        and bool(word(data.get("taskId")))
        and set(data) <= {"taskId", "task_id"}
    )


def _record(record: Mapping) -> Reading:
    status_word = word(record.get("status"))
    if not status_word:  # the WAV, stems, video and cover records say it with successFlag
        flag = record.get("successFlag")
        status_word = _FLAGS.get(flag, word(flag)) if isinstance(flag, (int, str)) else ""
    status = status_from_word(status_word)
    response = mapping(record.get("response"))
    items = mappings(response.get("sunoData")) or mappings(response.get("data"))
    if not items and status is TaskStatus.SUCCESS:
        items = _files(record, response)  # a WAV, stems or video record: its files are its songs
    lyrics = _lyrics(items)
    reason = word(record.get("errorMessage"))
    if status is TaskStatus.FAILURE:
        reason = _failure_reason(reason, status_word)
    return Reading(
        PROVIDER,
        task_id=word(record.get("taskId")) or word(response.get("taskId")),
        status=status,
        status_word=status_word,
        action=word(first_present(record, "operationType", "type")),
        fail_reason=reason,
        songs=() if lyrics else tuple(_song(item, status) for item in items),
        lyrics=lyrics,
    )


def _callback(body: Mapping, data: Mapping) -> Reading:
    stage = word(data.get("callbackType"))
    status = CALLBACK_STAGES.get(stage.lower()) or status_from_word(stage)
    code = body.get("code")
    if isinstance(code, int) and not isinstance(code, bool) and code != 200:
        status = TaskStatus.FAILURE  # 400 content refused, 408 timeout, 531 failed and refunded …
    items = mappings(data.get("data"))
    lyrics = _lyrics(items)
    reason = ""
    if status is TaskStatus.FAILURE:
        reason = _failure_reason(
            word(first_present(data, "error", "errorMessage", "error_message")) or word(body.get("msg")), stage
        )
    return Reading(
        PROVIDER,
        task_id=word(first_present(data, "task_id", "taskId")),
        status=status,
        status_word=stage,
        fail_reason=reason,
        songs=() if lyrics else tuple(_song(item, status) for item in items),
        lyrics=lyrics,
    )


# The files a conversion record's ``response`` holds (WAV, vocal removal or split stems, MP4),
# with what a listener calls each; read as clips so a pasted record plays instead of "no songs".
_FILE_FIELDS = (
    ("audioWavUrl", "WAV", ""),
    ("vocalUrl", "Vocals", "stem"),
    ("instrumentalUrl", "Instrumental", "stem"),
    ("backingVocalsUrl", "Backing vocals", "stem"),
    ("drumsUrl", "Drums", "stem"),
    ("bassUrl", "Bass", "stem"),
    ("guitarUrl", "Guitar", "stem"),
    ("keyboardUrl", "Keyboard", "stem"),
    ("pianoUrl", "Piano", "stem"),
    ("percussionUrl", "Percussion", "stem"),
    ("stringsUrl", "Strings", "stem"),
    ("synthUrl", "Synth", "stem"),
    ("fxUrl", "FX", "stem"),
    ("brassUrl", "Brass", "stem"),
    ("woodwindsUrl", "Woodwinds", "stem"),
)


def _files(record: Mapping, response: Mapping) -> tuple[Mapping, ...]:
    clip = word(first_present(record, "musicId", "audioId"))
    found: list[Mapping] = []
    for field, title, kind in _FILE_FIELDS:
        url = as_url(response.get(field))
        if url:
            found.append(
                {
                    "id": f"{clip}-{field}" if clip else field,
                    "title": title,
                    "audioUrl": url,
                    "status": "complete",
                    "metadata": {"type": kind},
                }
            )
    video = as_url(first_present(response, "videoUrl", "video_url"))
    if video:
        found.append({"id": clip or "video", "title": "Video", "videoUrl": video, "status": "complete"})
    return tuple(found)


def _failure_reason(message: str, status_word: str) -> str:
    if not message:
        return status_word
    if status_word.upper() == "SENSITIVE_WORD_ERROR" and not any(h in message.lower() for h in _MODERATION_HINTS):
        return f"{message} ({status_word})"
    return message


def _lyrics(items: tuple[Mapping, ...]) -> Mapping | None:
    """Lyrics tasks list texts, not songs: the first one is the task's lyrics."""
    if not items or not all("text" in item and not _has_audio_field(item) for item in items):
        return None
    first = items[0]
    return {"title": first.get("title"), "text": first.get("text"), "tags": first.get("tags")}


def _has_audio_field(item: Mapping) -> bool:
    return any(k in item for k in ("audioUrl", "audio_url", "streamAudioUrl", "stream_audio_url"))


def _song(item: Mapping, task_status: TaskStatus | None) -> Mapping:
    """The song as read, with the clip status these APIs leave out: its audio says how far it is."""
    if item.get("status") not in (None, ""):
        return item
    if as_url(first_present(item, "audioUrl", "audio_url")):
        status = "complete"
    elif as_url(first_present(item, "streamAudioUrl", "stream_audio_url")):
        status = "streaming"
    else:
        status = "error" if task_status is TaskStatus.FAILURE else "queued"
    return dict(item, status=status)
