"""Create-page forms: each mode's exact body, sent for real to the sandbox, and its validation."""

from __future__ import annotations

import inspect
import subprocess
import sys

import pytest

from lib.gateway import bodies
from lib.gateway.catalog import (
    DEFAULT_LIMITS,
    DEFAULT_SUNO_MODEL,
    DEFAULT_UDIO_MODEL,
    SUNO_MODELS,
    TITLE_LIMIT,
    UDIO_MODELS,
    models_frame,
    suno_limits,
    suno_models_for,
)
from lib.gateway.client import SUBMIT_ROUTES
from lib.gateway.ids import validate_id
from lib.studio.create_modes import CODES, MODES, FieldError, FormInvalid, build, defaults, fields_of, required_of
from tests.conftest import PAST_DONE

TASK, CLIP, PERSONA, SONG = ("11111111-2222-3333-4444-555555555555", "clip-1", "persona-1", "song-1")
ALL_MODES = [(platform, mode) for platform, modes in MODES.items() for mode in modes]

# A valid form per mode. IDs are placeholders here; the sandbox tests swap in real ones.
VALID: dict[tuple[str, str], dict] = {
    ("suno", "inspiration"): {"description": "  a cheerful song about cats ", "instrumental": True},
    ("suno", "custom"): {
        "lyrics": "[Verse]\nCity lights",
        "title": "City Lights",
        "tags": "emotional punk",
        "negative_tags": "metal",
    },
    ("suno", "extend"): {
        "task_id": TASK,
        "clip_id": CLIP,
        "continue_at": 61.5,
        "lyrics": "[Verse 2]\nMore",
        "tags": "punk",
        "title": "City Lights",
    },
    ("suno", "cover"): {"clip_id": CLIP, "lyrics": "[Verse]\nAgain", "tags": "rock, punk", "title": "X (Cover)"},
    ("suno", "replace"): {
        "task_id": TASK,
        "clip_id": CLIP,
        "start_s": 10,
        "end_s": 20.5,
        "lyrics": "[Verse]\nNew words",
    },
    ("suno", "persona_song"): {
        "persona_id": PERSONA,
        "artist_clip_id": CLIP,
        "lyrics": "[Verse]\nSung by her",
        "tags": "soul",
    },
    ("suno", "persona_create"): {
        "clip_id": CLIP,
        "persona_name": "My singer",
        "persona_description": "warm female alto",
        "persona_public": False,
    },
    ("suno", "upload"): {"audio_url": " https://example.com/song.mp3 "},
    ("suno", "concat"): {"clip_id": CLIP, "is_infill": True},
    ("suno", "stems"): {"task_id": TASK, "clip_id": CLIP, "all_stems": True, "title": "Parts"},
    ("suno", "lyrics"): {"lyrics_prompt": "dance", "webhook": "https://hooks.example/lyrics"},
    ("udio", "generate"): {
        "prompt": "saxophone, lyrical, night",
        "lyrics_type": "user",
        "lyrics": "Night falls",
        "seed": 42,
        "prompt_strength": 0.6,
    },
    ("udio", "continuation"): {"song_id": SONG, "prompt": "jazz", "udio_model": "udio130-v1.5"},
    ("udio", "precede"): {
        "song_id": SONG,
        "prompt": "an intro",
        "lyrics_type": "instrumental",
        "position": 0.0,
        "negative_prompt": "drums",
    },
}


