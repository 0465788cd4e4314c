"""The sandbox speaking AceDataCloud (docs/providers.md §2).

``authorization: Bearer <token>``. ``POST /suno/audios`` (``action`` generate, or extend, cover,
replace_section, artist_consistency, concat, stems of a finished ``audio_id``) holds the answer
until the songs are made and answers ``{"success": true, "task_id", "trace_id", "data":
[song, song]}``; with ``callback_url`` (or ``async: true``) it answers ``{"task_id"}`` at once and
POSTs that same body to the callback when done. ``POST /suno/tasks`` (``retrieve`` / ``
retrieve_batch``) answers the task record, which carries ``response`` only once the task is done.
Songs spell the lyrics ``lyric`` and the tags ``style``; ``prompt`` is the inspiration prompt.
The tools (``/suno/lyrics``, ``/suno/persona``, ``/suno/timing``, ``/suno/wav``, ``/suno/mp4``) answer
at once, ``{"success": true, "task_id", "trace_id", "data"}``.
Errors are ``{"success": false, "error": {"code", "message"}, "trace_id"}`` with the HTTP status:
401 ``invalid_token``, 400 ``bad_request``, 403 ``forbidden`` (moderation), 500 ``api_error``.
"""

from __future__ import annotations

from typing import Any

from lib.sandbox import shapes
from lib.sandbox.engine import Clip, SandboxTask
from lib.sandbox.providers.common import (
    DONE,
    Exchange,
    Reply,
    bearer_token,
    finished_clip,
    follow,
    is_moderation,
    status_words,
    timing,
    trace_id,
    wait_for,
)
from lib.sandbox.task_records import stable_seed

DEFAULT_MODEL = "chirp-v4"
# The actions the sandbox makes songs for: the engine's task kind and the field naming the source song.
_SONG_ACTIONS = {
    "extend": ("extend", "continue_clip_id"),
    "cover": ("cover", "cover_clip_id"),
    "replace_section": ("infill", "continue_clip_id"),
    "artist_consistency": ("artist_consistency", "artist_clip_id"),
}
_ACTIONS = ("generate", *_SONG_ACTIONS, "concat", "stems", "all_stems")
_TOOLS = ("/suno/lyrics", "/suno/persona", "/suno/timing", "/suno/wav", "/suno/mp4")
# The error codes AceDataCloud documents for each HTTP status; any other is "api_error".
_CODES = {
    400: "bad_request",
    401: "invalid_token",
    403: "forbidden",
    404: "not_found",
    429: "too_many_requests",
    504: "timeout",
}

# Routes that are a switchable feature (``SandboxConfig.offered``, ``--lack``): without it, a 404.
FEATURE_ROUTES = {
    "/suno/lyrics": "lyrics",
    "/suno/persona": "persona",
    "/suno/timing": "timing",
    "/suno/wav": "wav",
    "/suno/mp4": "mp4",
}


def answer(exchange: Exchange) -> tuple[int, Any]:
    if not bearer_token(exchange.headers):
        raise Reply(401, error("invalid_token", "token is required or invalid"))
    path, method = exchange.path.rstrip("/"), exchange.method
    if method == "POST" and path == "/suno/audios":
        return _audios(exchange, _object(exchange.body))
    if method == "POST" and path == "/suno/tasks":
        return _tasks(exchange, _object(exchange.body))
    if method == "POST" and path in _TOOLS:
        request = _object(exchange.body)
        return 200, {
            "success": True,
            "task_id": trace_id(),
            "trace_id": trace_id(),
            "data": _tool(exchange, path, request),
        }
    raise Reply(404, error("not_found", "api not found"))


