"""The sandbox speaking sunoapi.org / kie.ai (docs/providers.md §1).

``Authorization: Bearer <key>``; every answer is ``{"code", "msg", "data"}`` with the code in the
body (the documented examples all come with HTTP 200). ``POST /api/v1/generate`` and
``/api/v1/generate/extend`` answer ``{"taskId"}``; ``GET /api/v1/generate/record-info?taskId=``
shows the task moving PENDING → TEXT_SUCCESS → FIRST_SUCCESS → SUCCESS with camelCase songs under
``data.response.sunoData[]``, or ending in SENSITIVE_WORD_ERROR (a moderation refusal) or
GENERATE_AUDIO_FAILED. ``callBackUrl`` is required and gets the text / first / complete / error
callbacks, their songs snake_cased under ``data.data``. Lyrics (``/api/v1/lyrics`` and its own
record-info), word timings and personas are here; the WAV, stems and video tasks in
``sunoapi_tools``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from lib.sandbox import content, shapes
from lib.sandbox.engine import Clip, SandboxTask
from lib.sandbox.providers import sunoapi_tools
from lib.sandbox.providers.common import (
    Exchange,
    Reply,
    bearer_token,
    finished_clip,
    follow,
    is_moderation,
    status_words,
    timing,
    wall_time,
)

MODELS = {
    "V3_5": "chirp-v3-5",
    "V4": "chirp-v4",
    "V4_5": "chirp-auk",
    "V4_5PLUS": "chirp-bluejay",
    "V4_5ALL": "chirp-auk",
    "V5": "chirp-crow",
}
_CALLBACKS = {
    "TEXT_SUCCESS": ("text", "Text generation completed successfully."),
    "FIRST_SUCCESS": ("first", "First audio generated successfully."),
    "SUCCESS": ("complete", "All generated successfully."),
}

# Routes that are a switchable feature (``SandboxConfig.offered``, ``--lack``): without it, a 404.
FEATURE_ROUTES = {
    "/api/v1/lyrics": "lyrics",
    "/api/v1/lyrics/record-info": "lyrics",
    "/api/v1/generate/get-timestamped-lyrics": "timing",
    "/api/v1/generate/generate-persona": "persona",
    "/api/v1/wav/generate": "wav",
    "/api/v1/wav/record-info": "wav",
    "/api/v1/vocal-removal/generate": "stems",
    "/api/v1/vocal-removal/record-info": "stems",
    "/api/v1/mp4/generate": "mp4",
    "/api/v1/mp4/record-info": "mp4",
}


def answer(exchange: Exchange) -> tuple[int, Any]:
    if not bearer_token(exchange.headers):
        raise Reply(200, _error(401, "You do not have access permissions"))
    path, method = exchange.path.rstrip("/"), exchange.method
    if method == "POST" and path == "/api/v1/generate":
        return _submit(exchange, _generate_body(_object(exchange.body)))
    if method == "POST" and path == "/api/v1/generate/extend":
        return _submit(exchange, _extend_body(exchange, _object(exchange.body)))
    if method == "GET" and path in ("/api/v1/generate/record-info", "/api/v1/lyrics/record-info"):
        task = exchange.engine.task(exchange.arg("taskId"))
        if task is None or task.platform != "suno":
            raise Reply(200, _error(400, "taskId is invalid or does not exist"))
        return 200, _ok(lyrics_record(exchange, task) if task.action == "LYRICS" else record(exchange, task))
    if method == "GET" and path == "/api/v1/generate/credit":
        return 200, _ok(1000)
    if method == "POST" and path == "/api/v1/lyrics":
        return _lyrics(exchange, _object(exchange.body))
    if method == "POST" and path == "/api/v1/generate/get-timestamped-lyrics":
        return 200, _ok(_timing(exchange, _object(exchange.body)))
    if method == "POST" and path == "/api/v1/generate/generate-persona":
        return 200, _ok(_persona(exchange, _object(exchange.body)))
    tool = re.fullmatch(r"/api/v1/(wav|vocal-removal|mp4)/(generate|record-info)", path)
    if tool:
        return sunoapi_tools.answer(exchange, tool.group(1), tool.group(2), _ok, _error)
    raise Reply(404, _error(404, "Invalid request method or path"))


def _submit(exchange: Exchange, body: dict[str, Any]) -> tuple[int, Any]:
    task = exchange.engine.submit_suno(body)
    follow(
        exchange,
        str(body["_request"]["callBackUrl"]),
        lambda: status_word(exchange, task),
        lambda word: callback(exchange, task, word),
        final=("SUCCESS", "SENSITIVE_WORD_ERROR", "GENERATE_AUDIO_FAILED"),
        order=("PENDING", "TEXT_SUCCESS", "FIRST_SUCCESS", "SUCCESS"),
    )
    return 200, _ok({"taskId": task.task_id})


def _lyrics(exchange: Exchange, request: dict[str, Any]) -> tuple[int, Any]:
    _require(request, "prompt", "callBackUrl")
    task = exchange.engine.submit_lyrics({"prompt": request["prompt"], "_request": request})
    follow(
        exchange,
        str(request["callBackUrl"]),
        lambda: exchange.engine.phase(task),
        lambda phase: _lyrics_callback(task) if phase == "SUCCESS" else None,
        final=("SUCCESS", "FAILURE"),
    )
    return 200, _ok({"taskId": task.task_id})


def lyrics_record(exchange: Exchange, task: SandboxTask) -> dict[str, Any]:
    """A lyrics task's record-info: two texts under ``response.data`` once done."""
    done = exchange.engine.phase(task) == "SUCCESS"
    return {
        "taskId": task.task_id,
        "param": json.dumps(task.body.get("_request") or {}, ensure_ascii=False),
        "response": {"taskId": task.task_id, "data": _lyrics_texts(task)} if done else None,
        "status": "SUCCESS" if done else "PENDING",
        "type": "LYRICS",
        "errorCode": None,
        "errorMessage": None,
    }


