"""The HTTP plumbing under ``lib.gateway.transport``: an overall deadline per exchange, and
connections that reach only the address that was checked.

Why a deadline needs more than timeouts: ``requests``' (connect, read) timeouts bound each wait
for bytes, so a gateway that drips one byte every few seconds — in its headers or its body —
never trips them. Here every exchange runs under a ``Deadline``: the body is read with
``read1`` (whatever has arrived, checked against the deadline each time), and a watchdog shuts
the connection's socket down when the deadline passes, which wakes a read blocked anywhere
(TLS handshake, headers, body). The exchange then fails with ``Deadline.expired`` true.

Why connections are pinned: checking a host's addresses and then letting urllib3 resolve the
name again to connect leaves a window for DNS rebinding. ``GuardedAdapter(public_only=True)``
resolves once, checks every address (``lib.gateway.addresses.public_addresses``) and connects to
the checked one; TLS still verifies the certificate against the host name. Connections made
through an HTTP proxy (``HTTPS_PROXY`` and friends) bypass both: the proxy resolves the name, so
only the transport's own check before each request applies, and only the body's deadline checks.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.util import connection as urllib3_connection

from lib.gateway.addresses import public_addresses

# How long after the deadline the watchdog cuts the socket: a silent gateway's read timeout (set
# to end by the deadline) fires first, even on a busy machine, and stays a plain, retryable "no
# answer in time". A dripping body is cut at the deadline itself (checked after every read).
WATCHDOG_GRACE_S = 1.0
_local = threading.local()


class Deadline:
    """One exchange's deadline (``time.monotonic``) and the sockets its watchdog may shut down."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds
        self.fired = False
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._owned: list[socket.socket] = []
        self._done = False
        self._timer = threading.Timer(max(0.0, seconds) + WATCHDOG_GRACE_S, self._fire)
        self._timer.daemon = True

    def remaining(self) -> float:
        return self.end - time.monotonic()

    @property
    def expired(self) -> bool:
        return self.fired or time.monotonic() >= self.end

    def watch(self, sock: socket.socket, *, owned: bool = False) -> None:
        with self._lock:
            if self._done:
                if owned:
                    sock.close()
                return
            (self._owned if owned else self._sockets).append(sock)
            fire_now = self.fired
        if fire_now:
            _shutdown(sock)

    @contextmanager
    def active(self) -> Iterator[Deadline]:
        """This thread's exchanges (``requests`` runs in the caller's thread) answer to it."""
        previous = getattr(_local, "deadline", None)
        _local.deadline = self
        self._timer.start()
        try:
            yield self
        finally:
            _local.deadline = previous
            with self._lock:
                self._done = True
                self._timer.cancel()
                owned, self._owned, self._sockets = self._owned, [], []
            for sock in owned:
                sock.close()

    def _fire(self) -> None:
        with self._lock:  # held while shutting down: a finished exchange's sockets are left alone
            if self._done:
                return
            self.fired = True
            for sock in [*self._sockets, *self._owned]:
                _shutdown(sock)


def _shutdown(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:  # already closed: nothing left to wake
        pass


def _current() -> Deadline | None:
    return getattr(_local, "deadline", None)


class _Guarded:
    """Mixed into urllib3's connections: pinned to checked addresses, watched by the deadline."""

    public_only = False

    def _new_conn(self) -> socket.socket:
        sock = self._connect_checked() if self.public_only else super()._new_conn()  # type: ignore[misc]
        deadline = _current()
        if deadline is not None:
            # A duplicate: TLS takes the original over (and detaches it) during the handshake,
            # and the duplicate still shuts the same connection down.
            deadline.watch(sock.dup(), owned=True)
        return sock

    def _connect_checked(self) -> socket.socket:
        host, port = self._dns_host, self.port  # type: ignore[attr-defined]
        try:
            infos = public_addresses(host, port)  # raises AddressRefusedError: not a network error
        except socket.gaierror as error:
            raise NameResolutionError(self.host, self, error) from error  # type: ignore[attr-defined]
        last: OSError | None = None
        for *_, address in infos:
            try:
                return urllib3_connection.create_connection(
                    (address[0], port),
                    self.timeout,  # type: ignore[attr-defined]
                    source_address=self.source_address,  # type: ignore[attr-defined]
                    socket_options=self.socket_options,  # type: ignore[attr-defined]
                )
            except TimeoutError as error:
                raise ConnectTimeoutError(self, f"Connection to {self.host} timed out") from error  # type: ignore[attr-defined]
            except OSError as error:
                last = error
        raise NewConnectionError(self, f"Failed to establish a new connection: {last}")  # type: ignore[arg-type]

    def request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        deadline = _current()
        if deadline is not None and self.sock is not None:  # type: ignore[attr-defined]
            deadline.watch(self.sock)  # a pooled connection, reused: no new socket to see
        return super().request(*args, **kwargs)  # type: ignore[misc]


class _HTTP(_Guarded, HTTPConnection):
    pass


class _HTTPS(_Guarded, HTTPSConnection):
    pass


class _PublicHTTP(_HTTP):
    public_only = True


class _PublicHTTPS(_HTTPS):
    public_only = True


def _pool(base: type, connection: type) -> type:
    return type(f"Guarded{base.__name__}", (base,), {"ConnectionCls": connection})


_POOLS = {
    False: {"http": _pool(HTTPConnectionPool, _HTTP), "https": _pool(HTTPSConnectionPool, _HTTPS)},
    True: {"http": _pool(HTTPConnectionPool, _PublicHTTP), "https": _pool(HTTPSConnectionPool, _PublicHTTPS)},
}


class GuardedAdapter(HTTPAdapter):
    """``HTTPAdapter`` whose direct connections are watched by the current ``Deadline`` and, with
    ``public_only``, made only to checked public addresses."""

    def __init__(self, *, public_only: bool = False, **kwargs) -> None:  # type: ignore[no-untyped-def]
        self.public_only = public_only
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS[self.public_only]


class DeadlineExceeded(Exception):
    """The exchange's deadline passed while its answer was still arriving."""


def read_body(
    response: requests.Response, deadline: Deadline, max_bytes: int, too_large: Callable[[], Exception]
) -> bytes:
    """The whole (decoded) body, read as it arrives and checked against the deadline and the cap
    after every read; ``too_large()`` builds the error for a body over ``max_bytes``. Raises
    ``DeadlineExceeded``, or ``requests`` exceptions for network failures (urllib3's raw reads
    are not wrapped by ``requests``)."""
    raw = response.raw
    read1 = getattr(raw, "read1", None)  # urllib3 2; 1.x waits for whole chunks instead
    pieces = iter(response.iter_content(64 * 1024)) if read1 is None else None
    chunks, size = [], 0
    try:
        while True:
            chunk = read1(64 * 1024, decode_content=True) if pieces is None else next(pieces, b"")
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:
                raise too_large()
            chunks.append(chunk)
            if deadline.expired:
                raise DeadlineExceeded()
    except urllib3.exceptions.ReadTimeoutError as error:
        raise requests.ReadTimeout(error) from None
    except (urllib3.exceptions.HTTPError, OSError) as error:
        raise requests.exceptions.ChunkedEncodingError(error) from None
    if deadline.fired:  # the watchdog cut the connection: what arrived is not the whole answer
        raise DeadlineExceeded()
    return b"".join(chunks)
