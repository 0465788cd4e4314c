"""The sandbox speaking PiAPI / GoAPI (docs/providers.md §3).

``x-api-key: <key>``. ``POST /api/v1/task`` with ``model`` (``music-u`` Udio, ``music-s`` Suno),
``task_type`` and ``input`` answers the task object with ``status: "pending"`` inside ``{"code":
200, "data", "message": "success"}``; ``GET /api/v1/task/{task_id}`` shows it pending →
processing → completed (or failed, with the words in ``error.raw_message``). Udio songs are
``output.songs[]`` (``song_path``, ``image_path``, ``tags`` a list), Suno clips ``output.clips``
keyed by clip ID. With ``config.webhook_config.endpoint`` every status change is POSTed there as
``{"timestamp", "data": task}``, the secret in ``x-webhook-secret``. Request errors are ``{"code":
<status>, "data": null, "message"}``.
"""

from __future__ import annotations

import re
import time
from typing import Any

from lib.sandbox import shapes
from lib.sandbox.engine import SandboxTask
from lib.sandbox.providers.common import Exchange, Reply, finished_clip, follow, status_words, wall_time

_TYPES = {"music-u": ("generate_music", "generate_lyrics"), "music-s": ("generate_music", "generate_music_custom")}
_STATUS = {"SUCCESS": "completed", "FAILURE": "failed", "IN_PROGRESS": "processing"}
_NOT_ENDED = "0001-01-01T00:00:00Z"  # Go's zero time, what PiAPI shows before a task ends
_COST = 400000
# What PiAPI keeps of a Udio song (its MCP server's UdioSong): fewer fields than Udio's own object.
_UDIO_SONG_FIELDS = ("id", "generation_id", "title", "image_path", "lyrics", "song_path", "duration", "tags")
_UDIO_SONG_FIELDS += ("finished", "error_type", "error_code", "error_detail")

FEATURE_ROUTES: dict[str, str] = {}  # one route for all; Udio and lyrics are switched by the body


def answer(exchange: Exchange) -> tuple[int, Any]:
    if not str(exchange.headers.get("x-api-key") or "").strip():
        raise Reply(401, _error(401, "Unauthorized: invalid api key"))
    path, method = exchange.path.rstrip("/"), exchange.method
    fetch = re.fullmatch(r"/api/v1/task/([^/]+)", path)
    if method == "POST" and path == "/api/v1/task":
        return _create(exchange, exchange.body)
    if method == "GET" and fetch:
        task = exchange.engine.task(fetch.group(1))
        if task is None or "_request" not in task.body:
            raise Reply(404, _error(404, "task not found"))
        return 200, _envelope(task_view(exchange, task))
    raise Reply(404, _error(404, "404 page not found"))


def _create(exchange: Exchange, request: Any) -> tuple[int, Any]:
    if not isinstance(request, dict):
        raise Reply(400, _error(400, "invalid request body"))
    model, task_type = request.get("model"), request.get("task_type")
    if model not in _TYPES or task_type not in _TYPES[model]:
        raise Reply(400, _error(400, f"unsupported model / task_type: {model} / {task_type}"))
    feature = "lyrics" if task_type == "generate_lyrics" else "udio" if model == "music-u" else None
    if feature and feature not in exchange.engine.config.offered:
        raise Reply(400, _error(400, f"unsupported model / task_type: {model} / {task_type}"))
    given = request.get("input")
    fields: dict[str, Any] = given if isinstance(given, dict) else {}
    if task_type == "generate_lyrics":
        if not str(fields.get("prompt") or "").strip():
            raise Reply(400, _error(400, "input.prompt is required"))
        task = exchange.engine.submit_lyrics({"prompt": fields["prompt"], "_request": request})
    elif model == "music-u":
        task = exchange.engine.submit_udio(_udio_body(fields, request))
    else:
        task = exchange.engine.submit_suno(_suno_body(exchange, fields, request, task_type))
    webhook = (
        ((request.get("config") or {}).get("webhook_config") or {}) if isinstance(request.get("config"), dict) else {}
    )
    secret = str(webhook.get("secret") or "")
    follow(
        exchange,
        str(webhook.get("endpoint") or ""),
        lambda: task_status(exchange, task),
        lambda status: {"timestamp": int(time.time()), "data": task_view(exchange, task)},
        final=("completed", "failed"),
        headers={"x-webhook-secret": secret} if secret else None,
    )
    return 200, _envelope(task_view(exchange, task))


