"""Header names, HTTP token checks and request-header list splitting.

Names are the spellings emitted on responses; comparisons are done on lower-case
forms, as header names are case-insensitive (RFC 9110 §5.1).
"""

from __future__ import annotations

import re

ACAO = "Access-Control-Allow-Origin"
ACAC = "Access-Control-Allow-Credentials"
ACAM = "Access-Control-Allow-Methods"
ACAH = "Access-Control-Allow-Headers"
ACEH = "Access-Control-Expose-Headers"
ACMA = "Access-Control-Max-Age"
ACAPN = "Access-Control-Allow-Private-Network"
VARY = "Vary"

ORIGIN = "Origin"
COOKIE = "Cookie"
ACRM = "Access-Control-Request-Method"
ACRH = "Access-Control-Request-Headers"
ACRPN = "Access-Control-Request-Private-Network"

#: The response headers crossorigin owns on a covered route: any value the view
#: set is replaced, so a response never carries two of them.
OWNED_RESPONSE_HEADERS = frozenset(
    name.lower() for name in (ACAO, ACAC, ACAM, ACAH, ACEH, ACMA, ACAPN)
)

#: Response headers a page can always read (Fetch "CORS-safelisted response-header name").
SAFELISTED_RESPONSE_HEADERS = frozenset(
    (
        "cache-control",
        "content-language",
        "content-length",
        "content-type",
        "expires",
        "last-modified",
        "pragma",
    )
)

#: Never readable by a page, whatever Access-Control-Expose-Headers says.
FORBIDDEN_RESPONSE_HEADERS = frozenset(("set-cookie", "set-cookie2"))

#: Methods fetch() upper-cases (Fetch "normalize a method").
NORMALIZED_METHODS = frozenset(("DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"))

#: Methods a browser never lets a page send (Fetch "forbidden method").
FORBIDDEN_METHODS = frozenset(("CONNECT", "TRACE", "TRACK"))

#: Methods a browser sends without a preflight, and accepts whatever
#: Access-Control-Allow-Methods says (Fetch "CORS-safelisted method").
SAFELISTED_METHODS = frozenset(("GET", "HEAD", "POST"))

#: Fetch "redirect status".
REDIRECT_STATUSES = frozenset((301, 302, 303, 307, 308))

#: crossorigin's response header saying why (``"preflight; method-not-allowed"``), sent
#: in debug mode and read by ``flask cors explain`` and ``crossorigin doctor``.
DEBUG_HEADER = "X-CORS-Decision"

#: Chromium's cap on Access-Control-Max-Age in seconds
#: (services/network/cors/preflight_result.cc; Firefox caps at 86400, Safari at 600):
#: a larger value buys nothing in Chrome.
MAX_AGE_CAP = 7200

_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")

#: Upper bound on a request header value crossorigin looks at. Larger values are
#: refused outright, which keeps per-request work bounded.
MAX_REQUEST_HEADER_LENGTH = 8192
#: Longer methods are decided (and routed) every time rather than remembered.
MAX_METHOD_LENGTH = 64


def is_token(value: str) -> bool:
    """True if ``value`` is an RFC 9110 token (a method or a header name)."""
    return _TOKEN.fullmatch(value) is not None


def split_header_names(value: str) -> list[str] | None:
    """Split an Access-Control-Request-Headers value into lower-case names.

    Empty elements are ignored (browsers send ``a,b``; other clients may add
    spaces or stray commas). Returns ``None`` if an element is not a token or the
    value is too long: such a request is refused, never an exception.
    """
    if len(value) > MAX_REQUEST_HEADER_LENGTH:
        return None
    names: list[str] = []
    for part in value.split(","):
        name = part.strip(" \t")
        if not name:
            continue
        if _TOKEN.fullmatch(name) is None:
            return None
        names.append(name.lower())
    return names
