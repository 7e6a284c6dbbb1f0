"""The one HTTP client for every request coop sends to another server on someone's behalf
(council information systems: the mapping page, the daily sync, the radar).

Addresses come from people (a body's OParl address) and from other servers (links, redirects),
so the client refuses what would let them reach coop's own network:

- only http:// and https://, without user name or password in the address;
- the host name is resolved once per connection (`socket.getaddrinfo`, which also reads
  `2130706433`, `0x7f.1` and `127.1`) and every address it gives must be public: loopback,
  private, link-local, shared (100.64/10), multicast, reserved and unspecified addresses are
  refused, IPv4 and IPv6 alike, also an IPv4 address inside IPv6 (::ffff:127.0.0.1,
  64:ff9b::/96, 6to4). The check runs inside the connection's `_new_conn`, and the socket
  connects to exactly the addresses that were checked: a DNS answer cannot change between check
  and connect (no rebinding). The host name stays the connection's host, so the Host header,
  TLS SNI and certificate verification still use the name;
- redirects are followed here, at most `max_redirects`, each target checked as the first
  address (requests never follows them);
- an answer may be at most `max_bytes` (after decompression) and the whole request, redirects
  included, must be done within `deadline` seconds: every read from the socket gets the time
  that is left, so a server sending one byte at a time is cut off at the deadline;
- no proxies or .netrc from the environment (a proxy would resolve names itself, out of
  the check's sight); a CA bundle named in REQUESTS_CA_BUNDLE still counts.

An operator lets coop read a server in the own network by naming the host in
OUTGOING_ALLOWED_HOSTS; the address check is then skipped for that host name only.
"""

from __future__ import annotations

import contextvars
import http.client
import io
import ipaddress
import json
import os
import re
import socket
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from flask_babel import gettext as _
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.poolmanager import PoolManager
from urllib3.util.connection import allowed_gai_family
from urllib3.util.timeout import _DEFAULT_TIMEOUT

MAX_BYTES = 20 * 1024 * 1024
DEADLINE = 30.0
CONNECT_TIMEOUT = 10.0
MAX_REDIRECTS = 5
CHUNK = 64 * 1024
USER_AGENT = "coop"

# The moment (time.monotonic) the request under way must be done by; read by the sockets.
_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "outgoing_deadline", default=None
)
# NAT64 (RFC 6052) carries an IPv4 address in its last 32 bits.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class OutgoingError(Exception):
    """A request was refused or failed; `user_message` says so, in the reader's language,
    without telling one internal service from another."""

    def __init__(self, url: str):
        super().__init__(url)
        self.url = url

    @property
    def user_message(self) -> str:
        """The sentence for people."""
        return _("%(url)s cannot be reached.", url=self.url)


class BadAddress(OutgoingError):
    """Not an http(s) address, or one with a user name or password."""

    @property
    def user_message(self) -> str:
        """The sentence for people."""
        return _(
            "%(url)s is not an address coop may read: only http:// and https:// addresses "
            "without user name and password.",
            url=self.url,
        )


class RefusedAddress(OutgoingError):
    """The host is (or resolves to) an internal or reserved address."""

    @property
    def user_message(self) -> str:
        """The sentence for people."""
        return _("%(url)s is not reachable from coop (internal or reserved network).", url=self.url)


class Unreachable(OutgoingError):
    """The name does not resolve, the connection or TLS failed, the answer broke off."""


class TooManyRedirects(OutgoingError):
    """More redirects than allowed."""

    def __init__(self, url: str, limit: int):
        super().__init__(url)
        self.limit = limit

    @property
    def user_message(self) -> str:
        """The sentence for people."""
        return _("%(url)s redirects more than %(n)d times.", url=self.url, n=self.limit)


class TooLarge(OutgoingError):
    """The answer is larger than the cap; it was not read to the end."""

    def __init__(self, url: str, limit: int):
        super().__init__(url)
        self.limit = limit

    @property
    def user_message(self) -> str:
        """The sentence for people."""
        return _("%(url)s sends more than %(size)s.", url=self.url, size=size_text(self.limit))


