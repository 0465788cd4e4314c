"""The records the sandbox keeps: a task, the clips it made, and the seed that makes their made-up
content repeatable. Also how a state file's dicts become records again (tolerating fields a newer file
adds) and how a submit's prompt asks for a failure (``sandbox:fail``), since that is fixed on the record
when it is made. ``lib.sandbox.engine`` stores and times these records; it re-exports their names.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from typing import Any

FAIL_MARKER = "sandbox:fail"
FAIL_REASONS = {
    "moderation": "Song Description flagged for moderation",
    "timeout": "time out",
    "quota": "insufficient credits on the upstream account",
    "upstream": "task failed",
}


@dataclass
class Clip:
    id: str
    seed: str
    title: str
    tags: list[str]
    lyrics: str
    description: str
    duration: float
    model: str
    kind: str = "gen"  # gen, upload, concat, stem, or the submit's task (extend, infill, cover…)
    stem: str | None = None  # "vocals" / "instrumental" for stem clips
    parent: str | None = None
    created_at: float = 0.0
    # Where an extend continued (or an infill replaced) the parent: Suno's metadata.history.
    # Defaults keep state files written before these fields loadable.
    continue_at: float | None = None
    infill_end: float | None = None


@dataclass
class SandboxTask:
    task_id: str
    platform: str  # suno, udio
    action: str  # MUSIC, LYRICS, udio-generate
    body: dict[str, Any]
    submitted: float
    clips: list[Clip] = field(default_factory=list)
    lyrics: dict[str, Any] | None = None
    fail_reason: str = ""
    finish_after: float = 30.0


def stable_seed(*parts: Any) -> str:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:16]


def clip_from(data: dict[str, Any]) -> Clip:
    return Clip(**_known(Clip, data))


def task_from(data: dict[str, Any]) -> SandboxTask:
    values = _known(SandboxTask, data)
    values["clips"] = [clip_from(c) for c in values.get("clips") or []]
    return SandboxTask(**values)


def _known(cls: type, data: dict[str, Any]) -> dict[str, Any]:
    """The keys of ``data`` that are fields of ``cls`` (a newer file may carry more)."""
    names = {f.name for f in dataclasses.fields(cls)}
    return {k: v for k, v in data.items() if k in names}


def fail_reason(body: dict[str, Any]) -> str:
    """A prompt holding ``sandbox:fail`` (or ``sandbox:fail=moderation`` …) makes the task fail."""
    text = " ".join(str(v) for v in _strings(body))
    at = text.find(FAIL_MARKER)
    if at < 0:
        return ""
    rest = text[at + len(FAIL_MARKER) :]
    kind = rest[1:].split()[0].strip(".,;") if rest.startswith("=") and rest[1:].split() else "upstream"
    return FAIL_REASONS.get(kind, FAIL_REASONS["upstream"])


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []
