"""The signed-in visitor of this browser session and the operator's policy, as the pages see them:
who is here (``visitor``), which configured gateways they may use (``usable_profiles``), and the
daily limit on paid calls made with the operator's keys (``take_paid_call``).

Reads ``st.user`` (Streamlit's sign-in); the decisions themselves live in ``lib.access``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import streamlit as st

from lib.access.visitor import Admission, Verdict, Visitor, admit
from lib.gateway.profiles import GatewayProfile
from lib.ui import resources

# Who a session is before it has been let in: owns nothing and sees nothing, so a page that ran
# by mistake ahead of the sign-in check would show an empty library, never someone else's.
NOBODY = Visitor(owner="")


def verdict() -> Verdict:
    current = resources.settings()
    if not current.sign_in:
        return admit(None, current.access, sign_in=False)
    try:
        claims = st.user.to_dict()
    except Exception:  # no sign-in context (a bare script run): nobody is signed in
        claims = {}
    return admit(claims, current.access, sign_in=True)


def visitor() -> Visitor:
    found = verdict()
    return found.visitor if found.admission is Admission.ADMITTED and found.visitor else NOBODY


def usable_profiles() -> list[GatewayProfile]:
    """The configured gateways this visitor may use (``[access.gateways]``)."""
    current = resources.settings()
    who = visitor()
    return [
        profile
        for profile in current.gateways
        if current.access.may_use_gateway(profile.name, who.names, is_operator=who.is_operator)
    ]


def may_add_custom_gateway() -> bool:
    return resources.settings().access.may_add_custom_gateway(is_operator=visitor().is_operator)


def operator_pays(profile: GatewayProfile) -> bool:
    """Whether a call through ``profile`` spends the operator's key (a configured gateway with
    its configured key), rather than a key the visitor typed, or the free sandbox."""
    if profile.is_sandbox:
        return False
    configured = next((p for p in resources.settings().gateways if p.name == profile.name), None)
    return configured is not None and bool(configured.api_key) and configured.api_key == profile.api_key


def paid_limit() -> int:
    return resources.settings().access.paid_limit(is_operator=visitor().is_operator)


# What ``take_paid_call`` answers.
PAID_OK = "ok"
OVER_LIMIT = "over_limit"  # today's limit is used up
UNCOUNTED = "uncounted"  # the library is down, so the call cannot be counted


def take_paid_call(profile: GatewayProfile, action: str) -> str:
    """Counts one paid call against today's limit (UTC) when the operator pays for it, just
    before it goes out. Anything but ``PAID_OK``: the call must not go out. A library that is
    down cannot count, so a limited user is refused then too, rather than spending uncounted."""
    return paid_gate(profile)(action)


def paid_gate(profile: GatewayProfile) -> Callable[[str], str]:
    """``take_paid_call`` for calls made later, outside this run (a batch's sending thread): who
    is here, their limit and who pays are read now; each call is counted when it is made."""
    limit = paid_limit()
    if limit <= 0 or not operator_pays(profile):
        return lambda action: PAID_OK
    store = resources.history()

    def take(action: str) -> str:
        if store is None:
            return UNCOUNTED
        taken = store.take_paid_call(limit, action=action, day=datetime.now(UTC).date())
        return PAID_OK if taken else OVER_LIMIT

    return take


def withheld_tasks(task_ids: list[str], profile: GatewayProfile) -> set[str]:
    """Task IDs this visitor may not open: submitted here by another user through a gateway whose
    key they share (the operator's, or the sandbox's), so the gateway would hand them over.
    Operators and the single local user may open anything; a key of the visitor's own is the
    gateway's business."""
    who = visitor()
    if who.sees_all or not (profile.is_sandbox or operator_pays(profile)):
        return set()
    store = resources.history()
    if store is None:
        return set()
    return store.submitted_by_others(task_ids, profile.name)


def operator_detail(detail: str) -> str:
    """Server-side details (a database file's path, a driver's error) are for operators; everyone
    else gets the plain message without them."""
    return detail if visitor().is_operator else ""


def paid_calls_today() -> int | None:
    store = resources.history()
    if store is None:
        return None
    return store.paid_calls(day=datetime.now(UTC).date())
