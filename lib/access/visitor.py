"""Who is using the app, and whether they may: from the claims of a Streamlit sign-in (``st.user``,
passed in as a plain mapping) and the operator's policy. No Streamlit here.

Without sign-in configured there is one visitor, ``LOCAL``: the single-user tool, who owns the rows
written before sign-in existed and sees the whole library. With sign-in, a visitor's library rows
are owned by ``owner``, the issuer and subject of their identity: stable across renamed emails,
and distinct between two identity providers that reuse a subject.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from lib.access.policy import AccessPolicy

LOCAL_OWNER = "local"
_OWNER_MAX = 255


@dataclass(frozen=True)
class Visitor:
    owner: str
    name: str = ""
    email: str = ""
    subject: str = ""
    groups: frozenset[str] = field(default_factory=frozenset)
    is_operator: bool = False
    signed_in: bool = False

    @property
    def names(self) -> tuple[str, ...]:
        """Everything a policy list may name this visitor by."""
        return (self.email, self.subject, *sorted(self.groups))

    @property
    def sees_all(self) -> bool:
        """Operators (and the single local user) see every library row."""
        return self.is_operator


LOCAL = Visitor(owner=LOCAL_OWNER, is_operator=True)


class Admission(Enum):
    ADMITTED = "admitted"
    SIGNED_OUT = "signed_out"  # sign-in is configured and nobody is signed in
    EXPIRED = "expired"  # signed in longer ago than the policy's session_hours
    REFUSED = "refused"  # signed in, but not (or no longer) on the policy's allowed list
    UNREADABLE = "unreadable"  # the identity provider sent no subject to own rows by


@dataclass(frozen=True)
class Verdict:
    admission: Admission
    visitor: Visitor | None = None  # set when admitted, and on EXPIRED/REFUSED to say who


def admit(
    claims: Mapping[str, Any] | None, policy: AccessPolicy, *, sign_in: bool, now: float | None = None
) -> Verdict:
    """What this visitor may do. ``claims``: ``st.user`` as a mapping; ``sign_in``: whether the
    operator configured sign-in (without it everyone is ``LOCAL``)."""
    if not sign_in:
        return Verdict(Admission.ADMITTED, LOCAL)
    claims = claims or {}
    if not claims.get("is_logged_in"):
        return Verdict(Admission.SIGNED_OUT)
    subject = _text(claims.get("sub"))
    if not subject:
        return Verdict(Admission.UNREADABLE)
    email = _text(claims.get("email"))
    issuer = _text(claims.get("iss")) or "oidc"
    names = (email, subject)
    groups = policy.groups_of(names) | frozenset(_claimed_groups(claims.get("groups")))
    visitor = Visitor(
        owner=f"{issuer}#{subject}"[:_OWNER_MAX],
        name=_text(claims.get("name")) or email or subject,
        email=email,
        subject=subject,
        groups=groups,
        is_operator=policy.matches(policy.operators, (*names, *groups)),
        signed_in=True,
    )
    if not visitor.is_operator and not policy.matches(policy.allowed, visitor.names):
        return Verdict(Admission.REFUSED, visitor)
    issued = claims.get("iat")
    now = time.time() if now is None else now
    if isinstance(issued, int | float) and now - float(issued) > policy.session_hours * 3600:
        return Verdict(Admission.EXPIRED, visitor)
    return Verdict(Admission.ADMITTED, visitor)


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _claimed_groups(value: Any) -> list[str]:
    """The identity provider's own ``groups`` claim, where it sends one (a list of names)."""
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, list):
        return [item.strip() for item in value if isinstance(item, str) and item.strip()]
    return []
