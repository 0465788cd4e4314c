"""Batch submit: many prompts become many Suno tasks, sent one at a time at a gentle rate.

Three ways in: a list (one description per line), a CSV file (a header row; columns ``prompt``,
``lyrics``, ``title``, ``tags`` / ``style``, ``model``, ``instrumental``), or one description
repeated N times. A row with only a prompt is an *Inspiration* (the prompt describes the song);
a row with ``lyrics``, ``title`` or ``tags`` is *Custom*, where ``prompt`` is the lyrics, as in
Suno's own API. Every row is validated by the Create page's own rules (``create_modes``) and
built in the gateway's dialect (``provider_modes.build_for``) before anything is sent.

``run_batch`` sends the submissions in order, each through ``submit_recorded`` (the row is
written before its POST, an unknown outcome recorded as such, nothing retried), asking
``allow`` (the operator's daily paid limit) before each. It stops at the first answer that would
meet every later request too (no answer in time, a refused key, no credit, a rate limit): the
rest are marked *not sent*, never queued for later. No Streamlit here.
"""

from __future__ import annotations

import csv
import io
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from lib.gateway import errors
from lib.gateway.profiles import GatewayProfile
from lib.library.store import HistoryStore
from lib.studio.create_modes import FieldError, FormInvalid
from lib.studio.provider_modes import build_for
from lib.studio.submit import Submission, submit_recorded

MAX_ITEMS = 50  # one batch; a long list is split by the user, who sees each batch's cost
MAX_FILE_BYTES = 1024 * 1024
ALLOWED = "ok"  # what ``allow`` answers for a request that may go out

# Item states, in the order an item passes them.
WAITING, SENDING, SENT, REJECTED, UNKNOWN, NOT_SENT = "waiting", "sending", "sent", "rejected", "unknown", "not_sent"
# Answers that would meet every later request of the batch too: the batch stops there.
_STOPS_THE_BATCH = (
    errors.OutcomeUnknownError,
    errors.AuthenticationError,
    errors.QuotaError,
    errors.RateLimitError,
    errors.UnsupportedRouteError,
    errors.GatewayConnectionError,
)
_COLUMNS = {
    "prompt": "prompt",
    "description": "prompt",
    "lyrics": "lyrics",
    "title": "title",
    "tags": "tags",
    "style": "tags",
    "model": "model",
    "mv": "model",
    "instrumental": "instrumental",
}
_YES = {"1", "true", "yes", "y", "on", "是", "x"}


