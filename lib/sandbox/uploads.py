"""The sandbox's local audio upload (reference §2.6): the gateway's four routes and a loopback
stand-in for the presigned storage (S3) the file really goes to.

- ``POST /suno/uploads/audio`` ``{"extension": "mp3"}`` → a ticket: the upload id, the storage URL
  (this sandbox's ``/s3/suno-uploads/``) and the form fields an S3 presigned POST carries (key,
  policy, a signature over the policy); with ``SandboxConfig.storage = "put"`` a presigned PUT URL
  and no fields instead;
- the file, as ``multipart/form-data`` (the fields, then ``file``) or as a PUT of its bytes: the
  signature and key are checked, the size is capped, and 204 answers as S3 does (XML errors too);
  it is in the request log (field names, the file's size, whether a key came along: never) and
  faults apply to it like to any route (``{"route": "/s3/"}``);
- ``POST …/{id}/upload-finish`` starts the processing; ``GET …/{id}`` says ``pending`` until the
  file arrived and was reported, ``processing`` for ``conversion_seconds``, then ``complete`` (or
  ``error`` for a file PyAV cannot decode);
- ``POST …/{id}/initialize-clip`` makes the clip: its audio is the uploaded audio, decoded by PyAV
  to the WAV its ``audio_url`` serves (synthesized when PyAV is missing), so extending or covering
  it makes songs like any clip.

Uploads in progress live in memory (the newest ``KEEP``); their clips are kept with the engine's,
and a clip's audio in a folder beside the engine's state file when it has one (the newest ``KEEP``),
so an uploaded clip still plays its own audio after a restart.
"""

from __future__ import annotations

import base64
import email
import email.policy
import hashlib
import hmac
import io
import json
import logging
import re
import secrets
import threading
import uuid
import wave
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lib.sandbox import faults as fault_lib
from lib.sandbox.media import song_duration_for
from lib.sandbox.task_records import Clip, stable_seed

log = logging.getLogger(__name__)
STORAGE_PREFIX = "/s3/suno-uploads/"
MAX_FILE_BYTES = 25 * 1024 * 1024  # the policy's content-length-range, above the app's own cap
KEEP = 24
SAMPLE_RATE = 22050
_ROUTE = re.compile(r"/suno/uploads/audio(?:/([^/]+))?(/upload-finish|/initialize-clip)?/?")
_EXTENSIONS = {"mp3": "audio/mpeg", "wav": "audio/wav", "m4a": "audio/mp4", "ogg": "audio/ogg", "flac": "audio/flac"}


@dataclass
class Upload:
    upload_id: str
    extension: str
    key: str
    data: bytes | None = None  # the file as storage received it
    filename: str = ""
    finished_at: float | None = None
    wav: bytes | None = None  # the decoded audio, once processed
    duration: float = 0.0
    error: str = ""
    clip_id: str = ""


class UploadDesk:
    """The uploads one sandbox knows, and the secret its storage signs policies with. ``folder``:
    where uploaded clips' audio is kept across restarts (None: in memory only)."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder
        self._uploads: OrderedDict[str, Upload] = OrderedDict()
        self._audio: OrderedDict[str, bytes] = OrderedDict()  # clip id -> WAV
        self._lock = threading.Lock()
        self._secret = secrets.token_bytes(16)

    def get(self, upload_id: str) -> Upload | None:
        with self._lock:
            return self._uploads.get(upload_id)

    def by_key(self, key: str) -> Upload | None:
        with self._lock:
            return next((u for u in self._uploads.values() if u.key == key), None)

    def new(self, extension: str) -> Upload:
        upload_id = str(uuid.uuid4())
        upload = Upload(upload_id, extension, f"raw_uploads/{upload_id}.{extension}")
        with self._lock:
            self._uploads[upload_id] = upload
            while len(self._uploads) > KEEP:
                self._uploads.popitem(last=False)
        return upload

    def sign(self, text: str) -> str:
        return hmac.new(self._secret, text.encode(), hashlib.sha256).hexdigest()

    def audio(self, clip_id: str) -> bytes | None:
        """The WAV an uploaded clip's audio_url serves, or None (another clip, or forgotten)."""
        with self._lock:
            if clip_id in self._audio:
                return self._audio[clip_id]
        path = self._path(clip_id)
        try:
            return path.read_bytes() if path is not None else None
        except OSError:  # not kept (another clip), or dropped as one of the oldest
            return None

    def keep_audio(self, clip_id: str, wav: bytes) -> None:
        with self._lock:
            self._audio[clip_id] = wav
            while len(self._audio) > KEEP:
                self._audio.popitem(last=False)
        path = self._path(clip_id)
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(wav)
            kept = sorted(path.parent.glob("*.wav"), key=lambda p: p.stat().st_mtime)
            for old in kept[:-KEEP]:
                old.unlink(missing_ok=True)
        except OSError as exc:  # the clip still plays from memory until the sandbox stops
            log.warning("could not keep an uploaded clip's audio in %s: %s", path.parent, exc)

    def _path(self, clip_id: str) -> Path | None:
        if self.folder is None or not re.fullmatch(r"[0-9a-f-]{36}", clip_id):
            return None
        return self.folder / f"{clip_id}.wav"


