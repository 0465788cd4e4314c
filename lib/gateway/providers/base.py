"""What a provider (an API dialect) is: its auth header, its submit routes per Create mode, the body
of each mode, how one task and many are fetched, and its song-tool routes.

Bodies are translated from the *canonical* request: the new-api body ``lib.gateway.bodies`` builds
for the same mode (``gpt_description_prompt``, ``prompt`` = lyrics, ``tags``, ``title``, ``mv``,
``make_instrumental``, ``continue_clip_id``, ``continue_at``, ``task_id``, ``persona_id``,
``notify_hook``, ``metadata`` …; Udio's ``gen_params``). The Create page validates and builds that one
vocabulary; each provider only renames and reshapes it. Every route a provider calls is spelled in
its own module (tests/test_layout.py checks that no other module spells one).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from lib.gateway import errors
from lib.gateway.ids import validate_id
from lib.gateway.models import Task, Timing
from lib.gateway.parser import extract_persona_id, extract_task_id, parse_task, parse_task_list, parse_timing
from lib.gateway.routes import Route

# Every song tool a provider may offer; the client's methods and the capability probe use these names.
TOOLS = ("wav", "mp4", "timing", "stems", "persona", "lyrics", "concat", "upload", "midi", "clips")


@dataclass(frozen=True)
class Call:
    """One concrete request: a route, its filled path (query included) and its JSON body."""

    route: Route
    path: str
    json: Any = None


@dataclass(frozen=True)
class Auth:
    """How the key travels: in ``header`` as ``prefix + key``; ``header=None`` sends no key at all."""

    header: str | None = "Authorization"
    prefix: str = "Bearer "

    def headers(self, key: str) -> dict[str, str]:
        return {self.header: self.prefix + key} if self.header and key else {}


BEARER = Auth()


class Provider:
    """The defaults suit a provider with one task per submit and a GET per task; each module overrides."""

    name = ""
    label = ""  # what the UI shows beside the name
    auth = BEARER
    modes: Mapping[tuple[str, str], Route] = {}  # (platform, Create mode) -> its paid route
    tools: Mapping[str, Route] = {}  # song tool -> its route (see TOOLS)
    no_task_routes: frozenset[str] = frozenset()  # paths answered with a result (a persona), not a task
    task_tools: frozenset[str] = frozenset()  # tools answered with a task of their own (``submit_tool``)
    fetch_route: Route | None = None
    batch_route: Route | None = None

    # --- Create modes ------------------------------------------------------------------------

    def offers(self, platform: str, mode: str) -> bool:
        return (platform, mode) in self.modes

    def offered_modes(self) -> dict[str, tuple[str, ...]]:
        """Platform -> the Create modes this provider has, in the Create page's order."""
        found: dict[str, list[str]] = {}
        for platform, mode in self.modes:
            found.setdefault(platform, []).append(mode)
        return {platform: tuple(modes) for platform, modes in found.items()}

    def route_for(self, platform: str, mode: str, canonical: Mapping[str, Any]) -> Route:
        """The route of this mode (a few modes pick among several by the body's content)."""
        route = self.modes.get((platform, mode))
        if route is None:
            raise errors.InvalidInputError(f"{self.name} does not offer {platform} {mode}")
        return route

    def body(self, platform: str, mode: str, canonical: Mapping[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def submit_routes(self) -> dict[str, Route]:
        routes = [*self.modes.values(), *(t for t in self.tools.values() if t.paid)]
        return {route.path: route for route in routes}

    def task_id_from(self, route: Route, answer: Any) -> str:
        """The handle a submit answered: the task ID (the persona ID for a persona route)."""
        return extract_persona_id(answer) if route.path in self.no_task_routes else extract_task_id(answer)

    # --- fetching ----------------------------------------------------------------------------

    def fetch_call(self, task_id: str, platform: str) -> Call:
        assert self.fetch_route is not None
        task_id = validate_id(task_id, "task ID")
        return Call(self.fetch_route, self.fetch_route.format(task_id=task_id))

    def read_task(self, body: Any, platform: str, task_id: str) -> Task:
        return parse_task(body, platform, task_id=task_id)

    def batch_call(self, task_ids: list[str]) -> Call | None:
        """One request for many tasks, or None when the provider has none (one fetch each)."""
        return None

    def read_batch(self, body: Any, task_ids: list[str]) -> dict[str, Task]:
        wanted = set(task_ids)
        return {t.task_id: t for t in parse_task_list(body, "suno") if t.task_id in wanted}

    # --- song tools --------------------------------------------------------------------------

    def lacks(self) -> tuple[str, ...]:
        return tuple(tool for tool in TOOLS if tool not in self.tools)

    def tool_call(self, tool: str, clip_id: str, task_id: str | None = None) -> Call:
        route = self.tools.get(tool)
        if route is None:
            raise errors.UnsupportedRouteError(f"{self.name} does not offer {tool}")
        clip_id = validate_id(clip_id, "clip ID")
        return Call(route, route.path, self.tool_body(tool, clip_id, task_id))

    def tool_body(self, tool: str, clip_id: str, task_id: str | None) -> dict[str, Any] | None:
        return None

    def read_timing(self, body: Any) -> Timing:
        return parse_timing(body)


def text(canonical: Mapping[str, Any], key: str) -> str:
    return str(canonical.get(key) or "")


def metadata(canonical: Mapping[str, Any]) -> dict[str, Any]:
    value = canonical.get("metadata")
    return dict(value) if isinstance(value, Mapping) else {}


def compact(body: Mapping[str, Any]) -> dict[str, Any]:
    """Leaves out what was not set (None and empty text), as the providers' examples do."""
    return {k: v for k, v in body.items() if v is not None and v != ""}


def joined(ids: Iterable[str]) -> list[str]:
    return [validate_id(i, "ID") for i in ids]
