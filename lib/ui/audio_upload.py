"""Your own audio on the Create page's Extend and Cover modes: pick a file or record one, see it
checked (type, size, length) before anything is sent, follow the gateway's five upload steps, and
get the clip filled into the form — or see which step failed, in the gateway's words, with the file
still chosen for another try. The steps themselves are ``lib.studio.audio_upload``'s.
"""

from __future__ import annotations

import hashlib

import streamlit as st

from lib.gateway import providers
from lib.gateway.audio_upload import AudioUploads
from lib.gateway.errors import GatewayError
from lib.i18n import t
from lib.studio import audio_upload as flow
from lib.text import escape_markdown
from lib.ui import session
from lib.ui.create_inputs import field_key
from lib.ui.errors import error_facts, show_error

MODES = frozenset({("suno", "extend"), ("suno", "cover")})
SOURCES = ("file", "record")
# Catalog keys, written out so every key appears literally in the source.
_SOURCE_LABEL = {"file": "upload.source.file", "record": "upload.source.record"}
_STEP_LABEL = {
    "request": "upload.step.request",
    "send": "upload.step.send",
    "finish": "upload.step.finish",
    "process": "upload.step.process",
    "clip": "upload.step.clip",
}
_STEP_HINT = {
    "request": "upload.hint.request",
    "send": "upload.hint.send",
    "finish": "upload.hint.finish",
    "process": "upload.hint.process",
    "clip": "upload.hint.clip",
}
_PROBLEM = {
    "empty": "upload.problem.empty",
    "too_large": "upload.problem.too_large",
    "bad_type": "upload.problem.bad_type",
    "not_audio": "upload.problem.not_audio",
    "too_short": "upload.problem.too_short",
    "too_long": "upload.problem.too_long",
}
_DONE, _FAILED, _NOT_TRIED = ":green[:material/check_circle:]", ":red[:material/cancel:]", ":material/remove:"
_MODE_NAME = {"extend": "upload.mode.extend", "cover": "upload.mode.cover"}
_USE_LABEL = {"extend": "upload.use.extend", "cover": "upload.use.cover"}


def render_audio_upload(platform: str, mode: str, lang: str) -> None:
    """The panel above the form, on the modes that take an uploaded clip, for the dialect that has
    the upload routes (the new-api family's); nothing elsewhere."""
    if (platform, mode) not in MODES or session.current_profile().provider != providers.DEFAULT:
        return
    state = session.audio_upload_state()
    opened = state.result is not None or state.failure is not None
    with st.expander(t("upload.title", lang), icon=":material/upload_file:", expanded=opened):
        st.caption(
            t(
                "upload.limits",
                lang,
                types=", ".join(e.upper() for e in flow.EXTENSIONS),
                limit_mb=flow.MAX_MB,
                min_s=f"{flow.MIN_SECONDS:g}",
                max_min=f"{flow.MAX_SECONDS / 60:g}",
            )
        )
        source = st.segmented_control(
            t("upload.source", lang),
            SOURCES,
            required=True,
            key=session.widget_key("au_source", "file"),
            format_func=lambda s: t(_SOURCE_LABEL[s], lang),
        )
        if source == "record":
            picked = st.audio_input(t("upload.record", lang), sample_rate=44100, key=f"au_record_{state.generation}")
        else:
            # The widget's own cap (MB) stops a larger file in the browser, before it reaches the
            # server; check_file still checks every file (a recording has no such cap).
            picked = st.file_uploader(
                t("upload.file", lang),
                type=list(flow.EXTENSIONS),
                key=f"au_file_{state.generation}",
                max_upload_size=flow.MAX_MB,
            )
        if picked is None:
            return
        data = picked.getvalue()
        digest = hashlib.sha256(data).hexdigest()
        if digest != state.digest:  # another file: what came of the last one is not about this one
            state.digest, state.result, state.failure = digest, None, None
        try:
            audio = flow.check_file(picked.name, data)
        except flow.FileRefused as refused:
            st.error(t(_PROBLEM[refused.code], lang, **refused.params), icon=":material/block:")
            return
        st.caption(_describe(audio, lang))
        if state.result is not None:
            _uploaded(state.result, mode, lang)
            return
        if state.failure is not None:
            _failed(state, lang)
        label = "upload.retry" if state.failure is not None else "upload.send"
        if st.button(t(label, lang), icon=":material/cloud_upload:", key="au_send"):
            _run(audio, mode, lang)


