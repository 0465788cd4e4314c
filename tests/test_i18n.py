import re
import string

import pytest

from lib.gateway import errors
from lib.i18n import CATALOGS, EN, ZH, pick_language, t


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_catalogs_have_the_same_keys():
    assert set(EN) == set(ZH)


@pytest.mark.parametrize("key", sorted(EN))
def test_placeholders_match_across_languages(key):
    assert _fields(EN[key]) == _fields(ZH[key])


def test_chinese_catalog_is_really_chinese():
    cjk = [k for k, v in ZH.items() if re.search(r"[\u4e00-\u9fff]", v)]
    assert len(cjk) > 0.8 * len(ZH)


def test_every_error_kind_has_a_title_and_a_hint():
    kinds = {cls.kind for cls in vars(errors).values()
             if isinstance(cls, type) and issubclass(cls, errors.GatewayError)}
    for lang in CATALOGS:
        for kind in kinds:
            assert t(f"error.{kind}", lang) != f"error.{kind}"
            assert t(f"hint.{kind}", lang) != f"hint.{kind}"


def test_formatting_and_fallbacks():
    assert t("sidebar.using", "en", name="prod", host="api.example.com") == "Using prod · api.example.com"
    assert t("sidebar.using", "zh", name="prod", host="h") == "当前：prod · h"
    assert t("nav.task", "fr") == "Task"  # unknown language: English
    assert t("no.such.key", "zh") == "no.such.key"


@pytest.mark.parametrize("locale, expected", [("zh-CN", "zh"), ("zh_TW", "zh"), ("ZH", "zh"),
                                              ("en-US", "en"), ("de-DE", "en"), (None, "en"), ("", "en")])
def test_default_language_follows_the_browser_locale(locale, expected):
    assert pick_language(locale) == expected
