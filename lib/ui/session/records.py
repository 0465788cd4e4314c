"""The session's records, each a typed object under one key: the Create page's state, the History
page's state, the Task page's memory of tasks, song-tool jobs, personas, paid requests awaiting
confirmation, export packs, toasts."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import streamlit as st

from lib.gateway.errors import GatewayError
from lib.gateway.models import Task
from lib.library.import_export import ImportedIds
from lib.library.refresh import RefreshReport
from lib.library.store import HistoryEntry, HistoryUnavailable, Persona
from lib.studio import callback_follow
from lib.studio.create_modes import FieldError
from lib.studio.song_jobs import ToolJob
from lib.studio.submit import Submission
from lib.ui import resources
from lib.ui.session.gateway import current_profile, profile_key, remember_gateway_media


def _record(key: str, factory):
    if key not in st.session_state:
        st.session_state[key] = factory()
    return st.session_state[key]


# --- Create page -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CreateOutcome:
    """What the last click on Submit came to, shown until the next one."""

    kind: str  # "already_sent" | "unknown" | "error" | "persona"
    error: GatewayError | None = None
    persona: Persona | None = None


@dataclass
class CreateState:
    submit_requested: bool = False  # set by the button's callback, before the run that sends
    in_flight: bool = False  # the Submit button is drawn disabled while True
    errors: list[FieldError] = field(default_factory=list)  # shown next to their fields
    preview: Submission | None = None
    outcome: CreateOutcome | None = None
    last_sent: tuple[str, float] | None = None  # (fingerprint, when): a double click sends once


def create_state() -> CreateState:
    return _record("create_page", CreateState)


def set_create_prefill(platform: str, mode: str, values: dict) -> None:
    """What a Task page action (extend, cover, reuse prompt, use lyrics) hands to the Create page."""
    st.session_state["create_prefill"] = {"platform": platform, "mode": mode, "values": dict(values)}


def take_create_prefill() -> dict | None:
    return st.session_state.pop("create_prefill", None)


# --- Paid actions ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PaidRequest:
    """A paid POST the user asked for, waiting for the dialog's *Send* (lib.ui.paid_confirm)."""

    key: str  # the place that asked (Create's Submit, one song's stems…): only it may send it
    submission: Submission  # exactly what the dialog shows, and what is sent
    profile: str  # profile_key() when asked: another gateway never sends it
    confirmed: bool = False  # Send was clicked: the next full run sends it


@dataclass(frozen=True)
class PaidRefusal:
    """Why a confirmed paid POST was not sent (the daily limit), shown where it was asked for."""

    key: str
    profile: str
    verdict: str  # lib.ui.access.OVER_LIMIT or UNCOUNTED
    limit: int


@dataclass
class PaidState:
    # One slot: at most one paid request waits at a time, so one dialog opens per run.
    request: PaidRequest | None = None
    refusal: PaidRefusal | None = None


def paid_state() -> PaidState:
    return _record("paid_actions", PaidState)


# --- History page ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ParsedImport:
    """What one import file (or pasted text) held: its IDs, or why it holds none. Plain values,
    not the exception: a kept traceback would keep the file's bytes alive with it."""

    imported: ImportedIds | None = None
    error_code: str = ""  # InvalidInputError.code, for a message in the user's language
    error: str = ""  # the parser's own words, when there is no such code


@dataclass
class HistoryState:
    delete_pending: list[int] = field(default_factory=list)  # rows awaiting "Yes, delete"
    generation: int = 0  # bumped when rows under the table's selection change
    refresh_report: RefreshReport | None = None  # shown once, after the refresh's rerun
    last_import: tuple[str, ParsedImport] | None = None  # (source, what it held): see parsed_import
    notices: list[tuple[str, dict]] = field(default_factory=list)  # (catalog key, values), shown once


def history_state() -> HistoryState:
    return _record("history_page", HistoryState)


def parsed_import(source: str, parse: Callable[[], ParsedImport]) -> ParsedImport:
    """``parse()`` once per import ``source`` (an uploaded file's ID, or a hash of pasted text):
    every rerun while it stays chosen (each click, each polling tick) reuses the result. Only
    the latest source is kept."""
    state = history_state()
    if state.last_import is None or state.last_import[0] != source:
        state.last_import = (source, parse())
    return state.last_import[1]


# --- Task page -------------------------------------------------------------------------------
# What the Task page knows of a task is what one gateway said: after a switch to another gateway
# the task is asked for again there, never shown as if the new gateway had answered.


def _per_gateway(key: str, factory):
    return _record(key, dict).setdefault(profile_key(), factory())


def finished_tasks() -> dict[str, Task]:
    """Terminal tasks are immutable: fetched once per session, never polled again."""
    return _per_gateway("finished_tasks", dict)


def known_platforms() -> dict[str, str]:
    return _record("known_platforms", dict)


def follow_started(task_id: str, *, reset: bool = False) -> float:
    """When this session started following a task (for slowing down and giving up)."""
    starts = _per_gateway("follow_started", dict)
    if reset or task_id not in starts:
        starts[task_id] = time.time()
    return starts[task_id]


