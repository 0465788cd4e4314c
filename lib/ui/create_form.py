"""The Create page's form: mode and model pickers, the fields a mode needs, validation next to
each field, the exact request as a preview and as code, and one POST per click."""

from __future__ import annotations

import hashlib
import json
import time
from typing import Any

import pandas as pd
import streamlit as st

from lib.gateway import routes
from lib.gateway.bodies import LYRICS_TYPES
from lib.gateway.catalog import TITLE_LIMIT, UDIO_MODELS, models_frame, suno_limits, suno_models_for
from lib.gateway.errors import GatewayError, OutcomeUnknownError
from lib.gateway.models import PLATFORMS
from lib.i18n import t
from lib.i18n.labels import PLATFORM_LABEL
from lib.library.store import HistoryUnavailable, Persona
from lib.studio.create_modes import (
    MODES,
    VOCAL_GENDERS,
    FieldError,
    FormInvalid,
    build,
    defaults,
    fields_of,
    required_of,
)
from lib.studio.snippets import curl_command, python_script
from lib.studio.submit import Submission, submit_recorded
from lib.text import escape_markdown
from lib.ui import resources, session
from lib.ui.errors import show_error
from lib.ui.session import CreateOutcome

PREFIX = "cf_"  # every field's widget key; the frame keeps them while other pages are shown
OTHER_MODEL = "__other__"
PERSONA_PICK = "cf_persona_pick"
DOUBLE_CLICK_S = 15.0
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
_MODE_LABEL = {
    ("suno", "inspiration"): "create.mode.suno.inspiration",
    ("suno", "custom"): "create.mode.suno.custom",
    ("suno", "extend"): "create.mode.suno.extend",
    ("suno", "cover"): "create.mode.suno.cover",
    ("suno", "replace"): "create.mode.suno.replace",
    ("suno", "persona_song"): "create.mode.suno.persona_song",
    ("suno", "persona_create"): "create.mode.suno.persona_create",
    ("suno", "upload"): "create.mode.suno.upload",
    ("suno", "concat"): "create.mode.suno.concat",
    ("suno", "stems"): "create.mode.suno.stems",
    ("suno", "lyrics"): "create.mode.suno.lyrics",
    ("udio", "generate"): "create.mode.udio.generate",
    ("udio", "continuation"): "create.mode.udio.continuation",
    ("udio", "precede"): "create.mode.udio.precede",
}
_MODE_HELP = {
    ("suno", "inspiration"): "create.mode.suno.inspiration.help",
    ("suno", "custom"): "create.mode.suno.custom.help",
    ("suno", "extend"): "create.mode.suno.extend.help",
    ("suno", "cover"): "create.mode.suno.cover.help",
    ("suno", "replace"): "create.mode.suno.replace.help",
    ("suno", "persona_song"): "create.mode.suno.persona_song.help",
    ("suno", "persona_create"): "create.mode.suno.persona_create.help",
    ("suno", "upload"): "create.mode.suno.upload.help",
    ("suno", "concat"): "create.mode.suno.concat.help",
    ("suno", "stems"): "create.mode.suno.stems.help",
    ("suno", "lyrics"): "create.mode.suno.lyrics.help",
    ("udio", "generate"): "create.mode.udio.generate.help",
    ("udio", "continuation"): "create.mode.udio.continuation.help",
    ("udio", "precede"): "create.mode.udio.precede.help",
}
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
}


