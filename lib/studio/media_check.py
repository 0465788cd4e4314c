"""What a downloaded media file really is, judged by its bytes rather than by what the server said.

A CDN error page served with status 200, an SVG or an HTML page named ``cover.png``, or a PNG
that declares a billion pixels must not reach a player or Pillow's decoder inside Streamlit (an
exception there takes the whole page down). Images are decoded here with Pillow under a pixel
limit, and only raster formats a browser shows (PNG, JPEG, WebP, GIF); audio and video are
recognised by their magic bytes (MP3/ID3, WAV, Ogg, FLAC, MP4/M4A, WebM). Anything else is refused
with a problem code the page turns into a note in the user's language: never an exception.
"""

from __future__ import annotations

import hashlib
import io
import threading
from collections import OrderedDict
from dataclasses import dataclass

from PIL import Image

KINDS = ("image", "audio", "video")
# Covers are about 1024 x 1024; 4096 x 4096 leaves room for any real one while a decoded frame
# stays at 64 MB. Pillow's own bomb limit (about 89 million pixels) is far too generous for a page.
MAX_PIXELS = 4096 * 4096
_RASTER = ("PNG", "JPEG", "WEBP", "GIF")
_IMAGE_TYPES = {"PNG": ("png", "image/png"), "JPEG": ("jpg", "image/jpeg"), "MPO": ("jpg", "image/jpeg")}
_IMAGE_TYPES |= {"WEBP": ("webp", "image/webp"), "GIF": ("gif", "image/gif")}

# Problem codes (lib.ui.media maps them to catalog keys; the export pack to README reasons).
NOT_MEDIA = "not_media"
TOO_MANY_PIXELS = "too_many_pixels"
DAMAGED = "damaged"
REASONS = {
    NOT_MEDIA: "not a media file of the expected kind (the server sent something else, such as a web page)",
    TOO_MANY_PIXELS: f"an image larger than {MAX_PIXELS:,} pixels",
    DAMAGED: "a damaged or cut-off image",
}


@dataclass(frozen=True)
class Verdict:
    """``ext`` and ``mime`` of an accepted file; ``problem`` (a code above) of a refused one."""

    ext: str = ""
    mime: str = ""
    problem: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem

    @property
    def reason(self) -> str:
        return REASONS.get(self.problem, "")


def sniff(data: bytes, kind: str = "") -> tuple[str, str] | None:
    """(extension, MIME type) from the first bytes alone, or None for no media type we know.
    ``kind`` settles what the MP4 and WebM containers are called: ``.m4a`` for audio."""
    head = bytes(data[:64])
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png", "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg", "image/jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif", "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp", "image/webp"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav", "audio/wav"
    if head.startswith(b"ID3") or _mpeg_frame(head):
        return "mp3", "audio/mpeg"
    if head.startswith(b"OggS"):
        return "ogg", "video/ogg" if kind == "video" else "audio/ogg"
    if head.startswith(b"fLaC"):
        return "flac", "audio/flac"
    if head[4:8] == b"ftyp":
        audio = kind == "audio" or (kind != "video" and head[8:11] in (b"M4A", b"M4B"))
        return ("m4a", "audio/mp4") if audio else ("mp4", "video/mp4")
    if head.startswith(b"\x1a\x45\xdf\xa3"):  # EBML: WebM (and Matroska, which browsers play alike)
        return "webm", "audio/webm" if kind == "audio" else "video/webm"
    return None


def _mpeg_frame(head: bytes) -> bool:
    # An MPEG audio frame header: 11 sync bits, a version other than "reserved" (01) and a layer
    # other than "reserved" (00, which is also how ADTS AAC is told apart).
    if len(head) < 2 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    return head[1] & 0x18 != 0x08 and head[1] & 0x06 != 0


_PLAYABLE = {"audio": ("mp3", "wav", "ogg", "flac", "m4a", "webm"), "video": ("mp4", "webm", "ogg")}


def verify(data: bytes, kind: str) -> Verdict:
    """Whether ``data`` is a file of this kind a browser can show or play; never raises."""
    if kind not in KINDS:
        raise ValueError(f"unknown media kind {kind!r}; one of {', '.join(KINDS)}")
    if kind == "image":
        return _image_verdict(data)
    found = sniff(data, kind)
    if found is None or found[0] not in _PLAYABLE[kind]:
        return Verdict(problem=NOT_MEDIA)
    return Verdict(*found)


# Decoding a cover costs milliseconds to a second, and a page redraws its covers on every rerun
# (a followed task reruns every few seconds): verdicts are kept per content, not per URL, so a
# server that changes what a URL serves is judged again.
_VERDICTS: OrderedDict[bytes, Verdict] = OrderedDict()
_VERDICTS_MAX = 256
_lock = threading.Lock()


def _image_verdict(data: bytes) -> Verdict:
    digest = hashlib.blake2b(data, digest_size=16).digest()
    with _lock:
        if digest in _VERDICTS:
            _VERDICTS.move_to_end(digest)
            return _VERDICTS[digest]
    verdict = _decode(data)
    with _lock:
        _VERDICTS[digest] = verdict
        while len(_VERDICTS) > _VERDICTS_MAX:
            _VERDICTS.popitem(last=False)
    return verdict


def _decode(data: bytes) -> Verdict:
    found = sniff(data, "image")
    if found is None or not found[1].startswith("image/"):
        return Verdict(problem=NOT_MEDIA)  # SVG, HTML, audio… before Pillow guesses at it
    # Pillow parses hostile bytes here: whatever it raises (UnidentifiedImageError, its own
    # DecompressionBombError, a truncated-file OSError, SyntaxError or ValueError from a bad chunk,
    # MemoryError) means the file is not one to show, so every exception is a refusal.
    try:
        with Image.open(io.BytesIO(data), formats=_RASTER) as image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                return Verdict(problem=TOO_MANY_PIXELS)
            image.load()  # decodes the (first) frame: a cut-off or corrupt file fails here
            named = _IMAGE_TYPES.get(image.format or "")
    except Image.DecompressionBombError:
        return Verdict(problem=TOO_MANY_PIXELS)
    except Exception:
        return Verdict(problem=DAMAGED)
    if named is None or width < 1 or height < 1:
        return Verdict(problem=DAMAGED)
    return Verdict(*named)
