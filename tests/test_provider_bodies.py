"""Every provider's bodies read right: sunoapi.org/kie.ai, AceDataCloud, PiAPI/GoAPI, the
self-hosted suno-api and the ``data.result`` / ``code 0`` gateways (docs/providers.md).

The fixtures in ``tests/fixtures/providers/<provider>/`` come from each provider's public
documentation (``SOURCES.md``); ``expected.json`` holds what a correct reading gives, written from
the docs rather than from the parser. Each fixture is read twice: pasted (``parse_task``, as the
Task page does) and fetched through ``GatewayClient`` from a loopback gateway answering it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lib.gateway import errors
from lib.gateway.client import GatewayClient
from lib.gateway.error_mapping import error_from_body
from lib.gateway.models import PROVIDERS, Song, Task, TaskStatus
from lib.gateway.parser import extract_clip_ids, extract_persona_id, extract_task_id, parse_task, parse_task_list
from lib.studio.task_lookup import failure_kind, parse_lookup, unknown_status_word
from tests.loopback_gateway import LoopbackGateway

ROOT = Path(__file__).parent / "fixtures" / "providers"
EXPECTED: dict[str, dict] = json.loads((ROOT / "expected.json").read_text(encoding="utf-8"))
# expected.json calls the shapes of no provider the studio speaks "other"; a Task names none.
PROVIDER_OF = {"other": ""}
NOT_TASKS = ("error", "credits")


def load(name: str):
    return json.loads((ROOT / name).read_text(encoding="utf-8"))


def names(*, kinds: tuple[str, ...] = (), without: tuple[str, ...] = ()) -> list[str]:
    return sorted(
        name
        for name, entry in EXPECTED.items()
        if (not kinds or entry["kind"] in kinds) and entry["kind"] not in without and "tasks" not in entry
    )


def tags_of(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def assert_first_song(song: Song, expected: dict, fixture_text: str) -> None:
    assert song.id == expected["id"]
    assert song.title == expected["title"]
    assert song.tags == tags_of(expected["tags"])
    # AceDataCloud's lyrics are its "lyric"; its "prompt" (the inspiration) must never show as them.
    assert song.lyrics[:20] == expected["lyrics_prefix"]
    audio = expected["audio_url"] or expected.get("stream_audio_url") or None
    assert song.audio_url == audio
    assert song.duration == expected["duration"]
    image = expected["image_url"]
    if image and (large := image.replace("/image_", "/image_large_", 1)) in fixture_text:
        image = large  # the studio shows the large cover when the body has one
    assert song.image_url == image


def assert_task(task: Task, expected: dict, fixture_text: str, *, asked_id: str = "") -> None:
    assert task.provider == PROVIDER_OF.get(expected["provider"], expected["provider"])
    assert task.status is TaskStatus(expected["status"])
    assert task.task_id == (expected["task_id"] or asked_id)
    if expected["status_word"] is not None:
        assert task.status_text == expected["status_word"]
    assert len(task.songs) == expected["songs"]
    if expected["first_song"] is not None:
        assert_first_song(task.songs[0], expected["first_song"], fixture_text)
    assert task.fail_reason == (expected["fail_reason"] or "")
    if expected.get("moderation"):
        assert failure_kind(task.fail_reason) == "moderation"
    if "lyrics_title" in expected:
        assert task.lyrics is not None and task.lyrics.title == expected["lyrics_title"]
        assert task.lyrics.text[:20] == expected["lyrics_prefix"]
    if "first_lyrics_title" in expected:
        assert task.lyrics is not None and task.lyrics.title == expected["first_lyrics_title"]
        assert task.lyrics.text[:20] == expected["first_lyrics_prefix"]
    if expected.get("model"):
        assert task.platform == ("udio" if expected["model"] == "music-u" else "suno")
    if task.is_success:
        assert task.is_songless_success == (not task.songs and task.lyrics is None)


# --- pasted ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", names(without=NOT_TASKS))
def test_a_pasted_body_is_read_as_its_provider_documents(name):
    expected = EXPECTED[name]
    task = parse_task(load(name))
    assert_task(task, expected, (ROOT / name).read_text(encoding="utf-8"))
    assert task.provider in (*PROVIDERS, "")


@pytest.mark.parametrize("name", names(without=NOT_TASKS))
def test_the_task_page_reads_a_pasted_body_the_same(name):
    """What the Task page does with pasted JSON (platform guessed from the body)."""
    text = (ROOT / name).read_text(encoding="utf-8")
    assert_task(parse_lookup(text).pasted, EXPECTED[name], text)


@pytest.mark.parametrize("name", names(kinds=("error",)))
def test_an_error_body_raises_with_the_gateway_s_own_words(name):
    expected = EXPECTED[name]
    with pytest.raises(errors.GatewayError) as info:
        parse_task(load(name))
    error = info.value
    assert not isinstance(error, errors.ProtocolError)
    assert error.gateway_message == expected["fail_reason"]
    if "code" in expected:
        assert error.code == str(expected["code"])
    if expected["status_word"] is not None:
        assert error.code == expected["status_word"]


def test_a_batch_retrieve_is_read_as_its_tasks():
    name = "acedata/tasks_retrieve_batch.json"
    text = (ROOT / name).read_text(encoding="utf-8")
    tasks = parse_task_list(load(name))
    assert len(tasks) == len(EXPECTED[name]["tasks"])
    for task, expected in zip(tasks, EXPECTED[name]["tasks"]):
        assert task.provider == "acedata"
        assert task.task_id == expected["task_id"]
        assert task.status is TaskStatus(expected["status"])
        assert len(task.songs) == expected["songs"]
        assert_first_song(task.songs[0], expected["first_song"], text)
    # One task of one record is one task when pasted; more must be read as a list.
    assert parse_task(load(name)).task_id == EXPECTED[name]["tasks"][0]["task_id"]
    body = load(name)
    body["items"].append(body["items"][0])
    with pytest.raises(errors.ProtocolError):
        parse_task(body)


def test_a_credits_answer_is_no_task():
    with pytest.raises(errors.ProtocolError):
        parse_task(load("suno-api/get_limit.json"))


@pytest.mark.parametrize("name", names(kinds=("submit",)))
def test_a_submit_answer_gives_its_task_id(name):
    assert extract_task_id(load(name)) == EXPECTED[name]["task_id"]


@pytest.mark.parametrize("name", sorted(n for n, e in EXPECTED.items() if "clip_ids" in e))
def test_suno_api_answers_give_their_clip_ids(name):
    assert extract_clip_ids(load(name)) == EXPECTED[name]["clip_ids"]


@pytest.mark.parametrize(
    "body, expected",
    [
        (load("acedata/persona_create.json"), "e0d7319e-aa2a-44cb-b00a-916218d7cb0b"),  # not its task_id
        ({"code": 200, "msg": "success", "data": {"personaId": "p-sunoapi", "taskId": "t-1"}}, "p-sunoapi"),
        ({"id": "p-raw", "name": "My singer", "root_clip_id": "c-1"}, "p-raw"),  # Suno's raw persona (new-api)
    ],
)
def test_a_persona_answer_gives_the_persona_id(body, expected):
    assert extract_persona_id(body) == expected


# --- fetched through the client ----------------------------------------------------------------


def serving(body: bytes, status: int = 200) -> LoopbackGateway:
    return LoopbackGateway(lambda request: (status, {}, body))


@pytest.mark.parametrize("name", names(without=(*NOT_TASKS, "callback", "lyrics_callback")))
def test_a_fetched_body_is_read_like_a_pasted_one(name):
    text = (ROOT / name).read_text(encoding="utf-8")
    with serving(text.encode()) as gateway, GatewayClient(gateway.url, "sk-test", max_retries=0) as client:
        task = client.fetch_task("asked-1")
    assert_task(task, EXPECTED[name], text, asked_id="asked-1")


@pytest.mark.parametrize(
    "name, status, kind",
    [
        ("sunoapi/error_insufficient_credits.json", 200, errors.QuotaError),  # 429 in the body: credits
        ("sunoapi/error_unauthorized.json", 200, errors.AuthenticationError),
        ("piapi/error_invalid_api_key.json", 401, errors.AuthenticationError),
        ("acedata/error_forbidden_moderation.json", 403, errors.BadRequestError),  # the words, not the key
        ("acedata/error_api_error.json", 500, errors.ServerError),
        ("suno-api/error_payment_required.json", 402, errors.QuotaError),
        ("suno-api/error_internal.json", 500, errors.ServerError),
        ("other/code0_failure.json", 200, errors.BadRequestError),
    ],
)
def test_a_fetched_error_keeps_the_gateway_s_words(name, status, kind):
    with (
        serving((ROOT / name).read_bytes(), status) as gateway,
        GatewayClient(gateway.url, "sk-test", max_retries=0, sleep=lambda s: None) as client,
    ):
        with pytest.raises(kind) as info:
            client.fetch_task("asked-1")
    assert info.value.gateway_message == EXPECTED[name]["fail_reason"]


def test_a_persona_made_on_acedata_is_known_by_its_persona_id():
    body = (ROOT / "acedata/persona_create.json").read_bytes()
    with serving(body) as gateway, GatewayClient(gateway.url, "sk-test") as client:
        persona_id = client.create_persona(root_clip_id="clip-1", name="Voice", description="warm")
    assert persona_id == "e0d7319e-aa2a-44cb-b00a-916218d7cb0b"


# --- error envelopes ---------------------------------------------------------------------------

CLIP = {"id": "c-1", "status": "complete", "audio_url": "https://cdn1.suno.ai/c-1.mp3", "title": "T"}


@pytest.mark.parametrize(
    "body",
    [
        {"code": 0, "msg": "success", "data": [CLIP]},
        {"code": 0, "msg": "Success.", "data": {"task_id": "t-0", "status": "SUCCESS", "data": [CLIP]}},
        {"code": 0, "message": "ok", "data": [CLIP]},
        # code 0 beside a task: the task says how it went, whatever the msg
        {"code": 0, "msg": "task done", "data": {"task_id": "t-0", "status": "SUCCESS", "data": [CLIP]}},
    ],
    ids=repr,
)
def test_code_0_with_success_words_or_a_task_is_a_success(body):
    assert error_from_body(200, body) is None
    task = parse_task(body)
    assert task.status is TaskStatus.SUCCESS and len(task.songs) == 1


def test_code_0_without_words_or_data_is_nothing_rather_than_a_failure():
    with pytest.raises(errors.ProtocolError):
        parse_task({"code": 0, "msg": "success", "data": None})


@pytest.mark.parametrize(
    "body, status, kind, words",
    [
        ({"code": 0, "msg": "Prompt flagged for moderation", "data": None}, 200, errors.BadRequestError, None),
        ({"code": 0, "msg": "参数错误", "data": None}, 200, errors.GatewayError, None),
        ({"code": 430, "msg": "Call frequency is too high", "data": None}, 200, errors.RateLimitError, None),
        ({"code": 405, "msg": "Rate limit exceeded", "data": None}, 200, errors.RateLimitError, None),
        ({"code": 500, "msg": "Server error", "data": None}, 200, errors.ServerError, None),
        ({"code": "429", "msg": "Insufficient credits", "data": None}, 200, errors.QuotaError, None),
        (
            {"success": False, "error": {"code": "forbidden", "message": "Tags contained artist name"}},
            403,
            errors.BadRequestError,  # moderation: the words were refused, not the key
            None,
        ),
        ({"success": False, "message": "no available worker in system"}, 200, errors.GatewayError, None),
        ({"success": False}, 200, errors.GatewayError, ""),
        ({"error": "Audio ID is required"}, 400, errors.BadRequestError, None),
        ({"error": {"code": "invalid_token", "message": "Invalid token"}}, 401, errors.AuthenticationError, None),
    ],
    ids=lambda v: repr(v)[:60],
)
def test_failure_envelopes_give_the_gateway_s_words(body, status, kind, words):
    error = error_from_body(status, body)
    assert error is not None
    assert isinstance(error, kind)
    message = body.get("msg") or body.get("message")
    if isinstance(body.get("error"), dict):
        message = body["error"]["message"]
    elif isinstance(body.get("error"), str):
        message = body["error"]
    assert error.gateway_message == (message if words is None else words)
    with pytest.raises(errors.GatewayError) as pasted:  # pasted, without the HTTP status
        parse_task(body)
    assert not isinstance(pasted.value, errors.ProtocolError)
    assert pasted.value.gateway_message == error.gateway_message


def test_a_task_s_own_error_object_is_read_as_the_task_not_as_an_error_envelope():
    """PiAPI's task pasted without its envelope: its ``error`` describes the failed task."""
    body = load("piapi/task_failed.json")["data"]
    task = parse_task(body)
    assert task.status is TaskStatus.FAILURE
    assert task.fail_reason == "failed to generate music: lyrics contain prohibited content"
    assert failure_kind(task.fail_reason) == "moderation"


