"""Which addresses the server may reach on someone else's word: the checks behind media downloads
and behind a "Custom gateway…" typed in the browser (server-side request forgery).

An address is *public* when it is globally routable: not loopback, private (RFC 1918, unique
local), link-local (where cloud metadata lives: 169.254.169.254, fd00:ec2::254), CGNAT /
shared (100.64.0.0/10, Alibaba's 100.100.100.200), multicast, reserved or unspecified. IPv4
addresses wrapped in IPv6 (mapped ``::ffff:a.b.c.d``, 6to4 ``2002::/16``, NAT64 ``64:ff9b::/96``)
are judged by the IPv4 address inside. A host name is public only when *every* address
it resolves to is: one private answer among public ones is enough for a rebinding attack.

The check alone leaves a gap: a name can resolve to a public address for the check and to a
private one a moment later for the connection (DNS rebinding). ``lib.gateway.guarded_http``
closes it for API calls by connecting to the very address checked here (``public_addresses``).
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from lib.gateway.errors import AddressRefusedError, GatewayConnectionError
from lib.text import is_http_url

__all__ = [
    "ALLOW_SETTING",
    "base_url_extras",
    "check_public_url",
    "is_global_address",
    "is_http_url",
    "is_loopback_url",
    "is_public_url",
    "origin",
    "public_addresses",
]

ALLOW_SETTING = "ALLOW_PRIVATE_CUSTOM_GATEWAYS"  # the operator's way to allow them (lib.settings)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def is_loopback_url(url: str | None) -> bool:
    if not is_http_url(url):
        return False
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_public_url(url: str | None) -> bool:
    """Whether every address the URL's host resolves to is a global one (not loopback, private,
    link-local such as cloud metadata, or reserved). False when the name does not resolve."""
    if not is_http_url(url):
        return False
    try:
        public_addresses(urlsplit(url).hostname or "", None)
    except (AddressRefusedError, OSError, UnicodeError):
        return False
    return True


def is_global_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone id
    if isinstance(ip, ipaddress.IPv6Address):
        inner = ip.ipv4_mapped or ip.sixtofour  # Teredo (2001::/32) stays refused as it is
        if inner is None and ip in _NAT64:
            inner = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if inner is not None:
            ip = inner
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified)


def public_addresses(host: str, port: int | None) -> list[tuple]:
    """``getaddrinfo``'s answers for ``host`` (TCP), every one checked: raises
    ``AddressRefusedError`` naming the first that is not public, ``OSError`` (``socket.gaierror``)
    when the name does not resolve. Connect to these, not to the name again (see above)."""
    host = host.strip("[]")
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    if not infos:
        raise socket.gaierror(f"{host} has no address")
    for info in infos:
        address = str(info[4][0])
        if not is_global_address(address):
            shown = host if address == host else f"{host} ({address})"
            raise AddressRefusedError(
                f"{shown} is a loopback, private, link-local or reserved address: a custom gateway "
                f"typed in the browser may only reach public addresses (the operator can allow "
                f"private ones with {ALLOW_SETTING}=1)"
            )
    return infos


def check_public_url(url: str) -> None:
    """Raises ``AddressRefusedError`` when the URL's host is not public, and
    ``GatewayConnectionError`` when it does not resolve (nothing was sent either way)."""
    parts = urlsplit(url)
    try:
        public_addresses(parts.hostname or "", parts.port)
    except (OSError, UnicodeError, ValueError) as error:
        if isinstance(error, AddressRefusedError):
            raise
        raise GatewayConnectionError(f"host name could not be resolved ({parts.hostname})") from None


def base_url_extras(url: str) -> str | None:
    """What a gateway's base URL carries that would swallow the app's routes: a query (``?``),
    a fragment (``#``) or user info (``user:pass@``); None when it has none."""
    parts = urlsplit((url or "").strip())
    if "?" in url:
        return "a query (?)"
    if "#" in url:
        return "a fragment (#)"
    if "@" in parts.netloc:
        return "a user name (user@)"
    return None


def origin(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) with the scheme's default port filled in: what "the same server" means
    for sending the key and for following a redirect into a private network."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port or _DEFAULT_PORTS.get(scheme)
    except ValueError:
        port = None
    return scheme, (parts.hostname or "").lower(), port
