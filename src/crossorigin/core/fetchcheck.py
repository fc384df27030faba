"""The browser's side of CORS, as the WHATWG Fetch Standard defines it.

The rest of crossorigin decides which headers a server sends; this module decides,
the way a browser does, whether a page may read the result. It is a test oracle and
a diagnostic tool, so it is deliberately independent of the rest of the package
(stdlib only, never Flask or Werkzeug): a misreading of the spec in the server code
cannot hide behind the same misreading here.

What is modelled: the CORS-safelisted request-headers and methods, the preflight
decision and the preflight request, the CORS check, the preflight checks
(status, Access-Control-Allow-Methods/-Headers, the ``*`` wildcard per credentials
mode, ``Authorization``), the actual response (including a redirect's own CORS check
and where it leads), and the headers page script can read. Where today's browsers
deviate from the spec (``Authorization`` under ``Access-Control-Allow-Headers: *``)
the verdict follows the browsers and a warning records the spec rule; pass
``strict=True`` to apply the spec rule instead.

What is not: request bodies (list the ``Content-Type`` a body would add among the
request headers), the ``Accept``/``Accept-Language`` headers the browser adds itself,
the preflight cache, Private/Local Network Access, ``no-cors`` mode and following a
redirect to its next hop (judge that hop as a new request).

Failure and warning codes (``Failure.code``) are listed in :data:`FAILURE_CODES`.
Nothing here raises on odd input: malformed headers become failures.
"""

from __future__ import annotations

import ipaddress
import string
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urljoin, urlsplit

from .headers import (
    ACAC,
    ACAH,
    ACAM,
    ACAO,
    ACEH,
    ACMA,
    FORBIDDEN_METHODS,
    FORBIDDEN_RESPONSE_HEADERS,
    MAX_AGE_CAP,
    NORMALIZED_METHODS,
    REDIRECT_STATUSES,
    SAFELISTED_METHODS,
    SAFELISTED_RESPONSE_HEADERS,
)
from .hosts import DEFAULT_PORTS

__all__ = [
    "FAILURE_CODES",
    "Credentials",
    "Failure",
    "FetchRequest",
    "HTTPResponse",
    "Verdict",
    "check_preflight",
    "check_response",
    "cors_check",
    "cors_unsafe_request_header_names",
    "is_cors_safelisted_request_header",
    "is_forbidden_request_header",
    "is_same_origin",
    "judge",
    "needs_preflight",
    "normalize_method",
    "preflight_headers",
]

Credentials = Literal["omit", "same-origin", "include"]

