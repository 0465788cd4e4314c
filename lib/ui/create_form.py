"""The Create page's form: mode and model pickers, the fields a mode needs, validation next to
each field, the exact request as a preview and as code, and one POST per click. The fields
themselves are drawn by lib.ui.create_inputs."""

from __future__ import annotations

import hashlib
import json
import time
from typing import Any

import streamlit as st

from lib.gateway import providers
from lib.gateway.errors import GatewayError, InvalidInputError, OutcomeUnknownError
from lib.gateway.models import PLATFORMS
from lib.i18n import t
from lib.i18n.labels import PLATFORM_LABEL
from lib.library.store import HistoryUnavailable
from lib.studio import provider_modes, provider_snippets
from lib.studio.create_modes import MODES, FormInvalid, defaults, fields_of
from lib.studio.snippets import curl_command, python_script
from lib.studio.submit import Submission, submit_recorded
from lib.text import escape_markdown
from lib.ui import paid_confirm, resources, session
from lib.ui.audio_upload import render_audio_upload

# The `name as name` imports are re-exports: tests/test_i18n.py checks those tables' catalog keys here.
from lib.ui.create_inputs import _ADVANCED_HELP as _ADVANCED_HELP
from lib.ui.create_inputs import _ERROR_TEXT as _ERROR_TEXT
from lib.ui.create_inputs import _FIELD_HELP as _FIELD_HELP
from lib.ui.create_inputs import _FIELD_LABEL as _FIELD_LABEL
from lib.ui.create_inputs import _LYRICS_TYPE_LABEL as _LYRICS_TYPE_LABEL
from lib.ui.create_inputs import _PLACEHOLDER as _PLACEHOLDER
from lib.ui.create_inputs import _TEXT_AREAS as _TEXT_AREAS
from lib.ui.create_inputs import _VOCAL_LABEL as _VOCAL_LABEL
from lib.ui.create_inputs import draw_fields, field_key, model_picker, persona_picker, seed_defaults
from lib.ui.errors import show_error
from lib.ui.provider_select import provider_label
from lib.ui.session import CreateOutcome

DOUBLE_CLICK_S = 15.0
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


def render_create(lang: str) -> None:
    state = session.create_state()
    # Runs are sequential: nothing else is in flight now. A confirmed request is sent in this run.
    state.in_flight = state.submit_requested or paid_confirm.is_confirmed(paid_confirm.CREATE)
    _apply_prefill()
    provider = session.current_profile().provider
    offered = provider_modes.offered_modes(provider)  # only what this gateway's dialect has
    platforms = [p for p in PLATFORMS if p in offered]
    left, right = st.columns([1, 3], vertical_alignment="bottom")
    platform_key = session.widget_key("cf_platform", platforms[0])
    if session.value("cf_platform") not in platforms:
        session.correct_value("cf_platform", platforms[0])
    platform = left.segmented_control(
        t("create.platform", lang),
        platforms,
        required=True,
        key=platform_key,
        format_func=lambda p: t(PLATFORM_LABEL[p], lang),
    )
    modes = offered[platform]
    mode_key = session.widget_key(f"cf_mode_{platform}", modes[0])
    if session.value(f"cf_mode_{platform}") not in modes:
        session.correct_value(f"cf_mode_{platform}", modes[0])
    mode = right.selectbox(
        t("create.mode", lang), modes, key=mode_key, format_func=lambda m: t(_MODE_LABEL[platform, m], lang)
    )
    if len(modes) < len(MODES[platform]):
        st.caption(t("provider.fewer_modes", lang, provider=provider_label(provider)))
    st.caption(t(_MODE_HELP[platform, mode], lang))
    _seed_callback(platform, mode)
    seed_defaults(platform, mode)
    model = model_picker(platform, mode, lang)
    if (platform, mode) == ("suno", "persona_song"):
        persona_picker(lang)
    render_audio_upload(platform, mode, lang)  # Extend and Cover: your own audio as the clip
    errors = {e.field: e for e in state.errors}
    # Not an st.form: a form sends nothing until it is submitted, so a draft would be lost on a
    # visit to another page. Each field reaches the server when it loses focus instead.
    with st.container(border=True, key="create_form"):
        draw_fields(platform, mode, model, errors, lang)
        preview_col, submit_col, _ = st.columns([1, 1.4, 2])
        preview = preview_col.button(
            t("create.preview", lang), icon=":material/data_object:", width="stretch", key="cf_preview_button"
        )
        # It says what it spends only when it spends something: the sandbox is free.
        free = session.current_profile().is_sandbox
        submit_col.button(
            t("ui.submit.free" if free else "create.submit", lang),
            type="primary",
            icon=":material/send:",
            width="stretch",
            on_click=_request_submit,
            key="cf_submit_button",
            disabled=state.in_flight,
        )
        st.caption(t("ui.submit.free.help" if free else "create.submit.help", lang))
    wants_submit, state.submit_requested = state.submit_requested, False
    clicked = None
    if preview or wants_submit:
        state.outcome = None
        submission = _validated(provider, platform, mode, model)
        if submission is None:
            st.rerun()  # draw each problem next to its field
        state.preview = submission
        clicked = submission if wants_submit else None
    confirmed = paid_confirm.confirm_paid(paid_confirm.CREATE, clicked, lang)
    if confirmed is not None:
        _send(confirmed, lang)
    _outcome(lang)
    _preview(lang)


