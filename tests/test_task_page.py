"""The Task page through AppTest, talking real HTTP to a sandbox driven by a manual clock."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lib.studio.task_lookup import poll_interval
from tests.apptest import TASK_PAGE, gateway_work, open_app
from tests.conftest import API_KEY, PAST_DONE

FIXTURES = Path(__file__).parent / "fixtures" / "responses"


def open_task(task_id: str = "", platform: str | None = None) -> AppTest:
    query = {"id": task_id} if task_id else {}
    if platform:
        query["platform"] = platform
    return open_app(TASK_PAGE, **query)


def markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def plain(text: str) -> str:
    return text.replace("\\", "")


def audio_sources(at: AppTest) -> list:
    return [a for a in at.get("audio")]


def test_just_submitted_task_with_null_data(on_sandbox, client):
    task_id = client.generate("a quiet morning")
    at = open_task(task_id)
    assert "Not started" in markdown(at)
    assert any("No songs yet" in i.value for i in at.info)
    assert at.code[1].value == task_id  # copyable ID (after the share link)


def test_queued_task_shows_an_estimate(on_sandbox, client, clock):
    task_id = client.generate("a quiet morning")
    clock.advance(6)
    at = open_task(task_id)
    assert ":orange-badge[Queued]" in markdown(at)
    assert "estimate" in at.get("progress")[0].proto.text


def test_streaming_clips_are_labelled_previews(on_sandbox, client, clock):
    task_id = client.generate("a quiet morning")
    clock.advance(20)
    at = open_task(task_id)
    assert sum("Streaming preview" in c.value for c in at.caption) == 2
    assert len(audio_sources(at)) == 2
    assert ":blue-badge[streaming]" in markdown(at)


def test_finished_task_shows_two_songs_and_is_not_polled_again(on_sandbox, client, clock):
    task_id = client.generate("rain on the city at night")
    clock.advance(PAST_DONE)
    at = open_task(task_id)
    text = markdown(at)
    assert ":green-badge[Succeeded]" in text and "badge[streaming]" not in text  # finished songs need no badge
    assert len(audio_sources(at)) == 2 and len(at.image) == 2
    assert "##### Verse" in text and "##### Chorus" in text
    assert ":violet-badge[" in text
    assert len(at.get("download_button")) == 6
    fetches = [r for r in gateway_work(on_sandbox.requests) if r["path"].startswith("/suno/fetch")]
    at.run()
    at.run()
    assert [r for r in gateway_work(on_sandbox.requests) if r["path"].startswith("/suno/fetch")] == fetches


def test_polling_turns_a_running_task_into_songs(on_sandbox, client, clock):
    task_id = client.generate("rain")
    at = open_task(task_id)
    assert "Not started" in markdown(at)
    clock.advance(PAST_DONE)
    at.run()  # the next run_every tick
    assert ":green-badge[Succeeded]" in markdown(at) and len(audio_sources(at)) == 2


def test_a_running_task_is_fetched_at_the_operators_cadence(on_sandbox, client, monkeypatch):
    """``TASK_POLL_S`` sets the first two minutes' interval (5 s by default); the caption says it."""
    task_id = client.generate("rain")
    at = open_task(task_id)
    assert any("checking every 5 s" in c.value for c in at.caption)
    monkeypatch.setenv("TASK_POLL_S", "2")
    at = open_task(task_id)
    assert any("checking every 2 s" in c.value for c in at.caption)


def test_poll_interval_slows_down_from_its_first_cadence():
    assert [poll_interval(s) for s in (0, 119, 120, 599, 600)] == [5.0, 5.0, 10.0, 10.0, 20.0]
    assert [poll_interval(s, 2.0) for s in (0, 300, 900)] == [2.0, 4.0, 8.0]


def test_failed_task_explains_itself(on_sandbox, client, clock):
    task_id = client.generate("sandbox:fail=moderation please")
    clock.advance(PAST_DONE)
    at = open_task(task_id)
    errors = " ".join(e.value for e in at.error)
    assert "The task failed" in errors and "Song Description flagged for moderation" in errors
    assert any("content moderation" in i.value for i in at.info)
    assert at.code[1].value == task_id


def test_lyrics_task(on_sandbox, client, clock):
    task_id = client.submit_lyrics("summer love by the sea")
    clock.advance(5)
    at = open_task(task_id)
    text = markdown(at)
    assert "##### Verse" in text and "Succeeded" in text
    assert not audio_sources(at)


@pytest.mark.parametrize("dialect", ["nested", "flat"])
def test_udio_in_both_dialects_found_without_a_platform(on_sandbox, client, clock, dialect):
    on_sandbox.config.udio_dialect = dialect
    task_id = client.udio_generate("萨克斯, 抒情, 夜晚")
    clock.advance(PAST_DONE)
    at = open_task(task_id)  # no platform: Suno answers task_not_exist, then Udio
    assert ":green-badge[Succeeded]" in markdown(at) and len(audio_sources(at)) == 2
    assert ":gray-badge[Udio · Music]" in markdown(at)
    paths = [r["path"] for r in gateway_work(on_sandbox.requests) if "fetch" in r["path"]]
    assert paths[:2] == [f"/suno/fetch/{task_id}", f"/udio/fetch/{task_id}"]