def expected(platform: str, mode: str, ids: dict[str, str]) -> tuple[str, dict]:
    """The route and body each valid form must give, written out field by field."""
    task, clip, persona, song = ids["task"], ids["clip"], ids["persona"], ids["song"]
    music = "/suno/submit/music"
    return {
        ("suno", "inspiration"): (
            music,
            {"gpt_description_prompt": "a cheerful song about cats", "make_instrumental": True, "mv": "chirp-v4"},
        ),
        ("suno", "custom"): (
            music,
            {
                "prompt": "[Verse]\nCity lights",
                "title": "City Lights",
                "tags": "emotional punk",
                "negative_tags": "metal",
                "make_instrumental": False,
                "mv": "chirp-v4",
            },
        ),
        ("suno", "extend"): (
            music,
            {
                "task": "extend",
                "task_id": task,
                "continue_clip_id": clip,
                "continue_at": 61.5,
                "prompt": "[Verse 2]\nMore",
                "title": "City Lights",
                "tags": "punk",
                "mv": "chirp-v4",
            },
        ),
        ("suno", "cover"): (
            music,
            {
                "task": "cover",
                "cover_clip_id": clip,
                "prompt": "[Verse]\nAgain",
                "title": "X (Cover)",
                "tags": "rock, punk",
                "generation_type": "TEXT",
                "mv": "chirp-v4-tau",
            },
        ),
        ("suno", "replace"): (
            music,
            {
                "task": "infill",
                "task_id": task,
                "continue_clip_id": clip,
                "infill_start_s": 10.0,
                "infill_end_s": 20.5,
                "prompt": "[Verse]\nNew words",
                "title": "",
                "tags": "",
                "mv": "chirp-v4-tau",
            },
        ),
        ("suno", "persona_song"): (
            music,
            {
                "task": "artist_consistency",
                "persona_id": persona,
                "artist_clip_id": clip,
                "prompt": "[Verse]\nSung by her",
                "title": "",
                "tags": "soul",
                "mv": "chirp-v4-tau",
            },
        ),
        ("suno", "persona_create"): (
            "/suno/persona/create/",
            {
                "root_clip_id": clip,
                "name": "My singer",
                "description": "warm female alto",
                "clips": [clip],
                "is_public": False,
            },
        ),
        ("suno", "upload"): ("/suno/uploads/audio-url", {"url": "https://example.com/song.mp3"}),
        ("suno", "concat"): ("/suno/submit/concat", {"clip_id": clip, "is_infill": True}),
        ("suno", "stems"): (
            music,
            {
                "task": "gen_stem",
                "task_id": task,
                "continue_clip_id": clip,
                "prompt": "",
                "title": "Parts",
                "make_instrumental": True,
                "mv": "chirp-auk",
                "stem_type_id": 91,
                "stem_type_group_name": "Twelve",
                "stem_task": "twelve",
            },
        ),
        ("suno", "lyrics"): ("/suno/submit/lyrics", {"prompt": "dance", "notify_hook": "https://hooks.example/lyrics"}),
        ("udio", "generate"): (
            "/udio/submit/music",
            {
                "gen_params": {
                    "prompt": "saxophone, lyrical, night",
                    "lyrics_type": "user",
                    "lyrics": "Night falls",
                    "model_type": "udio32-v1.5",
                    "seed": 42,
                    "config": {"mode": "regular"},
                    "prompt_strength": 0.6,
                }
            },
        ),
        ("udio", "continuation"): (
            "/udio/submit/music",
            {
                "gen_params": {
                    "prompt": "jazz",
                    "lyrics_type": "generate",
                    "model_type": "udio130-v1.5",
                    "seed": -1,
                    "song_section_start": 0.4,
                    "config": {
                        "mode": "continuation",
                        "context_length": 130,
                        "source": {"source_type": "song", "song_id": song},
                    },
                }
            },
        ),
        ("udio", "precede"): (
            "/udio/submit/music",
            {
                "gen_params": {
                    "prompt": "an intro",
                    "lyrics_type": "instrumental",
                    "model_type": "udio32-v1.5",
                    "seed": -1,
                    "negative_prompt": "drums",
                    "song_section_start": 0.0,
                    "config": {
                        "mode": "precede",
                        "context_length": 130,
                        "source": {"source_type": "song", "song_id": song},
                    },
                }
            },
        ),
    }[(platform, mode)]


