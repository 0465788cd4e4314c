"""The Suno personas (singer styles) made through each gateway, as ``HistoryStore`` methods.

``PersonaQueries`` owns adding, listing and deleting rows of the ``personas`` table; ``HistoryStore``
(in ``lib.library.store``) inherits it, so callers keep calling ``store.add_persona(…)`` and the
rest. It is a mixin, not a store of its own: it borrows the host's ``_write``/``_read``
connections and ``dialect``, so one engine and one set of error translations serve both tables.
No Streamlit here, and like the rest of the library no key reaches the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from lib.gateway.profiles import GatewayProfile
from lib.library.entries import Persona, persona_from_row, safe_url, utc_now
from lib.library.schema import personas


class PersonaQueries:
    """The persona half of ``HistoryStore``; needs the host's ``_write``, ``_read``, ``dialect``,
    ``owner`` and ``_visible``: each user keeps their own personas, as their own tasks."""

    def add_persona(
        self,
        profile: GatewayProfile,
        *,
        persona_id: str,
        name: str,
        description: str = "",
        root_clip_id: str = "",
        root_title: str = "",
        now: datetime | None = None,
    ) -> Persona:
        """Remember a persona the gateway created. Adding it again renames it (name and
        description) and keeps its first creation time and origin."""
        persona_id = persona_id.strip()
        if not persona_id:
            raise ValueError("a persona needs the ID the gateway returned")
        key = {
            "owner": self.owner,
            "gateway_name": profile.name,
            "gateway_url": safe_url(profile.base_url),
            "persona_id": persona_id[:128],
        }
        renamed = {"name": name[:200], "description": description[:4000]}
        values = {
            **key,
            **renamed,
            "key_fingerprint": profile.key_fingerprint,
            "root_clip_id": root_clip_id[:128],
            "root_title": root_title[:500],
            "created_at": now or utc_now(),
        }
        with self._write() as conn:
            dialect = {"postgresql": postgresql, "sqlite": sqlite}.get(self.dialect)
            if dialect is not None:
                conn.execute(
                    dialect.insert(personas)
                    .values(**values)
                    .on_conflict_do_update(index_elements=list(key), set_=renamed)
                )
            elif conn.execute(personas.update().where(*_persona_match(key)).values(**renamed)).rowcount == 0:
                conn.execute(personas.insert().values(**values))
            row = conn.execute(sa.select(personas).where(*_persona_match(key))).mappings().one()
        return persona_from_row(row)

    def personas(self, profile: GatewayProfile) -> list[Persona]:
        """The profile's personas, newest first. Matched on the gateway's name and URL, not the
        key: keys get rotated while the persona stays with the gateway account, and which account
        a key belongs to is something we cannot know, so every key of the profile sees them."""
        query = (
            sa.select(personas)
            .where(
                personas.c.gateway_name == profile.name,
                personas.c.gateway_url == safe_url(profile.base_url),
                *self._visible(personas),
            )
            .order_by(personas.c.created_at.desc(), personas.c.id.desc())
        )
        with self._read() as conn:
            return [persona_from_row(row) for row in conn.execute(query).mappings()]

    def delete_persona(self, profile: GatewayProfile, persona_id: str) -> bool:
        key = {
            "gateway_name": profile.name,
            "gateway_url": safe_url(profile.base_url),
            "persona_id": persona_id.strip(),
        }
        with self._write() as conn:
            return conn.execute(personas.delete().where(*_persona_match(key), *self._visible(personas))).rowcount > 0


def _persona_match(key: Mapping[str, str]) -> list[Any]:
    return [personas.c[name] == value for name, value in key.items()]