#: Every ``Failure.code`` this module emits, with what it means. Codes are stable:
#: tests and tooling may match on them.
FAILURE_CODES: dict[str, str] = {
    # stage "request": fetch() itself refuses or alters the request
    "url-invalid": "the target URL is not an absolute http(s) URL without credentials",
    "method-invalid": "the method is not an HTTP token, so fetch() throws",
    "method-forbidden": "the method is CONNECT, TRACE or TRACK, so fetch() throws",
    "request-header-invalid": "a request header name or value is malformed, so fetch() throws",
    "request-header-forbidden": "warning: fetch() silently drops a forbidden request header",
    "origin-not-serialized": "warning: the page origin is not written the way a browser sends it",
    # CORS check, any stage
    "acao-missing": "no Access-Control-Allow-Origin header",
    "acao-multiple": "several Access-Control-Allow-Origin header lines (joined as 'a, b')",
    "acao-list": "one Access-Control-Allow-Origin line holding several values",
    "acao-empty": "an empty Access-Control-Allow-Origin value",
    "acao-wildcard-with-credentials": "Access-Control-Allow-Origin: * on a credentialed request",
    "acao-trailing-slash": "Access-Control-Allow-Origin is the origin plus a slash or path",
    "acao-case-mismatch": "Access-Control-Allow-Origin differs from the origin only in case",
    "acao-extra-port": "Access-Control-Allow-Origin is the origin plus a port",
    "acao-null": "Access-Control-Allow-Origin: null for a page that is not an opaque origin",
    "acao-mismatch": "Access-Control-Allow-Origin names another origin",
    "acao-null-origin": "warning: Access-Control-Allow-Origin: null admits every opaque origin",
    "acac-missing": "no Access-Control-Allow-Credentials on a credentialed request",
    "acac-not-true": "Access-Control-Allow-Credentials is not exactly 'true'",
    # stage "preflight"
    "preflight-missing": "the request needs a preflight but no preflight response was given",
    "preflight-redirect": "the preflight response is a 3xx; preflights never follow redirects",
    "preflight-status": "the preflight response status is not 200-299",
    "acam-invalid": "Access-Control-Allow-Methods has an element that is not a token",
    "acah-invalid": "Access-Control-Allow-Headers has an element that is not a token",
    "method-not-allowed": "the method is not in Access-Control-Allow-Methods",
    "method-case-mismatch": "the method is listed only in another letter case",
    "acam-wildcard-with-credentials": "Access-Control-Allow-Methods: * on a credentialed request",
    "header-not-allowed": "a CORS-unsafe request header is not in Access-Control-Allow-Headers",
    "acah-wildcard-with-credentials": "Access-Control-Allow-Headers: * on a credentialed request",
    "authorization-wildcard": (
        "Authorization is covered only by Access-Control-Allow-Headers: * "
        "(warning; a failure with strict=True)"
    ),
    "acma-invalid": "warning: Access-Control-Max-Age is not one non-negative integer",
    "acma-above-cap": "warning: Access-Control-Max-Age exceeds what browsers honour",
    # stage "response" / "redirect"
    "response-missing": "the preflight passed but no actual response was given",
    "vary-origin-missing": "warning: a specific Access-Control-Allow-Origin without Vary: Origin",
    "aceh-invalid": "warning: Access-Control-Expose-Headers does not parse, so it exposes nothing",
    "aceh-wildcard-with-credentials": (
        "warning: Access-Control-Expose-Headers: * on a credentialed request exposes nothing"
    ),
    "redirect-location-invalid": "the redirect's Location is missing a valid URL or repeated",
    "redirect-scheme": "the redirect leads to a URL that is not http(s)",
    "redirect-credentials": "the redirect leads to a URL with a user name or password",
    "redirect-origin-null": "warning: the next hop is cross-origin, so it is sent Origin: null",
    "redirect-drops-authorization": "warning: the browser drops Authorization on this redirect",
}

# --- small helpers ---------------------------------------------------------------

# ASCII-only case mapping: str.lower() would fold e.g. KELVIN SIGN to "k", which the
# spec's byte-case-insensitive comparisons never do.
_TO_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
_TO_UPPER = str.maketrans(string.ascii_lowercase, string.ascii_uppercase)

_TCHARS = frozenset("!#$%&'*+-.^_`|~" + string.digits + string.ascii_letters)
_HTTP_WHITESPACE = "\t\n\r "
_HTTP_TAB_OR_SPACE = "\t "


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

_STAGE_NOUNS = {
    "request": "request",
    "preflight": "preflight response",
    "response": "response",
    "redirect": "redirect response",
}


def _lower(value: str) -> str:
    return value.translate(_TO_LOWER)


def _upper(value: str) -> str:
    return value.translate(_TO_UPPER)


def _is_token(value: str) -> bool:
    return bool(value) and all(c in _TCHARS for c in value)


def _is_byte_string(value: str) -> bool:
    """fetch() converts header values to ByteStrings: anything above U+00FF throws."""
    return all(ord(c) <= 0xFF for c in value)


def _is_digits(value: str) -> bool:
    return bool(value) and all(c in string.digits for c in value)


def _show(value: str) -> str:
    """Quote a header value for a message so control characters stay visible."""
    return value if value.isprintable() else repr(value)


def _noun(stage: str) -> str:
    return _STAGE_NOUNS.get(stage, "response")


# --- data model ------------------------------------------------------------------