def errors_of(platform: str, mode: str, values: dict) -> list[FieldError]:
    with pytest.raises(FormInvalid) as caught:
        build(platform, mode, values)
    assert all(e.code in CODES for e in caught.value.errors)
    return caught.value.errors


def codes(platform: str, mode: str, values: dict) -> list[tuple[str, str]]:
    return [(e.field, e.code) for e in errors_of(platform, mode, values)]


def with_values(key: tuple[str, str], **changes) -> dict:
    return {**VALID[key], **changes}


# --- each mode, for real over HTTP ------------------------------------------------------------


@pytest.fixture
def sources(client, clock) -> dict[str, str]:
    """Finished things to build on: a Suno task and clip, an uploaded clip, a persona, a Udio song."""
    task = client.generate("a song to build on")
    upload = client.upload_audio_url("https://example.com/mine.mp3")
    udio = client.udio_generate("a udio song to build on")
    clock.advance(PAST_DONE)
    clip = client.fetch_task(task).songs[0].id
    persona = client.create_persona(root_clip_id=clip, name="Singer")
    return {
        "task": task,
        "clip": clip,
        "persona": persona,
        "upload_clip": client.fetch_task(upload).songs[0].id,
        "song": client.fetch_task(udio, "udio").songs[0].id,
    }


def real_ids(values: dict, ids: dict[str, str]) -> dict:
    swap = {TASK: ids["task"], CLIP: ids["clip"], PERSONA: ids["persona"], SONG: ids["song"]}
    return {name: swap.get(value, value) if isinstance(value, str) else value for name, value in values.items()}


def submit_and_check(client, sandbox, submission) -> str:
    assert submission.route in SUBMIT_ROUTES
    returned = client.submit(submission.route, submission.body)
    sent = sandbox.requests[-1]
    assert (sent["method"], sent["path"]) == ("POST", submission.route)
    assert sent["body"] == submission.body
    return validate_id(returned)


@pytest.mark.parametrize("platform, mode", ALL_MODES)
def test_each_mode_builds_the_documented_body_and_the_gateway_takes_it(platform, mode, sources, client, sandbox):
    submission = build(platform, mode, real_ids(VALID[(platform, mode)], sources))
    route, body = expected(platform, mode, sources)
    assert (submission.platform, submission.route, submission.body) == (platform, route, body)
    assert submission.action == (f"udio-{mode}" if platform == "udio" else mode)
    submit_and_check(client, sandbox, submission)


def test_extending_an_uploaded_clip_needs_no_task(sources, client, sandbox):
    submission = build(
        "suno",
        "extend",
        {"from_upload": True, "clip_id": sources["upload_clip"], "continue_at": "30", "model": "chirp-auk"},
    )
    assert submission.body == {
        "task": "upload_extend",
        "continue_clip_id": sources["upload_clip"],
        "continue_at": 30.0,
        "prompt": "",
        "title": "",
        "tags": "",
        "mv": "chirp-auk",
    }
    assert submission.action == "extend"
    submit_and_check(client, sandbox, submission)


def test_advanced_options_travel_in_metadata_and_notify_hook(sources, client, sandbox):
    submission = build(
        "suno",
        "cover",
        {
            "clip_id": sources["clip"],
            "model": "chirp-bluejay",
            "vocal_gender": "f",
            "style_weight": 0.7,
            "weirdness": "0",
            "webhook": "https://hooks.example/done",
        },
    )
    assert submission.body == {
        "task": "cover",
        "cover_clip_id": sources["clip"],
        "prompt": "",
        "title": "",
        "tags": "",
        "generation_type": "TEXT",
        "mv": "chirp-bluejay",
        "metadata": {"vocal_gender": "f", "control_sliders": {"style_weight": 0.7, "weirdness_constraint": 0.0}},
        "notify_hook": "https://hooks.example/done",
    }
    submit_and_check(client, sandbox, submission)


