"""The Create page's fields: the Suno model picker with its limits, the remembered-persona picker,
and each field a mode needs drawn as its widget (text, number, toggle or choice) with its problem
under it. It owns the tables that decide how a field is drawn and labelled, and the per-platform
keys the drawn values are kept under, which the form reads back to build the request."""

from __future__ import annotations

import streamlit as st

from lib.gateway.bodies import LYRICS_TYPES
from lib.gateway.catalog import TITLE_LIMIT, UDIO_MODELS, suno_limits
from lib.i18n import t
from lib.library.store import Persona
from lib.studio.create_modes import VOCAL_GENDERS, FieldError, defaults, fields_of, required_of
from lib.text import escape_markdown
from lib.ui import session
from lib.ui.gateway_models import suno_choices
from lib.ui.model_table import model_label, models_columns, models_table, udio_label

PREFIX = "cf_"  # every field's widget key; the frame keeps them while other pages are shown
OTHER_MODEL = "__other__"
PERSONA_PICK = "cf_persona_pick"
_TEXT_AREAS = {"description", "lyrics", "lyrics_prompt", "prompt", "persona_description"}
_NUMBERS = {
    "continue_at": (0.0, None, 1.0),
    "start_s": (0.0, None, 1.0),
    "end_s": (0.0, None, 1.0),
    "style_weight": (0.0, 1.0, 0.05),
    "weirdness": (0.0, 1.0, 0.05),
    "prompt_strength": (0.0, 1.0, 0.05),
    "clarity_strength": (0.0, 1.0, 0.05),
    "lyrics_strength": (0.0, 1.0, 0.05),
    "generation_quality": (0.0, 1.0, 0.05),
    "position": (0.0, 1.0, 0.05),
}
_TOGGLES = {"instrumental", "from_upload", "persona_public", "is_infill", "all_stems"}
_ADVANCED = {
    "vocal_gender",
    "style_weight",
    "weirdness",
    "webhook",
    "prompt_strength",
    "clarity_strength",
    "lyrics_strength",
    "generation_quality",
    "negative_prompt",
    "seed",
}
_WITHOUT_MODEL = {"persona_create", "upload", "concat", "lyrics"}
# Catalog keys, written out so every key appears literally in the source.
_ADVANCED_HELP = {"suno": "create.advanced.suno.help", "udio": "create.advanced.udio.help"}
_FIELD_LABEL = {
    "description": "create.field.description",
    "instrumental": "create.field.instrumental",
    "lyrics": "create.field.lyrics",
    "title": "create.field.title",
    "tags": "create.field.tags",
    "negative_tags": "create.field.negative_tags",
    "task_id": "create.field.task_id",
    "clip_id": "create.field.clip_id",
    "continue_at": "create.field.continue_at",
    "from_upload": "create.field.from_upload",
    "start_s": "create.field.start_s",
    "end_s": "create.field.end_s",
    "persona_id": "create.field.persona_id",
    "artist_clip_id": "create.field.artist_clip_id",
    "persona_name": "create.field.persona_name",
    "persona_description": "create.field.persona_description",
    "persona_public": "create.field.persona_public",
    "audio_url": "create.field.audio_url",
    "is_infill": "create.field.is_infill",
    "all_stems": "create.field.all_stems",
    "lyrics_prompt": "create.field.lyrics_prompt",
    "vocal_gender": "create.field.vocal_gender",
    "style_weight": "create.field.style_weight",
    "weirdness": "create.field.weirdness",
    "webhook": "create.field.webhook",
    "prompt": "create.field.prompt",
    "lyrics_type": "create.field.lyrics_type",
    "udio_model": "create.field.udio_model",
    "seed": "create.field.seed",
    "prompt_strength": "create.field.prompt_strength",
    "clarity_strength": "create.field.clarity_strength",
    "lyrics_strength": "create.field.lyrics_strength",
    "generation_quality": "create.field.generation_quality",
    "negative_prompt": "create.field.negative_prompt",
    "song_id": "create.field.song_id",
    "position": "create.field.position",
}
_FIELD_HELP = {
    "tags": "create.field.tags.help",
    "task_id": "create.field.task_id.help",
    "clip_id": "create.field.clip_id.help",
    "from_upload": "create.field.from_upload.help",
    "webhook": "create.field.webhook.help",
    "prompt": "create.field.prompt.help",
}
_PLACEHOLDER = {
    "lyrics": "create.placeholder.lyrics",
    "description": "create.placeholder.description",
    "prompt": "create.placeholder.prompt",
}
_VOCAL_LABEL = {"": "create.vocal.any", "m": "create.vocal.m", "f": "create.vocal.f"}
_LYRICS_TYPE_LABEL = {
    "generate": "create.lyrics_type.generate",
    "user": "create.lyrics_type.user",
    "instrumental": "create.lyrics_type.instrumental",
}
_ERROR_TEXT = {
    "required": "create.error.required",
    "too_long": "create.error.too_long",
    "bad_id": "create.error.bad_id",
    "bad_url": "create.error.bad_url",
    "not_number": "create.error.not_number",
    "out_of_range": "create.error.out_of_range",
    "at_least": "create.error.at_least",
    "end_before_start": "create.error.end_before_start",
    "lyrics_required": "create.error.lyrics_required",
    "not_a_choice": "create.error.not_a_choice",
}


