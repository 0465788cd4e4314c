"""``newapi-v1``: a gateway of the new-api family that offers only its "v1" routes (reference §2.15,
the seed's 生成歌曲 / 拼接歌曲 / 生成歌词 / 查询歌曲 / 查询歌词 v1 版本) — GoAmz-style gateways, and
family-B gateways whose ``/suno/submit/*`` and ``/suno/fetch`` are closed to a key.

The bodies are new-api's own (the v1 generate takes the same fields as ``/suno/submit/music``); only
the routes and the answers differ. Suno's objects come back un-enveloped and there is no task:

* ``POST /suno/generate`` answers Suno's generate object ``{id, clips: [2 clips], …}``; the task is
  its clips, a handle "<clip>:<clip>" (as the self-hosted suno-api's), read with
  ``GET /suno/feed/<clip>,<clip>`` (a JSON array of clips). Many tasks are one feed call.
* ``POST /suno/generate/concat`` answers the one new clip: a task of one clip.
* ``POST /suno/generate/lyrics/`` answers ``{"id": …}``, read with ``GET /suno/lyrics/{id}``; its
  handle is "lyrics:<id>", so a fetch knows which route to read (a clip feed cannot read it).

The clip tools (``/suno/act/…``) take clip IDs, as before. Chosen per profile (``routes = "v1"``,
``GATEWAY_ROUTES=v1``) or found by the capability probe (``lib.studio.capabilities``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from lib.gateway import errors
from lib.gateway import routes as r
from lib.gateway.ids import validate_id
from lib.gateway.models import Task, TaskStatus
from lib.gateway.parser import parse_task, parse_timing
from lib.gateway.providers.base import Call, Provider
from lib.gateway.providers.suno_api import SEPARATOR, clip_ids_of, tasks_from_clips  # the same clip-ID tasks
from lib.gateway.routes import Route
from lib.gateway.status_words import status_from_word
from lib.gateway.tool_answers import clips_of, unwrap_data

NAME = "newapi-v1"
GENERATE = Route("newapi-v1.generate", "POST", "/suno/generate", paid=True)
CONCAT = Route("newapi-v1.concat", "POST", "/suno/generate/concat", paid=True)
LYRICS = Route("newapi-v1.lyrics", "POST", "/suno/generate/lyrics/", paid=True)
FEED = Route("newapi-v1.feed", "GET", "/suno/feed/{clip_ids}")
LYRICS_FETCH = Route("newapi-v1.lyrics_fetch", "GET", "/suno/lyrics/{lyrics_id}")
LYRICS_PREFIX = "lyrics" + SEPARATOR  # a lyrics task's handle: "lyrics:<id>"

_MUSIC_MODES = ("inspiration", "custom", "extend", "cover", "replace", "persona_song", "stems")
_MODES = {**{("suno", mode): GENERATE for mode in _MUSIC_MODES}, ("suno", "concat"): CONCAT, ("suno", "lyrics"): LYRICS}
# A body previewed for the new-api routes (a song tool's stems or full song) goes to its v1 twin.
_TWINS = {r.SUNO_MUSIC.path: GENERATE, r.SUNO_CONCAT.path: CONCAT, r.SUNO_LYRICS.path: LYRICS}
_ACT_TOOLS = {"wav": r.SUNO_WAV, "mp4": r.SUNO_MP4, "timing": r.SUNO_TIMING, "stems": r.SUNO_STEMS, "midi": r.SUNO_MIDI}


def is_lyrics(task_id: str) -> bool:
    return str(task_id or "").strip().startswith(LYRICS_PREFIX)


class NewApiV1(Provider):
    name = NAME
    label = "new-api, v1 routes only"
    clip_separator = SEPARATOR  # a music task's ID is its clips' IDs (the snippets rejoin them with commas)
    modes = _MODES
    tools = {**_ACT_TOOLS, "clips": FEED, "lyrics": LYRICS, "concat": CONCAT}
    fetch_route = FEED
    batch_route = FEED

    def body(self, platform: str, mode: str, canonical: Mapping[str, Any]) -> dict[str, Any]:
        """New-api's body less ``task_id``: the v1 routes know clips, not tasks."""
        self.route_for(platform, mode, canonical)
        return {key: value for key, value in canonical.items() if key != "task_id"}

    def submit_routes(self) -> dict[str, Route]:
        return {**super().submit_routes(), **_TWINS}

    def task_id_from(self, route: Route, answer: Any) -> str:
        """The handle of what a v1 submit made: its clips, or "lyrics:<id>"."""
        body = unwrap_data(answer)
        if route.path == LYRICS.path:
            lyrics_id = body.get("id") if isinstance(body, Mapping) else body if isinstance(body, str) else None
            if not lyrics_id:
                raise errors.ProtocolError("the v1 lyrics answer holds no id")
            return LYRICS_PREFIX + validate_id(lyrics_id, "lyrics ID")
        if isinstance(body, Mapping) and "clips" not in body and body.get("id"):  # concat: one raw clip
            return validate_id(body["id"], "clip ID")
        ids = [validate_id(clip.get("id"), "clip ID") for clip in clips_of(body) if isinstance(clip, Mapping)]
        if not ids:
            raise errors.ProtocolError("the v1 answer holds no clips")
        return SEPARATOR.join(ids)

    # --- fetching ----------------------------------------------------------------------------

    def fetch_call(self, task_id: str, platform: str) -> Call:
        if platform != "suno":  # "not found" (not a route error): a batch of many reads on past it
            raise errors.NotFoundError("the v1 routes are Suno's only: no Udio task is read through them")
        if is_lyrics(task_id):
            lyrics_id = validate_id(task_id.strip()[len(LYRICS_PREFIX) :], "lyrics ID")
            return Call(LYRICS_FETCH, LYRICS_FETCH.format(lyrics_id=lyrics_id))
        return Call(FEED, FEED.format(clip_ids=clip_ids_of(task_id)))

    def read_handle(self, route_path: str, answered_id: str) -> str:
        lyrics = route_path in (LYRICS.path, r.SUNO_LYRICS.path)
        return LYRICS_PREFIX + answered_id if lyrics and not is_lyrics(answered_id) else answered_id

    def read_task(self, body: Any, platform: str, task_id: str) -> Task:
        if isinstance(body, list) and not body:
            raise errors.NotFoundError(f"the gateway knows none of the clips of {task_id}")
        task = dataclasses.replace(_family(parse_task(body, platform, task_id=task_id)), task_id=task_id)
        task = dataclasses.replace(task, action="LYRICS" if is_lyrics(task_id) else task.action or "MUSIC")
        if is_lyrics(task_id) and isinstance(body, Mapping):  # "running" until the text is written
            status = status_from_word(str(body.get("status") or "")) or task.status
            reason = str(body.get("error_message") or "") if status is TaskStatus.FAILURE else ""
            task = dataclasses.replace(task, status=status, fail_reason=reason or task.fail_reason)
            if status is not TaskStatus.SUCCESS:
                task = dataclasses.replace(task, lyrics=None)
        return task

    def batch_call(self, task_ids: list[str]) -> Call | None:
        """One feed call for the clips of every music task; a lyrics task has a route of its own
        and is read alone (None)."""
        if any(is_lyrics(task_id) for task_id in task_ids):
            return None
        clips = [clip for task_id in task_ids for clip in clip_ids_of(task_id)]
        return Call(FEED, FEED.format(clip_ids=list(dict.fromkeys(clips))))

    def read_batch(self, body: Any, task_ids: list[str]) -> dict[str, Task]:
        return {task_id: _family(task) for task_id, task in tasks_from_clips(body, task_ids).items()}

    # --- song tools --------------------------------------------------------------------------

    def tool_call(self, tool: str, clip_id: str, task_id: str | None = None) -> Call:
        if tool == "clips":  # several clip IDs, joined like a task's
            return Call(FEED, FEED.format(clip_ids=clip_ids_of(clip_id)))
        route = _ACT_TOOLS.get(tool)
        if route is None:
            return super().tool_call(tool, clip_id, task_id)
        return Call(route, route.format(clip_id=validate_id(clip_id, "clip ID")))

    def read_timing(self, body: Any) -> Any:
        return parse_timing(body)


def _family(task: Task) -> Task:
    """Suno's own objects, which the reader knows from the self-hosted suno-api: the task says it
    came from the new-api family, which it did."""
    return dataclasses.replace(task, provider="newapi", action=task.action or "MUSIC")


PROVIDER = NewApiV1()
