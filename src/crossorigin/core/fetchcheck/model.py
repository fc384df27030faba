"""The data model of a fetch (request, response, failure, verdict), the failure
codes, and the byte-level helpers every stage shares."""

from __future__ import annotations

import string
from dataclasses import dataclass
from typing import Literal

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