def field_key(platform: str, mode: str, name: str) -> str:
    """The kept value's name of a field (``session.widget_key`` gives its widget's key).
    Fields are per platform (a Suno title is not a Udio prompt) but shared across a platform's
    modes, so switching from Custom to Extend keeps the lyrics typed."""
    return f"{PREFIX}{platform}_{name}"


def seed_defaults(platform: str, mode: str) -> None:
    for name, value in defaults(platform, mode).items():
        session.seed_value(field_key(platform, mode, name), value)


def model_picker(platform: str, mode: str, lang: str) -> str:
    if platform != "suno" or mode in _WITHOUT_MODEL:
        return ""
    choices = suno_choices(mode)  # the gateway's own list where it has one, else the catalog's
    key = field_key(platform, mode, "model")
    current = session.value(key) or choices[0]
    picker = f"cf_model_pick_{mode}"
    if session.value(picker) is None:
        session.set_value(picker, current if current in choices else OTHER_MODEL)
        if current not in choices:
            session.set_value("cf_model_other", current)
    left, right = st.columns([2, 3], vertical_alignment="bottom")
    picked = left.selectbox(
        t("create.field.model", lang),
        [*choices, OTHER_MODEL],
        key=session.widget_key(picker),
        format_func=lambda m: t("create.model.other", lang) if m == OTHER_MODEL else model_label(m, lang),
        help=t("create.model.help", lang),
    )
    if picked == OTHER_MODEL:
        model = (
            right.text_input(
                t("create.model.custom", lang), key=session.widget_key("cf_model_other", ""), placeholder="chirp-v4-5"
            ).strip()
            or choices[0]
        )
    else:
        model = picked
    session.set_value(key, model)  # never a widget: the picker above decides it
    prompt_limit, tags_limit, known = suno_limits(model)
    facts = t("create.model.limits", lang, prompt=f"{prompt_limit:,}", tags=f"{tags_limit:,}", title=TITLE_LIMIT)
    if not known:
        facts += " " + t("create.model.unknown", lang)
    (right if picked != OTHER_MODEL else st).caption(escape_markdown(facts))
    with st.expander(t("create.model.table", lang), icon=":material/table:"):
        st.dataframe(models_table(lang), hide_index=True, width="stretch", column_config=models_columns(lang))
    return model


def draw_fields(platform: str, mode: str, model: str, errors: dict[str, FieldError], lang: str) -> None:
    names = [n for n in fields_of(platform, mode) if n != "model"]
    required = required_of(platform, mode)
    prompt_limit, tags_limit, _ = suno_limits(model) if model else (3000, 1000, False)
    limits = {
        "lyrics": prompt_limit,
        "description": prompt_limit,
        "tags": tags_limit,
        "negative_tags": tags_limit,
        "title": TITLE_LIMIT,
        "lyrics_prompt": 3000,
        "prompt": 1000,
    }
    main = [n for n in names if n not in _ADVANCED]
    advanced = [n for n in names if n in _ADVANCED]
    for name in main:
        _field(platform, mode, name, name in required, limits.get(name), errors.get(name), lang)
    if advanced:
        with st.expander(
            t("create.advanced", lang), icon=":material/tune:", expanded=any(n in errors for n in advanced)
        ):
            st.caption(t(_ADVANCED_HELP[platform], lang))
            for name in advanced:
                _field(platform, mode, name, name in required, limits.get(name), errors.get(name), lang)


