"""The validation new-api and Suno-API do before accepting a music submit, shared by the sandbox's
``/suno/submit/music`` and its v1 twin ``/suno/generate`` (lib.sandbox.v1_routes)."""

from __future__ import annotations

from typing import Any

from lib.gateway.bodies import SUNO_TASKS
from lib.sandbox import faults as fault_lib
from lib.sandbox.engine import SandboxEngine
from lib.sandbox.providers.common import Reply


def check_music(engine: SandboxEngine, body: dict[str, Any], *, has_tasks: bool = True) -> None:
    """``Reply`` (a 400 in new-api's words) for a body new-api would refuse. ``has_tasks=False``: the
    v1 routes, which know clips only (an extend names its clip, no task)."""
    if not has_tasks:
        body = {key: value for key, value in body.items() if key != "task_id"}
    kind = body.get("task")
    clip_field = {"cover": "cover_clip_id", "artist_consistency": "artist_clip_id"}.get(kind, "continue_clip_id")
    if kind and kind not in SUNO_TASKS:
        raise Reply(400, fault_lib.task_error("invalid_request", f"unsupported task {kind}"))
    if kind:
        if has_tasks and body.get("continue_clip_id") and kind in ("extend", "infill") and not body.get("task_id"):
            raise Reply(400, fault_lib.task_error("invalid_request", "task id is empty"))
        if body.get("task_id") and engine.task(str(body["task_id"])) is None:
            raise Reply(400, fault_lib.task_error("task_origin_not_exist", "task_origin_not_exist"))
        if not engine.clip(str(body.get(clip_field) or "")):
            raise Reply(400, fault_lib.task_error("invalid_request", f"{clip_field} not found"))
        return
    if not any(str(body.get(k) or "").strip() for k in ("gpt_description_prompt", "prompt", "tags")):
        raise Reply(400, fault_lib.task_error("invalid_request", "prompt is empty"))


def json_object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise Reply(400, fault_lib.task_error("invalid_request", "request body must be a JSON object"))
    return body
