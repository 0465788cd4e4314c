"""What the Task page shows, decided without Streamlit: progress estimates, polling cadence,
durations, lyrics sections, failure explanations, input parsing and lookups."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode, urlsplit

from lib.gateway import errors
from lib.gateway.ids import split_ids, validate_id
from lib.gateway.models import PLATFORMS, Task, TaskStatus
from lib.gateway.parser import is_known_status_word, parse_task
from lib.studio.file_names import extension, safe_stem

# Typical generation time once a task is IN_PROGRESS (reference §5.3): Suno ~2 min, Udio ~5 min.
_TYPICAL_RUN_S = {"suno": 120.0, "udio": 300.0}
_STATUS_FLOOR = {TaskStatus.NOT_START: 3, TaskStatus.SUBMITTED: 10, TaskStatus.QUEUED: 20, TaskStatus.IN_PROGRESS: 30}
FOLLOW_LIMIT_S = 20 * 60
DEFAULT_TASK_POLL_S = 5.0  # the setting TASK_POLL_S (lib.settings)
# What one Task page (and its link) holds: more IDs are dropped with a message (History import
# uses the same cap). 100 is also one Suno batch fetch.
MAX_TASK_IDS = 100
TEXT_LIMIT = 20_000  # characters of one text (lyrics, prompt, failure) drawn before the rest is cut
SECTION = re.compile(r"^\s*[\[【]([^\]】]{1,40})[\]】]\s*$")


@dataclass(frozen=True)
class Progress:
    value: int
    estimated: bool


def estimate_progress(task: Task, now: datetime | None = None) -> Progress:
    """Gateways report "0%" until the very end, so derive an honest estimate from the status and
    the time spent; a reported intermediate value wins over the estimate."""
    if task.is_terminal:
        return Progress(100, False)
    if task.progress is not None and 0 < task.progress < 100:
        return Progress(task.progress, False)
    floor = _STATUS_FLOOR.get(task.status, 30)
    if task.status is not TaskStatus.IN_PROGRESS:
        return Progress(floor, True)
    now = now or datetime.now(UTC)
    since = task.started_at or task.submitted_at
    elapsed = max(0.0, (now - since).total_seconds()) if since else 0.0
    typical = _TYPICAL_RUN_S.get(task.platform, 120.0)
    # Approaches 95 % asymptotically: never claims done before the gateway says so.
    value = floor + (95 - floor) * (1 - math.exp(-elapsed / typical))
    return Progress(int(value), True)


def poll_interval(elapsed_s: float, first_s: float = DEFAULT_TASK_POLL_S) -> float:
    """``first_s`` (``TASK_POLL_S``, 5 s by default) for two minutes, then twice and four times as
    long: new-api refreshes upstream every ~15 s anyway, and a long task needs no eager watch."""
    if elapsed_s < 120:
        return first_s
    if elapsed_s < 600:
        return 2 * first_s
    return 4 * first_s


def format_duration(seconds: float | None) -> str:
    if seconds is None or seconds != seconds or seconds < 0:
        return "–"
    total = int(round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def format_time(moment: datetime | None, tz_name: str | None = None) -> str:
    if moment is None:
        return "–"
    try:
        from zoneinfo import ZoneInfo

        local = moment.astimezone(ZoneInfo(tz_name)) if tz_name else moment
    except Exception:  # unknown zone names from the browser: show UTC
        local = moment
    return local.strftime("%Y-%m-%d %H:%M:%S %Z").strip()


def lyrics_sections(text: str) -> list[tuple[str, list[str]]]:
    """Split lyrics on ``[Verse]``/``[Chorus]`` headings: [(heading, lines), …]; text before the
    first heading gets an empty heading."""
    sections: list[tuple[str, list[str]]] = []
    for line in (text or "").replace("\r\n", "\n").split("\n"):
        match = SECTION.match(line)
        if match:
            sections.append((match.group(1).strip(), []))
            continue
        if not sections:
            sections.append(("", []))
        sections[-1][1].append(line)
    cleaned = []
    for heading, lines in sections:
        while lines and not lines[-1].strip():
            lines.pop()
        while lines and not lines[0].strip():
            lines.pop(0)
        if heading or lines:
            cleaned.append((heading, lines))
    return cleaned


def unknown_status_word(task: Task) -> str | None:
    """The gateway's status word when no known word matched and "running" is only a guess (any
    provider's documented words, such as sunoapi.org's FIRST_SUCCESS, are known; an unknown word
    naming a failure already ended the task as failed). Reference §5.1: new words and numeric
    codes mean "not done yet", and that guess is said out loud."""
    word = (task.status_text or "").strip()
    if not word or task.status is not TaskStatus.IN_PROGRESS:
        return None
    return None if is_known_status_word(word) else word[:80]


_FAILURE_KINDS = (
    (
        "moderation",
        (
            "moderat",
            "flagged",
            "sensitive",
            "违规",
            "敏感",
            "审核",
            "not allowed",
            "policy",
            "prohibited",
            "inappropriate",
            "copyrighted",
        ),
    ),
    ("quota", ("quota", "credit", "额度", "余额", "insufficient", "balance")),
    ("timeout", ("time out", "timeout", "timed out", "超时")),
)


def failure_kind(reason: str) -> str:
    """moderation, quota, timeout or upstream: which explanation fits a fail_reason."""
    text = (reason or "").lower()
    for kind, words in _FAILURE_KINDS:
        if any(word in text for word in words):
            return kind
    return "upstream"


@dataclass(frozen=True)
class Lookup:
    """What the user typed: task IDs, or a pasted fetch response to render without a request."""

    ids: tuple[str, ...] = ()
    pasted: Task | None = None
    dropped: int = 0  # IDs beyond MAX_TASK_IDS, left out


def parse_lookup(text: str, platform: str | None = None) -> Lookup:
    """Raises ``InvalidInputError`` for malformed IDs and the parser's errors for pasted JSON."""
    stripped = (text or "").strip()
    if stripped[:1] in ("{", "["):
        try:
            body = json.loads(stripped)
        except ValueError as exc:
            raise errors.InvalidInputError(f"the pasted text is not valid JSON ({exc.msg})") from None
        except RecursionError:
            raise errors.InvalidInputError("the pasted JSON is nested too deeply to read") from None
        return Lookup(pasted=parse_task(body, platform or _guess_platform(body)))
    found = split_ids(stripped)
    # Capped before validating: an ID that is dropped anyway need not hold the others up.
    kept = tuple(validate_id(i, "task ID") for i in found[:MAX_TASK_IDS])
    return Lookup(ids=kept, dropped=len(found) - len(kept))