class DeadlineExceeded(OutgoingError):
    """No complete answer within the time allowed."""

    def __init__(self, url: str, seconds: float):
        super().__init__(url)
        self.seconds = seconds

    @property
    def user_message(self) -> str:
        """The sentence for people."""
        return _(
            "%(url)s: no complete answer within %(seconds)s s.",
            url=self.url,
            seconds=f"{self.seconds:g}",
        )


class _DeadlinePassed(Exception):
    """Raised by a socket read after the deadline (not an OSError: nothing retries it)."""


def size_text(n: int) -> str:
    """A byte count as people read it: 20 MiB, 512 KiB or 900 bytes."""
    for unit, size in (("MiB", 2**20), ("KiB", 2**10)):
        if n >= size and n % size == 0:
            return f"{n // size} {unit}"
    return f"{n} B"


def parse_hosts(value: str | Iterable[str] | None) -> frozenset[str]:
    """The host names of OUTGOING_ALLOWED_HOSTS ("ris.intern.example, 10.1.2.3"; commas or
    spaces), normalised as connections compare them."""
    if not value:
        return frozenset()
    items = re.split(r"[\s,]+", value) if isinstance(value, str) else list(value)
    return frozenset(_host_key(h) for h in items if h and h.strip())


def _host_key(host: str) -> str:
    name = host.strip().strip("[]").rstrip(".").lower()
    try:
        return str(ipaddress.ip_address(name))  # one spelling for an address literal
    except ValueError:
        return name


def is_public(address: str) -> bool:
    """Whether coop may connect to this IP address: a global unicast address, also when
    IPv4 travels inside IPv6."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone ("fe80::1%eth0")
    if ip.version == 6:
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None and not is_public(str(embedded)):
            return False
    return not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or (ip.version == 6 and ip.is_site_local)
        or not ip.is_global
    )


@dataclass(frozen=True)
class _Guard:
    """Which host names skip the address check."""

    allowed_hosts: frozenset[str] = frozenset()

    def addresses(self, host: str, port: int) -> list[tuple]:
        """The resolved addresses of `host`, each checked; RefusedAddress if any is not public
        (one bad address in a DNS answer refuses all: the order of tries is not ours)."""
        name = host.strip("[]").rstrip(".")
        found = socket.getaddrinfo(name, port, allowed_gai_family(), socket.SOCK_STREAM)
        if _host_key(name) not in self.allowed_hosts:
            for *_rest, sockaddr in found:
                if not is_public(sockaddr[0]):
                    raise RefusedAddress(host)
        return found


_STRICT = _Guard()


def _connect(conn: HTTPConnection) -> socket.socket:
    """Resolve, check, then connect to one of the checked addresses (urllib3's
    create_connection, with the addresses given instead of looked up again)."""
    guard: _Guard = getattr(conn, "guard", _STRICT)
    try:
        error: OSError | None = None
        for family, kind, proto, _name, sockaddr in guard.addresses(conn.host, conn.port):
            sock = socket.socket(family, kind, proto)
            try:
                for option in conn.socket_options or ():
                    sock.setsockopt(*option)
                if conn.timeout is not _DEFAULT_TIMEOUT:
                    sock.settimeout(conn.timeout)
                if conn.source_address:
                    sock.bind(conn.source_address)
                sock.connect(sockaddr)
                return sock
            except OSError as exc:
                error = exc
                sock.close()
        raise error or OSError("getaddrinfo returned no address")
    except socket.gaierror as exc:
        raise NameResolutionError(conn.host, conn, exc) from exc
    except TimeoutError as exc:
        raise ConnectTimeoutError(conn, f"Connection to {conn.host} timed out.") from exc
    except OSError as exc:
        raise NewConnectionError(conn, f"Failed to establish a new connection: {exc}") from exc


class _DeadlineReader(io.RawIOBase):
    """A socket's reading side that gives each receive only the time left until the request's
    deadline, so that neither headers nor body can be dripped past it."""

    def __init__(self, sock: socket.socket):
        super().__init__()
        self._sock = sock
        self._raw = sock.makefile("rb", buffering=0)

    def readable(self) -> bool:
        """A reader."""
        return True

    def readinto(self, buffer) -> int | None:
        """One receive, within the time left."""
        deadline = _DEADLINE.get()
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise _DeadlinePassed()
            current = self._sock.gettimeout()
            if current is None or current > left:
                self._sock.settimeout(left)
        return self._raw.readinto(buffer)

    def close(self) -> None:
        """Close the reader (the socket stays with its connection)."""
        if not self.closed:
            self._raw.close()
        super().close()


class _Reads:
    """What http.client's response asks of a socket: a file to read from."""

    def __init__(self, sock: socket.socket):
        self.sock = sock

    def makefile(self, mode: str = "rb", *args) -> io.BufferedReader:
        """The socket's buffered reader, bounded by the deadline."""
        return io.BufferedReader(_DeadlineReader(self.sock))


