"""Names for files the app hands over (downloads, export packs): a stem that reads like the title and
is safe on every OS, and an extension from an allow-list, chosen by what the file really is.

The gateway names a song and its URLs; neither decides what lands on a visitor's disk. A URL
ending ``.exe``, ``.hta`` or ``.html`` must not turn "Download audio" into a program or a web page.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

NAME_CHARS = 80
# ext4 and APFS allow 255 bytes per name; Chinese is 3 bytes a character in UTF-8, and the
# "01 - " prefix and " - cover.jpeg" suffix need room too.
NAME_BYTES = 150

ALLOWED_EXTENSIONS = frozenset(
    ("mp3", "wav", "m4a", "mp4", "ogg", "flac", "webm", "png", "jpg", "webp", "gif", "lrc", "txt", "json", "zip")
)
# Kind of download -> (its extension when nothing better is known, the extensions it may have).
KIND_EXTENSIONS = {
    "audio": ("mp3", ("mp3", "wav", "m4a", "ogg", "flac", "webm")),
    "wav": ("wav", ("wav",)),
    "video": ("mp4", ("mp4", "webm")),
    "cover": ("jpg", ("jpg", "png", "webp", "gif")),
    "lyrics": ("txt", ("txt",)),
    "lrc": ("lrc", ("lrc",)),
    "json": ("json", ("json",)),
    "zip": ("zip", ("zip",)),
}
_URL_ALIASES = {"jpeg": "jpg", "mpeg": "mp3", "mpga": "mp3", "oga": "ogg", "wave": "wav"}
_UNSAFE = re.compile(r'[/\\:*?"<>|]')
_TRAILING_EXT = re.compile(r"\.([A-Za-z0-9]{1,5})$")
# Windows refuses these as a name whatever follows the first dot ("CON.mp3" is the console).
_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"]
    + [f"{port}{n}" for port in ("COM", "LPT") for n in (*"0123456789", "¹", "²", "³")]
)


def safe_name(text: object, fallback: str = "untitled") -> str:
    """A file name every OS accepts that still reads like the title (Unicode kept)."""
    name = unicodedata.normalize("NFC", str(text or ""))
    # Control, format (bidi overrides that could disguise an extension) and surrogate characters.
    name = "".join(" " if unicodedata.category(c) in ("Cc", "Cf", "Cs") else c for c in name)
    name = " ".join(_UNSAFE.sub(" ", name).split())
    # Leading dots hide files (and ".." climbs); Windows drops trailing dots and spaces.
    name = name.strip(" .")[:NAME_CHARS]
    while len(name.encode("utf-8")) > NAME_BYTES:
        name = name[:-1]
    return name.rstrip(" .") or fallback


def safe_stem(text: object, fallback: str = "song") -> str:
    """``safe_name`` that is also no Windows device name: the whole stem of a downloaded file."""
    stem = safe_name(text, "") or safe_name(fallback, "song")
    # "Song.exe" + ".mp3" reads as "Song.exe" where extensions are hidden (Windows' default).
    stem = _TRAILING_EXT.sub(r"_\1", stem)
    if stem.split(".", 1)[0].rstrip(" ").upper() in _RESERVED:
        # safe_name again: the prefix may push a long stem past the byte cap (it trims the end).
        stem = _TRAILING_EXT.sub(r"_\1", safe_name(f"_{stem}"))
    return stem


def extension(kind: str, sniffed: str | None = None, url: str | None = None) -> str:
    """The file's extension: its sniffed type when the bytes are known (the real type wins, if
    allowed), else the URL's when it is allowed for this kind, else the kind's usual one."""
    default, fitting = KIND_EXTENSIONS[kind]
    if sniffed and sniffed.lower() in ALLOWED_EXTENSIONS:
        return sniffed.lower()
    if url:
        try:
            path = urlsplit(url).path
        except ValueError:  # e.g. an unclosed "[" in the host: no extension to learn from it
            path = ""
        match = re.search(r"\.([A-Za-z0-9]{2,5})$", path)
        ext = match.group(1).lower() if match else ""
        ext = _URL_ALIASES.get(ext, ext)
        if ext in fitting:
            return ext
    return default
