"""Shared AppTest helpers: widget keys as the session module spells them."""

from __future__ import annotations

from typing import Any


def wkey(name: str, lang: str = "en") -> str:
    """The widget key of kept value ``name`` drawn in ``lang`` (see ``lib.ui.session.widget_key``)."""
    return f"{name}::{lang}"


def api_key_field(at: Any) -> Any:
    """The sidebar's key field: one per gateway, so its key names the gateway."""
    fields = [ti for ti in at.sidebar.text_input if str(ti.key or "").startswith("api_key|")]
    assert len(fields) == 1, [ti.key for ti in at.sidebar.text_input]
    return fields[0]


def has_api_key_field(at: Any) -> bool:
    return any(str(ti.key or "").startswith("api_key|") for ti in at.sidebar.text_input)