def _audios(exchange: Exchange, request: dict[str, Any]) -> tuple[int, Any]:
    task = _submit(exchange, request)
    callback_url = str(request.get("callback_url") or "")
    if callback_url or request.get("async") is True:
        follow(
            exchange, callback_url, lambda: exchange.engine.phase(task), lambda p: _callback(exchange, task, p), DONE
        )
        return 200, {"task_id": task.task_id}
    wait_for(exchange, [task], lambda: exchange.engine.phase(task) in DONE)
    outcome = result(exchange, task)
    if outcome is None:  # still running when the wait ran out (a test's stopped clock)
        raise Reply(504, error("timeout", "timeout waiting for the songs", task.task_id))
    if not outcome["success"]:
        raise Reply(403 if is_moderation(task) else 500, outcome)
    return 200, outcome


def _submit(exchange: Exchange, request: dict[str, Any]) -> SandboxTask:
    """The engine's task for this ``action``: a song from words, or from a finished song ``audio_id``."""
    engine, action = exchange.engine, request.get("action") or "generate"
    if action not in _ACTIONS:
        raise Reply(400, error("bad_request", f"action must be one of {', '.join(_ACTIONS)} in the sandbox"))
    feature = {"concat": "concat", "stems": "stems", "all_stems": "stems"}.get(action)
    if feature and feature not in engine.config.offered:
        raise Reply(400, error("bad_request", f"action {action} is not supported"))
    source = None
    if action != "generate":
        source = finished_clip(engine, str(request.get("audio_id") or ""))
        if source is None:
            raise Reply(400, error("bad_request", "audio_id is invalid or the song is not finished"))
    if action == "concat":
        return engine.submit_concat({"clip_id": source.id, "_request": request})  # type: ignore[union-attr]
    if action in ("stems", "all_stems"):
        return engine.submit_suno({"task": "gen_stem", "continue_clip_id": source.id, "_request": request})  # type: ignore[union-attr]
    body = _song_body(request, needs_words=action == "generate")
    if source is not None:
        kind, field = _SONG_ACTIONS[action]
        body.update({"task": kind, field: source.id, "continue_at": request.get("continue_at")})
        if kind == "infill":
            body.update(
                infill_start_s=request.get("replace_section_start"), infill_end_s=request.get("replace_section_end")
            )
    return engine.submit_suno(body)


def _song_body(request: dict[str, Any], needs_words: bool) -> dict[str, Any]:
    instrumental = bool(request.get("instrumental"))
    body: dict[str, Any] = {"make_instrumental": instrumental, "mv": str(request.get("model") or DEFAULT_MODEL)}
    if request.get("custom"):
        if not instrumental and not str(request.get("lyric") or "").strip() and needs_words:
            raise Reply(400, error("bad_request", "lyric is required in custom mode"))
        body.update(prompt="" if instrumental else request.get("lyric") or "", tags=request.get("style") or "")
        body["title"] = request.get("title") or ""
    elif not str(request.get("prompt") or "").strip() and needs_words:
        raise Reply(400, error("bad_request", "prompt is required"))
    else:
        body["gpt_description_prompt"] = request.get("prompt") or ""
    body["_request"] = request
    return body


def _tool(exchange: Exchange, path: str, request: dict[str, Any]) -> Any:
    """The song tools, answered at once: lyrics from a prompt, the rest for a finished song's ``audio_id``."""
    engine = exchange.engine
    if path == "/suno/lyrics":
        if not str(request.get("prompt") or "").strip():
            raise Reply(400, error("bad_request", "prompt is required"))
        lyrics = engine.submit_lyrics({"prompt": request["prompt"], "_request": request}).lyrics or {}
        return {"text": lyrics.get("text"), "title": lyrics.get("title"), "status": "complete"}
    clip = finished_clip(engine, str(request.get("audio_id") or ""))
    if clip is None:
        raise Reply(400, error("bad_request", "audio_id is invalid or the song is not finished"))
    urls = shapes.media_urls(exchange.base, clip)
    if path == "/suno/persona":
        made = engine.create_persona({"root_clip_id": clip.id, "name": request.get("name") or clip.title, **request})
        return {"persona_id": made["id"]}
    if path == "/suno/timing":
        return timing(engine, clip)
    if path == "/suno/wav":
        return [{"file_url": urls["wav"]}]
    return {"video_url": urls["video"]}


