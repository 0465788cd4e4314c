"""Exporting the task library (CSV for spreadsheets, JSON for tools) and reading task IDs back
from whatever file a user uploads. Entries come from a real SQLite library."""

from __future__ import annotations

import codecs
import csv
import dataclasses
import io
import json
import random
from datetime import UTC, datetime

import pytest

from lib.gateway.errors import InvalidInputError
from lib.gateway.models import TaskStatus
from lib.library.import_export import EXPORT_COLUMNS, ImportedIds, export_csv, export_json, parse_import
from lib.library.store import HistoryStore
from tests.test_history import CANARY_KEY, PROFILE, make_task

FORMULA_TITLE = '=HYPERLINK("http://x")'
CHINESE_TITLE = "霓虹雨 · 夜曲"


@pytest.fixture
def entries(tmp_path):
    """Newest first, as the library lists them: a submit the gateway rejected (no task ID), a
    submit it answered, a Udio task with a formula for a title, a Suno task with a Chinese one."""
    store = HistoryStore(f"sqlite:///{tmp_path / 'h.db'}")
    store.record_task(make_task("t-1", TaskStatus.SUCCESS, title=CHINESE_TITLE), PROFILE)
    store.record_task(make_task("t-2", platform="udio", title=FORMULA_TITLE), PROFILE)
    answered = store.begin_submit(
        PROFILE,
        platform="suno",
        action="MUSIC",
        route="/suno/submit/music",
        body={"title": "@home", "prompt": "-rain on glass", "tags": "lofi"},
        now=datetime(2026, 11, 2, tzinfo=UTC),
    )
    store.complete_submit(answered, "t-3")
    rejected = store.begin_submit(
        PROFILE,
        platform="udio",
        action="MUSIC",
        route="/udio/submit/music",
        body={"prompt": "calm"},
        now=datetime(2026, 11, 3, tzinfo=UTC),
    )
    store.mark_rejected(rejected, "+1 more credit needed")
    [t1] = [e for e in store.search() if e.task_id == "t-1"]
    store.set_starred([t1.id], True)
    store.set_note(t1.id, "@team listen")
    listed = store.search()
    store.close()
    assert [e.task_id for e in listed] == [None, "t-3", "t-2", "t-1"]
    return listed


def csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def by_id(rows, key="task_id"):
    return {row[key]: row for row in rows}


# --- CSV export --------------------------------------------------------------------------------


def test_csv_round_trip_gives_back_ids_and_platforms(entries):
    data = export_csv(entries)
    for filename in ("history.csv", ""):  # the header alone tells it is a table
        imported = parse_import(data, filename)
        assert imported.ids == ("t-3", "t-2", "t-1")
        assert imported.platforms == {"t-3": "suno", "t-2": "udio", "t-1": "suno"}
        assert (imported.skipped, imported.truncated) == (1, False)  # the rejected submit has no ID


def test_csv_has_a_bom_the_header_and_chinese_text(entries):
    data = export_csv(entries)
    assert data.startswith(codecs.BOM_UTF8)
    text = data.decode("utf-8-sig")
    assert next(csv.reader(io.StringIO(text))) == list(EXPORT_COLUMNS)
    t1 = by_id(csv_rows(data))["t-1"]
    assert t1["title"] == CHINESE_TITLE


def test_csv_cells_are_iso_utc_empty_for_none_and_lowercase_booleans(entries):
    rows = by_id(csv_rows(export_csv(entries)))
    t1, t3 = rows["t-1"], rows["t-3"]
    assert t1["submitted_at"] == "2026-11-01T12:00:00+00:00"
    assert datetime.fromisoformat(t1["updated_at"]).utcoffset().total_seconds() == 0
    assert (t1["starred"], t3["starred"]) == ("true", "false")
    assert (t1["duration"], t1["song_count"], t1["model"]) == ("121.5", "2", "chirp-v4")
    assert (t3["duration"], t3["cover_url"], t3["fail_reason"]) == ("", "", "")
    assert json.loads(t3["request_body"]) == {"title": "@home", "prompt": "-rain on glass", "tags": "lofi"}
    assert rows[""]["status"] == "REJECTED"


def test_text_cells_that_a_spreadsheet_would_run_are_defused(entries):
    rows = by_id(csv_rows(export_csv(entries)))
    assert rows["t-2"]["title"] == "'" + FORMULA_TITLE
    assert rows["t-3"]["title"] == "'@home"
    assert rows["t-3"]["prompt"] == "'-rain on glass"
    assert rows["t-1"]["note"] == "'@team listen"
    assert rows[""]["submit_error"] == "'+1 more credit needed"
    # Numbers, dates and plain text stay as they are.
    assert rows["t-2"]["progress"].isdigit() and rows["t-2"]["submitted_at"].startswith("2026-")
    assert rows["t-1"]["tags"] == "synthwave, female vocals"


