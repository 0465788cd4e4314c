"""The History page's parts: filters, the paged library table, and the import/export toolbar.

What to do with the selected rows (and the refresh report) lives in ``history_selection``."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from datetime import UTC, datetime

import pandas as pd
import streamlit as st

from lib.gateway.errors import GatewayError
from lib.gateway.models import PLATFORMS
from lib.gateway.profiles import SANDBOX
from lib.i18n import t
from lib.i18n.labels import PLATFORM_LABEL, STATUS_LABEL
from lib.library.import_export import MAX_IMPORT_BYTES, NOT_TEXT, TOO_DEEP, export_csv, export_json, parse_import
from lib.library.store import ALL_STATUSES, OUTCOME_UNKNOWN, REJECTED, HistoryEntry, HistoryFilter, HistoryStore
from lib.studio.task_lookup import MAX_TASK_IDS
from lib.text import escape_markdown
from lib.ui import access, resources, session
from lib.ui.history_selection import _ORIGIN as _ORIGIN  # re-exported: tests/test_i18n.py checks it here
from lib.ui.history_selection import refresh_and_rerun, refresh_report, selection_panel
from lib.ui.library_tools import library_tools
from lib.ui.model_table import short_model_name

PAGE_SIZES = (50, 100, 250, 500)
_FAILED = {"FAILURE", "UNKNOWN", OUTCOME_UNKNOWN, REJECTED}
EXPORT_LIMIT = 50_000
IMPORT_LIMIT = MAX_TASK_IDS  # what one Task page (and its link) holds
# Filter widgets' keys share this prefix so the frame keeps them while other pages are shown.
FILTER_PREFIX = "hf_"
_FILTER_DEFAULTS = {
    "hf_text": "",
    "hf_platforms": [],
    "hf_statuses": [],
    "hf_gateways": [],
    "hf_dates": (),
    "hf_starred": False,
    "hf_page": 1,
    "hf_page_size": 100,
}


def show_library(store: HistoryStore, lang: str) -> None:
    refresh_report(lang)
    keys = _filter_keys(store)
    filters = _current_filters()
    total = store.count(filters)
    everything = store.count()
    filters_bar(store, keys, _summary(filters, total, everything, lang), lang)
    toolbar(store, filters, total, everything, lang)
    if not total:
        st.info(t("history.no_match" if everything else "history.empty", lang), icon=":material/library_music:")
    else:
        chosen = library_table(store, filters, total, lang)
        if chosen:
            selection_panel(store, chosen, lang)
            library_tools(chosen, lang)  # bulk export and queue player of the selected rows' songs
    about_library(store, lang)


def shared_filters(store: HistoryStore, lang: str) -> HistoryFilter:
    """History's filters, drawn as History draws them (Insights shares them, values included)."""
    keys = _filter_keys(store)
    filters = _current_filters()
    filters_bar(store, keys, _summary(filters, store.count(filters), store.count(), lang), lang)
    return filters


def _filter_keys(store: HistoryStore) -> dict[str, str]:
    keys = {name: session.widget_key(name, default) for name, default in _FILTER_DEFAULTS.items()}
    gateways = store.gateway_names()
    kept_gateways = [g for g in session.value("hf_gateways") or () if g in gateways]
    if kept_gateways != list(session.value("hf_gateways") or ()):
        session.correct_value("hf_gateways", kept_gateways)  # drawn below: still allowed here
    return keys


def _current_filters() -> HistoryFilter:
    """The filters as the browser last set them (read before they are drawn: their summary
    line, with the number of tasks they leave, goes above them)."""
    dates = tuple(session.value("hf_dates") or ())
    return HistoryFilter(
        platforms=tuple(session.value("hf_platforms") or ()),
        statuses=tuple(session.value("hf_statuses") or ()),
        gateways=tuple(session.value("hf_gateways") or ()),
        since=dates[0] if dates else None,
        until=dates[1] if len(dates) > 1 else None,
        text=str(session.value("hf_text") or ""),
        starred_only=bool(session.value("hf_starred")),
    )


