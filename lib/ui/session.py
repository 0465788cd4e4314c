"""The one module that touches ``st.session_state`` and Streamlit's caches.

Per-user choices (language, gateway, session key) live in session state; the sandbox gateway is
one per server process; the HTTP client is one per browser session, so keys never mix.
"""
from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict

import streamlit as st

from lib.gateway.client import GatewayClient
from lib.gateway.profiles import CUSTOM, SANDBOX, GatewayProfile, load_profiles
from lib.gateway.errors import GatewayError
from lib.library.store import HistoryEntry, HistoryStore, HistoryUnavailable, data_dir, default_database_url
from lib.i18n import pick_language
from lib.studio.media_fetch import fetch_media
from lib.gateway.models import Task
from lib.sandbox import SandboxConfig, SandboxGateway
from lib.studio.song_jobs import Conversion

SANDBOX_KEY = "sandbox-demo-key"
# A fixed port keeps the sandbox's media URLs (stored in the history) valid across restarts.
SANDBOX_DEFAULT_PORT = 8599


@st.cache_resource(show_spinner=False)
def sandbox_gateway() -> SandboxGateway:
    config = SandboxConfig.fast() if os.environ.get("SANDBOX_FAST") else SandboxConfig()
    port = int(os.environ.get("SANDBOX_PORT") or SANDBOX_DEFAULT_PORT)
    try:
        return SandboxGateway(config, port=port, state_path=data_dir() / f"sandbox-{port}.json").start()
    except OSError:
        if os.environ.get("SANDBOX_PORT"):
            raise
        # Another app holds the port: this one's demo tasks then last until it stops.
        return SandboxGateway(config).start()


@st.cache_resource(scope="session", on_release=lambda client: client.close(), show_spinner=False)
def _client(base_url: str, api_key: str) -> GatewayClient:
    # GATEWAY_SUBMIT_TIMEOUT: seconds a paid POST waits for its answer before "outcome unknown".
    submit_timeout = float(os.environ.get("GATEWAY_SUBMIT_TIMEOUT") or 150)
    # GATEWAY_READ_TIMEOUT: seconds a read (a fetch, a conversion check) waits for its answer.
    read_timeout = float(os.environ.get("GATEWAY_READ_TIMEOUT") or 30)
    return GatewayClient(base_url, api_key, timeout=(5.0, read_timeout), submit_timeout=submit_timeout)


def _secrets() -> dict:
    try:
        return st.secrets.to_dict()
    except Exception:  # no secrets.toml anywhere raises; a broken one must not break the app
        return {}


def configured_profiles() -> list[GatewayProfile]:
    return load_profiles(os.environ, _secrets())


LANGUAGE_KEY = "lang"  # the language switch's own widget key: its labels (中文, English) never change


def language() -> str:
    if LANGUAGE_KEY not in st.session_state:
        st.session_state[LANGUAGE_KEY] = pick_language(st.context.locale)
    return st.session_state[LANGUAGE_KEY]


# --- Values the session keeps across pages and languages --------------------------------------
#
# Streamlit forgets a widget's value on a run that does not draw it (another page), and a widget
# whose option labels are translated cannot read back the label the browser still holds after a
# language switch. So the session owns each value under a plain key, and widgets are views of it:
# a widget's key carries the language ("gateway::en"), is seeded from the kept value when it is
# missing (first draw, back from another page, a new language), and every value the browser sent
# is taken back into the kept values at the start of each run (``capture_widgets``).

_KEPT = "kept_values"
_SEP = "::"


def _kept() -> dict[str, object]:
    return st.session_state.setdefault(_KEPT, {})


def widget_key(name: str, default: object = None, identity: object = None) -> str:
    """The key for the widget showing kept value ``name``; call it before drawing the widget.

    ``identity``: the widget parameters Streamlit hashes into a keyed widget's identity (a text
    field's max_chars): when they change Streamlit resets the widget, so it is seeded again."""
    key = f"{name}{_SEP}{language()}"
    kept = _kept()
    identities = st.session_state.setdefault(_IDENTITIES, {})
    same_widget = identities.get(key) == identity
    identities[key] = identity
    if name in kept:
        if same_widget and key in st.session_state and st.session_state[key] == kept[name]:
            return key  # unchanged: nothing is sent back to the browser
        # From the kept value (already up to date: ``capture_widgets`` ran first). Hence never
        # call this after the widget is drawn, nor for a widget inside a fragment.
        st.session_state[key] = kept[name]
    elif key not in st.session_state:
        st.session_state[key] = default
    return key


