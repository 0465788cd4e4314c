"""``suno-api``: the self-hosted gcui-art/suno-api (docs/providers.md §4) — no key (the server holds
the Suno cookie), one route per mode under ``/api``, and no task: a submit answers its clips.

A task is identified by its clip IDs joined with ``:`` ("<clip>:<clip>"), a handle every ID check
in the studio accepts (``lib.gateway.ids``); it is fetched with ``GET /api/get?ids=<clip>,<clip>``,
and a single clip ID is a task of one clip. Many tasks are one ``/api/get`` call with every clip.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lib.gateway import errors
from lib.gateway.ids import validate_id
from lib.gateway.models import Task
from lib.gateway.parser import extract_clip_ids, parse_task, parse_timing
from lib.gateway.providers.base import Auth, Call, Provider, compact, text
from lib.gateway.routes import Route

GENERATE = Route("suno-api.generate", "POST", "/api/generate", paid=True)
CUSTOM = Route("suno-api.custom_generate", "POST", "/api/custom_generate", paid=True)
EXTEND = Route("suno-api.extend_audio", "POST", "/api/extend_audio", paid=True)
STEMS = Route("suno-api.generate_stems", "POST", "/api/generate_stems", paid=True)
CONCAT = Route("suno-api.concat", "POST", "/api/concat", paid=True)
GET = Route("suno-api.get", "GET", "/api/get?ids={clip_ids}")
CLIP = Route("suno-api.clip", "GET", "/api/clip?id={clip_id}")
TIMING = Route("suno-api.aligned_lyrics", "GET", "/api/get_aligned_lyrics?song_id={clip_id}")
LIMIT = Route("suno-api.get_limit", "GET", "/api/get_limit")
SEPARATOR = ":"  # between the clip IDs of one task (commas would split a pasted ID in two)


def clip_ids_of(task_id: str) -> list[str]:
    ids = [validate_id(part, "clip ID") for part in str(task_id or "").split(SEPARATOR) if part.strip()]
    if not ids:
        raise errors.InvalidInputError("the task ID is empty")
    return ids


def tasks_from_clips(body: Any, task_ids: list[str]) -> dict[str, Task]:
    """One list of clips answering several tasks whose IDs are their clips' IDs: each task gets its
    own clips back; a task none of whose clips came back is absent, as with any batch."""
    rows = body if isinstance(body, list) else []
    by_id = {str(row.get("id")): row for row in rows if isinstance(row, Mapping)}
    found = {}
    for task_id in task_ids:
        clips = [by_id[c] for c in clip_ids_of(task_id) if c in by_id]
        if clips:
            found[task_id] = parse_task(clips, "suno", task_id=task_id)
    return found


class SunoApiSelfHosted(Provider):
    name = "suno-api"
    label = "suno-api (self-hosted)"
    auth = Auth(None, "")
    clip_separator = SEPARATOR  # a task ID is its clips' IDs (the snippets rejoin them with commas)
    modes = {
        ("suno", "inspiration"): GENERATE,
        ("suno", "custom"): CUSTOM,
        ("suno", "extend"): EXTEND,
        ("suno", "concat"): CONCAT,
        ("suno", "stems"): STEMS,
    }
    tools = {"timing": TIMING, "mp4": CLIP, "stems": STEMS, "concat": CONCAT, "clips": GET}
    fetch_route = GET
    batch_route = GET

    def body(self, platform: str, mode: str, canonical: Mapping[str, Any]) -> dict[str, Any]:
        self.route_for(platform, mode, canonical)
        if mode == "concat":
            return {"clip_id": text(canonical, "clip_id")}
        if mode == "stems":
            return {"audio_id": text(canonical, "continue_clip_id")}
        instrumental = bool(canonical.get("make_instrumental"))
        if mode == "inspiration":
            prompt = text(canonical, "gpt_description_prompt")
        else:
            prompt = "" if instrumental else text(canonical, "prompt")
        return compact(
            {
                "audio_id": canonical.get("continue_clip_id") if mode == "extend" else None,
                "prompt": prompt,
                "continue_at": canonical.get("continue_at") if mode == "extend" else None,
                "tags": None if mode == "inspiration" else text(canonical, "tags"),
                "title": None if mode == "inspiration" else text(canonical, "title"),
                "negative_tags": None if mode == "inspiration" else text(canonical, "negative_tags"),
                "make_instrumental": None if mode == "extend" else instrumental,
                "model": text(canonical, "mv"),
                "wait_audio": False,
            }
        )

    def task_id_from(self, route: Route, answer: Any) -> str:
        ids = extract_clip_ids(answer)
        if not ids and isinstance(answer, Mapping) and answer.get("id"):  # /api/concat: one raw clip
            ids = [validate_id(answer["id"], "clip ID")]
        if not ids:
            raise errors.ProtocolError("the suno-api answer holds no clips")
        return SEPARATOR.join(ids)

    def fetch_call(self, task_id: str, platform: str) -> Call:
        return Call(GET, GET.format(clip_ids=clip_ids_of(task_id)))

    def read_task(self, body: Any, platform: str, task_id: str) -> Task:
        return parse_task(body, platform, task_id=task_id)

    def batch_call(self, task_ids: list[str]) -> Call | None:
        clips = [clip for task_id in task_ids for clip in clip_ids_of(task_id)]
        return Call(GET, GET.format(clip_ids=list(dict.fromkeys(clips))))

    def read_batch(self, body: Any, task_ids: list[str]) -> dict[str, Task]:
        return tasks_from_clips(body, task_ids)

    def tool_call(self, tool: str, clip_id: str, task_id: str | None = None) -> Call:
        if tool == "clips":  # several clip IDs, joined like a task's
            return Call(GET, GET.format(clip_ids=clip_ids_of(clip_id)))
        clip_id = validate_id(clip_id, "clip ID")
        if tool in ("timing", "mp4"):
            route = self.tools[tool]
            return Call(route, route.format(clip_id=clip_id))
        if tool == "stems":
            return Call(STEMS, STEMS.path, {"audio_id": clip_id})
        return super().tool_call(tool, clip_id, task_id)

    def read_timing(self, body: Any) -> Any:
        if isinstance(body, list):  # a bare array of aligned words
            body = {"aligned_words": body}
        return parse_timing(body)


PROVIDER = SunoApiSelfHosted()
