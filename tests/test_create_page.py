"""The Create page through AppTest, submitting for real to a sandbox (manual clock): the exact
body each mode sends, validation beside the fields, no double submit, prefill from the Task page,
and the unknown-outcome path."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from lib.library.store import OUTCOME_UNKNOWN
from lib.studio.create_modes import build
from tests.apptest import APP, CREATE_PAGE, confirm_paid, dialogs, open_app, wkey
from tests.conftest import API_KEY, PAST_DONE


@pytest.fixture
def studio(on_sandbox, library):
    """The app on the sandbox, with a library of its own; returns that library."""
    return library


def open_create(lang: str = "en-US") -> AppTest:
    return open_app(CREATE_PAGE, lang)


def choose(at: AppTest, platform: str, mode: str) -> AppTest:
    lang = at.session_state["lang"]
    at.session_state[wkey("cf_platform", lang)] = platform
    at.session_state[wkey(f"cf_mode_{platform}", lang)] = mode
    return at.run()


def fill(at: AppTest, platform: str, **values) -> AppTest:
    for name, value in values.items():
        at.session_state[wkey(f"cf_{platform}_{name}", at.session_state["lang"])] = value
    return at


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def submit(at: AppTest, label: str = "Submit — spends credits") -> AppTest:
    """Submit, and Send in the paid-action dialog when the form was valid (the test gateway is
    configured, not the free sandbox, so it asks)."""
    at = button(at, label).click().run()
    return confirm_paid(at) if dialogs(at) else at


def posts(sandbox) -> list[dict]:
    return [r for r in sandbox.requests if r["method"] == "POST"]


def finished_clip(client, clock, platform: str = "suno") -> tuple[str, str]:
    task_id = client.generate("a source song") if platform == "suno" else client.udio_generate("a source")
    clock.advance(PAST_DONE)
    return task_id, client.fetch_task(task_id, platform).songs[0].id


def test_inspiration_submits_the_previewed_body_and_lands_on_the_task(studio, sandbox):
    at = open_create()
    fill(at, "suno", description="a cheerful song about cats", instrumental=True)
    button(at, "Preview request").click().run()
    preview = at.json[0].value
    assert '"gpt_description_prompt": "a cheerful song about cats"' in preview.replace('":"', '": "')
    assert any("/suno/submit/music" in m.value for m in at.markdown)
    assert any("GATEWAY_API_KEY" in c.value and API_KEY not in c.value for c in at.code)
    submit(at)
    [sent] = posts(sandbox)
    assert sent["path"] == "/suno/submit/music"
    assert sent["body"] == {
        "gpt_description_prompt": "a cheerful song about cats",
        "make_instrumental": True,
        "mv": "chirp-v4",
    }
    task_id = at.query_params["id"]
    assert at.query_params["platform"] == "suno" and at.title[0].value == "Task"
    entry = studio.find(task_id)
    assert entry.origin == "submitted" and entry.request == sent["body"] and entry.action == "inspiration"


SUNO_CASES = {
    "custom": lambda ids: dict(lyrics="[Verse]\nneon rain", tags="synthwave", title="Neon", negative_tags="metal"),
    "extend": lambda ids: dict(task_id=ids[0], clip_id=ids[1], continue_at=12.0, lyrics="[Verse 2]\nmore"),
    "cover": lambda ids: dict(clip_id=ids[1], tags="jazz, swing", title="Swing version"),
    "replace": lambda ids: dict(task_id=ids[0], clip_id=ids[1], start_s=5.0, end_s=9.5, lyrics="[Bridge]\nnew"),
    "persona_song": lambda ids: dict(persona_id="persona-1", artist_clip_id=ids[1], lyrics="[Verse]\nhello"),
    "upload": lambda ids: dict(audio_url="https://cdn.example.com/my-song.mp3"),
    "concat": lambda ids: dict(clip_id=ids[1], is_infill=False),
    "stems": lambda ids: dict(task_id=ids[0], clip_id=ids[1]),
    "lyrics": lambda ids: dict(lyrics_prompt="a song about the sea"),
}


@pytest.mark.parametrize("mode", list(SUNO_CASES))
def test_every_suno_mode_sends_its_exact_body(mode, studio, sandbox, client, clock):
    ids = finished_clip(client, clock)
    at = choose(open_create(), "suno", mode)
    values = SUNO_CASES[mode](ids)
    fill(at, "suno", **values)
    before = len(posts(sandbox))
    submit(at)
    assert not at.exception, at.exception
    sent = posts(sandbox)[before:]
    assert len(sent) == 1
    model = at.session_state["kept_values"]["cf_suno_model"] if mode not in ("upload", "concat", "lyrics") else None
    expected = build("suno", mode, {**values, **({"model": model} if model else {})})
    assert (sent[0]["path"], sent[0]["body"]) == (expected.route, dict(expected.body))
    assert at.query_params["id"] and at.title[0].value == "Task"


def test_persona_creation_is_remembered_and_offered_for_a_song(studio, sandbox, client, clock):
    task_id, clip_id = finished_clip(client, clock)
    at = fill(choose(open_create(), "suno", "persona_create"), "suno", clip_id=clip_id, persona_name="Alto")
    submit(at)
    assert posts(sandbox)[-1]["path"] == "/suno/persona/create/"
    assert any("Persona “Alto” created" in s.value for s in at.success)
    button(at, "Write a song with this persona").click().run()
    assert at.session_state["cf_mode_suno::en"] == "persona_song"
    assert at.session_state["cf_suno_artist_clip_id::en"] == clip_id
    assert at.session_state["cf_suno_persona_id::en"]


@pytest.mark.parametrize("mode", ["generate", "continuation", "precede"])
def test_udio_modes_send_their_exact_body(mode, studio, sandbox, client, clock):
    _, song_id = finished_clip(client, clock, "udio")
    at = choose(open_create(), "udio", mode)
    values = {
        "prompt": "saxophone, night, small town",
        "lyrics_type": "user",
        "lyrics": "[Verse]\nla",
        "udio_model": "udio130-v1.5",
        "seed": 42,
        "prompt_strength": 0.7,
    }
    if mode != "generate":
        values.update(song_id=song_id, position=0.9)
    fill(at, "udio", **values)
    submit(at)
    sent = posts(sandbox)[-1]
    expected = build("udio", mode, values)
    assert (sent["path"], sent["body"]) == ("/udio/submit/music", dict(expected.body))
    assert sent["body"]["gen_params"]["model_type"] == "udio130-v1.5"
    assert at.query_params["platform"] == "udio"


def test_problems_are_named_beside_their_fields_and_nothing_is_sent(studio, sandbox):
    at = choose(open_create(), "suno", "replace")
    fill(at, "suno", clip_id="../etc", start_s=30.0, end_s=10.0, lyrics="")
    submit(at)
    assert posts(sandbox) == []
    errors = [m.value.replace("\\", "") for m in at.markdown if ":red[" in m.value]
    assert any("Required." in e for e in errors)  # task ID and lyrics
    assert any("Not a valid ID" in e for e in errors)
    assert any("Must be after the start." in e for e in errors)
    assert at.session_state["cf_suno_start_s::en"] == 30.0  # what was typed is kept
    assert button(at, "Submit — spends credits").disabled is False


def test_model_limits_follow_the_chosen_model(studio, sandbox):
    at = choose(open_create(), "suno", "custom")
    at.selectbox(key="cf_model_pick_custom::en").set_value("chirp-auk").run()
    fill(at, "suno", lyrics="x" * 3500, tags="rock").run()
    assert any("Lyrics up to 5,000 characters" in c.value.replace("\\", "") for c in at.caption)
    at.selectbox(key="cf_model_pick_custom::en").set_value("chirp-v4").run()  # a smaller limit
    assert len(at.session_state["cf_suno_lyrics::en"]) == 3500  # nothing typed is cut off
    submit(at)
    assert posts(sandbox) == []
    assert any("at most 3000" in m.value for m in at.markdown)
    at.selectbox(key="cf_model_pick_custom::en").set_value("chirp-auk").run()
    submit(at)
    assert posts(sandbox)[-1]["body"]["mv"] == "chirp-auk"
    assert len(posts(sandbox)[-1]["body"]["prompt"]) == 3500


def test_a_double_click_sends_one_request(studio, sandbox):
    at = fill(open_create(), "suno", description="only once please")
    submit(at)
    assert len(posts(sandbox)) == 1
    at.switch_page(CREATE_PAGE).run()  # back on the form, the same request again at once
    submit(at)
    assert len(posts(sandbox)) == 1
    assert any("was sent a moment ago" in i.value for i in at.info)


def test_a_refused_submit_keeps_the_form_and_says_why(studio, sandbox):
    sandbox.inject("status", status=403, message="quota exhausted for this key", route="/suno/submit")
    at = fill(open_create("zh-CN"), "suno", description="一首关于猫的歌")
    submit(at, "提交 — 会扣费")
    assert at.title[0].value == "创作"  # still here
    assert any("quota exhausted for this key" in e.value for e in at.error)
    assert at.session_state["cf_suno_description::zh"] == "一首关于猫的歌"
    assert studio.search()[0].status == "REJECTED"


def test_an_unanswered_submit_says_check_the_gateway_and_is_recorded(studio, sandbox, monkeypatch):
    monkeypatch.setenv("GATEWAY_SUBMIT_TIMEOUT", "0.3")
    sandbox.inject("timeout", delay=1.5, route="/suno/submit")
    at = fill(open_create(), "suno", description="lost in the post")
    submit(at)
    assert any("no answer came back" in w.value for w in at.warning)
    assert len(posts(sandbox)) == 1
    [entry] = studio.search()
    assert entry.status == OUTCOME_UNKNOWN and entry.request["gpt_description_prompt"] == "lost in the post"


def test_task_page_actions_prefill_the_form(studio, client, clock):
    task_id, clip_id = finished_clip(client, clock)
    song = client.fetch_task(task_id).songs[0]
    at = AppTest.from_file(APP, default_timeout=30)
    at.context["locale"] = "en-US"
    at.query_params["id"] = task_id
    at.run()
    at.switch_page("app_pages/task.py").run()
    next(b for b in at.button if b.key == f"act-extend-{task_id}-0").click().run()
    assert at.title[0].value == "Create"
    assert at.session_state["cf_mode_suno::en"] == "extend"
    assert (at.session_state["cf_suno_task_id::en"], at.session_state["cf_suno_clip_id::en"]) == (task_id, clip_id)
    assert at.session_state["cf_suno_title::en"] == song.title
    at.query_params["id"] = task_id  # back to the task, as the sidebar link would
    at.switch_page("app_pages/task.py").run()
    next(b for b in at.button if b.key == f"act-use_lyrics-{task_id}-0").click().run()
    assert at.session_state["cf_mode_suno::en"] == "custom"
    assert at.session_state["cf_suno_lyrics::en"] == song.lyrics


def test_a_lyrics_result_goes_to_custom_mode_in_one_click(studio, client, clock):
    task_id = client.submit_lyrics("the sea at dawn")
    clock.advance(PAST_DONE)
    lyrics = client.fetch_task(task_id).lyrics
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["id"] = task_id
    at.run()
    at.switch_page("app_pages/task.py").run()
    button(at, "Use in Custom mode").click().run()
    assert at.session_state["cf_mode_suno::en"] == "custom"
    assert (
        at.session_state["cf_suno_lyrics::en"] == lyrics.text and at.session_state["cf_suno_title::en"] == lyrics.title
    )
