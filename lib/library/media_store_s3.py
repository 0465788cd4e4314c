"""The S3 media store: Amazon S3 or an S3-compatible server (MinIO, Cloudflare R2, moto), through
boto3. Opened by ``lib.library.media_store.open_media_store`` for an ``s3://`` URL, and imported
only then, so a local-folder user never loads boto3.

boto3 rather than hand-signed requests: it is AWS's own, well-kept client, and it brings the
standard credential chain (environment, profiles, SSO, instance and container roles), SigV4
signing, pagination and retries with back-off that a hand-written client would have to redo.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from lib.library.media_store import MAX_OBJECT_BYTES, MediaStoreError, S3Location, check_key, check_object, check_prefix

# A page waits on these: a server that stops answering costs at most about
# MAX_ATTEMPTS x (CONNECT_TIMEOUT_S or READ_TIMEOUT_S) plus a second of back-off, never forever.
CONNECT_TIMEOUT_S = 5.0
READ_TIMEOUT_S = 30.0  # per socket read: a 200 MB upload may take long, but never a silent minute
MAX_ATTEMPTS = 2  # the first try and one retry (boto3's standard mode: throttling, 5xx, resets)
PAGE_SIZE = 1000  # S3's most for one listing page and for one DeleteObjects call
_MISSING = {"NoSuchKey", "NotFound", "404"}  # S3 says NoSuchKey; some compatible servers a bare 404


class S3MediaStore:
    """Objects as ``<prefix>/<key>`` in one bucket. Thread-safe: boto3 clients are."""

    def __init__(
        self,
        location: S3Location,
        *,
        connect_timeout: float = CONNECT_TIMEOUT_S,
        read_timeout: float = READ_TIMEOUT_S,
        max_attempts: int = MAX_ATTEMPTS,
        page_size: int = PAGE_SIZE,
    ) -> None:
        if not 1 <= page_size <= PAGE_SIZE:
            raise ValueError(f"page_size must be between 1 and {PAGE_SIZE}")
        self.location = location
        self.page_size = page_size
        style = location.addressing_style or ("path" if location.endpoint_url else None)
        config = Config(
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            retries={"total_max_attempts": max_attempts, "mode": "standard"},
            s3={"addressing_style": style} if style else None,
            # Checksums only where the API demands them: S3-compatible servers (older MinIO, R2)
            # refuse the CRC32 trailers boto3 adds to every upload by default since 1.36.
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
        )
        try:
            # A session of its own: boto3's default session is shared module state, not thread-safe.
            self._client = boto3.session.Session().client(
                "s3", endpoint_url=location.endpoint_url, region_name=location.region, config=config
            )
        except BotoCoreError as error:  # e.g. a broken AWS config file or profile
            raise MediaStoreError(f"{self.description}: cannot start the S3 client: {error}") from None

    @property
    def description(self) -> str:
        where = self.location
        text = f"S3 bucket {where.bucket}"
        if where.prefix:
            text += f", prefix {where.prefix}/"
        if where.endpoint_url:
            text += f", at {where.endpoint_url}"
        if where.region:
            text += f", region {where.region}"
        return text

    def _name(self, key: str) -> str:
        return f"{self.location.prefix}/{key}" if self.location.prefix else key

    def put(self, key: str, data: bytes, content_type: str) -> None:
        name = self._name(check_key(key))
        content_type = check_object(data, content_type)
        with self._translated("store", key):
            self._client.put_object(Bucket=self.location.bucket, Key=name, Body=bytes(data), ContentType=content_type)

    def get(self, key: str) -> tuple[bytes, str] | None:
        name = self._name(check_key(key))
        try:
            with self._translated("read", key, missing_is_none=True):
                answer = self._client.get_object(Bucket=self.location.bucket, Key=name)
                body = answer["Body"]
                if (answer.get("ContentLength") or 0) > MAX_OBJECT_BYTES:
                    body.close()  # not read into memory: not one this store put there
                    raise MediaStoreError(f"{self.description}: {key} is larger than a stored object may be")
                data = body.read()
        except _Missing:
            return None
        return data, answer.get("ContentType") or "application/octet-stream"

    def delete_prefix(self, prefix: str) -> int:
        """Lists a page of keys and deletes it in one request, page after page. Another replica
        deleting the same keys at once may count them too: S3 reports a missing key as deleted."""
        full_prefix = self._name(check_prefix(prefix))
        removed = 0
        with self._translated("delete", prefix):
            pages = self._client.get_paginator("list_objects_v2").paginate(
                Bucket=self.location.bucket, Prefix=full_prefix, PaginationConfig={"PageSize": self.page_size}
            )
            for page in pages:
                keys = [{"Key": item["Key"]} for item in page.get("Contents") or ()]
                if not keys:
                    continue
                answer = self._client.delete_objects(
                    Bucket=self.location.bucket, Delete={"Objects": keys, "Quiet": True}
                )
                failed = answer.get("Errors") or []
                removed += len(keys) - len(failed)
                if failed:
                    first = failed[0]
                    raise MediaStoreError(
                        f"{self.description}: could not delete {len(failed)} object(s) under {prefix}, "
                        f"the first {first.get('Key')}: {first.get('Code')}: {first.get('Message')}"
                    )
        return removed

    @contextmanager
    def _translated(self, action: str, key: str, missing_is_none: bool = False) -> Iterator[None]:
        """botocore's errors as ``MediaStoreError`` in the service's own words (its error code and
        message, never the request's signature or credentials); a missing key as ``_Missing``."""
        try:
            yield
        except ClientError as error:
            details = error.response.get("Error") or {}
            code = str(details.get("Code") or "")
            if missing_is_none and code in _MISSING:
                raise _Missing from None
            message = str(details.get("Message") or "").strip()
            words = ": ".join(part for part in (code, message) if part) or str(error)
            raise MediaStoreError(f"{self.description}: could not {action} {key}: {words}") from None
        except BotoCoreError as error:  # no connection, a timeout, no credentials found
            raise MediaStoreError(f"{self.description}: could not {action} {key}: {error}") from None


class _Missing(Exception):
    """Nothing is stored under the key: ``get`` answers None."""
