"""What the History page does with the rows a user picked, and with refreshing them.

This module owns the selection panel under the library table (open, refresh, star, unstar,
delete), the delete confirmation, one entry's details (its submit outcome, note and stored
request/response), and the refresh round-trip: ``refresh_and_rerun`` asks the gateways about some
entries and keeps the report in the session, and ``refresh_report`` shows it once after the rerun.
It was split out of ``history_view``, which draws the filters, table and toolbar around it.
"""

from __future__ import annotations

import streamlit as st

from lib.i18n import t
from lib.library.refresh import refresh_entries
from lib.library.store import OUTCOME_UNKNOWN, REJECTED, SENDING, HistoryEntry, HistoryStore, HistoryUnavailable
from lib.studio.task_lookup import format_time
from lib.text import escape_markdown
from lib.ui import resources, session
from lib.ui.errors import show_error


def selection_panel(store: HistoryStore, chosen: list[HistoryEntry], lang: str) -> None:
    with_ids = [e for e in chosen if e.task_id]
    with st.container(border=True):
        st.markdown(f"**{t('history.selected', lang, count=len(chosen))}**")
        buttons = st.columns(5)
        if buttons[0].button(
            t("history.open", lang),
            icon=":material/open_in_new:",
            disabled=not with_ids,
            type="primary",
            width="stretch",
        ):
            platforms = {e.platform for e in with_ids}
            query = {"id": ",".join(dict.fromkeys(e.task_id for e in with_ids))}
            if len(platforms) == 1:
                query["platform"] = platforms.pop()
            st.switch_page("app_pages/task.py", query_params=query)
        if buttons[1].button(
            t("history.refresh", lang), icon=":material/sync:", disabled=not with_ids, width="stretch"
        ):
            refresh_and_rerun(store, with_ids)
        # Edits are callbacks bound to the rows shown now: they run before the next run queries
        # the table again, where another session's delete may have moved other rows under the
        # selection (which holds row positions, not rows).
        ids = [e.id for e in chosen]
        buttons[2].button(
            t("history.star", lang), icon=":material/star:", width="stretch", on_click=_star, args=(store, ids, True)
        )
        buttons[3].button(
            t("history.unstar", lang),
            icon=":material/star_outline:",
            width="stretch",
            on_click=_star,
            args=(store, ids, False),
        )
        buttons[4].button(
            t("history.delete", lang), icon=":material/delete:", width="stretch", on_click=_ask_delete, args=(ids,)
        )
        if len(with_ids) < len(chosen):
            st.caption(t("history.no_task_id", lang))
        _confirm_delete(store, lang)
        if len(chosen) == 1:
            _details(store, chosen[0], lang)


def _star(store: HistoryStore, ids: list[int], starred: bool) -> None:
    try:
        changed = store.set_starred(ids, starred)
    except HistoryUnavailable as error:
        resources.history_failed(error)  # the page says so when it runs
        return
    if changed < len(ids):  # another session deleted some while this one showed them
        _gone("history.gone", count=len(ids) - changed)


def _ask_delete(ids: list[int]) -> None:
    session.history_state().delete_pending = ids


def _save_note(store: HistoryStore, row_id: int, key: str) -> None:
    try:
        saved = store.set_note(row_id, str(session.widget_state(key) or ""))
    except HistoryUnavailable as error:
        resources.history_failed(error)
        return
    if saved:
        session.flash(t("history.note.saved", session.language()), icon=":material/check:")
    else:  # deleted by another session: the note has no row to go to
        _gone("history.note.gone")


def _gone(key: str, **values: object) -> None:
    """Says, at the top of the next run, that rows were deleted elsewhere; drops the selection,
    which would otherwise land on the rows that moved into their places."""
    state = session.history_state()
    state.notices.append((key, values))
    state.generation += 1


