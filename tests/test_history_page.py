"""The History page and the library's place in the frame, through AppTest, over real HTTP to a
sandbox driven by a manual clock, with a library of the test's own."""

from __future__ import annotations

from datetime import timedelta

import pytest
from streamlit.testing.v1 import AppTest

from lib.gateway.models import TaskStatus
from lib.gateway.profiles import GatewayProfile
from lib.library.store import OUTCOME_UNKNOWN, HistoryFilter, HistoryStore, tasks
from tests.apptest import HISTORY_PAGE, TASK_PAGE, gateway_work, open_app
from tests.conftest import API_KEY, PAST_DONE
from tests.test_history import T0, make_task


@pytest.fixture
def gateway(sandbox, monkeypatch) -> GatewayProfile:
    """The sandbox configured as the app's gateway (profile "env")."""
    monkeypatch.setenv("GATEWAY_BASE_URL", sandbox.url)
    monkeypatch.setenv("GATEWAY_API_KEY", API_KEY)
    return GatewayProfile("env", sandbox.url, API_KEY)


def open_page(page: str = HISTORY_PAGE, **query: str) -> AppTest:
    return open_app(page, **query)


def table(at: AppTest):
    return at.dataframe[0].value


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def select_rows(at: AppTest, rows: list[int]) -> AppTest:
    key = next(k for k in at.session_state.keys() if str(k).startswith("history_table_"))
    at.session_state[key] = {"selection": {"rows": rows, "columns": [], "cells": []}}
    return at.run()


