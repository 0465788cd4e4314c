"""Every user-facing string, in English and Chinese: ``en.json`` and ``zh.json`` next to this file.

``t("key", lang, **values)`` formats with ``str.format``; a key missing from one catalog falls
back to English, and a test keeps both catalogs' keys and placeholders identical. A language
that has a singular form gives it as ``"key.one"``, used when ``count`` is 1 ("1 task", not
"1 tasks"); Chinese has none. The catalogs are read once, at import.
"""

from __future__ import annotations

import json
from pathlib import Path

LANGUAGES = {"zh": "中文", "en": "English"}
DEFAULT_LANGUAGE = "en"
SINGULAR = ".one"  # the suffix of a key's singular form, for a language that has one


def _load(lang: str) -> dict[str, str]:
    return json.loads(Path(__file__).with_name(f"{lang}.json").read_text(encoding="utf-8"))


CATALOGS: dict[str, dict[str, str]] = {lang: _load(lang) for lang in sorted(LANGUAGES)}
EN = CATALOGS["en"]
ZH = CATALOGS["zh"]


def t(key: str, lang: str = DEFAULT_LANGUAGE, /, **values: object) -> str:
    catalog = CATALOGS.get(lang, EN)
    if values.get("count") == 1 and key + SINGULAR in catalog:
        key += SINGULAR
    text = catalog.get(key) or EN.get(key) or key
    return text.format(**values) if values else text


def pick_language(locale: str | None) -> str:
    """The browser's locale decides the default: any Chinese locale gets zh."""
    return "zh" if (locale or "").lower().startswith("zh") else DEFAULT_LANGUAGE