def test_a_callback_with_a_failing_code_is_a_failed_task_not_an_error():
    task = parse_task({"code": 531, "msg": "Generation failed, credits refunded", "data": {"callbackType": "error"}})
    assert task.status is TaskStatus.FAILURE and task.fail_reason == "Generation failed, credits refunded"


# --- status words ------------------------------------------------------------------------------


def task_with(word: str, **fields) -> Task:
    return parse_task({"code": "success", "data": {"task_id": "w-1", "status": word, "data": None, **fields}})


@pytest.mark.parametrize(
    "word",
    [
        "GENERATE_LYRICS_FAILED",
        "CONTENT_VIOLATION",
        "violated_policy",
        "cancelled",
        "CANCELED",
        "TIMEOUT",
        "expired",
        "REJECTED",
        "illegal_prompt",
        "Forbidden",
        "UploadException",
        "SENSITIVE",
        "internal-error",
    ],
)
def test_an_unknown_word_naming_a_failure_ends_the_task_as_a_failure(word):
    task = task_with(word)
    assert task.status is TaskStatus.FAILURE and task.is_terminal
    assert task.status_text == word  # shown as the gateway spelled it
    assert task.fail_reason == word  # the only words there are about why
    assert unknown_status_word(task) is None  # not a guess: no "still running?" note
    assert task_with(word, fail_reason="Lyrics flagged").fail_reason == "Lyrics flagged"