def _lyrics_callback(task: SandboxTask) -> dict[str, Any]:
    data = {"callbackType": "complete", "taskId": task.task_id, "data": _lyrics_texts(task)}
    return {"code": 200, "msg": "All generated successfully.", "data": data}


def _lyrics_texts(task: SandboxTask) -> list[dict[str, Any]]:
    lyrics = task.lyrics or {}
    title, prompt = str(lyrics.get("title") or ""), str(task.body.get("prompt") or "")
    second = content.make_lyrics(task.task_id + "-2", prompt, title)  # sunoapi.org writes two versions
    return [
        {"text": text, "title": title, "status": "complete", "errorMessage": ""}
        for text in (str(lyrics.get("text") or ""), second)
    ]


def _song_of(exchange: Exchange, request: dict[str, Any]) -> Clip:
    """The song a tool names: ``audioId``, or ``musicIndex`` 0/1 of ``taskId``'s songs."""
    task = exchange.engine.task(str(request.get("taskId") or ""))
    clip_id = str(request.get("audioId") or "")
    if not clip_id and task is not None and task.clips:
        clip_id = task.clips[min(max(int(request.get("musicIndex") or 0), 0), len(task.clips) - 1)].id
    clip = finished_clip(exchange.engine, clip_id)
    if clip is None:
        raise Reply(200, _error(400, "taskId or audioId is invalid, or the music is not generated yet"))
    return clip


def _timing(exchange: Exchange, request: dict[str, Any]) -> dict[str, Any]:
    _require(request, "taskId")
    words = timing(exchange.engine, _song_of(exchange, request))
    aligned = [
        {"word": w["word"], "success": w["success"], "startS": w["start_s"], "endS": w["end_s"], "palign": w["p_align"]}
        for w in words["aligned_words"]
    ]
    return {
        "alignedWords": aligned,
        "waveformData": words["waveform_data"],
        "hootCer": words["hoot_cer"],
        "isStreamed": False,
    }


def _persona(exchange: Exchange, request: dict[str, Any]) -> dict[str, Any]:
    _require(request, "taskId", "audioId", "name")
    clip = _song_of(exchange, request)
    made = exchange.engine.create_persona({"root_clip_id": clip.id, **request})
    return {"personaId": made["id"], "name": made["name"], "description": made["description"]}


def _generate_body(request: dict[str, Any]) -> dict[str, Any]:
    """The engine's Suno body for a generate, after the checks the documented 400 answers name."""
    _require(request, "customMode", "instrumental", "model", "callBackUrl")
    for flag in ("customMode", "instrumental"):
        if not isinstance(request[flag], bool):
            raise Reply(200, _error(400, f"{flag} must be a boolean"))
    model = _model(request)
    instrumental = request["instrumental"]
    if not request["customMode"]:
        _require(request, "prompt")
        if len(str(request["prompt"])) > 500:
            raise Reply(200, _error(413, "Prompt too long"))
        return {
            "gpt_description_prompt": request["prompt"],
            "make_instrumental": instrumental,
            "mv": model,
            "_request": request,
        }
    _require(request, "style", "title", *(() if instrumental else ("prompt",)))
    return {
        "prompt": "" if instrumental else request["prompt"],
        "tags": request["style"],
        "title": request["title"],
        "make_instrumental": instrumental,
        "mv": model,
        "_request": request,
    }