@pytest.mark.parametrize(
    "status, title, words",
    [(401, "did not accept the API key", "无效的令牌"), (403, "Not enough credits", "用户额度不足")],
)
def test_gateway_errors_are_explained_not_thrown(on_sandbox, client, status, title, words):
    task_id = client.generate("x")
    on_sandbox.inject("status", status=status, times=None)
    at = open_task(task_id)
    error = at.error[0].value
    assert title in error and words in error and f"HTTP {status}" in error
    assert any(b.label == "Retry" for b in at.button)
    on_sandbox.clear_faults()
    next(b for b in at.button if b.label == "Retry").click().run()
    assert not at.error  # recovered


@pytest.mark.parametrize("kind, title", [("html", "does not offer"), ("wrong_shape", "could not be read")])
def test_unreadable_answers(on_sandbox, client, kind, title):
    task_id = client.generate("x")
    on_sandbox.inject(kind, times=None)
    at = open_task(task_id, "suno")
    assert title in at.error[0].value


def test_unknown_task_and_transient_failures(on_sandbox, client):
    at = open_task("no-such-task")
    # What to check, in words; the gateway's code folded away; nothing to retry (the form re-opens it).
    assert not at.error and "does not know this task" in at.warning[0].value
    assert "platform" in at.warning[0].value and "sidebar" in at.warning[0].value
    assert "task_not_exist" in plain(" ".join([*(c.value for c in at.caption), *(m.value for m in at.markdown)]))
    assert not any(b.label == "Retry" for b in at.button)
    assert at.text_area(key="task_input::en").value == "no-such-task"  # the form stays open to change it
    task_id = client.generate("x")
    on_sandbox.inject("status", status=503, times=None, retry_after=0)
    at = open_task(task_id, "suno")
    assert "HTTP 503" in at.error[0].value
    on_sandbox.clear_faults()
    at.run()  # the fragment keeps polling: the gateway recovered
    assert not at.error


def test_refused_connection(monkeypatch, free_port):
    monkeypatch.setenv("GATEWAY_BASE_URL", f"http://127.0.0.1:{free_port}")
    monkeypatch.setenv("GATEWAY_API_KEY", API_KEY)
    at = open_task("abc", "suno")
    assert "Could not reach the gateway" in at.error[0].value


def test_hostile_text_is_escaped(on_sandbox, client, clock):
    task_id = client.generate_custom(
        lyrics="[Verse]\n[x](javascript:alert(1)) ![i](http://evil.invalid/x.png)\n<script>alert(1)</script>",
        title="<img src=x onerror=alert(1)>",
        tags=":red[boom], **bold**",
    )
    clock.advance(PAST_DONE)
    at = open_task(task_id)
    text = markdown(at)
    assert "\\<img src\\=x onerror\\=alert\\(1\\)\\>" in text
    assert "\\[x\\]\\(javascript\\:alert\\(1\\)\\)" in text and "\\!\\[i\\]" in text
    assert "\\:red\\[boom\\]" in text and "\\*\\*bold\\*\\*" in text
    assert "<img" not in text.replace("\\<img", "")


def test_many_ids_make_a_batch_refreshed_table(on_sandbox, client, clock):
    ids = [client.generate(f"song {i}") for i in range(3)]
    clock.advance(PAST_DONE)
    on_sandbox.clear_requests()
    at = open_task(",".join(ids + ["missing-1"]))
    frame = at.dataframe[0].value
    assert list(frame["task_id"]) == ids + ["missing-1"]
    assert list(frame["status"]) == ["Succeeded"] * 3 + ["not found"]
    batch = [r for r in gateway_work(on_sandbox.requests) if r["path"] == "/suno/fetch"]
    assert len(batch) == 1 and set(batch[0]["body"]["ids"]) == set(ids + ["missing-1"])
    at.session_state["task_table"] = {"selection": {"rows": [1], "columns": [], "cells": []}}
    at.run()
    assert ids[1] in [c.value for c in at.code]


def test_pasted_response_renders_without_a_request(on_sandbox):
    body = (FIXTURES / "udio_nested_seed.json").read_text()
    at = open_task()
    at.text_area(key="task_input::en").input(body)
    at.form_submit_button[0].click().run()
    assert "no request was made" in at.info[0].value
    assert "Eternal Waves of Emotion" in markdown(at)
    assert not gateway_work(on_sandbox.requests)


