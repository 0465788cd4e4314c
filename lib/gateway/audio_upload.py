"""The gateway calls of a local audio upload (reference §2.6): ask for an upload, send the file to
the storage address the gateway names, report it sent, read its processing status, and turn it
into a clip that Extend (``upload_extend``) and Cover take.

An extension of ``GatewayClient`` kept beside it (client.py is at the layout's 400-line limit): the
four gateway calls go through the client's own transport, so deadlines, key scrubbing and error
mapping are the same as every other call. The POSTs are sent once (``retry=False``): a failed step
is repeated by the person who sees it, never behind their back.

The file itself is the one request that does not go to the gateway: it goes to the presigned
storage URL (S3 on real gateways, a loopback stand-in in the sandbox) and never carries the API key.
That URL comes from the gateway's answer, so it is checked like a redirect target: http(s) only; for
a gateway typed in the browser (``public_only``) a public address only, checked after DNS and
pinned at connect; for any other gateway the gateway's own server or a public address, never a
loopback or private address on another server.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests

from lib.gateway import errors
from lib.gateway import routes as r
from lib.gateway.addresses import check_public_url, is_http_url, is_public_url, origin
from lib.gateway.error_mapping import error_from_exception
from lib.gateway.guarded_http import Deadline, DeadlineExceeded, GuardedAdapter, read_body
from lib.gateway.ids import validate_id
from lib.gateway.tool_answers import unwrap_data

__all__ = ["AudioUploads", "UploadStatus", "UploadTicket"]

# Suno's processing words (one doc says "completed"; accept both spellings, and failures alike).
DONE_WORDS = frozenset({"complete", "completed", "success", "succeeded"})
FAILED_WORDS = frozenset({"error", "failed", "failure"})
STORAGE_ANSWER_CAP = 64 * 1024  # storage answers a few bytes (204) or a short XML error
_XML_FIELD = r"<{0}>([^<]{{0,500}})</{0}>"


@dataclass(frozen=True)
class UploadTicket:
    """Step 1's answer: the upload's id and where (and with which form fields) the file goes."""

    upload_id: str
    url: str
    fields: dict[str, str] = field(default_factory=dict)  # empty: a presigned PUT, not a form POST


@dataclass(frozen=True)
class UploadStatus:
    upload_id: str
    status: str  # the gateway's word, lower-cased: pending, processing, complete, error …
    error_message: str = ""
    title: str = ""
    image_url: str = ""

    @property
    def done(self) -> bool:
        return self.status in DONE_WORDS

    @property
    def failed(self) -> bool:
        return self.status in FAILED_WORDS


class AudioUploads:
    """``AudioUploads(client)``: the upload calls of one ``GatewayClient`` (the new-api family)."""

    def __init__(self, client: Any, *, storage_timeout: float | None = None) -> None:
        if not getattr(client, "_native", True):
            raise errors.UnsupportedRouteError(f"{client.provider.name} does not offer local audio uploads")
        self._client = client
        self._storage_timeout = storage_timeout

    def request_upload(self, extension: str) -> UploadTicket:
        """Step 1: ``POST /suno/uploads/audio`` with the file's extension (mp3, wav, m4a …)."""
        body = {"extension": extension.lower().lstrip(".")}
        return self._client._call(r.SUNO_UPLOAD_REQUEST, json=body, retry=False, parse=_ticket)

    def send_file(self, ticket: UploadTicket, filename: str, data: bytes, content_type: str) -> None:
        """Step 2: the file to the storage URL, as a form POST of the ticket's fields then the file
        (S3's presigned POST), or as a PUT of the bytes when the ticket has no fields."""
        url = ticket.url
        self._check_storage_url(url)
        host = urlsplit(url).netloc
        seconds = self._storage_timeout or min(600.0, 60.0 + len(data) / 100_000)  # ≥ 100 kB/s
        deadline = Deadline(seconds)
        with requests.Session() as session:
            adapter = GuardedAdapter(public_only=self._client.public_only)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            try:
                with deadline.active():
                    if ticket.fields:
                        files = {"file": (filename, data, content_type)}
                        response = session.post(
                            url,
                            data=ticket.fields,
                            files=files,
                            timeout=(10.0, seconds),
                            allow_redirects=False,
                            stream=True,
                        )
                    else:
                        headers = {"Content-Type": content_type}
                        response = session.put(
                            url, data=data, headers=headers, timeout=(10.0, seconds), allow_redirects=False, stream=True
                        )
                    try:
                        text = read_body(response, deadline, STORAGE_ANSWER_CAP, lambda: _storage_error(response, ""))
                    finally:
                        response.close()
            except (requests.RequestException, DeadlineExceeded) as exc:
                raise error_from_exception(
                    exc,
                    host=host,
                    route=urlsplit(url).path,
                    paid=False,
                    connect_timeout=10.0,
                    deadline_s=seconds,
                    deadline_passed=deadline.expired,
                ) from None
        if not 200 <= response.status_code < 300:
            raise _storage_error(response, text.decode("utf-8", errors="replace"))

    def finish_upload(self, upload_id: str, filename: str) -> None:
        """Step 3: tell the gateway the file is in storage."""
        route = r.SUNO_UPLOAD_FINISH
        body = {"upload_type": "file_upload", "upload_filename": filename}
        self._client._call(route, route.format(upload_id=_id(upload_id)), json=body, retry=False)

    def status(self, upload_id: str) -> UploadStatus:
        """Step 4 (free, repeated until done): where the gateway's processing of the file is."""
        route = r.SUNO_UPLOAD_STATUS
        path = route.format(upload_id=_id(upload_id))
        return self._client._call(route, path, parse=lambda body: _status(body, upload_id))

    def initialize_clip(self, upload_id: str) -> str:
        """Step 5: the processed upload becomes a clip; returns its id."""
        route = r.SUNO_UPLOAD_CLIP
        path = route.format(upload_id=_id(upload_id))
        return self._client._call(route, path, json={}, retry=False, parse=_clip_id)

    def _check_storage_url(self, url: str) -> None:
        if not is_http_url(url):
            raise errors.ProtocolError("the gateway named a storage address that is not http(s): nothing was sent")
        if self._client.public_only:
            check_public_url(url)  # the adapter pins the checked address at connect
            return
        if origin(url) == origin(self._client.base_url) or is_public_url(url):
            return
        raise errors.AddressRefusedError(
            f"the gateway named {urlsplit(url).hostname} as the storage address, a loopback, private or "
            "reserved address on another server: the file was not sent"
        )


