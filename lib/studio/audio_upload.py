"""A local audio file (or a recording) becomes a Suno clip that Extend and Cover can take: the
checks made before anything is sent, then the gateway's five steps (reference §2.6) with a report
after each one, and a failure that names the step it happened in.

No Streamlit here: ``lib.ui.audio_upload`` draws the picker, the progress and the outcome.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath

from lib.gateway import errors
from lib.gateway.audio_upload import AudioUploads, UploadStatus
from lib.studio.media_check import sniff

# The gateway's steps, in order: ask, send the file to storage, report it sent, wait for the
# processing, make the clip. The UI labels each (``upload.step.<name>``).
STEPS = ("request", "send", "finish", "process", "clip")
# What Suno takes and a browser plays; the extension is what step 1 asks for.
TYPES = {"mp3": "audio/mpeg", "wav": "audio/wav", "m4a": "audio/mp4", "ogg": "audio/ogg", "flac": "audio/flac"}
EXTENSIONS = tuple(TYPES)
MAX_BYTES = 20 * 1024 * 1024  # a few minutes of MP3, or a couple of WAV: more than Suno keeps
MAX_MB = MAX_BYTES // 2**20
MIN_SECONDS = 6.0  # Suno refuses shorter audio to continue or cover
MAX_SECONDS = 8 * 60.0
POLL_S = 2.0  # the reference polls every 2-3 s
PROCESS_TIMEOUT_S = 5 * 60.0

# Problem codes of ``check_file`` (the UI words them: ``upload.problem.<code>``).
PROBLEMS = ("empty", "too_large", "bad_type", "not_audio", "too_short", "too_long")


@dataclass(frozen=True)
class AudioFile:
    """A file that passed the checks: what is sent, named and typed by its content."""

    name: str
    data: bytes
    extension: str
    content_type: str
    duration: float | None  # seconds, when the file could be decoded here


class FileRefused(Exception):
    """Refused before anything was sent: ``code`` is one of ``PROBLEMS``, ``params`` fill its words."""

    def __init__(self, code: str, params: dict) -> None:
        super().__init__(f"{code} {params}")
        self.code, self.params = code, params


@dataclass(frozen=True)
class Uploaded:
    upload_id: str
    clip_id: str
    name: str
    duration: float | None
    title: str = ""
    image_url: str = ""


class UploadFailed(Exception):
    """One step failed: which (one of ``STEPS``), and the gateway's (or storage's) error."""

    def __init__(self, step: str, error: errors.GatewayError, upload_id: str = "") -> None:
        super().__init__(f"{step}: {error}")
        self.step, self.error, self.upload_id = step, error, upload_id


def check_file(name: str, data: bytes) -> AudioFile:
    """The file as it will be sent, or ``FileRefused``: nothing is sent for a refused file. Its
    type is judged by its bytes (a renamed web page is not audio), its length by decoding it."""
    if not data:
        raise FileRefused("empty", {})
    if len(data) > MAX_BYTES:
        raise FileRefused("too_large", {"size_mb": f"{len(data) / 2**20:.1f}", "limit_mb": MAX_MB})
    found = sniff(data, "audio")
    if found is None or found[0] not in TYPES:
        said = PurePath(name or "").suffix.lower().lstrip(".")
        code = "bad_type" if said and said not in TYPES else "not_audio"
        raise FileRefused(code, {"types": ", ".join(e.upper() for e in EXTENSIONS)})
    extension = found[0]
    duration = audio_seconds(data)
    if duration is not None and duration < MIN_SECONDS:
        raise FileRefused("too_short", {"seconds": f"{duration:.1f}", "limit": f"{MIN_SECONDS:g}"})
    if duration is not None and duration > MAX_SECONDS:
        raise FileRefused("too_long", {"minutes": f"{duration / 60:.1f}", "limit": f"{MAX_SECONDS / 60:g}"})
    stem = PurePath(name or "").stem.strip() or "recording"
    return AudioFile(f"{stem}.{extension}", data, extension, TYPES[extension], duration)


def audio_seconds(data: bytes) -> float | None:
    """The audio's length, read by PyAV from the container (or by decoding it when the container
    does not say); None when it cannot be read, and the gateway then judges the file."""
    try:
        import av  # a requirement, imported here: most pages never need it
    except ImportError:
        return None
    try:
        with av.open(io.BytesIO(data), mode="r") as container:
            stream = next((s for s in container.streams if s.type == "audio"), None)
            if stream is None:
                return None
            if container.duration:
                return container.duration / 1_000_000
            last = 0.0
            for frame in container.decode(stream):
                if frame.time is not None:
                    last = frame.time + frame.samples / max(frame.sample_rate, 1)
            return last or None
    except Exception:  # PyAV raises many types for a damaged file: the gateway will judge it
        return None


def upload(
    uploads: AudioUploads,
    audio: AudioFile,
    *,
    on_step: Callable[[str, str], None] = lambda step, detail: None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    poll_s: float = POLL_S,
    timeout_s: float = PROCESS_TIMEOUT_S,
) -> Uploaded:
    """The five steps; ``on_step(step, detail)`` before each (and with the gateway's status word
    while it processes). ``UploadFailed`` names the step that failed; later steps are not tried."""
    upload_id = ""

    def step(name: str, action: Callable[[], object], detail: str = "") -> object:
        on_step(name, detail)
        try:
            return action()
        except errors.GatewayError as error:
            raise UploadFailed(name, error, upload_id) from error

    ticket = step("request", lambda: uploads.request_upload(audio.extension))
    upload_id = ticket.upload_id
    step("send", lambda: uploads.send_file(ticket, audio.name, audio.data, audio.content_type))
    step("finish", lambda: uploads.finish_upload(upload_id, audio.name))
    status = _processed(uploads, upload_id, on_step, sleep, clock, poll_s, timeout_s)
    clip_id = step("clip", lambda: uploads.initialize_clip(upload_id))
    return Uploaded(upload_id, str(clip_id), audio.name, audio.duration, status.title, status.image_url)


def _processed(
    uploads: AudioUploads,
    upload_id: str,
    on_step: Callable[[str, str], None],
    sleep: Callable[[float], None],
    clock: Callable[[], float],
    poll_s: float,
    timeout_s: float,
) -> UploadStatus:
    ends = clock() + timeout_s
    detail = ""
    while True:
        on_step("process", detail)
        try:
            status = uploads.status(upload_id)
        except errors.GatewayError as error:
            raise UploadFailed("process", error, upload_id) from error
        if status.done:
            return status
        if status.failed:
            words = status.error_message or status.status
            raise UploadFailed("process", errors.GatewayError(words, code=status.status), upload_id)
        if clock() + poll_s > ends:
            late = errors.GatewayTimeoutError(
                f"the upload was still {status.status} after {timeout_s:.0f} s", route=upload_id
            )
            raise UploadFailed("process", late, upload_id)
        detail = status.status
        sleep(poll_s)


def continue_from(duration: float | None) -> float | None:
    """Where Extend continues an uploaded clip by default: its end (to one decimal, inside it)."""
    if not duration:
        return None
    return max(0.0, int(duration * 10) / 10)
