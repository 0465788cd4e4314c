"""The Suno and Udio models the Create page offers, with their text limits (reference §2.1.3, §3.1).

``mv`` stays free text in the UI (gateways disagree on names), so everything here is a preset:
an unknown ``mv`` gets the newer models' generous limits and is left for the gateway to judge.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from lib.gateway import bodies

TITLE_LIMIT = 80
# Unknown models are most likely marketing names of v4.5+ (chirp-v5, chirp-v4-5-plus …).
DEFAULT_LIMITS = (5000, 1000)
_OLD_LIMITS = (3000, 200)
_NEW_LIMITS = (5000, 1000)


@dataclass(frozen=True)
class SunoModel:
    mv: str
    version: str  # Suno's own name, e.g. "v4.5"
    since: str  # "" when unknown
    prompt_limit: int
    tags_limit: int
    max_length: str
    offline: bool = False
    purpose: str = ""  # "" for general models


def _model(
    mv: str,
    version: str,
    since: str,
    limits: tuple[int, int],
    max_length: str,
    *,
    offline: bool = False,
    purpose: str = "",
) -> SunoModel:
    return SunoModel(mv, version, since, *limits, max_length, offline, purpose)


_TAU, _UPLOAD = "cover/infill/persona", "legacy upload-extend"

SUNO_MODELS: dict[str, SunoModel] = {
    m.mv: m
    for m in (
        _model("chirp-v3-0", "v3.0", "", _OLD_LIMITS, "120 s", offline=True),
        _model("chirp-v3-5", "v3.5", "", _OLD_LIMITS, "120 s (4 min with extend)", offline=True),
        _model("chirp-v4", "v4", "2024-12-17", _OLD_LIMITS, "150 s"),
        _model("chirp-auk", "v4.5", "2025-05-03", _NEW_LIMITS, "4 min"),
        _model("chirp-auk-turbo", "v4.5-all", "2026-02", _NEW_LIMITS, "4 min"),
        _model("chirp-bluejay", "v4.5+", "2025-07-17", _NEW_LIMITS, "8 min"),
        _model("chirp-crow", "v5", "2025-09-23", _NEW_LIMITS, "8 min"),
        _model("chirp-fenix", "v5.5", "2026-03-27", _NEW_LIMITS, "8 min"),
        _model("chirp-v3-5-tau", "v3.5", "", _OLD_LIMITS, "120 s", purpose=_TAU),
        _model("chirp-v4-tau", "v4", "", _OLD_LIMITS, "150 s", purpose=_TAU),
        _model("chirp-v3-5-upload", "v3.5", "", _OLD_LIMITS, "120 s", purpose=_UPLOAD),
        _model("chirp-v4-upload", "v4", "", _OLD_LIMITS, "150 s", purpose=_UPLOAD),
    )
}
_ALIASES = {"chirp-v3.0": "chirp-v3-0", "chirp-v3.5": "chirp-v3-5"}  # spellings seen in docs

# Offline models stay selectable (a gateway may still serve them) but go last.
_GENERAL = [m.mv for m in sorted(SUNO_MODELS.values(), key=lambda m: m.offline) if not m.purpose]
_REMIX = ["chirp-v4-tau", "chirp-v3-5-tau", "chirp-auk", "chirp-bluejay", "chirp-crow", "chirp-fenix"]
_STEMS = ["chirp-auk"] + [mv for mv in _GENERAL if mv != "chirp-auk"]

# The first choice of each mode is its default, the same as lib/bodies' builder defaults.
_CHOICES: dict[str, list[str]] = {
    "inspiration": _GENERAL,
    "custom": _GENERAL,
    "extend": _GENERAL,
    "cover": _REMIX,
    "replace": _REMIX,
    "persona_song": _REMIX,
    "stems": _STEMS,
}
DEFAULT_SUNO_MODEL: dict[str, str] = {mode: choices[0] for mode, choices in _CHOICES.items()}

DEFAULT_UDIO_MODEL = bodies.DEFAULT_UDIO_MODEL
UDIO_MODELS = {"udio32-v1.5": "≈32 s clips", "udio130-v1.5": "≈130 s clips, about 2× price"}


def suno_model(mv: str) -> SunoModel | None:
    key = (mv or "").strip().lower()
    return SUNO_MODELS.get(_ALIASES.get(key, key))


def suno_limits(mv: str) -> tuple[int, int, bool]:
    """(prompt/lyrics limit, tags limit, whether ``mv`` is in the table)."""
    model = suno_model(mv)
    if model is None:
        return (*DEFAULT_LIMITS, False)
    return model.prompt_limit, model.tags_limit, True


def suno_models_for(mode: str) -> list[str]:
    """The preset ``mv`` choices of a Create mode, default first; [] for modes that send no mv."""
    return list(_CHOICES.get(mode, ()))


# What a Suno ``mv`` and a Udio ``model_type`` look like in a gateway's model list (new-api lists
# its billing names too, e.g. ``suno_music``, and every other model the key may use).
_SUNO_MV = re.compile(r"^chirp-[a-z0-9][a-z0-9.-]*$")
_UDIO_MODEL = re.compile(r"^udio[0-9]*-v[0-9][0-9.]*$")


def suno_models_offered(mode: str, listed: Iterable[str] | None) -> list[str]:
    """A Create mode's ``mv`` choices given the gateway's model list: the mode's presets the list
    names, in the table's order (default first), then the listed models the table does not know.
    Without a list, or one that names no Suno model, the presets as they are."""
    presets = suno_models_for(mode)
    suno = [name.lower() for name in listed or () if _SUNO_MV.match(name.lower())]
    if not presets or not suno:
        return presets
    known = {_ALIASES.get(name, name) for name in suno}
    offered = [mv for mv in presets if mv in known]
    offered += [name for name in dict.fromkeys(suno) if suno_model(name) is None]
    return offered or presets


def udio_models_offered(listed: Iterable[str] | None) -> list[str]:
    """The Udio ``model_type`` choices: the listed ones (known first), else the presets."""
    udio = [name for name in dict.fromkeys(listed or ()) if _UDIO_MODEL.match(name)]
    known = [name for name in UDIO_MODELS if name in udio]
    return known + [name for name in udio if name not in UDIO_MODELS] or list(UDIO_MODELS)


def models_frame() -> list[dict[str, Any]]:
    """One row per Suno model, for a pandas table."""
    return [
        {
            "mv": m.mv,
            "version": m.version,
            "since": m.since,
            "prompt_limit": m.prompt_limit,
            "tags_limit": m.tags_limit,
            "max_length": m.max_length,
            "purpose": m.purpose,
            "offline": m.offline,
        }
        for m in SUNO_MODELS.values()
    ]
