"""Every setting the app reads, in one object, read from the environment and ``secrets.toml`` and
checked when the app starts: a bad value stops the app with a message naming the setting, instead
of failing later deep inside a cached resource.

| Setting | Default | What it does |
|---|---|---|
| ``GATEWAY_BASE_URL``, ``GATEWAY_API_KEY``, ``GATEWAY_NAME`` | none | a configured gateway (more in secrets) |
| ``GATEWAY_PROVIDER`` | newapi | its dialect: newapi, sunoapi, acedata, piapi, suno-api (secrets: ``provider``) |
| ``GATEWAY_ROUTES`` | default | ``v1``: a new-api gateway with only the v1 routes (secrets: ``routes``) |
| ``GATEWAY_READ_TIMEOUT`` | 30 | seconds a free read (a fetch, a check) waits for its answer |
| ``GATEWAY_SUBMIT_TIMEOUT`` | 150 | seconds a paid POST waits before its outcome is "unknown" |
| ``HISTORY_DATABASE_URL`` | SQLite in the data directory | the library's database (SQLAlchemy URL) |
| ``MUSIC_TASK_STUDIO_DATA_DIR`` | the platform's user data directory | the library and sandbox files |
| ``MEDIA_STORE_URL`` | ``file://<data_dir>/media`` | published media: ``file:///folder``, ``s3://bucket/prefix?…`` |
| ``SANDBOX_PORT`` | 8599 | the built-in sandbox gateway's loopback port (fixed: stored media URLs stay valid) |
| ``SANDBOX_FAST`` | off | sandbox tasks finish in about a second (demos, tests) |
| ``SANDBOX_PROVIDER`` | newapi | the dialect the built-in sandbox speaks first (the sidebar offers the others) |
| ``ALLOW_PRIVATE_CUSTOM_GATEWAYS`` | off | a typed-in custom gateway may be private (single-user machines) |
| ``MUSIC_TASK_STUDIO_LOG_LEVEL`` | WARNING | the app's log level (DEBUG shows every retry decision) |
| ``MEDIA_CACHE_MB`` | 64 | megabytes of downloaded media the server keeps for every session (0: none kept) |
| ``BATCH_INTERVAL_S`` | 2 | seconds between two paid POSTs of a batch (the Batch page) |
| ``TASK_POLL_S`` | 5 | seconds between two fetches of a running task in its first two minutes (then 2× and 4×) |
| ``WEBHOOK_PORT`` | off | turns the webhook receiver on, on this port (docs/deploying.md) |
| ``WEBHOOK_SECRET`` | none | the receiver's secret token, in its URL (required with the port; 16+ of A–Z a–z 0–9 _ -) |
| ``WEBHOOK_PUBLIC_URL`` | ``http://127.0.0.1:<port>`` | where gateways reach the receiver (a reverse proxy's address) |
| ``WEBHOOK_HOST`` | 127.0.0.1 | the address the receiver listens on (0.0.0.0: every interface) |

Root-level values of ``.streamlit/secrets.toml`` count as environment variables (Streamlit sets
them), and its ``[gateways.<name>]`` sections add gateways. Its ``[auth]`` section turns on
sign-in (Streamlit's own OIDC ``st.login``; see docs/sharing.md) and ``[access]`` holds the
operator's policy (``lib.access.policy``). ``MEDIA_STORE_URL``'s forms and options are in
``lib.library.media_store``; an S3 store's credentials come the standard boto3 way, never in it.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib.util import find_spec
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from lib.access.policy import AccessPolicy, PolicyError, load_policy
from lib.gateway import providers
from lib.gateway.addresses import base_url_extras
from lib.gateway.profiles import ROUTE_SETS, V1_ROUTES, GatewayProfile, load_profiles, provider_name, routes_name
from lib.library.media_store import MediaStoreError, parse_media_store_url
from lib.library.paths import data_dir, default_database_url
from lib.studio.task_lookup import DEFAULT_TASK_POLL_S

SANDBOX_DEFAULT_PORT = 8599
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}


class SettingsError(ValueError):
    """A setting with a value the app cannot use; ``name`` is the setting's name."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"{name}: {problem}")
        self.name = name
        self.problem = problem