def text_of(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [e.value for kind in (at.info, at.warning, at.error, at.success) for e in kind]
    return "\n".join(parts).replace("\\", "")


def seed(store: HistoryStore, profile: GatewayProfile) -> None:
    store.record_task(make_task("a-1", TaskStatus.SUCCESS, title="Morning Coffee", submitted=T0), profile)
    store.record_task(
        make_task("b-2", TaskStatus.FAILURE, title="Night Drive", submitted=T0 + timedelta(days=1)), profile
    )
    store.record_task(
        make_task("c-3", TaskStatus.SUCCESS, title="Sea Shanty", platform="udio", submitted=T0 + timedelta(days=2)),
        profile,
    )


def test_an_empty_library_says_how_it_fills(library):
    at = open_page()
    assert "The library is empty" in text_of(at)
    assert "0 tasks in the library" in text_of(at) and "Kept in SQLite" in text_of(at)


def test_the_table_lists_the_library_newest_first(library, gateway):
    seed(library, gateway)
    at = open_page()
    frame = table(at)
    assert list(frame["task_id"]) == ["c-3", "b-2", "a-1"]
    assert list(frame["title"]) == ["Sea Shanty", "Night Drive", "Morning Coffee"]
    assert list(frame["status"]) == ["Succeeded", "Failed", "Succeeded"]
    assert frame["progress"].isna().tolist() == [False, True, False]  # a failure is not "100 % done"
    assert list(frame["platform"]) == ["Udio", "Suno", "Suno"]
    assert frame["cover"][0] == "https://cdn.example.com/c-3-0.png"
    assert "3 tasks in the library" in text_of(at) and "Showing 1–3 of 3" in text_of(at)
    assert [d.label for d in at.get("download_button")] == ["Export CSV", "Export JSON"]


def test_filters_narrow_the_table_and_survive_a_visit_to_another_page(library, gateway):
    seed(library, gateway)
    at = open_page()
    at.text_input(key="hf_text::en").input("coffee").run()
    assert list(table(at)["task_id"]) == ["a-1"]
    at.text_input(key="hf_text::en").input("").run()
    at.session_state["hf_platforms::en"] = ["udio"]
    at.run()
    assert list(table(at)["task_id"]) == ["c-3"]
    at.session_state["hf_platforms::en"] = []
    at.multiselect(key="hf_statuses::en").set_value(["FAILURE"]).run()
    assert list(table(at)["task_id"]) == ["b-2"]
    at.switch_page(TASK_PAGE).run()
    at.switch_page(HISTORY_PAGE).run()
    assert list(table(at)["task_id"]) == ["b-2"]  # the filter was kept
    button(at, "Clear filters").click().run()
    assert len(table(at)) == 3
    at.date_input(key="hf_dates::en").set_value((T0.date() + timedelta(days=1), T0.date() + timedelta(days=2))).run()
    assert list(table(at)["task_id"]) == ["c-3", "b-2"]
    at.text_input(key="hf_text::en").input("nothing like this").run()
    assert "No task matches these filters" in text_of(at)


def test_star_note_and_delete_a_selection(library, gateway):
    seed(library, gateway)
    at = select_rows(open_page(), [1])  # Night Drive
    assert "1 selected" in text_of(at)
    button(at, "Star").click().run()
    assert library.search(HistoryFilter(starred_only=True))[0].task_id == "b-2"
    assert list(table(at)["star"]) == ["", "★", ""]
    at = select_rows(at, [1])
    next(a for a in at.text_area if a.label == "Note").input("client liked the bridge")
    at.form_submit_button[0].click().run()  # one run: typing and saving come together in a form
    assert library.find("b-2").note == "client liked the bridge"
    at = select_rows(at, [0, 2])
    button(at, "Delete…").click().run()
    assert "Delete 2 tasks from the library?" in text_of(at)
    button(at, "Cancel").click().run()
    assert library.count() == 3
    at = select_rows(at, [0, 2])
    button(at, "Delete…").click().run()
    button(at, "Delete from library").click().run()
    assert [e.task_id for e in library.search()] == ["b-2"]
    assert list(table(at)["task_id"]) == ["b-2"]


def test_open_switches_to_the_task_page_with_the_selected_ids(library, gateway, client, clock):
    task_id = client.generate("a quiet morning")
    clock.advance(PAST_DONE)
    library.record_task(client.fetch_task(task_id), gateway)
    at = select_rows(open_page(), [0])
    button(at, "Open").click().run()
    assert at.query_params["id"] == task_id and at.query_params["platform"] == "suno"
    assert at.title[0].value == "Task"
    assert not at.exception


def test_refresh_unfinished_fetches_through_the_rows_gateway(library, gateway, client, clock):
    running = client.generate("slow jazz")
    library.record_task(client.fetch_task(running), gateway)
    library.record_task(make_task("elsewhere", TaskStatus.QUEUED), GatewayProfile("gone", "https://gone.example", "k"))
    clock.advance(PAST_DONE)
    at = open_page()
    refresh = button(at, "Refresh unfinished (2)")
    gateway_requests = len(client_requests(gateway))
    refresh.click().run()
    assert library.find(running).status == "SUCCESS"
    assert library.find("elsewhere").status == "QUEUED"
    assert "Skipped 1 task from gateway “gone”" in text_of(at)
    assert any("Checked 1 task: 1 changed" in toast.value for toast in at.toast)
    assert button(at, "Refresh unfinished (1)").disabled is False
    assert len(client_requests(gateway)) == gateway_requests + 1  # one batch call


def client_requests(profile: GatewayProfile) -> list:
    import json
    import urllib.request

    with urllib.request.urlopen(f"{profile.base_url}/_sandbox/requests") as response:
        return gateway_work([r for r in json.loads(response.read()) if not r["path"].startswith("/media")])


def test_an_unknown_outcome_row_explains_what_to_do(library, gateway):
    row = library.begin_submit(
        gateway,
        platform="suno",
        action="generate",
        route="/suno/submit/music",
        body={"gpt_description_prompt": "a lullaby for robots"},
    )
    library.mark_outcome_unknown(row, "no answer within 60 s")
    at = select_rows(open_page(), [0])
    assert list(table(at)["status"]) == ["Outcome unknown"]
    assert list(table(at)["title"]) == ["a lullaby for robots"]
    assert "may or may not have created a task" in text_of(at)
    assert button(at, "Open").disabled
    assert "Rows without a task ID have nothing to open" in text_of(at)
    assert library.count(HistoryFilter(statuses=(OUTCOME_UNKNOWN,))) == 1


def test_ten_thousand_rows_are_paged(library):
    rows = [
        {
            "platform": "suno",
            "task_id": f"bulk-{n:05}",
            "gateway_name": "team",
            "gateway_url": "https://gw",
            "origin": "inspected",
            "submitted_at": T0 + timedelta(seconds=n),
            "status": "SUCCESS",
            "progress": 100,
            "title": f"Song {n}",
            "first_seen": T0,
            "updated_at": T0,
        }
        for n in range(10_000)
    ]
    with library.engine.begin() as conn:
        conn.execute(tasks.insert(), rows)
    at = open_page()
    assert len(table(at)) == 100 and table(at)["task_id"][0] == "bulk-09999"
    assert "Showing 1–100 of 10000" in text_of(at)
    at.number_input(key="hf_page::en").set_value(3).run()
    assert table(at)["task_id"][0] == "bulk-09799"
    at.selectbox(key="hf_page_size::en").set_value(500).run()
    assert len(table(at)) == 500 and "Showing 1001–1500 of 10000" in text_of(at)


def test_inspecting_on_the_task_page_fills_the_library_once_per_change(library, gateway, client, clock):
    task_id = client.generate("rain on a tin roof")
    at = open_page(TASK_PAGE, id=task_id)
    entry = library.find(task_id)
    assert entry.status == "NOT_START" and entry.gateway_name == "env" and entry.origin == "inspected"
    at.run()  # the same answer again: no new write
    assert library.find(task_id).updated_at == entry.updated_at
    clock.advance(PAST_DONE)
    at.run()
    done = library.find(task_id)
    assert done.status == "SUCCESS" and done.song_count == 2 and done.title
    # The sidebar lists it on every page, escaped, as a link to the Task page.
    links = [link for link in at.get("page_link") if task_id in str(link.proto.query_string)]
    assert links and links[0].proto.label.replace("\\", "") == done.title


def test_the_platform_of_a_known_task_comes_from_the_library(library, gateway, client, clock):
    song = client.udio_generate("accordion waltz")
    clock.advance(PAST_DONE)
    library.record_task(client.fetch_task(song, "udio"), gateway)
    before = len(client_requests(gateway))
    at = open_page(TASK_PAGE, id=song)  # no platform in the link
    assert not at.exception
    fetches = [r["path"] for r in client_requests(gateway)[before:]]
    assert fetches == [f"/udio/fetch/{song}"]  # straight to Udio, no Suno miss first


def test_a_broken_library_is_reported_and_nothing_else_breaks(tmp_path, monkeypatch, gateway, client):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("HISTORY_DATABASE_URL", f"sqlite:///{blocker}/history.db")
    at = open_page()
    assert "The history library is unavailable" in text_of(at)
    task_id = client.generate("still works")
    at = open_page(TASK_PAGE, id=task_id)
    assert not at.exception and "Not started" in text_of(at)
    assert "History is not being recorded" in text_of(at)


def test_hostile_titles_stay_text_in_the_sidebar(library, gateway):
    library.record_task(make_task("evil", TaskStatus.SUCCESS, title="**bold** [x](javascript:alert(1))"), gateway)
    at = open_page()
    [link] = [link for link in at.get("page_link") if "evil" in str(link.proto.query_string)]
    assert link.proto.label.startswith("\\*\\*bold\\*\\* \\[x\\]")


def test_imported_ids_open_on_the_task_page(library, gateway, client, clock):
    ids = [client.generate("one"), client.generate("two")]
    clock.advance(PAST_DONE)
    library.record_task(make_task("seed", TaskStatus.SUCCESS), gateway)  # so the page has its toolbar
    at = open_page()
    at.text_area(key="import_text").input("\n".join([*ids, "../etc/passwd", ids[0]])).run()
    assert "2 task IDs found." in text_of(at) and "1 entry was not a valid task ID" in text_of(at)
    button(at, "Inspect 2 tasks").click().run()
    assert at.title[0].value == "Task" and at.query_params["id"] == ",".join(ids)
    assert {library.find(i).status for i in ids} == {"SUCCESS"}  # inspecting filled the library
