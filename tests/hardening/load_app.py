"""The WSGI app test_load.py runs under gunicorn: ``hardening.load_app:app``."""

from __future__ import annotations

import os
import re

from flask import Flask

from crossorigin import CORS
from crossorigin.core import decide, paths

# Small caches make the load run go through many evictions (the bounded path).
if os.environ.get("CROSSORIGIN_LOAD_CACHE_SIZE"):
    paths.PATH_CACHE_SIZE = decide.ANSWER_CACHE_SIZE = int(
        os.environ["CROSSORIGIN_LOAD_CACHE_SIZE"]
    )

API_ORIGINS = ["https://app.example.com", "https://*.example.com", "http://localhost:*"]
#: What API_ORIGINS admit, written independently. A pattern entry also admits its
#: origins written with the explicit default port (":443"), which browsers never send.
API_PATTERN = re.compile(
    r"https://app\.example\.com|https://[a-z0-9_-]+(\.[a-z0-9_-]+)*\.example\.com(:443)?"
    r"|http://localhost(:(0|[1-9][0-9]{0,4}))?"
)


def create_app() -> Flask:
    app = Flask(__name__)

    @app.route("/api/items", methods=["GET", "PUT"])
    def items() -> str:
        return "items"

    @app.route("/api/folder/")
    def folder() -> str:
        return "folder"

    @app.route("/public/x")
    def public() -> str:
        return "public"

    CORS(
        app,
        resources={
            "/api/*": {"origins": API_ORIGINS, "supports_credentials": True},
            "/public/*": {"origins": "*"},
        },
        max_age=600,
    )
    return app


app = create_app()
