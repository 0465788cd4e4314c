"""A media store: copies of published songs' media (audio, covers, video), kept by the app so a
published page outlives the gateway CDN's expiring links. No Streamlit here.

Two kinds, chosen by ``MEDIA_STORE_URL`` (``lib.settings``) and opened with ``open_media_store``:

- ``file:///abs/folder`` (the default, ``<data_dir>/media``): a local or shared folder. Safe for
  several processes (two app replicas on one shared folder): every write is a temporary file
  renamed over the object, so a reader sees the old object or the new one, never half of one.
- ``s3://bucket/optional/prefix?endpoint_url=…&region=…&addressing_style=path|virtual|auto``:
  Amazon S3 or an S3-compatible server (MinIO, Cloudflare R2, moto), through boto3
  (``lib.library.media_store_s3``, imported only when such a store is opened). Credentials come
  the standard boto3 way (``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``, profiles, instance
  roles), never from the URL: one in it is refused, as it would end up in logs and settings pages.

Keys are relative paths such as ``published/<token>/<song-id>.mp3``, checked by ``check_key`` so
that none can leave the folder or the bucket's prefix. Only media is kept (``audio/*``,
``image/*``, ``video/*``), at most ``MAX_OBJECT_BYTES`` an object. Every failure is a
``MediaStoreError`` whose message is safe to show (it never carries a credential).
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qsl, urlsplit
from urllib.request import url2pathname

MAX_OBJECT_BYTES = 200 * 1024 * 1024  # the export pack's whole-pack cap: a long video fits
MAX_KEY_LENGTH = 512  # S3 allows 1024 bytes; half leaves room for a bucket prefix
MAX_SEGMENT_LENGTH = 128  # file systems allow 255 bytes a name; a temporary name adds ~20
# Letters, digits, "_" and "-", with "." inside a name: what tokens, song IDs and extensions use.
# A name may not start with "." (so "..", hidden files and this store's own temporary files are
# out of reach) nor end with one (Windows drops a trailing dot, so two keys would share a file).
_SEGMENT = re.compile(r"[A-Za-z0-9_-](?:[A-Za-z0-9._-]*[A-Za-z0-9_-])?")
# Device names Windows opens instead of a file, whatever the extension (``nul.mp3`` is NUL).
_WINDOWS_DEVICES = {"CON", "PRN", "AUX", "NUL", *(f"{d}{n}" for d in ("COM", "LPT") for n in range(1, 10))}
# type/subtype only: no parameters, nothing that could split a header when the type is served.
_CONTENT_TYPE = re.compile(r"(audio|image|video)/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}")
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")  # S3's bucket naming rules
S3_OPTIONS = ("endpoint_url", "region", "addressing_style")
ADDRESSING_STYLES = ("auto", "path", "virtual")


class MediaStoreError(Exception):
    """Any failure of a media store, with a message safe to show an operator."""


class MediaStore(Protocol):
    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Stores ``data`` under ``key`` (replacing what was there) with its content type."""

    def get(self, key: str) -> tuple[bytes, str] | None:
        """``(bytes, content type)``, or None when nothing is stored under ``key``."""

    def delete_prefix(self, prefix: str) -> int:
        """Removes every object whose key starts with ``prefix``; returns how many were removed."""

    @property
    def description(self) -> str:
        """Where the store is, safe to show an operator (no secrets)."""


@dataclass(frozen=True)
class FolderLocation:
    root: Path


@dataclass(frozen=True)
class S3Location:
    bucket: str
    prefix: str = ""  # "" or a checked key-like path without slashes at either end
    endpoint_url: str | None = None
    region: str | None = None
    addressing_style: str | None = None  # None: path style with an endpoint_url, else boto3's own


def open_media_store(url: str) -> MediaStore:
    """The store ``url`` names. Opening touches nothing remote: an S3 store's first call is the
    first request, and a bucket that is missing or refuses us says so there."""
    location = parse_media_store_url(url)
    if isinstance(location, S3Location):
        from lib.library.media_store_s3 import S3MediaStore  # boto3 loads only for S3 users

        return S3MediaStore(location)
    return FolderMediaStore(location.root)


def parse_media_store_url(url: str) -> FolderLocation | S3Location:
    """Checks a ``MEDIA_STORE_URL`` without opening it (``lib.settings`` calls this at start-up).
    Messages never repeat the URL whole: a mistyped one might carry a secret."""
    try:
        parts = urlsplit((url or "").strip())
    except ValueError:  # such as an unclosed "[" of an IPv6 address
        raise MediaStoreError("not a URL that can be read: use file:///absolute/folder or s3://bucket/prefix") from None
    if parts.scheme == "file":
        return _folder_location(parts)
    if parts.scheme == "s3":
        return _s3_location(parts)
    raise MediaStoreError("not a media store URL: use file:///absolute/folder or s3://bucket/prefix")


