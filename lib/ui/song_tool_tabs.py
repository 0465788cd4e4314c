"""What each song tool's tab draws: WAV and music video conversions, the paid stems and full-song
tasks followed to their result, and a persona made from the song (synced lyrics are the card's
sing-along, lib.ui.karaoke). Each renderer reads and replaces its own job in lib.ui.song_tool_jobs; the panel in
lib.ui.song_tools_panel picks the renderer for a tab from RENDERERS."""

from __future__ import annotations

import time

import streamlit as st

from lib.gateway.errors import GatewayError
from lib.gateway.models import Song, Task
from lib.i18n import t
from lib.i18n.labels import STATUS_LABEL
from lib.studio import song_jobs
from lib.studio.song_jobs import Conversion, FollowedTask, PersonaCreated, ToolFailure, not_offered, start_conversion
from lib.studio.submit import Submission, submit_recorded
from lib.text import escape_markdown
from lib.ui import paid_confirm, resources, session
from lib.ui.clip_tool_tabs import play_part, render_midi, render_stems_v1
from lib.ui.errors import show_error
from lib.ui.media import load_media, offer_download, play, refusal_note
from lib.ui.song_actions import go_create
from lib.ui.song_tool_jobs import current_job, drop_job, set_job

_ICONS = {
    "wav": ":material/graphic_eq:",
    "mp4": ":material/movie:",
    "midi": ":material/piano:",
    "stems": ":material/call_split:",
    "stems_v1": ":material/call_split:",
    "full_song": ":material/merge:",
    "persona": ":material/person:",
}
_HELP = {
    "wav": "tools.wav.help",
    "mp4": "tools.mp4.help",
    "stems": "tools.stems.help",
    "full_song": "tools.full_song.help",
}
_START = {
    "wav": "tools.wav.start",
    "mp4": "tools.mp4.start",
    "stems": "tools.stems.start",
    "full_song": "tools.full_song.start",
}


def _failure(tool: str, song: Song, error: GatewayError, lang: str, key: str, *, paid: bool) -> None:
    show_error(error, lang)
    label = paid_confirm.paid_label("tools.try_again_paid", lang) if paid else t("tools.try_again", lang)
    st.button(label, key=f"tool-retry-{tool}-{key}", icon=":material/refresh:", on_click=drop_job, args=(tool, song))


# --- WAV and music video ----------------------------------------------------------------------


def _conversion(tool: str, song: Song, task: Task, client, lang: str, key: str) -> None:
    if tool == "mp4" and song.video_url:
        _video(song.video_url, song, lang, key)  # older models carry their video already
        return
    job = current_job(tool, song)
    if not isinstance(job, Conversion):
        st.caption(t(_HELP[tool], lang))
        if st.button(t(_START[tool], lang), key=f"tool-start-{tool}-{key}", icon=_ICONS[tool]):
            set_job(tool, song, start_conversion(tool, song.id, time.time()))
            st.rerun()
        return
    if job.error is not None:
        _failure(tool, song, job.error, lang, key, paid=False)
    elif job.url is None:
        elapsed = int(time.time() - job.started_at)
        st.progress(job.progress(time.time()), text=t("tools.converting", lang, seconds=elapsed, checks=job.checks))
        if job.last_problem:
            st.caption(escape_markdown(t("tools.waiting_out", lang, problem=job.last_problem)))
    elif tool == "wav":
        audio = play(job.url, "audio", lang, "audio/wav")
        offer_download(
            t("tools.wav.download", lang),
            job.url,
            audio,
            kind="audio",
            name_kind="wav",
            title=song.title,
            fallback=song.id,
            key=f"tool-dl-wav-{key}",
            icon=":material/download:",
            default_mime="audio/wav",
        )
    else:
        _video(job.url, song, lang, key)


def _video(url: str, song: Song, lang: str, key: str) -> None:
    video = load_media(url, "video")
    if video.source is not None:
        st.video(video.source, format=video.mime or "video/mp4")
    else:
        st.caption(refusal_note(video, lang) or t("tools.media_unreachable", lang))
    offer_download(
        t("tools.mp4.download", lang),
        url,
        video,
        kind="video",
        name_kind="video",
        title=song.title,
        fallback=song.id,
        key=f"tool-dl-mp4-{key}",
        icon=":material/download:",
        default_mime="video/mp4",
    )


# --- stems and the full song: a paid task, then followed ----------------------------------------


