"""What every provider dialect of the sandbox shares: the request as a dialect sees it, the early
answer a dialect raises, the auth header readers, waiting for a task (the providers that answer a
submit only when the music is ready) and the callbacks a provider POSTs while a task runs.

A dialect never writes to the wire; it answers ``(status, body)`` and ``lib.sandbox.routes``
writes it out, so media, faults, the request log and the control API stay the same for all.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from lib.sandbox import assets, shapes
from lib.sandbox.engine import Clip, SandboxEngine, SandboxTask

# The phases the engine reports that end a task.
DONE = ("SUCCESS", "FAILURE")
MODERATION = "moderation"  # a fail reason holding this word is a content refusal (FAIL_REASONS)


@dataclass
class Exchange:
    """One API request, with what a dialect needs to answer it."""

    method: str
    path: str
    query: dict[str, list[str]]
    body: Any
    headers: Mapping[str, str]
    engine: SandboxEngine
    base: str  # where media URLs point
    stopping: threading.Event  # set when the sandbox stops: waits and callback threads end

    def arg(self, name: str) -> str:
        return (self.query.get(name) or [""])[0]


class Reply(Exception):
    """Raised by a dialect to answer at once (an error envelope, usually)."""

    def __init__(self, status: int, body: Any) -> None:
        super().__init__(status)
        self.status, self.body = status, body


# What a provider says for an HTTP status when a test forces one and gives no words of its own.
STATUS_WORDS = {
    400: "Invalid parameters",
    401: "You do not have access permissions",
    402: "Payment required",
    403: "Forbidden",
    404: "Not found",
    429: "Too many requests",
    500: "Internal server error",
    502: "Bad gateway",
    503: "Service unavailable",
    504: "Timeout",
}


def status_words(status: int, message: str | None) -> str:
    return message or STATUS_WORDS.get(status, "Server error")


def bearer_token(headers: Mapping[str, str]) -> str:
    """The key of an ``Authorization: Bearer <key>`` header ("" when there is none)."""
    scheme, _, rest = str(headers.get("Authorization") or "").strip().partition(" ")
    return rest.strip() if scheme.lower() == "bearer" else ""


def is_moderation(task: SandboxTask) -> bool:
    return MODERATION in task.fail_reason.lower()


def finished_clip(engine: SandboxEngine, clip_id: str) -> Clip | None:
    """The clip, once the task that made it is done (song tools refuse a clip still being made)."""
    clip = engine.clip(clip_id)
    task = engine.task_of_clip(clip_id) if clip else None
    return clip if clip and (task is None or engine.phase(task) == "SUCCESS") else None


def timing(engine: SandboxEngine, clip: Clip) -> dict[str, Any]:
    """Word timings in Suno's spelling (aligned_words, waveform_data …): the engine's, for every dialect."""
    return shapes.timing_view(clip, assets.waveform(engine, clip))


def trace_id() -> str:
    return str(uuid.uuid4())


def wall_time(timestamp: float, spelling: str = "iso") -> str:
    moment = datetime.fromtimestamp(timestamp, tz=UTC)
    if spelling == "plain":  # sunoapi.org's createTime
        return moment.strftime("%Y-%m-%d %H:%M:%S")
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def wait_for(exchange: Exchange, tasks: list[SandboxTask], ready: Callable[[], bool]) -> None:
    """Hold the answer until ``ready()``, as providers that answer synchronously do: at most the
    task's own length (plus a margin) of wall time, so a test's manual clock cannot hang a request."""
    longest = max((t.finish_after for t in tasks), default=0.0)
    deadline = time.monotonic() + min(longest * 1.5 + 5.0, 150.0)
    while not ready() and time.monotonic() < deadline and not exchange.stopping.is_set():
        exchange.stopping.wait(0.05)


def follow(
    exchange: Exchange,
    url: str,
    stage: Callable[[], str],
    body_for: Callable[[str], Any],
    final: tuple[str, ...],
    headers: Mapping[str, str] | None = None,
    order: tuple[str, ...] = (),
) -> None:
    """POST ``body_for(stage)`` to ``url`` each time the task reaches a new stage, until a final one.

    A thread per task watches the engine's clock. With ``order``, a stage the watcher did not see
    (a busy machine, a clock moved by hand) is still sent, before the later one, as the provider
    sends every stage. A callback that cannot be delivered is dropped (the task goes on; pollers
    still see it), as the providers retry a few times and give up.
    """
    if not url.startswith(("http://", "https://")):
        return

    def watch() -> None:
        seen: set[str] = set()
        while not exchange.stopping.is_set():
            now = stage()
            missed = order[: order.index(now)] if now in order else ()
            for each in (*missed, now):
                if each not in seen:
                    seen.add(each)
                    body = body_for(each)
                    if body is not None:
                        post_json(url, body, headers)
            if now in final:
                return
            exchange.stopping.wait(0.05)

    threading.Thread(target=watch, name="sandbox-callback", daemon=True).start()


def post_json(url: str, body: Any, headers: Mapping[str, str] | None = None) -> None:
    request = urllib.request.Request(
        url,
        data=json.dumps(body, ensure_ascii=False).encode(),
        method="POST",
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=15) as answer:
            answer.read()
    except (OSError, ValueError):
        pass
