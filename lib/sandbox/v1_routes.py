"""The sandbox's v1 routes (reference §2.15; the seed's 生成歌曲 / 拼接歌曲 / 生成歌词 / 查询歌曲 /
查询歌词 v1 版本), and the feed that reads clips without a task.

With ``SandboxConfig(routes="v1")`` (``python -m lib.sandbox --routes v1``, or provider
"newapi-v1") the sandbox is a gateway that offers only these: ``POST /suno/generate`` answers Suno's
generate object with two submitted clips, ``POST /suno/generate/concat`` the one new clip,
``POST /suno/generate/lyrics/`` ``{"id"}``, ``GET /suno/lyrics/{id}`` the lyrics, and
``GET /suno/feed/{ids}`` the clips as they are made. The clip tools under ``/suno/act/`` stay (they
take clip IDs, as v1 does). Every other API route (``/suno/submit/*``, ``/suno/fetch``, Udio, uploads,
personas) answers 404 with a web server's page, as a route the gateway lacks does.
"""

from __future__ import annotations

import re
from typing import Any

from lib.sandbox import faults as fault_lib
from lib.sandbox import shapes
from lib.sandbox.engine import Clip, SandboxEngine, SandboxTask
from lib.sandbox.newapi_checks import check_music, json_object
from lib.sandbox.providers.common import Exchange, Reply, finished_clip

V1 = "v1"
_CLIP_ROUTE = re.compile(r"/suno/(act/[a-z0-9]+|feed)/[^/]+")
NOT_FOUND_PAGE = b"""<!doctype html><html><head><title>404 Not Found</title></head>
<body><center><h1>404 Not Found</h1></center><hr><center>nginx</center></body></html>"""


class Missing(Exception):
    """A route this v1-only gateway does not have: the handler answers ``NOT_FOUND_PAGE`` (404)."""


def serves_itself(path: str) -> bool:
    """Whether a v1-only sandbox answers this path here (False: a clip tool, the usual handler's)."""
    return not _CLIP_ROUTE.fullmatch(path)


def answer(exchange: Exchange) -> tuple[int, Any]:
    """(status, JSON body) of a v1 route; ``Missing`` for any other; ``Reply`` for a refusal."""
    engine, offered = exchange.engine, exchange.engine.config.offered
    method, path = exchange.method, exchange.path.rstrip("/").lower()
    lyrics = re.fullmatch(r"/suno/lyrics/([^/]+)", exchange.path.rstrip("/"))
    if method == "POST" and path == "/suno/generate":
        body = json_object(exchange.body)
        if body.get("task") == "gen_stem" and "stems" not in offered:
            raise Reply(400, fault_lib.task_error("invalid_request", "invalid_action"))
        check_music(engine, body, has_tasks=False)
        return 200, generated(engine, engine.submit_suno(body), exchange.base)
    if method == "POST" and path == "/suno/generate/concat" and "concat" in offered:
        body = json_object(exchange.body)
        if finished_clip(engine, str(body.get("clip_id") or "")) is None:
            raise Reply(400, fault_lib.task_error("invalid_request", "clip_id not found"))
        task = engine.submit_concat(body)
        return 200, shapes.suno_clip(task.clips[0], exchange.base, "SUBMITTED")
    if method == "POST" and path == "/suno/generate/lyrics" and "lyrics" in offered:
        body = json_object(exchange.body)
        if not str(body.get("prompt") or "").strip():
            raise Reply(400, fault_lib.task_error("invalid_request", "prompt_empty"))
        return 200, {"id": engine.submit_lyrics(body).task_id}
    if method == "GET" and lyrics and "lyrics" in offered:
        return 200, lyrics_view(engine, lyrics.group(1))
    raise Missing(exchange.path)


def generated(engine: SandboxEngine, task: SandboxTask, base: str) -> dict[str, Any]:
    """Suno's generate object: the batch's own ID (not a task anyone can fetch) and its clips."""
    model = task.clips[0].model if task.clips else ""
    return {
        "id": task.task_id,
        "clips": [shapes.suno_clip(clip, base, "SUBMITTED") for clip in task.clips],
        "metadata": {
            "tags": str(task.body.get("tags") or ""),
            "prompt": str(task.body.get("prompt") or ""),
            "gpt_description_prompt": task.body.get("gpt_description_prompt"),
            "type": "gen",
            "stream": True,
        },
        "major_model_version": shapes.major_version(model),
        "status": "complete",
        "created_at": shapes.iso(task.submitted),
        "batch_size": len(task.clips),
    }


def lyrics_view(engine: SandboxEngine, lyrics_id: str) -> dict[str, Any]:
    task = engine.task(lyrics_id)
    if task is None or task.action != "LYRICS":
        raise Reply(400, fault_lib.task_error("task_not_exist", "task_not_exist"))
    phase = engine.phase(task)
    if phase == "FAILURE":
        return {"id": task.task_id, "text": "", "title": "", "status": "error", "error_message": task.fail_reason}
    if phase != "SUCCESS":
        return {"id": task.task_id, "text": "", "title": "", "status": "running", "error_message": ""}
    return dict(task.lyrics or {})


def feed_rows(engine: SandboxEngine, clip_ids: list[str], base: str, ready_after: float) -> list[dict[str, Any]]:
    """The clips asked for, each as its task stands now (a clip the gateway does not know is left
    out); a clip without a task (a stem of the older GET route) is ready ``ready_after`` seconds
    after it was made."""
    rows = []
    for clip in filter(None, map(engine.clip, clip_ids)):
        rows.append(_feed_row(engine, clip, base, ready_after))
    return rows


def _feed_row(engine: SandboxEngine, clip: Clip, base: str, ready_after: float) -> dict[str, Any]:
    task = engine.task_of_clip(clip.id)
    if task is None:
        ready = engine.clock() - clip.created_at >= ready_after
        return shapes.suno_clip(clip, base, "SUCCESS" if ready else "QUEUED")
    phase = engine.phase(task)
    return shapes.suno_clip(clip, base, phase, task.fail_reason, engine.stream_fraction(task))