def last_seen(task_id: str) -> tuple[Task, float] | None:
    return _per_gateway("last_seen", dict).get(task_id)


def remember_seen(task: Task, task_id: str) -> None:
    _per_gateway("last_seen", dict)[task_id] = (task, time.time())
    known_platforms()[task_id] = task.platform
    record_in_history(task)
    if task.is_terminal:
        finished_tasks()[task_id] = task


def stopped_errors() -> dict[str, GatewayError]:
    """Errors that end following a task (not found, bad key…) until the user retries."""
    return _per_gateway("stopped_errors", dict)


def missing_tasks() -> set[str]:
    return _per_gateway("missing_tasks", set)


def pasted_task() -> Task | None:
    return st.session_state.get("pasted_task")


def set_pasted_task(task: Task | None) -> None:
    st.session_state["pasted_task"] = task


def table_refreshed_at() -> float:
    return st.session_state.get("table_refreshed_at", 0.0)


def mark_table_refreshed() -> None:
    st.session_state["table_refreshed_at"] = time.time()


def tool_jobs() -> dict[tuple[str, str, str], ToolJob]:
    """Song tool jobs and results: {(profile key, tool, clip ID): job}."""
    return _record("song_tool_jobs", dict)


def export_packs() -> dict[str, object]:
    """Built export packs, by task ID, kept until the session ends or a new one is built."""
    return _record("export_packs", dict)


def flash(message: str, icon: str = ":material/check_circle:") -> None:
    """A toast for the next page shown (a page switch would swallow one shown now)."""
    _record("flash", list).append((message, icon))


def show_flash() -> None:
    for message, icon in st.session_state.pop("flash", []):
        st.toast(message, icon=icon)


# --- The library, seen from this session -----------------------------------------------------


def record_in_history(task: Task) -> None:
    """Every task a gateway answered passes here (followed tasks, the batch table, the song
    tools' own tasks), so this is also where its media URLs become ones the server may fetch."""
    remember_gateway_media(task)
    store = resources.history()
    if store is None:
        return
    try:
        store.record_task(task, current_profile())
    except HistoryUnavailable as error:
        resources.history_failed(error)


def recent_tasks(limit: int = 6) -> list[HistoryEntry] | None:
    """The newest library rows that can be opened, or None while the library is unavailable."""
    store = resources.history()
    if store is None:
        return None
    try:
        return [e for e in store.recent(limit * 2) if e.task_id][:limit]
    except HistoryUnavailable as error:
        resources.history_failed(error)
        return None


def platform_of(task_id: str) -> str | None:
    """The platform of a task seen before: this session first, then the library."""
    known = known_platforms().get(task_id)
    if known is None:
        store = resources.history()
        try:
            entry = store.find(task_id) if store else None
        except HistoryUnavailable as error:
            resources.history_failed(error)
            entry = None
        if entry is not None:
            known = known_platforms()[task_id] = entry.platform
    return known


def callback_followed_row(task_id: str, platform: str | None) -> HistoryEntry | None:
    """The library row of a task its gateway's callbacks follow (the webhook receiver is on and
    the submit carried its URL): read it instead of fetching. None: fetch the task."""
    hook = resources.callback_url()
    store = resources.history() if hook else None
    if store is None:
        return None
    try:
        entry = store.find(task_id, platform)
    except HistoryUnavailable as error:
        resources.history_failed(error)
        return None
    return entry if callback_follow.followed_by_callbacks(entry, hook) else None


def _session_personas() -> list[Persona]:
    """Personas created in this session for the current gateway, when the library cannot keep them."""
    return _record("personas", dict).setdefault(profile_key(), [])


def new_persona(
    persona_id: str, name: str, description: str = "", root_clip_id: str = "", root_title: str = ""
) -> Persona:
    """A persona the current gateway just created."""
    return Persona(
        persona_id=persona_id,
        name=name.strip(),
        description=description.strip(),
        root_clip_id=root_clip_id,
        root_title=root_title,
        gateway_name=current_profile().name,
        created_at=datetime.now(UTC),
    )


def remember_persona(persona: Persona) -> None:
    """Keep a created persona for this gateway: in the library (across restarts) and the session."""
    kept = _session_personas()
    kept[:] = [persona] + [p for p in kept if p.persona_id != persona.persona_id]
    store = resources.history()
    if store is None:
        return
    try:
        store.add_persona(
            current_profile(),
            persona_id=persona.persona_id,
            name=persona.name,
            description=persona.description,
            root_clip_id=persona.root_clip_id,
            root_title=persona.root_title,
        )
    except HistoryUnavailable as error:
        resources.history_failed(error)


def remembered_personas() -> list[Persona]:
    """Personas known for the current gateway, newest first."""
    found = {p.persona_id: p for p in _session_personas()}
    store = resources.history()
    if store is not None:
        try:
            for persona in store.personas(current_profile()):
                found.setdefault(persona.persona_id, persona)
        except HistoryUnavailable as error:
            resources.history_failed(error)
    return list(found.values())
