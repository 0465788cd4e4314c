"""What a Streamlit server shares between sessions, each made once: the built-in sandbox gateway,
the library's store, downloaded media — and, per browser session, its HTTP client.

The only module beside ``session`` that uses Streamlit's caches; nothing here reads or writes
session state.
"""

from __future__ import annotations

import logging
import os
import threading
import time

import streamlit as st

from lib.gateway.addresses import origin
from lib.gateway.client import GatewayClient
from lib.gateway.profiles import GatewayProfile
from lib.library.media_store import MediaStore, MediaStoreError, open_media_store
from lib.library.store import HistoryStore, HistoryUnavailable
from lib.sandbox import SandboxConfig, SandboxGateway
from lib.settings import Settings, load_settings
from lib.studio.media_cache import MediaCache
from lib.studio.media_fetch import fetch_media
from lib.studio.webhook import WebhookReceiver

SANDBOX_KEY = "sandbox-demo-key"


def settings() -> Settings:
    """The settings as they are now (cheap to read; tests change the environment between runs).
    Raises ``SettingsError``: the frame shows it and stops."""
    return load_settings(os.environ, _secrets())


@st.cache_resource(show_spinner=False)
def sandbox_gateway(provider: str = "") -> SandboxGateway:
    """The app's own sandbox, one per dialect (``provider``; blank: ``SANDBOX_PROVIDER``'s). The
    first dialect has the fixed port, so the media URLs in the library stay valid; another dialect,
    picked in the sidebar for a demo, runs beside it on a free port."""
    current = settings()
    provider = provider or current.sandbox_provider
    config = SandboxConfig.fast(provider=provider) if current.sandbox_fast else SandboxConfig(provider=provider)
    if provider != current.sandbox_provider:
        gateway = SandboxGateway(config, state_path=current.data_dir / f"sandbox-{provider}.json").start()
        _SANDBOX_DIALECTS[gateway.url] = provider
        return gateway
    port = current.sandbox_port
    try:
        return SandboxGateway(config, port=port, state_path=current.data_dir / f"sandbox-{port}.json").start()
    except OSError:
        if current.sandbox_port_chosen:
            raise
        # Another app holds the port: this one's demo tasks then last until it stops.
        return SandboxGateway(config).start()


# The URL of each sandbox started in another dialect: a library row made there names its URL only.
_SANDBOX_DIALECTS: dict[str, str] = {}


def sandbox_dialect(url: str) -> str:
    """The dialect of the app's sandbox at ``url`` ("": the first one's, or not one of them)."""
    return _SANDBOX_DIALECTS.get(url, "")


def sandbox_profile(provider: str = "") -> GatewayProfile:
    provider = provider or settings().sandbox_provider
    return GatewayProfile("sandbox", sandbox_gateway(provider).url, SANDBOX_KEY, is_sandbox=True, provider=provider)


def client(base_url: str, api_key: str, public_only: bool = False, provider: str = "newapi") -> GatewayClient:
    """One client per browser session, gateway and dialect: keys and connections never mix. Built
    under the timeouts set now: a client made under others is not served again."""
    current = settings()
    return _client(base_url, api_key, public_only, provider, current.read_timeout_s, current.submit_timeout_s)


@st.cache_resource(scope="session", on_release=lambda client: client.close(), show_spinner=False)
def _client(
    base_url: str, api_key: str, public_only: bool, provider: str, read_timeout_s: float, submit_timeout_s: float
) -> GatewayClient:
    """``public_only``: a gateway typed in the browser, which may reach public addresses only."""
    return GatewayClient(
        base_url,
        api_key,
        timeout=(5.0, read_timeout_s),
        submit_timeout=submit_timeout_s,
        public_only=public_only,
        provider=provider,
    )


def operator_origins() -> set[tuple[str, str, int | None]]:
    """Where the operator's gateways and the app's own sandbox live: a visitor may type these
    addresses as a custom gateway even when they are private, since the operator exposed them."""
    urls = [p.base_url for p in settings().gateways]  # every one: another user's may be allowed
    try:
        urls.append(sandbox_gateway().url)
    except OSError:  # its chosen port is taken: there is no sandbox of the app's own to allow
        pass
    return {origin(url) for url in urls}


def _secrets() -> dict:
    try:
        return st.secrets.to_dict()
    except Exception:  # no secrets.toml anywhere raises; a broken one must not break the app
        return {}


def configured_profiles() -> list[GatewayProfile]:
    """The configured gateways this session's visitor may use (the operator's policy)."""
    from lib.ui import access  # access reads this module's settings and library: import late

    return access.usable_profiles()


# --- The library -----------------------------------------------------------------------------

