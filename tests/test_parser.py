"""Tests for ``lib.gateway.parser``: every gateway dialect (reference §4.3 V1–V11) → one ``Task``.

Fixtures live in ``tests/fixtures/responses/*.json``; the three ``*_seed.json`` files are the real
gateway responses from ``shared/seeds`` copied verbatim, the rest are reconstructed from the gateway
reference (``shared/reference/gateway-api.md``) with Suno's full clip field set.

Expected values below are written out literally (ids, titles, tag tuples, UTC datetimes …) so a
change in the parser's reading of any field shows up as a precise failure.
"""

from __future__ import annotations

import copy
import json
import math
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lib.gateway.errors import (
    AuthenticationError,
    BadRequestError,
    GatewayError,
    NotFoundError,
    ProtocolError,
    QuotaError,
    RateLimitError,
    UnsupportedRouteError,
)
from lib.gateway.models import AlignedWord, Lyrics, Song, Task, TaskStatus, Timing
from lib.gateway.parser import extract_task_id, parse_task, parse_task_list, parse_timing

FIXTURES = Path(__file__).parent / "fixtures" / "responses"
UTC = UTC


def load(name: str):
    """Decoded JSON body of ``tests/fixtures/responses/<name>.json``."""
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def cdn_mp3(cid: str) -> str:
    return f"https://cdn1.suno.ai/{cid}.mp3"


def cdn_mp4(cid: str) -> str:
    return f"https://cdn1.suno.ai/{cid}.mp4"


def cdn_large(cid: str) -> str:
    return f"https://cdn2.suno.ai/image_large_{cid}.jpeg"


def cdn_small(cid: str) -> str:
    return f"https://cdn2.suno.ai/image_{cid}.jpeg"


def assert_song(song: Song, expected: dict) -> None:
    assert isinstance(song, Song)
    for field, value in expected.items():
        got = getattr(song, field)
        assert got == value, f"song {expected.get('id')!r}: {field} = {got!r}, expected {value!r}"


def assert_task(task: Task, expected: dict) -> None:
    assert isinstance(task, Task)
    for field, value in expected.items():
        if field == "songs":
            assert isinstance(task.songs, tuple)
            assert len(task.songs) == len(value), [s.id for s in task.songs]
            for song, exp in zip(task.songs, value):
                assert_song(song, exp)
        else:
            got = getattr(task, field)
            assert got == value, f"task.{field} = {got!r}, expected {value!r}"


# --------------------------------------------------------------------------------------------
# Expected values per fixture
# --------------------------------------------------------------------------------------------

UDIO_NESTED_SONGS = [
    {
        "id": "2ff9b3fb-842b-4a70-9708-61210edc2867",
        "title": "Eternal Waves of Emotion",
        "tags": ("male vocalist", "pop", "pop soul", "melodic", "love", "romantic", "adult contemporary", "mellow"),
        "lyrics": "[Verse]\n夜燈微微閃爍心\n伴隨回憶慢慢進入夢境\n愛曾在時間中沉靜\n遺忘的樂章重新喚醒\n"
        "[Chorus]\n愛的旋律永不凋零\n情感的波浪輕輕震動",
        "description": "周杰伦",
        "audio_url": "https://storage.googleapis.com/udio-artifacts-c33fe3ba-3ffe-471f-92c8-5dfef90b3ea3"
        "/samples/5945acbaf0094ba19b246932c4534ed2/1/Eternal%2520Waves%2520of%2520Emotion.mp3",
        "image_url": "https://imagedelivery.net/C9yUr1FL21Q6JwfYYh2ozQ/63006f79-2b52-4784-9975-0a8dbbc7c200/public",
        "video_url": None,
        "duration": 32.8106666666667,
        "status": "complete",
        "error": "",
    },
    {
        "id": "f4307fca-13bb-4fdc-bd6a-db8459a81a51",
        "title": "Echoes of Affection",
        "tags": ("male vocalist", "pop", "melodic", "romantic", "love"),
        "lyrics": "[Verse]\n當你靠近我的心跳 (越來越快)\n浪漫燈光下的微笑 (無可比擬)\n每個細節都記得 (難以忘懷)\n"
        "愛的旋律中如夢行走 (甜蜜)\n\n[Chorus]\n握住你的手 感受心的魔法\n就讓我們愛 直到天荒地老",
        "description": "周杰伦",
        "audio_url": "https://storage.googleapis.com/udio-artifacts-c33fe3ba-3ffe-471f-92c8-5dfef90b3ea3"
        "/samples/5945acbaf0094ba19b246932c4534ed2/2/Echoes%2520of%2520Affection.mp3",
        "image_url": "https://imagedelivery.net/C9yUr1FL21Q6JwfYYh2ozQ/172352d3-1199-4b2f-2e46-05fef728ce00/public",
        "video_url": None,
        "duration": 32.8106666666667,
        "status": "complete",
        "error": "",
    },
]

UDIO_FLAT_SONGS = [
    {
        "id": "410e80f0-37c7-41ab-8760-9fb56ec747f3",
        "title": "The Untitled",
        "tags": ("female vocalist", "electronic", "downtempo", "chillout", "nu jazz", "rhythmic", "instrumental"),
        "lyrics": "",
        "description": "萨克斯,抒情,夜晚,城镇",
        "audio_url": "https://storage.googleapis.com/udio-artifacts-c33fe3ba-3ffe-471f-92c8-5dfef90b3ea3"
        "/samples/6a80495adc1946a0ad3d847ae34ffd8c/2/The%2520Untitled.mp3",
        "image_url": "https://imagedelivery.net/C9yUr1FL21Q6JwfYYh2ozQ/ef15510a-b59b-43d9-cb9a-0e25d5365500/public",
        "video_url": None,
        "duration": 32.8106666666667,
        "status": "complete",
        "error": "",
    },
    {
        "id": "d1e73425-be5c-43d5-8ad0-67f057d7b8c4",
        "title": "Silent Shadows",
        "tags": (
            "cool jazz",
            "jazz",
            "instrumental",
            "acoustic",
            "mellow",
            "warm",
            "soothing",
            "nocturnal",
            "improvisation",
            "romantic",
            "ballad",
            "sentimental",
            "love",
            "sensual",
            "melodic",
            "calm",
        ),
        "lyrics": "",
        "description": "萨克斯,抒情,夜晚,城镇",
        "audio_url": "https://storage.googleapis.com/udio-artifacts-c33fe3ba-3ffe-471f-92c8-5dfef90b3ea3"
        "/samples/6a80495adc1946a0ad3d847ae34ffd8c/1/Silent%2520Shadows.mp3",
        "image_url": "https://imagedelivery.net/C9yUr1FL21Q6JwfYYh2ozQ/ef15510a-b59b-43d9-cb9a-0e25d5365500/public",
        "video_url": None,
        "duration": 32.8106666666667,
        "status": "complete",
        "error": "",
    },
]

SEED_LYRICS_TEXT = (
    "[Verse]\nDancing in the neon light\nWith the rhythm\nFeeling so right\nMiku's here to steal the show\n"
    "Watch her dance\nFeel the techno glow\n\nShe's got moves like no one else\nIn this digital carousel\n"
    "With her voice\nShe mesmerizes\nEvery beat\nEvery sound maximizes\n\n[Verse 2]\nIn her virtual world\n"
    "She's the queen\nWith energy like you've never seen\nShe'll take you on a cosmic ride\n"
    "With her dance moves\nShe can't hide"
)

LYR_CITY = (
    "[Verse]\n霓虹灯下我独自走\n城市的风吹过街口\n心跳像鼓点在胸口\n今夜不想回头\n\n"
    "[Chorus]\n城市之光 照亮我的方向\n就算迷茫 也要放声歌唱\n\n"
    "[Verse 2]\n柏油路上雨还没停\n耳机里是你的声音"
)
LYR_RAIN = "[Verse]\n雨落在窗台\n咖啡还在冒着热气\n你说你会来\n我等到夜里\n\n[Chorus]\n雨夜咖啡馆\n一首慢慢的爵士"
GPT_RAIN = "一首关于雨夜咖啡馆的爵士歌曲，女声，慵懒"
FAIL_MSG = "Song Description contained artist name: 周杰伦"
LYR_SPRING = "[Verse]\n春风吹过小巷\n桃花落在肩上\n\n[Chorus]\n那年的春天 你在我身旁"

