"""Property: everything a visitor can type or upload ends in a result or one clear error.

The entry points behind the app's inputs — task IDs and pasted responses (Task page), import files
(History), every Create form field — are driven with arbitrary and hostile values. Each returns its
documented result or raises a ``GatewayError`` (for the forms: ``FormInvalid``), whose message the
page shows; never ``TypeError``, ``KeyError``, ``RecursionError``, ``UnicodeError``… which would be
an exception box. The pages themselves are covered by the AppTest and browser suites.
"""

from __future__ import annotations

import json
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lib.gateway.errors import GatewayError
from lib.gateway.ids import split_ids, validate_id
from lib.library.import_export import parse_import
from lib.studio.create_fields import MODES, fields_of
from lib.studio.create_modes import FormInvalid, build
from lib.studio.task_lookup import parse_lookup

EXAMPLES = int(os.environ.get("PROPERTY_EXAMPLES") or 150)
CHECKS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text as people paste it: IDs, separators, JSON punctuation, markup, controls, CJK, emoji.
hostile_text = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("0123456789abcdef-,; \n\t{}[]\":<>/\\&'`*_#")), st.characters(blacklist_categories=("Cs",))
    ),
    max_size=400,
)
ids = st.uuids().map(str)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40) | ids,
    lambda inner: (
        st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=12) | st.just("id"), inner, max_size=5)
    ),
    max_leaves=25,
)


def nested(depth: int, opener: str = "[") -> str:
    if opener == "[":
        return "[" * depth + "1" + "]" * depth
    return '{"a":' * depth + "1" + "}" * depth


@CHECKS
@given(hostile_text)
def test_task_page_input_is_ids_a_pasted_task_or_a_clear_error(text):
    try:
        lookup = parse_lookup(text)
    except GatewayError:
        return
    assert lookup.pasted is not None or all(validate_id(i) == i for i in lookup.ids)


@CHECKS
@given(json_values)
def test_any_pasted_json_is_a_task_or_a_clear_error(value):
    try:
        parse_lookup(json.dumps(value))
    except GatewayError:
        pass


def test_deeply_nested_pasted_json_is_a_clear_error():
    for opener in ("[", "{"):
        try:
            parse_lookup(nested(100_000, opener))
        except GatewayError as error:
            assert "nested" in str(error) or "task" in str(error)


@CHECKS
@given(st.lists(ids, max_size=30), st.sampled_from([",", " ", "\n", ";", ", "]))
def test_pasted_ids_come_back_as_they_were(task_ids, separator):
    lookup = parse_lookup(separator.join(task_ids))
    assert list(lookup.ids) == [i for i in split_ids(separator.join(task_ids))]


@CHECKS
@given(
    st.one_of(
        st.binary(max_size=600),
        hostile_text.map(str.encode),
        json_values.map(lambda v: json.dumps(v).encode()),
        st.lists(st.lists(hostile_text, max_size=4), max_size=6).map(
            lambda rows: "\n".join(",".join(r) for r in rows).encode()
        ),
    ),
    st.sampled_from(["", "tasks.json", "tasks.csv", "ids.txt", "x.tsv", "../../etc/passwd"]),
)
def test_any_import_file_gives_ids_or_a_clear_error(data, filename):
    try:
        imported = parse_import(data, filename, limit=100)
    except GatewayError:
        return
    assert 1 <= len(imported.ids) <= 100
    assert all(validate_id(i) == i for i in imported.ids)


def test_deeply_nested_import_file_is_a_clear_error_or_ids():
    for opener in ("[", "{"):
        try:
            parse_import(nested(100_000, opener).encode(), "deep.json")
        except GatewayError:
            pass


field_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    hostile_text,
    st.lists(hostile_text, max_size=3),
)
modes = st.sampled_from([(platform, mode) for platform, names in MODES.items() for mode in names])


@CHECKS
@given(modes, st.data())
def test_any_create_form_values_give_a_submission_or_field_errors(platform_mode, data):
    platform, mode = platform_mode
    values = {name: data.draw(field_values, label=name) for name in fields_of(platform, mode)}
    try:
        submission = build(platform, mode, values)
    except FormInvalid as invalid:
        assert invalid.errors and all(e.field for e in invalid.errors)
        return
    json.dumps(submission.body, allow_nan=False)  # what is POSTed is valid JSON
