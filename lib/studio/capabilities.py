"""What a gateway offers, learned two ways: a free probe of its GET routes, and any call it answers
with its web page or ``invalid_action``. Paid routes are never probed: a probe that a gateway bills
would be worse than not knowing, so those are learned on first use."""

from __future__ import annotations

from dataclasses import dataclass

from lib.gateway import providers, routes
from lib.gateway.client import GatewayClient
from lib.gateway.errors import GatewayError

OFFERED, MISSING, UNKNOWN = "offered", "missing", "unknown"
# A made-up clip/task ID: a gateway with the route answers "task_not_exist", one without its web page.
PROBE_ID = "00000000-0000-4000-8000-0000000000a1"
GET_PROBES = {
    "wav": routes.SUNO_WAV.format(clip_id=PROBE_ID),
    "mp4": routes.SUNO_MP4.format(clip_id=PROBE_ID),
    "timing": routes.SUNO_TIMING.format(clip_id=PROBE_ID),
    "udio": routes.UDIO_FETCH.format(task_id=PROBE_ID),
}
LEARNED_ON_USE = ("stems", "full_song", "persona")
ALL = (*GET_PROBES, *LEARNED_ON_USE)


@dataclass(frozen=True)
class ProbeResult:
    found: dict[str, str]  # capability -> OFFERED / MISSING
    problem: GatewayError | None = None  # why the probe stopped early (bad key, gateway down)


# A capability -> the provider's tool (or, for "udio", its Udio mode) that stands for it.
_PROVIDER_TOOLS = {"wav": "wav", "mp4": "mp4", "timing": "timing", "stems": "stems", "full_song": "concat"}


def provider_capabilities(provider: str) -> dict[str, str]:
    """What a provider other than the new-api family offers, from its documentation
    (``lib.gateway.providers``): such providers have one API, not a gateway's chosen subset."""
    given = providers.get(provider)
    found = {name: OFFERED if tool in given.tools else MISSING for name, tool in _PROVIDER_TOOLS.items()}
    found["udio"] = OFFERED if given.offers("udio", "generate") else MISSING
    found["persona"] = OFFERED if given.offers("suno", "persona_create") or "persona" in given.tools else MISSING
    return {name: found[name] for name in ALL}


def probe(client: GatewayClient) -> ProbeResult:
    """One GET per free route, stopping at the first answer that says nothing about routes. A
    provider other than the new-api family is answered from its table, with no request (its tool
    routes are paid POSTs, never probed)."""
    if client.provider.name != providers.DEFAULT:
        return ProbeResult(provider_capabilities(client.provider.name))
    found: dict[str, str] = {}
    for name, route in GET_PROBES.items():
        try:
            found[name] = OFFERED if client.offers(route) else MISSING
        except GatewayError as error:
            return ProbeResult(found, error)
    return ProbeResult(found)