@dataclass(frozen=True)
class Settings:
    gateways: tuple[GatewayProfile, ...] = ()
    read_timeout_s: float = 30.0
    submit_timeout_s: float = 150.0
    database_url: str = ""
    data_dir: Path = field(default_factory=Path)
    media_store_url: str = ""  # checked; opened by whoever keeps published media
    sandbox_port: int = SANDBOX_DEFAULT_PORT
    sandbox_port_chosen: bool = False  # an explicit port must be used, not worked around
    sandbox_fast: bool = False
    sandbox_provider: str = "newapi"  # the dialect the app's own sandbox speaks unless a visitor picks another
    # Off: "Custom gateway…" reaches public addresses only, so a visitor cannot make the server
    # request its own neighbourhood (loopback, the LAN, cloud metadata) and show the answer.
    allow_private_custom_gateways: bool = False
    log_level: str | None = None  # None: not set, Python's default (warnings and errors only)
    # Media the server downloaded (for players and downloads), kept for every session: bounded by
    # bytes, since one song's file may be tens of MB. 64 MB holds about 20 followed tasks' covers
    # and streaming previews; a miss only downloads the file again.
    media_cache_mb: float = 64.0
    # Sign-in: off without an [auth] section (the single-user local tool); the provider's name
    # for st.login, "" for the [auth] section's own client.
    sign_in: bool = False
    sign_in_provider: str = ""
    access: AccessPolicy = field(default_factory=AccessPolicy)
    batch_interval_s: float = 2.0
    # A followed task's first fetches (the Task page, the task table); later ones slow to 2× and 4×.
    # new-api refreshes upstream every ~15 s, so 5 s is already eager; a private gateway that
    # finishes in seconds (or a test suite) may ask more often, a strictly rate-limited one less.
    task_poll_s: float = DEFAULT_TASK_POLL_S
    webhook: WebhookSettings | None = None  # None: the receiver is off (the default)


@dataclass(frozen=True)
class WebhookSettings:
    """The webhook receiver (``lib.studio.webhook``): where it listens, and the URL gateways POST to."""

    port: int
    secret: str = field(repr=False)
    public_url: str = ""  # without a trailing slash
    host: str = "127.0.0.1"

    @property
    def callback_url(self) -> str:
        """What goes into a submit's ``notify_hook`` / callback URL field."""
        return f"{self.public_url}/callback/{self.secret}"


def load_settings(environ: Mapping[str, str] = os.environ, secrets: Mapping[str, Any] | None = None) -> Settings:
    """Raises ``SettingsError`` naming the first setting that is wrong."""
    secrets = secrets or {}
    gateways = tuple(load_profiles(environ, secrets))
    for index, profile in enumerate(gateways):
        from_environment = index == 0 and bool(_env(environ, "GATEWAY_BASE_URL"))
        section = f"gateway {profile.name!r}: "
        _check_url(profile.base_url, "GATEWAY_BASE_URL" if from_environment else section + "base_url")
        _check_provider(profile.provider, "GATEWAY_PROVIDER" if from_environment else section + "provider")
    _check_routes(environ, secrets)
    database_url = default_database_url(environ)
    if "://" not in database_url:
        raise SettingsError("HISTORY_DATABASE_URL", "not a database URL (sqlite:///… or postgresql+psycopg://…)")
    port_text = _env(environ, "SANDBOX_PORT")
    sign_in, provider = _sign_in(secrets)
    try:
        access = load_policy(secrets)
    except PolicyError as error:
        raise SettingsError(error.name, error.problem) from None
    return Settings(
        gateways=gateways,
        read_timeout_s=_seconds(environ, "GATEWAY_READ_TIMEOUT", 30.0),
        submit_timeout_s=_seconds(environ, "GATEWAY_SUBMIT_TIMEOUT", 150.0),
        database_url=database_url,
        data_dir=data_dir(environ),
        media_store_url=_media_store_url(environ),
        sandbox_port=_port(port_text) if port_text else SANDBOX_DEFAULT_PORT,
        sandbox_port_chosen=bool(port_text),
        sandbox_fast=_flag(environ, "SANDBOX_FAST"),
        sandbox_provider=_sandbox_provider(environ),
        allow_private_custom_gateways=_flag(environ, "ALLOW_PRIVATE_CUSTOM_GATEWAYS"),
        log_level=_log_level(environ),
        media_cache_mb=_megabytes(environ, "MEDIA_CACHE_MB", 64.0),
        sign_in=sign_in,
        sign_in_provider=provider,
        access=access,
        batch_interval_s=_bounded_seconds(environ, "BATCH_INTERVAL_S", 2.0, 0, 600),
        task_poll_s=_bounded_seconds(environ, "TASK_POLL_S", DEFAULT_TASK_POLL_S, 1, 60),
        webhook=_webhook(environ),
    )


_PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")