@pytest.mark.parametrize(
    "values, metadata",
    [
        ({"vocal_gender": "m"}, {"vocal_gender": "m"}),
        ({"weirdness": 0.25}, {"control_sliders": {"weirdness_constraint": 0.25}}),
        ({"vocal_gender": "", "style_weight": None, "weirdness": ""}, None),
    ],
)
def test_metadata_holds_only_what_was_set(values, metadata):
    body = build("suno", "inspiration", {"description": "cats", **values}).body
    assert body.get("metadata") == metadata
    assert "notify_hook" not in body


def test_an_instrumental_custom_song_sends_empty_lyrics_and_needs_none():
    body = build("suno", "custom", {"tags": "ambient", "instrumental": True, "lyrics": "x" * 9000}).body
    assert (body["prompt"], body["make_instrumental"]) == ("", True)


def test_an_emptied_field_falls_back_to_its_default():
    body = build("suno", "stems", {"task_id": TASK, "clip_id": CLIP, "model": "  "}).body
    assert body["mv"] == "chirp-auk"
    body = build(
        "udio", "continuation", {"song_id": SONG, "prompt": "x", "position": None, "seed": "", "udio_model": ""}
    ).body["gen_params"]
    assert (body["song_section_start"], body["seed"], body["model_type"]) == (0.4, -1, "udio32-v1.5")


def test_a_typed_model_name_is_sent_as_typed():
    body = build("suno", "custom", {"tags": "x", "lyrics": "y", "model": " chirp-v5 "}).body
    assert body["mv"] == "chirp-v5"


# --- validation -------------------------------------------------------------------------------


@pytest.mark.parametrize("platform, mode", ALL_MODES)
def test_every_valid_example_builds(platform, mode):
    build(platform, mode, VALID[(platform, mode)])


@pytest.mark.parametrize("platform, mode", ALL_MODES)
def test_each_missing_required_field_is_reported_on_that_field(platform, mode):
    values = VALID[(platform, mode)]
    for name in required_of(platform, mode, values):
        for empty in (None, "", "   "):
            errors = codes(platform, mode, {**values, name: empty})
            want = "lyrics_required" if (mode, name) == ("custom", "lyrics") else "required"
            assert errors == [(name, want)], (name, empty)


@pytest.mark.parametrize("platform, mode", ALL_MODES)
def test_defaults_cover_the_fields_and_only_required_ones_fail(platform, mode):
    initial = defaults(platform, mode)
    assert tuple(initial) == fields_of(platform, mode)
    assert required_of(platform, mode) == required_of(platform, mode, initial)
    assert required_of(platform, mode) <= set(fields_of(platform, mode))
    assert {e.field for e in errors_of(platform, mode, initial)} == required_of(platform, mode)


def test_defaults_per_mode():
    assert defaults("suno", "extend")["continue_at"] is None
    assert defaults("suno", "persona_create")["persona_public"] is True
    assert defaults("suno", "cover")["model"] == "chirp-v4-tau"
    assert defaults("suno", "stems")["model"] == "chirp-auk"
    udio = defaults("udio", "precede")
    assert (udio["lyrics_type"], udio["udio_model"], udio["seed"], udio["position"]) == (
        "generate",
        "udio32-v1.5",
        -1,
        0.0,
    )
    assert defaults("udio", "continuation")["position"] == 0.4
    assert defaults("udio", "generate")["prompt_strength"] is None
    assert "position" not in defaults("udio", "generate")
    assert {"vocal_gender", "style_weight", "weirdness", "webhook"} <= set(fields_of("suno", "replace"))
    assert "webhook" not in fields_of("suno", "concat")


def test_conditional_requirements():
    assert "lyrics" not in required_of("suno", "custom", {"instrumental": True})
    assert "task_id" not in required_of("suno", "extend", {"from_upload": True})
    assert "lyrics" in required_of("udio", "generate", {"lyrics_type": "user"})
    assert "lyrics" not in required_of("udio", "generate")
    assert codes("udio", "generate", {"prompt": "x", "lyrics_type": "user"}) == [("lyrics", "required")]