def _folder_location(parts) -> FolderLocation:
    if parts.netloc not in ("", "localhost"):
        raise MediaStoreError("a file:// URL names a folder on this machine: file:///absolute/folder")
    if parts.query or parts.fragment:
        raise MediaStoreError("a file:// URL takes no options (nothing after ? or #)")
    root = Path(url2pathname(parts.path))
    if not parts.path or not root.is_absolute():
        raise MediaStoreError("a file:// URL needs an absolute folder: file:///absolute/folder")
    return FolderLocation(root)


def _s3_location(parts) -> S3Location:
    if "@" in parts.netloc:
        raise MediaStoreError(
            "credentials do not belong in the URL: give them the standard way (AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY, a profile or an instance role)"
        )
    bucket = parts.netloc
    if not _BUCKET.fullmatch(bucket) or ".." in bucket:
        raise MediaStoreError("s3:// needs a bucket name (3-63 lowercase letters, digits, '.' and '-')")
    if parts.fragment:
        raise MediaStoreError("an s3:// URL has no #fragment")
    prefix = parts.path.strip("/")
    if prefix:
        try:
            check_key(prefix)
        except MediaStoreError as error:
            raise MediaStoreError(f"the bucket prefix is not usable: {error}") from None
    options: dict[str, str] = {}
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        if name not in S3_OPTIONS:
            raise MediaStoreError(f"unknown s3:// option {name!r} (known: {', '.join(S3_OPTIONS)})")
        if name in options:
            raise MediaStoreError(f"s3:// option {name!r} is given twice")
        options[name] = value.strip()
    endpoint = options.get("endpoint_url") or None
    if endpoint is not None:
        _check_endpoint(endpoint)
    style = options.get("addressing_style") or None
    if style is not None and style not in ADDRESSING_STYLES:
        raise MediaStoreError(f"addressing_style must be one of {', '.join(ADDRESSING_STYLES)}")
    region = options.get("region") or None
    if region is not None and not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,62}", region):
        raise MediaStoreError("region is not a region name (such as us-east-1 or auto)")
    if find_spec("boto3") is None:
        raise MediaStoreError("an s3:// store needs boto3, which is not installed: pip install -r requirements.txt")
    return S3Location(bucket, prefix, endpoint, region, style)


def _check_endpoint(endpoint: str) -> None:
    try:
        parts = urlsplit(endpoint)
    except ValueError:
        raise MediaStoreError("endpoint_url is not a URL that can be read") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise MediaStoreError("endpoint_url must be an http(s) address, such as http://127.0.0.1:9000")
    if "@" in parts.netloc:
        raise MediaStoreError("endpoint_url must not carry credentials: give them the standard boto3 way")
    if parts.query or parts.fragment:
        raise MediaStoreError("endpoint_url must be the server's address only (nothing after ? or #)")
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        raise MediaStoreError("endpoint_url has a port that is not a number") from None


# --- what every store checks -------------------------------------------------------------------------


def check_key(key: str) -> str:
    """``key`` when it is a relative path of safe names joined by "/", else ``MediaStoreError``.
    Only ASCII names of letters, digits, "_", "-" and inner "." pass, so no key holds "..", a
    backslash, a drive letter, a leading "/" or a control character, whatever the platform."""
    if not isinstance(key, str) or not key:
        raise MediaStoreError("a key must be a non-empty relative path such as published/<token>/<song>.mp3")
    if len(key) > MAX_KEY_LENGTH:
        raise MediaStoreError(f"a key is at most {MAX_KEY_LENGTH} characters")
    for segment in key.split("/"):
        if len(segment) > MAX_SEGMENT_LENGTH:
            raise MediaStoreError(f"each name in a key is at most {MAX_SEGMENT_LENGTH} characters")
        if not _SEGMENT.fullmatch(segment):
            raise MediaStoreError(
                f"key {key[:80]!r}: each name between '/' must be letters, digits, '_', '-' and "
                "inner '.' (no '..', no empty name, no leading '/')"
            )
        if segment.split(".")[0].upper() in _WINDOWS_DEVICES:
            raise MediaStoreError(f"key {key[:80]!r}: {segment!r} is a device name on Windows")
    return key


def check_prefix(prefix: str) -> str:
    """A prefix to delete under: a checked key, optionally ending in "/" (whole folders). Never
    empty: emptying a whole store is not something a page should be able to do by accident."""
    if not isinstance(prefix, str) or not prefix.rstrip("/"):
        raise MediaStoreError("a prefix must be a non-empty relative path such as published/<token>/")
    if prefix.endswith("//"):
        raise MediaStoreError("a prefix ends in at most one '/'")
    check_key(prefix.removesuffix("/"))
    return prefix


