"""A published song page's snapshot: what a finished task's songs were (titles, tags, lyrics,
duration, model) and where their media is — copies in the media store, so the page outlives the
gateway CDN's expiring links, or the gateway's own URLs when the owner keeps no copies.

No Streamlit and no gateway here: the caller passes ``fetch`` (the app's rule for which URLs the
server may download — only those a gateway named — with its size and time caps) and the media
store. Every copy is checked by its bytes (``media_check``): what is not really an image, audio or
video file is left out and said so, never stored.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from lib.gateway.addresses import is_http_url
from lib.gateway.errors import GatewayError
from lib.gateway.models import Task, TaskStatus
from lib.library.media_store import MediaStore, MediaStoreError
from lib.studio.media_check import verify
from lib.studio.task_lookup import app_base

SNAPSHOT_VERSION = 1
KINDS = ("image", "audio", "video")
MAX_SONGS = 20  # a task holds two to a handful; the cap keeps a page (and its copies) bounded
_TEXT_CAP = 20_000  # per field: lyrics are a few thousand characters

Fetch = Callable[[str], tuple[bytes, str]]


@dataclass(frozen=True)
class PublishedMedia:
    """A copy in the media store (``key``, its checked type) or the gateway's URL for the browser."""

    key: str = ""
    url: str = ""
    mime: str = ""
    ext: str = ""


@dataclass(frozen=True)
class PublishedSong:
    title: str = ""
    tags: tuple[str, ...] = ()
    lyrics: str = ""
    duration: float | None = None
    model: str = ""
    image: PublishedMedia | None = None
    audio: PublishedMedia | None = None
    video: PublishedMedia | None = None


@dataclass(frozen=True)
class Snapshot:
    title: str
    platform: str
    songs: tuple[PublishedSong, ...]
    # What could not be copied, as (song number, kind, reason code): shown to the owner, not on
    # the public page.
    skipped: tuple[tuple[int, str, str], ...] = field(default_factory=tuple)


def publishable(task: Task | None) -> bool:
    return task is not None and task.status is TaskStatus.SUCCESS and bool(task.songs)


def publication_link(app_url: str | None, token: str) -> str:
    """The published page's link: the token is the whole permission, so nothing else goes in."""
    return f"{app_base(app_url)}/listen?p={token}"


def media_prefix(token: str) -> str:
    return f"published/{token}/"


def make_snapshot(task: Task, token: str, *, store: MediaStore | None, fetch: Fetch | None) -> Snapshot:
    """The snapshot of ``task`` for the page at ``token``. With ``store`` and ``fetch`` the media
    is copied (under ``media_prefix(token)``); without, the page points at the gateway's URLs."""
    songs: list[PublishedSong] = []
    skipped: list[tuple[int, str, str]] = []
    for number, song in enumerate(task.songs[:MAX_SONGS], start=1):
        found: dict[str, PublishedMedia | None] = {}
        for kind, url in (("image", song.image_url), ("audio", song.audio_url), ("video", song.video_url)):
            if not url:
                found[kind] = None
            elif not is_http_url(url):
                found[kind] = None
                skipped.append((number, kind, "not_http"))
            elif store is None or fetch is None:
                found[kind] = PublishedMedia(url=url)
            else:
                found[kind], problem = _copy(url, kind, f"{media_prefix(token)}{number}-{kind}", store, fetch)
                if problem:
                    skipped.append((number, kind, problem))
        songs.append(
            PublishedSong(
                title=song.title[:500],
                tags=tuple(tag[:100] for tag in song.tags[:30]),
                lyrics=song.lyrics[:_TEXT_CAP],
                duration=song.duration,
                model=song.model[:100],
                **found,
            )
        )
    title = next((s.title for s in songs if s.title), "")
    return Snapshot(title=title, platform=task.platform, songs=tuple(songs), skipped=tuple(skipped))


def _copy(url: str, kind: str, key: str, store: MediaStore, fetch: Fetch) -> tuple[PublishedMedia | None, str]:
    """A checked copy, or why there is none (a lib.studio.media_check problem code, "unreachable"
    or "store_failed")."""
    try:
        data, _ = fetch(url)
    except GatewayError:
        return None, "unreachable"
    verdict = verify(data, kind)
    if not verdict.ok:
        return None, verdict.problem
    try:
        store.put(f"{key}.{verdict.ext}", data, verdict.mime)
    except MediaStoreError:
        return None, "store_failed"
    return PublishedMedia(key=f"{key}.{verdict.ext}", mime=verdict.mime, ext=verdict.ext), ""


def snapshot_json(snapshot: Snapshot) -> str:
    return json.dumps({"version": SNAPSHOT_VERSION, **asdict(snapshot)}, ensure_ascii=False)


def read_snapshot(text: str) -> Snapshot | None:
    """A stored snapshot, or None when it cannot be read (the page then says "not available")."""
    try:
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("version") != SNAPSHOT_VERSION:
            return None
        songs = tuple(_song(item) for item in data.get("songs") or [] if isinstance(item, dict))
        skipped = tuple(tuple(item) for item in data.get("skipped") or [] if isinstance(item, list) and len(item) == 3)
        return Snapshot(str(data.get("title") or ""), str(data.get("platform") or ""), songs, skipped)  # type: ignore[arg-type]
    except (ValueError, TypeError):
        return None


def _song(item: dict[str, Any]) -> PublishedSong:
    duration = item.get("duration")
    return PublishedSong(
        title=str(item.get("title") or ""),
        tags=tuple(str(tag) for tag in item.get("tags") or []),
        lyrics=str(item.get("lyrics") or ""),
        duration=float(duration) if isinstance(duration, int | float) else None,
        model=str(item.get("model") or ""),
        **{kind: _media(item.get(kind)) for kind in KINDS},
    )


def _media(item: Any) -> PublishedMedia | None:
    if not isinstance(item, dict):
        return None
    media = PublishedMedia(**{name: str(item.get(name) or "") for name in ("key", "url", "mime", "ext")})
    if media.url and not is_http_url(media.url):
        return None  # a stored snapshot is trusted no more than a gateway: http(s) only
    return media if media.key or media.url else None