@dataclass(frozen=True)
class FetchRequest:
    """What page script passes to ``fetch()``, plus the page's origin."""

    origin: str
    url: str
    method: str = "GET"
    headers: tuple[tuple[str, str], ...] = ()
    credentials: Credentials = "same-origin"


@dataclass(frozen=True)
class HTTPResponse:
    """A server's answer as raw header lines, so repeats and odd spacing survive."""

    status: int
    headers: tuple[tuple[str, str], ...] = ()

    def get_all(self, name: str) -> list[str]:
        """Every value of ``name``, in order, with the whitespace HTTP parsing drops."""
        wanted = _lower(name)
        return [
            value.strip(_HTTP_TAB_OR_SPACE) for key, value in self.headers if _lower(key) == wanted
        ]

    def get(self, name: str) -> str | None:
        """Fetch "get": all values joined by ", ", or None when absent.

        This is why two Access-Control-Allow-Origin lines always fail: the browser
        compares the joined "a, b" against the origin.
        """
        values = self.get_all(name)
        return ", ".join(values) if values else None

    def names(self) -> frozenset[str]:
        """The lower-case names present, which bounds what a page could read."""
        return frozenset(_lower(key) for key, _ in self.headers)


@dataclass(frozen=True)
class Failure:
    """One problem: a stable ``code``, where it happened, and what to send instead."""

    code: str
    stage: str
    message: str

    def __str__(self) -> str:
        return f"[{self.stage}] {self.code}: {self.message}"


@dataclass(frozen=True)
class Verdict:
    """The outcome a page would see, with the reasons."""

    allowed: bool
    failures: tuple[Failure, ...]
    warnings: tuple[Failure, ...]
    preflight_needed: bool
    readable_headers: frozenset[str]

    @property
    def codes(self) -> tuple[str, ...]:
        """Failure codes, for compact assertions."""
        return tuple(f.code for f in self.failures)

    @property
    def warning_codes(self) -> tuple[str, ...]:
        """Warning codes, for compact assertions."""
        return tuple(w.code for w in self.warnings)


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
            host = f"[{address.compressed}]"
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


# --- the CORS check ------------------------------------------------------------------


def _acao_advice(request: FetchRequest) -> str:
    """The Access-Control-Allow-Origin a server should send for this request."""
    if request.origin != "null":
        return f"{ACAO}: {_show(request.origin)}"
    if request.credentials != "include":
        return f"{ACAO}: * (the page has an opaque origin and sends Origin: null)"
    return (
        f"{ACAO}: null, which trusts every opaque origin, so the page should rather "
        "drop credentials and the server send *"
    )


def _acao_failure(request: FetchRequest, value: str, lines: int, stage: str) -> Failure:
    """Name the most likely mistake behind an Access-Control-Allow-Origin mismatch."""
    noun = _noun(stage)
    origin = request.origin
    shown_origin = _show(origin)
    advice = _acao_advice(request)
    shown = _show(value)
    if lines > 1:
        return Failure(
            "acao-multiple",
            stage,
            f"The {noun} has {lines} {ACAO} headers, which the browser joins into "
            f'"{shown}" and rejects; the server must send exactly one: {advice}',
        )
    if value == "*":
        return Failure(
            "acao-wildcard-with-credentials",
            stage,
            f"The {noun} has {ACAO}: *, which browsers reject for a credentialed request; "
            f"the server must answer with {advice} and {ACAC}: true",
        )
    if not value:
        return Failure(
            "acao-empty",
            stage,
            f"The {noun} has an empty {ACAO} header; the server must answer with {advice}",
        )
    if any(c in value for c in ", \t"):
        return Failure(
            "acao-list",
            stage,
            f'The {noun} lists several values in {ACAO} ("{shown}"), but it must hold '
            f"exactly one origin; the server must answer with {advice}",
        )
    if value == "null":
        return Failure(
            "acao-null",
            stage,
            f"The {noun} has {ACAO}: null, which only matches opaque origins, not the page "
            f"origin {shown_origin}; the server must answer with {advice}",
        )
    if value.startswith(origin + "/"):
        return Failure(
            "acao-trailing-slash",
            stage,
            f"The {noun} has {ACAO}: {shown}, but a serialized origin has no trailing slash "
            f"or path; the server must answer with {advice}",
        )
    if _lower(value) == _lower(origin):
        return Failure(
            "acao-case-mismatch",
            stage,
            f"The {noun} has {ACAO}: {shown}, which differs from the page origin "
            f"{shown_origin} in letter case, and browsers compare exactly; the server must "
            f"answer with {advice}",
        )
    if value.startswith(origin + ":"):
        return Failure(
            "acao-extra-port",
            stage,
            f"The {noun} has {ACAO}: {shown}, which adds a port the page origin "
            f"{shown_origin} does not have (browsers omit default ports); the server must "
            f"answer with {advice}",
        )
    return Failure(
        "acao-mismatch",
        stage,
        f"The {noun} has {ACAO}: {shown}, which does not match the page origin {shown_origin}; "
        f"the server must answer with {advice}",
    )