def _summary(filters: HistoryFilter, total: int, everything: int, lang: str) -> str:
    """One line for the folded filters: "Filters", or "Filters · 2 active · 5 of 12 tasks"."""
    active = sum(
        bool(part)
        for part in (filters.platforms, filters.statuses, filters.gateways, filters.since, filters.starred_only)
    )
    if active:
        return t("ui.history.filters.some", lang, shown=total, total=everything, count=active)
    if filters.text.strip():
        return t("ui.history.filters.search", lang, shown=total, total=everything)
    return t("ui.history.filters.none", lang, total=everything)


def filters_bar(store: HistoryStore, keys: dict[str, str], summary: str, lang: str) -> None:
    """The search field, then the other filters folded under one summary line (on a phone the
    first screen shows the table, not five filters); the fold keeps its state as its line changes."""
    st.text_input(
        t("history.search", lang),
        key=keys["hf_text"],
        icon=":material/search:",
        placeholder=t("history.search.placeholder", lang),
        label_visibility="collapsed",
    )
    with st.expander(summary, icon=":material/filter_list:", key="history_filters"):
        row = st.columns([2, 3, 3, 3.5], vertical_alignment="bottom")
        row[0].pills(
            t("history.filter.platform", lang),
            PLATFORMS,
            selection_mode="multi",
            key=keys["hf_platforms"],
            format_func=lambda p: t(PLATFORM_LABEL[p], lang),
        )
        row[1].multiselect(
            t("history.filter.status", lang),
            ALL_STATUSES,
            key=keys["hf_statuses"],
            format_func=lambda s: t(STATUS_LABEL[s], lang),
            placeholder=t("history.filter.any", lang),
        )
        row[2].multiselect(
            t("history.filter.gateway", lang),
            store.gateway_names(),
            key=keys["hf_gateways"],
            format_func=lambda name: gateway_label(name, lang),
            placeholder=t("history.filter.any", lang),
        )
        row[3].date_input(t("history.filter.dates", lang), key=keys["hf_dates"], format="YYYY-MM-DD")
        bottom = st.columns([3, 1], vertical_alignment="center")
        bottom[0].toggle(t("history.filter.starred", lang), key=keys["hf_starred"])
        bottom[1].button(
            t("history.filter.clear", lang), on_click=_clear_filters, width="stretch", icon=":material/filter_alt_off:"
        )


def gateway_label(name: str, lang: str) -> str:
    """A gateway's name as a person reads it: the sandbox by what it is (one short word, so the
    table's later columns stay in view), others by their name."""
    return t("ui.history.sandbox", lang) if name == SANDBOX else name


def _clear_filters() -> None:
    for name, default in _FILTER_DEFAULTS.items():
        if name != "hf_page_size":
            session.set_value(name, default)


def toolbar(store: HistoryStore, filters: HistoryFilter, total: int, everything: int, lang: str) -> None:
    """One row that wraps on a phone: refresh, export, import, and the library's size."""
    unfinished = store.count_unfinished(filters)  # the rows themselves only when asked for
    with st.container(horizontal=True, vertical_alignment="center", key="history_toolbar"):
        if st.button(
            t("history.refresh_unfinished", lang, count=unfinished),
            disabled=not unfinished,
            icon=":material/sync:",
            help=t("history.refresh_unfinished.help", lang),
        ):
            refresh_and_rerun(store, store.unfinished(filters))
        with st.popover(t("ui.history.export", lang), icon=":material/download:", disabled=not total):
            _export_buttons(store, filters, total, lang)
        with st.popover(t("history.import", lang), icon=":material/upload_file:"):
            _import_form(lang)
        library_size(everything, lang)


def _export_buttons(store: HistoryStore, filters: HistoryFilter, total: int, lang: str) -> None:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M")
    st.caption(t("history.export.help", lang, count=total, limit=EXPORT_LIMIT))
    # Built only when clicked (on Streamlit's own thread), not on every rerun.
    st.download_button(
        t("history.export_csv", lang),
        lambda: export_csv(_all(store, filters)),
        file_name=f"music-tasks-{stamp}.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/table_view:",
        disabled=not total,
        width="stretch",
    )
    st.download_button(
        t("history.export_json", lang),
        lambda: export_json(_all(store, filters)),
        file_name=f"music-tasks-{stamp}.json",
        mime="application/json",
        on_click="ignore",
        icon=":material/data_object:",
        disabled=not total,
        width="stretch",
    )


