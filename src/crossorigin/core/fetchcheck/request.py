"""What fetch() does before anything is sent: URLs and origins, methods, the
forbidden and CORS-safelisted request headers, and whether a preflight is needed."""

from __future__ import annotations

import ipaddress
import string
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..headers import (
    FORBIDDEN_METHODS,
    NORMALIZED_METHODS,
    SAFELISTED_METHODS,
)
from ..hosts import DEFAULT_PORTS, whatwg_ipv6
from .model import (
    _HTTP_TAB_OR_SPACE,
    _HTTP_WHITESPACE,
    Failure,
    FetchRequest,
    _is_byte_string,
    _is_digits,
    _is_token,
    _lower,
    _show,
    _upper,
)

_FORBIDDEN_REQUEST_HEADERS = frozenset(
    {
        "accept-charset",
        "accept-encoding",
        "access-control-request-headers",
        "access-control-request-method",
        "connection",
        "content-length",
        "cookie",
        "date",
        "dnt",
        "expect",
        "host",
        "keep-alive",
        "origin",
        "referer",
        "set-cookie",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "via",
    }
)
_METHOD_OVERRIDE_HEADERS = frozenset(
    {"x-http-method", "x-http-method-override", "x-method-override"}
)

# Names whose values can be safelisted; listing one in a preflight needs explaining.
_SAFELISTABLE_NAMES = frozenset(
    {"accept", "accept-language", "content-language", "content-type", "range"}
)
_UNSAFE_VALUE_CHARS = frozenset(
    [chr(b) for b in range(0x20) if b != 0x09] + list('"():<>?@[\\]{}\x7f')
)
_LANGUAGE_CHARS = frozenset(string.digits + string.ascii_letters + " *,-.;=")
_SAFELISTED_CONTENT_TYPES = frozenset(
    {"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"}
)
_MAX_SAFELISTED_VALUE = 128
_MAX_SAFELISTED_TOTAL = 1024

_FORBIDDEN_HOST_CHARS = frozenset(" #%/:<>?@[\\]^|\x7f")
_C0_OR_SPACE = "".join(chr(b) for b in range(0x21))


# --- URLs and origins --------------------------------------------------------------


@dataclass(frozen=True)
class _URL:
    origin: str
    has_credentials: bool


def _parse_url(url: str) -> _URL | None:
    """An http(s) URL's serialized origin, or None if a browser would not fetch it.

    urllib is not the WHATWG URL parser, but for the absolute http(s) URLs tests use
    it agrees on what matters here: scheme, host and port, lower-cased, default port
    dropped, IPv6 compressed and bracketed.
    """
    # UnicodeError (from the IDNA codec) is a ValueError too.
    try:
        parts = urlsplit(url.strip(_C0_OR_SPACE))
        port = parts.port
        scheme = _lower(parts.scheme)
        host = parts.hostname
        if scheme not in DEFAULT_PORTS or not host:
            return None
        if ":" in host:
            address = ipaddress.IPv6Address(host)
            if address.scope_id is not None:  # zone IDs are not valid in URLs
                return None
            host = f"[{whatwg_ipv6(address)}]"
        else:
            if not host.isascii():
                host = host.encode("idna").decode("ascii")
            if any(c in _FORBIDDEN_HOST_CHARS or c < " " for c in host):
                return None
    except ValueError:
        return None
    origin = f"{scheme}://{host}"
    if port is not None and port != DEFAULT_PORTS[scheme]:
        origin += f":{port}"
    return _URL(origin=origin, has_credentials=bool(parts.username or parts.password))


def is_same_origin(request: FetchRequest) -> bool:
    """Same-origin requests skip CORS entirely; an opaque ("null") page never matches."""
    target = _parse_url(request.url)
    return target is not None and request.origin != "null" and target.origin == request.origin


# --- request side ------------------------------------------------------------------


