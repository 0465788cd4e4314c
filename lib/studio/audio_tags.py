"""Tags inside a song's audio file — title, artist, album (the task), cover art, lyrics and, where
the gateway gave word timings, synced lyrics — so a music player shows them without the app.

Written with mutagen: ID3v2.4 for MP3 and for WAV (an ``id3 `` chunk, which players that read WAV
tags use), MP4 atoms for M4A. Other formats (Ogg, FLAC, WebM) and files mutagen cannot parse are
handed back unchanged: a tag is a courtesy, never a reason to lose the song.
"""

from __future__ import annotations

import io
import logging
import struct
from collections.abc import Sequence
from dataclasses import dataclass

from mutagen import MutagenError
from mutagen.id3 import APIC, COMM, ID3, SYLT, TALB, TIT2, TPE1, TXXX, USLT, Encoding, ID3NoHeaderError
from mutagen.mp4 import MP4, MP4Cover
from mutagen.wave import WAVE

from lib.gateway.models import AlignedWord, Song
from lib.studio.lyrics_sync import synced_lines

log = logging.getLogger(__name__)

ALBUM_PROMPT_CHARS = 60
TAGGED_EXTENSIONS = frozenset({"mp3", "wav", "m4a"})
_COVER_MIME = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp", "gif": "image/gif"}


@dataclass(frozen=True)
class SongTags:
    title: str = ""
    artist: str = ""
    album: str = ""
    lyrics: str = ""
    # (start in milliseconds, line) for synced lyrics; empty when the gateway had no timings.
    synced: tuple[tuple[int, str], ...] = ()
    cover: bytes = b""
    cover_ext: str = ""  # png, jpg, webp, gif: what the cover's bytes are (media_check's verdict)
    comment: str = ""  # the song's id, so a file can be traced back to its task


def album_name(task_title: str, task_id: str) -> str:
    """The task as an album: its title or the start of its prompt, then its id ("Rain · 3f2a…")."""
    head = " ".join(str(task_title or "").split())
    if len(head) > ALBUM_PROMPT_CHARS:
        head = head[: ALBUM_PROMPT_CHARS - 1].rstrip() + "…"
    return f"{head} · {task_id}" if head else task_id


def tags_for(
    song: Song,
    *,
    task_title: str,
    task_id: str,
    platform: str = "suno",
    words: Sequence[AlignedWord] = (),
    cover: bytes = b"",
    cover_ext: str = "",
    artist: str = "",
) -> SongTags:
    """The tags of one song. ``artist``: a persona's or artist's name when known; otherwise the
    platform and model ("Suno · chirp-v4"), which is who made it."""
    maker = platform.capitalize() if platform else "Suno"
    if not artist:
        artist = f"{maker} · {song.model}" if song.model else maker
    synced = tuple(
        (max(0, round(line.start_s * 1000)), line.text)
        for line in synced_lines(words, song.lyrics)
        if not line.is_heading
    )
    return SongTags(
        title=song.title or song.id,
        artist=artist,
        album=album_name(task_title, task_id),
        lyrics=song.lyrics.strip(),
        synced=synced,
        cover=cover,
        cover_ext=cover_ext,
        comment=f"{platform} song {song.id}" if song.id else "",
    )


def tag_audio(data: bytes, ext: str, tags: SongTags) -> bytes:
    """The file with ``tags`` written in (replacing tags of the same kind it had), or the bytes
    unchanged for a format not tagged here or a file mutagen cannot read."""
    ext = ext.lower()
    if ext not in TAGGED_EXTENSIONS or not data:
        return data
    buffer = io.BytesIO(data)
    try:
        if ext == "mp3":
            _tag_mp3(buffer, tags)
        elif ext == "wav":
            _tag_wav(buffer, tags)
        else:
            _tag_m4a(buffer, tags)
    except (MutagenError, ValueError, struct.error) as error:  # mutagen lets a few through
        log.debug("audio tags not written (%s): %s", ext, error)
        return data
    return buffer.getvalue()


