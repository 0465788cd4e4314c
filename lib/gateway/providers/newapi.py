"""``newapi``: the new-api / one-api / "SunoAPI-format" family of the seed documents (the default).

Its routes are ``lib.gateway.routes``, its bodies ``lib.gateway.bodies`` — the canonical request
itself, sent as it is. ``GatewayClient`` calls this family's routes directly, as it always has; this
module describes the family for the Create page, the capability probe and the snippets.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lib.gateway import routes as r
from lib.gateway.ids import validate_id
from lib.gateway.providers.base import Call, Provider

_MODES = {
    ("suno", "inspiration"): r.SUNO_MUSIC,
    ("suno", "custom"): r.SUNO_MUSIC,
    ("suno", "extend"): r.SUNO_MUSIC,
    ("suno", "cover"): r.SUNO_MUSIC,
    ("suno", "replace"): r.SUNO_MUSIC,
    ("suno", "persona_song"): r.SUNO_MUSIC,
    ("suno", "persona_create"): r.SUNO_PERSONA,
    ("suno", "upload"): r.SUNO_UPLOAD,
    ("suno", "concat"): r.SUNO_CONCAT,
    ("suno", "stems"): r.SUNO_MUSIC,
    ("suno", "lyrics"): r.SUNO_LYRICS,
    ("udio", "generate"): r.UDIO_MUSIC,
    ("udio", "continuation"): r.UDIO_MUSIC,
    ("udio", "precede"): r.UDIO_MUSIC,
}
_TOOLS = {
    "wav": r.SUNO_WAV,
    "mp4": r.SUNO_MP4,
    "timing": r.SUNO_TIMING,
    "stems": r.SUNO_STEMS,
    "midi": r.SUNO_MIDI,
    "clips": r.SUNO_FEED,
    "persona": r.SUNO_PERSONA,
    "lyrics": r.SUNO_LYRICS,
    "concat": r.SUNO_CONCAT,
    "upload": r.SUNO_UPLOAD,
}


class NewApi(Provider):
    name = "newapi"
    label = "new-api / one-api"
    modes = _MODES
    tools = _TOOLS
    no_task_routes = r.NO_TASK_ROUTES
    fetch_route = r.SUNO_FETCH
    batch_route = r.SUNO_BATCH_FETCH

    def body(self, platform: str, mode: str, canonical: Mapping[str, Any]) -> dict[str, Any]:
        self.route_for(platform, mode, canonical)
        return dict(canonical)

    def submit_routes(self) -> dict[str, r.Route]:
        return dict(r.SUBMITS)

    def fetch_call(self, task_id: str, platform: str) -> Call:
        route = r.FETCH[platform]
        return Call(route, route.format(task_id=validate_id(task_id, "task ID")))


PROVIDER = NewApi()