def answer(engine: Any, method: str, path: str, body: Any, base: str) -> tuple[int, Any] | None:
    """The gateway's answer on an upload route, or None for a path that is none of them."""
    match = _ROUTE.fullmatch(path)
    if match is None:
        return None
    upload_id, action = match.group(1), match.group(2)
    desk: UploadDesk = engine.uploads
    if upload_id is None:
        return _ticket(engine, body, base) if method == "POST" else None
    upload = desk.get(upload_id)
    if upload is None:
        return 404, {"detail": "Upload not found"}
    if action == "/upload-finish" and method == "POST":
        if upload.data is None:
            return 400, fault_lib.task_error("invalid_request", "the file has not reached storage")
        if upload.finished_at is None:
            upload.filename = str((body or {}).get("upload_filename") or "") if isinstance(body, dict) else ""
            upload.finished_at = engine.clock()
            _process(upload)
        return 200, {}
    if action is None and method == "GET":
        return 200, _status_view(engine, upload)
    if action == "/initialize-clip" and method == "POST":
        if _status(engine, upload) != "complete":
            return 400, fault_lib.task_error("invalid_request", "the upload is not processed yet")
        return 200, {"clip_id": _clip(engine, upload).id}
    return None


def _ticket(engine: Any, body: Any, base: str) -> tuple[int, Any]:
    extension = str((body or {}).get("extension") or "").lower().lstrip(".") if isinstance(body, dict) else ""
    if extension not in _EXTENSIONS:
        return 400, fault_lib.task_error("invalid_request", f"unsupported extension: {extension or 'none'}")
    desk: UploadDesk = engine.uploads
    upload = desk.new(extension)
    if getattr(engine.config, "storage", "post") == "put":
        url = f"{base}{STORAGE_PREFIX}{upload.key}?X-Amz-Signature={desk.sign(upload.key)}"
        return 200, {"id": upload.upload_id, "url": url, "fields": {}, "is_file_uploaded": False}
    policy = base64.b64encode(
        json.dumps({"conditions": [{"key": upload.key}, ["content-length-range", 1, MAX_FILE_BYTES]]}).encode()
    ).decode()
    fields = {
        "Content-Type": _EXTENSIONS[extension],
        "key": upload.key,
        "AWSAccessKeyId": "SANDBOXACCESSKEY",
        "policy": policy,
        "signature": desk.sign(policy),
    }
    ticket = {"id": upload.upload_id, "url": f"{base}{STORAGE_PREFIX}", "fields": fields, "is_file_uploaded": False}
    return 200, ticket


def _status(engine: Any, upload: Upload) -> str:
    if upload.finished_at is None:
        return "pending"
    if engine.clock() - upload.finished_at < engine.config.conversion_seconds:
        return "processing"
    return "error" if upload.error else "complete"


def _status_view(engine: Any, upload: Upload) -> dict[str, Any]:
    status = _status(engine, upload)
    title = upload.filename.rsplit(".", 1)[0] or "upload"
    return {
        "id": upload.upload_id,
        "status": status,
        "error_message": upload.error if status == "error" else None,
        "s3_id": f"m_{upload.upload_id}",
        "title": title if status == "complete" else "",
        "image_url": None,
    }


def _process(upload: Upload) -> None:
    """Decodes the file (what Suno's processing does); a file that is not audio fails here."""
    wav, duration, error = decode(upload.data or b"")
    upload.wav, upload.duration, upload.error = wav, duration, error
    upload.data = None  # the decoded audio is what is kept


