"""crossorigin's browser-side check agrees with Chromium.

Each case runs a real ``fetch()`` in Chromium against a crossorigin app, then replays what
the server saw (the preflight and actual responses, from the request log) through
``crossorigin.core.fetchcheck.judge``: the verdict and the readable headers must match what
the browser did. Every other browser test gets the same check from ``run_fetch``; these
cases add credentialed and header-exposing variants on one route.
"""

from __future__ import annotations

from typing import Any

import pytest
from browser_harness import LoopbackServer, is_blocked, run_fetch, set_cookie
from flask import Flask, make_response, request

from crossorigin import CORS

A_ORIGIN = "{A}"  # replaced by the page origin


def make_app(**options: Any) -> Flask:
    app = Flask("fetchcheck_agrees")

    @app.route("/r", methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"])
    def r() -> Any:
        resp = make_response(f"{request.method} ok")
        resp.headers["X-Custom"] = "custom"
        resp.headers["X-Total"] = "7"
        return resp

    CORS(app, **options)
    return app


CASES: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    ("any origin GET", {}, {}),
    ("listed GET", {"origins": [A_ORIGIN]}, {}),
    ("unlisted GET", {"origins": ["https://other.example"]}, {}),
    ("JSON POST preflight", {"origins": [A_ORIGIN]}, {"method": "POST", "json": {"a": 1}}),
    (
        "JSON POST, content-type not allowed",
        {"origins": [A_ORIGIN], "allow_headers": ["X-Request-ID"]},
        {"method": "POST", "json": {"a": 1}},
    ),
    ("PUT allowed", {"origins": [A_ORIGIN]}, {"method": "PUT", "body": "x"}),
    ("DELETE refused", {"origins": [A_ORIGIN], "methods": ["GET", "POST"]}, {"method": "DELETE"}),
    ("lower-case patch", {"origins": [A_ORIGIN]}, {"method": "patch", "body": "x"}),
    (
        "Authorization listed",
        {"origins": [A_ORIGIN], "allow_headers": ["Authorization"]},
        {"headers": {"Authorization": "Bearer t"}},
    ),
    (
        "custom header refused",
        {"origins": [A_ORIGIN], "allow_headers": ["X-Request-ID"]},
        {"headers": {"X-Other": "1"}},
    ),
    (
        "expose listed",
        {"origins": [A_ORIGIN], "expose_headers": ["X-Total"]},
        {},
    ),
    (
        "credentials allowed",
        {"origins": [A_ORIGIN], "supports_credentials": True, "expose_headers": ["X-Custom"]},
        {"credentials": "include"},
    ),
    ("credentials not supported", {"origins": [A_ORIGIN]}, {"credentials": "include"}),
    ("credentials to any origin", {}, {"credentials": "include"}),
    (
        "credentialed PUT with a header",
        {"origins": [A_ORIGIN], "supports_credentials": True, "max_age": 0},
        {"method": "PUT", "credentials": "include", "headers": {"X-Request-ID": "1"}},
    ),
]


@pytest.mark.parametrize(("options", "init"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_fetchcheck_and_chromium_agree(
    context: Any,
    page: Any,
    a: LoopbackServer,
    b: LoopbackServer,
    options: dict[str, Any],
    init: dict[str, Any],
) -> None:
    options = {
        k: ([a.origin if o == A_ORIGIN else o for o in v] if k == "origins" else v)
        for k, v in options.items()
    }
    b.mount(make_app(**options))
    set_cookie(context, b, "sid_agree", "1")

    # run_fetch replays the exchanges through fetchcheck and fails on any disagreement in
    # the verdict, the preflight, the redirect flag, the status or the readable headers.
    result = run_fetch(page, b.url("/r"), read=["X-Custom", "X-Total", "Content-Type"], **init)

    assert b.log, "the browser sent nothing"
    assert all(e.status is not None for e in b.log)
    if not is_blocked(result):
        assert result["status"] == 200