@pytest.mark.parametrize("word", ["WARMING_UP", "rendering", "7", "MIXING"])
def test_other_unknown_words_still_read_as_running_and_are_said_to_be_a_guess(word):
    task = task_with(word)
    assert task.status is TaskStatus.IN_PROGRESS and not task.is_terminal
    assert unknown_status_word(task) == word


@pytest.mark.parametrize("word", ["TEXT_SUCCESS", "FIRST_SUCCESS", "staged", "queue", "processing"])
def test_every_provider_s_documented_words_are_known(word):
    task = task_with(word)
    assert task.status in (TaskStatus.QUEUED, TaskStatus.IN_PROGRESS)
    assert unknown_status_word(task) is None


@pytest.mark.parametrize("stage, status", [("text", "IN_PROGRESS"), ("first", "IN_PROGRESS"), ("complete", "SUCCESS")])
def test_callback_stages_are_known_words(stage, status):
    body = load(f"sunoapi/callback_{stage}.json")
    task = parse_task(body)
    assert task.status is TaskStatus(status) and unknown_status_word(task) is None


def test_a_moderation_failure_without_words_is_still_known_as_moderation():
    body = load("sunoapi/record_info_sensitive_word_error.json")
    body["data"]["errorMessage"] = None
    task = parse_task(body)
    assert task.status is TaskStatus.FAILURE and task.fail_reason == "SENSITIVE_WORD_ERROR"
    assert failure_kind(task.fail_reason) == "moderation"
    body["data"]["errorMessage"] = "Contains words not allowed here"
    assert failure_kind(parse_task(body).fail_reason) == "moderation"
    body["data"]["errorMessage"] = "Bad words"
    assert parse_task(body).fail_reason == "Bad words (SENSITIVE_WORD_ERROR)"


