"""``acedata``: AceDataCloud (docs/providers.md §2) — one generation route, ``POST /suno/audios``,
whose ``action`` picks the mode; snake_case bodies with ``lyric`` and ``style``; tasks read with
``POST /suno/tasks`` (``retrieve`` one, ``retrieve_batch`` many); ``authorization: Bearer``.

Without the user's webhook a submit asks for ``async: true``: the default synchronous answer is
held 1–2 minutes, longer than a paid POST should wait for its task ID. The song tools (WAV, MP4,
timing, persona) answer at once with their result; AceData bills per call, so they are paid.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lib.gateway.providers.base import Call, Provider, compact, joined, metadata, text
from lib.gateway.routes import Route

AUDIOS = Route("acedata.audios", "POST", "/suno/audios", paid=True)
LYRICS = Route("acedata.lyrics", "POST", "/suno/lyrics", paid=True)
PERSONA = Route("acedata.persona", "POST", "/suno/persona", paid=True)
WAV = Route("acedata.wav", "POST", "/suno/wav", paid=True)
MP4 = Route("acedata.mp4", "POST", "/suno/mp4", paid=True)
TIMING = Route("acedata.timing", "POST", "/suno/timing", paid=True)
UPLOAD = Route("acedata.upload", "POST", "/suno/upload", paid=True)
TASKS = Route("acedata.tasks", "POST", "/suno/tasks")  # a read: free, safe to repeat

_ACTIONS = {
    "inspiration": "generate",
    "custom": "generate",
    "extend": "extend",
    "cover": "cover",
    "replace": "replace_section",
    "persona_song": "artist_consistency",
    "concat": "concat",
    "stems": "stems",
}


class AceData(Provider):
    name = "acedata"
    label = "AceDataCloud"
    modes = {
        **{("suno", mode): AUDIOS for mode in _ACTIONS},
        ("suno", "persona_create"): PERSONA,
        ("suno", "lyrics"): LYRICS,
    }
    tools = {
        "wav": WAV,
        "mp4": MP4,
        "timing": TIMING,
        "stems": AUDIOS,
        "persona": PERSONA,
        "lyrics": LYRICS,
        "concat": AUDIOS,
    }
    no_task_routes = frozenset({PERSONA.path})
    fetch_route = TASKS
    batch_route = TASKS

    def body(self, platform: str, mode: str, canonical: Mapping[str, Any]) -> dict[str, Any]:
        self.route_for(platform, mode, canonical)
        if mode == "lyrics":
            return {"prompt": text(canonical, "prompt")}
        if mode == "persona_create":
            return compact(
                {
                    "audio_id": text(canonical, "root_clip_id"),
                    "name": text(canonical, "name"),
                    "description": text(canonical, "description"),
                }
            )
        action = _ACTIONS[mode]
        if mode == "extend" and canonical.get("task") == "upload_extend":
            action = "upload_extend"
        if mode == "stems" and canonical.get("stem_task") == "twelve":
            action = "all_stems"
        if mode == "concat":
            return {"action": action, "audio_id": text(canonical, "clip_id")}
        if mode == "stems":
            return {"action": action, "audio_id": text(canonical, "continue_clip_id")}
        inspiration = mode == "inspiration"
        extras = metadata(canonical)
        sliders = extras.get("control_sliders") or {}
        song_id = canonical.get("continue_clip_id") or canonical.get("cover_clip_id") or canonical.get("artist_clip_id")
        hook = text(canonical, "notify_hook")
        return compact(
            {
                "action": action,
                "model": text(canonical, "mv"),
                "prompt": text(canonical, "gpt_description_prompt") if inspiration else None,
                "custom": None if inspiration else True,
                "lyric": None if inspiration else text(canonical, "prompt"),
                "title": text(canonical, "title"),
                "style": text(canonical, "tags"),
                "style_negative": text(canonical, "negative_tags"),
                "instrumental": canonical.get("make_instrumental"),
                "audio_id": song_id,
                "continue_at": canonical.get("continue_at"),
                "persona_id": canonical.get("persona_id"),
                "replace_section_start": canonical.get("infill_start_s"),
                "replace_section_end": canonical.get("infill_end_s"),
                "vocal_gender": extras.get("vocal_gender"),
                "style_influence": sliders.get("style_weight"),
                "weirdness": sliders.get("weirdness_constraint"),
                "callback_url": hook,
                "async": None if hook else True,
            }
        )

    def fetch_call(self, task_id: str, platform: str) -> Call:
        (task_id,) = joined([task_id])
        return Call(TASKS, TASKS.path, {"action": "retrieve", "id": task_id})

    def batch_call(self, task_ids: list[str]) -> Call | None:
        return Call(TASKS, TASKS.path, {"action": "retrieve_batch", "ids": joined(task_ids)})

    def tool_body(self, tool: str, clip_id: str, task_id: str | None) -> dict[str, Any] | None:
        if tool == "stems":
            return {"action": "stems", "audio_id": clip_id}
        if tool == "concat":
            return {"action": "concat", "audio_id": clip_id}
        return {"audio_id": clip_id}

    def read_timing(self, body: Any) -> Any:
        if isinstance(body, Mapping) and "success" in body and "data" in body:
            body = body["data"]
        return super().read_timing(body)


PROVIDER = AceData()