def _seed_callback(platform: str, mode: str) -> None:
    """With the webhook receiver on, a mode's webhook field starts as its URL (the user may clear
    it): the task then finishes in the library without polling (lib.studio.webhook)."""
    hook = resources.callback_url()
    if hook and "webhook" in fields_of(platform, mode):
        session.seed_value(field_key(platform, mode, "webhook"), hook)


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
        session.set_value(field_key(platform, mode, name), value)
    state = session.create_state()
    state.errors, state.preview = [], None


def _values(platform: str, mode: str, model: str) -> dict[str, Any]:
    values = {name: session.value(field_key(platform, mode, name)) for name in fields_of(platform, mode)}
    if model:
        values["model"] = model
    return values


def _validated(provider: str, platform: str, mode: str, model: str) -> Submission | None:
    try:
        submission = provider_modes.build_for(provider, platform, mode, _values(platform, mode, model))
    except FormInvalid as invalid:
        state = session.create_state()
        state.errors, state.in_flight, state.preview = list(invalid.errors), False, None
        return None
    except InvalidInputError as lacking:  # a variant of the mode this dialect lacks
        state = session.create_state()
        state.errors, state.in_flight, state.preview = [], False, None
        state.outcome = CreateOutcome("error", lacking)
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
    if not paid_confirm.spend_allowed(paid_confirm.CREATE, submission):
        _finish(None)  # the daily limit refused it: confirm_paid says why, under the form
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
    if not submission.makes_task:  # answered with the persona itself
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


def _finish(outcome: CreateOutcome | None) -> None:
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
    base_url = profile.base_url or "https://your-gateway.example"
    native = submission.provider == providers.DEFAULT
    method = "POST" if native else provider_snippets.request_parts(base_url, submission)["method"]
    st.markdown(f":violet-badge[{method}] `{submission.route}`")
    if not native:
        st.caption(t("provider.speaks", lang, provider=provider_label(submission.provider)))
    request, curl, python = st.tabs([t("create.preview.body", lang), "curl", "Python"])
    with request:
        st.json(dict(submission.body), expanded=True)
    with curl:
        code = curl_command if native else provider_snippets.curl_command
        st.code(code(base_url, submission), language="bash")
    with python:
        code = python_script if native else provider_snippets.python_script
        st.code(code(base_url, submission), language="python")
    st.caption(t("create.preview.key_note", lang))