def cors_check(request: FetchRequest, response: HTTPResponse, stage: str) -> list[Failure]:
    """Fetch "CORS check", reporting every problem rather than only the first.

    An empty list means the check passes; the spec's first-failure order matters
    only for which error a browser console shows, not for the outcome.
    """
    failures: list[Failure] = []
    include = request.credentials == "include"
    value = response.get(ACAO)
    if value is None:
        failures.append(
            Failure(
                "acao-missing",
                stage,
                f"The {_noun(stage)} has no {ACAO} header; "
                f"the server must answer with {_acao_advice(request)}",
            )
        )
    elif not (value == request.origin or (value == "*" and not include)):
        failures.append(_acao_failure(request, value, len(response.get_all(ACAO)), stage))
    if include:
        acac = response.get(ACAC)
        if acac is None:
            failures.append(
                Failure(
                    "acac-missing",
                    stage,
                    f"The {_noun(stage)} has no {ACAC} header, which a credentialed request "
                    f"needs; the server must answer with {ACAC}: true",
                )
            )
        elif acac != "true":
            failures.append(
                Failure(
                    "acac-not-true",
                    stage,
                    f"The {_noun(stage)} has {ACAC}: {_show(acac)}, but browsers accept only "
                    f"the exact lower-case value; the server must answer with {ACAC}: true",
                )
            )
    return failures


def _acao_warnings(request: FetchRequest, response: HTTPResponse, stage: str) -> list[Failure]:
    """Things that pass the CORS check but are unsafe or fragile on the server side."""
    warnings: list[Failure] = []
    value = response.get(ACAO)
    if value == "null" and request.origin == "null":
        warnings.append(
            Failure(
                "acao-null-origin",
                stage,
                f"The {_noun(stage)} answers {ACAO}: null, which every sandboxed iframe, data: "
                "URL and cross-origin redirect shares; the server should send * without "
                "credentials instead",
            )
        )
    if stage != "preflight" and value is not None and value != "*":
        vary = {_lower(v) for v in _split_values(response.get("Vary") or "")}
        if not vary & {"origin", "*"}:
            warnings.append(
                Failure(
                    "vary-origin-missing",
                    stage,
                    f"The {_noun(stage)} has {ACAO}: {_show(value)} but no Vary: Origin, so an "
                    "HTTP cache can hand it to another origin; the server must add Vary: Origin",
                )
            )
    return warnings


# --- preflight -----------------------------------------------------------------------


@dataclass(frozen=True)
class _TokenList:
    """A parsed ``#token`` header: its elements, and those that are not tokens."""

    present: bool
    items: tuple[str, ...]
    bad: tuple[str, ...]


def _token_list(response: HTTPResponse, name: str) -> _TokenList:
    """Fetch "extract header list values" for #method / #field-name headers."""
    items: list[str] = []
    bad: list[str] = []
    lines = response.get_all(name)
    for line in lines:
        for part in line.split(","):
            element = part.strip(_HTTP_TAB_OR_SPACE)
            if not element:
                continue
            (items if _is_token(element) else bad).append(element)
    return _TokenList(present=bool(lines), items=tuple(items), bad=tuple(bad))