def _sign_in(secrets: Mapping[str, Any]) -> tuple[bool, str]:
    """Whether ``[auth]`` turns sign-in on, and with which provider: its own keys, or its one
    ``[auth.<name>]`` section. What Streamlit would only find at the first sign-in (a missing
    redirect URI or cookie secret) is named here, when the app starts."""
    auth = secrets.get("auth")
    if auth is None:
        return False, ""
    if not isinstance(auth, Mapping):
        raise SettingsError("auth", "must be a section ([auth])")
    for name in ("redirect_uri", "cookie_secret"):
        if not str(auth.get(name) or "").strip():
            raise SettingsError(f"auth.{name}", "is missing: sign-in needs it (see docs/sharing.md)")
    if not str(auth["redirect_uri"]).rstrip("/").endswith("/oauth2callback"):
        raise SettingsError("auth.redirect_uri", "must end with /oauth2callback (Streamlit's sign-in callback)")
    if find_spec("authlib") is None:  # st.login would fail only when a visitor clicks "Sign in"
        raise SettingsError("auth", "needs Authlib, which is not installed: pip install -r requirements.txt")
    providers = [name for name, value in auth.items() if isinstance(value, Mapping)]
    if all(str(auth.get(key) or "").strip() for key in _PROVIDER_KEYS):
        return True, ""
    if len(providers) == 1:
        section = auth[providers[0]]
        missing = [key for key in _PROVIDER_KEYS if not str(section.get(key) or "").strip()]
        if missing:
            raise SettingsError(f"auth.{providers[0]}.{missing[0]}", "is missing: sign-in needs it")
        return True, str(providers[0])
    if providers:
        raise SettingsError("auth", "names several providers: keep one [auth.<name>] section")
    raise SettingsError("auth.client_id", "is missing: give client_id, client_secret and server_metadata_url")


