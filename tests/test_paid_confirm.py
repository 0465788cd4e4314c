"""Paid actions are confirmed (issue 13), through AppTest with real HTTP: on a configured gateway
Create's Submit, the song tools' stems and the persona tool show the request in a dialog and send
nothing until *Send*; *Cancel* sends nothing and keeps what was typed; the free sandbox sends at
once; the key is never in the dialog; the operator's daily limit refuses in the user's language."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from lib.library.store import HistoryStore
from lib.studio.song_jobs import stems_submission
from tests.apptest import APP, confirm_paid, dialogs, element_protos
from tests.conftest import API_KEY, PAST_DONE
from tests.test_create_page import button, fill, open_create, posts
from tests.test_task_page import open_task

SUBMIT = "Submit — spends credits"
# A signed-in user, as tests/test_access_pages.py gives one to AppTest (``st.user``).
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "a-test-cookie-secret-of-thirty-two-bytes",
    "client_id": "music-task-studio",
    "client_secret": "test-secret",
    "server_metadata_url": "http://127.0.0.1:9400/.well-known/openid-configuration",
}
PERSONA = "Create persona — may spend credits"


def dialog_text(at) -> str:
    [dialog] = dialogs(at)
    parts = [m.value for m in dialog.markdown] + [c.value for c in dialog.caption] + [w.value for w in dialog.warning]
    return "\n".join(parts).replace("\\", "")


def dialog_body(at) -> dict:
    [dialog] = dialogs(at)
    [code] = dialog.code
    return json.loads(code.value)


def user(sub: str) -> dict:
    return {"is_logged_in": True, "sub": sub, "email": f"{sub}@example.com", "iss": "http://127.0.0.1:9400"}


@pytest.fixture
def unconfigured(monkeypatch):
    for name in ("GATEWAY_BASE_URL", "GATEWAY_API_KEY", "GATEWAY_NAME"):
        monkeypatch.delenv(name, raising=False)


def test_create_shows_the_request_and_sends_nothing_until_send(on_sandbox, library):
    at = fill(open_create(), "suno", description="a song about the sea, for the dialog")
    button(at, SUBMIT).click().run()
    assert posts(on_sandbox) == [] and library.search() == []
    text = dialog_text(at)
    host = on_sandbox.url.split("//", 1)[1]
    assert f"env · {host}" in text
    assert "POST" in text and "/suno/submit/music" in text
    assert "does not say what a request costs before it is sent" in text
    shown = dialog_body(at)
    assert shown["gpt_description_prompt"] == "a song about the sea, for the dialog"
    assert [b.label for b in dialogs(at)[0].button] == ["Cancel", "Send"]
    assert button(at, SUBMIT).disabled  # behind the dialog: one request at a time
    assert API_KEY.encode() not in b"".join(p.SerializeToString() for p in element_protos(at, dialogs(at)[0]))
    at.run()  # any other rerun (a polling tick): the dialog stays, nothing goes out
    assert len(dialogs(at)) == 1 and posts(on_sandbox) == []

    confirm_paid(at)
    assert not at.exception and not dialogs(at)
    [sent] = posts(on_sandbox)
    assert sent["path"] == "/suno/submit/music" and sent["body"] == shown  # exactly what was shown
    assert at.title[0].value == "Task"
    assert library.find(at.query_params["id"]).request == shown


def test_cancel_sends_nothing_and_keeps_the_form(on_sandbox, library):
    at = fill(open_create("zh-CN"), "suno", description="一首关于海的歌")
    button(at, "提交 — 会扣费").click().run()
    [dialog] = dialogs(at)
    assert dialog.proto.dialog.title == "发送这个付费请求？"
    assert "网关不会在发送前告知请求的费用" in dialog_text(at)
    assert [b.label for b in dialog.button] == ["取消", "发送"]
    confirm_paid(at, send=False)
    assert not at.exception and not dialogs(at)
    assert posts(on_sandbox) == [] and library.search() == []
    assert at.title[0].value == "创作"
    assert at.text_area(key="cf_suno_description::zh").value == "一首关于海的歌"
    assert button(at, "提交 — 会扣费").disabled is False
    at.run()
    assert not dialogs(at)  # cancelled stays cancelled
    button(at, "提交 — 会扣费").click().run()  # and asking again asks again
    assert len(dialogs(at)) == 1 and posts(on_sandbox) == []


def test_the_sandbox_sends_at_once(unconfigured, library):
    at = fill(open_create(), "suno", description="a free demo song")
    # Free, so the button says nothing of credits (issue 15): plain "Submit".
    assert not any("credits" in b.label for b in at.button)
    button(at, "Submit").click().run()
    assert not at.exception and not dialogs(at)
    assert at.title[0].value == "Task"
    [entry] = library.search()
    assert entry.gateway_name == "sandbox" and entry.task_id == at.query_params["id"]


def test_the_key_is_never_in_the_dialog_even_typed_into_a_field(on_sandbox, library):
    at = fill(open_create(), "suno", description=f"oops, my key {API_KEY} went in here")
    button(at, SUBMIT).click().run()
    [dialog] = dialogs(at)
    protos = b"\n".join(p.SerializeToString() for p in element_protos(at, dialog))
    assert API_KEY.encode() not in protos and b"oops, my key" in protos
    assert "Your API key appears in this body" in dialog_text(at)


@pytest.fixture
def finished(on_sandbox, library, client, clock):
    task_id = client.generate("neon rain over the harbour")
    clock.advance(PAST_DONE)
    return client.fetch_task(task_id)


def test_stems_ask_first_and_cancel_starts_nothing(finished, on_sandbox):
    at = open_task(finished.task_id)
    key = f"{finished.task_id}-0"
    on_sandbox.clear_requests()
    at.button(key=f"tool-start-stems-{key}").click().run()
    assert "/suno/submit/music" in dialog_text(at)
    song = finished.songs[0]
    assert dialog_body(at) == dict(stems_submission(song, finished).body)  # the stems body, as built
    assert not [r for r in on_sandbox.requests if r["method"] == "POST"]
    confirm_paid(at, send=False)
    assert not dialogs(at) and not [r for r in on_sandbox.requests if r["method"] == "POST"]
    assert not [k for k in at.session_state["song_tool_jobs"] if k[1] == "stems"]
    at.button(key=f"tool-start-stems-{key}").click().run()
    confirm_paid(at)
    assert not at.exception
    assert len([r for r in on_sandbox.requests if r["method"] == "POST"]) == 1
    assert [k for k in at.session_state["song_tool_jobs"] if k[1] == "stems"]


def test_a_persona_asks_first_and_cancel_keeps_the_name(finished, on_sandbox):
    at = open_task(finished.task_id)
    key = f"{finished.task_id}-0"
    on_sandbox.clear_requests()
    at.text_input(key=f"tool-persona-name-{key}").input("Harbour voice")
    at.button(key=f"FormSubmitter:tool-persona-form-{key}-{PERSONA}").click().run()
    assert "/suno/persona/create/" in dialog_text(at)
    assert dialog_body(at)["name"] == "Harbour voice"
    confirm_paid(at, send=False)
    assert not [r for r in on_sandbox.requests if r["method"] == "POST"]
    assert at.text_input(key=f"tool-persona-name-{key}").value == "Harbour voice"
    at.button(key=f"FormSubmitter:tool-persona-form-{key}-{PERSONA}").click().run()
    confirm_paid(at)
    assert "Harbour voice" in " ".join(s.value for s in at.success)
    assert [r["path"] for r in on_sandbox.requests if r["method"] == "POST"] == ["/suno/persona/create/"]


# --- the operator's daily limit --------------------------------------------------------------


def limited(limit: int = 1, locale: str = "en-US") -> AppTest:
    """The Create page for a signed-in user (not an operator) under ``[access] daily_paid_limit``:
    without sign-in the one local user is the operator, whom no limit binds."""
    at = AppTest.from_file(APP, default_timeout=30)
    at.context["locale"] = locale
    at.secrets["auth"] = AUTH
    at.secrets["access"] = {"daily_paid_limit": limit}
    at.user = user("ana")
    at.run()
    assert not at.exception, at.exception
    return at


def test_an_uncountable_call_is_not_sent(on_sandbox, tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("HISTORY_DATABASE_URL", f"sqlite:///{blocker}/history.db")  # the library is down
    at = fill(limited(), "suno", description="cannot be counted")
    confirm_paid(button(at, SUBMIT).click().run())
    assert not at.exception and posts(on_sandbox) == []
    assert at.title[0].value == "Create"
    assert any("cannot be counted against the daily limit" in e.value for e in at.error)
    assert at.text_area(key="cf_suno_description::en").value == "cannot be counted"


@pytest.mark.skipif(
    not hasattr(HistoryStore, "take_paid_call"), reason="HistoryStore.take_paid_call has not landed yet"
)
def test_over_the_daily_limit_nothing_is_sent_and_it_says_why(on_sandbox, library):
    at = fill(limited(limit=1, locale="zh-CN"), "suno", description="第一首")
    confirm_paid(button(at, "提交 — 会扣费").click().run())
    assert at.title[0].value == "任务" and len(posts(on_sandbox)) == 1
    at.switch_page("app_pages/create.py").run()
    fill(at, "suno", description="第二首").run()
    confirm_paid(button(at, "提交 — 会扣费").click().run())
    assert len(posts(on_sandbox)) == 1  # refused before the POST
    assert at.title[0].value == "创作"
    assert any("每天 1 次" in e.value and "UTC 00:00" in e.value for e in at.error)
    assert at.text_area(key="cf_suno_description::zh").value == "第二首"
