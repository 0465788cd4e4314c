"""History import of hostile files: deeply nested JSON, oversized files and broken encodings end
in a clear message, never an exception; the size is checked before the file is read, and a file
is parsed once, not again on every rerun."""

from __future__ import annotations

import json

import pytest

from lib.gateway.errors import InvalidInputError
from lib.library.import_export import MAX_IMPORT_BYTES, NOT_TEXT, TOO_DEEP, TOO_LARGE, parse_import
from tests.apptest import HISTORY_PAGE, open_app
from tests.test_history_page import text_of

DEPTH = 100_000  # far past Python's recursion limit


def nested_list(depth: int = DEPTH) -> bytes:
    return b"[" * depth + b"]" * depth


def nested_object(depth: int = DEPTH) -> bytes:
    return b'{"tasks": ' * depth + b"[]" + b"}" * depth


@pytest.mark.parametrize("data", [nested_list(), nested_object()], ids=["list", "object"])
@pytest.mark.parametrize("name", ["ids.json", "ids.txt", ""])
def test_deeply_nested_json_is_refused_with_a_reason(data, name):
    with pytest.raises(InvalidInputError, match="nested too deeply") as raised:
        parse_import(data, name)
    assert raised.value.code == TOO_DEEP


def test_json_nested_a_few_levels_still_imports():
    data = json.dumps({"tasks": [{"task_id": "a-1", "meta": {"x": [[[1]]]}}, {"id": "b-2"}]}).encode()
    assert parse_import(data, "export.json").ids == ("a-1", "b-2")


def test_an_oversized_file_is_refused_before_it_is_decoded():
    # Binary (NUL bytes) as well as too large: the size is what is reported, so it came first.
    with pytest.raises(InvalidInputError, match="larger than 5 MB") as raised:
        parse_import(b"\x00" * (MAX_IMPORT_BYTES + 1), "huge.csv")
    assert raised.value.code == TOO_LARGE
    ids = ("\n".join(f"id-{n}" for n in range(700_000))).encode()  # ~6.7 MB of valid IDs
    assert len(ids) > MAX_IMPORT_BYTES
    with pytest.raises(InvalidInputError, match="larger than 5 MB"):
        parse_import(ids, "ids.txt")


def test_a_file_of_exactly_the_cap_is_read():
    line = b"task-000001\n"
    data = line * (MAX_IMPORT_BYTES // len(line))
    assert len(data) <= MAX_IMPORT_BYTES
    assert parse_import(data, "ids.txt").ids == ("task-000001",)


@pytest.mark.parametrize("data", [b"\xff\xfe\x00", b"a\x00b\x00c", bytes(range(1, 32)) * 40], ids=repr)
def test_broken_encodings_say_the_file_is_not_text(data):
    with pytest.raises(InvalidInputError, match="not a text file") as raised:
        parse_import(data, "ids.csv")
    assert raised.value.code == NOT_TEXT


# --- the History page ----------------------------------------------------------------------------


def paste(at, text: str):
    at.text_area(key="import_text").input(text).run()
    assert not at.exception, at.exception
    return at


def last_import(at):
    return at.session_state["history_page"].last_import


def test_pasted_nested_json_shows_a_clear_message_on_every_rerun(library):
    at = paste(open_app(HISTORY_PAGE), nested_list().decode())
    assert "nested too deeply to read" in text_of(at)
    parsed = last_import(at)
    at.run()  # a rerun (any click) neither raises nor parses again
    assert not at.exception and "nested too deeply to read" in text_of(at)
    assert last_import(at) is parsed


def test_pasted_text_over_the_cap_is_refused_before_parsing(library):
    at = paste(open_app(HISTORY_PAGE), "id-1\n" * (MAX_IMPORT_BYTES // 5 + 1))
    assert "the import reads files of up to 5 MB" in text_of(at)
    assert last_import(at) is None  # never parsed


def test_a_file_is_parsed_once_until_it_changes(library):
    at = paste(open_app(HISTORY_PAGE), "a-1\nb-2\n../etc/passwd")
    assert "2 task IDs found." in text_of(at)
    parsed = last_import(at)
    at.run()
    assert last_import(at) is parsed
    paste(at, "a-1\nb-2\nc-3")
    assert "3 task IDs found." in text_of(at) and last_import(at) is not parsed


def test_the_refusals_are_in_the_users_language(library):
    at = open_app(HISTORY_PAGE, locale="zh-CN")
    paste(at, nested_object().decode())
    assert "嵌套层级过深" in text_of(at)