def _extend_body(exchange: Exchange, request: dict[str, Any]) -> dict[str, Any]:
    _require(request, "defaultParamFlag", "audioId", "model", "callBackUrl")
    if exchange.engine.clip(str(request["audioId"])) is None:
        raise Reply(200, _error(400, "audioId does not exist"))
    body: dict[str, Any] = {
        "task": "extend",
        "continue_clip_id": request["audioId"],
        "mv": _model(request),
        "_request": request,
    }
    if request["defaultParamFlag"]:
        _require(request, "style", "title", "continueAt")
        body.update(prompt=request.get("prompt") or "", tags=request["style"], title=request["title"])
        body["continue_at"] = request["continueAt"]
    return body


def status_word(exchange: Exchange, task: SandboxTask) -> str:
    phase = exchange.engine.phase(task)
    if phase == "FAILURE":
        return "SENSITIVE_WORD_ERROR" if is_moderation(task) else "GENERATE_AUDIO_FAILED"
    if phase == "SUCCESS":
        return "SUCCESS"
    if phase == "IN_PROGRESS":
        return "FIRST_SUCCESS" if exchange.engine.stream_fraction(task) >= 0.5 else "TEXT_SUCCESS"
    return "PENDING"


def record(exchange: Exchange, task: SandboxTask) -> dict[str, Any]:
    """record-info's ``data``: the task, its request as a JSON string, and its songs once there are any."""
    word = status_word(exchange, task)
    request = task.body.get("_request") or {}
    songs = None
    if word in ("TEXT_SUCCESS", "FIRST_SUCCESS", "SUCCESS"):
        songs = [_song(exchange, clip, word, index, camel=True) for index, clip in enumerate(task.clips)]
    failed = word.endswith(("_ERROR", "_FAILED"))
    return {
        "taskId": task.task_id,
        "parentMusicId": str(request.get("audioId") or ""),
        "param": json.dumps(request, ensure_ascii=False),
        "response": None if songs is None else {"taskId": task.task_id, "sunoData": songs},
        "status": word,
        "type": "GENERATE",
        "operationType": "extend" if task.body.get("task") == "extend" else "generate",
        "errorCode": (400 if word == "SENSITIVE_WORD_ERROR" else 500) if failed else None,
        "errorMessage": task.fail_reason if failed else None,
    }


def callback(exchange: Exchange, task: SandboxTask, word: str) -> dict[str, Any] | None:
    if word.endswith(("_ERROR", "_FAILED")):
        code = 400 if word == "SENSITIVE_WORD_ERROR" else 501
        return {
            "code": code,
            "msg": task.fail_reason,
            "data": {"callbackType": "error", "task_id": task.task_id, "data": None},
        }
    if word not in _CALLBACKS:
        return None
    stage, message = _CALLBACKS[word]
    songs = [_song(exchange, clip, word, index, camel=False) for index, clip in enumerate(task.clips)]
    return {"code": 200, "msg": message, "data": {"callbackType": stage, "task_id": task.task_id, "data": songs}}


def _song(exchange: Exchange, clip: Clip, word: str, index: int, camel: bool) -> dict[str, Any]:
    """A song as record-info (camelCase) or a callback (snake_case) spells it; at FIRST_SUCCESS the
    first song is whole and the second still streams, at TEXT_SUCCESS only the words are there."""
    urls = shapes.media_urls(exchange.base, clip)
    whole = word == "SUCCESS" or (word == "FIRST_SUCCESS" and index == 0)
    streams = word in ("FIRST_SUCCESS", "SUCCESS")
    audio, stream, image = (urls["audio"] if whole else ""), (urls["stream"] if streams else ""), urls["image"]
    song = {
        "id": clip.id,
        "audio_url": audio,
        "source_audio_url": audio,
        "stream_audio_url": stream,
        "source_stream_audio_url": stream,
        "image_url": image,
        "source_image_url": image,
        "prompt": clip.lyrics,
        "model_name": clip.model,
        "title": clip.title,
        "tags": ", ".join(clip.tags),
        "createTime": wall_time(clip.created_at, "plain"),
        "duration": clip.duration if whole else None,
    }
    return {_camel(key): value for key, value in song.items()} if camel else song


def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(part.title() for part in rest)


def _model(request: dict[str, Any]) -> str:
    if request.get("model") not in MODELS:
        raise Reply(200, _error(400, f"model must be one of {', '.join(MODELS)}"))
    return MODELS[request["model"]]


def _require(request: dict[str, Any], *fields: str) -> None:
    for field in fields:
        value = request.get(field)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise Reply(200, _error(400, f"{field} cannot be empty"))


def _object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise Reply(200, _error(400, "Invalid parameters: the body must be a JSON object"))
    return body


def error_body(status: int, message: str | None) -> dict[str, Any]:
    # sunoapi.org's insufficient credits is code 429 and its rate limit 405 (docs/providers.md §1.1).
    return _error(status, status_words(status, message))


def _ok(data: Any) -> dict[str, Any]:
    return {"code": 200, "msg": "success", "data": data}


def _error(code: int, message: str) -> dict[str, Any]:
    return {"code": code, "msg": message, "data": None}