def _with(existing: Iterable[str], *missing: str, drop_star: bool = True) -> str:
    """Existing list plus what is missing, as a drop-in header value.

    ``*`` is dropped by default because the suggestions that need it gone are the
    credentialed ones, where it means nothing.
    """
    kept = [item for item in existing if item != "*" or not drop_star]
    return ", ".join(kept + [m for m in missing if m not in kept])


def _check_method(request: FetchRequest, method: str, acam: _TokenList) -> list[Failure]:
    include = request.credentials == "include"
    allowed = acam.items
    if method in allowed or method in SAFELISTED_METHODS:
        return []
    if "*" in allowed and not include:
        return []
    shown = _show(method)
    suggestion = f"{ACAM}: {_with(allowed, shown)}"
    if "*" in allowed:
        return [
            Failure(
                "acam-wildcard-with-credentials",
                "preflight",
                f"The preflight response allows methods with {ACAM}: *, but for a credentialed "
                f"request * is only a literal method name; the server must list {shown}: "
                f"{suggestion}",
            )
        ]
    near = [m for m in allowed if _upper(m) == _upper(method)]
    if near:
        return [
            Failure(
                "method-case-mismatch",
                "preflight",
                f"The preflight response lists {near[0]} in {ACAM}, but the request's method is "
                f"{shown} (fetch() upper-cases only DELETE, GET, HEAD, OPTIONS, POST and PUT) "
                f"and browsers compare methods case-sensitively; the server must answer with "
                f"{suggestion}",
            )
        ]
    listed = f"{ACAM}: {', '.join(allowed)}" if acam.present else f"no {ACAM} header"
    return [
        Failure(
            "method-not-allowed",
            "preflight",
            f"The preflight response does not allow the method {shown} ({listed}); "
            f"the server must answer with {suggestion}",
        )
    ]


def _check_headers(
    request: FetchRequest, unsafe: list[str], acah: _TokenList, strict: bool
) -> tuple[list[Failure], list[Failure]]:
    include = request.credentials == "include"
    allowed = {_lower(item) for item in acah.items}
    star = "*" in allowed
    missing: list[str] = []
    literal_star: list[str] = []
    authorization_by_star = False
    for name in unsafe:
        if name in allowed:
            continue
        if star and not include:
            # Fetch excludes Authorization from "*"; browsers have not shipped that yet.
            authorization_by_star = authorization_by_star or name == "authorization"
            continue
        (literal_star if star else missing).append(name)

    failures: list[Failure] = []
    warnings: list[Failure] = []
    if missing:
        notes = [f"{ACAH}: {', '.join(acah.items)}" if acah.present else f"no {ACAH} header"]
        valued = [name for name in missing if name in _SAFELISTABLE_NAMES]
        if valued:
            notes.append(f"{', '.join(valued)} counts because its value is not CORS-safelisted")
        failures.append(
            Failure(
                "header-not-allowed",
                "preflight",
                f"The preflight response does not allow the request header"
                f"{'s' if len(missing) > 1 else ''} {', '.join(missing)} ({'; '.join(notes)}); "
                f"the server must answer with {ACAH}: {_with(acah.items, *missing)}",
            )
        )
    if literal_star:
        failures.append(
            Failure(
                "acah-wildcard-with-credentials",
                "preflight",
                f"The preflight response allows headers with {ACAH}: *, but for a credentialed "
                f"request * is only a literal header name; the server must list them: "
                f"{ACAH}: {_with(acah.items, *literal_star)}",
            )
        )
    if authorization_by_star:
        issue = Failure(
            "authorization-wildcard",
            "preflight",
            f"The preflight response covers Authorization only through {ACAH}: *, which the "
            "Fetch Standard does not accept (Chromium, Firefox and Safari still do by default); "
            f"the server must name it: {ACAH}: "
            f"{_with(acah.items, 'authorization', drop_star=False)}",
        )
        (failures if strict else warnings).append(issue)
    return failures, warnings