def _confirm_delete(store: HistoryStore, lang: str) -> None:
    state = session.history_state()
    pending = state.delete_pending
    if not pending:
        return
    st.warning(t("history.delete.confirm", lang, count=len(pending)), icon=":material/warning:")
    yes, no, _ = st.columns([1, 1, 3])
    if yes.button(t("history.delete.yes", lang), type="primary", icon=":material/delete_forever:"):
        deleted = store.delete(pending)
        state.delete_pending = []
        state.generation += 1
        st.toast(t("history.deleted", lang, count=deleted), icon=":material/delete:")
        st.rerun()
    if no.button(t("history.delete.no", lang)):
        state.delete_pending = []
        st.rerun()


_ORIGIN = {"submitted": "history.origin.submitted", "inspected": "history.origin.inspected"}


def _details(store: HistoryStore, entry: HistoryEntry, lang: str) -> None:
    if entry.status == OUTCOME_UNKNOWN:
        st.warning(t("history.outcome_unknown", lang), icon=":material/help:")
    elif entry.status == SENDING:
        st.info(t("history.sending", lang), icon=":material/hourglass_top:")
    elif entry.status == REJECTED:
        st.error(f"{t('history.rejected', lang)} {escape_markdown(entry.submit_error)}", icon=":material/block:")
    if entry.fail_reason:
        st.error(escape_markdown(entry.fail_reason), icon=":material/error:")
    with st.form(f"note_{entry.id}", border=False):
        key = f"history_note_{entry.id}"
        st.text_area(t("history.note", lang), value=entry.note, height=80, key=key)
        st.form_submit_button(
            t("history.note.save", lang), icon=":material/save:", on_click=_save_note, args=(store, entry.id, key)
        )
    with st.expander(t("history.details", lang), icon=":material/data_object:"):
        tz = st.context.timezone
        origin = t(_ORIGIN[entry.origin], lang)
        st.caption(
            escape_markdown(
                origin
                + " · "
                + t(
                    "history.record",
                    lang,
                    gateway=f"{entry.gateway_name} ({entry.gateway_url})",
                    fingerprint=entry.key_fingerprint or "–",
                    first_seen=format_time(entry.first_seen, tz),
                    updated=format_time(entry.updated_at, tz),
                )
            )
        )
        if entry.request_body:
            st.markdown(f"**{escape_markdown(t('history.request', lang, route=entry.route or '–'))}**")
            st.json(entry.request, expanded=False)
        if entry.last_body:
            st.markdown(f"**{t('history.response', lang)}**")
            st.json(entry.last_body, expanded=False)


def refresh_and_rerun(store: HistoryStore, entries: list[HistoryEntry]) -> None:
    with st.spinner(show_time=True):
        report = refresh_entries(store, entries, session.client_for, sending_timeout_s=resources.sending_timeout_s())
    session.history_state().refresh_report = report
    st.rerun()  # redraw the table with what the gateways said; the report shows at the top


def refresh_report(lang: str) -> None:
    """The outcome of the last refresh, and of edits to rows another session deleted, shown once."""
    state = session.history_state()
    notices, state.notices = state.notices, []
    for key, values in notices:
        st.warning(t(key, lang, **values), icon=":material/delete:")
    report, state.refresh_report = state.refresh_report, None
    if report is None:
        return
    answered = report.found + len(report.missing)  # tasks a gateway actually answered about
    if answered or not report.errors:  # "checked 1 task" would be wrong when the gateway failed
        st.toast(t("history.refresh.done", lang, count=answered, changed=report.changed), icon=":material/sync:")
    if report.expired:
        st.warning(t("history.refresh.expired", lang, count=report.expired), icon=":material/help:")
    if report.missing:
        shown = ", ".join(report.missing[:5]) + (" …" if len(report.missing) > 5 else "")
        st.warning(escape_markdown(t("history.refresh.missing", lang, count=len(report.missing), ids=shown)))
    for gateway, count in report.unreachable.items():
        st.warning(
            escape_markdown(t("history.refresh.unreachable", lang, count=count, gateway=gateway)),
            icon=":material/cloud_off:",
        )
    for error in report.errors[:3]:
        show_error(error, lang)
