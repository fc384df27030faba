"""Small helpers shared by the Flask tests: requests through the Flask test client; the
header names and exact CORS header sets come from ``shared.headers``."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from shared.headers import (
    ACAC,
    ACAH,
    ACAM,
    ACAO,
    ACAPN,
    ACEH,
    ACMA,
    ACRH,
    ACRM,
    ACRPN,
    CORS_RESPONSE_HEADERS,
    PREFLIGHT_VARY,
    cors_headers,
    preflight_headers,
    vary,
    with_origin,
)

__all__ = [
    "ACAC",
    "ACAH",
    "ACAM",
    "ACAO",
    "ACAPN",
    "ACEH",
    "ACMA",
    "ACRH",
    "ACRM",
    "ACRPN",
    "CORS_RESPONSE_HEADERS",
    "PREFLIGHT_VARY",
    "cors_headers",
    "get",
    "preflight",
    "vary",
]


def get(client: FlaskClient, path: str, origin: str | None = None, **kwargs: Any) -> TestResponse:
    """A GET, with an ``Origin`` header when ``origin`` is given."""
    return client.get(path, headers=with_origin(kwargs, origin), **kwargs)


def preflight(
    client: FlaskClient,
    path: str,
    origin: str,
    method: str = "GET",
    request_headers: str | None = None,
    extra: dict[str, str] | None = None,
) -> TestResponse:
    """An ``OPTIONS`` request carrying ``Origin`` and ``Access-Control-Request-Method``
    (and ``Access-Control-Request-Headers`` when ``request_headers`` is given)."""
    return client.options(path, headers=preflight_headers(origin, method, request_headers, extra))
