"""Property: the parser's public entry points are total over arbitrary JSON.

``parse_task``, ``parse_task_list`` and ``extract_task_id`` read whatever a gateway (or a user
pasting a response on the Task page) hands them. Whatever the shape, each returns its documented
result or raises ``ProtocolError`` ("nothing task-like") or one of the ``GatewayError`` classes an
error envelope maps to (``lib.gateway.error_mapping``) — never ``TypeError``, ``KeyError``,
``RecursionError``, ``OverflowError``… which would surface as a Streamlit exception box.

Values come from ``json.loads`` semantics: None, bools, ints (also huge), floats (also NaN and
±inf, which Python's ``json`` accepts), text (also control characters and non-BMP), lists and
dicts whose keys are either arbitrary or the realistic keys gateways use.
"""

from __future__ import annotations

import json
import math
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lib.gateway import errors
from lib.gateway.models import Lyrics, Song, Task, TaskStatus
from lib.gateway.parser import extract_task_id, parse_task, parse_task_list

# What the parser documents it may raise: ProtocolError for "no task here", and the classes
# ``error_from_body`` picks for an error envelope. Exact types: a subclass nobody expects here
# (InvalidInputError, the connection errors) would be a bug too.
ALLOWED_ERRORS = (
    errors.ProtocolError,
    errors.GatewayError,
    errors.NotFoundError,
    errors.QuotaError,
    errors.UnsupportedRouteError,
    errors.AuthenticationError,
    errors.RateLimitError,
    errors.ServerError,
    errors.BadRequestError,
)

