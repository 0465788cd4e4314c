"""One song object (a Suno clip or an Udio song, in whichever spelling) → ``Song``.

Suno clips come nested (``metadata.tags``), flattened (``tags``), camelCased (``audioUrl``) or
prefixed (``meta_tags``); Udio songs have their own names (``song_path``). The dialect readers in
``lib.gateway.dialects`` rename what differs in meaning (AceDataCloud's ``lyric``/``style``)
before a clip gets here, so the same spelling always means the same thing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lib.gateway.field_readers import as_number, as_progress, as_tags, as_text, as_url, first_present
from lib.gateway.models import Song, TaskStatus
from lib.gateway.status_words import status_from_word

_CLIP_STATUS_OF_TASK = {
    TaskStatus.SUBMITTED: "submitted",
    TaskStatus.QUEUED: "queued",
    TaskStatus.IN_PROGRESS: "streaming",
    TaskStatus.SUCCESS: "complete",
    TaskStatus.FAILURE: "error",
}


def read_song(song: Mapping, platform_is_udio: bool) -> Song:
    return udio_song(song) if is_udio_song(song, platform_is_udio) else suno_song(song)


def is_udio_song(song: Mapping, platform_is_udio: bool) -> bool:
    return "song_path" in song or "finished" in song or (platform_is_udio and "audio_url" not in song)


def suno_song(clip: Mapping) -> Song:
    meta = clip.get("metadata") if isinstance(clip.get("metadata"), Mapping) else {}
    status_word = first_present(clip, "status", "state")
    status = clip_status(status_word)
    if isinstance(status_word, (int, float)) and not isinstance(status_word, bool):
        # Numeric clip states (Key4U) have no published meaning: trust progress and the audio.
        done = as_progress(clip.get("progress")) == 100
        has_audio = as_url(first_present(clip, "audio_url", "audioUrl", "cld2AudioUrl"))
        status = "complete" if done and has_audio else "streaming" if has_audio else "queued"
    error = as_text(
        first_present(meta, "error_message")
        or first_present(clip, "error_message", "errorMessage", "meta_error_msg")
        or (clip.get("msg") if status == "error" else None)
        or (clip.get("meta_error_type") if status == "error" else None)
    )
    return Song(
        id=as_text(first_present(clip, "id", "clip_id", "clipId", "song_id")),
        title=as_text(clip.get("title")),
        tags=as_tags(
            first_present(meta, "tags")
            if meta.get("tags") not in (None, "")
            else first_present(clip, "tags", "meta_tags")
        ),
        lyrics=as_text(
            first_present(meta, "prompt")
            if meta.get("prompt") not in (None, "")
            else first_present(clip, "prompt", "lyric", "lyrics", "meta_prompt")
        ),
        description=as_text(first_present(meta, "gpt_description_prompt") or clip.get("gpt_description_prompt")),
        audio_url=as_url(
            first_present(clip, "audio_url", "audioUrl", "cld2AudioUrl", "stream_audio_url", "streamAudioUrl")
        ),
        image_url=as_url(
            first_present(clip, "image_large_url", "imageLargeUrl", "image_url", "imageUrl", "cld2ImageUrl")
        ),
        video_url=as_url(first_present(clip, "video_url", "videoUrl", "cld2VideoUrl")),
        duration=as_number(
            first_present(meta, "duration")
            if meta.get("duration") is not None
            else first_present(clip, "duration", "meta_duration")
        ),
        model=as_text(first_present(clip, "model_name", "modelName", "mv", "model", "major_model_version")),
        status=status,
        error=error,
        kind=as_text(meta.get("type")),
        continues=_continued_clip(meta),
        infill=meta.get("infill") is True,
    )


def _continued_clip(meta: Mapping) -> str:
    """The parent of an extended or infilled clip: the last ``metadata.history`` entry."""
    history = meta.get("history")
    if isinstance(history, list) and history and isinstance(history[-1], Mapping):
        return as_text(history[-1].get("id"))
    return ""


def clip_status(word: Any) -> str:
    """Clip statuses stay in Suno's own vocabulary (submitted … complete, error)."""
    if word is None or word == "":
        return ""
    text = str(word).strip().lower()
    if text in ("submitted", "queued", "streaming", "complete", "error"):
        return text
    canonical = status_from_word(word)
    return _CLIP_STATUS_OF_TASK.get(canonical, text) if canonical else text


def udio_song(song: Mapping) -> Song:
    error = as_text(first_present(song, "error_detail", "error_type", "error_code"))
    audio_url = as_url(first_present(song, "song_path", "audio_url"))
    if error:
        status = "error"
    elif song.get("finished") is True:
        status = "complete"
    elif audio_url:
        status = "streaming"
    else:
        status = "queued"
    return Song(
        id=as_text(song.get("id")),
        title=as_text(song.get("title")),
        tags=as_tags(song.get("tags")),
        lyrics=as_text(song.get("lyrics")),
        description=as_text(first_present(song, "prompt", "description")),
        audio_url=audio_url,
        image_url=as_url(first_present(song, "image_path", "image_url")),
        video_url=as_url(first_present(song, "video_path", "video_url")),
        duration=as_number(song.get("duration")),
        model=as_text(first_present(song, "model_type", "model")),
        status=status,
        error=error,
    )


def status_from_songs(songs: tuple[Song, ...]) -> TaskStatus:
    """A task without a status word of its own: what its clips say together (Suno-API's rule)."""
    states = [status_from_word(s.status) or TaskStatus.SUBMITTED for s in songs]
    if not states:
        return TaskStatus.UNKNOWN
    if all(s is states[0] for s in states):
        return states[0]
    if TaskStatus.IN_PROGRESS in states:  # one clip already streams: the generation runs
        return TaskStatus.IN_PROGRESS
    # Suno-API: with mixed clips the task shows the clip that is not done yet.
    return next(s for s in states if s is not TaskStatus.SUCCESS)
