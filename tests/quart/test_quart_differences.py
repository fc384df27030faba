"""Each row of the quart-cors table in docs/asgi.md, checked against quart-cors 0.8 itself
and crossorigin.quart: the same app, the same request, the two answers the table states."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
import quart_cors
from quart import Quart
from quart_helpers import get, preflight, send

from crossorigin import ConfigError
from crossorigin.quart import CORS
from shared.headers import ACAM, ACAO, ACEH, ACRM, cors_headers, vary

A = "https://app.example.com"


def app_with(setup: Any, hook: bool = False) -> Quart:
    """One app, made cross-origin by ``setup(app)``; with ``hook``, a login check
    that answers 401 to every request, as before_request hooks do."""
    app = Quart(__name__)

    @app.route("/api/items", methods=["GET", "POST"])
    async def items() -> str:
        return "items"

    if hook:

        @app.before_request
        async def login_required() -> Any:
            return "log in first", 401

    setup(app)
    return app


def with_quart_cors(**options: Any) -> Quart:
    return app_with(lambda app: quart_cors.cors(app, **options))


def with_crossorigin(**options: Any) -> Quart:
    return app_with(lambda app: CORS(app, **options))


def test_credentials_with_any_origin_fail_each_request_vs_refused_at_start_up() -> None:
    reply = get(with_quart_cors(allow_origin="*", allow_credentials=True), "/api/items", A)
    assert reply.status_code == 500  # ValueError raised in after_request, per request
    assert (
        get(with_quart_cors(allow_origin="*", allow_credentials=True), "/api/items").status_code
        == 500
    )
    with pytest.raises(ConfigError) as caught:
        with_crossorigin(origins="*", supports_credentials=True)
    assert caught.value.id == "E301"


def test_an_origin_without_scheme_never_matches_vs_refused_at_start_up() -> None:
    reply = get(with_quart_cors(allow_origin=["app.example.com"]), "/api/items", A)
    assert cors_headers(reply) == {}
    with pytest.raises(ConfigError) as caught:
        with_crossorigin(origins=["app.example.com"])
    assert caught.value.id == "E101"


def test_a_regex_matches_a_prefix_vs_the_whole_origin() -> None:
    pattern = re.compile(r"https://app\.example\.com")
    evil = "https://app.example.com.evil.net"
    assert cors_headers(get(with_quart_cors(allow_origin=[pattern]), "/api/items", evil)) == {
        ACAO: evil,
        ACEH: '""',
    }
    assert cors_headers(get(with_crossorigin(origins=[pattern]), "/api/items", evil)) == {}


def test_an_empty_expose_headers_on_every_grant_vs_none() -> None:
    assert get(with_quart_cors(allow_origin=[A]), "/api/items", A).headers[ACEH] == '""'
    assert ACEH not in get(with_crossorigin(origins=[A]), "/api/items", A).headers


def test_a_refused_preflight_is_200_without_reason_vs_403_with_it() -> None:
    other = "https://other.example.net"
    refused = preflight(with_quart_cors(allow_origin=[A]), "/api/items", other, "POST")
    assert refused.status_code == 200
    assert cors_headers(refused) == {}
    ours = preflight(with_crossorigin(origins=[A]), "/api/items", other, "POST")
    assert ours.status_code == 403
    assert ours.data == b"CORS preflight refused: origin-not-allowed\n"


def test_a_method_not_allowed_is_granted_an_origin_vs_refused() -> None:
    theirs = preflight(
        with_quart_cors(allow_origin=[A], allow_methods=["GET"]), "/api/items", A, "PUT"
    )
    assert theirs.status_code == 200
    assert ACAO in theirs.headers and ACAM not in theirs.headers
    ours = preflight(with_crossorigin(origins=[A], methods=["GET"]), "/api/items", A, "PUT")
    assert ours.status_code == 403
    assert ours.data == b"CORS preflight refused: method-not-allowed\n"


def test_a_preflight_runs_the_hooks_vs_answered_before_them() -> None:
    theirs = app_with(lambda app: quart_cors.cors(app, allow_origin=[A]), hook=True)
    assert preflight(theirs, "/api/items", A, "POST").status_code == 401
    ours = app_with(lambda app: CORS(app, origins=[A]), hook=True)
    assert preflight(ours, "/api/items", A, "POST").status_code == 200


def test_a_preflight_without_a_route_is_404_vs_answered() -> None:
    assert preflight(with_quart_cors(allow_origin=[A]), "/api/other", A, "PUT").status_code == 404
    assert preflight(with_crossorigin(origins=[A]), "/api/other", A, "PUT").status_code == 200


def test_preflight_vary_names_the_origin_alone_vs_the_request_headers_too() -> None:
    assert vary(preflight(with_quart_cors(allow_origin=[A]), "/api/items", A, "POST")) == ["Origin"]
    assert vary(preflight(with_crossorigin(origins=[A]), "/api/items", A, "POST")) == [
        "Origin",
        ACRM,
        "Access-Control-Request-Headers",
    ]


def test_one_policy_per_app_vs_per_path() -> None:
    app = app_with(
        lambda app: CORS(app, resources={"/api/*": {"origins": [A]}, "/public": {"origins": "*"}})
    )

    @app.route("/public")
    async def public() -> str:
        return "public"

    @app.route("/internal")
    async def internal() -> str:
        return "internal"

    assert cors_headers(get(app, "/api/items", A)) == {ACAO: A}
    assert cors_headers(get(app, "/public", "https://any.example.org")) == {ACAO: "*"}
    assert cors_headers(get(app, "/internal", A)) == {}


def test_origins_callables_sync_and_async() -> None:
    async def from_database(origin: str) -> bool:
        return origin == A

    assert cors_headers(get(with_crossorigin(origins=[from_database]), "/api/items", A)) == {
        ACAO: A
    }
    # quart-cors takes strings and compiled patterns only: a callable never matches.
    assert cors_headers(get(with_quart_cors(allow_origin=[from_database]), "/api/items", A)) == {}


def test_no_explanation_vs_a_logged_reason(caplog: pytest.LogCaptureFixture) -> None:
    other = "https://other.example.net"
    with caplog.at_level(logging.INFO):
        get(with_quart_cors(allow_origin=[A]), "/api/items", other)
        assert not [r for r in caplog.records if "origin" in r.getMessage().lower()]
        get(with_crossorigin(origins=[A]), "/api/items", other)
    assert [r.getMessage().split(":")[0] for r in caplog.records if r.name == "crossorigin"] == [
        "CORS origin-not-allowed"
    ]


def test_websocket_origin_checked_vs_left_to_the_app() -> None:
    import asyncio

    def with_socket(app: Quart) -> Quart:
        @app.websocket("/ws")
        async def ws() -> None:
            from quart import websocket

            await websocket.accept()
            await websocket.send("hello")

        return app

    async def connect(app: Quart) -> str:
        try:
            async with app.test_client().websocket("/ws", headers={"Origin": "https://x.net"}) as s:
                return str(await s.receive())
        except Exception as error:  # quart's test client raises on a refused handshake
            return type(error).__name__

    theirs = with_socket(with_quart_cors(allow_origin=[A]))
    ours = with_socket(with_crossorigin(origins=[A]))
    assert asyncio.run(connect(theirs)) != "hello"
    assert asyncio.run(connect(ours)) == "hello"


def test_options_and_config_keys_are_flask_cors_names() -> None:
    app = Quart(__name__)
    app.config["CORS_ORIGINS"] = [A]

    @app.route("/x")
    async def x() -> str:
        return "x"

    CORS(app)
    assert cors_headers(send(app, "GET", "/x", headers={"Origin": A})) == {ACAO: A}