def _max_age_warnings(response: HTTPResponse) -> list[Failure]:
    lines = response.get_all(ACMA)
    if not lines:
        return []
    value = ", ".join(lines)
    if len(lines) > 1 or not _is_digits(value):
        return [
            Failure(
                "acma-invalid",
                "preflight",
                f"The preflight response has {ACMA}: {_show(value)}, which is not one "
                "non-negative integer, so browsers cache the preflight for 5 seconds at most "
                f"(Chromium not at all for a negative value); the server must send one value "
                f"such as {ACMA}: 600",
            )
        ]
    significant = value.lstrip("0")
    # Compare by length first: int() refuses digit strings beyond a few thousand digits.
    if len(significant) > len(str(MAX_AGE_CAP)) or int(significant or "0") > MAX_AGE_CAP:
        return [
            Failure(
                "acma-above-cap",
                "preflight",
                f"The preflight response has {ACMA}: {value}, but browsers cap it (Chromium "
                f"at {MAX_AGE_CAP}, Firefox at 86400, Safari at 600 seconds); the server should "
                f"send at most {ACMA}: {MAX_AGE_CAP}",
            )
        ]
    return []


def check_preflight(
    request: FetchRequest, response: HTTPResponse, *, strict: bool = False
) -> Verdict:
    """Would this answer to the preflight let the actual request go out?

    The CORS check uses the actual request's credentials mode, as Fetch requires,
    even though the preflight itself never carries cookies. The check runs even
    when the browser would send no preflight (see ``preflight_needed``); problems
    with the request itself are reported by :func:`judge` only.
    """
    prepared = _prepare(request)
    failures: list[Failure] = []
    warnings: list[Failure] = []

    status = response.status
    if 300 <= status <= 399:
        failures.append(
            Failure(
                "preflight-redirect",
                "preflight",
                f"The preflight response has status {status}, and browsers never follow a "
                "redirect for a preflight; the server must answer the OPTIONS request itself "
                "with 200 or 204, before any routing or trailing-slash redirect",
            )
        )
    elif not 200 <= status <= 299:
        failures.append(
            Failure(
                "preflight-status",
                "preflight",
                f"The preflight response has status {status}, but a preflight needs an ok "
                "status; the server must answer the OPTIONS request with 200 or 204, before "
                "routing and authentication",
            )
        )

    failures += cors_check(request, response, "preflight")
    warnings += _acao_warnings(request, response, "preflight")

    acam = _token_list(response, ACAM)
    acah = _token_list(response, ACAH)
    if acam.bad:
        failures.append(
            Failure(
                "acam-invalid",
                "preflight",
                f"The preflight response's {ACAM} contains {acam.bad[0]!r}, which is "
                "not a method token, so browsers reject the whole preflight; the server must "
                "send a comma-separated list such as "
                f"{ACAM}: {_with(acam.items, _show(prepared.method))}",
            )
        )
    else:
        failures += _check_method(request, prepared.method, acam)
    unsafe = cors_unsafe_request_header_names(prepared.headers)
    if acah.bad:
        failures.append(
            Failure(
                "acah-invalid",
                "preflight",
                f"The preflight response's {ACAH} contains {acah.bad[0]!r}, which is "
                "not a header name, so browsers reject the whole preflight; the server must "
                "send a comma-separated list of names such as "
                f"{ACAH}: {_with(acah.items, *unsafe)}",
            )
        )
    else:
        header_failures, header_warnings = _check_headers(request, unsafe, acah, strict)
        failures += header_failures
        warnings += header_warnings

    warnings += _max_age_warnings(response)
    return Verdict(
        allowed=not failures,
        failures=tuple(failures),
        warnings=tuple(warnings),
        preflight_needed=needs_preflight(request),
        readable_headers=frozenset(),
    )


