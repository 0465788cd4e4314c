"""JSON the sandbox answers with: the task object, Suno clips and Udio songs as the feature-rich
gateways send them (reference §4.1, §4.2, §3.2), including the fields the dashboard ignores."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from lib.sandbox import account, content
from lib.sandbox.engine import Clip, SandboxEngine, SandboxTask
from lib.sandbox.score import sung_score


def iso(timestamp: float, micro: bool = False) -> str:
    moment = datetime.fromtimestamp(timestamp, tz=UTC)
    if micro:
        return moment.isoformat()
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def media_urls(base: str, clip: Clip) -> dict[str, str]:
    return {
        "audio": f"{base}/media/{clip.id}.mp3",  # what real Suno serves
        "stream": f"{base}/audiopipe/?item_id={clip.id}",
        "image": f"{base}/media/{clip.id}.png",
        "image_large": f"{base}/media/{clip.id}-large.png",
        "wav": f"{base}/media/{clip.id}-hq.wav",
        "video": f"{base}/media/{clip.id}.mp4",
    }


def task_view(engine: SandboxEngine, task: SandboxTask, base: str, dialect: str = "nested") -> dict:
    phase = engine.phase(task)
    submitted, started, finished = engine.phase_times(task)
    view: dict[str, Any] = {
        "task_id": task.task_id,
        "notify_hook": str(task.body.get("notify_hook") or ""),
        "action": task.action,
        "status": phase,
        "fail_reason": task.fail_reason if phase == "FAILURE" else "",
        "submit_time": int(submitted),
        "start_time": int(started or 0),
        "finish_time": int(finished or 0),
        # new-api forwards no intermediate progress for Suno or Udio (reference §5.2).
        "progress": "100%" if phase in ("SUCCESS", "FAILURE") else "0%",
        # newer new-api: what the task cost, in quota units (refunded on failure)
        "quota": 0 if phase == "FAILURE" else account.quota_of(task.action),
    }
    if task.platform == "udio":
        songs = None if phase == "NOT_START" else [udio_song(engine, task, clip, base, phase) for clip in task.clips]
        if dialect == "flat":
            del view["notify_hook"]
            view["songs"] = songs or []
        else:
            view["data"] = None if songs is None else {"songs": songs}
        return view
    if task.action == "LYRICS":
        view["data"] = dict(task.lyrics or {}) if phase == "SUCCESS" else None
    elif phase == "NOT_START":
        view["data"] = None  # filled on the gateway's first upstream poll
    else:
        fraction = engine.stream_fraction(task)
        view["data"] = [suno_clip(clip, base, phase, task.fail_reason, fraction) for clip in task.clips]
    return view


_CLIP_STATUS = {
    "SUBMITTED": "submitted",
    "QUEUED": "queued",
    "IN_PROGRESS": "streaming",
    "SUCCESS": "complete",
    "FAILURE": "error",
}


def suno_clip(clip: Clip, base: str, phase: str, fail_reason: str = "", stream_fraction: float = 1.0) -> dict[str, Any]:
    status = _CLIP_STATUS.get(phase, "submitted")
    urls = media_urls(base, clip)
    complete, streaming = status == "complete", status == "streaming"
    has_art = complete or (streaming and stream_fraction > 0.15)
    return {
        "id": clip.id,
        "video_url": "",
        "audio_url": urls["audio"] if complete else urls["stream"] if streaming else "",
        "image_url": urls["image"] if has_art else None,
        "image_large_url": urls["image_large"] if has_art else None,
        "is_video_pending": False,
        "major_model_version": "" if clip.kind == "stem" else major_version(clip.model),
        "model_name": clip.model.replace("-0", "") if clip.model.startswith("chirp-v3") else clip.model,
        "metadata": {
            "tags": ", ".join(clip.tags),
            "negative_tags": "",
            "prompt": clip.lyrics,
            "gpt_description_prompt": clip.description or None,
            "audio_prompt_id": None,
            "history": _history(clip),
            "task": _TASKS.get(clip.kind, clip.kind),
            "concat_history": [{"id": clip.parent}] if clip.kind == "concat" else None,
            "stem_from_id": clip.parent if clip.kind == "stem" else None,
            "type": clip.kind if clip.kind in ("stem", "concat", "upload") else "gen",
            "duration": clip.duration if complete else None,
            "refund_credits": status == "error",
            "stream": True,
            "infill": clip.kind == "infill",
            **({"infill_start_s": clip.continue_at, "infill_end_s": clip.infill_end} if clip.kind == "infill" else {}),
            "has_vocal": bool(clip.lyrics),
            "is_audio_upload_tos_accepted": clip.kind == "upload",
            "error_type": "generation_failed" if status == "error" else None,
            "error_message": fail_reason if status == "error" else None,
        },
        "is_liked": False,
        "user_id": "7f6d0e54-3c1a-4e59-9d3e-5a4db0c5a4db",
        "display_name": "Sandbox",
        "handle": "sandbox",
        "is_handle_updated": False,
        "avatar_image_url": None,
        "is_trashed": False,
        "reaction": None,
        "created_at": iso(clip.created_at),
        "status": status,
        "title": clip.title,
        "play_count": 0,
        "upvote_count": 0,
        "is_public": False,
        "entity_type": "song_schema",
        "allow_comments": True,
        "flag_count": 0,
        "comment_count": 0,
    }


# metadata.task for clip kinds that are not a submit's task: none for a plain song, an upload or
# a concat (their metadata.type says what they are); stem clips are what a gen_stem task makes.
_TASKS: dict[str, str | None] = {"gen": None, "upload": None, "concat": None, "stem": "gen_stem"}
_CONTINUING = ("extend", "upload_extend", "infill")


def _history(clip: Clip) -> list[dict[str, Any]] | None:
    """Suno's record of what an extend / replace-section clip continues: the app reads the parent
    from it, and knows the clip needs a concat to become the full song."""
    if clip.kind not in _CONTINUING or not clip.parent:
        return None
    return [
        {
            "id": clip.parent,
            "continue_at": clip.continue_at,
            "type": "gen",
            "source": "web",
            "infill": clip.kind == "infill",
        }
    ]


def udio_song(engine: SandboxEngine, task: SandboxTask, clip: Clip, base: str, phase: str) -> dict:
    urls = media_urls(base, clip)
    finished, failed = phase == "SUCCESS", phase == "FAILURE"
    params = task.body.get("gen_params") or {}
    return {
        "artist": content.make_udio_artist(clip.seed),
        "artist_image": None,
        "attribution": "",
        "audio_conditioning_type": None,
        "created_at": iso(clip.created_at, micro=True),
        "description": "",
        "disliked": False,
        "duration": clip.duration if finished else None,
        "error_code": "generation_failed" if failed else None,
        "error_detail": task.fail_reason if failed else None,
        "error_id": None,
        "error_type": "generation_error" if failed else None,
        "finished": finished,
        "generation_id": task.task_id,
        "id": clip.id,
        "image_path": urls["image"] if finished or phase == "IN_PROGRESS" else "",
        "liked": False,
        "likes": 0,
        "lyrics": clip.lyrics,
        "original_song_path": None,
        "plays": 0,
        "prompt": str(params.get("prompt", "")),
        "publishable": finished,
        "published_at": None,
        "replaced_tags": {", ".join(clip.tags): {"tags": list(clip.tags), "type": "tags"}},
        "song_path": urls["audio"] if finished else "",
        "tags": list(clip.tags),
        "title": clip.title if finished or phase == "IN_PROGRESS" else "",
        "user_id": "289624f6-c4f0-4a22-a1f4-43d8bac3a9b2",
        "user_tags": [],
        "video_path": None,
    }


def timing_view(clip: Clip, waveform: list[float]) -> dict[str, Any]:
    """Word-level alignment on the notes the synthesized voice sings (``lib.sandbox.score``), and
    ``waveform``: the envelope of the clip's audio (``assets.waveform``).

    Like Suno, a line's last word ends in "\n" and a section heading is glued to the next word
    ("[Verse]\nWinter "); each word starts on its note. An instrumental clip has no words.
    """
    score = sung_score(clip.seed, clip.duration, clip.lyrics, ", ".join(clip.tags)) if clip.lyrics.strip() else None
    words = [
        {"word": w.word, "success": True, "start_s": w.start_s, "end_s": w.end_s, "p_align": 0.97}
        for w in (score.words if score else ())
    ]
    return {"aligned_words": words, "waveform_data": waveform, "hoot_cer": 0.0356, "is_streamed": False}


def major_version(model: str) -> str:
    for version in ("v3", "v4"):
        if version in model:
            return version
    return model.replace("chirp-", "")