def render_create(lang: str) -> None:
    state = session.create_state()
    if not state.submit_requested:
        state.in_flight = False  # runs are sequential: nothing is in flight now
    _apply_prefill()
    left, right = st.columns([1, 3], vertical_alignment="bottom")
    platform = left.segmented_control(
        t("create.platform", lang),
        PLATFORMS,
        required=True,
        key=session.widget_key("cf_platform", "suno"),
        format_func=lambda p: t(PLATFORM_LABEL[p], lang),
    )
    mode = right.selectbox(
        t("create.mode", lang),
        MODES[platform],
        key=session.widget_key(f"cf_mode_{platform}", MODES[platform][0]),
        format_func=lambda m: t(_MODE_LABEL[platform, m], lang),
    )
    st.caption(t(_MODE_HELP[platform, mode], lang))
    _seed_defaults(platform, mode)
    model = _model_picker(platform, mode, lang)
    if (platform, mode) == ("suno", "persona_song"):
        _persona_picker(lang)
    errors = {e.field: e for e in state.errors}
    # Not an st.form: a form sends nothing until it is submitted, so a draft would be lost on a
    # visit to another page. Each field reaches the server when it loses focus instead.
    with st.container(border=True, key="create_form"):
        _fields(platform, mode, model, errors, lang)
        preview_col, submit_col, _ = st.columns([1, 1.4, 2])
        preview = preview_col.button(
            t("create.preview", lang), icon=":material/data_object:", width="stretch", key="cf_preview_button"
        )
        submit_col.button(
            t("create.submit", lang),
            type="primary",
            icon=":material/send:",
            width="stretch",
            on_click=_request_submit,
            key="cf_submit_button",
            disabled=state.in_flight,
        )
        st.caption(t("create.submit.help", lang))
    wants_submit, state.submit_requested = state.submit_requested, False
    if preview or wants_submit:
        state.outcome = None
        submission = _validated(platform, mode, model)
        if submission is None:
            st.rerun()  # draw each problem next to its field
        state.preview = submission
        if wants_submit:
            _send(submission, lang)
    _outcome(lang)
    _preview(lang)


def _request_submit() -> None:
    # Runs before the script: the rerun draws the button disabled before the POST starts.
    state = session.create_state()
    state.submit_requested = state.in_flight = True


def _apply_prefill() -> None:
    prefill = session.take_create_prefill()
    if not prefill:
        return
    platform, mode = prefill["platform"], prefill["mode"]
    session.set_value("cf_platform", platform)
    session.set_value(f"cf_mode_{platform}", mode)
    for name, value in {**defaults(platform, mode), **prefill["values"]}.items():
        session.set_value(_key(platform, mode, name), value)
    state = session.create_state()
    state.errors, state.preview = [], None


def _key(platform: str, mode: str, name: str) -> str:
    """The kept value's name of a field (``session.widget_key`` gives its widget's key).
    Fields are per platform (a Suno title is not a Udio prompt) but shared across a platform's
    modes, so switching from Custom to Extend keeps the lyrics typed."""
    return f"{PREFIX}{platform}_{name}"


def _seed_defaults(platform: str, mode: str) -> None:
    for name, value in defaults(platform, mode).items():
        session.widget_key(_key(platform, mode, name), value)  # seeds the default once


def _model_picker(platform: str, mode: str, lang: str) -> str:
    if platform != "suno" or mode in _WITHOUT_MODEL:
        return ""
    choices = list(suno_models_for(mode))
    key = _key(platform, mode, "model")
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
        format_func=lambda m: t("create.model.other", lang) if m == OTHER_MODEL else m,
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
    facts = t("create.model.limits", lang, prompt=prompt_limit, tags=tags_limit, title=TITLE_LIMIT)
    if not known:
        facts += " " + t("create.model.unknown", lang)
    (right if picked != OTHER_MODEL else st).caption(escape_markdown(facts))
    with st.expander(t("create.model.table", lang), icon=":material/table:"):
        st.dataframe(pd.DataFrame(models_frame()), hide_index=True, width="stretch")
    return model


def _fields(platform: str, mode: str, model: str, errors: dict[str, FieldError], lang: str) -> None:
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


def _persona_picker(lang: str) -> None:
    """Personas remembered for this gateway fill the persona and clip fields (outside the form,
    so picking one shows at once)."""
    known = {p.persona_id: p for p in session.remembered_personas()}
    if not known:
        return

    def pick() -> None:
        chosen = known.get(session.widget_state(PERSONA_PICK))
        if chosen:
            session.set_value(_key("suno", "persona_song", "persona_id"), chosen.persona_id)
            if chosen.root_clip_id:
                session.set_value(_key("suno", "persona_song", "artist_clip_id"), chosen.root_clip_id)

    current = session.value(_key("suno", "persona_song", "persona_id"))
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
        limit = max(limit, len(str(session.value(_key(platform, mode, name)) or "")))
    key = session.widget_key(_key(platform, mode, name), identity=limit)
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
        st.segmented_control(label, tuple(UDIO_MODELS), key=key, required=True, help=help_text)
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


def _values(platform: str, mode: str, model: str) -> dict[str, Any]:
    values = {name: session.value(_key(platform, mode, name)) for name in fields_of(platform, mode)}
    if model:
        values["model"] = model
    return values