A1, A2 = "3435e194-50e7-4edc-9442-bffe072fccfc", "8f1c2d3e-4b5a-4c6d-9e7f-a1b2c3d4e5f6"
SUCCESS_SONGS = [
    {
        "id": A1,
        "title": "城市之光 City Lights",
        "tags": ("emotional punk", "流行朋克", "male vocals"),
        "lyrics": LYR_CITY,
        "description": "",
        "audio_url": cdn_mp3(A1),
        "image_url": cdn_large(A1),
        "video_url": cdn_mp4(A1),
        "duration": 128.92,
        "model": "chirp-v4",
        "status": "complete",
        "error": "",
    },
    {
        "id": A2,
        "title": "城市之光 City Lights",
        "tags": ("emotional punk", "流行朋克", "male vocals"),
        "lyrics": LYR_CITY,
        "description": "",
        "audio_url": cdn_mp3(A2),
        "image_url": cdn_large(A2),
        "video_url": None,
        "duration": 131.4,
        "model": "chirp-v4",
        "status": "complete",
        "error": "",
    },
]
SUCCESS_TASK = {
    "task_id": "2a145658-3342-4228-b779-b8323a2b77df",
    "platform": "suno",
    "action": "MUSIC",
    "status": TaskStatus.SUCCESS,
    "status_text": "SUCCESS",
    "progress": 100,
    "fail_reason": "",
    "submitted_at": utc(2024, 9, 21, 9, 43, 21),
    "started_at": utc(2024, 9, 21, 9, 43, 32),
    "finished_at": utc(2024, 9, 21, 9, 44, 57),
    "lyrics": None,
    "songs": SUCCESS_SONGS,
}

Q1, Q2 = "5b7e0c1a-2d3f-4e5a-8b9c-0d1e2f3a4b5c", "6c8f1d2b-3e4a-4f5b-9c0d-1e2f3a4b5c6d"
S1, S2 = "9d2e4f6a-8b0c-4d2e-a4f6-b8c0d2e4f6a8", "0e3f5a7b-9c1d-4e3f-b5a7-c9d1e3f5a7b9"
F1, F2 = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", "2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e"
N1, N2 = "4d5e6f7a-8b9c-4d0e-a1f2-b3c4d5e6f7a8", "5e6f7a8b-9c0d-4e1f-b2a3-c4d5e6f7a8b9"
D1, D2 = "6f7a8b9c-0d1e-4f2a-b3c4-d5e6f7a8b9c0", "7a8b9c0d-1e2f-4a3b-c4d5-e6f7a8b9c0d1"
O1, O2 = "8b9c0d1e-2f3a-4b4c-d5e6-f7a8b9c0d1e2", "9c0d1e2f-3a4b-4c5d-e6f7-a8b9c0d1e2f3"
V8A, V8B = "b8c9d0e1-f2a3-4b4c-5d6e-7f8a9b0c1d2e", "c9d0e1f2-a3b4-4c5d-6e7f-8a9b0c1d2e3f"
C1, C2 = "d0e1f2a3-b4c5-4d6e-7f8a-9b0c1d2e3f4a", "e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a5b"
K1, K2 = "f2a3b4c5-d6e7-4f8a-9b0c-1d2e3f4a5b6c", "a3b4c5d6-e7f8-4a9b-0c1d-2e3f4a5b6c7d"
GA1, GA2 = "b4c5d6e7-f8a9-4b0c-1d2e-3f4a5b6c7d8e", "c5d6e7f8-a9b0-4c1d-2e3f-4a5b6c7d8e9f"
FL1, FL2 = "d6e7f8a9-b0c1-4d2e-3f4a-5b6c7d8e9f0a", "e7f8a9b0-c1d2-4e3f-4a5b-6c7d8e9f0a1b"

