import ast
import json
import re
import string
from functools import cache
from pathlib import Path

import pytest

from lib.gateway import errors
from lib.gateway.bodies import LYRICS_TYPES
from lib.gateway.models import PLATFORMS, TaskStatus
from lib.i18n import CATALOGS, EN, LANGUAGES, SINGULAR, ZH, pick_language, t
from lib.i18n.labels import PLATFORM_LABEL, STATUS_LABEL
from lib.library.store import ALL_STATUSES
from lib.studio import capabilities, create_modes, song_jobs, task_lookup
from lib.ui import create_form, history_view, sidebar, song_actions, song_card, song_tools_panel, task_detail
from lib.ui import errors as error_view

ROOT = Path(__file__).resolve().parents[1]
CATALOG_DIR = ROOT / "lib" / "i18n"
# String literals shaped like a key ("namespace.rest") that are not catalog keys.
NOT_KEYS = {
    "history.db"  # lib/library/store.py: the SQLite file's name
}


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@cache
def _sources() -> dict[str, ast.Module]:
    """Every Python file of the app (not the tests): where catalog keys may be used."""
    paths = [ROOT / "app.py", *sorted((ROOT / "app_pages").rglob("*.py")), *sorted((ROOT / "lib").rglob("*.py"))]
    return {str(path.relative_to(ROOT)): ast.parse(path.read_text(encoding="utf-8")) for path in paths}


def _string_literals() -> set[str]:
    """Whole string constants only: the parts of an f-string never count as a key."""
    return {
        node.value
        for tree in _sources().values()
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }


def _t_calls():
    """(file, line, first argument) of every ``t(...)`` call."""
    for name, tree in _sources().items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "t" and node.args:
                yield name, node.lineno, node.args[0]


# --- the catalog files ----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_catalog_file_is_a_sorted_flat_map_of_strings(lang):
    text = (CATALOG_DIR / f"{lang}.json").read_text(encoding="utf-8")
    data = json.loads(text)
    assert all(isinstance(key, str) and isinstance(value, str) and value for key, value in data.items())
    assert text == json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2) + "\n"
    assert CATALOGS[lang] == data


def _base_keys(catalog: dict[str, str]) -> set[str]:
    return {key for key in catalog if not key.endswith(SINGULAR)}


def test_catalogs_have_the_same_keys():
    """Singular forms are a language's own (Chinese needs none); each uses only its key's placeholders
    (it may say "This task" instead of "1 task")."""
    assert _base_keys(EN) == _base_keys(ZH)
    assert set(EN) - _base_keys(EN)  # English has some
    for catalog in (EN, ZH):
        for key in set(catalog) - _base_keys(catalog):
            assert key.removesuffix(SINGULAR) in catalog, key
            assert _fields(catalog[key]) <= _fields(catalog[key.removesuffix(SINGULAR)]), key


def test_a_count_of_one_reads_in_the_singular():
    assert t("ui.history.count", "en", count=1) == "1 task in the library"
    assert t("ui.history.count", "en", count=2) == "2 tasks in the library"
    assert t("ui.history.count", "en", count=0) == "0 tasks in the library"
    assert t("ui.history.count", "zh", count=1) == t("ui.history.count", "zh").format(count=1)
    assert t("task.withheld", "en", count=1) == "This task belongs to another user of this server and is not shown."
    assert t("task.withheld", "en", count=2).startswith("2 of these tasks belong")


@pytest.mark.parametrize("key", sorted(_base_keys(EN)))
def test_placeholders_match_across_languages(key):
    assert _fields(EN[key]) == _fields(ZH[key])


def test_chinese_catalog_is_really_chinese():
    cjk = [k for k, v in ZH.items() if re.search(r"[\u4e00-\u9fff]", v)]
    assert len(cjk) > 0.8 * len(ZH)


# --- keys used in the source ----------------------------------------------------------------------


def test_no_key_is_built_at_run_time():
    """A key is a literal or comes from an explicit map, never joined from pieces."""
    built = []
    for name, line, arg in _t_calls():
        for node in ast.walk(arg):
            joined = isinstance(node, (ast.JoinedStr, ast.BinOp))
            formatted = (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("format", "join", "replace")
            )
            if joined or formatted:
                built.append(f"{name}:{line}")
    assert not built


def _literal_keys(arg: ast.expr) -> list[str]:
    """The keys t()'s first argument spells out: a literal, either side of an ``if``, a map's
    ``.get`` default."""
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return [arg.value]
    if isinstance(arg, ast.IfExp):
        return _literal_keys(arg.body) + _literal_keys(arg.orelse)
    if isinstance(arg, ast.Call) and isinstance(arg.func, ast.Attribute) and arg.func.attr == "get":
        return [key for default in arg.args[1:] for key in _literal_keys(default)]
    return []