def _udio_body(fields: dict[str, Any], request: dict[str, Any]) -> dict[str, Any]:
    lyrics_type = fields.get("lyrics_type") or "generate"
    prompt = str(fields.get("gpt_description_prompt") or fields.get("prompt") or "")
    lyrics = str(fields.get("lyrics") or (fields.get("prompt") if lyrics_type == "user" else "") or "")
    if not prompt.strip() or (lyrics_type == "user" and not lyrics.strip()):
        raise Reply(400, _error(400, "input.gpt_description_prompt (and lyrics for lyrics_type user) is required"))
    params = {"prompt": prompt, "lyrics_type": lyrics_type, "lyrics": lyrics, "seed": fields.get("seed", -1)}
    return {"gen_params": params, "_request": request}


def _suno_body(exchange: Exchange, fields: dict[str, Any], request: dict[str, Any], task_type: str) -> dict[str, Any]:
    body: dict[str, Any] = {"make_instrumental": bool(fields.get("make_instrumental")), "_request": request}
    body["mv"] = str(fields.get("mv") or "chirp-v3-5")
    if task_type == "generate_music":
        if not str(fields.get("gpt_description_prompt") or "").strip():
            raise Reply(400, _error(400, "input.gpt_description_prompt is required"))
        body["gpt_description_prompt"] = fields["gpt_description_prompt"]
        return body
    if not any(str(fields.get(k) or "").strip() for k in ("prompt", "tags")):
        raise Reply(400, _error(400, "input.prompt or input.tags is required"))
    body.update({k: fields[k] for k in ("prompt", "tags", "title") if fields.get(k)})
    if fields.get("continue_clip_id"):  # an extend of a finished song
        if finished_clip(exchange.engine, str(fields["continue_clip_id"])) is None:
            raise Reply(400, _error(400, "input.continue_clip_id is not a finished clip"))
        body.update(task="extend", continue_clip_id=fields["continue_clip_id"], continue_at=fields.get("continue_at"))
    return body


def task_status(exchange: Exchange, task: SandboxTask) -> str:
    return _STATUS.get(exchange.engine.phase(task), "pending")


def task_view(exchange: Exchange, task: SandboxTask) -> dict[str, Any]:
    request = task.body.get("_request") or {}
    status = task_status(exchange, task)
    submitted, started, finished = exchange.engine.phase_times(task)
    failed = status == "failed"
    webhook = dict((request.get("config") or {}).get("webhook_config") or {})
    return {
        "task_id": task.task_id,
        "model": request.get("model"),
        "task_type": request.get("task_type"),
        "status": status,
        "config": {
            "service_mode": "public",
            "webhook_config": {"endpoint": str(webhook.get("endpoint") or ""), "secret": ""},  # never echoed
        },
        "input": request.get("input") or {},
        "output": _output(exchange, task, status),
        "meta": {
            "created_at": _time(submitted),
            "started_at": _time(started) if started is not None else _NOT_ENDED,
            "ended_at": _time(finished) if finished is not None else _NOT_ENDED,
            "usage": {"type": "point", "frozen": _COST, "consume": _COST if status == "completed" else 0},
            "is_using_private_pool": False,
        },
        "detail": None,
        "logs": [],
        "error": {
            "code": 10000 if failed else 0,
            "raw_message": task.fail_reason if failed else "",
            "message": "failed to generate music" if failed else "",
            "detail": None,
        },
    }


def _output(exchange: Exchange, task: SandboxTask, status: str) -> dict[str, Any] | None:
    if status in ("pending", "failed"):
        return None
    phase = exchange.engine.phase(task)
    if task.action == "LYRICS":
        lyrics = task.lyrics or {}
        return (
            {"lyrics_pairs": [{"title": lyrics.get("title"), "text": lyrics.get("text")}]}
            if status == "completed"
            else {}
        )
    if task.platform == "udio":
        if status != "completed":
            return {"songs": []}
        songs = [shapes.udio_song(exchange.engine, task, c, exchange.base, phase) for c in task.clips]
        return {"songs": [{k: song[k] for k in _UDIO_SONG_FIELDS} for song in songs]}
    fraction = exchange.engine.stream_fraction(task)
    return {"clips": {c.id: shapes.suno_clip(c, exchange.base, phase, task.fail_reason, fraction) for c in task.clips}}


def _time(timestamp: float) -> str:
    return wall_time(timestamp).split(".")[0] + "Z"


def _envelope(task: dict[str, Any]) -> dict[str, Any]:
    return {"code": 200, "data": task, "message": "success"}


def error_body(status: int, message: str | None) -> dict[str, Any]:
    return _error(status, status_words(status, message))


def _error(code: int, message: str) -> dict[str, Any]:
    return {"code": code, "data": None, "message": message}
