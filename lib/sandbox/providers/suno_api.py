"""The sandbox speaking the self-hosted gcui-art/suno-api (docs/providers.md §4).

No auth header (the real server holds the Suno cookie itself). ``POST /api/generate`` (a
description), ``/api/custom_generate`` (lyrics, tags, title) and ``/api/extend_audio`` answer a
bare array of two flat clips — there is no task ID, the clip IDs are the handle — and ``GET
/api/get?ids=a,b`` (no ids: every clip, newest first) answers them again as they move submitted →
queued → streaming → complete, or error with ``error_message``. With ``wait_audio: true`` the
answer waits until the clips stream. Errors are ``{"error": "<text>"}`` with the HTTP status.
"""

from __future__ import annotations

from typing import Any

from lib.sandbox import shapes
from lib.sandbox.engine import Clip, SandboxTask
from lib.sandbox.providers.common import Exchange, Reply, finished_clip, status_words, timing, wait_for

_CLIP_STATUS = {
    "NOT_START": "submitted",
    "SUBMITTED": "submitted",
    "QUEUED": "queued",
    "IN_PROGRESS": "streaming",
    "SUCCESS": "complete",
    "FAILURE": "error",
}
DEFAULT_MODEL = "chirp-v3-5"

# Routes that are a switchable feature (``SandboxConfig.offered``, ``--lack``): without it, a 404.
FEATURE_ROUTES = {
    "/api/generate_lyrics": "lyrics",
    "/api/get_aligned_lyrics": "timing",
    "/api/concat": "concat",
    "/api/generate_stems": "stems",
}


def answer(exchange: Exchange) -> tuple[int, Any]:
    path, method = exchange.path.rstrip("/"), exchange.method
    if method == "POST" and path in ("/api/generate", "/api/custom_generate", "/api/extend_audio"):
        return _generate(exchange, path.rsplit("/", 1)[1], exchange.body)
    if method == "GET" and path == "/api/get":
        ids = [i for i in exchange.arg("ids").split(",") if i.strip()]
        return 200, [clip_view(exchange, c) for c in _clips(exchange, ids)]
    if method == "POST" and path == "/api/generate_lyrics":
        return 200, _lyrics(exchange, exchange.body)
    if method == "GET" and path == "/api/get_aligned_lyrics":
        words = timing(exchange.engine, _finished(exchange, exchange.arg("song_id"), "Song ID"))["aligned_words"]
        return 200, words
    if method == "GET" and path == "/api/clip":
        clip = exchange.engine.clip(exchange.arg("id"))
        if clip is None:
            raise Reply(400, {"error": "Missing parameter id"})
        return 200, _raw_clip(exchange, clip)
    if method == "POST" and path == "/api/concat":
        source = _finished(exchange, str(_fields(exchange.body).get("clip_id") or ""), "Clip id")
        task = exchange.engine.submit_concat({"clip_id": source.id, "_request": exchange.body})
        return 200, _raw_clip(exchange, task.clips[0])
    if method == "POST" and path == "/api/generate_stems":
        source = _finished(exchange, str(_fields(exchange.body).get("audio_id") or ""), "Audio ID")
        task = exchange.engine.submit_suno(
            {"task": "gen_stem", "continue_clip_id": source.id, "_request": exchange.body}
        )
        return 200, [_stem(exchange, c, task) for c in task.clips]
    if method == "GET" and path == "/api/get_limit":
        return 200, {"credits_left": 500, "period": "day", "monthly_limit": 500, "monthly_usage": 0}
    raise Reply(404, {"error": "Not found"})