def persona_picker(lang: str) -> None:
    """Personas remembered for this gateway fill the persona and clip fields (outside the form,
    so picking one shows at once)."""
    known = {p.persona_id: p for p in session.remembered_personas()}
    if not known:
        return

    def pick() -> None:
        chosen = known.get(session.widget_state(PERSONA_PICK))
        if chosen:
            session.set_value(field_key("suno", "persona_song", "persona_id"), chosen.persona_id)
            if chosen.root_clip_id:
                session.set_value(field_key("suno", "persona_song", "artist_clip_id"), chosen.root_clip_id)

    current = session.value(field_key("suno", "persona_song", "persona_id"))
    # Not a kept value: the picker shows whichever persona the ID field holds now.
    session.set_widget_state(PERSONA_PICK, current if current in known else None)
    st.selectbox(
        t("create.persona_pick", lang),
        list(known),
        key=PERSONA_PICK,
        on_change=pick,
        placeholder=t("create.persona_pick.none", lang),
        format_func=lambda pid: _persona_label(known[pid]),
    )


def _persona_label(persona: Persona) -> str:
    name = persona.name or persona.persona_id[:8]
    origin = f" · {persona.root_title}" if persona.root_title else ""
    return f"{name}{origin} · {persona.persona_id[:8]}"


def _field(
    platform: str, mode: str, name: str, required: bool, limit: int | None, error: FieldError | None, lang: str
) -> None:
    if limit:
        # The browser counts characters live against max_chars, but a widget also cuts its value
        # to it: never below what is already typed (say, before a switch to a smaller model).
        limit = max(limit, len(str(session.value(field_key(platform, mode, name)) or "")))
    key = session.widget_key(field_key(platform, mode, name), identity=limit)
    label = t(_FIELD_LABEL[name], lang) + (" *" if required else "")
    help_text = t(_FIELD_HELP[name], lang) if name in _FIELD_HELP else None
    if name in _TOGGLES:
        st.toggle(label, key=key, help=help_text)
    elif name in _NUMBERS:
        low, high, step = _NUMBERS[name]
        st.number_input(
            label,
            min_value=low,
            max_value=high,
            step=step,
            key=key,
            help=help_text,
            placeholder=t("create.unset", lang),
        )
    elif name == "seed":
        st.number_input(label, min_value=-1, step=1, key=key, help=help_text)
    elif name == "vocal_gender":
        st.segmented_control(
            label, VOCAL_GENDERS, key=key, help=help_text, format_func=lambda v: t(_VOCAL_LABEL[v or ""], lang)
        )
    elif name == "lyrics_type":
        st.segmented_control(
            label,
            LYRICS_TYPES,
            key=key,
            required=True,
            help=help_text,
            format_func=lambda v: t(_LYRICS_TYPE_LABEL[v], lang),
        )
    elif name == "udio_model":
        st.segmented_control(
            label, tuple(UDIO_MODELS), key=key, required=True, help=help_text, format_func=lambda m: udio_label(m, lang)
        )
    elif name in _TEXT_AREAS:
        st.text_area(
            label,
            key=key,
            max_chars=limit,
            help=help_text,
            height=200 if "lyrics" == name else 100,
            placeholder=t(_PLACEHOLDER[name], lang) if name in _PLACEHOLDER else None,
        )
    else:
        st.text_input(label, key=key, max_chars=limit, help=help_text)
    if error is not None:
        code = "at_least" if error.code == "out_of_range" and error.params.get("high") is None else error.code
        message = t(_ERROR_TEXT[code], lang, **error.params)
        st.markdown(f":red[:material/error: {escape_markdown(message)}]")