def test_bad_input_is_rejected_before_sending(on_sandbox):
    at = open_task()
    at.text_area(key="task_input::en").input("not/an id")
    at.form_submit_button[0].click().run()
    assert "cannot be sent" in at.error[0].value and "may only hold" in at.error[0].value
    assert at.text_area(key="task_input::en").value == "not/an id"  # what the user typed is kept
    assert not gateway_work(on_sandbox.requests)


def test_deep_link_with_platform_goes_straight_there(on_sandbox, client, clock):
    task_id = client.udio_generate("jazz")
    clock.advance(PAST_DONE)
    on_sandbox.clear_requests()
    at = open_task(task_id, "udio")
    assert [r["path"] for r in gateway_work(on_sandbox.requests)] == [f"/udio/fetch/{task_id}"]
    link = at.code[0].value
    assert link.endswith(f"/task?id={task_id}&platform=udio") and API_KEY not in link


def test_the_badge_names_the_platform_and_kind_in_words(on_sandbox, client, clock):
    task_id = client.generate("rain on the city at night")
    clock.advance(PAST_DONE)
    at = open_task(task_id)
    assert ":gray-badge[Suno · Music]" in markdown(at) and "MUSIC" not in markdown(at)
    at.session_state["lang"] = "zh"
    at.run()
    assert ":gray-badge[Suno · 音乐]" in markdown(at)


def test_the_summary_line_says_when_and_how_long():
    from datetime import UTC, datetime, timedelta

    from lib.gateway.models import Task, TaskStatus
    from lib.ui.task_detail import kind_label, summary_line

    now = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
    done = Task(
        "t1",
        "suno",
        TaskStatus.SUCCESS,
        action="MUSIC",
        submitted_at=now - timedelta(minutes=3, seconds=5),
        finished_at=now - timedelta(minutes=2),
    )
    assert summary_line(done, "en", now) == "Finished 2 min ago · took 1:05"
    assert summary_line(done, "zh", now) == "2 分钟前完成 · 用时 1:05"
    running = Task("t2", "udio", TaskStatus.IN_PROGRESS, action="udio-generate", submitted_at=now)
    assert summary_line(running, "en", now) == "Submitted just now"
    assert kind_label(running, "en") == "Udio · Music" and kind_label(done, "zh") == "Suno · 音乐"
    assert kind_label(Task("t3", "suno", TaskStatus.SUCCESS, action="generate_music"), "zh") == "Suno · 音乐"
    assert kind_label(Task("t4", "suno", TaskStatus.SUCCESS, action="concat"), "en") == "Suno · Full song"
    assert kind_label(Task("t5", "suno", TaskStatus.SUCCESS, action="teleport"), "en") == "Suno · teleport"


def test_an_unknown_task_is_asked_again_when_opened_again(on_sandbox):
    at = open_task("no-such-task")
    assert "does not know this task" in at.warning[0].value
    on_sandbox.clear_requests()
    at.segmented_control(key="task_platform::en").set_value("udio")
    at.form_submit_button[0].click().run()
    assert [r["path"] for r in gateway_work(on_sandbox.requests)] == ["/udio/fetch/no-such-task"]
    assert "does not know this task" in at.warning[0].value


def test_the_card_hands_its_lyrics_and_takes_to_the_karaoke_view(on_sandbox, client, clock, monkeypatch):
    """lib.ui.karaoke draws the lyrics fold of a Suno song with timings and an A/B switch above the
    takes; the card gives them its keys (songs[i]'s card is keys[i])."""
    import streamlit as st

    from lib.ui import karaoke

    calls = []
    monkeypatch.setattr(
        karaoke,
        "render_sing_along",
        lambda song, task, lang, key: (calls.append(("sing", key)), st.caption("SING-ALONG")),
    )
    monkeypatch.setattr(
        karaoke, "render_ab_switch", lambda task, keys, lang: (calls.append(("ab", tuple(keys))), st.caption("A/B"))
    )
    task_id = client.generate("rain on the city at night")
    clock.advance(PAST_DONE)
    at = open_task(task_id)
    assert ("ab", (f"{task_id}-0", f"{task_id}-1")) in calls
    assert ("sing", f"{task_id}-0") in calls and ("sing", f"{task_id}-1") in calls
    captions = [c.value for c in at.caption]
    assert captions.count("SING-ALONG") == 2 and "A/B" in captions
    assert "##### Verse" not in markdown(at)  # the sing-along view draws the lyrics, not the card


def test_the_lookup_form_folds_once_a_task_is_shown(on_sandbox, client, clock):
    task_id = client.generate("rain on the city at night")
    clock.advance(PAST_DONE)
    at = open_task(task_id)
    assert [e.label for e in at.expander][:1] == ["Open another task"]  # one line above the songs
    assert "Task details" in [e.label for e in at.expander]  # the ID and the times, folded
    at = open_task("no-such-task")
    assert "Open another task" not in [e.label for e in at.expander]  # open: to change and re-open it
    at = open_task()
    assert "Open another task" not in [e.label for e in at.expander]