def library_size(everything: int, lang: str) -> None:
    """The library's size, in the toolbar's row: everyone's for an operator, one's own otherwise."""
    key = "ui.history.count" if access.visitor().is_operator else "history.count.yours"
    st.caption(t(key, lang, count=everything))


def about_library(store: HistoryStore, lang: str) -> None:
    """Folded at the page's end, for who shares the library and (operators only) where it is
    kept: a file's path or a server's name is never in the page's main view."""
    where = access.operator_detail(store.display_url)
    single_user = not resources.settings().sign_in
    if not where and not single_user:
        return
    with st.expander(t("ui.history.about", lang), icon=":material/info:", key="history_about"):
        if where:
            st.caption(escape_markdown(t("ui.history.where", lang, where=where)))
        if single_user:
            st.caption(t("signin.single_user", lang))


def _all(store: HistoryStore, filters: HistoryFilter) -> list[HistoryEntry]:
    return store.search(filters, limit=EXPORT_LIMIT)


# Refusals explained in the user's language (other parser messages are shown as they are).
_IMPORT_ERRORS = {TOO_DEEP: "history.import.too_deep", NOT_TEXT: "history.import.not_text"}


def _import_form(lang: str) -> None:
    upload = st.file_uploader(t("history.import.file", lang), type=["csv", "json", "txt"], key="import_file")
    pasted = st.text_area(t("history.import.text", lang), key="import_text", height=80)
    source = _import_source(upload, pasted)
    if source is None:
        return
    key, name, size, read = source
    if size > MAX_IMPORT_BYTES:  # refused before a byte is read or parsed
        # Decimal megabytes, as the file uploader itself counts them next to the file's name.
        limit_mb = MAX_IMPORT_BYTES // 1_000_000
        st.error(t("history.import.too_large", lang, size=f"{size / 1e6:.1f}", limit=limit_mb), icon=":material/error:")
        return
    parsed = session.parsed_import(key, lambda: _parse(read(), name))
    if parsed.imported is None:
        message = t(_IMPORT_ERRORS[parsed.error_code], lang) if parsed.error_code in _IMPORT_ERRORS else parsed.error
        st.error(escape_markdown(message), icon=":material/error:")
        return
    imported = parsed.imported
    st.write(t("history.import.found", lang, count=len(imported.ids)))
    if imported.skipped:
        st.caption(t("history.import.skipped", lang, count=imported.skipped))
    if imported.truncated:
        st.caption(t("history.import.truncated", lang, limit=IMPORT_LIMIT))
    if st.button(
        t("history.import.open", lang, count=len(imported.ids)),
        type="primary",
        icon=":material/manage_search:",
        help=t("history.import.help", lang),
    ):
        session.known_platforms().update(imported.platforms)
        platforms = set(imported.platforms.get(i) for i in imported.ids)
        query = {"id": ",".join(imported.ids)}
        if len(platforms) == 1 and None not in platforms:
            query["platform"] = platforms.pop()
        st.switch_page("app_pages/task.py", query_params=query)


def _import_source(upload, pasted: str) -> tuple[str, str, int, Callable[[], bytes]] | None:
    """(cache key, name, size in bytes, how to read it) of what to import; None when nothing is."""
    if upload is not None:
        return (f"file:{upload.file_id}", upload.name, upload.size, upload.getvalue) if upload.size else None
    if not pasted.strip():
        return None
    # A browser can send lone surrogates, which UTF-8 cannot encode: they become "?" (not an ID).
    data = pasted.encode("utf-8", "replace")
    return "text:" + hashlib.sha256(data).hexdigest(), "pasted.txt", len(data), lambda: data


def _parse(data: bytes, name: str) -> session.ParsedImport:
    """Runs once per file or pasted text (``session.parsed_import`` keeps the result)."""
    try:
        return session.ParsedImport(imported=parse_import(data, name, limit=IMPORT_LIMIT))
    except GatewayError as error:
        code = error.code if error.code in _IMPORT_ERRORS else ""
        return session.ParsedImport(error_code=code, error=error.gateway_message or str(error))