def configure_logging(level: str | None) -> None:
    """The app's modules log under ``lib``; Streamlit configures only its own loggers. Not set,
    they are left to Python's defaults (and to whoever configures the root logger, as pytest)."""
    if level is None:
        return
    logger = logging.getLogger("lib")
    logger.setLevel(level)
    if not any(getattr(h, "_music_task_studio", False) for h in logger.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler._music_task_studio = True  # type: ignore[attr-defined]
        logger.addHandler(handler)


# glibc's mallopt parameters (malloc.h) and its own starting threshold for both.
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
_LARGE_BLOCK = 128 * 1024
_ALLOCATOR_VARIABLES = ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_")
_allocator: list[bool] = []  # the outcome, once tried


def configure_allocator(environ: Mapping[str, str] = os.environ) -> bool:
    """Keep glibc handing large freed blocks back to the system; whether that was done (once).

    glibc raises its mmap threshold to the size of each large block freed (up to 32 MB), so after
    one media file or big answer is freed, every later block of that size comes from the heap,
    whose holes are never returned: the server's memory then grows by several MB per session and
    stays there after the sessions close (benchmarks/capacity.py). A fixed threshold keeps such
    blocks mapped and unmapped whole. Left alone on other C libraries, and when the operator
    tuned glibc's malloc through its environment variables."""
    if not _allocator:
        _allocator.append(_fix_thresholds(environ))
    return _allocator[0]


def _fix_thresholds(environ: Mapping[str, str]) -> bool:
    import ctypes
    import platform

    tuned = any(name in environ for name in _ALLOCATOR_VARIABLES) or "malloc" in environ.get("GLIBC_TUNABLES", "")
    if tuned or platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    return all(mallopt(option, _LARGE_BLOCK) == 1 for option in (_M_MMAP_THRESHOLD, _M_TRIM_THRESHOLD))


def _env(environ: Mapping[str, str], name: str, default: str = "") -> str:
    return (environ.get(name) or "").strip() or default


def _seconds(environ: Mapping[str, str], name: str, default: float) -> float:
    text = _env(environ, name)
    if not text:
        return default
    try:
        seconds = float(text)
    except ValueError:
        raise SettingsError(name, f"{text!r} is not a number of seconds") from None
    if not 0 < seconds <= 3600:
        raise SettingsError(name, f"{text} is out of range (more than 0, at most 3600 seconds)")
    return seconds


def _megabytes(environ: Mapping[str, str], name: str, default: float) -> float:
    text = _env(environ, name)
    if not text:
        return default
    try:
        megabytes = float(text)
    except ValueError:
        raise SettingsError(name, f"{text!r} is not a number of megabytes") from None
    if not 0 <= megabytes <= 65536:
        raise SettingsError(name, f"{text} is out of range (0 to 65536 megabytes)")
    return megabytes


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise SettingsError("SANDBOX_PORT", f"{text!r} is not a port number") from None
    if not 1 <= port <= 65535:
        raise SettingsError("SANDBOX_PORT", f"{port} is not between 1 and 65535")
    return port


def _media_store_url(environ: Mapping[str, str]) -> str:
    """``MEDIA_STORE_URL``, else the ``media`` folder in the data directory, checked (nothing is
    opened or contacted). The problem named never repeats the URL: it might carry a secret."""
    url = _env(environ, "MEDIA_STORE_URL") or (data_dir(environ) / "media").absolute().as_uri()
    try:
        parse_media_store_url(url)
    except MediaStoreError as error:
        raise SettingsError("MEDIA_STORE_URL", str(error)) from None
    return url


def _flag(environ: Mapping[str, str], name: str) -> bool:
    text = _env(environ, name).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise SettingsError(name, f"{text!r} is neither on (1, true, yes) nor off (0, false, no)")


def _bounded_seconds(environ: Mapping[str, str], name: str, default: float, low: float, high: float) -> float:
    text = _env(environ, name)
    if not text:
        return default
    try:
        seconds = float(text)
    except ValueError:
        raise SettingsError(name, f"{text!r} is not a number of seconds") from None
    if not low <= seconds <= high:
        raise SettingsError(name, f"{text} is out of range ({low:g} to {high:g} seconds)")
    return seconds


_SECRET_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


def _webhook(environ: Mapping[str, str]) -> WebhookSettings | None:
    """The receiver's settings, or None when ``WEBHOOK_PORT`` is not set. The secret is never
    repeated in a problem: it is the only thing that keeps forged callbacks out."""
    port_text = _env(environ, "WEBHOOK_PORT")
    if not port_text or port_text.lower() in _FALSE:
        return None
    try:
        port = int(port_text)
    except ValueError:
        raise SettingsError("WEBHOOK_PORT", f"{port_text!r} is not a port number") from None
    if not 1 <= port <= 65535:
        raise SettingsError("WEBHOOK_PORT", f"{port} is not between 1 and 65535")
    secret = _env(environ, "WEBHOOK_SECRET")
    if not secret:
        raise SettingsError("WEBHOOK_SECRET", "is missing: the receiver needs one (see docs/deploying.md)")
    if len(secret) < 16 or not set(secret) <= _SECRET_CHARS:
        raise SettingsError("WEBHOOK_SECRET", "must be at least 16 characters of A-Z, a-z, 0-9, _ and -")
    public_url = _env(environ, "WEBHOOK_PUBLIC_URL", f"http://127.0.0.1:{port}").rstrip("/")
    parts = urlsplit(public_url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise SettingsError("WEBHOOK_PUBLIC_URL", f"{public_url!r} is not an http(s) address without a query")
    return WebhookSettings(port, secret, public_url, _env(environ, "WEBHOOK_HOST", "127.0.0.1"))


def _log_level(environ: Mapping[str, str]) -> str | None:
    level = _env(environ, "MUSIC_TASK_STUDIO_LOG_LEVEL").upper()
    if not level:
        return None
    if level not in LOG_LEVELS:
        raise SettingsError("MUSIC_TASK_STUDIO_LOG_LEVEL", f"{level!r} is not one of {', '.join(LOG_LEVELS)}")
    return level


def _sandbox_provider(environ: Mapping[str, str]) -> str:
    provider = (_env(environ, "SANDBOX_PROVIDER") or providers.DEFAULT).lower()
    _check_provider(provider, "SANDBOX_PROVIDER")
    return provider


def _check_provider(provider: str, name: str) -> None:
    if provider not in providers.NAMES:
        raise SettingsError(name, f"{provider!r} is not a known provider (one of {', '.join(providers.NAMES)})")


def _check_url(url: str, name: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SettingsError(name, f"{url!r} is not an http(s) address")
    extras = base_url_extras(url)
    if extras:  # the app appends its routes to the base URL: these would swallow or hide them
        raise SettingsError(name, f"{url!r} carries {extras}: give the gateway's address only")


def _check_routes(environ: Mapping[str, str], secrets: Mapping[str, Any]) -> None:
    """``routes`` says which route set a new-api gateway offers: the usual one, or ``v1`` only."""
    named = [("GATEWAY_ROUTES", environ.get("GATEWAY_ROUTES"), environ.get("GATEWAY_PROVIDER"))]
    sections = secrets.get("gateways")
    for name, section in sections.items() if isinstance(sections, Mapping) else ():
        if isinstance(section, Mapping):
            named.append((f"gateway {name!r}: routes", section.get("routes"), section.get("provider")))
    for name, value, provider in named:
        routes = routes_name(value)
        if routes not in ROUTE_SETS:
            raise SettingsError(name, f'{value!r} is not a route set (leave it out, or write "v1")')
        if routes == V1_ROUTES and provider_name(provider) not in ("newapi", "newapi-v1"):
            raise SettingsError(name, "the v1 routes belong to the new-api family: drop provider, or routes")