def test_every_key_passed_to_t_exists_in_both_catalogs():
    keys = [(f"{name}:{line}", key) for name, line, arg in _t_calls() for key in _literal_keys(arg)]
    assert len(keys) > 100  # the scan sees the calls
    assert [(where, key) for where, key in keys if key not in EN or key not in ZH] == []


def test_every_literal_shaped_like_a_key_exists_in_both_catalogs():
    """Keys kept in maps, tuples or passed through helpers: any literal "namespace.rest" whose
    namespace is a catalog's."""
    namespaces = {key.split(".")[0] for key in EN}
    shaped = re.compile(rf"^(?:{'|'.join(map(re.escape, sorted(namespaces)))})(?:\.[A-Za-z0-9_]+)+$")
    candidates = {text for text in _string_literals() if shaped.match(text)} - NOT_KEYS
    assert sorted(candidates - set(EN)) == []
    assert sorted(candidates - set(ZH)) == []


def test_no_catalog_key_is_unused():
    assert sorted(_base_keys(EN) - _string_literals()) == []


def test_the_not_keys_are_still_in_the_source():
    assert NOT_KEYS <= _string_literals()


# --- the explicit maps cover what they translate ----------------------------------------------------


def test_status_and_platform_maps_cover_their_values():
    assert set(STATUS_LABEL) == set(ALL_STATUSES) >= {s.value for s in TaskStatus}
    assert set(PLATFORM_LABEL) == {"auto", *PLATFORMS}


def test_create_form_maps_cover_every_mode_field_and_error():
    pairs = {(platform, mode) for platform, modes in create_modes.MODES.items() for mode in modes}
    assert set(create_form._MODE_LABEL) == set(create_form._MODE_HELP) == pairs
    assert set(create_form._ADVANCED_HELP) == set(PLATFORMS)
    fields = {name for platform, mode in pairs for name in create_modes.fields_of(platform, mode)} - {"model"}
    assert set(create_form._FIELD_LABEL) == fields
    assert set(create_form._FIELD_HELP) <= fields
    assert set(create_form._PLACEHOLDER) <= create_form._TEXT_AREAS
    assert set(create_form._VOCAL_LABEL) == set(create_modes.VOCAL_GENDERS)
    assert set(create_form._LYRICS_TYPE_LABEL) == set(LYRICS_TYPES)
    assert set(create_form._ERROR_TEXT) == create_modes.CODES | {"at_least"}


def test_every_error_kind_has_a_title_and_a_hint():
    kinds = {
        cls.kind for cls in vars(errors).values() if isinstance(cls, type) and issubclass(cls, errors.GatewayError)
    }
    assert set(error_view._TITLE) == set(error_view._HINT) == kinds


def test_song_and_tool_maps_cover_their_names():
    assert set(song_actions._LABELS) == set(song_actions._ICONS)
    assert set(song_tools_panel._TAB_LABEL) == set(song_tools_panel._ICONS)
    paid = {"stems", "full_song"}  # the tools drawn by _followed
    assert set(song_tools_panel._HELP) == set(song_tools_panel._START) == {*song_jobs.CONVERSIONS, *paid}
    assert set(song_card._CLIP_STATUS) == {*song_card.CLIP_COLOURS, "unknown"}
    assert set(sidebar._CAPABILITY_NAMES) == set(capabilities.ALL)
    assert set(sidebar._CAPABILITY_WORDS) == {capabilities.OFFERED, capabilities.MISSING, capabilities.UNKNOWN}
    assert set(history_view._ORIGIN) == {"submitted", "inspected"}
    kinds = {kind for kind, _ in task_lookup._FAILURE_KINDS} | {task_lookup.failure_kind("")}
    assert set(task_detail._FAILURE) == set(task_detail._FAILURE_NEXT) == kinds


# --- t and pick_language ----------------------------------------------------------------------------


def test_formatting_and_fallbacks():
    assert t("sidebar.using", "en", name="prod", host="api.example.com") == "Using prod · api.example.com"
    assert t("sidebar.using", "zh", name="prod", host="h") == "当前：prod · h"
    assert t("nav.task", "fr") == "Task"  # unknown language: English
    assert t("nav.task") == "Task"  # no language: English
    assert t("no.such.key", "zh") == "no.such.key"


@pytest.mark.parametrize(
    "locale, expected",
    [("zh-CN", "zh"), ("zh_TW", "zh"), ("ZH", "zh"), ("en-US", "en"), ("de-DE", "en"), (None, "en"), ("", "en")],
)
def test_default_language_follows_the_browser_locale(locale, expected):
    assert pick_language(locale) == expected