def _guess_platform(body: Any) -> str:
    dump = json.dumps(body)[:200_000]
    return "udio" if '"song_path"' in dump or "udio-generate" in dump else "suno"


def lookup_task(client: Any, task_id: str, platform: str | None) -> Task:
    """Fetch a task; without a platform, try Suno and then Udio (most IDs are Suno's)."""
    if platform:
        return client.fetch_task(task_id, platform)
    try:
        return client.fetch_task(task_id, "suno")
    except (errors.NotFoundError, errors.UnsupportedRouteError) as suno_error:
        try:
            return client.fetch_task(task_id, "udio")
        except (errors.NotFoundError, errors.UnsupportedRouteError):
            raise suno_error from None


def app_base(app_url: str | None) -> str:
    """The app's address from a page's URL (its last path segment is the page): "" when unknown,
    so a link is then relative."""
    if not app_url:
        return ""
    parts = urlsplit(app_url)
    path = parts.path.rstrip("/").rsplit("/", 1)[0] if parts.path.strip("/") else ""
    return f"{parts.scheme}://{parts.netloc}{path}"


def share_link(app_url: str | None, task_ids: list[str] | tuple[str, ...], platform: str | None) -> str:
    """The link a person pastes in a chat: task and platform only, never a key."""
    base = app_base(app_url)
    params = {"id": ",".join(task_ids)}
    if platform:
        params["platform"] = platform
    return f"{base}/task?{urlencode(params, safe=',')}"


def download_name(title: str, fallback: str, kind: str, *, sniffed: str | None = None, url: str | None = None) -> str:
    """``<safe stem from the title>.<allowed extension>``: the extension is the content's sniffed
    type when known, else the URL's if it fits ``kind`` (``file_names.KIND_EXTENSIONS``), else the
    kind's usual one. A gateway's URL alone never picks ``.exe`` or ``.html``."""
    return f"{safe_stem(title, fallback[:8] or 'song')}.{extension(kind, sniffed, url)}"


def clip_text(text: str | None, limit: int = TEXT_LIMIT) -> tuple[str, bool]:
    """The first ``limit`` characters, and whether anything was cut: rendering megabytes of
    Markdown takes minutes, so very long texts are shown in part (with the whole as a download)."""
    text = text or ""
    return (text, False) if len(text) <= limit else (text[:limit], True)


def fetch_many(
    client: Any, ids: list[str], platform: str | None, known: dict[str, str]
) -> tuple[dict[str, Task], list[str]]:
    """Refresh many tasks in as few requests as possible: Suno through the batch route, Udio in
    parallel; IDs of unknown platform are tried on Suno first. Returns (found, missing)."""
    found: dict[str, Task] = {}
    if platform in PLATFORMS:
        groups = {platform: list(ids)}
    else:
        groups = {
            "suno": [i for i in ids if known.get(i, "suno") == "suno"],
            "udio": [i for i in ids if known.get(i) == "udio"],
        }
    for name in PLATFORMS:
        if groups.get(name):
            found.update(client.fetch_tasks(groups[name], name))
    if platform is None:
        retry = [i for i in groups["suno"] if i not in found and i not in known]
        if retry:
            found.update(client.fetch_tasks(retry, "udio"))
    return found, [i for i in ids if i not in found]
