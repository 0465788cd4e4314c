"""docs/glossary.md is the wording both catalogs follow: the Chinese catalog uses none of the
words its *Not* column rules out, and the README points newcomers to it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = ROOT / "docs" / "glossary.md"


def ruled_out() -> list[tuple[str, str]]:
    """(term, word not to use) for every glossary row with a *Not* cell."""
    pairs = []
    header: list[str] = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        if not line.startswith("|"):
            header = []
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if not header:
            header = cells
            continue
        if set("".join(cells)) <= set("- "):
            continue  # the separator row
        if "Not (不用)" in header and len(cells) == len(header):
            for word in re.split(r"[、,，]", cells[header.index("Not (不用)")]):
                if word.strip():
                    pairs.append((cells[0], word.strip()))
    return pairs


def test_the_glossary_rules_words_out():
    assert len(ruled_out()) >= 8  # the table was read


@pytest.mark.parametrize(("term", "word"), ruled_out())
def test_the_chinese_catalog_avoids_what_the_glossary_rules_out(term, word):
    catalog = json.loads((ROOT / "lib" / "i18n" / "zh.json").read_text(encoding="utf-8"))
    if not re.search(r"[\u4e00-\u9fff]", word):
        return  # an English word in the Not column is about English prose, not the catalog
    using = [key for key, text in catalog.items() if word in text]
    assert not using, f"{term}: {word!r} is in {using}; the glossary says not to use it"


def test_the_readme_links_the_glossary():
    assert "docs/glossary.md" in (ROOT / "README.md").read_text(encoding="utf-8")
