"""The Create page's forms as tables: which modes each platform has, which fields each mode's form
shows and in what order, which of them must be filled, and what each starts as.

``lib.studio.create_modes`` validates and builds on these; the UI draws from them. Kept apart from the
validation so the form layout reads as one table, and free of Streamlit so tests import it bare.
"""

from __future__ import annotations

from typing import Any

from lib.gateway import bodies, catalog

MODES = {
    "suno": (
        "inspiration",
        "custom",
        "extend",
        "cover",
        "replace",
        "persona_song",
        "persona_create",
        "upload",
        "concat",
        "stems",
        "lyrics",
    ),
    "udio": ("generate", "continuation", "precede"),
}
UDIO_SLIDERS = ("prompt_strength", "clarity_strength", "lyrics_strength", "generation_quality")
VOCAL_GENDERS = ("", "m", "f")

_ADVANCED = ("vocal_gender", "style_weight", "weirdness", "webhook")
_SONG_TEXT = ("lyrics", "title", "tags")
_UDIO = ("prompt", "lyrics_type", "lyrics", "udio_model", "seed", "negative_prompt", *UDIO_SLIDERS)
MODE_FIELDS: dict[tuple[str, str], tuple[str, ...]] = {
    ("suno", "inspiration"): ("model", "description", "instrumental", *_ADVANCED),
    ("suno", "custom"): ("model", "instrumental", "lyrics", "title", "tags", "negative_tags", *_ADVANCED),
    ("suno", "extend"): ("model", "from_upload", "task_id", "clip_id", "continue_at", *_SONG_TEXT, *_ADVANCED),
    ("suno", "cover"): ("model", "clip_id", *_SONG_TEXT, *_ADVANCED),
    ("suno", "replace"): ("model", "task_id", "clip_id", "start_s", "end_s", *_SONG_TEXT, *_ADVANCED),
    ("suno", "persona_song"): ("model", "persona_id", "artist_clip_id", *_SONG_TEXT, *_ADVANCED),
    ("suno", "persona_create"): ("clip_id", "persona_name", "persona_description", "persona_public"),
    ("suno", "upload"): ("audio_url",),
    ("suno", "concat"): ("clip_id", "is_infill"),
    ("suno", "stems"): ("model", "task_id", "clip_id", "all_stems", "title"),
    ("suno", "lyrics"): ("lyrics_prompt", "webhook"),
    ("udio", "generate"): _UDIO,
    ("udio", "continuation"): ("song_id", "position", *_UDIO),
    ("udio", "precede"): ("song_id", "position", *_UDIO),
}
REQUIRED_FIELDS: dict[tuple[str, str], frozenset[str]] = {
    key: frozenset(names)
    for key, names in {
        ("suno", "inspiration"): ("description",),
        ("suno", "custom"): ("lyrics", "tags"),
        ("suno", "extend"): ("task_id", "clip_id", "continue_at"),
        ("suno", "cover"): ("clip_id",),
        ("suno", "replace"): ("task_id", "clip_id", "start_s", "end_s", "lyrics"),
        ("suno", "persona_song"): ("persona_id", "artist_clip_id", "lyrics"),
        ("suno", "persona_create"): ("clip_id", "persona_name"),
        ("suno", "upload"): ("audio_url",),
        ("suno", "concat"): ("clip_id",),
        ("suno", "stems"): ("task_id", "clip_id"),
        ("suno", "lyrics"): ("lyrics_prompt",),
        ("udio", "generate"): ("prompt",),
        ("udio", "continuation"): ("prompt", "song_id"),
        ("udio", "precede"): ("prompt", "song_id"),
    }.items()
}
# Initial values of the non-text fields; every other field starts as "".
_DEFAULTS: dict[str, Any] = {
    "instrumental": False,
    "from_upload": False,
    "is_infill": False,
    "all_stems": False,
    "persona_public": True,
    "continue_at": None,
    "start_s": None,
    "end_s": None,
    "style_weight": None,
    "weirdness": None,
    "lyrics_type": "generate",
    "udio_model": bodies.DEFAULT_UDIO_MODEL,
    "seed": -1,
    **dict.fromkeys(UDIO_SLIDERS),
}
_POSITION = {"continuation": 0.4, "precede": 0.0}


def fields_of(platform: str, mode: str) -> tuple[str, ...]:
    """The fields the mode's form shows, in display order (also the order of its errors)."""
    return MODE_FIELDS[mode_key(platform, mode)]


def defaults(platform: str, mode: str) -> dict[str, Any]:
    key = mode_key(platform, mode)
    special = {"model": catalog.DEFAULT_SUNO_MODEL.get(mode), "position": _POSITION.get(mode)}
    return {name: special[name] if name in special else _DEFAULTS.get(name, "") for name in MODE_FIELDS[key]}


def mode_key(platform: str, mode: str) -> tuple[str, str]:
    """The tables' key for the mode; a mode no form has is a programming error, so ``ValueError``."""
    if (platform, mode) not in MODE_FIELDS:
        raise ValueError(f"unknown Create mode {platform}/{mode}")
    return platform, mode