REALISTIC_KEYS = [
    # envelopes
    "code",
    "message",
    "msg",
    "data",
    "error",
    "result",
    "success",
    "description",
    "type",
    # tasks
    "task_id",
    "taskId",
    "id",
    "status",
    "state",
    "task_status",
    "taskStatus",
    "progress",
    "action",
    "task_type",
    "fail_reason",
    "failReason",
    "error_message",
    "errorMessage",
    "submit_time",
    "submitTime",
    "start_time",
    "startTime",
    "finish_time",
    "finishTime",
    "created_at",
    "createdAt",
    "create_time",
    # Suno clips
    "songs",
    "clips",
    "metadata",
    "audio_url",
    "audioUrl",
    "cld2AudioUrl",
    "stream_audio_url",
    "image_url",
    "image_large_url",
    "imageLargeUrl",
    "video_url",
    "videoUrl",
    "title",
    "tags",
    "prompt",
    "lyric",
    "lyrics",
    "gpt_description_prompt",
    "duration",
    "model_name",
    "mv",
    "major_model_version",
    "clip_id",
    "clipId",
    "history",
    "infill",
    "text",
    # Udio songs
    "song_path",
    "image_path",
    "video_path",
    "finished",
    "generation_id",
    "error_type",
    "error_detail",
    "error_code",
    "model_type",
]
REALISTIC_WORDS = [
    "success",
    "SUCCESS",
    "ok",
    "0",
    "200",
    "complete",
    "streaming",
    "queued",
    "submitted",
    "error",
    "IN_PROGRESS",
    "FAILURE",
    "NOT_START",
    "TELEPORTING",
    "100%",
    "37%",
    "-5%",
    "1e309",
    "",
    "task_not_exist",
    "insufficient_user_quota",
    "invalid_action",
    "无效的令牌",
    "当前分组上游负载已饱和",
    "https://cdn1.suno.ai/x.mp3",
    "http://127.0.0.1:9/x.png",
    "javascript:alert(1)",
    "file:///etc/passwd",
    "data:text/html,<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "2024-09-21T09:43:21.637Z",
    "2024-13-45T99:99:99",
    "1726911801",
    "1726911801637",
    "9" * 40,
    "gen",
    "concat",
    "stem",
    "upload",
    "[Verse]\nla la",
    "a,b,,c",
]
_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(10**400), max_value=10**400)
    | st.floats()  # NaN and ±inf included
    | st.text(max_size=16)
    | st.sampled_from(REALISTIC_WORDS)
)
_KEY = st.sampled_from(REALISTIC_KEYS)
JSON = st.recursive(
    _SCALARS,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=6), children, max_size=3)
        | st.dictionaries(_KEY, children, max_size=6)
    ),
    max_leaves=25,
)
# Realistic skeletons (envelope → task → clips → metadata) with arbitrary values inside, so the
# deep paths (Suno clips, Udio songs, lyrics payloads, GoAPI clip maps) are reached often rather
# than by luck. Their leaves are small, which keeps thousands of examples within seconds.
_LEAF = st.recursive(
    _SCALARS,
    lambda children: st.lists(children, max_size=2) | st.dictionaries(_KEY, children, max_size=2),
    max_leaves=4,
)
_URL = (
    st.sampled_from(
        [
            "https://cdn1.suno.ai/x.mp3",
            "HTTP://cdn.example/y.png",
            " https://a.b/c ",
            "http://127.0.0.1:9/x.wav",
            "javascript:alert(1)",
            "file:///etc/passwd",
            "//evil.example/x",
            "https://",
            "data:audio/wav;base64,AAAA",
        ]
    )
    | _LEAF
)
_TIME = (
    st.sampled_from(
        [
            "2024-09-21T09:43:21.637Z",
            "2024-09-21 09:43:21",
            "1726911801",
            "0",
            "-1",
            "1726911801637",
            "9" * 30,
            "2024-13-45T99:99:99",
            "soon",
        ]
    )
    | _LEAF
)
_WORD = st.sampled_from(REALISTIC_WORDS) | _LEAF
_CLIP_FIELDS = st.fixed_dictionaries(
    {},
    optional={
        "id": _WORD,
        "status": _WORD,
        "title": _WORD,
        "tags": _WORD,
        "audio_url": _URL,
        "image_url": _URL,
        "image_large_url": _URL,
        "video_url": _URL,
        "song_path": _URL,
        "image_path": _URL,
        "duration": _LEAF,
        "progress": _LEAF,
        "finished": _LEAF,
        "error_message": _WORD,
        "prompt": _WORD,
        "metadata": st.fixed_dictionaries(
            {},
            optional={
                "tags": _WORD,
                "prompt": _WORD,
                "duration": _LEAF,
                "type": _WORD,
                "error_message": _WORD,
                "infill": _LEAF,
                "history": st.lists(st.dictionaries(_KEY, _LEAF, max_size=2), max_size=2) | _LEAF,
            },
        )
        | _LEAF,
    },
)
_CLIP = st.builds(
    lambda known, other: {**other, **known},
    _CLIP_FIELDS,
    st.dictionaries(_KEY | st.text(max_size=4), _LEAF, max_size=3),
)
_CLIPS = st.lists(_CLIP, max_size=3)
_TASK = st.fixed_dictionaries(
    {},
    optional={
        "task_id": _WORD,
        "status": _WORD,
        "progress": _WORD,
        "action": _WORD,
        "fail_reason": _WORD,
        "submit_time": _TIME,
        "finish_time": _TIME,
        "start_time": _TIME,
        "data": _LEAF
        | _CLIPS
        | st.fixed_dictionaries(
            {}, optional={"songs": _CLIPS, "clips": _CLIPS, "text": _LEAF, "title": _LEAF, "tags": _LEAF}
        ),
        "songs": _CLIPS | _LEAF,
        "clips": st.dictionaries(st.text(max_size=6), _CLIP, max_size=2) | _LEAF,
    },
)
ENVELOPED = st.fixed_dictionaries(
    {"data": _TASK | st.lists(_TASK, max_size=2) | _CLIPS}, optional={"code": _LEAF, "message": _LEAF, "error": _LEAF}
)
BODIES = JSON | _TASK | ENVELOPED | _CLIPS