def _validated(platform: str, mode: str, model: str) -> Submission | None:
    try:
        submission = build(platform, mode, _values(platform, mode, model))
    except FormInvalid as invalid:
        state = session.create_state()
        state.errors, state.in_flight, state.preview = list(invalid.errors), False, None
        return None
    session.create_state().errors = []
    return submission


def _fingerprint(submission: Submission) -> str:
    return hashlib.sha256(
        json.dumps([submission.route, submission.body], sort_keys=True, default=str).encode()
    ).hexdigest()


def _send(submission: Submission, lang: str) -> None:
    """One POST, recorded in the library first. The outcome is kept in the session and the page
    redrawn, so the button comes back enabled and the message stays put."""
    state = session.create_state()
    profile = session.current_profile()
    fingerprint = _fingerprint(submission)
    last = state.last_sent
    if last and last[0] == fingerprint and time.time() - last[1] < DOUBLE_CLICK_S:
        _finish(CreateOutcome("already_sent"))  # a double click: the first one is on its way or done
    try:
        client = session.get_client()
    except GatewayError as error:
        _finish(CreateOutcome("error", error))
    state.last_sent = (fingerprint, time.time())
    try:
        with st.spinner(t("create.sending", lang), show_time=True):
            result = submit_recorded(
                resources.history(), profile, submission, lambda: client.submit(submission.route, submission.body)
            )
    except OutcomeUnknownError as error:
        _finish(CreateOutcome("unknown", error))
    except GatewayError as error:
        state.last_sent = None  # refused: sending again is safe
        _finish(CreateOutcome("error", error))
    if result.history_error:
        resources.history_failed(HistoryUnavailable(result.history_error))
    if submission.route == routes.SUNO_PERSONA.path:  # answered with the persona itself
        body = submission.body
        persona = session.new_persona(
            result.task_id,
            str(body.get("name", "")),
            str(body.get("description", "")),
            root_clip_id=str(body.get("root_clip_id", "")),
        )
        session.remember_persona(persona)
        _finish(CreateOutcome("persona", persona=persona))
    state.in_flight = False
    session.known_platforms()[result.task_id] = submission.platform
    session.flash(t("create.sent", lang, task_id=result.task_id))
    st.switch_page("app_pages/task.py", query_params={"id": result.task_id, "platform": submission.platform})


def _finish(outcome: CreateOutcome) -> None:
    state = session.create_state()
    state.outcome, state.in_flight = outcome, False
    st.rerun()


def _outcome(lang: str) -> None:
    outcome = session.create_state().outcome
    if outcome is None:
        return
    kind = outcome.kind
    if kind == "already_sent":
        st.info(t("create.already_sent", lang), icon=":material/block:")
    elif kind == "unknown":
        st.warning(
            f"**{t('create.outcome_unknown', lang)}**  \n{t('create.outcome_unknown.next', lang)}",
            icon=":material/help:",
        )
        show_error(outcome.error, lang)
    elif kind == "error":
        show_error(outcome.error, lang)
    elif kind == "persona" and outcome.persona is not None:
        persona = outcome.persona
        st.success(
            t("create.persona_created", lang, name=escape_markdown(persona.name), persona_id=persona.persona_id),
            icon=":material/person:",
        )
        if st.button(t("create.persona_use", lang), icon=":material/arrow_forward:"):
            session.set_create_prefill(
                "suno", "persona_song", {"persona_id": persona.persona_id, "artist_clip_id": persona.root_clip_id}
            )
            session.create_state().outcome = None
            st.rerun()


def _preview(lang: str) -> None:
    submission = session.create_state().preview
    if submission is None:
        st.caption(t("create.preview.empty", lang))
        return
    profile = session.current_profile()
    st.subheader(t("create.preview.title", lang), divider="gray")
    st.markdown(f":violet-badge[POST] `{submission.route}`")
    request, curl, python = st.tabs([t("create.preview.body", lang), "curl", "Python"])
    with request:
        st.json(dict(submission.body), expanded=True)
    with curl:
        st.code(curl_command(profile.base_url or "https://your-gateway.example", submission), language="bash")
    with python:
        st.code(python_script(profile.base_url or "https://your-gateway.example", submission), language="python")
    st.caption(t("create.preview.key_note", lang))
