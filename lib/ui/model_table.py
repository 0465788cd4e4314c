"""Suno's models in product words: the picker's labels ("v4.5 · chirp-auk") and the Create page's
table of models and their limits, with column names and values a person reads in either language
("3,000 characters", "8 min", ✓ / —) instead of the catalog's field names (``mv``,
``prompt_limit`` …). The gateway's model ID stays visible: it is what *Other…* asks for."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from lib.gateway.catalog import SUNO_MODELS, SunoModel, suno_model
from lib.i18n import t

YES, NO = "✓", "—"
# The catalog's purposes (lib/gateway/catalog.py) -> catalog keys; an unknown one is shown as it is.
_PURPOSE = {
    "": "ui.models.purpose.general",
    "cover/infill/persona": "ui.models.purpose.remix",
    "legacy upload-extend": "ui.models.purpose.upload",
}
_COLUMNS = {
    "version": "ui.models.col.version",
    "mv": "ui.models.col.id",
    "since": "ui.models.col.since",
    "lyrics": "ui.models.col.lyrics",
    "style": "ui.models.col.style",
    "length": "ui.models.col.length",
    "purpose": "ui.models.col.purpose",
    "offered": "ui.models.col.offered",
}
# Udio's two models: how long a song is, and what it costs next to the other.
_UDIO = {"udio32-v1.5": "ui.models.udio.short", "udio130-v1.5": "ui.models.udio.long"}
_LENGTH = re.compile(r"(\d+) (s|min)(?: \((\d+) min with extend\))?")


def model_label(mv: str, lang: str) -> str:
    """The picker's words for a model: Suno's version first, then the ID the gateway receives."""
    model = suno_model(mv)
    if model is None:
        return mv
    label = f"{model.version} · {model.mv}"
    return f"{label} ({t('ui.models.retired', lang)})" if model.offline else label


def udio_label(model: str, lang: str) -> str:
    return t(_UDIO[model], lang) if model in _UDIO else model


def short_model_name(mv: str) -> str:
    """What a table of tasks shows: "v4.5" for a Suno model it knows, the name as sent otherwise."""
    model = suno_model(mv)
    return model.version if model is not None else mv


def duration_text(seconds: int, lang: str) -> str:
    minutes, rest = divmod(seconds, 60)
    if not minutes:
        return t("ui.duration.s", lang, s=rest)
    if not rest:
        return t("ui.duration.min", lang, m=minutes)
    return t("ui.duration.min_s", lang, m=minutes, s=rest)


def length_text(max_length: str, lang: str) -> str:
    """The catalog's "120 s (4 min with extend)" as "2 min (4 min with Extend)" / "2 分钟（续写可达 4 分钟）"."""
    found = _LENGTH.fullmatch(max_length.strip())
    if found is None:
        return max_length
    number, unit, extended = found.groups()
    text = duration_text(int(number) * (60 if unit == "min" else 1), lang)
    if extended:
        text = t("ui.models.length.extend", lang, length=text, extended=duration_text(int(extended) * 60, lang))
    return text


def _row(model: SunoModel, lang: str) -> dict[str, str]:
    purpose = t(_PURPOSE[model.purpose], lang) if model.purpose in _PURPOSE else model.purpose
    return {
        "version": model.version,
        "mv": model.mv,
        "since": model.since or NO,
        "lyrics": t("ui.models.chars", lang, count=f"{model.prompt_limit:,}"),
        "style": t("ui.models.chars", lang, count=f"{model.tags_limit:,}"),
        "length": length_text(model.max_length, lang),
        "purpose": purpose,
        "offered": NO if model.offline else YES,
    }


def models_table(lang: str) -> pd.DataFrame:
    """One row per Suno model, its columns named in ``lang``."""
    frame = pd.DataFrame([_row(model, lang) for model in SUNO_MODELS.values()], columns=list(_COLUMNS))
    return frame.rename(columns={name: t(key, lang) for name, key in _COLUMNS.items()})


def models_columns(lang: str) -> dict[str, st.column_config.Column]:
    """Room for the columns of sentences ("2 min (4 min with Extend)"), so they are not cut."""
    return {t(_COLUMNS[name], lang): st.column_config.TextColumn(width="medium") for name in ("length", "purpose")}
