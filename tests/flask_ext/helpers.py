"""Small helpers shared by the Flask tests: requests through the Flask test client (the
header names and exact CORS header sets are in ``shared.headers``)."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from shared.headers import preflight_headers, with_origin


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
