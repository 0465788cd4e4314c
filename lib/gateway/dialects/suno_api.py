"""The self-hosted gcui-art/suno-api (docs/providers.md §4): no task, only clips.

Every generate route and ``GET /api/get?ids=`` answer a bare array of flat clips (``id, title,
lyric, audio_url, image_url, status, tags, error_message …``) whose statuses (submitted, queued,
streaming, complete, error) together make the task's; ``/api/clip`` and ``/api/concat`` answer one
raw Suno clip, ``/api/generate_lyrics`` a bare ``{text, title, status}``. Errors are
``{"error": "…"}`` with the HTTP status, which ``lib.gateway.error_mapping`` reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lib.gateway.dialects.reading import Reading, word

PROVIDER = "suno-api"
_CLIP_FIELDS = ("audio_url", "lyric", "metadata", "model_name", "gpt_description_prompt")  # or a stem's
_NOT_A_CLIP = ("songs", "clips", "song_path", "task_id", "taskId", "data", "code", "generation_id")
_LYRICS_FIELDS = {"text", "title", "status", "tags", "id", "error_message"}


def read(body: Any) -> Reading | None:
    if isinstance(body, list):
        if body and all(_is_clip(item) for item in body):
            return Reading(PROVIDER, songs=tuple(body))
        return None
    if not isinstance(body, Mapping):
        return None
    if "text" in body and "title" in body and set(body) <= _LYRICS_FIELDS:
        lyrics = {"title": body.get("title"), "text": body.get("text"), "tags": body.get("tags")}
        return Reading(PROVIDER, task_id=word(body.get("id")), status_word=word(body.get("status")), lyrics=lyrics)
    if _is_clip(body) and "status" in body:
        return Reading(PROVIDER, songs=(body,))
    return None


def _is_clip(item: Any) -> bool:
    return (
        isinstance(item, Mapping)
        and bool(word(item.get("id")))
        and (("audio_url" in item and any(k in item for k in _CLIP_FIELDS[1:])) or "stem_from_id" in item)
        and not any(k in item for k in _NOT_A_CLIP)
    )
