"""Providers as a first-class idea (issue 16): for each provider, every Create mode it offers is sent
as its documentation says (method, path, auth header, body), over real HTTP to a loopback gateway
that answers with that provider's documented bodies (tests/fixtures/providers), so submit → fetch
reads a Task end to end. The key travels only in the provider's auth header, never in a URL or body;
a paid POST is sent once, a read is retried.

sunoapi's documented IDs are masked ("2fac****9f72"); the loopback answers them with the mask's
stars as zeros, as a real (hex) ID would read.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from lib.gateway import GatewayClient, errors, providers
from lib.gateway.providers import suno_api
from lib.settings import SettingsError, load_settings
from lib.studio import capabilities, provider_modes, snippets
from tests.loopback_gateway import LoopbackGateway, Request

FIXTURES = Path(__file__).parent / "fixtures" / "providers"
KEY = "sk-provider-7d1e0c55aa"
VALUES = {
    "description": "a calm song about rain",
    "lyrics": "[Verse] rain on the roof",
    "tags": "lofi, piano",
    "title": "Rain",
    "task_id": "a1b2c3d4-0000-4000-8000-000000000001",
    "clip_id": "c1d2e3f4-0000-4000-8000-000000000002",
    "continue_at": 60,
    "start_s": 10,
    "end_s": 20,
    "persona_id": "p1-0000",
    "artist_clip_id": "c1d2e3f4-0000-4000-8000-000000000002",
    "persona_name": "Rainy",
    "lyrics_prompt": "a song about rain",
    "prompt": "jazz at night",
    "model": "chirp-v4",
}
CLIP = VALUES["clip_id"]


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_text().replace("****", "0000").encode()


# Which fixture answers which request, per provider: (method, path prefix) -> fixture file.
ANSWERS = {
    "sunoapi": {
        ("POST", "/api/v1/"): "sunoapi/submit.json",
        ("GET", "/api/v1/generate/record-info"): "sunoapi/record_info_success_two_songs.json",
    },
    "acedata": {
        ("POST", "/suno/persona"): "acedata/persona_create.json",
        ("POST", "/suno/lyrics"): "acedata/lyrics_success.json",
        ("POST", "/suno/audios"): "acedata/submit_async.json",
        ("POST", "/suno/tasks"): "acedata/tasks_retrieve_success.json",
    },
    "piapi": {
        ("POST", "/api/v1/task"): "piapi/submit_pending.json",
        ("GET", "/api/v1/task/"): "piapi/task_completed_udio.json",
    },
    "suno-api": {
        ("POST", "/api/"): "suno-api/generate_submitted.json",
        ("GET", "/api/get"): "suno-api/get_complete.json",
    },
}
# The ID each provider's submit fixture answers, as the fetch fixture spells it.
SUBMITTED = {
    "sunoapi": "2fac00009f72",
    "acedata": "eae26f89-b64b-404d-a80c-761996660b1c",
    "piapi": "f0c1a2b3-4d5e-4f60-8a71-92b3c4d5e6f7",
    "suno-api": "1b72ba29-3a56-4571-b347-f975127e4bed:5c5c7c48-0ab6-4d2f-9f1b-6a5e8e3c2d1a",
}


def provider_gateway(provider: str) -> LoopbackGateway:
    def answer(request: Request):
        if provider == "acedata" and request.path == "/suno/tasks":
            asked = json.loads(request.body)
            if asked.get("action") == "retrieve_batch":
                return 200, {}, fixture("acedata/tasks_retrieve_batch.json")
        for (method, prefix), name in ANSWERS[provider].items():
            if request.method == method and request.path.startswith(prefix):
                body = fixture(name)
                if name == "sunoapi/submit.json":
                    body = body.replace(b"5c790000be8e", SUBMITTED["sunoapi"].encode())
                if name == "acedata/submit_async.json":
                    body = body.replace(b"44472ab8-783b-4054-b861-5bf14e462f60", SUBMITTED["acedata"].encode())
                return 200, {}, body
        return 404, {}, b'{"error": "no such route in this test"}'

    return LoopbackGateway(answer)


def offered(provider: str) -> list[tuple[str, str]]:
    return [(platform, mode) for platform, modes in provider_modes.offered_modes(provider).items() for mode in modes]


CASES = [(name, platform, mode) for name in providers.NAMES if name != "newapi" for platform, mode in offered(name)]


def header_of(request: Request, name: str) -> str | None:
    return next((value for key, value in request.headers.items() if key.lower() == name.lower()), None)


# --- each offered mode's request, against the docs ------------------------------------------------

# (provider, platform, mode) -> (path, the body the docs ask for)
DOCUMENTED = {
    ("sunoapi", "suno", "inspiration"): (
        "/api/v1/generate",
        {
            "customMode": False,
            "instrumental": False,
            "model": "V4",
            "callBackUrl": "https://api.example.com/callback",
            "prompt": "a calm song about rain",
        },
    ),
    ("sunoapi", "suno", "custom"): (
        "/api/v1/generate",
        {
            "customMode": True,
            "instrumental": False,
            "model": "V4",
            "callBackUrl": "https://api.example.com/callback",
            "prompt": "[Verse] rain on the roof",
            "style": "lofi, piano",
            "title": "Rain",
        },
    ),
    ("sunoapi", "suno", "extend"): (
        "/api/v1/generate/extend",
        {
            "defaultParamFlag": True,
            "audioId": CLIP,
            "model": "V4",
            "callBackUrl": "https://api.example.com/callback",
            "continueAt": 60.0,
            "prompt": "[Verse] rain on the roof",
            "style": "lofi, piano",
            "title": "Rain",
        },
    ),
    ("sunoapi", "suno", "stems"): (
        "/api/v1/vocal-removal/generate",
        {
            "taskId": VALUES["task_id"],
            "audioId": CLIP,
            "type": "separate_vocal",
            "callBackUrl": "https://api.example.com/callback",
        },
    ),
    ("sunoapi", "suno", "lyrics"): (
        "/api/v1/lyrics",
        {"prompt": "a song about rain", "callBackUrl": "https://api.example.com/callback"},
    ),
    ("acedata", "suno", "inspiration"): (
        "/suno/audios",
        {
            "action": "generate",
            "model": "chirp-v4",
            "prompt": "a calm song about rain",
            "instrumental": False,
            "async": True,
        },
    ),
    ("acedata", "suno", "custom"): (
        "/suno/audios",
        {
            "action": "generate",
            "model": "chirp-v4",
            "custom": True,
            "lyric": "[Verse] rain on the roof",
            "title": "Rain",
            "style": "lofi, piano",
            "instrumental": False,
            "async": True,
        },
    ),
    ("acedata", "suno", "persona_create"): ("/suno/persona", {"audio_id": CLIP, "name": "Rainy"}),
    ("acedata", "suno", "concat"): ("/suno/audios", {"action": "concat", "audio_id": CLIP}),
    ("acedata", "suno", "lyrics"): ("/suno/lyrics", {"prompt": "a song about rain"}),
    ("piapi", "suno", "inspiration"): (
        "/api/v1/task",
        {
            "model": "music-s",
            "task_type": "generate_music",
            "input": {"gpt_description_prompt": "a calm song about rain", "make_instrumental": False, "mv": "chirp-v4"},
            "config": {"service_mode": "public"},
        },
    ),
    ("piapi", "udio", "generate"): (
        "/api/v1/task",
        {
            "model": "music-u",
            "task_type": "generate_music",
            "input": {"gpt_description_prompt": "jazz at night", "lyrics_type": "generate", "seed": -1},
            "config": {"service_mode": "public"},
        },
    ),
    ("suno-api", "suno", "inspiration"): (
        "/api/generate",
        {"prompt": "a calm song about rain", "make_instrumental": False, "model": "chirp-v4", "wait_audio": False},
    ),
    ("suno-api", "suno", "custom"): (
        "/api/custom_generate",
        {
            "prompt": "[Verse] rain on the roof",
            "tags": "lofi, piano",
            "title": "Rain",
            "make_instrumental": False,
            "model": "chirp-v4",
            "wait_audio": False,
        },
    ),
    ("suno-api", "suno", "extend"): (
        "/api/extend_audio",
        {
            "audio_id": CLIP,
            "prompt": "[Verse] rain on the roof",
            "continue_at": 60.0,
            "tags": "lofi, piano",
            "title": "Rain",
            "model": "chirp-v4",
            "wait_audio": False,
        },
    ),
    ("suno-api", "suno", "stems"): ("/api/generate_stems", {"audio_id": CLIP}),
}


@pytest.mark.parametrize(("provider", "platform", "mode"), CASES)
def test_each_offered_mode_is_sent_as_documented_with_the_key_only_in_its_header(provider, platform, mode):
    submission = provider_modes.build_for(provider, platform, mode, VALUES)
    auth = providers.get(provider).auth
    with provider_gateway(provider) as gateway, GatewayClient(gateway.url, KEY, provider=provider) as client:
        handle = client.submit(submission.route, submission.body)
        (sent,) = gateway.requests  # a paid POST: once
    assert handle
    assert sent.method == "POST" and sent.path == submission.route
    assert json.loads(sent.body) == dict(submission.body)
    if (provider, platform, mode) in DOCUMENTED:
        path, body = DOCUMENTED[provider, platform, mode]
        assert (sent.path, json.loads(sent.body)) == (path, body)
    if auth.header:
        assert header_of(sent, auth.header) == auth.prefix + KEY
    if auth.header != "Authorization":
        assert header_of(sent, "Authorization") is None
    assert KEY not in sent.path and KEY.encode() not in sent.body
    assert [k for k, v in sent.headers.items() if KEY in v] == ([auth.header] if auth.header else [])


@pytest.mark.parametrize("provider", [name for name in providers.NAMES if name != "newapi"])
def test_submit_then_fetch_reads_the_providers_task_end_to_end(provider):
    platform = "udio" if provider == "piapi" else "suno"
    mode = "generate" if platform == "udio" else "inspiration"
    submission = provider_modes.build_for(provider, platform, mode, VALUES)
    with provider_gateway(provider) as gateway, GatewayClient(gateway.url, KEY, provider=provider) as client:
        task_id = client.submit(submission.route, submission.body)
        task = client.fetch_task(task_id, platform)
        fetched = gateway.requests[-1]
    assert task_id == SUBMITTED[provider]
    assert task.provider == provider
    assert task.status.value == "SUCCESS"
    assert len(task.songs) == 2 and all(song.audio_url for song in task.songs)
    assert KEY not in fetched.path and KEY.encode() not in fetched.body
    if provider == "sunoapi":
        assert fetched.method == "GET" and parse_qs(urlsplit(fetched.path).query) == {"taskId": [task_id]}
    if provider == "acedata":
        assert (fetched.method, fetched.path) == ("POST", "/suno/tasks")
        assert json.loads(fetched.body) == {"action": "retrieve", "id": task_id}
    if provider == "piapi":
        assert (fetched.method, fetched.path) == ("GET", f"/api/v1/task/{task_id}")
    if provider == "suno-api":  # a task is its clips: the handle joins their IDs
        assert fetched.method == "GET"
        assert parse_qs(urlsplit(fetched.path).query) == {"ids": [task_id.replace(suno_api.SEPARATOR, ",")]}


def test_acedata_reads_many_tasks_in_one_retrieve_batch():
    wanted = SUBMITTED["acedata"]
    with provider_gateway("acedata") as gateway, GatewayClient(gateway.url, KEY, provider="acedata") as client:
        tasks = client.fetch_tasks([wanted, "not-there-0001"])
        (sent,) = gateway.requests
    assert json.loads(sent.body) == {"action": "retrieve_batch", "ids": [wanted, "not-there-0001"]}
    assert list(tasks) == [wanted] and len(tasks[wanted].songs) == 2


def test_suno_api_reads_many_tasks_in_one_get_and_gives_each_its_own_clips():
    first, second = SUBMITTED["suno-api"].split(suno_api.SEPARATOR)
    with provider_gateway("suno-api") as gateway, GatewayClient(gateway.url, "", provider="suno-api") as client:
        tasks = client.fetch_tasks([first, second, "gone-0001"])
        (sent,) = gateway.requests
    assert parse_qs(urlsplit(sent.path).query) == {"ids": [f"{first},{second},gone-0001"]}
    assert sorted(tasks) == sorted([first, second])
    assert [song.id for song in tasks[first].songs] == [first]


def test_a_provider_without_a_batch_reads_one_task_per_call():
    with provider_gateway("piapi") as gateway, GatewayClient(gateway.url, KEY, provider="piapi") as client:
        tasks = client.fetch_tasks(["t-1", "t-2"])
    assert sorted(tasks) == ["t-1", "t-2"]
    assert sorted(r.path for r in gateway.requests) == ["/api/v1/task/t-1", "/api/v1/task/t-2"]


def test_suno_api_sends_no_key_at_all():
    with provider_gateway("suno-api") as gateway, GatewayClient(gateway.url, KEY, provider="suno-api") as client:
        client.generate("a calm song")
        client.fetch_task(SUBMITTED["suno-api"])
    for request in gateway.requests:
        assert all(KEY not in value for value in request.headers.values())
        assert header_of(request, "Authorization") is None and header_of(request, "x-api-key") is None


# --- the non-negotiables -----------------------------------------------------------------------


def test_a_paid_post_is_never_retried_and_a_read_is():
    calls: list[str] = []

    def flaky(request: Request):
        calls.append(request.method)
        if request.method == "POST" or calls.count("GET") == 1:
            return 503, {}, b'{"code": 503, "message": "busy"}'
        return 200, {}, fixture("piapi/task_completed_udio.json")

    with LoopbackGateway(flaky) as gateway:
        client = GatewayClient(gateway.url, KEY, provider="piapi", sleep=lambda _s: None)
        with pytest.raises(errors.GatewayError):
            client.submit_mode("udio", "generate", {"gen_params": {"prompt": "jazz"}})
        assert calls == ["POST"]
        task = client.fetch_task("f0c1a2b3-4d5e-4f60-8a71-92b3c4d5e6f7", "udio")
    assert calls == ["POST", "GET", "GET"] and len(task.songs) == 2


def test_an_x_api_key_echoed_in_an_error_never_reaches_the_message():
    def echo(request: Request):
        key = header_of(request, "x-api-key")
        return 401, {}, json.dumps({"code": 401, "data": None, "message": f"invalid key {key}"}).encode()

    with LoopbackGateway(echo) as gateway, GatewayClient(gateway.url, KEY, provider="piapi") as client:
        with pytest.raises(errors.GatewayError) as caught:
            client.fetch_task("t-1")
    assert KEY not in str(caught.value) and KEY not in (caught.value.body or "")


def test_a_mode_the_provider_lacks_is_refused_before_anything_is_sent():
    assert not provider_modes.offers("piapi", "suno", "cover")
    with pytest.raises(errors.InvalidInputError):
        provider_modes.build_for("piapi", "suno", "cover", VALUES)
    with LoopbackGateway() as gateway, GatewayClient(gateway.url, KEY, provider="piapi") as client:
        with pytest.raises(errors.InvalidInputError):
            client.cover(clip_id=CLIP)
        with pytest.raises(errors.InvalidInputError):
            client.submit("/suno/submit/music", {"prompt": "x"})
    assert gateway.requests == []


# --- song tools --------------------------------------------------------------------------------


def test_acedata_song_tools_answer_their_files_and_timing():
    def tools(request: Request):
        answers = {
            "/suno/wav": {"success": True, "data": [{"file_url": "https://cdn.example.com/a.wav"}]},
            "/suno/mp4": {"success": True, "data": {"video_url": "https://cdn.example.com/a.mp4"}},
            "/suno/timing": {
                "success": True,
                "data": {
                    "aligned_words": [{"word": "rain", "success": True, "start_s": 1.0, "end_s": 1.5, "p_align": 1}]
                },
            },
        }
        return 200, {}, json.dumps(answers[request.path]).encode()

    with LoopbackGateway(tools) as gateway, GatewayClient(gateway.url, KEY, provider="acedata") as client:
        assert client.wav_url(CLIP) == "https://cdn.example.com/a.wav"
        assert client.mp4_url(CLIP) == "https://cdn.example.com/a.mp4"
        assert [w.word for w in client.timing(CLIP)] == ["rain"]
    assert [(r.method, r.path, json.loads(r.body)) for r in gateway.requests] == [
        ("POST", path, {"audio_id": CLIP}) for path in ("/suno/wav", "/suno/mp4", "/suno/timing")
    ]


def test_sunoapi_timing_needs_the_task_and_reads_camel_case_words():
    answer = {
        "code": 200,
        "msg": "success",
        "data": {
            "alignedWords": [{"word": "rain", "success": True, "startS": 2.0, "endS": 2.4, "palign": 0}],
            "waveformData": [0.1, 0.2],
        },
    }

    with LoopbackGateway(lambda r: (200, {}, json.dumps(answer).encode())) as gateway:
        client = GatewayClient(gateway.url, KEY, provider="sunoapi")
        with pytest.raises(errors.InvalidInputError):
            client.timeline(CLIP)
        timing = client.timeline(CLIP, task_id=VALUES["task_id"])
        with pytest.raises(errors.UnsupportedRouteError):  # sunoapi's WAV is a task: submit_tool
            client.wav_url(CLIP, task_id=VALUES["task_id"])
        (sent,) = gateway.requests
    assert (sent.path, json.loads(sent.body)) == (
        "/api/v1/generate/get-timestamped-lyrics",
        {"taskId": VALUES["task_id"], "audioId": CLIP},
    )
    assert [(w.word, w.start_s, w.end_s) for w in timing.words] == [("rain", 2.0, 2.4)] and timing.waveform == (
        0.1,
        0.2,
    )


def test_sunoapi_wav_is_a_task_of_its_own():
    with provider_gateway("sunoapi") as gateway, GatewayClient(gateway.url, KEY, provider="sunoapi") as client:
        assert client.submit_tool("wav", CLIP, VALUES["task_id"]) == SUBMITTED["sunoapi"]
    (sent,) = gateway.requests
    assert sent.path == "/api/v1/wav/generate"
    assert json.loads(sent.body) == {
        "taskId": VALUES["task_id"],
        "audioId": CLIP,
        "callBackUrl": "https://api.example.com/callback",
    }


def test_suno_api_timing_and_video_are_free_gets():
    def tools(request: Request):
        if request.path.startswith("/api/get_aligned_lyrics"):
            return 200, {}, b'[{"word": "rain", "start_s": 0.5, "end_s": 0.9, "success": true, "p_align": 1}]'
        return (
            200,
            {},
            json.dumps({"id": CLIP, "video_url": "https://cdn.example.com/v.mp4", "status": "complete"}).encode(),
        )

    with LoopbackGateway(tools) as gateway, GatewayClient(gateway.url, "", provider="suno-api") as client:
        assert [w.word for w in client.timing(CLIP)] == ["rain"]
        assert client.mp4_url(CLIP) == "https://cdn.example.com/v.mp4"
    assert [(r.method, r.path) for r in gateway.requests] == [
        ("GET", f"/api/get_aligned_lyrics?song_id={CLIP}"),
        ("GET", f"/api/clip?id={CLIP}"),
    ]


def test_a_tool_the_provider_lacks_is_unsupported():
    with GatewayClient("http://127.0.0.1:9", KEY, provider="piapi") as client:
        for call in (client.wav_url, client.mp4_url, client.timeline, client.midi):
            with pytest.raises(errors.UnsupportedRouteError):
                call(CLIP)


# --- profiles, settings, probe, snippets -------------------------------------------------------


def test_profiles_name_their_provider_and_an_unknown_one_stops_the_app():
    settings = load_settings(
        {"GATEWAY_BASE_URL": "https://env.example.com", "GATEWAY_PROVIDER": "PiAPI"},
        {
            "gateways": {
                "kie": {"base_url": "https://api.kie.ai", "provider": "sunoapi"},
                "seed": {"base_url": "https://g.example.com"},
            }
        },
    )
    assert [(p.name, p.provider) for p in settings.gateways] == [
        ("env", "piapi"),
        ("kie", "sunoapi"),
        ("seed", "newapi"),
    ]
    with pytest.raises(SettingsError) as caught:
        load_settings({}, {"gateways": {"x": {"base_url": "https://x.example.com", "provider": "sunoapi.org"}}})
    assert caught.value.name == "gateway 'x': provider" and "suno-api" in caught.value.problem
    with pytest.raises(SettingsError) as caught:
        load_settings({"GATEWAY_BASE_URL": "https://env.example.com", "GATEWAY_PROVIDER": "udio"}, {})
    assert caught.value.name == "GATEWAY_PROVIDER"


def test_the_probe_of_a_provider_is_its_table_and_sends_nothing():
    with LoopbackGateway() as gateway, GatewayClient(gateway.url, KEY, provider="piapi") as client:
        result = capabilities.probe(client)
    assert gateway.requests == []
    assert result.found["udio"] == capabilities.OFFERED and result.found["wav"] == capabilities.MISSING


@pytest.mark.parametrize("provider", ["sunoapi", "acedata", "piapi", "suno-api"])
def test_copy_as_code_shows_the_providers_exact_request_and_never_the_key(provider):
    submission = provider_modes.build_for(provider, "suno", "custom" if provider != "piapi" else "inspiration", VALUES)
    curl = snippets.curl_command("https://api.example.com/", submission)
    script = snippets.python_script("https://api.example.com/", submission)
    compile(script, "snippet.py", "exec")
    auth = providers.get(provider).auth
    assert f'-X POST "https://api.example.com{submission.route}"' in curl
    assert json.dumps(dict(submission.body), ensure_ascii=False, indent=2) in curl
    assert repr(dict(submission.body)) in script
    if auth.header:
        assert f'-H "{auth.header}: {auth.prefix}$GATEWAY_API_KEY"' in curl
        assert f"AUTH_HEADER, AUTH_PREFIX = {auth.header!r}, {auth.prefix!r}" in script
    else:
        assert "GATEWAY_API_KEY" not in curl and "Authorization" not in curl
    assert KEY not in curl and KEY not in script


def test_new_api_submissions_keep_their_snippets_and_routes():
    submission = provider_modes.build_for("newapi", "suno", "inspiration", VALUES)
    assert submission.route == "/suno/submit/music" and submission.provider == "newapi"
    assert "Authorization: Bearer $GATEWAY_API_KEY" in snippets.curl_command("https://g.example.com", submission)
