"""sunoapi.org's conversions, each a task of its own with its own record-info (docs/providers.md
§1.2): WAV (``/api/v1/wav/generate``), vocal separation (``/api/v1/vocal-removal/generate``) and the
music video (``/api/v1/mp4/generate``), all ``{taskId, audioId, callBackUrl}``.

Their records say how far they are with ``successFlag`` (PENDING, SUCCESS), not ``status``, and
carry the files under ``response`` (``audioWavUrl``; ``vocalUrl`` / ``instrumentalUrl`` …;
``videoUrl``) once done; the callback POSTs ``{"code": 200, "msg", "data": {"task_id", …urls}}``.
"""

from __future__ import annotations

from typing import Any

from lib.sandbox import shapes
from lib.sandbox.engine import SandboxTask
from lib.sandbox.providers.common import Exchange, Reply, finished_clip, follow, wall_time

# route stem -> the engine task's action; vocal separation is a stems task that makes real clips.
KINDS = {"wav": "WAV", "vocal-removal": "STEMS", "mp4": "MP4"}
_STEM_FIELDS = ("backingVocalsUrl", "drumsUrl", "bassUrl", "guitarUrl", "keyboardUrl", "percussionUrl")
_STEM_FIELDS += ("stringsUrl", "synthUrl", "fxUrl", "brassUrl", "woodwindsUrl")


def answer(exchange: Exchange, kind: str, action: str, ok: Any, error: Any) -> tuple[int, Any]:
    """``POST /api/v1/<kind>/generate`` or ``GET /api/v1/<kind>/record-info``."""
    if action == "generate" and exchange.method == "POST":
        return 200, ok({"taskId": _submit(exchange, kind, exchange.body, error).task_id})
    if action == "record-info" and exchange.method == "GET":
        task = exchange.engine.task(exchange.arg("taskId"))
        if task is None or task.body.get("_tool") != kind:
            raise Reply(200, error(400, "taskId is invalid or does not exist"))
        return 200, ok(record(exchange, task))
    raise Reply(404, error(404, "Invalid request method or path"))


def _submit(exchange: Exchange, kind: str, request: Any, error: Any) -> SandboxTask:
    if not isinstance(request, dict):
        raise Reply(200, error(400, "Invalid parameters: the body must be a JSON object"))
    for field in ("taskId", "audioId", "callBackUrl"):
        if not str(request.get(field) or "").strip():
            raise Reply(200, error(400, f"{field} cannot be empty"))
    clip = finished_clip(exchange.engine, str(request["audioId"]))
    if clip is None:
        raise Reply(200, error(400, "audioId does not exist or the music is not generated yet"))
    body = {"_tool": kind, "clip_id": clip.id, "_request": request}
    if kind == "vocal-removal":
        task = exchange.engine.submit_suno({**body, "task": "gen_stem", "continue_clip_id": clip.id})
    else:
        task = exchange.engine.submit_conversion(KINDS[kind], body)
    follow(
        exchange,
        str(request["callBackUrl"]),
        lambda: exchange.engine.phase(task),
        lambda phase: _callback(exchange, task) if phase == "SUCCESS" else None,
        final=("SUCCESS", "FAILURE"),
    )
    return task


def record(exchange: Exchange, task: SandboxTask) -> dict[str, Any]:
    request = task.body.get("_request") or {}
    done = exchange.engine.phase(task) == "SUCCESS"
    _, _, finished = exchange.engine.phase_times(task)
    clip_id = str(task.body.get("clip_id") or "")
    made_by = exchange.engine.task_of_clip(clip_id)
    siblings = [c.id for c in made_by.clips] if made_by else []
    return {
        "taskId": task.task_id,
        "musicId": task.body.get("clip_id"),
        "callbackUrl": request.get("callBackUrl"),
        "audioId": task.body.get("clip_id"),
        "musicIndex": siblings.index(clip_id) if clip_id in siblings else 0,
        "completeTime": wall_time(finished, "plain") if finished else None,
        "response": _files(exchange, task) if done else None,
        "successFlag": "SUCCESS" if done else "PENDING",
        "createTime": wall_time(task.submitted, "plain"),
        "errorCode": None,
        "errorMessage": None,
    }


def _files(exchange: Exchange, task: SandboxTask) -> dict[str, Any]:
    kind = task.body["_tool"]
    source = exchange.engine.clip(str(task.body.get("clip_id") or ""))
    urls = shapes.media_urls(exchange.base, source) if source else {}
    if kind == "wav":
        return {"audioWavUrl": urls.get("wav")}
    if kind == "mp4":
        return {"videoUrl": urls.get("video")}
    stems = {c.stem: shapes.media_urls(exchange.base, c)["audio"] for c in task.clips}
    files: dict[str, Any] = {"originUrl": urls.get("audio"), "instrumentalUrl": stems.get("instrumental")}
    files["vocalUrl"] = stems.get("vocals")
    return {**files, **dict.fromkeys(_STEM_FIELDS)}


def _callback(exchange: Exchange, task: SandboxTask) -> dict[str, Any]:
    return {"code": 200, "msg": "success", "data": {"task_id": task.task_id, **_files(exchange, task)}}