def value(name: str, default: object = None) -> object:
    """A kept value: what the user last chose, whichever page or language they chose it on."""
    key = f"{name}{_SEP}{language()}"
    if key in st.session_state:
        return st.session_state[key]
    return _kept().get(name, default)


def set_value(name: str, new_value: object) -> None:
    """Change a kept value from code (prefill, a callback): only before its widget is drawn."""
    _kept()[name] = new_value
    for key in [k for k in st.session_state.keys() if isinstance(k, str) and k.startswith(name + _SEP)]:
        if key.rsplit(_SEP, 1)[0] == name:
            del st.session_state[key]  # re-seeded from the kept value when next drawn


def forget_value(name: str) -> None:
    _kept().pop(name, None)
    set_value(name, None)
    _kept().pop(name, None)


def capture_widgets() -> None:
    """Take every value the browser sent back into the kept values (the frame calls it first).
    Only the widgets of the language the last run drew: the browser edited those."""
    kept = _kept()
    suffix = _SEP + st.session_state.get(_DRAWN_IN, language())
    for key in list(st.session_state.keys()):
        if isinstance(key, str) and key.endswith(suffix):
            kept[key[: -len(suffix)]] = st.session_state[key]
    st.session_state[_DRAWN_IN] = language()


_DRAWN_IN = "kept_values_language"
_IDENTITIES = "kept_values_widget_identity"


GATEWAY = "gateway"
CUSTOM_BASE_URL = "custom_base_url"
MEDIA_PROXY = "media_proxy"


def api_key_name(gateway_name: str, base_url: str) -> str:
    """The widget key of the key field: one field per gateway, so a key typed for one gateway is
    never sent to another. Not a kept value: a kept value is re-sent to the browser when its
    widget is drawn again, and a typed key must never travel back. Leaving the gateway forgets it."""
    return f"api_key|{gateway_name}|{base_url}"


def typed_key(gateway_name: str, base_url: str) -> str:
    return str(st.session_state.get(api_key_name(gateway_name, base_url)) or "").strip()


def gateway_choices() -> list[str]:
    return [p.name for p in configured_profiles()] + [SANDBOX, CUSTOM]


def current_gateway_name() -> str:
    choices = gateway_choices()
    name = value(GATEWAY)
    # The configuration can change under a session: fall back without touching the widget.
    return name if name in choices else choices[0]


def current_profile() -> GatewayProfile:
    """The gateway this session talks to, with the key typed for it applied."""
    name = current_gateway_name()
    if name == SANDBOX:
        return GatewayProfile(SANDBOX, sandbox_gateway().url, SANDBOX_KEY, is_sandbox=True)
    if name == CUSTOM:
        base_url = str(value(CUSTOM_BASE_URL) or "").strip()
        return GatewayProfile(CUSTOM, base_url, typed_key(CUSTOM, base_url))
    profile = next(p for p in configured_profiles() if p.name == name)
    return GatewayProfile(profile.name, profile.base_url,
                          typed_key(profile.name, profile.base_url) or profile.api_key)


def get_client() -> GatewayClient:
    """May raise ``InvalidInputError`` when the custom base URL is not an http(s) address."""
    profile = current_profile()
    return _client(profile.base_url, profile.api_key)


def client_for(gateway_name: str, gateway_url: str) -> tuple[GatewayClient, GatewayProfile] | None:
    """A client for the gateway a library row came from, if this session can reach it."""
    current = current_profile()
    if gateway_name == SANDBOX:
        profile = current if current.is_sandbox else GatewayProfile(
            SANDBOX, sandbox_gateway().url, SANDBOX_KEY, is_sandbox=True)
    elif gateway_name == current.name and (gateway_name != CUSTOM or gateway_url == current.base_url):
        profile = current
    else:
        profile = next((p for p in configured_profiles() if p.name == gateway_name), None)
    if profile is None or not profile.base_url or not profile.api_key:
        return None
    try:
        return _client(profile.base_url, profile.api_key), profile
    except GatewayError:
        return None


# --- History ---------------------------------------------------------------------------------

_history_failure: dict[str, tuple[float, str]] = {}
_history_failure_lock = threading.Lock()
HISTORY_RETRY_S = 30.0


@st.cache_resource(show_spinner=False)
def _history_store(url: str) -> HistoryStore:
    return HistoryStore(url)


def history() -> HistoryStore | None:
    """The library, or None while it is unavailable (retried every ``HISTORY_RETRY_S`` so a
    database that is down does not slow every rerun and polling tick)."""
    url = default_database_url()
    with _history_failure_lock:
        failed = _history_failure.get(url)
    if failed and time.time() - failed[0] < HISTORY_RETRY_S:
        return None
    try:
        store = _history_store(url)
    except HistoryUnavailable as error:
        history_failed(error)
        return None
    with _history_failure_lock:
        _history_failure.pop(url, None)
    return store