def _clip(engine: Any, upload: Upload) -> Clip:
    """The upload's clip, made once (asking again answers the same clip)."""
    existing = engine.clip(upload.clip_id) if upload.clip_id else None
    if existing is not None:
        return existing
    seed = stable_seed("upload", upload.upload_id)
    clip = Clip(
        id=str(uuid.uuid4()),
        seed=seed,
        title=upload.filename.rsplit(".", 1)[0] or "upload",
        tags=[],
        lyrics="",
        description="",
        duration=round(upload.duration, 2) if upload.wav else song_duration_for(seed),
        model="",
        kind="upload",
        created_at=engine.clock(),
    )
    if upload.wav:
        engine.uploads.keep_audio(clip.id, upload.wav)
    upload.clip_id = clip.id
    return engine.add_clip(clip)


def decode(data: bytes) -> tuple[bytes | None, float, str]:
    """(mono 16-bit WAV, seconds, "") of the file, or (None, 0, why) when it is not audio PyAV can
    read; (None, 0, "") without PyAV, whose clip then gets synthesized audio."""
    try:
        import av
    except ImportError:
        return None, 0.0, ""
    pcm = bytearray()
    try:
        with av.open(io.BytesIO(data), mode="r") as container:
            stream = next((s for s in container.streams if s.type == "audio"), None)
            if stream is None:
                return None, 0.0, "Unable to process the audio file: it holds no audio"
            resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    pcm += out.to_ndarray().tobytes()
                if len(pcm) > SAMPLE_RATE * 2 * 60 * 10:  # ten minutes is past any limit
                    break
            for out in resampler.resample(None):
                pcm += out.to_ndarray().tobytes()
    except Exception as exc:  # PyAV raises many types for bytes that are not media
        return None, 0.0, f"Unable to process the audio file ({type(exc).__name__})"
    if not pcm:
        return None, 0.0, "Unable to process the audio file: no audio frames"
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(bytes(pcm))
    return buffer.getvalue(), len(pcm) / 2 / SAMPLE_RATE, ""


# --- the storage stand-in ----------------------------------------------------------------------


def storage(handler: Any, method: str, path: str) -> None:
    """S3's side of a presigned POST (or PUT): reads the file, checks the signature, answers 204.
    Recorded in the request log like an API call (the file's size, not its bytes), with whether
    an ``Authorization`` header came along: it never should."""
    length = int(handler.headers.get("Content-Length") or 0)
    if length > MAX_FILE_BYTES + 64 * 1024:
        handler.close_connection = True
        return _s3_error(handler, 400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size")
    raw = handler.rfile.read(length) if length else b""
    fields, file = _form(handler.headers.get("Content-Type", ""), raw) if method == "POST" else ({}, raw)
    note = {
        "fields": sorted(fields),
        "file_bytes": len(file or b""),
        "authorization": "Authorization" in handler.headers,
    }
    handler.server.record(method, path, note)
    if handler._inject_fault(method, path):
        return None
    desk: UploadDesk = handler.engine.uploads
    if method == "PUT":
        key = path[len(STORAGE_PREFIX) :]
        signature = (re.search(r"X-Amz-Signature=([0-9a-f]+)", handler.path) or [None, ""])[1]
        ok = hmac.compare_digest(signature, desk.sign(key))
    elif method == "POST":
        key = fields.get("key", "")
        ok = hmac.compare_digest(fields.get("signature", ""), desk.sign(fields.get("policy", "")))
    else:
        return _s3_error(handler, 405, "MethodNotAllowed", "The specified method is not allowed")
    upload = desk.by_key(key)
    if not ok or upload is None:
        return _s3_error(handler, 403, "AccessDenied", "Invalid according to Policy: Policy Condition failed")
    if not file:
        return _s3_error(handler, 400, "InvalidArgument", "POST requires exactly one file upload per request")
    if len(file) > MAX_FILE_BYTES:
        return _s3_error(handler, 400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size")
    upload.data = file
    handler._raw(204, b"", "text/plain")


def _form(content_type: str, raw: bytes) -> tuple[dict[str, str], bytes | None]:
    """A multipart/form-data body's text fields and its ``file`` part."""
    message = email.message_from_bytes(
        f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode() + raw, policy=email.policy.HTTP
    )
    fields: dict[str, str] = {}
    file = None
    if not message.is_multipart():
        return fields, None
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        if name == "file":
            file = payload
        elif name:
            fields[str(name)] = payload.decode("utf-8", errors="replace")
    return fields, file


def _s3_error(handler: Any, status: int, code: str, message: str) -> None:
    xml = f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>{message}</Message></Error>'
    handler._raw(status, xml.encode(), "application/xml")