def read_tags(data: bytes, ext: str) -> dict[str, object]:
    """What a player would read back (title, artist, album, lyrics, synced, cover): for tests and
    for checking a download."""
    buffer = io.BytesIO(data)
    if ext == "m4a":
        atoms = MP4(buffer).tags or {}
        first = lambda key: (atoms.get(key) or [""])[0]  # noqa: E731
        covers = atoms.get("covr") or []
        return {
            "title": first("\xa9nam"),
            "artist": first("\xa9ART"),
            "album": first("\xa9alb"),
            "lyrics": first("\xa9lyr"),
            "synced": (),
            "cover": bytes(covers[0]) if covers else b"",
        }
    id3 = WAVE(buffer).tags if ext == "wav" else ID3(buffer)
    id3 = id3 or ID3()
    text = lambda key: str(id3[key].text[0]) if key in id3 else ""  # noqa: E731
    lyrics = id3.getall("USLT")
    synced = id3.getall("SYLT")
    pictures = id3.getall("APIC")
    return {
        "title": text("TIT2"),
        "artist": text("TPE1"),
        "album": text("TALB"),
        "lyrics": lyrics[0].text if lyrics else "",
        "synced": tuple((ms, line) for line, ms in synced[0].text) if synced else (),
        "cover": pictures[0].data if pictures else b"",
    }


def _id3_frames(tags: SongTags) -> list:
    utf8 = Encoding.UTF8
    frames = [TIT2(encoding=utf8, text=tags.title), TPE1(encoding=utf8, text=tags.artist)]
    frames.append(TALB(encoding=utf8, text=tags.album))
    if tags.lyrics:
        frames.append(USLT(encoding=utf8, lang="XXX", desc="", text=tags.lyrics))
    if tags.synced:
        # format 2: times in milliseconds; type 1: lyrics. Players (foobar2000, MusicBee,
        # Poweramp) show the line whose time has come.
        lines = [(line, ms) for ms, line in tags.synced]
        frames.append(SYLT(encoding=utf8, lang="XXX", format=2, type=1, desc="", text=lines))
    if tags.cover and tags.cover_ext in _COVER_MIME:
        frames.append(APIC(encoding=utf8, mime=_COVER_MIME[tags.cover_ext], type=3, desc="Cover", data=tags.cover))
    if tags.comment:
        frames.append(COMM(encoding=utf8, lang="XXX", desc="", text=tags.comment))
        frames.append(TXXX(encoding=utf8, desc="Music Task Studio", text=tags.comment))
    return frames


def _replace(id3: ID3, tags: SongTags) -> None:
    for key in ("TIT2", "TPE1", "TALB", "USLT", "SYLT", "APIC", "COMM", "TXXX"):
        id3.delall(key)
    for frame in _id3_frames(tags):
        id3.add(frame)


def _tag_mp3(buffer: io.BytesIO, tags: SongTags) -> None:
    try:
        id3 = ID3(buffer)
    except ID3NoHeaderError:
        id3 = ID3()
    _replace(id3, tags)
    buffer.seek(0)
    id3.save(buffer, v2_version=4)


def _tag_wav(buffer: io.BytesIO, tags: SongTags) -> None:
    audio = WAVE(buffer)
    if audio.tags is None:
        audio.add_tags()
    _replace(audio.tags, tags)
    buffer.seek(0)
    audio.save(buffer, v2_version=4)


def _tag_m4a(buffer: io.BytesIO, tags: SongTags) -> None:
    audio = MP4(buffer)
    if audio.tags is None:
        audio.add_tags()
    atoms = audio.tags
    atoms["\xa9nam"], atoms["\xa9ART"], atoms["\xa9alb"] = [tags.title], [tags.artist], [tags.album]
    if tags.lyrics:
        atoms["\xa9lyr"] = [tags.lyrics]
    if tags.comment:
        atoms["\xa9cmt"] = [tags.comment]
    if tags.cover and tags.cover_ext in ("png", "jpg"):  # the only two MP4 cover formats
        kind = MP4Cover.FORMAT_PNG if tags.cover_ext == "png" else MP4Cover.FORMAT_JPEG
        atoms["covr"] = [MP4Cover(tags.cover, imageformat=kind)]
    buffer.seek(0)
    audio.save(buffer)