# --- actual response -------------------------------------------------------------------


def _exposed_names(
    request: FetchRequest, response: HTTPResponse, stage: str
) -> tuple[frozenset[str], list[Failure]]:
    """The Access-Control-Expose-Headers list after the ``*`` and failure rules."""
    aceh = _token_list(response, ACEH)
    present = response.names()
    if aceh.bad:
        return frozenset(), [
            Failure(
                "aceh-invalid",
                stage,
                f"The {_noun(stage)}'s {ACEH} contains {aceh.bad[0]!r}, which is not a "
                "header name, so browsers expose none of the listed headers; the server must "
                f"send a comma-separated list of names such as "
                f"{ACEH}: {_with(aceh.items) or 'X-Custom'}",
            )
        ]
    names = frozenset(_lower(item) for item in aceh.items)
    if "*" not in names:
        return names, []
    if request.credentials != "include":
        return present, []
    hidden = sorted(
        name
        for name in present - names - SAFELISTED_RESPONSE_HEADERS - FORBIDDEN_RESPONSE_HEADERS
        if not name.startswith("access-control-")  # never worth suggesting
    )
    return names, [
        Failure(
            "aceh-wildcard-with-credentials",
            stage,
            f"The {_noun(stage)} exposes headers with {ACEH}: *, but for a credentialed request "
            "* is only a literal header name; the server must list the names: "
            f"{ACEH}: {_with(aceh.items, *hidden) or 'X-Custom'}",
        )
    ]


def _readable(response: HTTPResponse, exposed: frozenset[str]) -> frozenset[str]:
    """Fetch "CORS filtered response": safelisted names plus exposed, never Set-Cookie."""
    return frozenset(
        name
        for name in response.names()
        if name in SAFELISTED_RESPONSE_HEADERS
        or (name in exposed and name not in FORBIDDEN_RESPONSE_HEADERS)
    )


def _redirect_issues(
    request: FetchRequest, response: HTTPResponse
) -> tuple[bool, list[Failure], list[Failure]]:
    """Where a redirect leads: (followed, failures, warnings).

    The browser checks CORS on the 3xx itself, then refuses some targets outright,
    and for a cross-origin hop it sends the next request with ``Origin: null`` and
    without ``Authorization``.
    """
    locations = response.get_all("Location")
    if not locations:
        return False, [], []  # no Location: the 3xx itself is handed to the page
    failures: list[Failure] = []
    warnings: list[Failure] = []
    scheme: str | None
    try:
        resolved = urljoin(request.url, locations[0])
        scheme = _lower(urlsplit(resolved).scheme)
    except ValueError:  # e.g. an unclosed IPv6 bracket
        resolved, scheme = locations[0], None
    target = None if scheme is None else _parse_url(resolved)
    if len(locations) > 1 or (target is None and scheme in (None, "http", "https")):
        failures.append(
            Failure(
                "redirect-location-invalid",
                "redirect",
                f"The redirect response's Location ({_show(', '.join(locations))}) is not one "
                "valid URL, so the browser fails the request; the server must send a single "
                "Location with an http(s) URL",
            )
        )
    elif target is None:
        failures.append(
            Failure(
                "redirect-scheme",
                "redirect",
                f"The redirect response points to {_show(resolved)}, but fetch() follows "
                "redirects only to http: and https: URLs; the server must redirect to an "
                "http(s) URL",
            )
        )
    elif target.has_credentials:
        failures.append(
            Failure(
                "redirect-credentials",
                "redirect",
                "The redirect response points to a URL with a user name or password, which "
                "browsers refuse for a CORS request; the server must redirect to a URL "
                "without credentials",
            )
        )
    else:
        current = _parse_url(request.url)
        current_origin = current.origin if current else request.url
        if target.origin != current_origin:
            if request.origin != current_origin:
                warnings.append(
                    Failure(
                        "redirect-origin-null",
                        "redirect",
                        f"The browser follows this redirect from {_show(current_origin)} to "
                        f"{target.origin} with Origin: null, so {target.origin} can only admit "
                        f"it with {ACAO}: * and no credentials; the server should redirect "
                        "within its own origin or the page should call the target directly",
                    )
                )
            prepared = _prepare(request)
            if any(_lower(name) == "authorization" for name, _ in prepared.headers):
                warnings.append(
                    Failure(
                        "redirect-drops-authorization",
                        "redirect",
                        f"The browser drops the Authorization header when it follows this "
                        f"redirect to {target.origin}; the server should redirect within "
                        f"{_show(current_origin)} or the page should call {target.origin} directly",
                    )
                )
    return True, failures, warnings


