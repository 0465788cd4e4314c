"""Published song pages, as ``HistoryStore`` methods: a snapshot of a finished task stored under an
unguessable token, read by anyone holding the link, listed and revoked by its owner.

``PublicationQueries`` is a mixin like ``PersonaQueries``: it borrows the host's connections,
``owner`` and ``_visible``. Reading by token is the one query that ignores the owner: the token
is the permission. Tokens are made here (``secrets``: 192 random bits), never by a caller, so a
guessable one cannot be stored.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa

from lib.library.entries import as_utc, utc_now
from lib.library.schema import published

TOKEN_BYTES = 24
# What a token looks like (token_urlsafe of 24 bytes: 32 characters). A link that does not match
# is "not available" without a database query.
TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{32}$")
MAX_SNAPSHOT_CHARS = 2_000_000  # a task's songs with full lyrics are a few tens of kilobytes


@dataclass(frozen=True)
class Publication:
    token: str
    owner: str
    platform: str
    task_id: str
    gateway_name: str
    title: str
    snapshot: str  # JSON, see lib.studio.publishing
    allow_downloads: bool
    media_copied: bool
    created_at: datetime


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def _publication(row: Any) -> Publication:
    return Publication(
        token=row.token,
        owner=row.owner,
        platform=row.platform,
        task_id=row.task_id,
        gateway_name=row.gateway_name,
        title=row.title,
        snapshot=row.snapshot,
        allow_downloads=bool(row.allow_downloads),
        media_copied=bool(row.media_copied),
        created_at=as_utc(row.created_at),
    )


class PublicationQueries:
    """The publication half of ``HistoryStore``; needs ``_read``, ``_write``, ``owner``, ``_visible``."""

    def publish(
        self,
        token: str,
        *,
        platform: str,
        task_id: str,
        gateway_name: str,
        title: str,
        snapshot: str,
        allow_downloads: bool,
        media_copied: bool,
        now: datetime | None = None,
    ) -> Publication:
        """Stores a snapshot under ``token`` (from ``new_token``; the media copies are keyed by it
        too, so they are made first). The owner is the store's."""
        if not TOKEN_SHAPE.match(token):
            raise ValueError("a publication's token comes from new_token()")
        if len(snapshot) > MAX_SNAPSHOT_CHARS:
            raise ValueError("the snapshot is too large to publish")
        values = {
            "token": token,
            "owner": self.owner,
            "platform": platform[:16],
            "task_id": task_id[:128],
            "gateway_name": gateway_name[:120],
            "title": title[:500],
            "snapshot": snapshot,
            "allow_downloads": bool(allow_downloads),
            "media_copied": bool(media_copied),
            "created_at": now or utc_now(),
        }
        with self._write() as conn:
            conn.execute(published.insert().values(**values))
        return _publication(SimpleNamespace(**values))

    def publication(self, token: str) -> Publication | None:
        """The live publication behind a link, whoever owns it; None for a malformed, forged or
        revoked token."""
        if not isinstance(token, str) or not TOKEN_SHAPE.match(token):
            return None
        with self._read() as conn:
            row = conn.execute(sa.select(published).where(published.c.token == token)).first()
        return _publication(row) if row is not None else None

    def publications(self, *, task_id: str | None = None) -> list[Publication]:
        """What this store's owner published (everyone's, for operators), newest first."""
        query = sa.select(published).where(*self._visible(published))
        if task_id is not None:
            query = query.where(published.c.task_id == task_id)
        with self._read() as conn:
            rows = conn.execute(query.order_by(published.c.created_at.desc())).all()
        return [_publication(row) for row in rows]

    def unpublish(self, token: str) -> bool:
        """Revokes a link at once (the row goes; the caller removes its media copies). False when
        it is not this owner's, or already gone."""
        with self._write() as conn:
            gone = conn.execute(published.delete().where(published.c.token == token, *self._visible(published)))
        return gone.rowcount > 0