# --- a success without songs -------------------------------------------------------------------


def test_a_success_without_songs_says_so():
    body = load("sunoapi/record_info_success.json")
    body["data"]["response"]["sunoData"] = []
    songless = parse_task(body)
    assert songless.is_success and songless.is_songless_success
    assert not parse_task(load("sunoapi/record_info_success.json")).is_songless_success
    assert not parse_task(load("acedata/lyrics_success.json")).is_songless_success  # lyrics are its result
    assert not parse_task(load("sunoapi/record_info_pending.json")).is_songless_success
    assert not parse_task(load("piapi/task_failed.json")).is_songless_success


# --- the new-api family is still itself --------------------------------------------------------

RESPONSES = Path(__file__).parent / "fixtures" / "responses"


@pytest.mark.parametrize(
    "name, provider",
    [
        ("suno_success_two_clips", "newapi"),
        ("udio_nested_seed", "newapi"),
        ("suno_lyrics_seed", "newapi"),
        ("suno_v4_openai_next_camel", "newapi"),
        ("suno_v9_crazyrouter_complete", "newapi"),
        ("suno_v8_direct_clips", "newapi"),
        ("suno_v11_goapi", "piapi"),  # GoAPI's clips keyed by ID: PiAPI's older answer
    ],
)
def test_the_seed_family_reads_as_newapi(name, provider):
    body = json.loads((RESPONSES / f"{name}.json").read_text(encoding="utf-8"))
    assert parse_task(body).provider == provider


