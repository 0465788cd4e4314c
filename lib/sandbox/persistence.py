"""The sandbox's state file: a JSON document written atomically and read forgivingly.

Format: ``{"version": 1, "counter": int, "tasks": [SandboxTask as dict, ...],
"clips": [Clip as dict, ...]}``. ``tasks`` hold their own clips; ``clips`` lists every clip (so
stem clips without a task survive too). Reading never raises: a missing, empty, unreadable or
wrong-version file yields ``None`` (an unusable non-empty file is moved aside to ``<name>.corrupt``).
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

VERSION = 1
MAX_TASKS = 2000

log = logging.getLogger(__name__)


def save(path: Path, state: dict[str, Any]) -> None:
    """Write ``state`` (plus the version) to ``path`` atomically: temp file, then ``os.replace``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = json.dumps({"version": VERSION, **state}, ensure_ascii=False, separators=(",", ":"))
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(payload)
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise


def load(path: Path) -> dict[str, Any] | None:
    """The saved state, or ``None`` when there is nothing usable at ``path``."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        log.warning("sandbox state %s unreadable (%s); starting empty", path, exc)
        return None
    if not text.strip():
        return None
    try:
        state = json.loads(text)
    except ValueError:
        state = None
    if (
        not isinstance(state, dict)
        or state.get("version") != VERSION
        or not isinstance(state.get("tasks"), list)
        or not isinstance(state.get("clips"), list)
    ):
        set_aside(path)
        return None
    return state


def set_aside(path: Path) -> None:
    """Keep an unusable state file as ``<name>.corrupt`` instead of overwriting it later."""
    target = path.with_name(path.name + ".corrupt")
    log.warning("sandbox state %s is unusable; moved to %s, starting empty", path, target)
    try:
        os.replace(path, target)
    except OSError:
        pass
