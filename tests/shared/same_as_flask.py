"""The options and requests on which the ASGI middleware (``tests/asgi/test_same_as_flask.py``)
and ``crossorigin.quart`` (``tests/quart/test_quart_same_as_flask.py``) answer as the Flask
extension does, how the Flask side is asked, and which headers are compared."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from shared.headers import ACRM

A = "https://a.example.com"
B = "https://b.example.com"
SUB = "https://api.example.com"


async def is_sub(origin: str) -> bool:
    return origin == SUB


def is_sub_sync(origin: str) -> bool:
    return origin == SUB


#: Options both the ASGI middleware and crossorigin.quart take.
OPTION_SETS: dict[str, dict[str, Any]] = {
    "defaults": {},
    "list-credentials": {
        "origins": [A],
        "supports_credentials": True,
        "expose_headers": ["X-Total-Count"],
        "max_age": 600,
    },
    "resources": {
        "resources": {
            "/api/*": {
                "origins": [A],
                "methods": ["GET", "POST"],
                "allow_headers": ["Content-Type"],
            },
            "/api/open": {"origins": "*"},
        }
    },
    "subdomains-private-network": {
        "origins": ["https://*.example.com"],
        "allow_private_network": True,
    },
    "debug": {"origins": [A], "methods": ["GET"], "allow_headers": ["X-Ok"], "debug": True},
    "not-always": {"always_send": False, "preflight_status": 204},
}

#: :data:`OPTION_SETS` and those only a framework extension compares: a callable origin,
#: the app's own OPTIONS answer, exceptions left to the app.
FRAMEWORK_OPTION_SETS: dict[str, dict[str, Any]] = {
    **OPTION_SETS,
    "callable": {"origins": [A, is_sub_sync], "supports_credentials": True},
    "passthrough": {"origins": [A], "automatic_options": False},
    "no-intercept": {"origins": [A], "intercept_exceptions": False},
}

PREFLIGHT = ACRM

#: (method, path, headers), in the order they are sent.
REQUESTS: list[tuple[str, str, dict[str, str]]] = [
    ("GET", "/api/items", {}),
    ("GET", "/api/items", {"Origin": A}),
    ("GET", "/api/items", {"Origin": B}),
    ("GET", "/api/items", {"Origin": SUB}),
    ("GET", "/api/items", {"Origin": "null"}),
    ("GET", "/api/items", {"Origin": "HTTPS://A.example.com"}),
    ("POST", "/api/items", {"Origin": A, "Cookie": "session=1"}),
    ("DELETE", "/api/items", {"Origin": A}),
    ("GET", "//api//items", {"Origin": A}),
    ("GET", "/api/open", {"Origin": B}),
    ("GET", "/api/missing", {"Origin": A}),
    ("GET", "/api/boom", {"Origin": A}),
    ("GET", "/api/decorated", {"Origin": B}),
    ("GET", "/public", {"Origin": A}),
    ("OPTIONS", "/api/items", {"Origin": A}),
    ("OPTIONS", "/api/items", {"Origin": A, PREFLIGHT: "GET"}),
    ("OPTIONS", "/api/items", {"Origin": A, PREFLIGHT: "PUT"}),
    ("OPTIONS", "/api/items", {"Origin": B, PREFLIGHT: "GET"}),
    ("OPTIONS", "/api/items", {"Origin": SUB, PREFLIGHT: "POST"}),
    (
        "OPTIONS",
        "/api/items",
        {"Origin": A, PREFLIGHT: "POST", "Access-Control-Request-Headers": "content-type, x-ok"},
    ),
    (
        "OPTIONS",
        "/api/items",
        {"Origin": A, PREFLIGHT: "POST", "Access-Control-Request-Headers": "x-secret"},
    ),
    (
        "OPTIONS",
        "/api/items",
        {"Origin": SUB, PREFLIGHT: "GET", "Access-Control-Request-Private-Network": "true"},
    ),
    ("OPTIONS", "//api/open", {"Origin": B, PREFLIGHT: "DELETE"}),
    ("OPTIONS", "/api/decorated", {"Origin": B, PREFLIGHT: "GET"}),
    ("OPTIONS", "/api/decorated", {"Origin": A, PREFLIGHT: "GET"}),
    ("OPTIONS", "/api/missing", {"Origin": A, PREFLIGHT: "GET"}),
    ("OPTIONS", "/public", {"Origin": A, PREFLIGHT: "GET"}),
]


def on_framework_views(request: tuple[str, str, dict[str, str]]) -> bool:
    """Whether a request asks what only a framework app has: a view that raises, a
    decorated view, a method its route does not list."""
    method, path, _ = request
    return path in ("/api/boom", "/api/decorated") or (method, path) == ("DELETE", "/api/items")


#: :data:`REQUESTS` that a bare ASGI app behind the middleware answers as Flask does.
MIDDLEWARE_REQUESTS = [request for request in REQUESTS if not on_framework_views(request)]


def ask_flask(client: FlaskClient, method: str, path: str, headers: dict[str, str]) -> TestResponse:
    """One request with ``PATH_INFO`` as sent: the test client would read ``//api`` as a
    host name."""
    return client.open("/", method=method, headers=headers, environ_overrides={"PATH_INFO": path})


def cors_headers(headers: Any) -> dict[str, str]:
    """The Access-Control-*, Vary and X-CORS-Decision headers of ``(name, value)`` pairs,
    by lower-case name."""
    return {
        name.lower(): value
        for name, value in headers
        if name.lower().startswith("access-control-") or name.lower() in ("vary", "x-cors-decision")
    }
