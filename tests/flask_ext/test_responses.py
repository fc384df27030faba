"""Actual responses: ``Vary`` merged and never duplicated, the same CORS headers on
redirects and errors as on a success, and exactly one ``Access-Control-Allow-Origin``
whatever the view set."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from flask import Flask, abort, jsonify

from crossorigin import CORS, cross_origin
from shared.headers import ACAC, ACAO, ACEH, cors_headers, vary

from .helpers import get, preflight

A = "https://app.example.com"
EVIL = "https://evil.example.net"


# -- Vary --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("view_vary", "expected"),
    [
        (None, ["Origin"]),
        ("Accept-Encoding", ["Accept-Encoding", "Origin"]),
        ("Cookie, Accept-Encoding", ["Cookie", "Accept-Encoding", "Origin"]),
        ("origin", ["origin"]),
        ("Accept-Encoding, ORIGIN", ["Accept-Encoding", "ORIGIN"]),
        ("*", ["*"]),
    ],
    ids=["none", "one-token", "two-tokens", "origin-lower-case", "origin-upper-case", "star"],
)
@pytest.mark.parametrize("origin", [A, EVIL, None], ids=["allowed", "refused", "no-origin"])
def test_vary_origin_is_merged_into_the_view_vary(
    app: Flask, view_vary: str | None, expected: list[str], origin: str | None
) -> None:
    @app.route("/api/data")
    def data() -> tuple[str, dict[str, str]]:
        return "data", {} if view_vary is None else {"Vary": view_vary}

    CORS(app, origins=[A])

    response = get(app.test_client(), "/api/data", origin)

    assert vary(response) == expected


def test_vary_spread_over_several_headers_is_merged_once(app: Flask) -> None:
    @app.route("/api/data")
    def data() -> tuple[str, list[tuple[str, str]]]:
        return "data", [("Vary", "Cookie"), ("Vary", "Accept-Encoding")]

    CORS(app, origins=[A])

    response = get(app.test_client(), "/api/data", A)

    assert vary(response) == ["Cookie", "Accept-Encoding", "Origin"]


DYNAMIC = {
    "one-origin": [A],
    "list": [A, "https://b.example.com"],
    "subdomains": ["https://*.example.com"],
    "port-wildcard": ["https://app.example.com:*"],
    "regex": [re.compile(r"https://app\.example\.com")],
    "callable": lambda origin: origin == A,
}


@pytest.mark.parametrize("origins", DYNAMIC.values(), ids=DYNAMIC.keys())
@pytest.mark.parametrize(
    ("origin", "granted"),
    [(A, True), (EVIL, False), (None, False)],
    ids=["allowed", "refused", "no-origin"],
)
def test_dynamic_policy_sends_vary_origin_on_every_response(
    app: Flask, origins: Any, origin: str | None, granted: bool
) -> None:
    @app.route("/api/data")
    def data() -> str:
        return "data"

    CORS(app, origins=origins)

    response = get(app.test_client(), "/api/data", origin)

    assert cors_headers(response) == ({ACAO: A} if granted else {})
    assert vary(response) == ["Origin"]


@pytest.mark.parametrize("origin", [A, None], ids=["origin", "no-origin"])
@pytest.mark.parametrize("path", ["/api/data", "/api/missing"], ids=["route", "404"])
def test_any_origin_sends_the_wildcard_everywhere_without_vary(
    app: Flask, origin: str | None, path: str
) -> None:
    @app.route("/api/data")
    def data() -> str:
        return "data"

    CORS(app, origins="*")

    response = get(app.test_client(), path, origin)

    assert cors_headers(response) == {ACAO: "*"}
    assert vary(response) == []


@pytest.mark.parametrize(
    ("origin", "expected"), [(A, {ACAO: "*"}), (None, {})], ids=["origin", "no-origin"]
)
def test_any_origin_without_always_send_varies_on_origin(
    app: Flask, origin: str | None, expected: dict[str, str]
) -> None:
    @app.route("/api/data")
    def data() -> str:
        return "data"

    CORS(app, origins="*", always_send=False)

    response = get(app.test_client(), "/api/data", origin)

    assert cors_headers(response) == expected
    assert vary(response) == ["Origin"]


@pytest.mark.parametrize(
    ("method", "granted"),
    [("GET", True), ("HEAD", True), ("POST", True), ("DELETE", True)],
    ids=["listed", "head-with-get", "not-listed", "not-listed-delete"],
)
def test_methods_governs_preflights_only_not_actual_requests(
    app: Flask, method: str, granted: bool
) -> None:
    """As in the Fetch standard and flask-cors: a simple POST the view has served is
    readable by an allowed origin; a DELETE from a page needs a preflight first, and
    that is where ``methods`` refuses it."""

    @app.route("/api/data", methods=["GET", "POST", "DELETE"])
    def data() -> str:
        return "data"

    CORS(app, origins=[A], methods=["GET"])

    response = app.test_client().open("/api/data", method=method, headers={"Origin": A})

    assert response.status_code == 200
    assert cors_headers(response) == ({ACAO: A} if granted else {})
    assert vary(response) == ["Origin"]
    if method == "DELETE":
        refused = preflight(app.test_client(), "/api/data", A, "DELETE")
        assert refused.status_code == 403 and ACAO not in cors_headers(refused)


# -- redirects and errors carry the same headers as a success -------------------------------


def error_app(app: Flask, **options: Any) -> Flask:
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.route("/api/ok", methods=["GET"])
    def ok() -> tuple[str, dict[str, str]]:
        return "ok", {"X-Total": "1"}

    @app.route("/api/items/")
    def items() -> str:
        return "items"

    @app.route("/api/forbidden")
    def forbidden() -> str:
        abort(403)

    @app.route("/api/boom")
    def boom() -> str:
        raise RuntimeError("boom")

    @app.route("/api/teapot")
    def teapot() -> str:
        abort(418)

    @app.errorhandler(418)
    def handle_teapot(error: Exception) -> tuple[Any, int]:
        return jsonify(error="teapot"), 418

    @app.route("/api/unavailable")
    def unavailable() -> tuple[str, int]:
        return "try later", 503

    @app.route("/api/abort-500")
    def abort_500() -> str:
        abort(500)

    CORS(
        app,
        resources={"/api/*": {}},
        origins=[A],
        supports_credentials=True,
        expose_headers=["X-Total"],
        **options,
    )
    return app


SUCCESS = {ACAO: A, ACAC: "true", ACEH: "X-Total"}

ERRORS = {
    "trailing-slash-308": ("GET", "/api/items", 308),
    "404-under-covered-path": ("GET", "/api/missing", 404),
    "405": ("POST", "/api/ok", 405),
    "abort-403": ("GET", "/api/forbidden", 403),
    "handled-418": ("GET", "/api/teapot", 418),
    "exception-500": ("GET", "/api/boom", 500),
    "returned-503": ("GET", "/api/unavailable", 503),
    "head": ("HEAD", "/api/ok", 200),
}


def test_success_headers(app: Flask) -> None:
    error_app(app)

    response = get(app.test_client(), "/api/ok", A)

    assert response.status_code == 200
    assert cors_headers(response) == SUCCESS
    assert vary(response) == ["Origin"]


@pytest.mark.parametrize(("method", "path", "status"), ERRORS.values(), ids=ERRORS.keys())
def test_redirects_and_errors_carry_the_same_headers_as_a_success(
    app: Flask, method: str, path: str, status: int
) -> None:
    error_app(app)

    response = app.test_client().open(path, method=method, headers={"Origin": A})

    assert response.status_code == status
    assert cors_headers(response) == SUCCESS
    assert vary(response) == ["Origin"]


@pytest.mark.parametrize(("method", "path", "status"), ERRORS.values(), ids=ERRORS.keys())
def test_redirects_and_errors_to_a_refused_origin_still_vary(
    app: Flask, method: str, path: str, status: int
) -> None:
    error_app(app)

    response = app.test_client().open(path, method=method, headers={"Origin": EVIL})

    assert response.status_code == status
    assert cors_headers(response) == {}
    assert vary(response) == ["Origin"]


def test_trailing_slash_redirect_keeps_its_location(app: Flask) -> None:
    error_app(app)

    response = get(app.test_client(), "/api/items", A)

    assert response.status_code == 308
    assert response.headers["Location"].endswith("/api/items/")


def test_error_from_a_before_request_hook_carries_the_headers(app: Flask) -> None:
    error_app(app)

    @app.before_request
    def require_login() -> tuple[str, int]:
        return "login required", 401

    response = get(app.test_client(), "/api/ok", A)

    assert response.status_code == 401
    assert cors_headers(response) == SUCCESS


@pytest.mark.parametrize(
    ("path", "status", "expected"),
    [
        ("/api/boom", 500, {}),
        ("/api/unavailable", 503, SUCCESS),
        ("/api/abort-500", 500, SUCCESS),
        ("/api/forbidden", 403, SUCCESS),
        ("/api/missing", 404, SUCCESS),
        ("/api/ok", 200, SUCCESS),
    ],
    ids=["exception-500", "returned-503", "abort-500", "abort-403", "404", "success"],
)
def test_intercept_exceptions_off_leaves_uncaught_exceptions_alone_only(
    app: Flask, path: str, status: int, expected: dict[str, str]
) -> None:
    error_app(app, intercept_exceptions=False)

    response = get(app.test_client(), path, A)

    assert response.status_code == status
    assert cors_headers(response) == expected


# -- exactly one Access-Control-Allow-Origin --------------------------------------------------


@pytest.mark.parametrize(
    ("origin", "expected"),
    [(A, {ACAO: A}), (EVIL, {}), (None, {})],
    ids=["allowed", "refused", "no-origin"],
)
def test_cors_headers_set_by_the_view_are_replaced(
    app: Flask, origin: str | None, expected: dict[str, str]
) -> None:
    @app.route("/api/data")
    def data() -> tuple[str, list[tuple[str, str]]]:
        return "data", [
            (ACAO, "*"),
            ("access-control-allow-origin", "https://other.example.com"),
            (ACAC, "true"),
            (ACEH, "X-Secret"),
        ]

    CORS(app, origins=[A])

    response = get(app.test_client(), "/api/data", origin)

    assert response.headers.getlist(ACAO) == list(expected.values())
    assert cors_headers(response) == expected


def test_cors_header_set_by_a_later_after_request_hook_is_replaced(app: Flask) -> None:
    @app.route("/api/data")
    def data() -> str:
        return "data"

    CORS(app, origins=[A])

    @app.after_request
    def add_wildcard(response: Any) -> Any:
        response.headers[ACAO] = "*"
        return response

    response = get(app.test_client(), "/api/data", A)

    assert response.headers.getlist(ACAO) == [A]


def test_view_headers_on_an_uncovered_path_are_left_alone(app: Flask) -> None:
    @app.route("/legacy")
    def legacy() -> tuple[str, dict[str, str]]:
        return "legacy", {ACAO: "https://legacy.example.com", "Vary": "Cookie"}

    CORS(app, resources={"/api/*": {}}, origins=[A])

    response = get(app.test_client(), "/legacy", A)

    assert cors_headers(response) == {ACAO: "https://legacy.example.com"}
    assert vary(response) == ["Cookie"]


def test_a_405_on_a_decorated_view_carries_its_policy(app: Flask) -> None:
    """The page sees the real status (405) instead of a CORS failure."""

    @app.route("/only-get")
    @cross_origin(origins=[A])
    def only_get() -> str:
        return "ok"

    CORS(app, resources={"/other/*": {}})
    response = app.test_client().post("/only-get", headers={"Origin": A})
    assert response.status_code == 405
    assert cors_headers(response) == {ACAO: A}


# -- refusals you can see ------------------------------------------------------------------


def test_in_debug_mode_a_refusal_reaches_the_terminal_without_logging_set_up(app: Flask) -> None:
    """As under ``flask run --debug``: the line goes to the server's error stream."""

    @app.route("/api/data")
    def data() -> str:
        return "data"

    CORS(app, origins=[A])
    app.debug = True
    errors = io.StringIO()
    client = app.test_client()
    client.get("/api/data", headers={"Origin": EVIL}, environ_overrides={"wsgi.errors": errors})
    (line,) = errors.getvalue().splitlines()
    assert line.startswith("crossorigin: CORS origin-not-allowed: ")
    assert "add it to origins=" in line
    errors = io.StringIO()
    client.get("/api/data", headers={"Origin": A}, environ_overrides={"wsgi.errors": errors})
    assert errors.getvalue() == ""  # a grant says nothing
    app.debug = False
    client.get("/api/data", headers={"Origin": EVIL}, environ_overrides={"wsgi.errors": errors})
    assert errors.getvalue() == ""  # outside debug mode: the crossorigin logger at INFO only