def check_object(data: bytes, content_type: str) -> str:
    """The content type to store, once ``data`` fits and the type is media's."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise MediaStoreError("the data to store must be bytes")
    if len(data) > MAX_OBJECT_BYTES:
        limit = MAX_OBJECT_BYTES // (1024 * 1024)
        raise MediaStoreError(f"an object is at most {limit} MB; this one is {len(data)} bytes")
    normalized = (content_type or "").strip().lower() if isinstance(content_type, str) else ""
    if not _CONTENT_TYPE.fullmatch(normalized):
        shown = str(content_type)[:80]
        raise MediaStoreError(f"only media is stored (audio/*, image/* or video/*), not {shown!r}")
    return normalized


# --- the local (or shared) folder ---------------------------------------------------------------------

# Each object is one file: a header line naming the store's format, a line with the content type,
# then the bytes. One file (rather than a sidecar) because then one rename replaces bytes and type
# together and one unlink removes both: two replicas writing the same key at once can never leave
# one's bytes under the other's type, and a reader never sees a type without its bytes. The price
# is that a stored file is not playable as it lies in the folder; the app reads it through get().
_MAGIC = b"music-task-studio media 1\n"
_TEMPORARY = ".tmp"  # temporary files are ".<name>.<random>.tmp": a key's name never starts with "."
_ATTEMPTS = 3  # another replica's delete_prefix may remove a folder between our mkdir and write


class FolderMediaStore:
    """Objects as files under ``root`` (created as needed); key ``a/b.mp3`` is ``root/a/b.mp3``."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        if not self.root.is_absolute():
            raise MediaStoreError("the media folder must be an absolute path")

    @property
    def description(self) -> str:
        return f"local folder {self.root}"

    def path_of(self, key: str) -> Path:
        """Where ``key`` lives; the checks in ``check_key`` keep it under ``root``."""
        return self.root.joinpath(*check_key(key).split("/"))

    def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self.path_of(key)
        header = _MAGIC + check_object(data, content_type).encode("ascii") + b"\n"
        failure: OSError | None = None
        for _ in range(_ATTEMPTS):
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                self._write(path, header, data)
                return
            except FileNotFoundError as error:  # the folder went (a concurrent delete_prefix): again
                failure = error
            except OSError as error:
                failure = error
                break
        raise MediaStoreError(f"could not write {key} in {self.description}: {_reason(failure)}") from None

    @staticmethod
    def _write(path: Path, header: bytes, data: bytes) -> None:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=_TEMPORARY)
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(header)
                file.write(data)
                file.flush()
                os.fsync(file.fileno())  # on disk before the rename, so a crash leaves no empty object
            # mkstemp makes the file private; published media is readable by the other replicas'
            # users, as the folder's other files are.
            os.chmod(temporary, 0o644)
            os.replace(temporary, path)
        except BaseException:
            try:
                os.unlink(temporary)
            except OSError:
                pass
            raise

    def get(self, key: str) -> tuple[bytes, str] | None:
        path = self.path_of(key)
        try:
            with open(path, "rb") as file:
                if file.readline(len(_MAGIC) + 1) != _MAGIC:
                    raise MediaStoreError(f"{key} in {self.description} is not a file this store wrote")
                content_type = file.readline(256).rstrip(b"\n").decode("ascii", "replace")
                return file.read(), content_type
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None  # never stored, deleted meanwhile, or a folder of other keys
        except OSError as error:
            raise MediaStoreError(f"could not read {key} in {self.description}: {_reason(error)}") from None

    def delete_prefix(self, prefix: str) -> int:
        prefix = check_prefix(prefix)
        folder = self.root.joinpath(*prefix.split("/")[:-1])  # where every matching key lives
        removed = 0
        try:
            for directory, _, files in os.walk(folder, onerror=_unless_gone):
                for name in files:
                    path = Path(directory, name)
                    key = path.relative_to(self.root).as_posix()
                    if name.startswith(".") or not key.startswith(prefix):
                        continue  # a temporary file of a write in flight, or another key
                    try:
                        path.unlink()
                        removed += 1
                    except FileNotFoundError:
                        pass  # another replica removed it first: its removal, not ours
            self._remove_empty_folders(folder)
        except OSError as error:
            raise MediaStoreError(f"could not delete {prefix} in {self.description}: {_reason(error)}") from None
        return removed

    def _remove_empty_folders(self, folder: Path) -> None:
        """Empty folders under ``folder``, it, and its parents up to the root go: a deleted page
        leaves no trail of folders. One that is not empty stays (another replica writes there)."""
        for directory, _, _ in os.walk(folder, topdown=False):
            if Path(directory) != self.root:
                _remove_if_empty(Path(directory))
        for parent in folder.parents:
            if parent == self.root or self.root not in parent.parents or not _remove_if_empty(parent):
                break


def _remove_if_empty(folder: Path) -> bool:
    try:
        folder.rmdir()
        return True
    except OSError:  # not empty (another replica is writing there), or already gone
        return False


def _unless_gone(error: OSError) -> None:
    """A folder that cannot be listed fails the delete (os.walk would skip it and undercount),
    unless another replica removed it meanwhile."""
    if not isinstance(error, FileNotFoundError):
        raise error


def _reason(error: OSError) -> str:
    return error.strerror or type(error).__name__
