"""An operator's policy for a shared server: who may come in, who is an operator, which configured
gateways each user or group may use, whether visitors may type in gateways of their own, and how
many paid calls a user may make per day on the operator's keys.

Read from the ``[access]`` section of ``secrets.toml`` (no Streamlit here: the caller passes the
secrets as a plain mapping). Every list names people the same way: an email address, an OIDC
subject (``sub``), a group (``[access.groups]`` or the identity provider's ``groups`` claim), or
``"*"`` for everyone signed in.

    [access]
    operators = ["ops@example.com"]        # see every library, never limited
    allowed = ["*"]                        # who may sign in at all (a removed user is refused)
    allow_custom_gateways = true           # may visitors type in a gateway (with their own key)?
    daily_paid_limit = 20                  # paid calls per user per UTC day on operator keys; 0: none
    session_hours = 24                     # a sign-in older than this must be renewed
    public_links = true                    # published song pages open without sign-in

    [access.groups]
    band = ["ana@example.com", "bo@example.com"]

    [access.gateways]                      # a configured gateway not listed here: everyone
    uniapi = ["band", "ops@example.com"]
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

EVERYONE = "*"


class PolicyError(ValueError):
    """A policy entry the app cannot use; ``name`` is the entry (``access.daily_paid_limit``)."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"{name}: {problem}")
        self.name = name
        self.problem = problem


@dataclass(frozen=True)
class AccessPolicy:
    operators: tuple[str, ...] = ()
    allowed: tuple[str, ...] = (EVERYONE,)
    groups: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    gateways: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    allow_custom_gateways: bool = True
    daily_paid_limit: int = 0
    session_hours: float = 24.0
    public_links: bool = True

    def groups_of(self, names: Iterable[str]) -> frozenset[str]:
        """The configured groups any of a person's names (email, subject) belongs to."""
        mine = {_norm(name) for name in names if name}
        return frozenset(group for group, members in self.groups.items() if mine & {_norm(m) for m in members})

    def may_use_gateway(self, profile_name: str, names: Iterable[str], *, is_operator: bool = False) -> bool:
        """A configured gateway (the operator's key): open to everyone unless ``[access.gateways]``
        lists who may use it."""
        rule = self.gateways.get(profile_name)
        return is_operator or rule is None or self.matches(rule, names)

    def may_add_custom_gateway(self, *, is_operator: bool = False) -> bool:
        return is_operator or self.allow_custom_gateways

    def paid_limit(self, *, is_operator: bool = False) -> int:
        """Paid calls a day on the operator's keys; 0: unlimited (and always for operators)."""
        return 0 if is_operator else self.daily_paid_limit

    @staticmethod
    def matches(entries: Iterable[str], names: Iterable[str]) -> bool:
        """Whether a list of the policy names anyone among ``names`` (a person's email, subject
        and groups); ``"*"`` names everyone."""
        wanted = {_norm(entry) for entry in entries}
        return EVERYONE in wanted or bool(wanted & {_norm(name) for name in names if name})


def load_policy(secrets: Mapping[str, Any]) -> AccessPolicy:
    """Raises ``PolicyError`` naming the first entry that is wrong."""
    section = secrets.get("access")
    if section is None:
        return AccessPolicy()
    if not isinstance(section, Mapping):
        raise PolicyError("access", "must be a section ([access])")
    groups = _table(section, "groups")
    gateways = _table(section, "gateways")
    return AccessPolicy(
        operators=_names(section, "operators", ()),
        allowed=_names(section, "allowed", (EVERYONE,)),
        groups={str(name): _names(groups, str(name), (), prefix="access.groups") for name in groups},
        gateways={str(name): _names(gateways, str(name), (), prefix="access.gateways") for name in gateways},
        allow_custom_gateways=_bool(section, "allow_custom_gateways", True),
        daily_paid_limit=_limit(section),
        session_hours=_hours(section),
        public_links=_bool(section, "public_links", True),
    )


def _norm(name: str) -> str:
    return str(name).strip().lower()


def _table(section: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = section.get(name, {})
    if not isinstance(value, Mapping):
        raise PolicyError(f"access.{name}", "must be a table ([access." + name + "])")
    return value


def _names(section: Mapping[str, Any], name: str, default: tuple[str, ...], prefix: str = "access") -> tuple[str, ...]:
    value = section.get(name)
    if value is None:
        return default
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        raise PolicyError(f"{prefix}.{name}", 'must be a list of emails, subjects, group names or "*"')
    return tuple(item.strip() for item in value)


def _bool(section: Mapping[str, Any], name: str, default: bool) -> bool:
    value = section.get(name, default)
    if not isinstance(value, bool):
        raise PolicyError(f"access.{name}", f"{value!r} is neither true nor false")
    return value


def _limit(section: Mapping[str, Any]) -> int:
    value = section.get("daily_paid_limit", 0)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100_000:
        raise PolicyError("access.daily_paid_limit", f"{value!r} is not a whole number from 0 (no limit) to 100000")
    return value


def _hours(section: Mapping[str, Any]) -> float:
    value = section.get("session_hours", 24.0)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise PolicyError("access.session_hours", f"{value!r} is not a number of hours")
    if not 0 < value <= 24 * 90:
        raise PolicyError("access.session_hours", f"{value} is out of range (more than 0, at most 2160 hours)")
    return float(value)