# name -> (platform, task_id kwarg, expected task fields)
TASK_CASES: dict[str, tuple[str, str | None, dict]] = {
    # ---- real seeds -------------------------------------------------------------------
    "udio_nested_seed": (
        "udio",
        None,
        {
            "task_id": "4232a6c9-c293-4eec-b396-e78221120e13",
            "platform": "udio",
            "action": "udio-generate",
            "status": TaskStatus.SUCCESS,
            "status_text": "SUCCESS",
            "progress": 100,
            "fail_reason": "",
            "submitted_at": utc(2024, 11, 7, 15, 28, 4),
            "started_at": utc(2024, 11, 7, 15, 31, 37),
            "finished_at": utc(2024, 11, 7, 15, 38, 31),
            "lyrics": None,
            "songs": UDIO_NESTED_SONGS,
        },
    ),
    "udio_flat_uniapi_seed": (
        "udio",
        None,
        {
            "task_id": "8a3bcd6e-79ab-454a-ac66-797b91bbb2f5",
            "platform": "udio",
            "action": "udio-generate",
            "status": TaskStatus.SUCCESS,
            "status_text": "SUCCESS",
            "progress": 100,
            "fail_reason": "",
            "submitted_at": utc(2024, 11, 25, 15, 22, 41),
            "started_at": utc(2024, 11, 25, 15, 22, 53),
            "finished_at": utc(2024, 11, 25, 15, 23, 33),
            "lyrics": None,
            "songs": UDIO_FLAT_SONGS,
        },
    ),
    "suno_lyrics_seed": (
        "suno",
        None,
        {
            "task_id": "f4a94d75-087b-4bb1-bd45-53ba293faf96",
            "platform": "suno",
            "action": "LYRICS",
            "status": TaskStatus.SUCCESS,
            "status_text": "SUCCESS",
            "progress": 100,
            "fail_reason": "",
            "submitted_at": utc(2024, 5, 20, 8, 2, 4),
            "started_at": utc(2024, 5, 20, 8, 2, 4),
            "finished_at": utc(2024, 5, 20, 8, 2, 4),
            "songs": [],
            "lyrics": Lyrics(title="Electric Fantasy", text=SEED_LYRICS_TEXT, tags=()),
        },
    ),
    # ---- V1 lifecycle -----------------------------------------------------------------
    "suno_success_two_clips": ("suno", None, SUCCESS_TASK),
    "suno_submitted_data_null": (
        "suno",
        None,
        {
            "task_id": "736a6f88-bd29-4b1e-b110-37132a5325ac",
            "platform": "suno",
            "action": "MUSIC",
            "status": TaskStatus.NOT_START,
            "status_text": "NOT_START",
            "progress": 0,
            "fail_reason": "",
            "submitted_at": utc(2024, 11, 25, 15, 22, 41),
            "started_at": None,
            "finished_at": None,
            "songs": [],
            "lyrics": None,
        },
    ),
    "suno_queued": (
        "suno",
        None,
        {
            "task_id": "c1f0e6a2-9b8d-4c7e-a5f4-3b2a1c0d9e8f",
            "action": "MUSIC",
            "status": TaskStatus.QUEUED,
            "status_text": "QUEUED",
            "progress": 0,
            "fail_reason": "",
            "submitted_at": utc(2024, 11, 25, 15, 22, 41),
            "started_at": utc(2024, 11, 25, 15, 22, 50),
            "finished_at": None,
            "lyrics": None,
            "songs": [
                {
                    "id": Q1,
                    "title": "",
                    "tags": (),
                    "lyrics": "",
                    "description": GPT_RAIN,
                    "audio_url": None,
                    "image_url": None,
                    "video_url": None,
                    "duration": None,
                    "model": "chirp-v4",
                    "status": "queued",
                    "error": "",
                },
                {
                    "id": Q2,
                    "title": "",
                    "tags": (),
                    "lyrics": "",
                    "description": GPT_RAIN,
                    "audio_url": None,
                    "image_url": None,
                    "video_url": None,
                    "duration": None,
                    "model": "chirp-v4",
                    "status": "queued",
                    "error": "",
                },
            ],
        },
    ),
    "suno_streaming": (
        "suno",
        None,
        {
            "task_id": "c1f0e6a2-9b8d-4c7e-a5f4-3b2a1c0d9e8f",
            "action": "MUSIC",
            "status": TaskStatus.IN_PROGRESS,
            "status_text": "IN_PROGRESS",
            "progress": 0,
            "fail_reason": "",
            "submitted_at": utc(2024, 11, 25, 15, 22, 41),
            "started_at": utc(2024, 11, 25, 15, 22, 50),
            "finished_at": None,
            "songs": [
                {
                    "id": S1,
                    "title": "雨夜咖啡馆",
                    "tags": ("smooth jazz", "female vocals", "慵懒"),
                    "lyrics": LYR_RAIN,
                    "description": GPT_RAIN,
                    "audio_url": f"https://audiopipe.suno.ai/?item_id={S1}",
                    "image_url": cdn_large(S1),
                    "video_url": None,
                    "duration": None,
                    "model": "chirp-v4",
                    "status": "streaming",
                    "error": "",
                },
                {
                    "id": S2,
                    "title": "雨夜咖啡馆",
                    "tags": ("smooth jazz", "female vocals", "慵懒"),
                    "lyrics": LYR_RAIN,
                    "description": GPT_RAIN,
                    "audio_url": f"https://audiopipe.suno.ai/?item_id={S2}",
                    "image_url": cdn_large(S2),
                    "video_url": None,
                    "duration": None,
                    "model": "chirp-v4",
                    "status": "streaming",
                    "error": "",
                },
            ],
        },
    ),
    "suno_failure": (
        "suno",
        None,
        {
            "task_id": "e7d6c5b4-a3f2-4e1d-9c0b-8a7f6e5d4c3b",
            "action": "MUSIC",
            "status": TaskStatus.FAILURE,
            "status_text": "FAILURE",
            "progress": 100,
            "fail_reason": FAIL_MSG,
            "submitted_at": utc(2024, 9, 21, 9, 46, 40),
            "started_at": utc(2024, 9, 21, 9, 46, 49),
            "finished_at": utc(2024, 9, 21, 9, 47, 21),
            "songs": [
                {
                    "id": F1,
                    "title": "",
                    "tags": (),
                    "lyrics": "",
                    "description": "一首周杰伦风格的中国风情歌",
                    "audio_url": None,
                    "image_url": None,
                    "video_url": None,
                    "duration": None,
                    "status": "error",
                    "error": FAIL_MSG,
                },
                {
                    "id": F2,
                    "title": "",
                    "tags": (),
                    "lyrics": "",
                    "description": "一首周杰伦风格的中国风情歌",
                    "audio_url": None,
                    "image_url": None,
                    "video_url": None,
                    "duration": None,
                    "status": "error",
                    "error": FAIL_MSG,
                },
            ],
        },
    ),
    # ---- V2 / V3 / V4 -----------------------------------------------------------------
    "suno_v2_notify_hook": (
        "suno",
        None,
        {
            "task_id": "f3e2d1c0-b9a8-4f7e-8d6c-5b4a3f2e1d0c",
            "action": "MUSIC",
            "status": TaskStatus.SUCCESS,
            "status_text": "SUCCESS",
            "progress": 100,
            "fail_reason": "",
            "submitted_at": utc(2024, 11, 7, 15, 28, 4),
            "started_at": utc(2024, 11, 7, 15, 28, 17),
            "finished_at": utc(2024, 11, 7, 15, 30, 11),
            "songs": [
                {
                    "id": N1,
                    "title": "Midnight Tea 午夜茶",
                    "tags": ("lo-fi", "chillhop", "雨声"),
                    "lyrics": "",
                    "audio_url": cdn_mp3(N1),
                    "image_url": cdn_large(N1),
                    "video_url": cdn_mp4(N1),
                    "duration": 95.36,
                    "model": "chirp-v3-5",
                    "status": "complete",
                },
                {
                    "id": N2,
                    "title": "Midnight Tea 午夜茶",
                    "tags": ("lo-fi", "chillhop", "雨声"),
                    "lyrics": "",
                    "audio_url": cdn_mp3(N2),
                    "image_url": cdn_large(N2),
                    "video_url": cdn_mp4(N2),
                    "duration": 104.0,
                    "model": "chirp-v3-5",
                    "status": "complete",
                },
            ],
        },
    ),
    "suno_v3_newapi_dto": (
        "suno",
        None,
        {
            # the public ``task_`` id, never the integer row ``id``; submit_time, never ``created_at``
            "task_id": "task_9aX3kLmQ2vR8tY6uP1oZ4wE7sD5fG0hJ",
            "platform": "suno",
            "action": "MUSIC",
            "status": TaskStatus.SUCCESS,
            "status_text": "SUCCESS",
            "progress": 100,
            "fail_reason": "",
            "submitted_at": utc(2025, 6, 15, 15, 6, 40),
            "started_at": utc(2025, 6, 15, 15, 6, 55),
            "finished_at": utc(2025, 6, 15, 15, 8, 43),
            "songs": [
                {
                    "id": D1,
                    "title": "那年春天",
                    "tags": ("mandopop", "acoustic"),
                    "lyrics": LYR_SPRING,
                    "audio_url": cdn_mp3(D1),
                    "image_url": cdn_large(D1),
                    "video_url": None,
                    "duration": 176.2,
                    "model": "chirp-auk",
                    "status": "complete",
                },
                {
                    "id": D2,
                    "title": "那年春天",
                    "tags": ("mandopop", "acoustic"),
                    "lyrics": LYR_SPRING,
                    "audio_url": cdn_mp3(D2),
                    "image_url": cdn_large(D2),
                    "video_url": None,
                    "duration": 182.68,
                    "model": "chirp-auk",
                    "status": "complete",
                },
            ],
        },
    ),
    "suno_v4_openai_next_camel": (
        "suno",
        None,
        {
            "task_id": "d7f3e2a1-6b5c-4d4e-9f8a-7b6c5d4e3f2a",
            "action": "MUSIC",
            "status": TaskStatus.SUCCESS,
            "status_text": "SUCCESS",
            "progress": 100,
            "fail_reason": "",
            "submitted_at": utc(2024, 9, 21, 9, 43, 21),
            "started_at": utc(2024, 9, 21, 9, 43, 32),
            "finished_at": utc(2024, 9, 21, 9, 44, 57),
            "songs": [
                {
                    "id": O1,
                    "title": "Summer Drive",
                    "tags": ("synthwave", "80s", "driving"),
                    "lyrics": "[Verse]\nTop down, the sun is high",
                    "audio_url": cdn_mp3(O1),
                    "image_url": cdn_large(O1),
                    "duration": 142.12,
                    "status": "complete",
                },
                {
                    "id": O2,
                    "title": "Summer Drive",
                    "tags": ("synthwave", "80s", "driving"),
                    "lyrics": "[Verse]\nTop down, the sun is high",
                    "audio_url": cdn_mp3(O2),
                    "image_url": cdn_large(O2),
                    "duration": 139.8,
                    "status": "complete",
                },
            ],
        },
    ),
    # ---- V7 Udio raw / 302-style ------------------------------------------------------
    "udio_v7_bare_songs": (
        "udio",
        "b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e",
        {
            "task_id": "b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e",
            "platform": "udio",
            "progress": None,
            "submitted_at": None,
            "started_at": None,
            "finished_at": None,
            "fail_reason": "",
            "lyrics": None,
            "songs": [
                {
                    "id": "c3d4e5f6-a7b8-4c9d-0e1f-2a3b4c5d6e7f",
                    "title": "老城月光",
                    "tags": ("chinese traditional", "folk", "dizi", "nocturnal"),
                    "lyrics": "[Verse]\n月光洒在石板路\n老城的钟声敲了五\n\n[Chorus]\n慢慢走 慢慢走",
                    "description": "古风, 笛子, 夜晚",
                    "audio_url": "https://storage.googleapis.com/udio-artifacts-c33fe3ba-3ffe-471f-92c8-5dfef90b3ea3"
                    "/samples/0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e/1/Old%2520Town%2520Moonlight.mp3",
                    "image_url": "https://imagedelivery.net/C9yUr1FL21Q6JwfYYh2ozQ/1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d00/public",
                    "video_url": None,
                    "duration": 32.8106666666667,
                    "status": "complete",
                    "error": "",
                },
                {
                    "id": "d4e5f6a7-b8c9-4d0e-1f2a-3b4c5d6e7f8a",
                    "title": "Moonlit Cobblestones",
                    "tags": ("folk", "chinese traditional", "ambient"),
                    "lyrics": "[Verse]\n月光洒在石板路\n老城的钟声敲了五\n\n[Chorus]\n慢慢走 慢慢走",
                    "description": "古风, 笛子, 夜晚",
                    "audio_url": "https://storage.googleapis.com/udio-artifacts-c33fe3ba-3ffe-471f-92c8-5dfef90b3ea3"
                    "/samples/0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e/2/Moonlit%2520Cobblestones.mp3",
                    "image_url": "https://imagedelivery.net/C9yUr1FL21Q6JwfYYh2ozQ/2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e00/public",
                    "video_url": None,
                    "duration": 32.768,
                    "status": "complete",
                    "error": "",
                },
            ],
        },
    ),
    "udio_v7_array_processing": (
        "udio",
        None,
        {
            "task_id": "e5f6a7b8-c9d0-4e1f-2a3b-4c5d6e7f8a9b",
            "platform": "udio",
            "action": "udio-generate",
            "status": TaskStatus.IN_PROGRESS,
            "status_text": "PROCESSING",
            "progress": 0,
            "fail_reason": "",
            "submitted_at": utc(2024, 11, 25, 15, 22, 41),
            "started_at": utc(2024, 11, 25, 15, 22, 53),
            "finished_at": None,
            "songs": [
                {
                    "id": "f6a7b8c9-d0e1-4f2a-3b4c-5d6e7f8a9b0c",
                    "title": "",
                    "tags": (),
                    "lyrics": "",
                    "description": "萨克斯, 抒情, 夜晚, 城镇",
                    "audio_url": None,
                    "image_url": None,
                    "video_url": None,
                    "duration": None,
                    "error": "",
                },
                {
                    "id": "a7b8c9d0-e1f2-4a3b-4c5d-6e7f8a9b0c1d",
                    "title": "",
                    "tags": (),
                    "lyrics": "",
                    "description": "萨克斯, 抒情, 夜晚, 城镇",
                    "audio_url": None,
                    "image_url": None,
                    "video_url": None,
                    "duration": None,
                    "error": "",
                },
            ],
        },
    ),
    # ---- V8 Suno-API direct: data = clips only -> status derived from clips -----------
    "suno_v8_direct_clips": (
        "suno",
        "v8-direct-task-0001",
        {
            "task_id": "v8-direct-task-0001",
            "platform": "suno",
            # one clip complete, the other streaming -> the not-yet-complete clip decides
            "status": TaskStatus.IN_PROGRESS,
            "progress": None,
            "fail_reason": "",
            "songs": [
                {
                    "id": V8A,
                    "title": "Neon Rain 霓虹雨",
                    "tags": ("cyberpunk", "electronic"),
                    "lyrics": "[Verse]\n霓虹雨 落在高架桥",
                    "audio_url": cdn_mp3(V8A),
                    "image_url": cdn_large(V8A),
                    "video_url": None,
                    "duration": 120.04,
                    "model": "chirp-v3",
                    "status": "complete",
                },
                {
                    "id": V8B,
                    "title": "Neon Rain 霓虹雨",
                    "tags": ("cyberpunk", "electronic"),
                    "lyrics": "[Verse]\n霓虹雨 落在高架桥",
                    "audio_url": f"https://audiopipe.suno.ai/?item_id={V8B}",
                    "image_url": f"https://cdn1.suno.ai/image_large_{V8B}.png",
                    "video_url": None,
                    "duration": None,
                    "model": "chirp-v3",
                    "status": "streaming",
                },
            ],
        },
    ),
    # ---- V9 crazyrouter ---------------------------------------------------------------
    "suno_v9_crazyrouter_processing": (
        "suno",
        None,
        {
            "task_id": "suno_task_7c1e9a",
            "status": TaskStatus.IN_PROGRESS,
            "status_text": "processing",
            "progress": None,
            "fail_reason": "",
            "songs": [],
            "lyrics": None,
        },
    ),
    "suno_v9_crazyrouter_complete": (
        "suno",
        None,
        {
            "task_id": "suno_task_7c1e9a",
            "status": TaskStatus.SUCCESS,
            "status_text": "complete",
            "progress": None,
            "fail_reason": "",
            "lyrics": None,
            "songs": [
                {
                    "id": C1,
                    "title": "夏日海边",
                    "tags": ("pop", "chinese", "upbeat"),
                    "lyrics": "[Verse]\n阳光洒在海面上\n浪花拍打着沙滩",
                    "description": "",
                    "audio_url": cdn_mp3(C1),
                    "image_url": cdn_small(C1),
                    "video_url": None,
                    "duration": 120.5,
                    "model": "",
                    "status": "complete",
                    "error": "",
                },
                {
                    "id": C2,
                    "title": "夏日海边",
                    "tags": ("pop", "chinese", "upbeat"),
                    "lyrics": "[Verse]\n阳光洒在海面上\n浪花拍打着沙滩",
                    "description": "",
                    "audio_url": cdn_mp3(C2),
                    "image_url": cdn_small(C2),
                    "video_url": None,
                    "duration": 118.3,
                    "model": "",
                    "status": "complete",
                    "error": "",
                },
            ],
        },
    ),
    # ---- V10 Key4U: only the documented clipId / cld2AudioUrl mapping is pinned here ----
    "suno_v10_key4u": (
        "suno",
        "1268154180129529857",
        {
            "task_id": "1268154180129529857",
            "platform": "suno",
            "fail_reason": "",
            "songs": [
                {"id": K1, "title": "星河", "audio_url": cdn_mp3(K1)},
                {"id": K2, "title": "星河", "audio_url": cdn_mp3(K2)},
            ],
        },
    ),
    # ---- V11 GoAPI-style: code 200, status "completed" --------------------------------
    "suno_v11_goapi": (
        "suno",
        None,
        {
            "task_id": "0f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a",
            "status": TaskStatus.SUCCESS,
            "status_text": "completed",
            "progress": None,
            "fail_reason": "",
            "lyrics": None,
        },
    ),
    # ---- flattened clip variant (apiai) -----------------------------------------------
    "suno_flattened_clip_apiai": (
        "suno",
        None,
        {
            # the clips' own "task_id" ("<task>_1") must not leak into the task id
            "task_id": "1a2b3c4d5e6f4a7b8c9d0e1f2a3b4c5d",
            "action": "MUSIC",
            "status": TaskStatus.SUCCESS,
            "status_text": "SUCCESS",
            "progress": 100,
            "fail_reason": "",
            "submitted_at": utc(2024, 12, 10, 12, 15, 33),
            "started_at": utc(2024, 12, 10, 12, 15, 33),
            "finished_at": utc(2024, 12, 10, 12, 18, 53),
            "songs": [
                {
                    "id": FL1,
                    "title": "黄昏站台",
                    "tags": ("folk rock", "acoustic guitar", "民谣"),
                    "lyrics": "[Verse]\n火车开过黄昏\n站台上的人越来越少",
                    "audio_url": cdn_mp3(FL1),
                    "image_url": cdn_small(FL1),
                    "video_url": None,
                    "duration": 200.52,
                    "model": "chirp-v4",
                    "status": "complete",
                    "error": "",
                },
                {
                    "id": FL2,
                    "title": "黄昏站台",
                    "tags": ("folk rock", "acoustic guitar", "民谣"),
                    "lyrics": "[Verse]\n火车开过黄昏\n站台上的人越来越少",
                    "audio_url": cdn_mp3(FL2),
                    "image_url": cdn_small(FL2),
                    "video_url": None,
                    "duration": 186.0,
                    "model": "chirp-v4",
                    "status": "complete",
                    "error": "",
                },
            ],
        },
    ),
    # ---- lyrics v2 with tags ----------------------------------------------------------
    "suno_lyrics_v2_tags": (
        "suno",
        None,
        {
            "task_id": "a9b8c7d6-e5f4-4a3b-2c1d-0e9f8a7b6c5d",
            "action": "LYRICS",
            "status": TaskStatus.SUCCESS,
            "status_text": "SUCCESS",
            "progress": 100,
            "fail_reason": "",
            "submitted_at": utc(2025, 1, 9, 8, 45, 10),
            "started_at": utc(2025, 1, 9, 8, 45, 10),
            "finished_at": utc(2025, 1, 9, 8, 45, 22),
            "songs": [],
            "lyrics": Lyrics(
                title="雨夜咖啡馆",
                text="[Verse]\n雨落在窗台\n咖啡还在冒着热气\n\n[Chorus]\n雨夜咖啡馆 一首慢慢的爵士",
                tags=("infectious rhythm", "electronic", "中文流行"),
            ),
        },
    ),
}