class BatchInvalid(ValueError):
    """The input as a whole cannot be read; ``code``: ``empty``, ``too_many``, ``too_large``,
    ``no_prompt_column``, ``not_csv``."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code, self.params = code, params


@dataclass(frozen=True)
class BatchLine:
    number: int  # the line or CSV row as the user counts it (the header is row 1)
    mode: str  # "inspiration" or "custom"
    values: dict[str, Any]  # the Create form's field values for that mode

    @property
    def label(self) -> str:
        """What the user wrote for this item, to recognise it in the tables."""
        return str(self.values.get("description") or self.values.get("title") or self.values.get("lyrics") or "")


@dataclass(frozen=True)
class LineProblem:
    number: int
    error: FieldError | None  # None: the gateway's dialect has no such mode (``code`` says)
    code: str = ""


def read_lines(text: str) -> list[BatchLine]:
    """One description per non-blank line."""
    lines = [
        BatchLine(number, "inspiration", {"description": line.strip()})
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip()
    ]
    return _checked(lines)


def repeat(description: str, times: int) -> list[BatchLine]:
    if times > MAX_ITEMS:
        raise BatchInvalid("too_many", count=times, limit=MAX_ITEMS)
    if not description.strip():
        raise BatchInvalid("empty")
    return [BatchLine(index, "inspiration", {"description": description.strip()}) for index in range(1, times + 1)]


def read_csv(data: bytes) -> list[BatchLine]:
    """A CSV file's rows (UTF-8, with or without Excel's BOM; comma, semicolon or tab)."""
    if len(data) > MAX_FILE_BYTES:
        raise BatchInvalid("too_large", limit_kb=MAX_FILE_BYTES // 1024)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BatchInvalid("not_csv") from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(io.StringIO(text), dialect))
    if not rows:
        raise BatchInvalid("empty")
    header = [_COLUMNS.get(name.strip().lower(), "") for name in rows[0]]
    if "prompt" not in header and "lyrics" not in header:
        raise BatchInvalid("no_prompt_column")
    lines = []
    for number, row in enumerate(rows[1:], start=2):
        cells = {name: cell.strip() for name, cell in zip(header, row, strict=False) if name and cell.strip()}
        if cells:
            lines.append(_line(number, cells))
    return _checked(lines)


def plan(
    lines: Sequence[BatchLine], provider: str, defaults: dict[str, Any]
) -> tuple[list[Submission], list[LineProblem]]:
    """Every line built as the Create page builds its mode (``defaults``: the model, the
    instrumental switch and the webhook for every line; a line's own values win). A batch with
    problems is not sent at all: the user fixes the lines named."""
    submissions, problems = [], []
    for line in lines:
        values = {**defaults, **line.values}
        if line.mode == "inspiration":
            values.pop("lyrics", None)
        try:
            submissions.append(build_for(provider, "suno", line.mode, values))
        except FormInvalid as invalid:
            problems += [LineProblem(line.number, error) for error in invalid.errors]
        except errors.InvalidInputError:
            problems.append(LineProblem(line.number, None, "not_offered"))
    return submissions, problems


@dataclass
class BatchItem:
    number: int
    label: str
    state: str = WAITING
    row_id: int | None = None
    task_id: str = ""
    message: str = ""  # the gateway's words for a refusal, or why it was not sent


@dataclass
class BatchJob:
    """One batch's progress, written by its sending thread and read by the page."""

    items: list[BatchItem]
    platform: str = "suno"
    started: float = field(default_factory=time.time)
    finished: bool = False
    stopped_by: str = ""  # "limit", "uncounted", "unknown", "refused" or "" when all went out
    history_error: str = ""
    by_callback: bool = False  # the submits carry the webhook receiver's URL: callbacks finish them

    @property
    def sent(self) -> int:
        return sum(item.state in (SENT, REJECTED, UNKNOWN) for item in self.items)


def run_batch(
    job: BatchJob,
    store: HistoryStore | None,
    profile: GatewayProfile,
    submissions: Sequence[Submission],
    send: Callable[[Submission], str],
    allow: Callable[[Submission], str],
    *,
    interval_s: float,
    stop: threading.Event | None = None,
) -> BatchJob:
    """Sends ``submissions`` (``job.items`` in the same order), one every ``interval_s``."""
    stop = stop or threading.Event()
    for index, (item, submission) in enumerate(zip(job.items, submissions, strict=True)):
        if index and stop.wait(interval_s):
            _not_sent(job.items[index:], "")
            break
        verdict = allow(submission)
        if verdict != ALLOWED:
            job.stopped_by = verdict
            _not_sent(job.items[index:], verdict)
            break
        item.state = SENDING
        try:
            result = submit_recorded(store, profile, submission, lambda submission=submission: send(submission))
        except errors.GatewayError as error:
            unknown = isinstance(error, errors.OutcomeUnknownError)
            item.state, item.message = (UNKNOWN if unknown else REJECTED), str(error)
            if isinstance(error, _STOPS_THE_BATCH):
                job.stopped_by = "unknown" if item.state == UNKNOWN else "refused"
                _not_sent(job.items[index + 1 :], job.stopped_by)
                break
            continue
        item.state, item.task_id, item.row_id = SENT, result.task_id, result.row_id
        job.history_error = job.history_error or result.history_error
    job.finished = True
    return job


def start_batch(job: BatchJob, *args: Any, **options: Any) -> threading.Thread:
    """``run_batch`` in a thread of its own: the batch goes on if the page is left or reloaded
    (each request was confirmed; every one is recorded in the library as it goes)."""
    thread = threading.Thread(target=run_batch, args=(job, *args), kwargs=options, name="batch-submit", daemon=True)
    thread.start()
    return thread


def _not_sent(items: Sequence[BatchItem], reason: str) -> None:
    for item in items:
        item.state, item.message = NOT_SENT, reason


def _line(number: int, cells: dict[str, str]) -> BatchLine:
    extra: dict[str, Any] = {"model": cells["model"]} if cells.get("model") else {}
    if "instrumental" in cells:  # else the page's switch decides
        extra["instrumental"] = cells["instrumental"].lower() in _YES
    if {"lyrics", "title", "tags"} & cells.keys():
        return BatchLine(
            number,
            "custom",
            {
                "lyrics": cells.get("lyrics") or cells.get("prompt", ""),
                "title": cells.get("title", ""),
                "tags": cells.get("tags", ""),
                **extra,
            },
        )
    return BatchLine(number, "inspiration", {"description": cells.get("prompt", ""), **extra})


def _checked(lines: list[BatchLine]) -> list[BatchLine]:
    if not lines:
        raise BatchInvalid("empty")
    if len(lines) > MAX_ITEMS:
        raise BatchInvalid("too_many", count=len(lines), limit=MAX_ITEMS)
    return lines
