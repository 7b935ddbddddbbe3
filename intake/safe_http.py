"""The one way intake reaches outside: a GET bounded in where it may go, for how long and how much.

intake.fetch (pages) and intake.feeds (feeds) both fetch through `fetch_bytes`; its bounds are
described in intake.fetch. urllib3 does the HTTP; this module chooses the address. Each hop's
host is resolved here, every address checked (intake.addresses), and urllib3 is pointed at the
checked address with the site's name in the Host header and, for https, in the TLS handshake
(SNI and the certificate's check), so the connection cannot go to an address that was not
checked. Redirects are followed here, one hop at a time, for the same reason.

Name resolution itself (getaddrinfo) has no timeout of its own; the system resolver's applies.
"""

import socket
import time
from dataclasses import dataclass
from email.message import Message
from http import HTTPStatus
from urllib.parse import urljoin

import urllib3
from django.conf import settings
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    LocationParseError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
    SSLError,
)
from urllib3.util import Timeout, parse_url

from intake.addresses import refused_address

MAX_REDIRECTS = 5
REDIRECTS = {301, 302, 303, 307, 308}
CHUNK_BYTES = 64 * 1024
USER_AGENT = "Chancery-intake/1.0 (news intake for editors; one page at a time)"
DEFAULT_PORTS = {"http": 80, "https": 443}


class FetchError(Exception):
    """A URL that could not be fetched; the message names it and says why, for an editor."""

    def __init__(self, message: str, *, url: str | None = None):
        super().__init__(message)
        self.url = url


@dataclass(frozen=True)
class Fetched:
    """A response's body and what the caller needs of its headers.

    `status` is 200-299, or 304 for a conditional request whose document has not changed (then
    `body` is empty). `media_type` is the Content-Type without its parameters, lower-cased;
    `charset` its charset parameter, if any.
    """

    url: str
    final_url: str
    status: int
    media_type: str
    charset: str | None
    body: bytes
    etag: str | None = None
    last_modified: str | None = None
    content_language: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == HTTPStatus.NOT_MODIFIED


def fetch_bytes(url: str, *, media_types: frozenset[str], what: str, headers: dict[str, str] | None = None) -> Fetched:
    """The body of `url`, following redirects, refused (FetchError) unless its type is one of
    `media_types` (a type ending in "+xml" matches "+xml" in the set); `what` names those types
    for an editor ("a web page or plain text"). `headers` are sent with each request
    (If-None-Match, If-Modified-Since); a 304 answer is returned, not refused."""
    deadline = time.monotonic() + settings.INTAKE_FETCH_TIMEOUT
    current = url
    for _hop in range(MAX_REDIRECTS + 1):
        pool, response = _request(url, current, headers or {}, deadline)
        try:
            if response.status in REDIRECTS:
                location = response.headers.get("Location")
                if not location:
                    raise FetchError(f"{url} could not be fetched: {current} redirects without saying where.", url=url)
                current = urljoin(current, location.strip())
                continue
            return _read(url, current, response, media_types, what, deadline)
        finally:
            # One pool per hop (each is one checked address): its connection goes with it.
            response.close()
            pool.close()
    raise FetchError(f"{url} could not be fetched: it redirects more than {MAX_REDIRECTS} times.", url=url)


def _request(url: str, current: str, headers: dict[str, str], deadline: float):
    """One GET of `current` (a hop of `url`) at a checked address: the pool and the response, unread."""
    try:
        parsed = parse_url(current)
    except LocationParseError:
        raise FetchError(f"{url} could not be fetched: {current!r} is not a web address.", url=url) from None
    scheme = (parsed.scheme or "").lower()
    if scheme not in DEFAULT_PORTS:
        where = "is not" if current == url else f"redirects to {current}, which is not"
        raise FetchError(f"{url} could not be fetched: it {where} an http or https address.", url=url)
    if not parsed.host:
        raise FetchError(f"{url} could not be fetched: {current} names no site.", url=url)
    if parsed.auth:
        raise FetchError(
            f"{url} could not be fetched: addresses with a user name or password are not fetched.", url=url
        )
    host = parsed.host.lower()
    port = parsed.port or DEFAULT_PORTS[scheme]
    address = _checked_address(url, current, host, port)
    host_header = host if parsed.port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    request_headers = {
        "Host": host_header,
        "User-Agent": USER_AGENT,
        "Accept-Encoding": "gzip, deflate",
        **headers,
    }
    timeout = Timeout(
        connect=_remaining(url, deadline, settings.INTAKE_FETCH_CONNECT_TIMEOUT),
        read=_remaining(url, deadline, settings.INTAKE_FETCH_READ_TIMEOUT),
    )
    if scheme == "https":
        server_name = host.strip("[]")
        pool = urllib3.HTTPSConnectionPool(
            address,
            port,
            maxsize=1,
            cert_reqs="CERT_REQUIRED",
            server_hostname=server_name,
            assert_hostname=server_name,
        )
    else:
        pool = urllib3.HTTPConnectionPool(address, port, maxsize=1)
    try:
        response = pool.urlopen(
            "GET",
            parsed.request_uri,
            headers=request_headers,
            retries=False,
            redirect=False,
            assert_same_host=False,
            preload_content=False,
            timeout=timeout,
        )
    except (HTTPError, OSError) as exc:
        pool.close()
        raise FetchError(f"{url} could not be fetched: {_connection_failure(host, exc)}.", url=url) from None
    return pool, response