@pytest.mark.parametrize("name", sorted(TASK_CASES))
def test_parse_task_fixture(name):
    platform, task_id, expected = TASK_CASES[name]
    body = load(name)
    task = parse_task(body, platform, task_id=task_id)
    assert_task(task, expected)


@pytest.mark.parametrize("name", sorted(TASK_CASES))
def test_parse_task_invariants(name):
    """Shape guarantees that hold for every fixture, whatever the dialect."""
    platform, task_id, _ = TASK_CASES[name]
    body = load(name)
    pristine = copy.deepcopy(body)
    task = parse_task(body, platform, task_id=task_id)
    assert task.raw == pristine  # Task.raw is the body as received
    assert body == pristine  # the parser does not mutate its input
    assert task.platform == platform
    assert isinstance(task.status, TaskStatus)
    assert isinstance(task.task_id, str) and task.task_id
    assert isinstance(task.songs, tuple)
    assert isinstance(task.fail_reason, str)
    for stamp in (task.submitted_at, task.started_at, task.finished_at):
        if stamp is not None:
            assert stamp.tzinfo is not None and stamp.utcoffset() == timedelta(0)
    for song in task.songs:
        assert isinstance(song, Song)
        assert isinstance(song.tags, tuple) and all(isinstance(t, str) and t for t in song.tags)
        for url in (song.audio_url, song.image_url, song.video_url):
            assert url is None or url.startswith(("http://", "https://"))


