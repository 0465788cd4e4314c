"""Every provider's task status words, read as one ``TaskStatus``.

The new-api family (reference §5.1), sunoapi.org / kie.ai, AceDataCloud, PiAPI and the
self-hosted suno-api spell the same few states differently (docs/providers.md §0). A word nobody
listed is still read: one that plainly names a failure ("GENERATE_LYRICS_FAILED",
"CONTENT_VIOLATION", "cancelled") ends the task as a failure, anything else (numeric codes, new
words) means "not done yet", as the reference asks.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lib.gateway.models import TaskStatus

_WORDS = {
    "not_start": TaskStatus.NOT_START,
    "notstart": TaskStatus.NOT_START,
    "submitted": TaskStatus.SUBMITTED,
    "queued": TaskStatus.QUEUED,
    "queueing": TaskStatus.QUEUED,
    "queue": TaskStatus.QUEUED,  # suno-api's swagger spelling
    "pending": TaskStatus.QUEUED,
    "waiting": TaskStatus.QUEUED,
    "staged": TaskStatus.QUEUED,  # PiAPI: held back by the account's concurrency limit
    "in_progress": TaskStatus.IN_PROGRESS,
    "processing": TaskStatus.IN_PROGRESS,
    "running": TaskStatus.IN_PROGRESS,
    "streaming": TaskStatus.IN_PROGRESS,
    "generating": TaskStatus.IN_PROGRESS,
    # sunoapi.org / kie.ai: a stage done, the songs not yet ("SUCCESS" only ends the task)
    "text_success": TaskStatus.IN_PROGRESS,
    "first_success": TaskStatus.IN_PROGRESS,
    "success": TaskStatus.SUCCESS,
    "succeeded": TaskStatus.SUCCESS,
    "complete": TaskStatus.SUCCESS,
    "completed": TaskStatus.SUCCESS,
    "finished": TaskStatus.SUCCESS,
    "done": TaskStatus.SUCCESS,
    "failure": TaskStatus.FAILURE,
    "failed": TaskStatus.FAILURE,
    "fail": TaskStatus.FAILURE,
    "error": TaskStatus.FAILURE,
    "create_task_failed": TaskStatus.FAILURE,
    "generate_audio_failed": TaskStatus.FAILURE,
    "generate_lyrics_failed": TaskStatus.FAILURE,
    "callback_exception": TaskStatus.FAILURE,
    "sensitive_word_error": TaskStatus.FAILURE,  # moderation
    "unknown": TaskStatus.UNKNOWN,
}
# sunoapi.org / kie.ai callbacks name the stage they report in ``callbackType``.
CALLBACK_STAGES = {
    "text": TaskStatus.IN_PROGRESS,
    "first": TaskStatus.IN_PROGRESS,
    "complete": TaskStatus.SUCCESS,
    "error": TaskStatus.FAILURE,
}
# Parts of a word that can only mean the task ended badly.
FAILURE_FRAGMENTS = (
    "fail",
    "error",
    "exception",
    "reject",
    "violat",
    "sensitive",
    "cancel",
    "timeout",
    "timed_out",
    "expired",
    "illegal",
    "forbidden",
)


def _key(word: Any) -> str:
    return str(word).strip().lower().replace("-", "_").replace(" ", "_")


def status_from_word(word: Any) -> TaskStatus | None:
    """Canonical status for a gateway's word; None when there is no word at all."""
    if word is None or isinstance(word, (bool, Mapping, list)) or word == "":
        return None
    key = _key(word)
    if key in _WORDS:
        return _WORDS[key]
    if any(fragment in key for fragment in FAILURE_FRAGMENTS):
        return TaskStatus.FAILURE
    # Reference §5.1: anything else means "still running" (numeric codes, new words).
    return TaskStatus.IN_PROGRESS


def is_known_status_word(word: Any) -> bool:
    """Whether a provider documents this word, so its reading is no guess (callback stages too)."""
    if word is None or isinstance(word, (bool, Mapping, list)) or word == "":
        return False
    key = _key(word)
    return key in _WORDS or key in CALLBACK_STAGES


def is_failure_word(word: Any) -> bool:
    return status_from_word(word) is TaskStatus.FAILURE