def _connection_failure(host: str, exc: Exception) -> str:
    if isinstance(exc, NewConnectionError):  # before ConnectTimeoutError, of which urllib3 makes it a kind
        return f"{host} refused the connection"
    if isinstance(exc, ConnectTimeoutError):
        return f"{host} did not answer in time"
    if isinstance(exc, ReadTimeoutError):
        return f"{host} took too long to answer"
    if isinstance(exc, SSLError):
        return f"{host}'s secure connection failed ({exc})"
    return f"the connection to {host} failed ({exc})"


def _checked_address(url: str, current: str, host: str, port: int) -> str:
    """The address to connect to for `host`: one it resolves to, all of which must be public
    unless host:port is in INTAKE_FETCH_ALLOW_HOSTS."""
    try:
        infos = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise FetchError(f"{url} could not be fetched: there is no site called {host}.", url=url) from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if f"{host}:{port}" not in settings.INTAKE_FETCH_ALLOW_HOSTS:
        for address in addresses:
            if reason := refused_address(address):
                where = host if current == url else f"the redirect to {current}"
                raise FetchError(f"{url} was not fetched: {where} leads to {address}, {reason}.", url=url)
    return addresses[0]


def _remaining(url: str, deadline: float, limit: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise FetchError(f"{url} could not be fetched: it took longer than {settings.INTAKE_FETCH_TIMEOUT} s.", url=url)
    return min(limit, left)


def _read(url: str, current: str, response, media_types: frozenset[str], what: str, deadline: float) -> Fetched:
    status = response.status
    if status >= 400:
        raise FetchError(f"{url} could not be fetched: the site answered {status} ({_phrase(status)}).", url=url)
    if status == HTTPStatus.NOT_MODIFIED:
        return _fetched(url, current, response, body=b"", media_type="", charset=None)
    if not 200 <= status < 300:
        raise FetchError(f"{url} could not be fetched: the site answered {status} ({_phrase(status)}).", url=url)
    media_type, charset = _content_type(response.headers.get("Content-Type"))
    if not _accepted(media_type, media_types):
        sent = f"a document of type {media_type}" if media_type else "a document of no stated type"
        raise FetchError(f"{url} was not read: it is {sent}, not {what}.", url=url)
    limit = settings.INTAKE_FETCH_MAX_BYTES
    length = response.headers.get("Content-Length", "")
    if length.strip().isdigit() and int(length) > limit:
        raise FetchError(
            f"{url} was not read: it is {_megabytes(int(length))}, over the {_megabytes(limit)} limit.", url=url
        )
    body = bytearray()
    try:
        while chunk := response.read1(CHUNK_BYTES):
            body += chunk
            if len(body) > limit:
                raise FetchError(f"{url} was not read: it is larger than the {_megabytes(limit)} limit.", url=url)
            _remaining(url, deadline, 1)
    except ReadTimeoutError:
        raise FetchError(f"{url} could not be fetched: the site stopped sending before the end.", url=url) from None
    except (ProtocolError, HTTPError, OSError) as exc:
        raise FetchError(f"{url} could not be fetched: the connection broke off ({exc}).", url=url) from None
    return _fetched(url, current, response, body=bytes(body), media_type=media_type, charset=charset)


def _fetched(url, current, response, *, body, media_type, charset) -> Fetched:
    return Fetched(
        url=url,
        final_url=current,
        status=response.status,
        media_type=media_type,
        charset=charset,
        body=body,
        etag=response.headers.get("ETag"),
        last_modified=response.headers.get("Last-Modified"),
        content_language=(response.headers.get("Content-Language") or "").split(",")[0].strip() or None,
    )


def _content_type(header: str | None) -> tuple[str, str | None]:
    if not header:
        return "", None
    media_type = header.split(";", 1)[0].strip().lower()
    if media_type.count("/") != 1:  # email's parser would read a malformed type as text/plain
        return "", None
    message = Message()
    message["Content-Type"] = header
    charset = message.get_param("charset")
    return media_type, charset if isinstance(charset, str) else None


def _accepted(media_type: str, media_types: frozenset[str]) -> bool:
    return media_type in media_types or ("+xml" in media_types and media_type.endswith("+xml"))


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "an unknown status"


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"