def test_all_problems_come_at_once_in_field_order():
    assert codes("suno", "replace", {}) == [
        ("task_id", "required"),
        ("clip_id", "required"),
        ("start_s", "required"),
        ("end_s", "required"),
        ("lyrics", "required"),
    ]
    assert codes("suno", "custom", {"title": "t" * 81, "webhook": "ftp://x", "weirdness": 3}) == [
        ("lyrics", "lyrics_required"),
        ("title", "too_long"),
        ("tags", "required"),
        ("weirdness", "out_of_range"),
        ("webhook", "bad_url"),
    ]


@pytest.mark.parametrize(
    "model, prompt_limit, tags_limit",
    [
        ("chirp-v4", 3000, 200),
        ("chirp-v4-tau", 3000, 200),
        ("chirp-auk", 5000, 1000),
        ("chirp-fenix", 5000, 1000),
        ("my-gateway-model", 5000, 1000),
    ],
)
def test_text_limits_follow_the_chosen_model(model, prompt_limit, tags_limit):
    def custom(**changes):
        return {"model": model, "lyrics": "l", "tags": "t", **changes}

    build(
        "suno",
        "custom",
        custom(
            lyrics="l" * prompt_limit, tags="t" * tags_limit, negative_tags="n" * tags_limit, title="x" * TITLE_LIMIT
        ),
    )
    for name, limit in (
        ("lyrics", prompt_limit),
        ("tags", tags_limit),
        ("negative_tags", tags_limit),
        ("title", TITLE_LIMIT),
    ):
        [error] = errors_of("suno", "custom", custom(**{name: "x" * (limit + 1)}))
        assert error == FieldError(name, "too_long", {"limit": limit, "length": limit + 1})
    build("suno", "inspiration", {"model": model, "description": "d" * prompt_limit})
    assert codes("suno", "inspiration", {"model": model, "description": "d" * (prompt_limit + 1)}) == [
        ("description", "too_long")
    ]
    extend = {**VALID[("suno", "extend")], "model": model}
    assert codes("suno", "extend", {**extend, "tags": "t" * (tags_limit + 1)}) == [("tags", "too_long")]


def test_length_is_counted_after_stripping():
    build("suno", "custom", {"lyrics": "l", "tags": f"  {'t' * 200}\n", "model": "chirp-v4"})


@pytest.mark.parametrize(
    "platform, mode, name, limit",
    [
        ("suno", "lyrics", "lyrics_prompt", 3000),
        ("udio", "generate", "prompt", 1000),
        ("udio", "precede", "prompt", 1000),
    ],
)
def test_fixed_limits(platform, mode, name, limit):
    build(platform, mode, with_values((platform, mode), **{name: "p" * limit}))
    assert codes(platform, mode, with_values((platform, mode), **{name: "p" * (limit + 1)})) == [(name, "too_long")]


@pytest.mark.parametrize("bad", ["../x", "a b", "clip/1", "x" * 129, "'; drop"])
@pytest.mark.parametrize(
    "platform, mode, name",
    [
        ("suno", "cover", "clip_id"),
        ("suno", "extend", "task_id"),
        ("suno", "replace", "clip_id"),
        ("suno", "persona_song", "persona_id"),
        ("suno", "persona_song", "artist_clip_id"),
        ("suno", "concat", "clip_id"),
        ("suno", "stems", "task_id"),
        ("suno", "persona_create", "clip_id"),
        ("udio", "continuation", "song_id"),
    ],
)
def test_bad_ids(platform, mode, name, bad):
    assert codes(platform, mode, with_values((platform, mode), **{name: bad})) == [(name, "bad_id")]


@pytest.mark.parametrize(
    "bad", ["javascript:alert(1)", "ftp://x", "example.com/a.mp3", "https://", "https://a b.mp3", "file:///etc/passwd"]
)
@pytest.mark.parametrize(
    "mode, name", [("upload", "audio_url"), ("lyrics", "webhook"), ("custom", "webhook"), ("extend", "webhook")]
)
def test_bad_urls(mode, name, bad):
    assert codes("suno", mode, with_values(("suno", mode), **{name: bad})) == [(name, "bad_url")]