def library_table(store: HistoryStore, filters: HistoryFilter, total: int, lang: str) -> list[HistoryEntry]:
    """The current page of the filtered library; returns the selected entries."""
    size_key, page_key = session.widget_key("hf_page_size", 100), session.widget_key("hf_page", 1)
    size = session.value("hf_page_size") if session.value("hf_page_size") in PAGE_SIZES else 100
    pages = max(1, math.ceil(total / size))
    page = min(max(1, int(session.value("hf_page") or 1)), pages)
    session.correct_value("hf_page", page)  # the pager is drawn below
    entries = store.search(filters, offset=(page - 1) * size, limit=size)
    # A new key when the rows under the selection change, so a stale selection is dropped.
    generation = session.history_state().generation
    view = hashlib.sha256(repr((filters, page, size, generation)).encode()).hexdigest()[:12]
    event = st.dataframe(
        _frame(entries, lang),
        key=f"history_table_{view}",
        on_select="rerun",
        selection_mode="multi-row",
        hide_index=True,
        width="stretch",
        placeholder="–",
        row_height=44,
        column_config={
            "star": st.column_config.TextColumn(t("history.col.star", lang), width=30),
            "cover": st.column_config.ImageColumn(t("table.cover", lang), width="small"),
            "title": st.column_config.TextColumn(t("table.title", lang), width="medium"),
            "status": st.column_config.TextColumn(t("table.status", lang)),
            "progress": st.column_config.ProgressColumn(
                t("table.progress", lang), min_value=0, max_value=100, format="%d%%", width="small"
            ),
            "platform": st.column_config.TextColumn(t("table.platform", lang), width="small"),
            "model": st.column_config.TextColumn(t("table.model", lang)),
            "duration": st.column_config.NumberColumn(t("table.duration", lang), format="%.0f s", width="small"),
            "submitted": st.column_config.DatetimeColumn(t("table.submitted", lang), format="YYYY-MM-DD HH:mm"),
            "gateway": st.column_config.TextColumn(t("history.col.gateway", lang)),
            "task_id": st.column_config.TextColumn(t("task.field.task_id", lang)),
            "note": st.column_config.TextColumn(t("history.col.note", lang)),
            "owner": st.column_config.TextColumn(t("history.col.owner", lang)),
        },
    )
    first = (page - 1) * size + 1 if total else 0
    pager = st.columns([4, 1, 1], vertical_alignment="bottom")
    pager[0].caption(
        t("history.showing", lang, first=first, last=first + len(entries) - 1 if entries else 0, total=total)
        + " · "
        + t("history.select_hint", lang)
    )
    pager[1].number_input(t("history.page", lang), min_value=1, max_value=pages, step=1, key=page_key)
    pager[2].selectbox(t("history.page_size", lang), PAGE_SIZES, key=size_key)
    rows = event.selection.rows if event is not None else []
    return [entries[i] for i in rows if i < len(entries)]


def _frame(entries: list[HistoryEntry], lang: str) -> pd.DataFrame:
    tz = st.context.timezone or "UTC"
    submitted = pd.to_datetime([e.submitted_at for e in entries], utc=True)
    try:
        submitted = submitted.tz_convert(tz)
    except Exception:  # an odd timezone name from the browser: UTC is still right
        pass
    who = access.visitor()
    return pd.DataFrame(
        {
            "star": ["★" if e.starred else "" for e in entries],
            "cover": [e.cover_url for e in entries],
            "title": [e.title or e.prompt[:80] for e in entries],
            "status": [t(STATUS_LABEL.get(e.status, "status.UNKNOWN"), lang) for e in entries],
            # A failed task is not "100 %" done: leave its bar empty.
            "progress": [None if e.status in _FAILED else e.progress for e in entries],
            "platform": ["Suno" if e.platform == "suno" else "Udio" for e in entries],
            "model": [short_model_name(e.model) for e in entries],
            "duration": [e.duration for e in entries],
            "submitted": submitted,
            "gateway": [gateway_label(e.gateway_name, lang) for e in entries],
            "task_id": [e.task_id or "" for e in entries],
            "note": [e.note for e in entries],
            # Whose row it is, for an operator looking at everyone's library: the subject only.
            "owner": [e.owner.rsplit("#", 1)[-1] for e in entries],
        },
        columns=[
            "star",
            "cover",
            "title",
            "status",
            "progress",
            "platform",
            "model",
            "duration",
            "submitted",
            "gateway",
            "task_id",
            "note",
            *(["owner"] if who.signed_in and who.is_operator else []),
        ],
    )