_history_failure: dict[str, tuple[float, str]] = {}
_history_failure_lock = threading.Lock()
HISTORY_RETRY_S = 30.0
# A paid POST waits for its connection (the client's 5 s connect timeout) and then at most the
# submit timeout for its answer; a row still Sending after both was left by a process that died.
_SUBMIT_CONNECT_S = 5.0
# How often a running server looks for such rows (another replica may have died mid-POST): a read
# that finds none costs no write.
SENDING_SWEEP_S = 30.0
_swept: dict[str, float] = {}


def sending_timeout_s() -> float:
    """How old a *Sending* row may be before it is *Outcome unknown* (no POST waits that long)."""
    return settings().submit_timeout_s + _SUBMIT_CONNECT_S


@st.cache_resource(show_spinner=False)
def _history_store(url: str) -> HistoryStore:
    return HistoryStore(url)


def history() -> HistoryStore | None:
    """The library as this session's visitor sees it (their own rows; everything for operators
    and the single local user), or None while it is unavailable."""
    store = library()
    if store is None:
        return None
    from lib.ui import access  # access reads this module's settings and library: import late

    who = access.visitor()
    return store.scoped(who.owner, sees_all=who.sees_all)


def library() -> HistoryStore | None:
    """The whole library, shared by every session; pages use ``history()``. None while it is
    unavailable (retried every ``HISTORY_RETRY_S`` so a database that is down, or silent, does
    not slow every rerun and polling tick: the store's own timeouts bound the one attempt)."""
    url = settings().database_url
    with _history_failure_lock:
        failed = _history_failure.get(url)
    if failed and time.time() - failed[0] < HISTORY_RETRY_S:
        return None
    try:
        store = _history_store(url)
        _end_stale_sends(store, url)
    except HistoryUnavailable as error:
        history_failed(error)
        return None
    with _history_failure_lock:
        _history_failure.pop(url, None)
    return store


def _end_stale_sends(store: HistoryStore, url: str) -> None:
    """*Sending* rows whose POST no process still waits for (it was killed mid-POST) become
    *Outcome unknown*: the first time this server gets the store (start-up), then every
    ``SENDING_SWEEP_S``. The History page's refresh does the same."""
    now = time.time()
    with _history_failure_lock:
        if now - _swept.get(url, float("-inf")) < SENDING_SWEEP_S:
            return
        _swept[url] = now
    store.expire_sending(sending_timeout_s())


def history_failed(error: HistoryUnavailable) -> None:
    with _history_failure_lock:
        _history_failure[settings().database_url] = (time.time(), str(error))


def history_problem() -> str | None:
    with _history_failure_lock:
        failed = _history_failure.get(settings().database_url)
    return failed[1] if failed else None


# --- The webhook receiver --------------------------------------------------------------------


@st.cache_resource(show_spinner=False, on_release=lambda receiver: receiver.stop())
def _webhook_receiver(host: str, port: int, secret: str, database_url: str) -> WebhookReceiver:
    return WebhookReceiver(_history_store(database_url), secret, host=host, port=port).start()


def webhook_receiver() -> WebhookReceiver | None:
    """The receiver of gateways' callbacks (``lib.studio.webhook``), started on the app's first
    run when ``WEBHOOK_PORT`` is set; None when it is off or cannot start (its port is taken, the
    library is down: said in the log, tried again on the next run)."""
    current = settings()
    hook = current.webhook
    if hook is None:
        return None
    try:
        return _webhook_receiver(hook.host, hook.port, hook.secret, current.database_url)
    except (OSError, HistoryUnavailable) as error:
        logging.getLogger(__name__).warning("webhook receiver not started on port %s: %s", hook.port, error)
        return None


def callback_url() -> str:
    """What a submit's ``notify_hook`` / callback URL gets while the receiver runs; "" otherwise."""
    hook = settings().webhook
    return hook.callback_url if hook is not None and webhook_receiver() is not None else ""


# --- Media -----------------------------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def _media_cache(max_bytes: int) -> MediaCache:
    return MediaCache(max_bytes, ttl_s=3600)


def media_bytes(url: str, public_only: bool = False) -> tuple[bytes, str]:
    """Media downloaded by the server, kept per URL so a player keeps its file across reruns,
    shared by every session (the bytes are immutable: no copy per session or rerun) and bounded
    by ``MEDIA_CACHE_MB`` in total (``lib.studio.media_cache``). Callers decide first whether the
    URL may be fetched at all (``session.gateway_media``): this cache is shared by every session."""
    cache = _media_cache(int(settings().media_cache_mb * 2**20))
    return cache.get((url, public_only), lambda: fetch_media(url, public_only=public_only))


# --- Published pages' media ---------------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def _media_store(url: str) -> MediaStore:
    return open_media_store(url)


def media_store() -> MediaStore | None:
    """Where published pages keep their media copies (``MEDIA_STORE_URL``: a folder, or S3), or
    None when it cannot be opened (publishing then keeps the gateway's links only)."""
    try:
        return _media_store(settings().media_store_url)
    except MediaStoreError as error:
        logging.getLogger(__name__).warning("media store unavailable: %s", error)
        return None
