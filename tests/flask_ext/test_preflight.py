"""Preflights: answered before routing, authentication and views; methods and headers
checked; refusals short and header-free; private network access; and which headers
belong to preflights and which to actual responses."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask, abort

from crossorigin import CORS
from crossorigin.core.fetchcheck import FetchRequest, HTTPResponse, check_preflight
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
    PREFLIGHT_VARY,
    cors_headers,
    vary,
)

from .helpers import get, preflight

A = "https://app.example.com"
EVIL = "https://evil.example.net"
ALL_METHODS = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"


@pytest.fixture
def calls() -> list[str]:
    """Names of the views and hooks that ran."""
    return []


def routed_app(app: Flask, calls: list[str], **options: Any) -> Flask:
    @app.route("/items/", methods=["GET", "POST"])
    def items() -> str:
        calls.append("items")
        return "items"

    @app.route("/strict", methods=["GET", "PUT"], provide_automatic_options=False)
    def strict() -> str:
        calls.append("strict")
        return "strict"

    @app.route("/private", methods=["GET", "PUT"])
    def private() -> str:
        calls.append("private")
        return "private"

    CORS(app, origins=[A], **options)
    return app


def require_login(calls: list[str]) -> Any:
    def hook() -> tuple[str, int]:
        calls.append("auth")
        return "login required", 401

    return hook


# -- answered before routing, authentication and views -----------------------------------


@pytest.mark.parametrize(
    ("path", "method"),
    [
        ("/items", "POST"),
        ("/items/", "POST"),
        ("/strict", "PUT"),
        ("/missing", "DELETE"),
        ("/items/", "DELETE"),
    ],
    ids=[
        "trailing-slash-redirect",
        "route",
        "no-automatic-options",
        "missing-route",
        "method-without-route",
    ],
)
def test_preflight_is_answered_before_routing(
    app: Flask, calls: list[str], path: str, method: str
) -> None:
    routed_app(app, calls)

    response = preflight(app.test_client(), path, A, method, "content-type")

    assert response.status_code == 200
    assert response.data == b""
    assert "Location" not in response.headers
    assert "Allow" not in response.headers
    assert cors_headers(response) == {ACAO: A, ACAM: ALL_METHODS, ACAH: "content-type"}
    assert vary(response) == PREFLIGHT_VARY
    assert calls == []


@pytest.mark.parametrize("order", ["hook-first", "cors-first"])
def test_preflight_is_answered_before_an_authentication_hook(
    app: Flask, calls: list[str], order: str
) -> None:
    if order == "hook-first":
        app.before_request(require_login(calls))
        routed_app(app, calls)
    else:
        routed_app(app, calls)
        app.before_request(require_login(calls))
    client = app.test_client()

    answer = preflight(client, "/private", A, "PUT", "authorization")
    actual = get(client, "/private", A)

    assert answer.status_code == 200
    assert cors_headers(answer) == {ACAO: A, ACAM: ALL_METHODS, ACAH: "authorization"}
    assert actual.status_code == 401
    assert cors_headers(actual) == {ACAO: A}
    assert calls == ["auth"]


def test_preflight_is_answered_before_a_blueprint_authentication_hook(
    app: Flask, calls: list[str]
) -> None:
    from flask import Blueprint

    blueprint = Blueprint("admin", __name__, url_prefix="/admin")
    blueprint.before_request(require_login(calls))

    @blueprint.route("/users", methods=["DELETE"])
    def users() -> str:
        return "deleted"

    app.register_blueprint(blueprint)
    CORS(app, origins=[A])

    response = preflight(app.test_client(), "/admin/users", A, "DELETE")

    assert response.status_code == 200
    assert cors_headers(response)[ACAO] == A
    assert calls == []


def test_preflight_status_is_configurable(app: Flask, calls: list[str]) -> None:
    routed_app(app, calls, preflight_status=204)

    response = preflight(app.test_client(), "/items/", A, "POST")

    assert response.status_code == 204
    assert cors_headers(response) == {ACAO: A, ACAM: ALL_METHODS}


def test_automatic_options_off_lets_the_view_answer_and_adds_preflight_headers(
    app: Flask, calls: list[str]
) -> None:
    @app.route("/manual", methods=["GET", "OPTIONS"])
    def manual() -> tuple[str, int, dict[str, str]]:
        calls.append("manual")
        return "handled by the view", 200, {"X-View": "1"}

    CORS(app, origins=[A], automatic_options=False, max_age=60)

    response = preflight(app.test_client(), "/manual", A, "PUT", "x-token")

    assert response.status_code == 200
    assert response.data == b"handled by the view"
    assert response.headers["X-View"] == "1"
    assert cors_headers(response) == {ACAO: A, ACAM: ALL_METHODS, ACAH: "x-token", ACMA: "60"}
    assert vary(response) == PREFLIGHT_VARY
    assert calls == ["manual"]


# -- methods and headers -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("methods", "requested", "status", "expected"),
    [
        (["GET", "PATCH"], "PATCH", 200, "GET, PATCH"),
        (["GET", "PATCH"], "patch", 200, "GET, PATCH, patch"),
        (["get", "patch"], "patch", 200, "GET, PATCH, patch"),
        (["GET", "PATCH"], "PUT", 403, None),
        (["GET", "PATCH"], "put", 403, None),
        (["GET", "PATCH"], "PATCH,PUT", 403, None),
        (["GET", "PATCH"], "", 403, None),
    ],
    ids=[
        "upper",
        "lower-case-echoed",
        "configured-lower",
        "not-configured",
        "not-configured-lower",
        "two-methods",
        "empty",
    ],
)
def test_requested_method_is_checked_case_insensitively_and_echoed_as_sent(
    app: Flask, methods: list[str], requested: str, status: int, expected: str | None
) -> None:
    @app.route("/api/data", methods=["GET", "PATCH"])
    def data() -> str:
        return "data"

    CORS(app, origins=[A], methods=methods)

    response = preflight(app.test_client(), "/api/data", A, requested)

    assert response.status_code == status
    assert cors_headers(response).get(ACAM) == expected


@pytest.mark.parametrize(
    ("requested", "status", "expected"),
    [
        ("x-token", 200, "x-token"),
        ("X-TOKEN", 200, "x-token"),
        ("X-Token,Content-Type", 200, "x-token, content-type"),
        ("content-type, x-token", 200, "content-type, x-token"),
        ("x-token,x-token", 200, "x-token"),
        ("x-token,,content-type,", 200, "x-token, content-type"),
        ("x-token, x-other", 403, None),
        ("authorization", 403, None),
        ("x token", 403, None),
    ],
    ids=[
        "lower",
        "upper",
        "two",
        "spaces",
        "duplicate",
        "stray-commas",
        "one-refused",
        "authorization-not-listed",
        "not-a-token",
    ],
)
def test_requested_headers_are_checked_case_insensitively_and_only_those_echoed(
    app: Flask, requested: str, status: int, expected: str | None
) -> None:
    @app.route("/api/data")
    def data() -> str:
        return "data"

    CORS(app, origins=[A], allow_headers=["X-Token", "Content-Type", "X-Unused"])

    response = preflight(app.test_client(), "/api/data", A, "GET", requested)

    assert response.status_code == status
    assert cors_headers(response).get(ACAH) == expected


def test_preflight_without_requested_headers_sends_no_allow_headers(app: Flask) -> None:
    @app.route("/api/data")
    def data() -> str:
        return "data"

    CORS(app, origins=[A], allow_headers=["X-Token"])

    response = preflight(app.test_client(), "/api/data", A, "GET")

    assert cors_headers(response) == {ACAO: A, ACAM: ALL_METHODS}


# -- refused preflights -------------------------------------------------------------------

SECRET_ORIGIN = "https://secret-admin.example.com"


def refusing_app(app: Flask, **options: Any) -> Flask:
    @app.route("/api/data", methods=["GET", "PUT"])
    def data() -> str:
        return "data"

    CORS(
        app,
        origins=[SECRET_ORIGIN],
        methods=["GET", "PUT"],
        allow_headers=["X-Secret-Header"],
        supports_credentials=True,
        max_age=600,
        **options,
    )
    return app


REFUSALS = {
    "origin": ({"Origin": EVIL, ACRM: "GET"}, "origin-not-allowed"),
    "null-origin": ({"Origin": "null", ACRM: "GET"}, "origin-not-allowed"),
    "invalid-origin": ({"Origin": "HTTPS://X", ACRM: "GET"}, "invalid-origin"),
    "method": ({"Origin": SECRET_ORIGIN, ACRM: "DELETE"}, "method-not-allowed"),
    "header": ({"Origin": SECRET_ORIGIN, ACRM: "GET", ACRH: "x-other"}, "header-not-allowed"),
    "private-network": (
        {"Origin": SECRET_ORIGIN, ACRM: "GET", ACRPN: "true"},
        "private-network-not-allowed",
    ),
}


@pytest.mark.parametrize(("headers", "reason"), REFUSALS.values(), ids=REFUSALS.keys())
def test_refused_preflight_is_short_and_reveals_no_configuration(
    app: Flask, headers: dict[str, str], reason: str
) -> None:
    refusing_app(app)

    response = app.test_client().options("/api/data", headers=headers)

    assert response.status_code == 403
    assert response.mimetype == "text/plain"
    assert cors_headers(response) == {}
    assert vary(response) == PREFLIGHT_VARY
    body = response.get_data(as_text=True)
    assert reason in body
    assert len(body) < 100
    for detail in ("secret-admin", "X-Secret-Header", "x-secret-header", "PUT", "600"):
        assert detail not in body
    assert "X-CORS-Decision" not in response.headers


@pytest.mark.parametrize("how", ["option", "app-debug"])
def test_refused_preflight_explains_itself_in_debug_mode(app: Flask, how: str) -> None:
    if how == "option":
        refusing_app(app, debug=True)
    else:
        app.debug = True
        refusing_app(app)

    response = preflight(app.test_client(), "/api/data", EVIL, "GET")

    assert response.status_code == 403
    assert cors_headers(response) == {}
    body = response.get_data(as_text=True)
    assert "origin-not-allowed" in response.headers["X-CORS-Decision"]
    assert SECRET_ORIGIN in body
    assert EVIL in body


@pytest.mark.parametrize(
    ("headers", "reason", "named"),
    [
        ({ACRM: "DELETE"}, "method-not-allowed", {"Access-Control-Allow-Methods": "GET, PUT"}),
        (
            {ACRM: "PUT", ACRH: "x-secret-header, x-other"},
            "header-not-allowed",
            {
                "Access-Control-Allow-Methods": "GET, PUT",
                "Access-Control-Allow-Headers": "x-secret-header",
            },
        ),
    ],
)  # fmt: skip
def test_debug_mode_refusal_makes_the_browser_name_the_failing_check(
    app: Flask, headers: dict[str, str], reason: str, named: dict[str, str]
) -> None:
    refusing_app(app, debug=True)

    response = app.test_client().options("/api/data", headers={"Origin": SECRET_ORIGIN, **headers})

    assert response.status_code == 200
    assert cors_headers(response) == {
        "Access-Control-Allow-Origin": SECRET_ORIGIN,
        "Access-Control-Allow-Credentials": "true",
        **named,
    }
    assert response.headers["X-CORS-Decision"] == f"preflight; {reason}"
    assert ("x-other" if ACRH in headers else "DELETE") in response.get_data(as_text=True)
    # The browser still fails the preflight, now on the check that matters.
    request_headers = tuple((n.strip(), "1") for n in headers.get(ACRH, "").split(",") if n)
    verdict = check_preflight(
        FetchRequest(
            SECRET_ORIGIN, "http://localhost/api/data", headers[ACRM], request_headers, "include"
        ),
        HTTPResponse(response.status_code, tuple(response.headers.items())),
    )
    assert verdict.codes == (reason,)


def test_debug_false_overrides_app_debug(app: Flask) -> None:
    app.debug = True
    refusing_app(app, debug=False)

    response = preflight(app.test_client(), "/api/data", EVIL, "GET")

    assert response.get_data(as_text=True) == "CORS preflight refused: origin-not-allowed\n"


HOSTILE_PREFLIGHTS = {
    "method-crlf": ({"HTTP_ACCESS_CONTROL_REQUEST_METHOD": "PUT\r\nX-Injected: 1"}, "method"),
    "method-overlong": ({"HTTP_ACCESS_CONTROL_REQUEST_METHOD": "P" * 100}, "method"),
    "method-empty": ({"HTTP_ACCESS_CONTROL_REQUEST_METHOD": ""}, "method"),
    "headers-crlf": (
        {"HTTP_ACCESS_CONTROL_REQUEST_HEADERS": "x-token\r\nX-Injected: 1"},
        "header",
    ),
    "headers-10kB": ({"HTTP_ACCESS_CONTROL_REQUEST_HEADERS": "x-token," * 1250}, "header"),
    "headers-non-ascii": ({"HTTP_ACCESS_CONTROL_REQUEST_HEADERS": "x-t\xe9"}, "header"),
    "headers-nul": ({"HTTP_ACCESS_CONTROL_REQUEST_HEADERS": "x-token\x00"}, "header"),
}


@pytest.mark.parametrize(
    ("environ", "refused"), HOSTILE_PREFLIGHTS.values(), ids=HOSTILE_PREFLIGHTS.keys()
)
def test_hostile_preflight_values_are_refused_quietly(
    app: Flask, environ: dict[str, str], refused: str
) -> None:
    @app.route("/api/data", methods=["GET", "PUT"])
    def data() -> str:
        return "data"

    CORS(app, origins=[A], allow_headers=["X-Token"])
    overrides = {"HTTP_ORIGIN": A, "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "PUT", **environ}

    response = app.test_client().options("/api/data", environ_overrides=overrides)

    assert response.status_code == 403
    assert response.get_data(as_text=True) == f"CORS preflight refused: {refused}-not-allowed\n"
    assert cors_headers(response) == {}
    assert "X-Injected" not in response.headers


# -- OPTIONS that is not a preflight ---------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "status"),
    [("/api/data", 200), ("/api/strict", 405)],
    ids=["automatic-options", "no-automatic-options"],
)
def test_options_with_origin_but_no_request_method_is_not_a_preflight(
    app: Flask, path: str, status: int
) -> None:
    @app.route("/api/data", methods=["GET", "PUT"])
    def data() -> str:
        return "data"

    @app.route("/api/strict", methods=["GET"], provide_automatic_options=False)
    def strict() -> str:
        return "strict"

    CORS(app, origins=[A], max_age=60, expose_headers=["X-Total"])

    response = app.test_client().options(path, headers={"Origin": A, ACRH: "x-token"})

    assert response.status_code == status
    assert "Allow" in response.headers
    assert cors_headers(response) == {ACAO: A, ACEH: "X-Total"}
    assert vary(response) == ["Origin"]


def test_request_method_header_without_origin_is_not_a_preflight(app: Flask) -> None:
    @app.route("/api/data")
    def data() -> str:
        return "data"

    CORS(app, origins=[A])

    response = app.test_client().options("/api/data", headers={ACRM: "GET"})

    assert response.status_code == 200
    assert "Allow" in response.headers
    assert cors_headers(response) == {}
    assert vary(response) == ["Origin"]


# -- private network access ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("enabled", "origin", "request_private", "status", "expected"),
    [
        (True, A, "true", 200, {ACAO: A, ACAM: ALL_METHODS, ACAPN: "true"}),
        (True, A, None, 200, {ACAO: A, ACAM: ALL_METHODS}),
        (True, A, "false", 200, {ACAO: A, ACAM: ALL_METHODS}),
        (True, EVIL, "true", 403, {}),
        (False, A, "true", 403, {}),
        (False, A, None, 200, {ACAO: A, ACAM: ALL_METHODS}),
    ],
    ids=[
        "on-requested",
        "on-not-requested",
        "on-requested-false",
        "on-other-origin",
        "off-requested",
        "off-not-requested",
    ],
)
def test_private_network_is_allowed_only_when_on_asked_for_and_granted(
    app: Flask,
    enabled: bool,
    origin: str,
    request_private: str | None,
    status: int,
    expected: dict[str, str],
) -> None:
    @app.route("/api/data")
    def data() -> str:
        return "data"

    CORS(app, origins=[A], allow_private_network=enabled)
    extra = {} if request_private is None else {ACRPN: request_private}

    response = preflight(app.test_client(), "/api/data", origin, "GET", extra=extra)

    assert response.status_code == status
    assert cors_headers(response) == expected
    assert ("Access-Control-Request-Private-Network" in vary(response)) is enabled


@pytest.mark.parametrize("enabled", [True, False], ids=["on", "off"])
def test_private_network_is_never_answered_on_actual_responses(app: Flask, enabled: bool) -> None:
    @app.route("/api/data")
    def data() -> str:
        return "data"

    CORS(app, origins=[A], allow_private_network=enabled)

    response = get(app.test_client(), "/api/data", A, headers={ACRPN: "true"})

    assert response.status_code == 200
    assert cors_headers(response) == {ACAO: A}


# -- which headers go where -------------------------------------------------------------------


@pytest.fixture
def full_app(app: Flask) -> Flask:
    @app.route("/api/data", methods=["GET", "PUT"])
    def data() -> tuple[str, dict[str, str]]:
        return "data", {"X-Total": "3"}

    @app.route("/api/fail")
    def fail() -> str:
        abort(409)

    CORS(
        app,
        origins=[A],
        supports_credentials=True,
        methods=["GET", "PUT"],
        allow_headers=["X-Token"],
        expose_headers=["X-Total"],
        max_age=600,
    )
    return app


def test_preflight_carries_methods_headers_and_max_age_but_no_expose(full_app: Flask) -> None:
    response = preflight(full_app.test_client(), "/api/data", A, "PUT", "x-token")

    assert cors_headers(response) == {
        ACAO: A,
        ACAC: "true",
        ACAM: "GET, PUT",
        ACAH: "x-token",
        ACMA: "600",
    }


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("GET", "/api/data", 200), ("PUT", "/api/data", 200), ("GET", "/api/fail", 409)],
    ids=["get", "put", "error"],
)
def test_actual_response_carries_expose_but_no_preflight_headers(
    full_app: Flask, method: str, path: str, status: int
) -> None:
    response = full_app.test_client().open(
        path,
        method=method,
        headers={"Origin": A, ACRM: "PUT", ACRH: "x-token", "X-Token": "t"},
    )

    assert response.status_code == status
    assert cors_headers(response) == {ACAO: A, ACAC: "true", ACEH: "X-Total"}
    assert vary(response) == ["Origin"]