def test_default_platform_is_suno():
    task = parse_task(load("suno_success_two_clips"))
    assert task.platform == "suno"
    assert task.task_id == "2a145658-3342-4228-b779-b8323a2b77df"


def test_body_task_id_wins_over_kwarg():
    """``task_id=`` is only the fallback for bodies that carry no id of their own."""
    task = parse_task(load("suno_success_two_clips"), "suno", task_id="caller-supplied-id")
    assert task.task_id == "2a145658-3342-4228-b779-b8323a2b77df"


def test_streaming_song_flags():
    task = parse_task(load("suno_streaming"))
    assert all(song.is_streaming and not song.is_complete for song in task.songs)
    assert not task.is_terminal


def test_success_task_flags():
    task = parse_task(load("suno_success_two_clips"))
    assert task.is_success and task.is_terminal and not task.is_failure and not task.is_lyrics
    assert task.queue_seconds == 11.0
    assert task.generation_seconds == 85.0


def test_failure_task_flags():
    task = parse_task(load("suno_failure"))
    assert task.is_failure and task.is_terminal and not task.is_success


def test_lyrics_task_flags():
    task = parse_task(load("suno_lyrics_seed"))
    assert task.is_lyrics and task.songs == ()


def test_udio_unfinished_songs_are_not_complete():
    task = parse_task(load("udio_v7_array_processing"), "udio")
    assert [s.status for s in task.songs if s.status in ("complete", "error")] == []


def test_udio_bare_songs_status_is_canonical():
    task = parse_task(load("udio_v7_bare_songs"), "udio", task_id="b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e")
    assert isinstance(task.status, TaskStatus)
    assert len(task.songs) == 2 and all(s.is_complete for s in task.songs)


def test_key4u_code_success_and_media_urls():
    """V10: ``{"code":"SUCCESS","data":{"data":[{clipId, cld2AudioUrl, cld2ImageUrl, cld2VideoUrl, …}]}}``."""
    task = parse_task(load("suno_v10_key4u"), "suno", task_id="1268154180129529857")
    assert [s.image_url for s in task.songs] == [
        f"https://cdn2.suno.ai/image_large_{K1}.jpeg",
        f"https://cdn2.suno.ai/image_large_{K2}.jpeg",
    ]
    assert [s.video_url for s in task.songs] == [cdn_mp4(K1), cdn_mp4(K2)]


def test_goapi_clips_map_songs():
    """V11 as new-api's GoAPI adaptor types it: ``data.clips`` is a map clip_id -> clip."""
    task = parse_task(load("suno_v11_goapi"))
    assert sorted(s.id for s in task.songs) == sorted([GA1, GA2])
    by_id = {s.id: s for s in task.songs}
    assert by_id[GA1].title == "喵喵歌"
    assert by_id[GA1].audio_url == cdn_mp3(GA1)
    assert by_id[GA1].tags == ("children's song", "cheerful", "儿歌")
    assert by_id[GA2].duration == 101.2


# --------------------------------------------------------------------------------------------
# Batch route
# --------------------------------------------------------------------------------------------

REQUESTED_IDS = [
    "2a145658-3342-4228-b779-b8323a2b77df",
    "c1f0e6a2-9b8d-4c7e-a5f4-3b2a1c0d9e8f",
    "f4a94d75-087b-4bb1-bd45-53ba293faf96",
]


def test_parse_task_list_batch_not_in_request_order():
    body = load("suno_batch")
    tasks = parse_task_list(body)
    assert isinstance(tasks, list) and all(isinstance(t, Task) for t in tasks)
    # database order as received, not request order: callers must match on task_id
    assert [t.task_id for t in tasks] == [
        "f4a94d75-087b-4bb1-bd45-53ba293faf96",
        "2a145658-3342-4228-b779-b8323a2b77df",
        "c1f0e6a2-9b8d-4c7e-a5f4-3b2a1c0d9e8f",
    ]
    by_id = {t.task_id: t for t in tasks}
    assert sorted(by_id) == sorted(REQUESTED_IDS)

    music = by_id["2a145658-3342-4228-b779-b8323a2b77df"]
    expected = {k: v for k, v in SUCCESS_TASK.items()}
    assert_task(music, expected)

    running = by_id["c1f0e6a2-9b8d-4c7e-a5f4-3b2a1c0d9e8f"]
    assert_task(
        running,
        {
            "status": TaskStatus.IN_PROGRESS,
            "status_text": "IN_PROGRESS",
            "progress": 0,
            "action": "MUSIC",
            "submitted_at": utc(2024, 11, 25, 15, 22, 41),
            "finished_at": None,
            "songs": [
                {
                    "id": S1,
                    "status": "streaming",
                    "audio_url": f"https://audiopipe.suno.ai/?item_id={S1}",
                    "duration": None,
                },
                {"id": S2, "status": "complete", "audio_url": cdn_mp3(S2), "duration": 151.2},
            ],
        },
    )

    lyrics = by_id["f4a94d75-087b-4bb1-bd45-53ba293faf96"]
    assert_task(
        lyrics,
        {
            "action": "LYRICS",
            "status": TaskStatus.SUCCESS,
            "songs": [],
            "lyrics": Lyrics(title="Electric Fantasy", text="[Verse]\nDancing in the neon light", tags=()),
        },
    )
    assert all(t.platform == "suno" for t in tasks)


def test_parse_task_list_suno_api_rows_without_progress():
    """V8 batch: Suno-API rows carry ``id``/``created_at``/``updated_at``/``search_item`` and no progress."""
    tasks = parse_task_list(load("suno_v8_batch_rows"))
    assert [t.task_id for t in tasks] == [
        "0d1e2f3a-4b5c-4d6e-8f7a-9b0c1d2e3f4a",
        "f4a94d75-087b-4bb1-bd45-53ba293faf96",
    ]
    music, lyrics = tasks
    assert_task(
        music,
        {
            "action": "MUSIC",
            "status": TaskStatus.SUCCESS,
            "progress": None,
            "submitted_at": utc(2024, 5, 20, 8, 2, 3),
            "started_at": utc(2024, 5, 20, 8, 2, 15),
            "finished_at": utc(2024, 5, 20, 8, 4, 41),
            "songs": [{"id": V8A, "title": "Neon Rain 霓虹雨", "duration": 120.04, "audio_url": cdn_mp3(V8A)}],
        },
    )
    assert_task(
        lyrics,
        {
            "action": "LYRICS",
            "status": TaskStatus.SUCCESS,
            "progress": None,
            "songs": [],
            "lyrics": Lyrics(title="Electric Fantasy", text="[Verse]\nDancing in the neon light", tags=()),
        },
    )


def test_parse_task_list_udio_platform():
    body = {"code": "success", "message": "", "data": [load("udio_nested_seed")["data"]]}
    tasks = parse_task_list(body, "udio")
    assert len(tasks) == 1
    assert_task(
        tasks[0], {"task_id": "4232a6c9-c293-4eec-b396-e78221120e13", "platform": "udio", "songs": UDIO_NESTED_SONGS}
    )


def test_parse_task_list_empty():
    assert parse_task_list({"code": "success", "message": "", "data": []}) == []


@pytest.mark.parametrize(
    "name, exc",
    [
        ("error_task_not_exist", NotFoundError),
        ("error_401_invalid_token", AuthenticationError),
        ("error_403_insufficient_quota", QuotaError),
    ],
)
def test_parse_task_list_error_envelopes(name, exc):
    with pytest.raises(exc):
        parse_task_list(load(name))