class _DeadlineResponse(http.client.HTTPResponse):
    def __init__(self, sock, *args, **kwargs):
        super().__init__(_Reads(sock), *args, **kwargs)


class _GuardedHTTPConnection(HTTPConnection):
    response_class = _DeadlineResponse
    guard = _STRICT

    def _new_conn(self) -> socket.socket:
        return _connect(self)


class _GuardedHTTPSConnection(HTTPSConnection):
    response_class = _DeadlineResponse
    guard = _STRICT

    def _new_conn(self) -> socket.socket:
        return _connect(self)


class _GuardedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _GuardedHTTPConnection
    guard = _STRICT

    def _new_conn(self):
        conn = super()._new_conn()
        conn.guard = self.guard
        return conn


class _GuardedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection
    guard = _STRICT

    def _new_conn(self):
        conn = super()._new_conn()
        conn.guard = self.guard
        return conn


class _GuardedPoolManager(PoolManager):
    def __init__(self, guard: _Guard, **kwargs):
        super().__init__(**kwargs)
        self.guard = guard
        self.pool_classes_by_scheme = {"http": _GuardedHTTPPool, "https": _GuardedHTTPSPool}

    def _new_pool(self, scheme, host, port, request_context=None):
        pool = super()._new_pool(scheme, host, port, request_context)
        pool.guard = self.guard
        return pool


class _GuardedAdapter(HTTPAdapter):
    """requests' adapter over pools whose connections check where they connect to."""

    def __init__(self, guard: _Guard):
        self.guard = guard  # before super().__init__, which builds the pool manager
        super().__init__(max_retries=0)

    def init_poolmanager(self, connections, maxsize, block=False, **pool_kwargs):
        """Pools of checked connections."""
        self._pool_connections, self._pool_maxsize, self._pool_block = connections, maxsize, block
        self.poolmanager = _GuardedPoolManager(
            self.guard, num_pools=connections, maxsize=maxsize, block=block, **pool_kwargs
        )

    def proxy_manager_for(self, proxy, **proxy_kwargs):
        """Never: a proxy would connect where the check cannot see."""
        raise RefusedAddress(str(proxy))


@dataclass(frozen=True)
class Answer:
    """A complete answer, read within the limits."""

    url: str  # after redirects
    status: int
    headers: Mapping[str, str]
    content: bytes

    def json(self) -> Any:
        """The body as JSON (UTF-8, -16 or -32); ValueError if it is none."""
        return json.loads(self.content)


