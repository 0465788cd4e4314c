"""Reading the bodies of the providers beside the new-api family (docs/providers.md).

``read`` tries each provider's shapes, most particular first, and answers a ``Reading`` for the
first that fits, or None for a body of the new-api family (or of nobody), which
``lib.gateway.parser`` reads itself. ``read_callback`` comes before any error-envelope check: a
sunoapi.org error callback carries a failing ``code`` yet describes a task. ``read_list`` reads the
batch answers that are not the new-api family's.
"""

from __future__ import annotations

from typing import Any

from lib.gateway.dialects import acedata, piapi, results, suno_api, sunoapi
from lib.gateway.dialects.reading import Reading

__all__ = ["Reading", "read", "read_callback", "read_list"]

_READERS = (sunoapi.read, acedata.read, piapi.read, suno_api.read, results.read)


def read_callback(body: Any) -> Reading | None:
    return sunoapi.read_callback(body)


def read(body: Any) -> Reading | None:
    for reader in _READERS:
        reading = reader(body)
        if reading is not None:
            return reading
    return None


def read_list(body: Any) -> list[Reading] | None:
    return acedata.read_list(body)