# --------------------------------------------------------------------------------------------
# Error envelopes
# --------------------------------------------------------------------------------------------

ERROR_CASES = {
    "error_task_not_exist": (NotFoundError, "task_not_exist", "task_not_exist", None),
    "error_401_invalid_token": (AuthenticationError, None, "无效的令牌", "20250612153045883712649aBcDeFgH"),
    "error_403_insufficient_quota": (QuotaError, "insufficient_user_quota", "用户额度不足, 剩余额度: ＄0.000000", None),
    # new-api rewrites an upstream 429 to this message (reference §6.2); the body alone says "rate limited"
    "error_429_overloaded": (RateLimitError, "fail_to_fetch_task", "当前分组上游负载已饱和，请稍后再试", None),
    # errors.py: UnsupportedRouteError = "answered HTML (vanilla new-api) or invalid_action"
    "error_invalid_action": (UnsupportedRouteError, "invalid_request", "invalid_action", None),
}


@pytest.mark.parametrize("name", sorted(ERROR_CASES))
def test_parse_task_error_envelope(name):
    exc_type, code, message_start, request_id = ERROR_CASES[name]
    with pytest.raises(GatewayError) as info:
        parse_task(load(name), "suno", task_id="736a6f88-bd29-4b1e-b110-37132a5325ac")
    err = info.value
    assert isinstance(err, exc_type), type(err)
    assert not isinstance(err, ProtocolError)
    assert err.gateway_message.startswith(message_start)
    if code is not None:
        assert err.code == code
    if request_id is not None:
        assert err.request_id == request_id


@pytest.mark.parametrize("name", sorted(ERROR_CASES))
def test_extract_task_id_error_envelope(name):
    exc_type = ERROR_CASES[name][0]
    with pytest.raises(exc_type):
        extract_task_id(load(name))


@pytest.mark.parametrize(
    "body, exc_type",
    [
        ({"code": "quota_not_enough", "message": "user quota is not enough", "data": None}, QuotaError),
        (
            {
                "code": "pre_consume_token_quota_failed",
                "message": "pre-consume quota failed, user quota: 0, need quota: 50000",
                "data": None,
            },
            QuotaError,
        ),
        # Suno-API upstream's not-found answer (reference §2.4)
        ({"code": "invalid_request", "message": "task not exist"}, NotFoundError),
        # errors.py: BadRequestError = "refused the request as malformed (400 invalid_request …)"
        ({"code": "invalid_request", "message": "prompt_empty", "data": None}, BadRequestError),
        (
            {
                "error": {
                    "message": "该令牌已过期 (request id: 20250101000000111222333AbCdEfGh)",
                    "type": "new_api_error",
                    "code": "",
                }
            },
            AuthenticationError,
        ),
        (
            {
                "error": {
                    "message": "当前分组上游负载已饱和，请稍后再试 (request id: 2026090519422733007594196e93ae3)",
                    "type": "new_api_error",
                    "code": "",
                }
            },
            RateLimitError,
        ),
    ],
)
def test_parse_task_more_error_envelopes(body, exc_type):
    with pytest.raises(exc_type) as info:
        parse_task(body)
    assert not isinstance(info.value, ProtocolError)


def test_openai_shape_error_request_id_for_rate_limit():
    body = {
        "error": {
            "message": "当前分组上游负载已饱和，请稍后再试 (request id: 2026090519422733007594196e93ae3)",
            "type": "new_api_error",
            "code": "",
        }
    }
    with pytest.raises(GatewayError) as info:
        parse_task(body)
    assert info.value.request_id == "2026090519422733007594196e93ae3"


# --------------------------------------------------------------------------------------------
# Nothing task-like -> ProtocolError
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {},
        [],
        "hello",
        "",
        None,
        42,
        {"code": "success", "data": None},
        {"code": "success", "message": "", "data": {}},
        {"code": "success", "message": "", "data": []},
        {"foo": 1},
    ],
    ids=repr,
)
def test_parse_task_protocol_error(body):
    with pytest.raises(ProtocolError):
        parse_task(body)


# --------------------------------------------------------------------------------------------
# Submit responses -> task id
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, expected",
    [
        ("submit_plain_string", "736a6f88-bd29-4b1e-b110-37132a5325ac"),
        ("submit_data_task_id", "task_Qm7Zp2Lx9Vb4Nc6Rt1Yw8Ks3Hd5Fg0Ja"),
        ("submit_result_mj", "1712345678901234"),
        ("submit_key4u_success", "1268154180129529857"),
        ("submit_top_level_id", "da25a365-4b9f-4e6a-8c2d-7f1e0b9a8c7d"),
    ],
)
def test_extract_task_id_fixture(name, expected):
    assert extract_task_id(load(name)) == expected


@pytest.mark.parametrize(
    "body, expected",
    [
        ({"code": "success", "message": "", "data": {"taskId": "camel-1"}}, "camel-1"),
        ({"task_id": "top-level-1"}, "top-level-1"),
        # precedence: data (string) -> data.task_id -> result -> task_id -> id
        ({"data": "A", "result": "B", "task_id": "C", "id": "D"}, "A"),
        ({"data": {"task_id": "A2"}, "result": "B", "task_id": "C", "id": "D"}, "A2"),
        ({"result": "B", "task_id": "C", "id": "D"}, "B"),
        ({"task_id": "C", "id": "D"}, "C"),
        ({"id": "D"}, "D"),
    ],
)
def test_extract_task_id_precedence(body, expected):
    assert extract_task_id(body) == expected


@pytest.mark.parametrize(
    "body",
    [
        {},
        [],
        None,
        {"code": "success", "data": None},
        {"code": "success", "message": "", "data": ""},
        {"code": "success", "message": "", "data": {}},
        {"foo": 1},
    ],
    ids=repr,
)
def test_extract_task_id_protocol_error(body):
    with pytest.raises(ProtocolError):
        extract_task_id(body)


# --------------------------------------------------------------------------------------------
# Status vocabulary (reference §5.1)
# --------------------------------------------------------------------------------------------


def _task_body(**fields):
    task = {"task_id": "7e57-0000-status", "action": "MUSIC", "data": None}
    task.update(fields)
    return {"code": "success", "message": "", "data": task}


@pytest.mark.parametrize(
    "word, expected",
    [
        ("SUCCESS", TaskStatus.SUCCESS),
        ("success", TaskStatus.SUCCESS),
        ("Succeeded", TaskStatus.SUCCESS),
        ("complete", TaskStatus.SUCCESS),
        ("COMPLETED", TaskStatus.SUCCESS),
        ("finished", TaskStatus.SUCCESS),
        ("FAILURE", TaskStatus.FAILURE),
        ("failed", TaskStatus.FAILURE),
        ("FAIL", TaskStatus.FAILURE),
        ("error", TaskStatus.FAILURE),
        ("PROCESSING", TaskStatus.IN_PROGRESS),
        ("processing", TaskStatus.IN_PROGRESS),
        ("IN_PROGRESS", TaskStatus.IN_PROGRESS),
        ("in_progress", TaskStatus.IN_PROGRESS),
        ("running", TaskStatus.IN_PROGRESS),
        ("streaming", TaskStatus.IN_PROGRESS),
        ("pending", TaskStatus.QUEUED),
        ("QUEUED", TaskStatus.QUEUED),
        ("queued", TaskStatus.QUEUED),
        ("SUBMITTED", TaskStatus.SUBMITTED),
        ("submitted", TaskStatus.SUBMITTED),
        ("NOT_START", TaskStatus.NOT_START),
        ("not_start", TaskStatus.NOT_START),
        ("UNKNOWN", TaskStatus.UNKNOWN),
    ],
)
def test_status_vocabulary(word, expected):
    task = parse_task(_task_body(status=word))
    assert task.status is expected
    assert task.status_text == word  # the gateway's own spelling is kept


def test_unknown_status_is_terminal_failure():
    task = parse_task(_task_body(status="UNKNOWN"))
    assert task.is_terminal and task.is_failure


def _mini_clip(cid: str, status: str) -> dict:
    audio = {"submitted": "", "queued": "", "error": "", "streaming": f"https://audiopipe.suno.ai/?item_id={cid}"}.get(
        status, cdn_mp3(cid)
    )
    return {
        "id": cid,
        "title": "派生状态",
        "status": status,
        "audio_url": audio,
        "video_url": "",
        "image_url": None,
        "image_large_url": None,
        "model_name": "chirp-v3",
        "metadata": {
            "tags": "test",
            "prompt": "",
            "duration": 60.0 if status == "complete" else None,
            "error_type": None,
            "error_message": None,
        },
    }