def check_url(url: str) -> None:
    """BadAddress unless `url` is an http(s) address with a host and without credentials."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a port that is no number
    except ValueError:
        raise BadAddress(url) from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise BadAddress(url)
    if "@" in parts.netloc or parts.username is not None or parts.password is not None:
        raise BadAddress(url)


class OutgoingClient:
    """GET with the address check, redirects followed here, a byte cap and a deadline.
    Keeps connections open between requests (one client per sync run or page)."""

    def __init__(
        self,
        *,
        allowed_hosts: str | Iterable[str] | None = None,
        max_bytes: int = MAX_BYTES,
        deadline: float = DEADLINE,
        connect_timeout: float = CONNECT_TIMEOUT,
        max_redirects: int = MAX_REDIRECTS,
        headers: Mapping[str, str] | None = None,
    ):
        self.guard = _Guard(parse_hosts(allowed_hosts))
        self.max_bytes = max_bytes
        self.deadline = deadline
        self.connect_timeout = connect_timeout
        self.max_redirects = max_redirects
        self.session = requests.Session()
        self.session.trust_env = False  # no proxies, no .netrc from the environment
        # an operator's own certificate authority still counts, as with requests' defaults
        self.session.verify = (
            os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
        )
        self.session.headers["User-Agent"] = USER_AGENT
        self.session.headers.update(headers or {})
        adapter = _GuardedAdapter(self.guard)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def close(self) -> None:
        """Close the open connections."""
        self.session.close()

    def get(
        self,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        deadline: float | None = None,
    ) -> Answer:
        """The complete answer to a GET of `url` (any status; redirects followed). Raises an
        OutgoingError: BadAddress, RefusedAddress, Unreachable, TooManyRedirects, TooLarge or
        DeadlineExceeded."""
        seconds = self.deadline if deadline is None else deadline
        ends = time.monotonic() + seconds
        token = _DEADLINE.set(ends)
        try:
            current = url
            for hop in range(self.max_redirects + 1):
                check_url(current)
                response = self._send(url, current, params if hop == 0 else None, headers,
                                      ends, seconds)  # fmt: skip
                try:
                    location = self.session.get_redirect_target(response)
                    if location:
                        current = urljoin(response.url, location)
                        continue
                    content = self._read(url, response, ends, seconds)
                    return Answer(response.url, response.status_code, response.headers, content)
                finally:
                    response.close()
            raise TooManyRedirects(url, self.max_redirects)
        finally:
            _DEADLINE.reset(token)

    def _send(self, url, current, params, headers, ends, seconds) -> requests.Response:
        left = ends - time.monotonic()
        if left <= 0:
            raise DeadlineExceeded(url, seconds)
        connect = min(self.connect_timeout, left)
        try:
            return self.session.get(
                current,
                params=params,
                headers=headers,
                timeout=(connect, left),
                stream=True,
                allow_redirects=False,
            )
        except RefusedAddress:
            raise RefusedAddress(url) from None  # the address asked for, not where it led
        except _DeadlinePassed:
            raise DeadlineExceeded(url, seconds) from None
        except requests.ConnectTimeout:
            raise DeadlineExceeded(url, round(connect, 1)) from None
        except requests.Timeout:
            raise DeadlineExceeded(url, seconds) from None
        except (requests.RequestException, ValueError):
            raise Unreachable(url) from None

    def _read(self, url, response, ends, seconds) -> bytes:
        length = response.headers.get("Content-Length", "")
        if length.isdigit() and int(length) > self.max_bytes:
            raise TooLarge(url, self.max_bytes)
        body = bytearray()
        try:
            for chunk in response.iter_content(chunk_size=CHUNK):
                body += chunk
                if len(body) > self.max_bytes:
                    raise TooLarge(url, self.max_bytes)
                if time.monotonic() > ends:
                    raise DeadlineExceeded(url, seconds)
        except _DeadlinePassed:
            raise DeadlineExceeded(url, seconds) from None
        except requests.RequestException:
            if time.monotonic() >= ends - 0.05:  # a receive given the time left ran out
                raise DeadlineExceeded(url, seconds) from None
            raise Unreachable(url) from None
        return bytes(body)


def client_from_config(config: Mapping[str, Any] | None = None, **overrides) -> OutgoingClient:
    """A client with the operator's settings (the current app's config unless one is given):
    OUTGOING_ALLOWED_HOSTS, OUTGOING_MAX_BYTES, OUTGOING_TIMEOUT, OUTGOING_MAX_REDIRECTS."""
    if config is None:
        from flask import current_app, has_app_context

        config = current_app.config if has_app_context() else {}
    settings = {
        "allowed_hosts": config.get("OUTGOING_ALLOWED_HOSTS", ""),
        "max_bytes": int(config.get("OUTGOING_MAX_BYTES", MAX_BYTES)),
        "deadline": float(config.get("OUTGOING_TIMEOUT", DEADLINE)),
        "max_redirects": int(config.get("OUTGOING_MAX_REDIRECTS", MAX_REDIRECTS)),
    }
    return OutgoingClient(**{**settings, **overrides})