def history_failed(error: HistoryUnavailable) -> None:
    with _history_failure_lock:
        _history_failure[default_database_url()] = (time.time(), str(error))


def history_problem() -> str | None:
    with _history_failure_lock:
        failed = _history_failure.get(default_database_url())
    return failed[1] if failed else None


def record_in_history(task: Task) -> None:
    """Every task a gateway answered passes here (followed tasks, the batch table, the song
    tools' own tasks), so this is also where its media URLs become ones the server may fetch."""
    remember_gateway_media(task)
    store = history()
    if store is None:
        return
    try:
        store.record_task(task, current_profile())
    except HistoryUnavailable as error:
        history_failed(error)


def recent_tasks(limit: int = 6) -> list[HistoryEntry] | None:
    """The newest library rows that can be opened, or None while the library is unavailable."""
    store = history()
    if store is None:
        return None
    try:
        return [e for e in store.recent(limit * 2) if e.task_id][:limit]
    except HistoryUnavailable as error:
        history_failed(error)
        return None


def platform_of(task_id: str) -> str | None:
    """The platform of a task seen before: this session first, then the library."""
    known = known_platforms().get(task_id)
    if known is None:
        store = history()
        try:
            entry = store.find(task_id) if store else None
        except HistoryUnavailable as error:
            history_failed(error)
            entry = None
        if entry is not None:
            known = known_platforms()[task_id] = entry.platform
    return known


# --- Task page -------------------------------------------------------------------------------

@st.cache_resource(ttl=3600, max_entries=48, show_spinner=False)
def media_bytes(url: str, public_only: bool = False) -> tuple[bytes, str]:
    """Media downloaded by the server, cached per URL so a player keeps its file across reruns.
    ``cache_resource``: the bytes are immutable, so sharing them beats unpickling megabytes of
    audio on every polling tick. Callers decide first whether the URL may be fetched at all
    (``gateway_media``): this cache is shared by every session."""
    return fetch_media(url, public_only=public_only)


# Media URLs this session's gateways handed out: the only ones the server downloads (anything
# else, such as a pasted response's URLs, goes to the browser as it is). Per session, so one
# user's custom gateway cannot vouch for URLs in another's; bounded like an LRU.
GATEWAY_MEDIA_LIMIT = 5000
OPERATOR_GATEWAY = "operator"  # configured in the environment, secrets or the built-in sandbox
TYPED_GATEWAY = "typed"  # "Custom gateway…": its base URL came from the browser


def _gateway_media_urls() -> OrderedDict[str, str]:
    return st.session_state.setdefault("gateway_media", OrderedDict())


def remember_gateway_media(task: Task, profile: GatewayProfile | None = None) -> None:
    """Remember the media URLs of a task fetched from ``profile``'s gateway (the current one)."""
    profile = profile or current_profile()
    origin = TYPED_GATEWAY if profile.name == CUSTOM else OPERATOR_GATEWAY
    known = _gateway_media_urls()
    for song in task.songs:
        for url in (song.audio_url, song.image_url, song.video_url):
            if url:
                _remember_url(known, url, origin)


def _remember_url(known: OrderedDict[str, str], url: str, origin: str) -> None:
    if known.get(url) != OPERATOR_GATEWAY:  # an operator's gateway vouches more than a typed one
        known[url] = origin
    known.move_to_end(url)
    while len(known) > GATEWAY_MEDIA_LIMIT:
        known.popitem(last=False)


def gateway_media(url: str | None) -> str | None:
    """Where a media URL came from: ``OPERATOR_GATEWAY``, ``TYPED_GATEWAY``, or None when no
    gateway named it in this session. Song tools' WAV and video files count too: their URLs come
    from the gateway's answer, kept in the tool's job."""
    if not url:
        return None
    origin = _gateway_media_urls().get(url)
    if origin == OPERATOR_GATEWAY:
        return origin
    for (profile, _tool, _clip), job in tool_jobs().items():
        if isinstance(job, Conversion) and job.url == url:
            converted = TYPED_GATEWAY if profile.startswith(f"{CUSTOM}|") else OPERATOR_GATEWAY
            return OPERATOR_GATEWAY if OPERATOR_GATEWAY in (origin, converted) else converted
    return origin


def media_through_server() -> bool:
    return bool(value(MEDIA_PROXY, False))


def finished_tasks() -> dict[str, Task]:
    """Terminal tasks are immutable: fetched once per session, never polled again."""
    return st.session_state.setdefault("finished_tasks", {})