def test_tab_and_carriage_return_starts_are_defused_too(entries):
    odd = dataclasses.replace(entries[-1], title="\tcmd", prompt="\r=1+1", fail_reason="ok")
    [row] = csv_rows(export_csv([odd]))
    assert (row["title"], row["prompt"], row["fail_reason"]) == ("'\tcmd", "'\r=1+1", "ok")


# --- JSON export -------------------------------------------------------------------------------


def test_json_export_structure_and_parsed_bodies(entries):
    moment = datetime(2026, 12, 24, 8, 30, tzinfo=UTC)
    data = export_json(entries, now=moment)
    assert CHINESE_TITLE.encode("utf-8") in data  # real characters, not \u escapes
    document = json.loads(data.decode("utf-8"))
    assert (document["format"], document["version"]) == ("music-task-studio/history", 1)
    assert document["exported_at"] == "2026-12-24T08:30:00+00:00"
    tasks = by_id(document["tasks"])
    assert all(list(task) == [*EXPORT_COLUMNS, "last_body"] for task in document["tasks"])
    t1, t3 = tasks["t-1"], tasks["t-3"]
    assert t1["starred"] is True and t3["starred"] is False
    assert t1["submitted_at"] == "2026-11-01T12:00:00+00:00"
    assert (t1["duration"], t1["song_count"], t1["title"]) == (121.5, 2, CHINESE_TITLE)
    assert t1["last_body"] == {"task_id": "t-1", "status": "SUCCESS", "marker": 0}
    assert t1["request_body"] is None  # inspected, not submitted here
    assert t3["request_body"] == {"title": "@home", "prompt": "-rain on glass", "tags": "lofi"}
    assert t3["last_body"] is None  # never fetched
    assert tasks[None]["status"] == "REJECTED"
    assert tasks["t-2"]["title"] == FORMULA_TITLE  # JSON is not a spreadsheet: no quote added


def test_json_export_turns_unparsable_bodies_into_null(entries):
    broken = dataclasses.replace(entries[1], request_body="{not json", last_body="")
    [task] = json.loads(export_json([broken]))["tasks"]
    assert (task["request_body"], task["last_body"]) == (None, None)


def test_json_export_round_trip_and_empty_library(entries):
    imported = parse_import(export_json(entries), "history.json")
    platforms = {"t-3": "suno", "t-2": "udio", "t-1": "suno"}
    assert imported == ImportedIds(("t-3", "t-2", "t-1"), platforms, 1, False)
    empty = json.loads(export_json([]))
    assert empty["tasks"] == [] and empty["version"] == 1


def test_the_api_key_appears_in_no_export(entries):
    for data in (export_csv(entries), export_json(entries)):
        assert CANARY_KEY.encode() not in data
        assert CANARY_KEY not in data.decode("utf-8-sig")
        assert PROFILE.key_fingerprint in data.decode("utf-8-sig")  # only its hash prefix


# --- import formats ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "filename", "ids", "platforms"),
    [
        # JSON
        ('["a-1", "a-2"]', "ids.json", ("a-1", "a-2"), {}),
        (
            '[{"task_id": "a-1", "platform": "udio"}, {"id": "a-2"}, {"taskId": "a-3", "platform": "SUNO"}]',
            "",
            ("a-1", "a-2", "a-3"),
            {"a-1": "udio", "a-3": "suno"},
        ),
        ('{"task_ids": ["a-1", "a-2"]}', "", ("a-1", "a-2"), {}),
        ('{"ids": ["a-1"]}', "x.txt", ("a-1",), {}),
        ('{"tasks": [{"task_id": "a-1", "platform": "udio"}]}', "", ("a-1",), {"a-1": "udio"}),
        ('{"TaskId": "a-9", "platform": "udio"}', "", ("a-9",), {"a-9": "udio"}),  # one task object
        ('[12345678901234, "a-1"]', "", ("12345678901234", "a-1"), {}),  # numeric IDs
        # CSV with a header, in any case, any column, with a platform column
        ("title,TaskId,Platform\nRain,a-1,udio\nSun,a-2,suno\n", "", ("a-1", "a-2"), {"a-1": "udio", "a-2": "suno"}),
        ("Task ID;platform\na-1;udio\n", "", ("a-1",), {"a-1": "udio"}),
        ("id\na-1\na-2\n", "", ("a-1", "a-2"), {}),  # one column: the header still marks it a table
        ("task\ta\tb\na-1\tx\ty\n", "", ("a-1",), {}),
        ("TASK_ID\r\n\r\na-1\r\n", "export.csv", ("a-1",), {}),
        # CSV without a recognised header: the first column; a first row that is no ID is a header
        ("a-1,Neon Rain,2026\na-2,Other,2025\n", "", ("a-1", "a-2"), {}),
        ("Identifier (uuid),Title\na-1,Neon Rain\na-2,Other\n", "", ("a-1", "a-2"), {}),
        ("a-1\na-2\n", "list.csv", ("a-1", "a-2"), {}),
        ('a-1,"Rain, again",x\na-2,"multi\nline",y\n', "", ("a-1", "a-2"), {}),
        # plain text
        ("a-1\na-2\n\na-3\n", "ids.txt", ("a-1", "a-2", "a-3"), {}),
        ("a-1, a-2 a-3", "", ("a-1", "a-2", "a-3"), {}),
        ("a-1，a-2、a-3\n", "", ("a-1", "a-2", "a-3"), {}),
        ("12345678901234", "", ("12345678901234",), {}),  # valid JSON, but a lone number is an ID
    ],
)
def test_import_formats(content, filename, ids, platforms):
    imported = parse_import(content.encode("utf-8"), filename)
    assert (imported.ids, imported.platforms, imported.truncated) == (ids, platforms, False)
    assert imported.skipped == 0


