"""The server's copies of downloaded media, shared by every session and bounded by bytes.

A count of entries bounds nothing: a cover is a few hundred kB, a song's WAV tens of MB, so 48
entries could hold anything from 10 MB to over 2 GB. Here the total size is the bound
(``MEDIA_CACHE_MB``), the least recently used file goes first, a file larger than the whole
bound is handed over but not kept, and an entry older than ``ttl_s`` is downloaded again.
Concurrent sessions asking for one URL download it once. Failures are not kept: the next
rerun asks again.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

Loaded = tuple[bytes, str]  # the file's bytes and its content type


@dataclass
class _Entry:
    value: Loaded
    size: int
    stored_at: float


class MediaCache:
    def __init__(self, max_bytes: int, *, ttl_s: float = 3600.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_bytes = max(0, int(max_bytes))
        self.ttl_s = ttl_s
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()  # least recently used first
        self._bytes = 0
        # key -> [lock held while it downloads, sessions waiting for it]
        self._loading: dict[Hashable, list] = {}

    @property
    def size_bytes(self) -> int:
        with self._lock:
            return self._bytes

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            return self._fresh(key) is not None

    def get(self, key: Hashable, load: Callable[[], Loaded]) -> Loaded:
        """The kept copy, or ``load()``'s (kept if it fits); ``load``'s errors propagate."""
        with self._lock:
            found = self._fresh(key)
            if found is not None:
                return found
            flight = self._loading.setdefault(key, [threading.Lock(), 0])
            flight[1] += 1
        try:
            with flight[0]:  # one download per key; the others wait for it and take its copy
                with self._lock:
                    found = self._fresh(key)
                if found is not None:
                    return found
                value = load()
                self._store(key, value)
                return value
        finally:
            with self._lock:
                flight[1] -= 1
                if flight[1] == 0:
                    self._loading.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def _fresh(self, key: Hashable) -> Loaded | None:
        """The entry, marked as just used; None (and dropped) when missing or too old. Lock held."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        if self._clock() - entry.stored_at > self.ttl_s:
            self._drop(key)
            return None
        self._entries.move_to_end(key)
        return entry.value

    def _store(self, key: Hashable, value: Loaded) -> None:
        size = len(value[0])
        with self._lock:
            if key in self._entries:
                self._drop(key)
            if size > self.max_bytes:
                return
            self._entries[key] = _Entry(value, size, self._clock())
            self._bytes += size
            while self._bytes > self.max_bytes:
                self._drop(next(iter(self._entries)))

    def _drop(self, key: Hashable) -> None:
        self._bytes -= self._entries.pop(key).size
