"""A song card's audio download with the song's tags written in: title, artist, album (the task),
cover art, lyrics, and synced lyrics when *Sing along* already loaded the word timings (no extra
request for them). The same tags the export pack and the bulk export write (``audio_tags``)."""

from __future__ import annotations

from lib.gateway.models import Song, Task
from lib.studio.audio_tags import tag_audio, tags_for
from lib.studio.export_pack import task_title
from lib.studio.media_check import verify
from lib.studio.song_jobs import TimingFetched
from lib.ui.media import Finish, download_data
from lib.ui.song_tool_jobs import current_job


def audio_tagger(song: Song, task: Task | None) -> Finish:
    """``finish`` for the audio download: decided now, run on click (on Streamlit's thread, where
    the session is not at hand), so the cover's download is decided now too."""
    cover = download_data(song.image_url, "image")  # b"" when the server may not fetch it
    job = current_job("timing", song)
    words = tuple(job.words) if isinstance(job, TimingFetched) else ()
    album, task_id = (task_title(task), task.task_id) if task is not None else ("", song.id)
    platform = task.platform if task is not None else "suno"

    def finish(data: bytes, ext: str) -> bytes:
        image = cover() if song.image_url else b""
        verdict = verify(image, "image") if image else None
        tags = tags_for(
            song,
            task_title=album,
            task_id=task_id,
            platform=platform,
            words=words,
            cover=image if verdict and verdict.ok else b"",
            cover_ext=verdict.ext if verdict and verdict.ok else "",
        )
        return tag_audio(data, ext, tags)

    return finish