def normalize_method(method: str) -> str:
    """Upper-case only the six methods Fetch normalizes: ``patch`` stays ``patch``."""
    upper = _upper(method)
    return upper if upper in NORMALIZED_METHODS else method


def _split_values(value: str) -> list[str]:
    """Fetch "get, decode, and split": commas inside quoted strings do not split."""
    values: list[str] = []
    current = ""
    pos = 0
    end = len(value)
    while True:
        start = pos
        while pos < end and value[pos] not in '",':
            pos += 1
        current += value[start:pos]
        if pos < end and value[pos] == '"':
            start = pos
            pos += 1
            while pos < end:
                char = value[pos]
                pos += 1
                if char == "\\":
                    pos += 1
                elif char == '"':
                    break
            current += value[start : min(pos, end)]
            if pos < end:
                continue
        values.append(current.strip(_HTTP_TAB_OR_SPACE))
        current = ""
        if pos >= end:
            return values
        pos += 1  # the comma


def is_forbidden_request_header(name: str, value: str) -> bool:
    """Headers fetch() silently drops because the browser owns them."""
    lname = _lower(name)
    if lname in _FORBIDDEN_REQUEST_HEADERS or lname.startswith(("proxy-", "sec-")):
        return True
    if lname in _METHOD_OVERRIDE_HEADERS:
        return any(_upper(v) in FORBIDDEN_METHODS for v in _split_values(value))
    return False


def _mime_essence(value: str) -> str | None:
    """The essence of a strictly parsed MIME type, or None on parse failure.

    The WHATWG "parse a MIME type" can only fail on the type or subtype; parameters
    are dropped, never fatal, so they need no parsing here.
    """
    text = value.strip(_HTTP_WHITESPACE)
    type_, slash, rest = text.partition("/")
    if not slash or not _is_token(type_):
        return None
    subtype = rest.partition(";")[0].rstrip(_HTTP_WHITESPACE)
    if not _is_token(subtype):
        return None
    return _lower(f"{type_}/{subtype}")


def _is_simple_range(value: str) -> bool:
    """``bytes=N-`` or ``bytes=N-M`` with N <= M: no whitespace, no suffix range."""
    if not value.startswith("bytes="):
        return False
    start, dash, end = value[len("bytes=") :].partition("-")
    if not dash or not _is_digits(start) or (end and not _is_digits(end)):
        return False
    return not end or int(start) <= int(end)


def is_cors_safelisted_request_header(name: str, value: str) -> bool:
    """Fetch "CORS-safelisted request-header": such a header needs no preflight."""
    if not _is_byte_string(value) or len(value) > _MAX_SAFELISTED_VALUE:
        return False
    lname = _lower(name)
    if lname == "accept":
        return not any(c in _UNSAFE_VALUE_CHARS for c in value)
    if lname in ("accept-language", "content-language"):
        return all(c in _LANGUAGE_CHARS for c in value)
    if lname == "content-type":
        if any(c in _UNSAFE_VALUE_CHARS for c in value):
            return False
        return _mime_essence(value) in _SAFELISTED_CONTENT_TYPES
    if lname == "range":
        return _is_simple_range(value)
    return False


def cors_unsafe_request_header_names(headers: Iterable[tuple[str, str]]) -> list[str]:
    """Sorted lower-case names that force a preflight, as sent in ACRH.

    Safelisted headers also become unsafe once their values add up to more than
    1024 bytes, so many small safelisted headers still trigger a preflight.
    """
    unsafe: set[str] = set()
    potentially_unsafe: set[str] = set()
    safelisted_size = 0
    for name, value in headers:
        if is_cors_safelisted_request_header(name, value):
            potentially_unsafe.add(_lower(name))
            safelisted_size += len(value)  # a byte string: one byte per character
        else:
            unsafe.add(_lower(name))
    if safelisted_size > _MAX_SAFELISTED_TOTAL:
        unsafe |= potentially_unsafe
    return sorted(unsafe)


