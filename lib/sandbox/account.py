"""The sandbox's answers to new-api's account routes: the model list (``GET /v1/models``) and the
OpenAI-compatible billing routes (``/v1/dashboard/billing/subscription`` and ``…/usage``).

The key starts with ``HARD_LIMIT_USD``; every task submitted costs its action's price (a failed
one is refunded, as new-api does), so the balance moves as the demo is used. Turned off by leaving
``models`` or ``billing`` out of ``SandboxConfig.offered`` (the routes then answer the web page,
like a gateway without them).
"""

from __future__ import annotations

from typing import Any

from lib.sandbox.engine import SandboxEngine

HARD_LIMIT_USD = 25.0
QUOTA_PER_DOLLAR = 500_000  # new-api's default
PRICES_USD = {"MUSIC": 0.10, "LYRICS": 0.02, "udio-generate": 0.08}
DEFAULT_PRICE_USD = 0.10
CREATED = 1_767_225_600  # 2026-01-01: the "created" new-api gives every listed model
# Billing names as new-api lists them, Suno and Udio models as gateways that take ``mv`` do, one
# marketing spelling (chirp-v5-5) and a chat model the Create page must leave out.
MODELS = (
    "suno_music",
    "suno_lyrics",
    "chirp-fenix",
    "chirp-crow",
    "chirp-bluejay",
    "chirp-auk",
    "chirp-auk-turbo",
    "chirp-v4",
    "chirp-v4-tau",
    "chirp-v5-5",
    "udio32-v1.5",
    "udio130-v1.5",
    "gpt-4o-mini",
)


def price_usd(action: str) -> float:
    return PRICES_USD.get(action, DEFAULT_PRICE_USD)


def quota_of(action: str) -> int:
    """What a task of this action costs in new-api's quota units (its fetch answer's ``quota``)."""
    return round(price_usd(action) * QUOTA_PER_DOLLAR)


def used_usd(engine: SandboxEngine) -> float:
    return sum(price_usd(task.action) for task in engine.all_tasks() if engine.phase(task) != "FAILURE")


def answer(engine: SandboxEngine, path: str) -> tuple[int, Any] | None:
    """(status, body) for an account route this sandbox offers; None for any other path."""
    offered = engine.config.offered
    if path == "/v1/models" and "models" in offered:
        data = [{"id": name, "object": "model", "created": CREATED, "owned_by": "sandbox"} for name in MODELS]
        return 200, {"object": "list", "data": data, "success": True}
    if path == "/v1/dashboard/billing/subscription" and "billing" in offered:
        return 200, {
            "object": "billing_subscription",
            "has_payment_method": True,
            "soft_limit_usd": HARD_LIMIT_USD,
            "hard_limit_usd": HARD_LIMIT_USD,
            "system_hard_limit_usd": HARD_LIMIT_USD,
            "access_until": 0,
        }
    if path == "/v1/dashboard/billing/usage" and "billing" in offered:
        return 200, {"object": "list", "total_usage": round(used_usd(engine) * 100, 2)}
    return None