# --- neighbours of the fixtures ------------------------------------------------------------------


@pytest.mark.parametrize(
    "flag, status",
    [
        ("SUCCESS", TaskStatus.SUCCESS),
        ("GENERATE_WAV_FAILED", TaskStatus.FAILURE),
        (0, TaskStatus.QUEUED),
        (2, TaskStatus.FAILURE),
    ],
)
def test_sunoapi_records_that_count_progress_in_success_flag(flag, status):
    """WAV, stems, video and cover records say how far they are with ``successFlag``."""
    body = {
        "code": 200,
        "msg": "success",
        "data": {"taskId": "w-1", "musicId": "m-1", "response": {"audioWavUrl": None}, "successFlag": flag},
    }
    task = parse_task(body)
    assert (task.provider, task.task_id, task.status) == ("sunoapi", "w-1", status)


def test_piapi_s_zero_time_means_not_yet():
    task = parse_task(load("piapi/task_processing_udio.json"))
    assert task.started_at is not None and task.finished_at is None


def test_a_piapi_webhook_body_is_its_task():
    body = {"timestamp": 1735689600, "data": load("piapi/task_completed_udio.json")["data"]}
    task = parse_task(body)
    assert (task.provider, task.status, len(task.songs), task.platform) == ("piapi", TaskStatus.SUCCESS, 2, "udio")


def test_piapi_lyrics_are_read_as_lyrics():
    body = load("piapi/task_completed_udio.json")
    body["data"].update(
        task_type="generate_lyrics", output={"lyrics_pairs": [{"title": "Night", "text": "[Verse] la"}]}
    )
    task = parse_task(body)
    assert task.lyrics is not None and (task.lyrics.title, task.lyrics.text) == ("Night", "[Verse] la")
    assert not task.is_songless_success


def test_suno_api_stems_are_clips():
    stems = [
        {
            "id": "s-1",
            "status": "queued",
            "created_at": "2024-05-25T23:24:01Z",
            "title": "Vocals",
            "stem_from_id": "c-1",
        },
        {"id": "s-2", "status": "complete", "title": "Instrumental", "stem_from_id": "c-1", "duration": 10},
    ]
    task = parse_task(stems)
    assert (task.provider, task.status, [s.id for s in task.songs]) == ("suno-api", TaskStatus.QUEUED, ["s-1", "s-2"])


# --- property: the provider readers are total --------------------------------------------------

