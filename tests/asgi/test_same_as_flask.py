"""Side by side: for the same options and requests, the ASGI middleware and the Flask
extension send the same Access-Control-* and Vary headers, the same preflight status and
body, and log the same refusal lines."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from flask import Flask

from crossorigin import CORS
from crossorigin.asgi import CORSMiddleware

from .client import BareApp, call

A = "https://a.example.com"
B = "https://b.example.com"
SUB = "https://api.example.com"

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

PREFLIGHT = "Access-Control-Request-Method"
REQUESTS: list[tuple[str, str, dict[str, str]]] = [
    ("GET", "/api/items", {}),
    ("GET", "/api/items", {"Origin": A}),
    ("GET", "/api/items", {"Origin": B}),
    ("GET", "/api/items", {"Origin": SUB}),
    ("GET", "/api/items", {"Origin": "null"}),
    ("GET", "/api/items", {"Origin": "HTTPS://A.example.com"}),
    ("POST", "/api/items", {"Origin": A, "Cookie": "session=1"}),
    ("GET", "//api//items", {"Origin": A}),
    ("GET", "/api/open", {"Origin": B}),
    ("GET", "/api/missing", {"Origin": A}),
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
    ("OPTIONS", "/api/missing", {"Origin": A, PREFLIGHT: "GET"}),
    ("OPTIONS", "/public", {"Origin": A, PREFLIGHT: "GET"}),
]


def flask_app(options: dict[str, Any]) -> Flask:
    app = Flask(__name__)

    @app.route("/api/items", methods=["GET", "POST"])
    def items() -> str:
        return "items"

    @app.route("/api/open")
    def open_() -> str:
        return "open"

    @app.route("/public")
    def public() -> str:
        return "public"

    CORS(app, **options)
    return app


def cors_headers(headers: Any) -> dict[str, str]:
    return {
        name.lower(): value
        for name, value in headers
        if name.lower().startswith("access-control-") or name.lower() in ("vary", "x-cors-decision")
    }


@pytest.mark.parametrize("name", sorted(OPTION_SETS))
def test_the_same_headers_status_and_log_lines_as_flask(
    name: str, caplog: pytest.LogCaptureFixture
) -> None:
    options = OPTION_SETS[name]
    client = flask_app(options).test_client(use_cookies=False)  # else it drops Cookie
    asgi = CORSMiddleware(BareApp(), **options)
    for method, path, headers in REQUESTS:
        what = f"{name}: {method} {path} {headers}"
        with caplog.at_level(logging.INFO, logger="crossorigin"):
            caplog.clear()
            # PATH_INFO as sent: the test client would read "//api" as a host name.
            flask = client.open(
                "/", method=method, headers=headers, environ_overrides={"PATH_INFO": path}
            )
            flask_lines = [r.getMessage() for r in caplog.records]
            caplog.clear()
            answer = call(asgi, method, path, headers)
            asgi_lines = [r.getMessage() for r in caplog.records]
        assert cors_headers(answer.headers) == cors_headers(flask.headers.items()), what
        assert asgi_lines == flask_lines, what
        if method == "OPTIONS" and PREFLIGHT in headers:
            assert answer.status == flask.status_code, what
            if not path.endswith(("/missing", "/public")) or name == "defaults":
                assert answer.body == flask.data, what
