"""Writing media into a ZIP under the export rules, shared by a task's export pack (``export_pack``)
and the History's bulk export (``bulk_export``): every download through ``fetch`` (http(s) only,
capped per file, in all and in time), every file checked by its content, every refusal written down
as (what, why) instead of raised, names unique even on case-insensitive disks, and audio tagged
with its title, artist, album, cover and lyrics (``audio_tags``)."""

from __future__ import annotations

import time
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from lib.gateway.errors import GatewayError, ProtocolError
from lib.gateway.models import AlignedWord, Song
from lib.studio.audio_tags import tag_audio, tags_for
from lib.studio.lyrics_sync import synced_lines, to_lrc
from lib.studio.media_check import verify
from lib.studio.media_fetch import MAX_SECONDS as FILE_SECONDS
from lib.text import is_http_url

MiB = 1024 * 1024
SIZE_CAP_REACHED = "size cap reached"
TIME_LIMIT_REACHED = "the pack's time limit was reached"
_CHECK_KIND = {"audio": "audio", "cover": "image", "video": "video"}  # pack kind -> media_check kind

Fetch = Callable[..., tuple[bytes, str]]


@dataclass(frozen=True)
class Media:
    label: str  # what the progress bar and the skipped list call it: "Song 1 audio"
    kind: str  # audio, cover, video
    url: str | None
    stem: str  # file name without extension
    unavailable: str = ""  # why it is skipped without trying, when it is


@dataclass(frozen=True)
class Fetched:
    data: bytes
    ext: str  # from the bytes (media_check), never from the URL


@dataclass
class PackWriter:
    """Adds files to ``archive``; ``sizes`` lists what went in, ``skipped`` what did not and why."""

    archive: zipfile.ZipFile
    fetch: Fetch
    max_file_bytes: int
    max_total_bytes: int
    deadline: float  # time.monotonic() after which nothing more is downloaded
    sizes: dict[str, int] = field(default_factory=dict)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    media_bytes: int = 0
    cap_reached: bool = False

    def download(self, item: Media, raw: Raw | None = None) -> Fetched | None:
        """The file's checked bytes, or None with the reason added to ``skipped``. ``raw``: what a
        download made ahead of time (``fetch_raw``) brought, counted against the caps only now."""
        reason = item.unavailable or (SIZE_CAP_REACHED if self.cap_reached else "")
        remaining = self.max_total_bytes - self.media_bytes
        if not reason and remaining <= 0:
            reason, self.cap_reached = SIZE_CAP_REACHED, True
        seconds = self.deadline - time.monotonic()
        if not reason and seconds <= 0 and raw is None:
            reason = TIME_LIMIT_REACHED
        if reason:
            self.skipped.append((item.label, reason))
            return None
        limit = min(self.max_file_bytes, remaining)
        if raw is None:
            raw = fetch_raw(self.fetch, item, limit, seconds)
        elif raw.data is not None and len(raw.data) > limit:  # fetched within the file cap only
            raw = Raw(None, over_limit=True)
        if raw.over_limit:
            if limit < self.max_file_bytes:  # the pack's budget, not the file cap, stopped it
                self.cap_reached = True
                self.skipped.append((item.label, SIZE_CAP_REACHED))
            else:
                self.skipped.append((item.label, f"larger than the {size_text(self.max_file_bytes)} per-file limit"))
            return None
        if raw.data is None:
            self.skipped.append((item.label, raw.problem))
            return None
        # By content, not by Content-Type or URL: a CDN's error page sent with 200 is no song,
        # and its extension comes from what the bytes are.
        verdict = verify(raw.data, _CHECK_KIND[item.kind])
        if not verdict.ok:
            self.skipped.append((item.label, verdict.reason))
            return None
        self.media_bytes += len(raw.data)
        return Fetched(raw.data, verdict.ext)

    def add(self, stem: str, ext: str, data: bytes, compress: int = zipfile.ZIP_STORED) -> str:
        # Audio, images and video are compressed already: deflating them costs time for a few
        # percent at best (even WAV gains little), so media are stored as they are.
        name = unique_name(f"{stem}.{ext}", self.sizes)
        self.archive.writestr(name, data, compress_type=compress)
        self.sizes[name] = len(data)
        return name

    def add_text(self, stem: str, ext: str, text: str) -> str:
        return self.add(stem, ext, text.encode("utf-8"), zipfile.ZIP_DEFLATED)

    def add_song(
        self,
        song: Song,
        media: Sequence[Media],
        *,
        task_title: str,
        task_id: str,
        platform: str,
        words: Sequence[AlignedWord] = (),
        progress: Callable[[Media], None] | None = None,
        prefetched: Mapping[str, Raw] | None = None,
    ) -> set[str]:
        """One song: its media downloaded one at a time (only this song's files are in memory) or
        taken from ``prefetched`` (kind -> ``fetch_raw``'s outcome), the audio tagged with the cover
        that came with it, then its lyrics as ``.txt`` and ``.lrc``. Returns the kinds of media
        that went in ("audio", "cover", "video")."""
        got: dict[str, Fetched] = {}
        for item in media:
            if progress:
                progress(item)
            fetched = self.download(item, (prefetched or {}).get(item.kind))
            if fetched is not None:
                got[item.kind] = fetched
        cover = got.get("cover")
        for item in media:
            fetched = got.get(item.kind)
            if fetched is None:
                continue
            data = fetched.data
            if item.kind == "audio":
                tags = tags_for(
                    song,
                    task_title=task_title,
                    task_id=task_id,
                    platform=platform,
                    words=words,
                    cover=cover.data if cover else b"",
                    cover_ext=cover.ext if cover else "",
                )
                data = tag_audio(data, fetched.ext, tags)
            self.add(item.stem, fetched.ext, data)
        stem = media[0].stem if media else ""
        if song.lyrics.strip():
            self.add_text(stem, "txt", ensure_newline(song.lyrics))
        if words:
            # Same name as the audio, so players pick the synced lyrics up next to it.
            self.add_text(
                stem, "lrc", to_lrc(synced_lines(words, song.lyrics), title=song.title, length_s=song.duration)
            )
        return set(got)