PROVIDER_KEYS = [
    *("code", "msg", "message", "data", "success", "error", "trace_id", "items", "count"),
    *("taskId", "task_id", "id", "_id", "api_id", "status", "state", "callbackType", "response"),
    *("sunoData", "param", "errorCode", "errorMessage", "operationType", "request", "action"),
    *("created_at", "started_at", "finished_at", "task_type", "model", "output", "meta", "songs"),
    *("clips", "lyrics_pairs", "result", "suno_data", "create_at", "complete_at", "raw_message"),
    *("audioUrl", "audio_url", "streamAudioUrl", "imageUrl", "image_url", "lyric", "style", "prompt"),
    *("title", "text", "tags", "duration", "persona_id", "personaId", "song_path", "metadata"),
]
PROVIDER_WORDS = [
    *("SUCCESS", "TEXT_SUCCESS", "FIRST_SUCCESS", "PENDING", "SENSITIVE_WORD_ERROR", "text", "first"),
    *("complete", "error", "succeeded", "running", "pending", "completed", "staged", "failed", "0"),
    *("200", "music-u", "music-s", "https://cdn1.suno.ai/x.mp3", "javascript:alert(1)", "success", ""),
]
_VALUE = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8) | st.sampled_from(PROVIDER_WORDS)
_ANY = st.recursive(
    _VALUE,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(PROVIDER_KEYS), inner, max_size=5),
    max_leaves=12,
)
_SONGS = st.lists(st.dictionaries(st.sampled_from(PROVIDER_KEYS), _ANY, max_size=6), max_size=3) | _ANY
_BODIES = st.one_of(
    st.fixed_dictionaries(
        {"code": _ANY, "msg": _ANY, "data": st.fixed_dictionaries({"taskId": _ANY, "status": _ANY, "response": _ANY})}
    ),
    st.fixed_dictionaries(
        {"code": _ANY, "msg": _ANY, "data": st.fixed_dictionaries({"callbackType": _ANY, "data": _SONGS})}
    ),
    st.fixed_dictionaries({"success": st.booleans(), "task_id": _ANY, "data": _SONGS}),
    st.fixed_dictionaries({"id": _ANY, "_id": _ANY, "request": _ANY, "response": _ANY, "state": _ANY}),
    st.fixed_dictionaries({"items": st.lists(_ANY, max_size=3), "count": _ANY}),
    st.fixed_dictionaries(
        {
            "code": _ANY,
            "data": st.fixed_dictionaries(
                {"task_id": _ANY, "task_type": _ANY, "status": _ANY, "output": _ANY, "error": _ANY, "model": _ANY}
            ),
        }
    ),
    st.fixed_dictionaries({"code": _ANY, "data": st.fixed_dictionaries({"task_id": _ANY, "result": _ANY})}),
    _SONGS,
    _ANY,
)
ALLOWED = (errors.ProtocolError, errors.GatewayError)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_BODIES)
def test_any_provider_shaped_body_reads_as_a_task_or_a_gateway_error(body):
    for read in (parse_task, parse_task_list, extract_task_id, extract_persona_id, extract_clip_ids):
        try:
            result = read(body)
        except ALLOWED as error:
            assert not isinstance(error, errors.InvalidInputError)
            continue
        for task in result if isinstance(result, list) else [result]:
            if isinstance(task, Task):
                assert task.provider in (*PROVIDERS, "")
                assert isinstance(task.status, TaskStatus) and isinstance(task.fail_reason, str)
                assert all(isinstance(song, Song) and isinstance(song.id, str) for song in task.songs)
                assert all(url is None or url.startswith("http") for s in task.songs for url in (s.audio_url,))
            else:
                assert isinstance(task, str) and task.strip()


def test_a_code_of_digits_int_cannot_read_is_not_a_status():
    """Found by the property test above: ``"²".isdigit()`` is true, yet ``int("²")`` raises."""
    for read in (parse_task, extract_task_id):
        with pytest.raises(errors.GatewayError):
            read({"code": "²", "data": {"task_id": None, "result": None}})
