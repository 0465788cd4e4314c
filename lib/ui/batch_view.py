"""The Batch page: a list, a CSV file or one prompt × N becomes many Suno tasks, after a dialog
stating how many requests go out, where and how fast; then one table follows them all
(``lib.ui.batch_table``).

The sending is ``lib.studio.batch``'s, in a thread of its own (a batch of 50 at one request every
2 s outlasts a page visit); each request is recorded in the library before it goes out.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pandas as pd
import streamlit as st

from lib.gateway import catalog
from lib.gateway.errors import GatewayError
from lib.i18n import t
from lib.library.store import HistoryUnavailable
from lib.studio import batch
from lib.studio.submit import Submission
from lib.text import escape_markdown
from lib.ui import access, resources, session
from lib.ui.batch_table import show_batch
from lib.ui.create_inputs import _ERROR_TEXT, _FIELD_LABEL
from lib.ui.errors import show_error

_SOURCES = ("list", "csv", "repeat")
_SOURCE_LABEL = {"list": "batch.source.list", "csv": "batch.source.csv", "repeat": "batch.source.repeat"}
_INPUT_ERROR = {
    "empty": "batch.error.empty",
    "too_many": "batch.error.too_many",
    "too_large": "batch.error.too_large",
    "no_prompt_column": "batch.error.no_prompt_column",
    "not_csv": "batch.error.not_csv",
}


def render_batch(lang: str) -> None:
    state = session.batch_state()
    if state.job is not None:
        show_batch(state, lang)
        return
    _form(state, lang)
    if state.confirming and state.profile == session.profile_key():
        _confirm(state, lang)


# --- the form -------------------------------------------------------------------------------


def _form(state: session.BatchState, lang: str) -> None:
    with st.container(border=True, key="batch_form"):
        source = st.segmented_control(
            t("batch.source", lang),
            _SOURCES,
            required=True,
            key=session.widget_key("batch_source", "list"),
            format_func=lambda s: t(_SOURCE_LABEL[s], lang),
        )
        if source == "list":
            st.text_area(
                t("batch.list", lang),
                key=session.widget_key("batch_list", ""),
                placeholder=t("batch.list.placeholder", lang),
                height=180,
            )
        elif source == "csv":
            st.file_uploader(t("batch.csv", lang), type=["csv", "txt"], key="batch_csv_file")
            st.caption(t("batch.csv.help", lang))
        else:
            st.text_area(t("batch.repeat.prompt", lang), key=session.widget_key("batch_repeat_prompt", ""), height=90)
            st.number_input(
                t("batch.repeat.times", lang),
                min_value=1,
                max_value=batch.MAX_ITEMS,
                key=session.widget_key("batch_repeat_times", 2),
            )
        left, right = st.columns([2, 1], vertical_alignment="bottom")
        models = catalog.suno_models_for("inspiration")
        left.selectbox(t("create.field.model", lang), models, key=session.widget_key("batch_model", models[0]))
        right.checkbox(t("create.field.instrumental", lang), key=session.widget_key("batch_instrumental", False))
        interval = resources.settings().batch_interval_s
        st.caption(t("batch.rules", lang, limit=batch.MAX_ITEMS, seconds=f"{interval:g}"))
        if resources.callback_url():
            st.caption(t("webhook.on", lang), help=t("webhook.on.help", lang))
        clicked = st.button(
            t("batch.submit", lang), type="primary", icon=":material/playlist_add:", key="batch_submit_button"
        )
    if clicked:
        try:
            session.get_client()  # a custom gateway's address that is not one is said here, once
        except GatewayError as error:
            state.confirming = False
            show_error(error, lang)
            return
        _build(state, str(source))
    if state.input_error:
        code, params = state.input_error
        st.error(t(_INPUT_ERROR[code], lang, **params), icon=":material/error:")
    if state.problems:
        lines = [_problem_text(problem, lang) for problem in state.problems[:20]]
        st.error(t("batch.problems", lang) + "\n\n" + "\n".join(f"- {line}" for line in lines), icon=":material/error:")


def _build(state: session.BatchState, source: str) -> None:
    state.input_error, state.problems, state.submissions, state.confirming = None, [], [], False
    try:
        if source == "list":
            lines = batch.read_lines(str(session.value("batch_list") or ""))
        elif source == "csv":
            upload = session.widget_state("batch_csv_file")
            lines = batch.read_csv(upload.getvalue() if upload is not None else b"")
        else:
            times = int(session.value("batch_repeat_times") or 1)
            lines = batch.repeat(str(session.value("batch_repeat_prompt") or ""), times)
    except batch.BatchInvalid as invalid:
        state.input_error = (invalid.code, invalid.params)
        return
    defaults = {
        "model": session.value("batch_model") or catalog.suno_models_for("inspiration")[0],
        "instrumental": bool(session.value("batch_instrumental")),
        "webhook": resources.callback_url(),
    }
    profile = session.current_profile()
    state.submissions, state.problems = batch.plan(lines, profile.provider, defaults)
    state.labels = [line.label for line in lines]
    if not state.problems:
        state.confirming, state.profile = True, session.profile_key()


def _problem_text(problem: batch.LineProblem, lang: str) -> str:
    if problem.error is None:
        return t("batch.problem.not_offered", lang, line=problem.number)
    error = problem.error
    field = t(_FIELD_LABEL.get(error.field, "create.field.description"), lang)
    return t(
        "batch.problem", lang, line=problem.number, field=field, error=t(_ERROR_TEXT[error.code], lang, **error.params)
    )


# --- the confirmation -------------------------------------------------------------------------


def _confirm(state: session.BatchState, lang: str) -> None:
    profile = session.current_profile()
    count = len(state.submissions)
    interval = resources.settings().batch_interval_s
    host = urlsplit(profile.base_url.strip()).netloc.rpartition("@")[2]

    @st.dialog(t("batch.confirm.title", lang), width="medium", icon=":material/payments:", on_dismiss=_cancel)
    def dialog() -> None:
        st.markdown(
            t(
                "batch.confirm.count",
                lang,
                count=count,
                gateway=escape_markdown(profile.name),
                host=escape_markdown(host),
            )
        )
        st.markdown(t("batch.confirm.rate", lang, seconds=f"{interval:g}", total=int(interval * (count - 1))))
        first = state.submissions[0]
        st.markdown(f"**{t('paid.route', lang)}** :violet-badge[POST] `{first.route}`")
        with st.expander(t("batch.confirm.lines", lang), icon=":material/list:"):
            frame = pd.DataFrame({"#": range(1, count + 1), t("batch.table.prompt", lang): state.labels})
            st.dataframe(frame, hide_index=True, width="stretch", height=min(400, 38 + 35 * count))
            st.code(json.dumps(dict(first.body), indent=2, ensure_ascii=False, default=str), language="json")
        note = t("batch.confirm.sandbox", lang) if profile.is_sandbox else t("paid.cost_unknown", lang)
        st.caption(f"{t('batch.confirm.record', lang)}  \n{note}")
        cancel, send = st.columns(2)
        if cancel.button(t("paid.cancel", lang), key="batch_cancel", width="stretch"):
            _cancel()
            st.rerun()
        if send.button(
            t("batch.confirm.send", lang, count=count),
            key="batch_send",
            type="primary",
            icon=":material/send:",
            width="stretch",
        ):
            _start(state, lang)
            st.rerun()

    dialog()


def _cancel() -> None:
    session.batch_state().confirming = False


def _start(state: session.BatchState, lang: str) -> None:
    profile = session.current_profile()
    client = session.get_client()
    gate = access.paid_gate(profile)
    submissions: list[Submission] = list(state.submissions)

    def allow(submission: Submission) -> str:
        try:
            return gate(submission.action)
        except HistoryUnavailable:
            return access.UNCOUNTED

    items = [batch.BatchItem(i + 1, label) for i, label in enumerate(state.labels)]
    job = batch.BatchJob(items, by_callback=bool(resources.callback_url()))
    batch.start_batch(
        job,
        resources.history(),
        profile,
        submissions,
        lambda submission: client.submit(submission.route, submission.body),
        allow,
        interval_s=resources.settings().batch_interval_s,
    )
    state.job, state.confirming, state.submissions, state.polled_at = job, False, [], 0.0