@dataclass(frozen=True)
class Raw:
    """A download's outcome before the pack counts it: the bytes, or why there are none."""

    data: bytes | None
    problem: str = ""  # why not, for the skipped list
    over_limit: bool = False  # the file was larger than the download was allowed


def fetch_raw(fetch: Fetch, item: Media, limit: int, seconds: float) -> Raw:
    """One download within ``limit`` bytes and ``seconds``; touches no pack state, so downloads
    ahead of the writer may run in other threads."""
    try:
        # Each file keeps its own download limit too, within what the pack has left.
        data, _ = fetch(item.url, max_bytes=limit, max_seconds=min(seconds, FILE_SECONDS))
    except ProtocolError:  # fetch_media's word for "over max_bytes"
        return Raw(None, over_limit=True)
    except GatewayError as exc:
        return Raw(None, f"download failed: {exc}")
    if len(data) > limit:  # a fetch that ignored max_bytes
        return Raw(None, over_limit=True)
    return Raw(data)


def plan_media(song: Song, stem: str, label: str) -> list[Media]:
    """The song's audio, cover and (if any) video; ``label`` prefixes their names ("Song 3")."""
    audio_reason = (
        "still streaming: a partial stream is not a finished file"
        if song.is_streaming
        else url_problem(song.audio_url, "audio")
    )
    media = [
        Media(f"{label} audio", "audio", song.audio_url, stem, audio_reason),
        Media(f"{label} cover", "cover", song.image_url, f"{stem} - cover", url_problem(song.image_url, "cover")),
    ]
    if song.video_url:
        media.append(Media(f"{label} video", "video", song.video_url, stem, url_problem(song.video_url, "video")))
    return media


def url_problem(url: str | None, what: str) -> str:
    if not url:
        return f"the song has no {what} URL"
    return "" if is_http_url(url) else "not an http(s) URL"


def unique_name(name: str, taken: Mapping[str, int]) -> str:
    # Windows and macOS file systems ignore case, so "Rain.wav" and "rain.wav" would collide.
    lowered = {t.lower() for t in taken}
    stem, dot, ext = name.rpartition(".")
    candidate, count = name, 1
    while candidate.lower() in lowered:
        count += 1
        candidate = f"{stem} ({count}){dot}{ext}"
    return candidate


def size_text(count: int) -> str:
    return f"{count / MiB:g} MB" if count >= MiB else f"{count:,} bytes"


def ensure_newline(text: str) -> str:
    return text if text.endswith("\n") else text + "\n"