def known_platforms() -> dict[str, str]:
    return st.session_state.setdefault("known_platforms", {})


def follow_started(task_id: str, *, reset: bool = False) -> float:
    """When this session started following a task (for slowing down and giving up)."""
    starts = st.session_state.setdefault("follow_started", {})
    if reset or task_id not in starts:
        starts[task_id] = time.time()
    return starts[task_id]


def last_seen(task_id: str) -> tuple[Task, float] | None:
    return st.session_state.setdefault("last_seen", {}).get(task_id)


def remember_seen(task: Task, task_id: str) -> None:
    st.session_state.setdefault("last_seen", {})[task_id] = (task, time.time())
    known_platforms()[task_id] = task.platform
    record_in_history(task)
    if task.is_terminal:
        finished_tasks()[task_id] = task


def stopped_errors() -> dict[str, GatewayError]:
    """Errors that end following a task (not found, bad key…) until the user retries."""
    return st.session_state.setdefault("stopped_errors", {})


def missing_tasks() -> set[str]:
    return st.session_state.setdefault("missing_tasks", set())


def pasted_task() -> Task | None:
    return st.session_state.get("pasted_task")


def set_pasted_task(task: Task | None) -> None:
    st.session_state["pasted_task"] = task


def table_refreshed_at() -> float:
    return st.session_state.get("table_refreshed_at", 0.0)


def mark_table_refreshed() -> None:
    st.session_state["table_refreshed_at"] = time.time()


# --- Create page -----------------------------------------------------------------------------

def set_create_prefill(platform: str, mode: str, values: dict) -> None:
    """What a Task page action (extend, cover, reuse prompt, use lyrics) hands to the Create page."""
    st.session_state["create_prefill"] = {"platform": platform, "mode": mode, "values": dict(values)}


def take_create_prefill() -> dict | None:
    return st.session_state.pop("create_prefill", None)


def flash(message: str, icon: str = ":material/check_circle:") -> None:
    """A toast for the next page shown (a page switch would swallow one shown now)."""
    st.session_state.setdefault("flash", []).append((message, icon))


def show_flash() -> None:
    for message, icon in st.session_state.pop("flash", []):
        st.toast(message, icon=icon)


def _session_personas() -> list[dict]:
    """Personas created in this session for the current gateway, when the library cannot keep them."""
    return st.session_state.setdefault("personas", {}).setdefault(profile_key(), [])


def remember_persona(record: dict) -> None:
    """Keep a created persona for this gateway: in the library (across restarts) and the session."""
    profile = current_profile()
    session = _session_personas()
    session[:] = [record] + [p for p in session if p["id"] != record["id"]]
    store = history()
    if store is None:
        return
    try:
        store.add_persona(profile, persona_id=record["id"], name=record.get("name", ""),
                          description=record.get("description", ""),
                          root_clip_id=record.get("root_clip_id", ""), root_title=record.get("root_title", ""))
    except HistoryUnavailable as error:
        history_failed(error)


def remembered_personas() -> list[dict]:
    """Personas known for the current gateway, newest first: {id, name, description, root_clip_id, root_title}."""
    found = {p["id"]: p for p in _session_personas()}
    store = history()
    if store is not None:
        try:
            for persona in store.personas(current_profile()):
                found.setdefault(persona.persona_id, {
                    "id": persona.persona_id, "name": persona.name, "description": persona.description,
                    "root_clip_id": persona.root_clip_id, "root_title": persona.root_title})
        except HistoryUnavailable as error:
            history_failed(error)
    return list(found.values())


# --- Song tools and what the gateway offers --------------------------------------------------

def profile_key(profile: GatewayProfile | None = None) -> str:
    profile = profile or current_profile()
    return f"{profile.name}|{profile.base_url}"


def capabilities(profile: GatewayProfile | None = None) -> dict[str, str]:
    """What this session has learned the gateway offers: {capability: "offered" | "missing"}.
    Per session, because a gateway's routes can change and a restart should ask again."""
    return st.session_state.setdefault("capabilities", {}).setdefault(profile_key(profile), {})


def learn_capability(name: str, offered: bool, profile: GatewayProfile | None = None) -> None:
    capabilities(profile)[name] = "offered" if offered else "missing"


def tool_jobs() -> dict[tuple[str, str, str], object]:
    """Song tool jobs and results: {(profile key, tool, clip ID): job}."""
    return st.session_state.setdefault("song_tool_jobs", {})


def export_packs() -> dict[str, object]:
    """Built export packs, by task ID, kept until the session ends or a new one is built."""
    return st.session_state.setdefault("export_packs", {})
