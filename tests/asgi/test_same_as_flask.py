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
from shared.same_as_flask import (
    MIDDLEWARE_REQUESTS,
    OPTION_SETS,
    PREFLIGHT,
    ask_flask,
    cors_headers,
)

from .client import BareApp, call


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


@pytest.mark.parametrize("name", sorted(OPTION_SETS))
def test_the_same_headers_status_and_log_lines_as_flask(
    name: str, caplog: pytest.LogCaptureFixture
) -> None:
    options = OPTION_SETS[name]
    client = flask_app(options).test_client(use_cookies=False)  # else it drops Cookie
    asgi = CORSMiddleware(BareApp(), **options)
    for method, path, headers in MIDDLEWARE_REQUESTS:
        what = f"{name}: {method} {path} {headers}"
        with caplog.at_level(logging.INFO, logger="crossorigin"):
            caplog.clear()
            flask = ask_flask(client, method, path, headers)
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
