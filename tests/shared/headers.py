"""CORS header names, exact CORS header sets and ``Vary`` tokens of a response, and the
request headers of a GET with an Origin and of a preflight: the same for a Flask test
client response and a Quart reply (anything with ``headers.getlist``).

The names are spelled out here, not imported from ``crossorigin.core.headers``: the tests
check the package against the Fetch standard's names, so a typo in the package fails them."""

from __future__ import annotations

from typing import Any

ACAO = "Access-Control-Allow-Origin"
ACAC = "Access-Control-Allow-Credentials"
ACAM = "Access-Control-Allow-Methods"
ACAH = "Access-Control-Allow-Headers"
ACEH = "Access-Control-Expose-Headers"
ACMA = "Access-Control-Max-Age"
ACAPN = "Access-Control-Allow-Private-Network"

ACRM = "Access-Control-Request-Method"
ACRH = "Access-Control-Request-Headers"
ACRPN = "Access-Control-Request-Private-Network"

CORS_RESPONSE_HEADERS = (ACAO, ACAC, ACAM, ACAH, ACEH, ACMA, ACAPN)

#: Vary sent by crossorigin on a preflight whose answer depends on the Origin.
PREFLIGHT_VARY = ["Origin", ACRM, ACRH]


def cors_headers(response: Any) -> dict[str, str]:
    """Every CORS response header present, by name; each must appear at most once."""
    found: dict[str, str] = {}
    for name in CORS_RESPONSE_HEADERS:
        values = response.headers.getlist(name)
        assert len(values) <= 1, f"{name} sent {len(values)} times: {values}"
        if values:
            found[name] = values[0]
    return found


def vary(response: Any) -> list[str]:
    """The ``Vary`` tokens of a response, in order, over all ``Vary`` headers."""
    return [
        token.strip()
        for value in response.headers.getlist("Vary")
        for token in value.split(",")
        if token.strip()
    ]


def with_origin(kwargs: dict[str, Any], origin: str | None) -> dict[str, str]:
    """The ``headers`` popped from a request's ``kwargs``, plus ``Origin`` when given."""
    headers = dict(kwargs.pop("headers", {}))
    if origin is not None:
        headers["Origin"] = origin
    return headers


def preflight_headers(
    origin: str,
    method: str = "GET",
    request_headers: str | None = None,
    extra: dict[str, str] | None = None,
) -> dict[str, str]:
    """``Origin`` and ``Access-Control-Request-Method`` (and
    ``Access-Control-Request-Headers`` when ``request_headers`` is given), then ``extra``."""
    headers = {"Origin": origin, ACRM: method}
    if request_headers is not None:
        headers[ACRH] = request_headers
    headers.update(extra or {})
    return headers
