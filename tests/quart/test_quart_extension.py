"""crossorigin.quart through Quart's test client: the Flask extension's behaviours."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
from quart import Blueprint, Quart, abort, jsonify
from quart.signals import request_started
from quart_helpers import get, preflight, send

from crossorigin import ConfigError
from crossorigin.quart import CORS, cross_origin
from shared.headers import (
    ACAC,
    ACAH,
    ACAM,
    ACAO,
    ACAPN,
    ACEH,
    ACMA,
    ACRPN,
    PREFLIGHT_VARY,
    cors_headers,
    vary,
)

A = "https://app.example.com"
B = "https://evil.example.net"
ALL_METHODS = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"


def make_app(**options: Any) -> Quart:
    app = Quart(__name__)

    @app.route("/api/items", methods=["GET", "POST", "PUT"])
    async def items() -> Any:
        return jsonify(["a", "b"])

    @app.route("/api/sync")
    def sync_view() -> str:
        return "sync"

    @app.route("/api/headers")
    async def own_headers() -> Any:
        return "x", 200, {"X-Total-Count": "3", "Vary": "Accept-Encoding"}

    @app.route("/api/abort")
    async def aborts() -> str:
        abort(403)

    @app.route("/api/boom")
    async def boom() -> str:
        raise RuntimeError("boom")

    @app.route("/public")
    async def public() -> str:
        return "public"

    if options is not None:
        CORS(app, **options)
    return app


# -- simple requests ---------------------------------------------------------------------


def test_a_listed_origin_is_echoed_with_vary() -> None:
    reply = get(make_app(origins=[A]), "/api/items", A)
    assert reply.status_code == 200
    assert reply.get_json() == ["a", "b"]
    assert cors_headers(reply) == {ACAO: A}
    assert vary(reply) == ["Origin"]


def test_an_unlisted_origin_gets_no_grant_but_vary() -> None:
    reply = get(make_app(origins=[A]), "/api/items", B)
    assert reply.status_code == 200
    assert cors_headers(reply) == {}
    assert vary(reply) == ["Origin"]


@pytest.mark.parametrize("origin", [None, A, B, "null"])
def test_any_origin_is_the_literal_wildcard(origin: str | None) -> None:
    reply = get(make_app(), "/api/items", origin)
    assert cors_headers(reply) == {ACAO: "*"}
    assert vary(reply) == []


def test_a_sync_view_is_served_as_quart_serves_it() -> None:
    reply = get(make_app(origins=[A]), "/api/sync", A)
    assert reply.data == b"sync"
    assert cors_headers(reply) == {ACAO: A}


def test_credentials_are_sent_with_the_echoed_origin() -> None:
    app = make_app(origins=[A], supports_credentials=True)
    reply = get(app, "/api/items", A, headers={"Cookie": "session=1"})
    assert cors_headers(reply) == {ACAO: A, ACAC: "true"}


def test_expose_headers_and_vary_merged_with_the_apps() -> None:
    reply = get(make_app(origins=[A], expose_headers=["X-Total-Count"]), "/api/headers", A)
    assert cors_headers(reply) == {ACAO: A, ACEH: "X-Total-Count"}
    assert vary(reply) == ["Accept-Encoding", "Origin"]


def test_resources_patterns_pick_the_policy_by_path() -> None:
    app = make_app(
        resources={r"/api/*": {"origins": [A]}, "/public": {"origins": "*"}},
    )
    assert cors_headers(get(app, "/api/items", A)) == {ACAO: A}
    assert cors_headers(get(app, "/api/items", B)) == {}
    assert cors_headers(get(app, "/public", B)) == {ACAO: "*"}


def test_a_path_no_resource_covers_is_left_alone() -> None:
    app = make_app(resources={r"/api/*": {"origins": [A]}})
    reply = get(app, "/public", A)
    assert cors_headers(reply) == {}
    assert vary(reply) == []


def test_error_responses_of_a_covered_path_get_the_headers() -> None:
    app = make_app(origins=[A])
    for path, status in [("/api/abort", 403), ("/api/missing", 404), ("/api/boom", 500)]:
        reply = get(app, path, A)
        assert reply.status_code == status, path
        assert cors_headers(reply) == {ACAO: A}, path


def test_answers_are_the_same_on_the_first_request_and_after() -> None:
    """The first response settles that the path alone decides; later requests take the
    shorter way, with the same answers, uncovered paths and error responses included."""
    options: dict[str, Any] = {"resources": {r"/api/*": {"origins": [A]}}}
    requests = [
        ("/api/items", A),
        ("/api/items", B),
        ("/public", A),
        ("/api/abort", A),
        ("/api/boom", A),
        ("/api/missing", A),
    ]

    def answer(app: Quart, path: str, origin: str) -> tuple[int, dict[str, str]]:
        reply = get(app, path, origin)
        return reply.status_code, cors_headers(reply)

    # Each on a new app: every one is that app's first request.
    first = [answer(make_app(**options), path, origin) for path, origin in requests]
    assert first[0] == (200, {ACAO: A})
    assert first[2] == (200, {})
    assert first[4] == (500, {ACAO: A})
    app = make_app(**options)
    for _ in range(3):
        assert [answer(app, path, origin) for path, origin in requests] == first


def test_intercept_exceptions_false_leaves_an_uncaught_500_alone() -> None:
    app = make_app(origins=[A], intercept_exceptions=False)
    reply = get(app, "/api/boom", A)
    assert reply.status_code == 500
    assert cors_headers(reply) == {}
    assert cors_headers(get(app, "/api/abort", A)) == {ACAO: A}


def test_a_405_gets_the_headers() -> None:
    reply = send(make_app(origins=[A]), "DELETE", "/api/items", headers={"Origin": A})
    assert reply.status_code == 405
    assert cors_headers(reply) == {ACAO: A}


# -- preflights ----------------------------------------------------------------------------


def test_a_preflight_is_answered_with_methods_headers_and_max_age() -> None:
    app = make_app(origins=[A], methods=["GET", "PUT"], allow_headers=["Content-Type"], max_age=600)
    reply = preflight(app, "/api/items", A, "PUT", "content-type")
    assert reply.status_code == 200
    assert reply.data == b""
    assert cors_headers(reply) == {ACAO: A, ACAM: "GET, PUT", ACAH: "content-type", ACMA: "600"}
    assert vary(reply) == PREFLIGHT_VARY


@pytest.mark.parametrize(
    ("origin", "method", "headers", "reason"),
    [
        (B, "PUT", None, "origin-not-allowed"),
        (A, "DELETE", None, "method-not-allowed"),
        (A, "PUT", "x-secret", "header-not-allowed"),
    ],
)
def test_a_refused_preflight_is_403_with_the_reason(
    origin: str, method: str, headers: str | None, reason: str
) -> None:
    app = make_app(origins=[A], methods=["GET", "PUT"], allow_headers=["Content-Type"])
    reply = preflight(app, "/api/items", origin, method, headers)
    assert reply.status_code == 403
    assert reply.data == f"CORS preflight refused: {reason}\n".encode()
    assert cors_headers(reply) == {}


def test_preflights_are_answered_before_hooks_and_routing() -> None:
    app = make_app(origins=[A])
    ran: list[str] = []

    @app.before_request
    async def login_required() -> Any:
        ran.append("hook")
        return "login first", 401

    reply = preflight(app, "/api/items", A, "PUT")
    assert reply.status_code == 200
    assert cors_headers(reply)[ACAO] == A
    assert ran == []
    # An actual request runs the hook, and its 401 gets the headers.
    reply = get(app, "/api/items", A)
    assert reply.status_code == 401
    assert cors_headers(reply) == {ACAO: A}
    assert ran == ["hook"]


def test_a_preflight_for_a_path_without_a_route_is_answered() -> None:
    reply = preflight(make_app(origins=[A]), "/api/nowhere", A, "DELETE")
    assert reply.status_code == 200
    assert cors_headers(reply)[ACAM] == ALL_METHODS


def test_a_preflight_with_a_trailing_slash_redirect_is_answered() -> None:
    app = Quart(__name__)

    @app.route("/api/dir/")
    async def directory() -> str:
        return "dir"

    @app.route("/api/decorated/")
    @cross_origin(origins=[B])
    async def decorated() -> str:
        return "decorated"

    CORS(app, origins=[A])
    assert preflight(app, "/api/dir", A).status_code == 200
    # The decorated view's policy answers for the path the browser is redirected to.
    assert preflight(app, "/api/decorated", B).status_code == 200
    assert preflight(app, "/api/decorated", A).status_code == 403


def test_automatic_options_false_hands_the_preflight_to_the_app() -> None:
    app = make_app(origins=[A], automatic_options=False)
    reply = preflight(app, "/api/items", A, "PUT")
    assert reply.status_code == 200
    assert cors_headers(reply)[ACAO] == A
    assert "GET" in reply.headers["Allow"]  # Quart's own OPTIONS answer


def test_private_network_access() -> None:
    app = make_app(origins=[A], allow_private_network=True)
    reply = preflight(app, "/api/items", A, extra={ACRPN: "true"})
    assert cors_headers(reply)[ACAPN] == "true"
    refused = preflight(make_app(origins=[A]), "/api/items", A, extra={ACRPN: "true"})
    assert refused.status_code == 403


# -- origins callables ---------------------------------------------------------------------


def test_a_sync_origins_callable() -> None:
    asked: list[str] = []

    def allowed(origin: str) -> bool:
        asked.append(origin)
        return origin.endswith(".example.com")

    app = make_app(origins=[allowed])
    assert cors_headers(get(app, "/api/items", A)) == {ACAO: A}
    assert cors_headers(get(app, "/api/items", B)) == {}
    assert preflight(app, "/api/items", A, "PUT").status_code == 200
    assert asked == [A, B, A]


def test_an_async_origins_callable_is_awaited() -> None:
    asked: list[str] = []

    async def allowed(origin: str) -> bool:
        asked.append(origin)
        return origin == A

    app = make_app(origins=["https://fixed.example.org", allowed], supports_credentials=True)
    assert cors_headers(get(app, "/api/items", A)) == {ACAO: A, ACAC: "true"}
    assert cors_headers(get(app, "/api/items", B)) == {}
    assert preflight(app, "/api/items", A, "PUT").status_code == 200
    assert preflight(app, "/api/items", B, "PUT").status_code == 403
    # A listed origin is granted without asking.
    assert cors_headers(get(app, "/api/items", "https://fixed.example.org"))[ACAO]
    assert asked == [A, B, A, B]


def test_an_async_callable_that_raises_refuses(caplog: pytest.LogCaptureFixture) -> None:
    async def broken(origin: str) -> bool:
        raise LookupError("allow-list down")

    reply = get(make_app(origins=[broken]), "/api/items", A)
    assert reply.status_code == 200
    assert cors_headers(reply) == {}
    assert "raised; origin refused" in caplog.text


def test_an_async_callable_under_the_decorator_alone_is_awaited() -> None:
    app = Quart(__name__)

    async def allowed(origin: str) -> bool:
        return origin == A

    @app.route("/only")
    @cross_origin(origins=[allowed])
    async def only() -> str:
        return "only"

    assert cors_headers(get(app, "/only", A)) == {ACAO: A}
    assert cors_headers(get(app, "/only", B)) == {}
    assert preflight(app, "/only", A).status_code == 200


# -- blueprints ----------------------------------------------------------------------------


def blueprint_app() -> Quart:
    api = Blueprint("api", __name__)

    @api.route("/users", methods=["GET", "POST"])
    async def users() -> str:
        return "users"

    CORS(api, origins=[A])
    app = Quart(__name__)

    @app.route("/health")
    async def health() -> str:
        return "ok"

    app.register_blueprint(api, url_prefix="/api/v1")
    return app


def test_a_blueprint_policy_covers_its_routes_under_its_url_prefix() -> None:
    app = blueprint_app()
    assert cors_headers(get(app, "/api/v1/users", A)) == {ACAO: A}
    assert cors_headers(get(app, "/api/v1/users", B)) == {}
    assert preflight(app, "/api/v1/users", A, "DELETE").status_code == 200
    assert preflight(app, "/api/v1/missing", A).status_code == 200
    assert cors_headers(get(app, "/api/v1/missing", A)) == {ACAO: A}


def test_routes_outside_the_blueprint_are_left_alone() -> None:
    app = blueprint_app()
    assert cors_headers(get(app, "/health", A)) == {}
    assert cors_headers(preflight(app, "/health", A)) == {}


def test_a_blueprint_policy_over_the_apps() -> None:
    api = Blueprint("api", __name__, url_prefix="/api")

    @api.route("/x")
    async def x() -> str:
        return "x"

    CORS(api, origins=[B])
    app = make_app(origins=[A])
    app.register_blueprint(api)
    assert cors_headers(get(app, "/api/x", B)) == {ACAO: B}
    assert cors_headers(get(app, "/api/x", A)) == {}
    assert cors_headers(get(app, "/public", A)) == {ACAO: A}


def test_a_path_only_app_stops_listening_for_routed_requests() -> None:
    """Once the path alone decides, Quart's ``request_started`` has no receiver for the
    app (a receiver costs every request a dispatch), and the answers stay the same."""
    app = make_app(origins=[A], intercept_exceptions=False)
    assert list(request_started.receivers_for(app))
    first = get(app, "/api/items", A)
    assert not list(request_started.receivers_for(app))
    for _ in range(3):
        assert cors_headers(get(app, "/api/items", A)) == cors_headers(first) == {ACAO: A}
        assert cors_headers(get(app, "/api/items", B)) == {}
        assert cors_headers(get(app, "/api/boom", A)) == {}  # an uncaught 500, left alone


def test_an_app_with_a_decorated_view_keeps_listening() -> None:
    app = decorated_app(with_cors=True)
    for _ in range(2):
        assert cors_headers(get(app, "/restricted", A)) == {ACAO: A, ACAC: "true"}
        assert cors_headers(get(app, "/plain", B)) == {ACAO: B}
    assert list(request_started.receivers_for(app))


# -- the decorator -------------------------------------------------------------------------


def decorated_app(with_cors: bool) -> Quart:
    app = Quart(__name__)

    @app.route("/open")
    @cross_origin
    async def open_view() -> str:
        return "open"

    @app.route("/restricted", methods=["GET", "PUT"])
    @cross_origin(origins=[A], supports_credentials=True, max_age=60)
    def restricted() -> str:
        return "restricted"

    @app.route("/fails")
    @cross_origin(origins=[A])
    async def fails() -> str:
        abort(409)

    @app.route("/plain")
    async def plain() -> str:
        return "plain"

    if with_cors:
        CORS(app, origins=[B])
    return app


@pytest.mark.parametrize("with_cors", [False, True], ids=["alone", "under-CORS"])
def test_the_decorator_governs_its_view(with_cors: bool) -> None:
    app = decorated_app(with_cors)
    assert cors_headers(get(app, "/open", B)) == {ACAO: "*"}
    assert get(app, "/restricted", A).data == b"restricted"
    assert cors_headers(get(app, "/restricted", A)) == {ACAO: A, ACAC: "true"}
    assert cors_headers(get(app, "/restricted", B)) == {}
    answer = preflight(app, "/restricted", A, "PUT")
    assert answer.status_code == 200
    assert cors_headers(answer) == {ACAO: A, ACAC: "true", ACAM: ALL_METHODS, ACMA: "60"}
    assert preflight(app, "/restricted", B, "PUT").status_code == 403
    failed = get(app, "/fails", A)
    assert failed.status_code == 409
    assert cors_headers(failed) == {ACAO: A}


@pytest.mark.parametrize("with_cors", [False, True], ids=["alone", "under-CORS"])
def test_the_views_without_a_decorator(with_cors: bool) -> None:
    app = decorated_app(with_cors)
    expected = {ACAO: B} if with_cors else {}
    assert cors_headers(get(app, "/plain", B)) == expected


def test_the_decorator_answers_a_non_preflight_options_with_the_allow_list() -> None:
    reply = send(decorated_app(False), "OPTIONS", "/restricted", headers={"Origin": A})
    assert reply.status_code == 200
    assert "PUT" in reply.headers["Allow"]
    assert cors_headers(reply) == {ACAO: A, ACAC: "true"}


# -- configuration ------------------------------------------------------------------------


def test_cors_config_keys() -> None:
    app = Quart(__name__)
    app.config.update(CORS_ORIGINS=[A], CORS_EXPOSE_HEADERS=["X-Total-Count"], CORS_MAX_AGE=5)

    @app.route("/x")
    async def x() -> str:
        return "x"

    CORS(app)
    assert cors_headers(get(app, "/x", A)) == {ACAO: A, ACEH: "X-Total-Count"}
    assert cors_headers(preflight(app, "/x", A))[ACMA] == "5"


def test_init_app_in_an_app_factory() -> None:
    cors = CORS(origins=[B])

    def create_app(origin: str) -> Quart:
        app = Quart(__name__)

        @app.route("/x")
        async def x() -> str:
            return "x"

        cors.init_app(app, origins=[origin])
        return app

    first, second = create_app(A), create_app(B)
    assert cors_headers(get(first, "/x", A)) == {ACAO: A}
    assert cors_headers(get(second, "/x", A)) == {}
    assert cors_headers(get(second, "/x", B)) == {ACAO: B}


def test_debug_adds_the_decision_header_and_explains_a_refusal() -> None:
    app = make_app(origins=[A], debug=True)
    reply = get(app, "/api/items", B)
    assert reply.headers["X-CORS-Decision"] == "actual; origin-not-allowed"
    refused = preflight(app, "/api/items", B)
    assert refused.status_code == 403
    assert B.encode() in refused.data
    assert b"origins" in refused.data


def test_debug_follows_the_apps_debug_mode() -> None:
    app = make_app(origins=[A])
    assert "X-CORS-Decision" not in get(app, "/api/items", B).headers
    app.debug = True
    assert get(app, "/api/items", B).headers["X-CORS-Decision"] == "actual; origin-not-allowed"


def test_a_refusal_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="crossorigin"):
        get(make_app(origins=[A]), "/api/items", B)
    assert [r.getMessage().split(":")[0] for r in caplog.records] == ["CORS origin-not-allowed"]


# -- start-up errors ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "error_id"),
    [
        ({"origins": "*", "supports_credentials": True}, "E301"),
        ({"origins": ["app.example.com"]}, "E101"),
        ({"origin": [A]}, "E001"),
        ({"resources": {"/api/*": {"origins": 5}}}, "E002"),
    ],
)
def test_a_refused_configuration_raises_the_flask_error_id(
    options: dict[str, Any], error_id: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        make_app(**options)
    assert caught.value.id == error_id
    assert re.search(r"in: .*test_quart_extension\.py:\d+", str(caught.value))


def test_a_refused_decorator_raises_at_import() -> None:
    with pytest.raises(ConfigError) as caught:
        cross_origin(origins="*", supports_credentials=True)
    assert caught.value.id == "E301"


def test_a_misspelt_config_key_is_refused() -> None:
    app = Quart(__name__)
    app.config["CORS_ORIGIN"] = [A]
    with pytest.raises(ConfigError) as caught:
        CORS(app)
    assert "CORS_ORIGIN" in str(caught.value)


def test_cors_twice_on_one_app_is_refused() -> None:
    app = make_app(origins=[A])
    with pytest.raises(ConfigError) as caught:
        CORS(app)
    assert caught.value.id == "E501"


def test_cors_on_a_blueprint_after_registration_is_refused() -> None:
    api = Blueprint("late", __name__)
    Quart(__name__).register_blueprint(api)
    with pytest.raises(ConfigError) as caught:
        CORS(api)
    assert caught.value.id == "E502"


def test_cors_on_something_else_is_refused() -> None:
    with pytest.raises(ConfigError) as caught:
        CORS(object())  # type: ignore[arg-type]
    assert caught.value.id == "E501"


def test_websocket_scopes_pass_through() -> None:
    app = make_app(origins=[A])

    @app.websocket("/ws")
    async def ws() -> None:
        from quart import websocket

        await websocket.send("hello")

    async def run() -> str:
        async with app.test_client().websocket("/ws", headers={"Origin": B}) as socket:
            return str(await socket.receive())

    import asyncio

    assert asyncio.run(run()) == "hello"