def test_duplicates_are_dropped_and_invalid_entries_counted():
    data = json.dumps(["a-1", "bad id!", "a-1", "", "a-2", None, True, {"title": "no id"}, 5])
    imported = parse_import(data.encode())
    assert imported.ids == ("a-1", "a-2", "5")
    assert imported.skipped == 5

    table = "task_id,platform\na-1,\na-2,spotify\n,udio\n-oops,suno\na-1,udio\na-3,udio\n"
    imported = parse_import(table.encode(), "t.csv")
    assert imported.ids == ("a-1", "a-2", "a-3")
    # A later row may name the platform of an earlier one; unknown platforms are ignored.
    assert imported.platforms == {"a-1": "udio", "a-3": "udio"}
    assert imported.skipped == 2

    imported = parse_import(b"a-1 a-1 <x> a-2")
    assert (imported.ids, imported.skipped) == (("a-1", "a-2"), 1)


def test_more_ids_than_the_limit_are_truncated():
    many = [f"id-{n}" for n in range(501)]
    imported = parse_import("\n".join(many).encode())
    assert imported.ids == tuple(many[:500]) and imported.truncated
    small = parse_import(json.dumps([{"id": i, "platform": "udio"} for i in many[:5]]).encode(), limit=3)
    assert small.ids == tuple(many[:3]) and small.truncated
    assert set(small.platforms) == set(many[:3])
    exact = parse_import("\n".join(many[:3]).encode(), limit=3)
    assert not exact.truncated


def test_other_encodings_are_read():
    excel_unicode = "task_id\tplatform\r\nt-1\tudio\r\n".encode("utf-16")  # Excel's "Unicode text"
    assert parse_import(excel_unicode, "x.txt") == ImportedIds(("t-1",), {"t-1": "udio"}, 0, False)
    latin = b"task_id,title\nt-1,Caf\xe9\n"  # not UTF-8: falls back to latin-1
    assert parse_import(latin, "old.csv").ids == ("t-1",)
    bom = codecs.BOM_UTF8 + b"t-1\nt-2"
    assert parse_import(bom).ids == ("t-1", "t-2")


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "ids.txt", "ids.txt is empty"),
        (b" \n\t\r\n", "", "the file is empty"),
        (codecs.BOM_UTF8, "", "is empty"),
        (bytes(range(256)) * 4, "song.mp3", "not a text file"),
        (b"\x89PNG\r\n\x1a\n" + random.Random(7).randbytes(400).replace(b"\x00", b"\x01"), "", "not a text file"),
        (random.Random(8).randbytes(300).replace(b"\x00", b"\x01"), "x.csv", "not a text file"),
        (b"!!! ??? <x>", "", "no valid task ID"),
        (b"[]", "", "no valid task ID"),
        (b'["bad id", ""]', "", "2 entries were not valid IDs"),
        (b'{"name": "x"}', "", "expected a list of IDs"),
        (b'{"ids": [1, 2', "ids.json", "not valid JSON"),
        (b"task_id,title\n,Rain\n", "", "no valid task ID"),
    ],
)
def test_unusable_files_raise_invalid_input(data, filename, message):
    with pytest.raises(InvalidInputError, match=message) as raised:
        parse_import(data, filename)
    assert raised.value.kind == "invalid_input"


def test_a_task_id_column_is_preferred_over_an_id_column():
    # Another tool's export: a row number in "id", the gateway's ID in "task_id".
    imported = parse_import(b"id,task_id\n1,a-1\n2,a-2\n")
    assert imported.ids == ("a-1", "a-2")
    assert parse_import(b'[{"id": 1, "task_id": "a-1"}]').ids == ("a-1",)


def test_an_entry_without_task_id_exports_cleanly(entries):
    [row] = csv_rows(export_csv(entries[:1]))
    assert (row["task_id"], row["platform"], row["origin"]) == ("", "udio", "submitted")
    assert row["submitted_at"] == "2026-11-03T00:00:00+00:00"