def _check_error(error: BaseException) -> None:
    assert type(error) in ALLOWED_ERRORS, f"{type(error).__name__}: {error}"
    assert isinstance(str(error), str) and isinstance(error.gateway_message, str)


def _check_task(task: Task) -> None:
    assert isinstance(task, Task)
    assert isinstance(task.task_id, str) and isinstance(task.status, TaskStatus)
    assert task.platform in ("suno", "udio")
    assert task.progress is None or (type(task.progress) is int and 0 <= task.progress <= 100)
    assert isinstance(task.fail_reason, str) and isinstance(task.status_text, str)
    assert isinstance(task.songs, tuple)
    for song in task.songs:
        assert isinstance(song, Song)
        for text in (
            song.id,
            song.title,
            song.lyrics,
            song.description,
            song.model,
            song.status,
            song.error,
            song.kind,
            song.continues,
        ):
            assert isinstance(text, str)
        assert all(isinstance(tag, str) and tag for tag in song.tags)
        for url in (song.audio_url, song.image_url, song.video_url):
            # Only http(s) ever reaches a player, a download or the export pack.
            assert url is None or url.lower().startswith(("http://", "https://"))
        assert song.duration is None or (math.isfinite(song.duration) and song.duration >= 0)
    if task.lyrics is not None:
        assert isinstance(task.lyrics, Lyrics) and isinstance(task.lyrics.text, str)
    for moment in (task.submitted_at, task.started_at, task.finished_at):
        assert moment is None or moment.tzinfo is not None
    # What the pages do with a task must work too: the JSON viewer and the library store it.
    json.dumps(task.raw, default=str)


def _exercise(body, platform: str, task_id: str | None) -> None:
    try:
        _check_task(parse_task(body, platform, task_id=task_id))
    except errors.GatewayError as error:
        _check_error(error)
    try:
        tasks = parse_task_list(body, platform)
    except errors.GatewayError as error:
        _check_error(error)
    else:
        assert isinstance(tasks, list)
        for task in tasks:
            _check_task(task)
    try:
        found = extract_task_id(body)
    except errors.GatewayError as error:
        _check_error(error)
    else:
        assert isinstance(found, str) and found and found == found.strip()


# ~8 ms an example alone, 20 ms beside the browser tests: 1,000 keep this near 20 s in CI;
# PARSER_PROPERTY_EXAMPLES=50000 for a long hunt.
EXAMPLES = int(os.environ.get("PARSER_PROPERTY_EXAMPLES") or 1000)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    body=BODIES,
    platform=st.sampled_from(["suno", "udio", "other"]),
    task_id=st.none() | st.text(min_size=1, max_size=12),
)
def test_entry_points_return_their_type_or_a_documented_error(body, platform, task_id):
    _exercise(body, platform, task_id)


def test_deeply_nested_and_huge_values_are_handled():
    """Shapes hypothesis rarely builds: very deep nesting, huge numbers, non-finite floats."""
    deep: object = {"task_id": "x", "status": "SUCCESS"}
    for _ in range(5000):
        deep = {"data": deep}
    deep_list: object = []
    for _ in range(5000):
        deep_list = [deep_list]
    clip = {
        "id": "c",
        "duration": 10**4000,
        "progress": float("nan"),
        "metadata": {"duration": float("inf")},
        "status": 10**400,
        "audio_url": "https://a/x.mp3",
    }
    for body in (
        deep,
        deep_list,
        {"task_id": "t", "submit_time": 10**4000, "progress": 10**4000},
        {"task_id": "t", "submit_time": float("inf"), "finish_time": float("nan"), "progress": float("-inf")},
        {"code": "success", "data": {"task_id": "t", "data": [clip]}},
        {"task_id": "t", "submit_time": "9" * 5000},
    ):
        _exercise(body, "suno", None)