def check_response(request: FetchRequest, response: HTTPResponse) -> Verdict:
    """Would the page get this actual response, and which headers could it read?

    Any status is fine, but every status needs CORS headers, redirects included:
    the browser checks a 3xx before following it. For a redirect it follows, the page
    reads the final response, so ``readable_headers`` is empty here. Like
    :func:`check_preflight`, this applies CORS even to a same-origin request;
    :func:`judge` is the one that skips CORS when the browser would.
    """
    stage = "redirect" if response.status in REDIRECT_STATUSES else "response"
    failures = cors_check(request, response, stage)
    warnings = _acao_warnings(request, response, stage)
    exposed, expose_warnings = _exposed_names(request, response, stage)
    warnings += expose_warnings
    followed = False
    if stage == "redirect":
        followed, redirect_failures, redirect_warnings = _redirect_issues(request, response)
        failures += redirect_failures
        warnings += redirect_warnings
    allowed = not failures
    return Verdict(
        allowed=allowed,
        failures=tuple(failures),
        warnings=tuple(warnings),
        preflight_needed=needs_preflight(request),
        readable_headers=_readable(response, exposed) if allowed and not followed else frozenset(),
    )


def judge(
    request: FetchRequest,
    preflight_response: HTTPResponse | None,
    actual_response: HTTPResponse | None,
    *,
    strict: bool = False,
) -> Verdict:
    """The whole fetch() as a page sees it: request checks, preflight, actual response.

    Same-origin requests skip CORS. A preflight response is required exactly when
    the browser would send a preflight; one passed otherwise is ignored, as is the
    actual response after a failed preflight (the browser never sends the request).
    ``strict=True`` applies the Fetch rule that ``*`` does not cover Authorization.
    """
    prepared = _prepare(request)
    warnings = list(prepared.warnings)
    needed = needs_preflight(request)
    if prepared.failures:
        return Verdict(False, prepared.failures, tuple(warnings), needed, frozenset())

    if is_same_origin(request):
        readable: frozenset[str] = frozenset()
        if actual_response is not None:
            readable = actual_response.names() - FORBIDDEN_RESPONSE_HEADERS
        return Verdict(True, (), tuple(warnings), False, readable)

    if needed:
        if preflight_response is None:
            sent = ", ".join(f"{name}: {value}" for name, value in preflight_headers(request))
            failure = Failure(
                "preflight-missing",
                "preflight",
                "The browser sends a preflight before this request (OPTIONS with "
                f"{_show(sent)}), but no preflight response was given; pass the server's answer "
                "to that OPTIONS request",
            )
            return Verdict(False, (failure,), tuple(warnings), True, frozenset())
        preflight = check_preflight(request, preflight_response, strict=strict)
        warnings += preflight.warnings
        if not preflight.allowed:
            return Verdict(False, preflight.failures, tuple(warnings), True, frozenset())

    if actual_response is None:
        failure = Failure(
            "response-missing",
            "response",
            "No actual response was given, so the outcome is unknown; pass the server's "
            "answer to the request itself",
        )
        return Verdict(False, (failure,), tuple(warnings), needed, frozenset())
    actual = check_response(request, actual_response)
    return Verdict(
        allowed=actual.allowed,
        failures=actual.failures,
        warnings=tuple(warnings) + actual.warnings,
        preflight_needed=needed,
        readable_headers=actual.readable_headers,
    )
