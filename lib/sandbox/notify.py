"""The new-api family's ``notify_hook`` (reference §5.5, gpt-best / bltcy): when a task submitted
with one ends, the gateway POSTs the task object — the same one ``GET /suno/fetch/{id}`` answers
in ``data`` — to that URL. Vanilla new-api drops the field; the sandbox behaves like the gateways
that honour it, so the app's webhook receiver (``lib.studio.webhook``) is tested end to end.

The other dialects' callbacks (``callBackUrl``, ``callback_url``, ``webhook_config``) are their
own modules' (``lib.sandbox.providers``); they share ``follow``'s delivery thread.
"""

from __future__ import annotations

import threading
from types import SimpleNamespace

from lib.sandbox import shapes
from lib.sandbox.engine import SandboxEngine, SandboxTask
from lib.sandbox.providers.common import DONE, follow


def notify_when_done(
    engine: SandboxEngine, task: SandboxTask, base: str, stopping: threading.Event, dialect: str = "nested"
) -> None:
    """POSTs the finished task to its ``notify_hook``, once, when it succeeds or fails (a hook
    that cannot be reached is dropped: pollers still see the task)."""
    url = str(task.body.get("notify_hook") or "").strip()
    if not url:
        return
    follow(
        SimpleNamespace(stopping=stopping),  # the one thing ``follow`` reads of an exchange
        url,
        lambda: engine.phase(task),
        lambda phase: shapes.task_view(engine, task, base, dialect) if phase in DONE else None,
        DONE,
    )
