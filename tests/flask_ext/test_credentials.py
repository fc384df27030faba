"""``supports_credentials=True``: never with an origin that admits every site, never a
literal ``*`` in the other headers, and ``Access-Control-Allow-Credentials`` only with
a granted origin."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from crossorigin import CORS, ConfigError, cross_origin
from shared.headers import ACAC, ACAH, ACAM, ACAO, ACEH, ACMA, PREFLIGHT_VARY, cors_headers, vary

from .helpers import get, preflight

A = "https://app.example.com"

EVERY_SITE = {
    "star": "*",
    "star-in-list": [A, "*"],
    "default-origins": None,
    "regex-dot-star": re.compile(".*"),
    "regex-any-scheme": re.compile(r"https?://.+"),
}


def as_kwargs(app: Flask, options: dict[str, Any]) -> None:
    CORS(app, **options)


def as_config(app: Flask, options: dict[str, Any]) -> None:
    for name, value in options.items():
        app.config[f"CORS_{name.upper()}"] = value
    CORS(app)


def as_resource(app: Flask, options: dict[str, Any]) -> None:
    CORS(app, resources={"/api/*": options})


def as_decorator(app: Flask, options: dict[str, Any]) -> None:
    cross_origin(**options)


WAYS: dict[str, Callable[[Flask, dict[str, Any]], None]] = {
    "kwargs": as_kwargs,
    "config": as_config,
    "resource": as_resource,
    "decorator": as_decorator,
}


@pytest.mark.parametrize("way", WAYS.values(), ids=WAYS.keys())
@pytest.mark.parametrize("origins", EVERY_SITE.values(), ids=EVERY_SITE.keys())
def test_credentials_with_origins_that_admit_every_site_are_refused(
    app: Flask, way: Callable[[Flask, dict[str, Any]], None], origins: Any
) -> None:
    options: dict[str, Any] = {"supports_credentials": True}
    if origins is not None:
        options["origins"] = origins

    with pytest.raises(ConfigError) as info:
        way(app, options)

    assert info.value.id == "E301"
    assert "origins=['https://" in str(info.value)


def test_credentials_in_config_with_a_list_in_kwargs_are_accepted(app: Flask) -> None:
    app.config["CORS_SUPPORTS_CREDENTIALS"] = True
    CORS(app, origins=[A])

    @app.route("/data")
    def data() -> str:
        return "data"

    response = get(app.test_client(), "/data", A)
    assert cors_headers(response) == {ACAO: A, ACAC: "true"}


# -- no literal "*" with credentials ---------------------------------------------------


def credentialed_app(app: Flask, **options: Any) -> Flask:
    @app.route("/api/data", methods=["GET", "PUT"])
    def data() -> tuple[str, dict[str, str]]:
        return "data", {
            "X-Total-Count": "3",
            "X-Request-Id": "abc",
            "Content-Type": "text/plain",
            "Cache-Control": "no-store",
            "Set-Cookie": "session=1",
        }

    CORS(app, origins=[A], supports_credentials=True, **options)
    return app


STARS = {"methods": "*", "allow_headers": "*", "expose_headers": "*"}


@pytest.mark.parametrize(
    ("method", "request_headers", "expected_methods", "expected_headers"),
    [
        ("PUT", "x-custom,authorization", "PUT", "x-custom, authorization"),
        ("PROPFIND", "content-type", "PROPFIND", "content-type"),
        ("patch", "X-Custom", "patch", "x-custom"),
    ],
    ids=["put", "extension-method", "lower-case-method"],
)
def test_preflight_with_credentials_echoes_the_concrete_request_not_a_star(
    app: Flask, method: str, request_headers: str, expected_methods: str, expected_headers: str
) -> None:
    credentialed_app(app, max_age=60, **STARS)

    response = preflight(app.test_client(), "/api/data", A, method, request_headers)

    assert response.status_code == 200
    assert cors_headers(response) == {
        ACAO: A,
        ACAC: "true",
        ACAM: expected_methods,
        ACAH: expected_headers,
        ACMA: "60",
    }
    assert vary(response) == PREFLIGHT_VARY


def test_preflight_with_credentials_and_default_headers_lists_what_was_asked(app: Flask) -> None:
    credentialed_app(app)

    response = preflight(app.test_client(), "/api/data", A, "PUT", "authorization")

    assert cors_headers(response) == {
        ACAO: A,
        ACAC: "true",
        ACAM: "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS",
        ACAH: "authorization",
    }


def test_actual_response_with_credentials_exposes_its_own_header_names(app: Flask) -> None:
    credentialed_app(app, **STARS)

    response = get(app.test_client(), "/api/data", A)

    assert cors_headers(response) == {
        ACAO: A,
        ACAC: "true",
        ACEH: "X-Request-Id, X-Total-Count",
    }


def test_actual_response_with_credentials_and_nothing_to_expose_sends_no_expose(
    app: Flask,
) -> None:
    @app.route("/api/plain")
    def plain() -> str:
        return "plain"

    CORS(app, origins=[A], supports_credentials=True, expose_headers="*")

    response = get(app.test_client(), "/api/plain", A)

    assert cors_headers(response) == {ACAO: A, ACAC: "true"}


def test_without_credentials_expose_star_is_sent_as_star(app: Flask) -> None:
    @app.route("/api/data")
    def data() -> tuple[str, dict[str, str]]:
        return "data", {"X-Total-Count": "3"}

    CORS(app, origins=[A], expose_headers="*")

    response = get(app.test_client(), "/api/data", A)

    assert cors_headers(response) == {ACAO: A, ACEH: "*"}


# -- Access-Control-Allow-Credentials only with a granted origin --------------------------


@pytest.mark.parametrize(
    ("kind", "origin", "expected"),
    [
        ("actual", A, {ACAO: A, ACAC: "true"}),
        ("actual", "https://evil.example.com", {}),
        ("actual", None, {}),
        ("actual", "null", {}),
        ("preflight", "https://evil.example.com", {}),
        ("preflight-refused-method", A, {}),
    ],
    ids=[
        "granted",
        "other-origin",
        "no-origin",
        "null",
        "preflight-other-origin",
        "preflight-refused-method",
    ],
)
def test_allow_credentials_only_accompanies_a_granted_origin(
    app: Flask, kind: str, origin: str | None, expected: dict[str, str]
) -> None:
    @app.route("/api/data")
    def data() -> str:
        return "data"

    CORS(app, origins=[A], supports_credentials=True, methods=["GET"])
    client = app.test_client()

    if kind == "actual":
        response = get(client, "/api/data", origin)
    else:
        assert origin is not None
        response = preflight(client, "/api/data", origin, "GET" if kind == "preflight" else "PUT")

    assert cors_headers(response) == expected


@pytest.mark.parametrize(
    "pattern",
    [r"https://.*", r"https://.+", r"https://[^/]+"],
    ids=["dot-star", "dot-plus", "not-slash"],
)
def test_credentials_with_a_regex_admitting_every_https_site_are_refused(
    app: Flask, pattern: str
) -> None:
    with pytest.raises(ConfigError) as info:
        CORS(app, origins=[re.compile(pattern)], supports_credentials=True)

    assert info.value.id == "E301"


# -- the headers never depend on Cookie --------------------------------------------------

POLICY_KINDS: dict[str, dict[str, Any]] = {
    "any-origin": {},
    "any-origin-not-always-sent": {"always_send": False},
    "exact": {"origins": [A]},
    "subdomain-glob": {"origins": ["https://*.example.com"]},
    "any-port": {"origins": ["http://localhost:*"]},
    "regex": {"origins": [re.compile(r"https://(app|www)\.example\.com")]},
    "callable": {"origins": lambda origin: origin == A},
    "credentials": {"origins": [A], "supports_credentials": True},
    "credentials-glob": {"origins": ["https://*.example.com"], "supports_credentials": True},
    "expose": {"origins": [A], "expose_headers": ["X-Custom"]},
    "expose-star": {"origins": [A], "expose_headers": "*"},
}
ORIGINS_TRIED = [A, "http://localhost:3000", "https://evil.test", "null", None]


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("options", POLICY_KINDS.values(), ids=POLICY_KINDS.keys())
def test_cors_headers_are_the_same_with_and_without_a_cookie(
    app: Flask, options: dict[str, Any], debug: bool
) -> None:
    """Else a shared cache keyed on Origin (Vary: Origin) serves one answer to all."""
    CORS(app, debug=debug, **options)

    @app.route("/data", methods=["GET", "POST"])
    def data() -> tuple[str, dict[str, str]]:
        return "data", {"X-Custom": "1"}

    client = app.test_client(use_cookies=False)  # else the client drops a Cookie header
    for origin in ORIGINS_TRIED:
        for method in ("GET", "POST"):
            plain = client.open("/data", method=method, headers=_origin(origin))
            cookie = client.open(
                "/data", method=method, headers={**_origin(origin), "Cookie": "sid=1"}
            )
            assert cookie.request.environ["HTTP_COOKIE"] == "sid=1"
            assert cors_headers(cookie) == cors_headers(plain), (origin, method)
            assert vary(cookie) == vary(plain)
            assert "cookie" not in [t.lower() for t in vary(cookie)]


def _origin(origin: str | None) -> dict[str, str]:
    return {} if origin is None else {"Origin": origin}


def test_a_cookie_without_supports_credentials_is_named_in_the_log_and_debug_header(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    CORS(app, origins=[A], debug=True)

    @app.route("/data")
    def data() -> str:
        return "data"

    client = app.test_client(use_cookies=False)
    with caplog.at_level("INFO", logger="crossorigin"):
        response = get(client, "/data", A, headers={"Cookie": "sid=1"})
    assert cors_headers(response) == {ACAO: A}
    assert response.headers["X-CORS-Decision"] == "actual; credentials-not-allowed"
    (line,) = [r.getMessage() for r in caplog.records]
    assert "credentials-not-allowed" in line and "supports_credentials=True" in line
    response = get(client, "/data", A)
    assert response.headers["X-CORS-Decision"] == "actual; allowed"