def _generate(exchange: Exchange, route: str, request: Any) -> tuple[int, Any]:
    if not isinstance(request, dict):
        raise Reply(400, {"error": "Invalid JSON body"})
    body: dict[str, Any] = {
        "make_instrumental": bool(request.get("make_instrumental")),
        "mv": str(request.get("model") or DEFAULT_MODEL),
        "_request": request,
    }
    if route == "generate":
        if not str(request.get("prompt") or "").strip():
            raise Reply(400, {"error": "Prompt is required"})
        body["gpt_description_prompt"] = request["prompt"]
    else:
        if route == "extend_audio":
            if exchange.engine.clip(str(request.get("audio_id") or "")) is None:
                raise Reply(400, {"error": "Audio ID is required"})
            body.update(task="extend", continue_clip_id=request["audio_id"], continue_at=request.get("continue_at"))
        elif not any(str(request.get(k) or "").strip() for k in ("prompt", "tags")):
            raise Reply(400, {"error": "Prompt or tags are required"})
        body.update({k: request[k] for k in ("prompt", "tags", "title") if request.get(k)})
    task = exchange.engine.submit_suno(body)
    if request.get("wait_audio"):
        wait_for(exchange, [task], lambda: exchange.engine.phase(task) in ("IN_PROGRESS", "SUCCESS", "FAILURE"))
    return 200, [clip_view(exchange, c, task) for c in task.clips]


def _fields(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise Reply(400, {"error": "Invalid JSON body"})
    return body


def _finished(exchange: Exchange, clip_id: str, name: str) -> Clip:
    clip = finished_clip(exchange.engine, clip_id)
    if clip is None:
        raise Reply(400, {"error": f"{name} is required" if not clip_id else f"{name} is not a finished song"})
    return clip


def _lyrics(exchange: Exchange, body: Any) -> dict[str, Any]:
    """The server polls Suno until the lyrics are done, so the answer is the finished text."""
    prompt = str(_fields(body).get("prompt") or "")
    lyrics = exchange.engine.submit_lyrics({"prompt": prompt, "_request": body}).lyrics or {}
    return {"text": lyrics.get("text"), "title": lyrics.get("title"), "status": "complete"}


def _raw_clip(exchange: Exchange, clip: Clip) -> dict[str, Any]:
    """``/api/clip`` and ``/api/concat`` pass Suno's own clip object through."""
    task = exchange.engine.task_of_clip(clip.id)
    phase = exchange.engine.phase(task) if task else "SUCCESS"
    fraction = exchange.engine.stream_fraction(task) if task else 1.0
    return shapes.suno_clip(clip, exchange.base, phase, task.fail_reason if task else "", fraction)


def _stem(exchange: Exchange, clip: Clip, task: SandboxTask) -> dict[str, Any]:
    view = clip_view(exchange, clip, task)
    return {k: view[k] for k in ("id", "status", "created_at", "title", "duration")} | {"stem_from_id": clip.parent}


def _clips(exchange: Exchange, ids: list[str]) -> list[Clip]:
    if ids:
        return [c for c in map(exchange.engine.clip, ids) if c is not None]
    # No ids: the whole feed, every clip this sandbox made, newest first.
    return sorted(exchange.engine.all_clips(), key=lambda c: c.created_at, reverse=True)


def clip_view(exchange: Exchange, clip: Clip, task: SandboxTask | None = None) -> dict[str, Any]:
    task = task or exchange.engine.task_of_clip(clip.id)
    phase = exchange.engine.phase(task) if task else "SUCCESS"
    status = _CLIP_STATUS[phase]
    urls = shapes.media_urls(exchange.base, clip)
    request = (task.body.get("_request") if task else None) or {}
    streaming, complete = status == "streaming", status == "complete"
    return {
        "id": clip.id,
        "title": clip.title if status != "submitted" else "",
        "image_url": urls["image"] if streaming or complete else None,
        "lyric": clip.lyrics,
        "audio_url": urls["audio"] if complete else urls["stream"] if streaming else "",
        "video_url": "",
        "created_at": shapes.iso(clip.created_at),
        "model_name": clip.model,
        "status": status,
        "gpt_description_prompt": clip.description or None,
        "prompt": clip.lyrics,
        "type": "gen" if clip.kind == "gen" else clip.kind,
        "tags": ", ".join(clip.tags),
        "negative_tags": str(request.get("negative_tags") or ""),
        "duration": clip.duration if complete else None,
        "error_message": task.fail_reason if task and status == "error" else None,
    }


def error_body(status: int, message: str | None) -> dict[str, Any]:
    return {"error": status_words(status, message)}
