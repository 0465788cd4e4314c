"""Where the library lives: the app's data directory and the default database URL.

Kept apart from the store so that callers needing only a path (the session showing where files
go, tests pointing the app at a temporary directory) need not think about SQLAlchemy.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

APP_DIR_NAME = "music-task-studio"


def default_database_url(environ: Mapping[str, str] = os.environ) -> str:
    """``HISTORY_DATABASE_URL``, else ``history.db`` in the user's data directory."""
    configured = (environ.get("HISTORY_DATABASE_URL") or "").strip()
    if configured:
        return configured
    return f"sqlite:///{data_dir(environ) / 'history.db'}"


def data_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """Where the app keeps its files: ``MUSIC_TASK_STUDIO_DATA_DIR``, else the platform's user data
    directory (``~/.local/share/music-task-studio`` on Linux)."""
    configured = (environ.get("MUSIC_TASK_STUDIO_DATA_DIR") or "").strip()
    if configured:
        return Path(configured).expanduser()
    # Imported late: only the default path needs it.
    from platformdirs import user_data_path

    return user_data_path(APP_DIR_NAME, appauthor=False)