def _describe(audio: flow.AudioFile, lang: str) -> str:
    size = f"{len(audio.data) / 2**20:.1f} MB" if len(audio.data) >= 2**20 else f"{len(audio.data) / 1024:.0f} kB"
    if audio.duration is None:
        return t("upload.chosen", lang, name=escape_markdown(audio.name), size=size)
    seconds = f"{int(audio.duration // 60)}:{int(audio.duration % 60):02d}"
    return t("upload.chosen_length", lang, name=escape_markdown(audio.name), size=size, length=seconds)


def _run(audio: flow.AudioFile, mode: str, lang: str) -> None:
    """The five steps under a live progress bar (the panel is an expander: no ``st.status`` inside
    it); then a rerun draws the outcome kept in the session."""
    state = session.audio_upload_state()
    state.result, state.failure = None, None
    bar = st.progress(0.0, text=t("upload.running", lang))

    def on_step(step: str, detail: str) -> None:
        index = flow.STEPS.index(step)
        label = t("upload.step_line", lang, number=index + 1, total=len(flow.STEPS), step=t(_STEP_LABEL[step], lang))
        bar.progress(index / len(flow.STEPS), text=label + (f" · {escape_markdown(detail)}" if detail else ""))

    try:
        uploads = AudioUploads(session.get_client())
        result = flow.upload(uploads, audio, on_step=on_step)
    except flow.UploadFailed as failed:
        state.failure = failed
    except GatewayError as error:  # no client (a bad custom address) or a dialect without uploads
        state.failure = flow.UploadFailed("request", error)
    else:
        state.result = result
        _fill(mode, result)
    st.rerun()


def _failed(state: session.AudioUploadState, lang: str) -> None:
    failure = state.failure
    assert failure is not None
    failed_at = flow.STEPS.index(failure.step)
    lines = []
    for index, step in enumerate(flow.STEPS):
        mark = _DONE if index < failed_at else _FAILED if index == failed_at else _NOT_TRIED
        lines.append(f"{mark} {t(_STEP_LABEL[step], lang)}")
    step = t(_STEP_LABEL[failure.step], lang)
    st.markdown(f"**{t('upload.failed_at', lang, number=failed_at + 1, total=len(flow.STEPS), step=step)}**")
    st.markdown("  \n".join(lines))
    if failure.step == "send":
        # Storage, not the gateway, answered: its words and status without the gateway's hint.
        error = failure.error
        lines = [escape_markdown(error.gateway_message or str(error)), *map(escape_markdown, error_facts(error, lang))]
        st.error("\n\n".join(lines), icon=":material/error:")
    else:
        show_error(failure.error, lang)
    st.caption(t(_STEP_HINT[failure.step], lang))


def _uploaded(result: flow.Uploaded, mode: str, lang: str) -> None:
    st.success(t("upload.done", lang, clip_id=result.clip_id), icon=":material/check_circle:")
    st.caption(t("upload.filled", lang, mode=t(_MODE_NAME[mode], lang)))
    other = "cover" if mode == "extend" else "extend"
    left, right = st.columns(2)
    left.button(
        t(_USE_LABEL[other], lang),
        icon=":material/swap_horiz:",
        key="au_use_other",
        on_click=_switch,
        args=(other, result),
        width="stretch",
    )
    right.button(
        t("upload.another", lang), icon=":material/restart_alt:", key="au_again", on_click=_forget, width="stretch"
    )


def _fill(mode: str, result: flow.Uploaded) -> None:
    """The clip into the form's fields (shared by the Suno modes): Extend continues it from its end."""
    session.set_value(field_key("suno", mode, "clip_id"), result.clip_id)
    if mode == "extend":
        session.set_value(field_key("suno", mode, "from_upload"), True)
        start = flow.continue_from(result.duration)
        if start is not None:
            session.set_value(field_key("suno", mode, "continue_at"), start)


def _switch(mode: str, result: flow.Uploaded) -> None:
    _fill(mode, result)
    session.set_value("cf_mode_suno", mode)


def _forget() -> None:
    state = session.audio_upload_state()
    state.result, state.failure, state.digest = None, None, ""
    state.generation += 1  # new pickers: a file picker's value cannot be set from code
