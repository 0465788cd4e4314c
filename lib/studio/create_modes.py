"""Every Create-page mode as pure validation plus body building, so the page only draws fields.

``build`` checks all fields at once and reports each problem as a ``FieldError`` code the UI
translates; it never holds English text. Bodies come from ``lib.gateway.bodies`` so the preview, the
record and the POST are the same JSON. Which fields each mode has, and their defaults, are tables in
``lib.studio.create_fields``; their names are re-exported here, where the page imports them from.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from lib.gateway import bodies, catalog, routes
from lib.gateway.errors import InvalidInputError
from lib.gateway.ids import validate_id

# MODES and fields_of are re-exported: the Create page and the tests take the whole form API from here.
from lib.studio.create_fields import MODE_FIELDS, REQUIRED_FIELDS, UDIO_SLIDERS, VOCAL_GENDERS, defaults, mode_key
from lib.studio.create_fields import MODES as MODES
from lib.studio.create_fields import fields_of as fields_of
from lib.studio.submit import Submission
from lib.text import is_http_url

CODES = frozenset(
    {
        "required",
        "too_long",
        "bad_id",
        "bad_url",
        "not_number",
        "out_of_range",
        "end_before_start",
        "lyrics_required",
        "not_a_choice",
    }
)
LYRICS_PROMPT_LIMIT = 3000
UDIO_PROMPT_LIMIT = 1000
MUSIC = routes.SUNO_MUSIC.path


@dataclass(frozen=True)
class FieldError:
    field: str
    code: str  # one of CODES
    params: dict[str, Any] = field(default_factory=dict)


class FormInvalid(Exception):
    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__(", ".join(f"{e.field}: {e.code}" for e in errors))
        self.errors = errors


def required_of(platform: str, mode: str, values: Mapping[str, Any] | None = None) -> frozenset[str]:
    """Fields that must be filled. Some depend on other fields (custom lyrics on ``instrumental``,
    extend's task on ``from_upload``, Udio lyrics on ``lyrics_type``): judged on ``values``, or
    on the mode's defaults when none are given."""
    form = _Form(platform, mode, values or {})
    required = set(REQUIRED_FIELDS[form.key])
    if mode == "custom" and form.flag("instrumental"):
        required.discard("lyrics")
    if mode == "extend" and form.flag("from_upload"):
        required.discard("task_id")
    if platform == "udio" and form.raw("lyrics_type") == "user":
        required.add("lyrics")
    return frozenset(required)


def build(platform: str, mode: str, values: Mapping[str, Any]) -> Submission:
    """The submission for the form's values; ``FormInvalid`` with every problem found otherwise."""
    form = _Form(platform, mode, values)
    route, body = _BUILDERS[form.key](form)
    if form.errors:
        order = {name: index for index, name in enumerate(MODE_FIELDS[form.key])}
        raise FormInvalid(sorted(form.errors, key=lambda e: order.get(e.field, len(order))))
    action = f"udio-{mode}" if platform == "udio" else mode
    return Submission(platform=platform, action=action, route=route, body=body)


class _Form:
    """Reads one field at a time, converting it and noting what is wrong with it."""

    def __init__(self, platform: str, mode: str, values: Mapping[str, Any]) -> None:
        self.key = mode_key(platform, mode)
        self.mode = mode
        self._values = values
        self._defaults = defaults(platform, mode)
        self.errors: list[FieldError] = []

    def fail(self, name: str, code: str, **params: Any) -> None:
        self.errors.append(FieldError(name, code, params))

    def raw(self, name: str) -> Any:
        value = self._values.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            return self._defaults.get(name)  # an emptied field means "as it starts"
        return value

    def flag(self, name: str) -> bool:
        return bool(self.raw(name))

    def text(self, name: str, *, required: bool = False, limit: int | None = None) -> str:
        value = str(self.raw(name) or "").strip()
        if required and not value:
            self.fail(name, "required")
        elif limit is not None and len(value) > limit:
            self.fail(name, "too_long", limit=limit, length=len(value))
        return value

    def ident(self, name: str) -> str | None:
        value = self.text(name, required=True)
        if not value:
            return None
        try:
            return validate_id(value)
        except InvalidInputError:
            self.fail(name, "bad_id")
            return None

    def url(self, name: str, *, required: bool = False) -> str | None:
        value = self.text(name, required=required)
        if value and (not is_http_url(value) or any(c.isspace() for c in value)):
            self.fail(name, "bad_url")
            return None
        return value or None

    def number(
        self,
        name: str,
        *,
        required: bool = False,
        low: float | None = None,
        high: float | None = None,
        integer: bool = False,
    ) -> Any:
        """``high=None`` is no upper bound (``out_of_range`` then carries ``high: None``)."""
        value = self.raw(name)
        if value is None:
            if required:
                self.fail(name, "required")
            return None
        number = _to_number(value, integer)
        if number is None:
            self.fail(name, "not_number", **({"integer": True} if integer else {}))
        elif (low is not None and number < low) or (high is not None and number > high):
            self.fail(name, "out_of_range", low=low, high=high)
            return None
        return number

    def choice(self, name: str, allowed: tuple[str, ...]) -> str:
        value = self.raw(name) or ""
        if value not in allowed:  # a select box sends only its options, but a prefill may not
            self.fail(name, "not_a_choice")
            return ""
        return value


def _to_number(value: Any, integer: bool) -> float | int | None:
    if isinstance(value, bool):
        return None
    if integer and isinstance(value, int):
        return value  # through float() a big seed would lose digits
    try:
        number = float(value.strip() if isinstance(value, str) else value)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(number):
        return None
    if integer:
        return int(number) if number.is_integer() else None
    return number


# --- Suno -----------------------------------------------------------------------------------


def _model(form: _Form) -> tuple[str, int, int]:
    mv = form.text("model")
    prompt_limit, tags_limit, _known = catalog.suno_limits(mv)
    return mv, prompt_limit, tags_limit


def _song_text(form: _Form, prompt_limit: int, tags_limit: int, *, lyrics_required: bool = False) -> dict[str, str]:
    return {
        "lyrics": form.text("lyrics", required=lyrics_required, limit=prompt_limit),
        "title": form.text("title", limit=catalog.TITLE_LIMIT),
        "tags": form.text("tags", limit=tags_limit),
    }


def _advanced(form: _Form) -> dict[str, Any]:
    """Family-B extras of the music route: ``metadata`` holds only what the user set."""
    gender = form.choice("vocal_gender", VOCAL_GENDERS)
    sliders = {}
    for key, name in (("style_weight", "style_weight"), ("weirdness_constraint", "weirdness")):
        value = form.number(name, low=0, high=1)
        if value is not None:
            sliders[key] = value
    metadata: dict[str, Any] = {"vocal_gender": gender} if gender else {}
    if sliders:
        metadata["control_sliders"] = sliders
    return {"metadata": metadata or None, "notify_hook": form.url("webhook")}


def _inspiration(form: _Form) -> tuple[str, dict[str, Any]]:
    mv, prompt_limit, _ = _model(form)
    description = form.text("description", required=True, limit=prompt_limit)
    return MUSIC, bodies.suno_inspiration(description, mv=mv, instrumental=form.flag("instrumental"), **_advanced(form))


def _custom(form: _Form) -> tuple[str, dict[str, Any]]:
    mv, prompt_limit, tags_limit = _model(form)
    instrumental = form.flag("instrumental")
    lyrics = ""
    if not instrumental:  # an instrumental sends no lyrics, so whatever is typed is not checked
        lyrics = form.text("lyrics", limit=prompt_limit)
        if not lyrics:
            form.fail("lyrics", "lyrics_required")
    body = bodies.suno_custom(
        lyrics=lyrics,
        title=form.text("title", limit=catalog.TITLE_LIMIT),
        tags=form.text("tags", required=True, limit=tags_limit),
        mv=mv,
        instrumental=instrumental,
        negative_tags=form.text("negative_tags", limit=tags_limit),
        **_advanced(form),
    )
    return MUSIC, body


def _extend(form: _Form) -> tuple[str, dict[str, Any]]:
    mv, prompt_limit, tags_limit = _model(form)
    # An uploaded clip has no generating task; the gateway continues it by clip alone.
    from_upload = form.flag("from_upload")
    task_id = None if from_upload else form.ident("task_id")
    options = dict(
        clip_id=form.ident("clip_id"),
        continue_at=form.number("continue_at", required=True, low=0),
        mv=mv,
        **_song_text(form, prompt_limit, tags_limit),
        **_advanced(form),
    )
    if from_upload:
        return MUSIC, bodies.suno_upload_extend(**options)
    return MUSIC, bodies.suno_extend(task_id=task_id, **options)


def _cover(form: _Form) -> tuple[str, dict[str, Any]]:
    mv, prompt_limit, tags_limit = _model(form)
    return MUSIC, bodies.suno_cover(
        clip_id=form.ident("clip_id"), mv=mv, **_song_text(form, prompt_limit, tags_limit), **_advanced(form)
    )


def _replace(form: _Form) -> tuple[str, dict[str, Any]]:
    mv, prompt_limit, tags_limit = _model(form)
    task_id, clip_id = form.ident("task_id"), form.ident("clip_id")
    start = form.number("start_s", required=True, low=0)
    end = form.number("end_s", required=True, low=0)
    if start is not None and end is not None and end <= start:
        form.fail("end_s", "end_before_start")
    return MUSIC, bodies.suno_replace_section(
        task_id=task_id,
        clip_id=clip_id,
        start_s=start,
        end_s=end,
        mv=mv,
        **_song_text(form, prompt_limit, tags_limit, lyrics_required=True),
        **_advanced(form),
    )


def _persona_song(form: _Form) -> tuple[str, dict[str, Any]]:
    mv, prompt_limit, tags_limit = _model(form)
    return MUSIC, bodies.suno_persona_song(
        persona_id=form.ident("persona_id"),
        artist_clip_id=form.ident("artist_clip_id"),
        mv=mv,
        **_song_text(form, prompt_limit, tags_limit, lyrics_required=True),
        **_advanced(form),
    )


def _persona_create(form: _Form) -> tuple[str, dict[str, Any]]:
    return routes.SUNO_PERSONA.path, bodies.suno_persona(
        root_clip_id=form.ident("clip_id"),
        name=form.text("persona_name", required=True),
        description=form.text("persona_description"),
        is_public=form.flag("persona_public"),
    )


def _upload(form: _Form) -> tuple[str, dict[str, Any]]:
    return routes.SUNO_UPLOAD.path, {"url": form.url("audio_url", required=True)}


def _concat(form: _Form) -> tuple[str, dict[str, Any]]:
    return routes.SUNO_CONCAT.path, bodies.suno_concat(form.ident("clip_id"), is_infill=form.flag("is_infill"))


def _stems(form: _Form) -> tuple[str, dict[str, Any]]:
    mv, _, _ = _model(form)
    return MUSIC, bodies.suno_stems(
        task_id=form.ident("task_id"),
        clip_id=form.ident("clip_id"),
        mv=mv,
        all_stems=form.flag("all_stems"),
        title=form.text("title", limit=catalog.TITLE_LIMIT),
    )


def _lyrics(form: _Form) -> tuple[str, dict[str, Any]]:
    prompt = form.text("lyrics_prompt", required=True, limit=LYRICS_PROMPT_LIMIT)
    return routes.SUNO_LYRICS.path, bodies.suno_lyrics(prompt, notify_hook=form.url("webhook"))


# --- Udio -----------------------------------------------------------------------------------


def _udio(form: _Form) -> tuple[str, dict[str, Any]]:
    lyrics_type = form.choice("lyrics_type", bodies.LYRICS_TYPES)
    prompt = form.text("prompt", required=True, limit=UDIO_PROMPT_LIMIT)
    lyrics = form.text("lyrics", required=True) if lyrics_type == "user" else ""
    seed = form.number("seed", low=-1, integer=True)
    sliders = {name: value for name in UDIO_SLIDERS if (value := form.number(name, low=0, high=1)) is not None}
    source: dict[str, Any] = {"mode": "regular"}
    if form.mode != "generate":
        source = {
            "mode": form.mode,
            "song_id": form.ident("song_id"),
            "song_section_start": form.number("position", low=0, high=1),
        }
    return routes.UDIO_MUSIC.path, bodies.udio_music(
        prompt,
        lyrics_type=lyrics_type,
        lyrics=lyrics,
        model_type=form.text("udio_model"),
        seed=-1 if seed is None else seed,
        negative_prompt=form.text("negative_prompt"),
        **source,
        **sliders,
    )


_BUILDERS: dict[tuple[str, str], Callable[[_Form], tuple[str, dict[str, Any]]]] = {
    ("suno", "inspiration"): _inspiration,
    ("suno", "custom"): _custom,
    ("suno", "extend"): _extend,
    ("suno", "cover"): _cover,
    ("suno", "replace"): _replace,
    ("suno", "persona_song"): _persona_song,
    ("suno", "persona_create"): _persona_create,
    ("suno", "upload"): _upload,
    ("suno", "concat"): _concat,
    ("suno", "stems"): _stems,
    ("suno", "lyrics"): _lyrics,
    ("udio", "generate"): _udio,
    ("udio", "continuation"): _udio,
    ("udio", "precede"): _udio,
}
