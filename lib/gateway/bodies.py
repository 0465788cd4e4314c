"""Request bodies for every submit route (reference §2.1–2.8, §3.1).

Pure functions so the Create page can preview the exact JSON before anything is sent, and the
client sends exactly what was previewed. ``None`` values are left out: family-A gateways reject
nothing, but a smaller body is easier to read and to compare.
"""

from __future__ import annotations

from typing import Any

DEFAULT_SUNO_MODEL = "chirp-v4"
DEFAULT_UDIO_MODEL = "udio32-v1.5"
SUNO_TASKS = ("extend", "upload_extend", "cover", "infill", "artist_consistency", "gen_stem")
UDIO_MODES = ("regular", "continuation", "precede")
LYRICS_TYPES = ("generate", "user", "instrumental")


def compact(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if v is not None}


def suno_music(
    *,
    mv: str = DEFAULT_SUNO_MODEL,
    gpt_description_prompt: str | None = None,
    prompt: str | None = None,
    title: str | None = None,
    tags: str | None = None,
    negative_tags: str | None = None,
    make_instrumental: bool | None = None,
    task: str | None = None,
    task_id: str | None = None,
    continue_clip_id: str | None = None,
    continue_at: float | None = None,
    cover_clip_id: str | None = None,
    infill_start_s: float | None = None,
    infill_end_s: float | None = None,
    persona_id: str | None = None,
    artist_clip_id: str | None = None,
    metadata: dict[str, Any] | None = None,
    notify_hook: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """The body of ``POST /suno/submit/music`` for any scenario; ``mv`` is always sent."""
    return compact(
        {
            "gpt_description_prompt": gpt_description_prompt,
            "prompt": prompt,
            "title": title,
            "tags": tags,
            "negative_tags": negative_tags or None,
            "make_instrumental": make_instrumental,
            "mv": mv or DEFAULT_SUNO_MODEL,
            "task": task,
            "task_id": task_id,
            "continue_clip_id": continue_clip_id,
            "continue_at": continue_at,
            "cover_clip_id": cover_clip_id,
            "infill_start_s": infill_start_s,
            "infill_end_s": infill_end_s,
            "persona_id": persona_id,
            "artist_clip_id": artist_clip_id,
            "metadata": metadata or None,
            "notify_hook": notify_hook or None,
            **extra,
        }
    )


def suno_inspiration(
    description: str, *, mv: str = DEFAULT_SUNO_MODEL, instrumental: bool = False, **extra: Any
) -> dict[str, Any]:
    return suno_music(gpt_description_prompt=description, make_instrumental=instrumental, mv=mv, **extra)


def suno_custom(
    *, lyrics: str, title: str, tags: str, mv: str = DEFAULT_SUNO_MODEL, instrumental: bool = False, **extra: Any
) -> dict[str, Any]:
    return suno_music(
        prompt="" if instrumental else lyrics, title=title, tags=tags, make_instrumental=instrumental, mv=mv, **extra
    )


def suno_extend(
    *,
    task_id: str,
    clip_id: str,
    continue_at: float,
    mv: str = DEFAULT_SUNO_MODEL,
    lyrics: str = "",
    title: str = "",
    tags: str = "",
    **extra: Any,
) -> dict[str, Any]:
    # new-api rejects continue_clip_id without the task that made the clip ("task id is empty").
    return suno_music(
        task="extend",
        task_id=task_id,
        continue_clip_id=clip_id,
        continue_at=continue_at,
        prompt=lyrics,
        title=title,
        tags=tags,
        mv=mv,
        **extra,
    )


def suno_upload_extend(
    *,
    clip_id: str,
    continue_at: float,
    mv: str = DEFAULT_SUNO_MODEL,
    lyrics: str = "",
    title: str = "",
    tags: str = "",
    **extra: Any,
) -> dict[str, Any]:
    return suno_music(
        task="upload_extend",
        continue_clip_id=clip_id,
        continue_at=continue_at,
        prompt=lyrics,
        title=title,
        tags=tags,
        mv=mv,
        **extra,
    )


def suno_cover(
    *, clip_id: str, mv: str = "chirp-v4-tau", lyrics: str = "", title: str = "", tags: str = "", **extra: Any
) -> dict[str, Any]:
    return suno_music(
        task="cover",
        cover_clip_id=clip_id,
        prompt=lyrics,
        title=title,
        tags=tags,
        generation_type="TEXT",
        mv=mv,
        **extra,
    )


def suno_replace_section(
    *,
    clip_id: str,
    start_s: float,
    end_s: float,
    lyrics: str,
    task_id: str | None = None,
    mv: str = "chirp-v4-tau",
    title: str = "",
    tags: str = "",
    **extra: Any,
) -> dict[str, Any]:
    return suno_music(
        task="infill",
        task_id=task_id,
        continue_clip_id=clip_id,
        infill_start_s=start_s,
        infill_end_s=end_s,
        prompt=lyrics,
        title=title,
        tags=tags,
        mv=mv,
        **extra,
    )


def suno_persona_song(
    *,
    persona_id: str,
    artist_clip_id: str,
    lyrics: str,
    title: str = "",
    tags: str = "",
    mv: str = "chirp-v4-tau",
    **extra: Any,
) -> dict[str, Any]:
    return suno_music(
        task="artist_consistency",
        persona_id=persona_id,
        artist_clip_id=artist_clip_id,
        prompt=lyrics,
        title=title,
        tags=tags,
        mv=mv,
        **extra,
    )


def suno_stems(
    *,
    clip_id: str,
    title: str = "",
    task_id: str | None = None,
    mv: str = "chirp-auk",
    all_stems: bool = False,
    **extra: Any,
) -> dict[str, Any]:
    group = ("Twelve", "twelve") if all_stems else ("Two", "two")
    return suno_music(
        task="gen_stem",
        task_id=task_id,
        continue_clip_id=clip_id,
        prompt="",
        title=title,
        make_instrumental=True,
        mv=mv,
        stem_type_id=91,
        stem_type_group_name=group[0],
        stem_task=group[1],
        **extra,
    )


def suno_lyrics(prompt: str, *, notify_hook: str | None = None) -> dict[str, Any]:
    return compact({"prompt": prompt, "notify_hook": notify_hook or None})


def suno_concat(clip_id: str, *, is_infill: bool = False) -> dict[str, Any]:
    return {"clip_id": clip_id, "is_infill": bool(is_infill)}


def suno_persona(
    *, root_clip_id: str, name: str, description: str = "", clips: list[str] | None = None, is_public: bool = True
) -> dict[str, Any]:
    return {
        "root_clip_id": root_clip_id,
        "name": name,
        "description": description,
        "clips": list(clips or [root_clip_id]),
        "is_public": bool(is_public),
    }


def udio_music(
    prompt: str,
    *,
    lyrics_type: str = "generate",
    lyrics: str = "",
    model_type: str = DEFAULT_UDIO_MODEL,
    seed: int = -1,
    negative_prompt: str = "",
    mode: str = "regular",
    song_id: str | None = None,
    song_section_start: float | None = None,
    song_section_end: float | None = None,
    context_length: int | None = None,
    **strengths: Any,
) -> dict[str, Any]:
    """``POST /udio/submit/music``: sampler options wrapped in ``gen_params``.

    ``strengths`` passes the sliders through (prompt_strength, clarity_strength, lyrics_strength,
    generation_quality, lyrics_placement_start/end, bypass_prompt_optimization).
    """
    config: dict[str, Any] = {"mode": mode}
    if mode != "regular":
        config["context_length"] = context_length or 130
        config["source"] = {"source_type": "song", "song_id": song_id}
    return {
        "gen_params": compact(
            {
                "prompt": prompt,
                "lyrics_type": lyrics_type,
                "lyrics": lyrics if lyrics_type == "user" else None,
                "model_type": model_type or DEFAULT_UDIO_MODEL,
                "seed": seed,
                "negative_prompt": negative_prompt or None,
                "song_section_start": song_section_start,
                "song_section_end": song_section_end,
                "config": config,
                **strengths,
            }
        )
    }