@pytest.mark.parametrize(
    "statuses, expected",
    [
        (("complete", "complete"), TaskStatus.SUCCESS),
        (("submitted", "submitted"), TaskStatus.SUBMITTED),
        (("queued", "queued"), TaskStatus.QUEUED),
        (("streaming", "streaming"), TaskStatus.IN_PROGRESS),
        (("error", "error"), TaskStatus.FAILURE),
        (("complete", "streaming"), TaskStatus.IN_PROGRESS),
        (("streaming", "complete"), TaskStatus.IN_PROGRESS),
        (("complete", "queued"), TaskStatus.QUEUED),
        (("submitted", "complete"), TaskStatus.SUBMITTED),
        (("complete", "error"), TaskStatus.FAILURE),
        (("complete",), TaskStatus.SUCCESS),
        (("streaming",), TaskStatus.IN_PROGRESS),
    ],
)
def test_status_derived_from_clips_when_task_has_none(statuses, expected):
    """V8: Suno-API rule (reference §5.1) – all same -> that; else the not-yet-complete clip."""
    ids = ["11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"]
    body = {"code": "success", "message": "", "data": [_mini_clip(i, s) for i, s in zip(ids, statuses)]}
    task = parse_task(body, "suno", task_id="derived-1")
    assert task.status is expected
    assert task.task_id == "derived-1"
    assert [s.status for s in task.songs] == list(statuses)


# --------------------------------------------------------------------------------------------
# Progress (reference §5.2)
# --------------------------------------------------------------------------------------------

_MISSING = object()


@pytest.mark.parametrize(
    "value, expected",
    [
        ("37%", 37),
        (37, 37),
        ("0%", 0),
        ("100%", 100),
        (0, 0),
        (100, 100),
        ("", None),
        (None, None),
        (_MISSING, None),
        ("150%", 100),
        (150, 100),
        (-5, 0),
    ],
    ids=lambda value: "missing" if value is _MISSING else repr(value),  # the same in every xdist worker
)
def test_progress(value, expected):
    fields = {"status": "IN_PROGRESS"}
    if value is not _MISSING:
        fields["progress"] = value
    task = parse_task(_task_body(**fields))
    assert task.progress == expected
    assert task.progress is None or isinstance(task.progress, int)


# --------------------------------------------------------------------------------------------
# Times (reference §1.6)
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key, value, expected",
    [
        ("submit_time", 1726911801, utc(2024, 9, 21, 9, 43, 21)),
        ("submit_time", 1726911801000, utc(2024, 9, 21, 9, 43, 21)),  # > 1e12 -> milliseconds
        ("submitTime", 1726911801000, utc(2024, 9, 21, 9, 43, 21)),
        ("submitTime", 1726911801, utc(2024, 9, 21, 9, 43, 21)),
        ("submit_time", "2024-09-21T09:43:21.637Z", utc(2024, 9, 21, 9, 43, 21, 637000)),
        ("submit_time", "2024-11-07T15:24:52.280417+00:00", utc(2024, 11, 7, 15, 24, 52, 280417)),
        ("submit_time", "2024-09-21T17:43:21+08:00", utc(2024, 9, 21, 9, 43, 21)),
        ("submit_time", 0, None),
        ("submit_time", None, None),
        ("submit_time", "", None),
        ("submitTime", 0, None),
    ],
    ids=repr,
)
def test_submit_time(key, value, expected):
    task = parse_task(_task_body(status="SUBMITTED", **{key: value}))
    assert task.submitted_at == expected
    if expected is not None:
        assert task.submitted_at.utcoffset() == timedelta(0)


def test_missing_times_are_none():
    task = parse_task(_task_body(status="SUBMITTED"))
    assert (task.submitted_at, task.started_at, task.finished_at) == (None, None, None)


def test_camel_case_start_and_finish_times():
    task = parse_task(_task_body(status="SUCCESS", startTime=1726911812000, finishTime=1726911897))
    assert task.started_at == utc(2024, 9, 21, 9, 43, 32)
    assert task.finished_at == utc(2024, 9, 21, 9, 44, 57)


def test_milliseconds_with_fraction_keep_the_second():
    # the gpt-best/chainhub field-table example value (reference §1.6)
    task = parse_task(_task_body(status="SUBMITTED", submitTime=1689231405854))
    assert abs(task.submitted_at - utc(2023, 7, 13, 6, 56, 45, 854000)) < timedelta(seconds=1)
    assert task.submitted_at.utcoffset() == timedelta(0)


# --------------------------------------------------------------------------------------------
# fail_reason
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields, expected",
    [
        ({"fail_reason": "任务超时（1440分钟）"}, "任务超时（1440分钟）"),
        ({"fail_reason": None}, ""),
        ({"failReason": "time out"}, "time out"),
        ({"failReason": None}, ""),
        ({}, ""),
    ],
    ids=repr,
)
def test_fail_reason(fields, expected):
    task = parse_task(_task_body(status="FAILURE", **fields))
    assert task.fail_reason == expected
    assert task.status is TaskStatus.FAILURE


# --------------------------------------------------------------------------------------------
# Song field details
# --------------------------------------------------------------------------------------------


def _success_body_with(mutate):
    body = load("suno_success_two_clips")
    mutate(body["data"]["data"][0])
    return body


def test_tags_list_accepted():
    def mutate(c):
        c["metadata"]["tags"] = ["rock", "pop", "中文"]

    song = parse_task(_success_body_with(mutate)).songs[0]
    assert song.tags == ("rock", "pop", "中文")


def test_tags_string_stripped_and_empty_parts_dropped():
    def mutate(c):
        c["metadata"]["tags"] = " rock, , pop ,  , 中文说唱,"

    song = parse_task(_success_body_with(mutate)).songs[0]
    assert song.tags == ("rock", "pop", "中文说唱")


def test_image_url_falls_back_when_no_large_image():
    def mutate(c):
        del c["image_large_url"]

    song = parse_task(_success_body_with(mutate)).songs[0]
    assert song.image_url == cdn_small(A1)


def test_model_falls_back_to_mv():
    def mutate(c):
        del c["model_name"]
        c["mv"] = "chirp-bluejay"

    song = parse_task(_success_body_with(mutate)).songs[0]
    assert song.model == "chirp-bluejay"


def test_description_from_gpt_description_prompt():
    def mutate(c):
        c["metadata"]["gpt_description_prompt"] = "a cheerful song about cats"

    song = parse_task(_success_body_with(mutate)).songs[0]
    assert song.description == "a cheerful song about cats"


@pytest.mark.parametrize(
    "state, expected",
    [("succeeded", "complete"), ("complete", "complete"), ("streaming", "streaming"), ("error", "error")],
)
def test_flattened_clip_state_used_when_status_missing(state, expected):
    """The clip status comes from ``state`` when ``status`` is absent, in Suno's clip vocabulary
    (``Song.is_complete`` means ``status == "complete"``, so "succeeded" must read as complete)."""
    body = load("suno_flattened_clip_apiai")
    clip = body["data"]["data"][0]
    del clip["status"]
    clip["state"] = state
    song = parse_task(body).songs[0]
    assert song.status == expected


def test_flattened_clip_duration_from_top_level_when_metadata_missing():
    body = load("suno_flattened_clip_apiai")
    assert "metadata" not in body["data"]["data"][1]
    assert parse_task(body).songs[1].duration == 186.0


@pytest.mark.parametrize(
    "error_type, error_detail, expected_error",
    [
        ("ModerationError", "Prompt contains a protected artist name", "Prompt contains a protected artist name"),
        ("GenerationFailed", None, "GenerationFailed"),
    ],
)
def test_udio_song_error(error_type, error_detail, expected_error):
    body = load("udio_nested_seed")
    song = body["data"]["data"]["songs"][1]
    song.update(finished=False, song_path="", error_type=error_type, error_detail=error_detail)
    task = parse_task(body, "udio")
    assert task.songs[0].status == "complete"
    assert task.songs[1].status == "error"
    assert task.songs[1].error == expected_error
    assert task.songs[1].audio_url is None


# --------------------------------------------------------------------------------------------
# Hostile input: only http(s) URLs survive; text is never altered
# --------------------------------------------------------------------------------------------

