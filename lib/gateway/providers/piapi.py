"""``piapi``: PiAPI and GoAPI (docs/providers.md §3) — one unified task route, ``POST /api/v1/task``
with ``model`` (``music-s`` Suno, ``music-u`` Udio), ``task_type`` and ``input``; tasks read with
``GET /api/v1/task/{task_id}``; the key in ``x-api-key``. No batch read and no song tools.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lib.gateway.providers.base import Auth, Provider, compact, text
from lib.gateway.routes import Route

TASK = Route("piapi.task", "POST", "/api/v1/task", paid=True)
FETCH = Route("piapi.task.get", "GET", "/api/v1/task/{task_id}")
SUNO, UDIO = "music-s", "music-u"


class PiApi(Provider):
    name = "piapi"
    label = "PiAPI / GoAPI"
    auth = Auth("x-api-key", "")
    modes = {
        ("suno", "inspiration"): TASK,
        ("suno", "custom"): TASK,
        ("suno", "extend"): TASK,
        ("suno", "lyrics"): TASK,
        ("udio", "generate"): TASK,
    }
    tools = {"lyrics": TASK}
    fetch_route = FETCH

    def body(self, platform: str, mode: str, canonical: Mapping[str, Any]) -> dict[str, Any]:
        self.route_for(platform, mode, canonical)
        if platform == "udio":
            params = canonical.get("gen_params") or {}
            lyrics_type = params.get("lyrics_type") or "generate"
            task = _task(
                UDIO,
                "generate_music",
                {
                    "gpt_description_prompt": params.get("prompt") or "",
                    "lyrics_type": lyrics_type,
                    "lyrics": params.get("lyrics") if lyrics_type == "user" else None,
                    "negative_tags": params.get("negative_prompt"),
                    "seed": params.get("seed", -1),
                },
            )
        elif mode == "lyrics":
            task = _task(UDIO, "generate_lyrics", {"prompt": text(canonical, "prompt")})
        elif mode == "inspiration":
            task = _task(
                SUNO,
                "generate_music",
                {
                    "gpt_description_prompt": text(canonical, "gpt_description_prompt"),
                    "make_instrumental": bool(canonical.get("make_instrumental")),
                    "mv": text(canonical, "mv"),
                },
            )
        else:
            instrumental = bool(canonical.get("make_instrumental"))
            task = _task(
                SUNO,
                "generate_music_custom",
                {
                    "prompt": "" if instrumental else text(canonical, "prompt"),
                    "title": text(canonical, "title"),
                    "tags": text(canonical, "tags"),
                    "negative_tags": text(canonical, "negative_tags"),
                    "make_instrumental": instrumental,
                    "mv": text(canonical, "mv"),
                    "continue_at": canonical.get("continue_at") if mode == "extend" else None,
                    "continue_clip_id": canonical.get("continue_clip_id") if mode == "extend" else None,
                },
            )
        hook = text(canonical, "notify_hook")
        if hook:
            task["config"]["webhook_config"] = {"endpoint": hook, "secret": ""}
        return task


def _task(model: str, task_type: str, given: Mapping[str, Any]) -> dict[str, Any]:
    return {"model": model, "task_type": task_type, "input": compact(given), "config": {"service_mode": "public"}}


PROVIDER = PiApi()
