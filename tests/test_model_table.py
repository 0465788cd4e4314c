"""The Create page's model words (lib/ui/model_table.py): Suno's versions and limits as a person
reads them in either language, never the catalog's field names."""

from __future__ import annotations

import pytest

from lib.gateway.catalog import SUNO_MODELS
from lib.ui.model_table import length_text, model_label, models_table, short_model_name, udio_label

RAW = {"mv", "prompt_limit", "tags_limit", "max_length", "offline", "purpose", "since"}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_table_has_product_column_names_and_one_row_per_model(lang):
    frame = models_table(lang)
    assert not set(frame.columns) & RAW
    assert len(frame) == len(SUNO_MODELS)
    assert set(frame.iloc[:, -1]) <= {"✓", "—"}  # available or retired, not True / False


def test_english_and_chinese_words():
    assert list(models_table("en").columns)[:2] == ["Model", "Model ID"]
    assert list(models_table("zh").columns)[:2] == ["模型", "模型 ID"]
    auk = models_table("en").set_index("Model ID").loc["chirp-auk"]
    assert auk["Model"] == "v4.5" and auk["Lyrics up to"] == "5,000 characters"


def test_lengths_read_as_minutes():
    assert length_text("120 s (4 min with extend)", "en") == "2 min (4 min with Extend)"
    assert length_text("150 s", "zh") == "2 分 30 秒"
    assert length_text("something else", "en") == "something else"  # an unknown shape, as it is


def test_labels_name_the_version_then_the_id():
    assert model_label("chirp-auk", "en") == "v4.5 · chirp-auk"
    assert model_label("my-model", "en") == "my-model"
    assert short_model_name("chirp-crow") == "v5" and short_model_name("my-model") == "my-model"
    assert udio_label("udio32-v1.5", "zh") == "v1.5 · 约 32 秒"