@dataclass(frozen=True)
class _Prepared:
    """A request as fetch() would send it, plus what fetch() objected to."""

    method: str
    headers: tuple[tuple[str, str], ...]
    failures: tuple[Failure, ...]
    warnings: tuple[Failure, ...]


def _prepare(request: FetchRequest) -> _Prepared:
    """Apply fetch()'s own request processing before any CORS logic sees it."""
    failures: list[Failure] = []
    warnings: list[Failure] = []

    if not _is_token(request.method):
        failures.append(
            Failure(
                "method-invalid",
                "request",
                f"The method {request.method!r} is not an HTTP token, so fetch() throws "
                "a TypeError; the page must use a method name such as PUT",
            )
        )
    elif _upper(request.method) in FORBIDDEN_METHODS:
        failures.append(
            Failure(
                "method-forbidden",
                "request",
                f"The method {request.method} is forbidden, so fetch() throws a TypeError; "
                "the page must use another method",
            )
        )

    headers: list[tuple[str, str]] = []
    for name, raw_value in request.headers:
        value = raw_value.strip(_HTTP_WHITESPACE)
        if not _is_token(name) or not _is_byte_string(value) or any(c in "\x00\r\n" for c in value):
            failures.append(
                Failure(
                    "request-header-invalid",
                    "request",
                    f"The request header {_show(name)}: {_show(value)} is malformed, so fetch() "
                    "throws a TypeError; the page must send a token name and a value without "
                    "NUL, CR, LF or characters above U+00FF",
                )
            )
        elif is_forbidden_request_header(name, value):
            warnings.append(
                Failure(
                    "request-header-forbidden",
                    "request",
                    f"The request header {name} is one the browser controls, so fetch() silently "
                    "drops it; the page must not rely on sending it",
                )
            )
        else:
            headers.append((name, value))

    target = _parse_url(request.url)
    if target is None:
        failures.append(
            Failure(
                "url-invalid",
                "request",
                f"The URL {_show(request.url)} is not an absolute http: or https: URL, so the "
                "fetch fails; the page must fetch an absolute http(s) URL",
            )
        )
    elif target.has_credentials:
        failures.append(
            Failure(
                "url-invalid",
                "request",
                "The URL contains a user name or password, so fetch() throws a TypeError; "
                "the page must send credentials in a header such as Authorization instead",
            )
        )

    if request.origin != "null":
        page = _parse_url(request.origin)
        if page is None or page.origin != request.origin:
            expected = "null or scheme://host[:port]" if page is None else page.origin
            warnings.append(
                Failure(
                    "origin-not-serialized",
                    "request",
                    f"The page origin {_show(request.origin)} is not how a browser serializes an "
                    f"origin, so real requests would carry Origin: {expected}; "
                    "write the origin exactly as the browser sends it",
                )
            )

    return _Prepared(
        method=normalize_method(request.method),
        headers=tuple(headers),
        failures=tuple(failures),
        warnings=tuple(warnings),
    )


def needs_preflight(request: FetchRequest) -> bool:
    """A cross-origin request needs a preflight for an unsafe method or header."""
    if is_same_origin(request):
        return False
    prepared = _prepare(request)
    return prepared.method not in SAFELISTED_METHODS or bool(
        cors_unsafe_request_header_names(prepared.headers)
    )


def preflight_headers(request: FetchRequest) -> list[tuple[str, str]]:
    """The CORS headers of the OPTIONS request sent first, when :func:`needs_preflight`.

    ACRH uses "," without a space, as browsers do; it is left out when empty.
    The browser also adds Accept, User-Agent, Sec-Fetch-* and the like, which play
    no part in CORS and are not listed.
    """
    prepared = _prepare(request)
    result = [
        ("Origin", request.origin),
        ("Access-Control-Request-Method", prepared.method),
    ]
    names = cors_unsafe_request_header_names(prepared.headers)
    if names:
        result.append(("Access-Control-Request-Headers", ",".join(names)))
    return result