def test_http_urls_are_fine():
    assert build("suno", "upload", {"audio_url": "HTTP://host:8080/a.mp3"}).body == {"url": "HTTP://host:8080/a.mp3"}


@pytest.mark.parametrize("start, end", [(20, 10), (15, 15), ("30.5", "30.5")])
def test_a_section_must_end_after_it_starts(start, end):
    assert codes("suno", "replace", with_values(("suno", "replace"), start_s=start, end_s=end)) == [
        ("end_s", "end_before_start")
    ]


@pytest.mark.parametrize(
    "mode, name, value, code",
    [
        ("extend", "continue_at", -1, "out_of_range"),
        ("extend", "continue_at", "soon", "not_number"),
        ("replace", "start_s", -0.5, "out_of_range"),
        ("replace", "end_s", "nan", "not_number"),
        ("replace", "end_s", True, "not_number"),
    ],
)
def test_seconds_must_be_non_negative_numbers(mode, name, value, code):
    assert codes("suno", mode, with_values(("suno", mode), **{name: value})) == [(name, code)]


@pytest.mark.parametrize(
    "platform, mode, name",
    [
        ("suno", "custom", "style_weight"),
        ("suno", "persona_song", "weirdness"),
        ("udio", "generate", "prompt_strength"),
        ("udio", "generate", "clarity_strength"),
        ("udio", "continuation", "lyrics_strength"),
        ("udio", "precede", "generation_quality"),
        ("udio", "continuation", "position"),
    ],
)
def test_sliders_stay_between_0_and_1(platform, mode, name):
    for value in (0, 1, 0.5, "0.25"):
        build(platform, mode, with_values((platform, mode), **{name: value}))
    for value in (-0.01, 1.01, 5):
        [error] = errors_of(platform, mode, with_values((platform, mode), **{name: value}))
        assert error == FieldError(name, "out_of_range", {"low": 0, "high": 1})
    assert codes(platform, mode, with_values((platform, mode), **{name: "lots"})) == [(name, "not_number")]


def test_udio_sliders_are_sent_only_when_given():
    params = build("udio", "generate", {"prompt": "x", "clarity_strength": 0.1, "generation_quality": 1}).body[
        "gen_params"
    ]
    assert (params["clarity_strength"], params["generation_quality"]) == (0.1, 1.0)
    assert "prompt_strength" not in params and "lyrics_strength" not in params


@pytest.mark.parametrize("seed, sent", [(42, 42), ("7", 7), (-1, -1), (3.0, 3), (2**40 + 1, 2**40 + 1)])
def test_a_seed_is_an_integer_from_minus_one(seed, sent):
    assert build("udio", "generate", {"prompt": "x", "seed": seed}).body["gen_params"]["seed"] == sent


@pytest.mark.parametrize(
    "seed, error",
    [
        (1.5, FieldError("seed", "not_number", {"integer": True})),
        ("x", FieldError("seed", "not_number", {"integer": True})),
        (-2, FieldError("seed", "out_of_range", {"low": -1, "high": None})),
    ],
)
def test_bad_seeds(seed, error):
    assert errors_of("udio", "generate", {"prompt": "x", "seed": seed}) == [error]


def test_udio_lyrics_are_only_sent_for_user_lyrics():
    params = build("udio", "generate", {"prompt": "x", "lyrics": "ignored"}).body["gen_params"]
    assert "lyrics" not in params


def test_unknown_modes_are_programming_errors():
    for call in (
        lambda: build("suno", "generate", {}),
        lambda: fields_of("udio", "custom"),
        lambda: defaults("midjourney", "x"),
    ):
        with pytest.raises(ValueError):
            call()


