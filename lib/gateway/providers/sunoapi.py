"""``sunoapi``: sunoapi.org and kie.ai (docs/providers.md §1) — one route per mode under ``/api/v1``,
camelCase bodies, ``Authorization: Bearer``, tasks read from ``record-info?taskId=``.

``callBackUrl`` is required on every submit: without the user's webhook the docs' placeholder is
sent and the task is polled. Cover and upload-extend take an uploaded file's URL, not a clip, so
those Create modes are not offered; WAV, MP4 and stems make tasks of their own (paid POSTs).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lib.gateway import errors
from lib.gateway.field_readers import as_number
from lib.gateway.models import Timing
from lib.gateway.parser import parse_timing
from lib.gateway.providers.base import Provider, compact, metadata, text
from lib.gateway.routes import Route

GENERATE = Route("sunoapi.generate", "POST", "/api/v1/generate", paid=True)
EXTEND = Route("sunoapi.extend", "POST", "/api/v1/generate/extend", paid=True)
LYRICS = Route("sunoapi.lyrics", "POST", "/api/v1/lyrics", paid=True)
STEMS = Route("sunoapi.stems", "POST", "/api/v1/vocal-removal/generate", paid=True)
WAV = Route("sunoapi.wav", "POST", "/api/v1/wav/generate", paid=True)
MP4 = Route("sunoapi.mp4", "POST", "/api/v1/mp4/generate", paid=True)
# Billing not documented: treated as paid, so never sent twice.
TIMING = Route("sunoapi.timing", "POST", "/api/v1/generate/get-timestamped-lyrics", paid=True)
PERSONA = Route("sunoapi.persona", "POST", "/api/v1/generate/generate-persona", paid=True)
FETCH = Route("sunoapi.record-info", "GET", "/api/v1/generate/record-info?taskId={task_id}")
LYRICS_FETCH = Route("sunoapi.lyrics.record-info", "GET", "/api/v1/lyrics/record-info?taskId={task_id}")
CREDITS = Route("sunoapi.credit", "GET", "/api/v1/generate/credit")

CALLBACK_PLACEHOLDER = "https://api.example.com/callback"  # the docs' own example: the task is polled
# Our model names (lib.gateway.catalog) -> sunoapi's enum; anything else goes as the newest default.
MODELS = {
    "chirp-v3-5": "V3_5",
    "chirp-v3-5-tau": "V3_5",
    "chirp-v4": "V4",
    "chirp-v4-tau": "V4",
    "chirp-auk": "V4_5",
    "chirp-auk-turbo": "V4_5ALL",
    "chirp-bluejay": "V4_5PLUS",
    "chirp-crow": "V5",
}
DEFAULT_MODEL = "V4_5"


def model_of(canonical: Mapping[str, Any]) -> str:
    mv = text(canonical, "mv")
    return MODELS.get(mv, mv if mv.startswith("V") else DEFAULT_MODEL)


class SunoApi(Provider):
    name = "sunoapi"
    label = "sunoapi.org / kie.ai"
    modes = {
        ("suno", "inspiration"): GENERATE,
        ("suno", "custom"): GENERATE,
        ("suno", "extend"): EXTEND,
        ("suno", "persona_song"): GENERATE,
        ("suno", "stems"): STEMS,
        ("suno", "lyrics"): LYRICS,
    }
    tools = {"wav": WAV, "mp4": MP4, "timing": TIMING, "stems": STEMS, "persona": PERSONA, "lyrics": LYRICS}
    task_tools = frozenset({"wav", "mp4", "stems"})
    no_task_routes = frozenset({PERSONA.path})
    fetch_route = FETCH

    def body(self, platform: str, mode: str, canonical: Mapping[str, Any]) -> dict[str, Any]:
        self.route_for(platform, mode, canonical)
        callback = text(canonical, "notify_hook") or CALLBACK_PLACEHOLDER
        if mode == "lyrics":
            return {"prompt": text(canonical, "prompt"), "callBackUrl": callback}
        if mode == "stems":
            stems = "split_stem" if canonical.get("stem_task") == "twelve" else "separate_vocal"
            return {
                "taskId": text(canonical, "task_id"),
                "audioId": text(canonical, "continue_clip_id"),
                "type": stems,
                "callBackUrl": callback,
            }
        song = _song_options(canonical)
        if mode == "extend":
            if canonical.get("task") != "extend":
                raise errors.InvalidInputError("sunoapi extends an uploaded song by its URL, not by a clip ID")
            own = any(text(canonical, k) for k in ("prompt", "tags", "title"))
            return compact(
                {
                    "defaultParamFlag": own,
                    "audioId": text(canonical, "continue_clip_id"),
                    "model": model_of(canonical),
                    "callBackUrl": callback,
                    "continueAt": canonical.get("continue_at"),
                    **(song if own else {}),
                    **_advanced(canonical),
                }
            )
        inspiration = mode == "inspiration"
        return compact(
            {
                "customMode": not inspiration,
                "instrumental": bool(canonical.get("make_instrumental")),
                "model": model_of(canonical),
                "callBackUrl": callback,
                "prompt": text(canonical, "gpt_description_prompt") if inspiration else song.get("prompt"),
                **({} if inspiration else {k: v for k, v in song.items() if k != "prompt"}),
                "personaId": canonical.get("persona_id"),
                **_advanced(canonical),
            }
        )

    def tool_body(self, tool: str, clip_id: str, task_id: str | None) -> dict[str, Any] | None:
        if not task_id:
            raise errors.InvalidInputError(f"sunoapi's {tool} needs the task that made the clip")
        body = {"taskId": task_id, "audioId": clip_id}
        if tool == "stems":
            body["type"] = "separate_vocal"
        return body if tool in ("timing", "persona") else {**body, "callBackUrl": CALLBACK_PLACEHOLDER}

    def read_timing(self, body: Any) -> Timing:
        """``data.alignedWords[{word, success, startS, endS, palign}]`` and ``waveformData``."""
        data = body.get("data") if isinstance(body, Mapping) else None
        if not isinstance(data, Mapping) or not isinstance(data.get("alignedWords"), list):
            return parse_timing(body)
        words = [
            {
                "word": w.get("word"),
                "success": w.get("success", True),
                "start_s": as_number(w.get("startS")),
                "end_s": as_number(w.get("endS")),
                "p_align": as_number(w.get("palign")),
            }
            for w in data["alignedWords"]
            if isinstance(w, Mapping)
        ]
        return parse_timing({"aligned_words": words, "waveform_data": data.get("waveformData")})


def _song_options(canonical: Mapping[str, Any]) -> dict[str, Any]:
    instrumental = bool(canonical.get("make_instrumental"))
    return {
        "prompt": None if instrumental else text(canonical, "prompt"),
        "style": text(canonical, "tags"),
        "title": text(canonical, "title"),
        "negativeTags": text(canonical, "negative_tags"),
    }


def _advanced(canonical: Mapping[str, Any]) -> dict[str, Any]:
    extras = metadata(canonical)
    sliders = extras.get("control_sliders") or {}
    return {
        "vocalGender": extras.get("vocal_gender") or None,
        "styleWeight": sliders.get("style_weight"),
        "weirdnessConstraint": sliders.get("weirdness_constraint"),
    }


PROVIDER = SunoApi()