def _tasks(exchange: Exchange, request: dict[str, Any]) -> tuple[int, Any]:
    action = request.get("action") or "retrieve"
    if action == "retrieve_batch":
        ids = request.get("ids") if isinstance(request.get("ids"), list) else []
        items = [record(exchange, t) for t in map(exchange.engine.task, map(str, ids)) if t is not None]
        return 200, {"items": items, "count": len(items)}
    if action != "retrieve" or not request.get("id"):
        raise Reply(400, error("bad_request", "id is required to retrieve a task"))
    task = exchange.engine.task(str(request["id"]))
    if task is None:
        raise Reply(404, error("not_found", "task not found"))
    return 200, record(exchange, task)


def result(exchange: Exchange, task: SandboxTask) -> dict[str, Any] | None:
    """The finished task's answer (what a synchronous submit and the callback carry), or None."""
    phase = exchange.engine.phase(task)
    trace = _trace(task)
    if phase == "SUCCESS":
        request = task.body.get("_request") or {}
        songs = [_song(exchange, clip, str(request.get("prompt") or "")) for clip in task.clips]
        return {"success": True, "task_id": task.task_id, "trace_id": trace, "data": songs}
    if phase == "FAILURE":
        code = "forbidden" if is_moderation(task) else "api_error"
        return {**error(code, task.fail_reason, task.task_id), "trace_id": trace}
    return None


def record(exchange: Exchange, task: SandboxTask) -> dict[str, Any]:
    """The task record of ``/suno/tasks``: ``started_at`` once started, ``response`` once done."""
    submitted, started, finished = exchange.engine.phase_times(task)
    seed = stable_seed("acedata", task.task_id)
    view: dict[str, Any] = {
        "_id": seed + seed[:8],
        "id": task.task_id,
        "api_id": "09a26295-5972-4392-9318-dcd9b218f90d",
        "application_id": "ab46a066-ad82-4180-b66b-49dedf8e8a2f",
        "created_at": round(submitted, 3),
        "credential_id": "66614a7e-e624-494e-87a3-387099b8cbb4",
        "request": task.body.get("_request") or {},
        "trace_id": _trace(task),
        "user_id": "ad7afe47-cea9-4cda-980f-2ad8810e51cf",
    }
    if started is not None:
        view["started_at"] = round(started, 3)
    outcome = result(exchange, task)
    if outcome is not None and finished is not None:
        view.update(finished_at=round(finished, 3), elapsed=round(finished - submitted, 2), response=outcome)
    return view


def _callback(exchange: Exchange, task: SandboxTask, phase: str) -> dict[str, Any] | None:
    return result(exchange, task) if phase in DONE else None


def _song(exchange: Exchange, clip: Clip, prompt: str) -> dict[str, Any]:
    urls = shapes.media_urls(exchange.base, clip)
    return {
        "id": clip.id,
        "title": clip.title,
        "image_url": urls["image"],
        "image_large_url": urls["image_large"],
        "lyric": clip.lyrics,
        "audio_url": urls["audio"],
        "video_url": "",
        "created_at": shapes.iso(clip.created_at),
        "model": clip.model,
        "state": "succeeded",
        "prompt": prompt,
        "style": ", ".join(clip.tags),
        "duration": clip.duration,
    }


def error_body(status: int, message: str | None) -> dict[str, Any]:
    return error(_CODES.get(status, "api_error"), status_words(status, message))


def error(code: str, message: str, task_id: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"success": False}
    if task_id:
        body["task_id"] = task_id
    body.update(error={"code": code, "message": message}, trace_id=trace_id())
    return body


def _trace(task: SandboxTask) -> str:
    seed = stable_seed("trace", task.task_id)
    return f"{seed[:8]}-{seed[8:12]}-4{seed[13:16]}-8{seed[1:4]}-{seed[4:16]}"


def _object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise Reply(400, error("bad_request", "the body must be a JSON object"))
    return body