def test_a_value_outside_a_fields_choices_is_a_field_error():
    # A select box only sends its options, but a prefill (from a task a gateway answered) may not.
    for platform, mode, values, field in (
        ("suno", "inspiration", {"description": "x", "vocal_gender": "x"}, "vocal_gender"),
        ("udio", "generate", {"prompt": "x", "lyrics_type": "mine"}, "lyrics_type"),
    ):
        with pytest.raises(FormInvalid) as caught:
            build(platform, mode, values)
        assert [(e.field, e.code) for e in caught.value.errors] == [(field, "not_a_choice")]


def test_form_modules_do_not_import_streamlit():
    code = "import sys, lib.studio.create_modes, lib.gateway.catalog; assert 'streamlit' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


# --- catalog ----------------------------------------------------------------------------------


def test_model_table():
    assert len(SUNO_MODELS) == 12
    assert all(m.version and m.max_length and m.mv == mv for mv, m in SUNO_MODELS.items())
    general = [mv for mv, m in SUNO_MODELS.items() if not m.purpose]
    assert general == [
        "chirp-v3-0",
        "chirp-v3-5",
        "chirp-v4",
        "chirp-auk",
        "chirp-auk-turbo",
        "chirp-bluejay",
        "chirp-crow",
        "chirp-fenix",
    ]
    assert [mv for mv, m in SUNO_MODELS.items() if m.offline] == ["chirp-v3-0", "chirp-v3-5"]
    assert SUNO_MODELS["chirp-v4-tau"].purpose == "cover/infill/persona"
    assert SUNO_MODELS["chirp-v4-upload"].purpose == "legacy upload-extend"
    rows = models_frame()
    assert [r["mv"] for r in rows] == list(SUNO_MODELS)
    assert list(rows[2]) == ["mv", "version", "since", "prompt_limit", "tags_limit", "max_length", "purpose", "offline"]
    assert rows[2]["since"] == "2024-12-17" and rows[0]["since"] == ""


@pytest.mark.parametrize(
    "mv, limits",
    [
        ("chirp-v3-0", (3000, 200, True)),
        ("chirp-v3.0", (3000, 200, True)),
        ("chirp-v4", (3000, 200, True)),
        ("chirp-v3-5-upload", (3000, 200, True)),
        ("chirp-auk", (5000, 1000, True)),
        ("chirp-crow", (5000, 1000, True)),
        (" Chirp-V4 ", (3000, 200, True)),
        ("chirp-v5", (*DEFAULT_LIMITS, False)),
        ("", (*DEFAULT_LIMITS, False)),
    ],
)
def test_suno_limits(mv, limits):
    assert suno_limits(mv) == limits


def test_model_choices_per_mode_start_with_the_bodies_defaults():
    def default_mv(builder):
        return inspect.signature(builder).parameters["mv"].default

    builders = {
        "inspiration": bodies.suno_inspiration,
        "custom": bodies.suno_custom,
        "extend": bodies.suno_extend,
        "cover": bodies.suno_cover,
        "replace": bodies.suno_replace_section,
        "persona_song": bodies.suno_persona_song,
        "stems": bodies.suno_stems,
    }
    assert set(DEFAULT_SUNO_MODEL) == set(builders)
    for mode, builder in builders.items():
        assert DEFAULT_SUNO_MODEL[mode] == default_mv(builder) == suno_models_for(mode)[0]
        assert set(suno_models_for(mode)) <= set(SUNO_MODELS)
    assert suno_models_for("cover") == [
        "chirp-v4-tau",
        "chirp-v3-5-tau",
        "chirp-auk",
        "chirp-bluejay",
        "chirp-crow",
        "chirp-fenix",
    ]
    assert suno_models_for("custom")[-2:] == ["chirp-v3-0", "chirp-v3-5"]  # offline ones last
    assert suno_models_for("upload") == [] and suno_models_for("lyrics") == []
    assert DEFAULT_UDIO_MODEL in UDIO_MODELS and list(UDIO_MODELS) == ["udio32-v1.5", "udio130-v1.5"]