def _id(upload_id: str) -> str:
    return validate_id(upload_id, "upload ID")


def _ticket(body: Any) -> UploadTicket:
    body = unwrap_data(body)
    if not isinstance(body, Mapping):
        raise errors.ProtocolError("the gateway's upload answer is not an object")
    upload_id, url = str(body.get("id") or ""), str(body.get("url") or "")
    fields = body.get("fields") if isinstance(body.get("fields"), Mapping) else {}
    if not upload_id or not url:
        raise errors.ProtocolError("the gateway's upload answer names no upload id or storage address")
    return UploadTicket(_id(upload_id), url, {str(k): str(v) for k, v in fields.items()})


def _status(body: Any, upload_id: str) -> UploadStatus:
    body = unwrap_data(body)
    if not isinstance(body, Mapping) or not body.get("status"):
        raise errors.ProtocolError("the gateway's upload status answer holds no status")
    return UploadStatus(
        upload_id=str(body.get("id") or upload_id),
        status=str(body["status"]).strip().lower(),
        error_message=str(body.get("error_message") or ""),
        title=str(body.get("title") or ""),
        image_url=str(body.get("image_url") or ""),
    )


def _clip_id(body: Any) -> str:
    body = unwrap_data(body)
    clip_id = body.get("clip_id") or body.get("id") if isinstance(body, Mapping) else body
    if not isinstance(clip_id, str) or not clip_id:
        raise errors.ProtocolError("the gateway's answer names no clip id")
    return validate_id(clip_id, "clip ID")


def _storage_error(response: requests.Response, text: str) -> errors.GatewayError:
    """Storage's refusal in its own words: S3 answers XML (``<Code>``, ``<Message>``), read here
    with two patterns rather than an XML parser on untrusted bytes."""
    code = re.search(_XML_FIELD.format("Code"), text)
    message = re.search(_XML_FIELD.format("Message"), text)
    words = (message.group(1) if message else _json_message(text) or text[:300]).strip()
    status = response.status_code
    cls = errors.ServerError if status >= 500 else errors.BadRequestError
    if not text:
        words = f"storage answered HTTP {status}" if status >= 300 else "storage's answer is too large"
    return cls(words, status=status, code=code.group(1) if code else None, route=urlsplit(response.url or "").path)


def _json_message(text: str) -> str:
    """A storage stand-in (or a proxy in front of it) that answers JSON: its ``message``."""
    try:
        body = json.loads(text)
    except ValueError:
        return ""
    found = body.get("message") or body.get("error") if isinstance(body, Mapping) else None
    if isinstance(found, Mapping):
        found = found.get("message")
    return str(found) if found else ""