def _followed(tool: str, song: Song, task: Task, client, lang: str, key: str) -> None:
    job = current_job(tool, song)
    if isinstance(job, ToolFailure):
        _failure(tool, song, job.error, lang, key, paid=True)
        return
    if not isinstance(job, FollowedTask):
        st.caption(t(_HELP[tool], lang))
        start = f"tool-start-{tool}-{key}"
        clicked = None
        if st.button(paid_confirm.paid_label(_START[tool], lang), key=start, icon=_ICONS[tool], type="primary"):
            clicked = (
                song_jobs.stems_submission(song, task) if tool == "stems" else song_jobs.full_song_submission(song)
            )
        submission = paid_confirm.confirm_paid(start, clicked, lang)
        if submission is not None:
            task_id = _submit(tool, song, submission, client, start)
            if task_id:
                set_job(tool, song, FollowedTask(tool, song.id, task_id, time.time()))
            st.rerun()
        return
    st.page_link(
        "app_pages/task.py",
        label=t("tools.open_task", lang, task_id=job.task_id[:8]),
        icon=":material/open_in_new:",
        query_params={"id": job.task_id, "platform": "suno"},
    )
    if job.error is not None:
        show_error(job.error, lang)
        if st.button(t("tools.check_again", lang), key=f"tool-check-{tool}-{key}", icon=":material/refresh:"):
            set_job(tool, song, FollowedTask(tool, song.id, job.task_id, time.time()))
            st.rerun()
        return
    result = job.task
    if result is None or not result.is_terminal:
        status = t(STATUS_LABEL[result.status.value], lang) if result else t("status.SUBMITTED", lang)
        st.progress(
            0.5 if result and result.songs else 0.1,
            text=t("tools.following", lang, status=status, seconds=int(time.time() - job.started_at)),
        )
        return
    if result.is_failure:
        st.error(escape_markdown(result.fail_reason or t("task.no_reason", lang)), icon=":material/error:")
        return
    for index, part in enumerate(result.songs):
        st.markdown(f"**{escape_markdown(part.title or t('song.untitled', lang))}**")
        play_part(part, lang, key=f"tool-dl-{tool}-{key}-{index}")


def _submit(tool: str, song: Song, submission: Submission, client, place: str) -> str | None:
    """One paid POST, recorded in the library; a refusal or an unknown outcome becomes the tool's
    state so the user sees it (and is never sent twice by a rerun). ``place``: the key the request
    was confirmed under, where a refusal of the daily limit is shown."""
    if not paid_confirm.spend_allowed(place, submission):
        return None
    try:
        result = submit_recorded(
            resources.history(),
            session.current_profile(),
            submission,
            lambda: client.submit(submission.route, submission.body),
        )
    except GatewayError as error:
        if not_offered(error):
            session.learn_capability(tool, False)  # refused before any task: nothing to show but that
        else:
            set_job(tool, song, ToolFailure(error))
        return None
    session.learn_capability(tool, True)
    return result.task_id


# --- persona -----------------------------------------------------------------------------------


def _persona(tool: str, song: Song, task: Task, client, lang: str, key: str) -> None:
    fields = {
        f"tool-persona-name-{key}": song.title[:60],
        f"tool-persona-desc-{key}": ", ".join(song.tags),
        f"tool-persona-public-{key}": True,
    }
    for name, default in fields.items():
        session.keep_widget_state(name, default)  # a refusal hides the form for a run
    name_key, desc_key, public_key = fields
    job = current_job(tool, song)
    if isinstance(job, ToolFailure):
        _failure(tool, song, job.error, lang, key, paid=True)
        return
    if isinstance(job, PersonaCreated):
        persona = job.persona
        st.success(t("tools.persona.created", lang, name=escape_markdown(persona.name)), icon=":material/person:")
        st.code(persona.persona_id, language=None)
        if st.button(
            t("create.persona_use", lang),
            key=f"tool-persona-use-{key}",
            icon=":material/arrow_forward:",
            type="primary",
        ):
            go_create(
                "suno",
                "persona_song",
                {"persona_id": persona.persona_id, "artist_clip_id": song.id, "tags": ", ".join(song.tags)},
            )
        return
    st.caption(t("tools.persona.help", lang))
    form = f"tool-persona-form-{key}"
    with st.form(form, border=False, enter_to_submit=False):
        st.text_input(t("create.field.persona_name", lang), key=name_key, max_chars=80)
        st.text_area(t("create.field.persona_description", lang), key=desc_key, height=80, max_chars=500)
        st.toggle(t("create.field.persona_public", lang), key=public_key)
        sent = st.form_submit_button(
            paid_confirm.paid_label("tools.persona.start", lang), type="primary", icon=_ICONS[tool]
        )
    name, description = str(session.widget_state(name_key) or ""), str(session.widget_state(desc_key) or "")
    clicked = None
    if sent and not name.strip():
        st.error(t("tools.persona.name_missing", lang), icon=":material/error:")
    elif sent:
        clicked = song_jobs.persona_submission(song, name, description, bool(session.widget_state(public_key)))
    submission = paid_confirm.confirm_paid(form, clicked, lang)
    if submission is None:
        return
    persona_id = _submit(tool, song, submission, client, form)
    if persona_id:
        # The name and description confirmed, not the fields' current text.
        name, description = str(submission.body.get("name", "")), str(submission.body.get("description", ""))
        persona = session.new_persona(persona_id, name, description, root_clip_id=song.id, root_title=song.title)
        session.remember_persona(persona)
        set_job(tool, song, PersonaCreated(persona))
    st.rerun()


RENDERERS = {
    "wav": _conversion,
    "mp4": _conversion,
    "midi": render_midi,
    "stems": _followed,
    "stems_v1": render_stems_v1,
    "full_song": _followed,
    "persona": _persona,
}