XSS_TITLE = "<img src=x onerror=alert(1)> 夜曲 &amp; \"quotes\" 'single'"
XSS_LYRICS = "[Verse]\n<script>alert(document.cookie)</script>\n&lt;b&gt;不要转义&lt;/b&gt;"


def test_hostile_suno_clip():
    body = load("suno_success_two_clips")
    c0, c1 = body["data"]["data"]
    c0.update(
        title=XSS_TITLE,
        audio_url="javascript:alert(1)",
        image_url="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+",
        image_large_url="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+",
        video_url="/relative/video.mp4",
    )
    c0["metadata"]["prompt"] = XSS_LYRICS
    c0["metadata"]["tags"] = "<b>rock</b>, pop"
    c1.update(
        audio_url="ftp://cdn1.suno.ai/x.mp3",
        image_url="//evil.example/x.png",
        image_large_url="//evil.example/x_large.png",
        video_url="JaVaScRiPt:alert(document.cookie)",
    )
    body["data"]["fail_reason"] = "<i>not html</i>"
    task = parse_task(body)
    s0, s1 = task.songs
    assert s0.title == XSS_TITLE
    assert s0.lyrics == XSS_LYRICS
    assert s0.tags == ("<b>rock</b>", "pop")
    assert (s0.audio_url, s0.image_url, s0.video_url) == (None, None, None)
    assert (s1.audio_url, s1.image_url, s1.video_url) == (None, None, None)
    assert task.fail_reason == "<i>not html</i>"


def test_plain_http_url_is_kept():
    def mutate(c):
        c["audio_url"] = "http://cdn1.suno.ai/plain.mp3"

    assert parse_task(_success_body_with(mutate)).songs[0].audio_url == "http://cdn1.suno.ai/plain.mp3"


def test_hostile_udio_song():
    body = load("udio_flat_uniapi_seed")
    song = body["data"]["songs"][0]
    song.update(
        title=XSS_TITLE,
        lyrics=XSS_LYRICS,
        song_path="javascript:alert(1)",
        image_path="data:image/png;base64,iVBORw0KGgo=",
        video_path="vbscript:msgbox(1)",
    )
    task = parse_task(body, "udio")
    s0 = task.songs[0]
    assert s0.title == XSS_TITLE
    assert s0.lyrics == XSS_LYRICS
    assert (s0.audio_url, s0.image_url, s0.video_url) == (None, None, None)
    assert task.songs[1].audio_url == UDIO_FLAT_SONGS[1]["audio_url"]


def test_hostile_lyrics_task():
    body = load("suno_lyrics_v2_tags")
    body["data"]["data"].update(title=XSS_TITLE, text=XSS_LYRICS, tags=["<svg/onload=alert(1)>", "pop"])
    task = parse_task(body)
    assert task.lyrics == Lyrics(title=XSS_TITLE, text=XSS_LYRICS, tags=("<svg/onload=alert(1)>", "pop"))


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")], ids=repr)
def test_non_finite_numbers_do_not_crash(value):
    """Python's json module decodes NaN/Infinity, so a gateway body can carry them."""
    body = load("suno_success_two_clips")
    body["data"].update(progress=value, submit_time=value)
    body["data"]["data"][0]["metadata"]["duration"] = value
    try:
        task = parse_task(body)
    except GatewayError:
        return
    assert task.progress is None or 0 <= task.progress <= 100
    assert task.songs[0].duration is None or math.isfinite(task.songs[0].duration)


# --------------------------------------------------------------------------------------------
# Fixture inventory
# --------------------------------------------------------------------------------------------


def test_every_fixture_is_used_and_valid_json():
    used = (
        set(TASK_CASES)
        | set(ERROR_CASES)
        | {
            "suno_batch",
            "suno_v8_batch_rows",
            "submit_plain_string",
            "submit_data_task_id",
            "submit_result_mj",
            "submit_key4u_success",
            "submit_top_level_id",
        }
    )
    on_disk = {p.stem for p in FIXTURES.glob("*.json")}
    assert on_disk == used
    for name in on_disk:
        load(name)


# --------------------------------------------------------------------------------------------
# Property: any JSON value -> Task or GatewayError, nothing else
# --------------------------------------------------------------------------------------------

_KEYS = st.sampled_from(
    [
        "data",
        "status",
        "songs",
        "code",
        "task_id",
        "taskId",
        "message",
        "error",
        "progress",
        "action",
        "submit_time",
        "start_time",
        "finish_time",
        "submitTime",
        "fail_reason",
        "failReason",
        "id",
        "result",
        "metadata",
        "audio_url",
        "image_url",
        "image_large_url",
        "video_url",
        "title",
        "tags",
        "prompt",
        "duration",
        "song_path",
        "image_path",
        "finished",
        "state",
        "text",
        "clipId",
        "cld2AudioUrl",
        "clips",
        "error_type",
        "error_detail",
        "error_message",
        "model_name",
        "mv",
        "gpt_description_prompt",
    ]
)
_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.sampled_from(
        [
            "success",
            "SUCCESS",
            "complete",
            "streaming",
            "error",
            "IN_PROGRESS",
            "FAILURE",
            "100%",
            "37%",
            "",
            "task_not_exist",
            "insufficient_user_quota",
            "invalid_action",
            "https://cdn1.suno.ai/x.mp3",
            "javascript:alert(1)",
            "2024-09-21T09:43:21.637Z",
        ]
    )
)
JSON_VALUES = st.recursive(
    _SCALARS,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=8), children, max_size=4)
        | st.dictionaries(_KEYS, children, max_size=6)
    ),
    max_leaves=30,
)


@settings(
    max_examples=500,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    body=JSON_VALUES, platform=st.sampled_from(["suno", "udio"]), task_id=st.none() | st.text(min_size=1, max_size=12)
)
def test_parse_task_total_on_arbitrary_json(body, platform, task_id):
    try:
        task = parse_task(body, platform, task_id=task_id)
    except GatewayError:
        return
    assert isinstance(task, Task)
    assert isinstance(task.status, TaskStatus)
    assert isinstance(task.task_id, str)
    assert task.progress is None or (isinstance(task.progress, int) and 0 <= task.progress <= 100)
    assert isinstance(task.songs, tuple)
    for song in task.songs:
        assert isinstance(song, Song)
        for url in (song.audio_url, song.image_url, song.video_url):
            assert url is None or url.startswith(("http://", "https://"))


@settings(
    max_examples=200,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(body=JSON_VALUES)
def test_extract_task_id_total_on_arbitrary_json(body):
    try:
        task_id = extract_task_id(body)
    except GatewayError:
        return
    assert isinstance(task_id, str) and task_id


# --- the timing route (reference §2.9) -------------------------------------------------------------

TIMING = {
    "aligned_words": [
        {"word": "[Verse]\nWinter ", "success": True, "start_s": 8.38, "end_s": 8.78, "p_align": 0.982},
        {"word": "night\n", "success": False, "start_s": "8.9", "end_s": 9.4},
    ],
    "waveform_data": [0.001, 0.00109, 0.5, 0.25],
    "hoot_cer": 0.0356,
    "is_streamed": False,
}


@pytest.mark.parametrize("body", [TIMING, {"code": "success", "message": "", "data": TIMING}])
def test_parse_timing_reads_words_and_waveform_raw_or_wrapped(body):
    timing = parse_timing(body)
    assert timing == Timing(
        words=(AlignedWord("[Verse]\nWinter ", 8.38, 8.78, True, 0.982), AlignedWord("night\n", 8.9, 9.4, False, None)),
        waveform=(0.001, 0.00109, 0.5, 0.25),
    )


def test_parse_timing_keeps_unreadable_waveform_values_in_place_as_silence():
    timing = parse_timing({"aligned_words": [], "waveform_data": [0.5, "loud", None, -1, float("nan"), True, 0.2]})
    assert timing.waveform == (0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.2)
    assert parse_timing({"aligned_words": [{"word": None, "start_s": "x"}, "junk"]}) == Timing(
        words=(AlignedWord("", 0.0, 0.0),), waveform=()
    )
    assert parse_timing({"aligned_words": [], "waveform_data": "0.1,0.2"}).waveform == ()


def test_parse_timing_refuses_an_answer_without_words_and_raises_an_error_envelope():
    with pytest.raises(ProtocolError):
        parse_timing({"waveform_data": [0.1]})
    with pytest.raises(NotFoundError):
        parse_timing({"code": "task_not_exist", "message": "task_not_exist", "data": None})
