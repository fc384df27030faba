"""Blueprint and decorator policies, alone and next to ``CORS(app)``, and the one log
record per refusal."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Blueprint, Flask, Response, abort
from werkzeug.wrappers import Response as WerkzeugResponse

from crossorigin import CORS, ConfigError, cross_origin
from shared.headers import (
    ACAC,
    ACAH,
    ACAM,
    ACAO,
    ACEH,
    ACMA,
    ACRM,
    PREFLIGHT_VARY,
    cors_headers,
    vary,
)

from .helpers import get, preflight

A = "https://a.example.com"
B = "https://b.example.com"
EVIL = "https://evil.example.net"
ALL_METHODS = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"


def granted(app: Flask, path: str, origin: str) -> bool:
    acao = cors_headers(get(app.test_client(), path, origin)).get(ACAO)
    assert acao in (None, origin)
    return acao == origin


# -- blueprints ----------------------------------------------------------------------------


def blueprint_app(app: Flask, *, app_policy: bool) -> Flask:
    api = Blueprint("api", __name__, url_prefix="/api")
    CORS(api, origins=[A])

    @api.route("/users")
    def users() -> str:
        return "users"

    @api.route("/fail")
    def fail() -> str:
        abort(409)

    @app.route("/other")
    def other() -> str:
        return "other"

    app.register_blueprint(api)
    if app_policy:
        CORS(app, origins=[B])
    return app


@pytest.mark.parametrize(
    ("path", "status", "expected"),
    [
        ("/api/users", 200, {A}),
        ("/api/fail", 409, {A}),
        ("/api/missing", 404, {A}),
        ("/api/deeper/missing", 404, {A}),
        ("/apix", 404, set()),
        ("/other", 200, set()),
        ("/missing", 404, set()),
    ],
    ids=["route", "abort", "404-under-prefix", "deep-404", "prefix-lookalike", "app-route", "404"],
)
def test_blueprint_policy_covers_its_routes_and_prefix_only(
    app: Flask, path: str, status: int, expected: set[str]
) -> None:
    blueprint_app(app, app_policy=False)

    assert get(app.test_client(), path).status_code == status
    assert {origin for origin in (A, B) if granted(app, path, origin)} == expected


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/api/users", {A}),
        ("/api/missing", {A}),
        ("/other", {B}),
        ("/missing", {B}),
    ],
    ids=["blueprint-route", "404-under-prefix", "app-route", "404-elsewhere"],
)
def test_blueprint_policy_wins_over_the_app_policy_on_its_routes(
    app: Flask, path: str, expected: set[str]
) -> None:
    blueprint_app(app, app_policy=True)

    assert {origin for origin in (A, B) if granted(app, path, origin)} == expected


@pytest.mark.parametrize("app_policy", [False, True], ids=["blueprint-only", "with-app-policy"])
@pytest.mark.parametrize("path", ["/api/users", "/api/missing"], ids=["route", "404"])
def test_blueprint_policy_answers_preflights(app: Flask, app_policy: bool, path: str) -> None:
    blueprint_app(app, app_policy=app_policy)
    client = app.test_client()

    allowed = preflight(client, path, A, "PUT")
    refused = preflight(client, path, B, "PUT")

    assert allowed.status_code == 200
    assert cors_headers(allowed) == {ACAO: A, ACAM: ALL_METHODS}
    assert refused.status_code == 403
    assert cors_headers(refused) == {}


def test_blueprint_registered_twice_is_covered_under_both_prefixes(app: Flask) -> None:
    api = Blueprint("api", __name__)
    CORS(api, origins=[A])

    @api.route("/users")
    def users() -> str:
        return "users"

    app.register_blueprint(api, url_prefix="/v1")
    app.register_blueprint(api, url_prefix="/v2", name="api_v2")

    assert granted(app, "/v1/users", A)
    assert granted(app, "/v2/users", A)
    assert granted(app, "/v2/missing", A)


def test_nested_blueprint_policy_covers_its_routes(app: Flask) -> None:
    parent = Blueprint("parent", __name__, url_prefix="/parent")
    child = Blueprint("child", __name__, url_prefix="/child")
    CORS(child, origins=[A])

    @child.route("/items")
    def items() -> str:
        return "items"

    @parent.route("/own")
    def own() -> str:
        return "own"

    parent.register_blueprint(child)
    app.register_blueprint(parent)

    assert granted(app, "/parent/child/items", A)
    assert granted(app, "/parent/child/missing", A)
    assert not granted(app, "/parent/own", A)


# -- decorators next to CORS(app) --------------------------------------------------------------


def decorated_app(app: Flask, **app_options: Any) -> Flask:
    @app.route("/special", methods=["GET", "POST"])
    @cross_origin(origins=[B], supports_credentials=True)
    def special() -> str:
        return "special"

    @app.route("/special-fail")
    @cross_origin(origins=[B])
    def special_fail() -> str:
        abort(409)

    @app.route("/plain")
    def plain() -> str:
        return "plain"

    CORS(app, origins=[A], **app_options)
    return app


@pytest.mark.parametrize(
    ("path", "expected"),
    [("/special", {B}), ("/special-fail", {B}), ("/plain", {A})],
    ids=["decorated", "decorated-abort", "plain"],
)
def test_decorator_policy_governs_its_view_next_to_the_app_policy(
    app: Flask, path: str, expected: set[str]
) -> None:
    decorated_app(app)

    assert {origin for origin in (A, B) if granted(app, path, origin)} == expected


def test_decorator_policy_governs_its_view_outside_the_app_resources(app: Flask) -> None:
    decorated_app(app, resources={"/api/*": {}})

    assert granted(app, "/special", B)
    assert not granted(app, "/plain", A)


def test_decorator_policy_answers_preflights_before_routing_next_to_the_app_policy(
    app: Flask,
) -> None:
    calls: list[str] = []
    decorated_app(app)

    @app.before_request
    def require_login() -> tuple[str, int]:
        calls.append("auth")
        return "login required", 401

    client = app.test_client()

    allowed = preflight(client, "/special", B, "POST", "x-token")
    refused = preflight(client, "/special", A, "POST")

    assert allowed.status_code == 200
    assert cors_headers(allowed) == {
        ACAO: B,
        ACAC: "true",
        ACAM: ALL_METHODS,
        ACAH: "x-token",
    }
    assert refused.status_code == 403
    assert cors_headers(refused) == {}
    assert calls == []


def test_decorator_policy_wins_inside_a_blueprint_with_its_own_policy(app: Flask) -> None:
    api = Blueprint("api", __name__, url_prefix="/api")
    CORS(api, origins=[A])

    @api.route("/users")
    def users() -> str:
        return "users"

    @api.route("/public")
    @cross_origin(origins=[B])
    def public() -> str:
        return "public"

    app.register_blueprint(api)

    assert {origin for origin in (A, B) if granted(app, "/api/users", origin)} == {A}
    assert {origin for origin in (A, B) if granted(app, "/api/public", origin)} == {B}


def test_empty_app_resources_give_decorators_the_early_preflight_answer(app: Flask) -> None:
    calls: list[str] = []

    @app.route("/dec/", methods=["GET", "PUT"])
    @cross_origin(origins=[A])
    def dec() -> str:
        return "dec"

    @app.route("/plain")
    def plain() -> str:
        return "plain"

    @app.before_request
    def require_login() -> tuple[str, int]:
        calls.append("auth")
        return "login required", 401

    CORS(app, resources={})
    client = app.test_client()

    decorated = preflight(client, "/dec", A, "PUT")
    undecorated = preflight(client, "/plain", A, "GET")

    assert decorated.status_code == 200
    assert cors_headers(decorated) == {ACAO: A, ACAM: ALL_METHODS}
    assert undecorated.status_code == 401
    assert cors_headers(undecorated) == {}
    assert calls == ["auth"]


# -- a decorator alone -----------------------------------------------------------------------


def standalone_app(app: Flask, calls: list[str]) -> Flask:
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.route("/data", methods=["GET", "PUT"])
    @cross_origin(origins=[A], expose_headers=["X-Total"], max_age=60)
    def data() -> tuple[str, dict[str, str]]:
        calls.append("data")
        return "data", {"X-Total": "3"}

    @app.route("/forbidden")
    @cross_origin(origins=[A], expose_headers=["X-Total"])
    def forbidden() -> str:
        calls.append("forbidden")
        abort(403)

    @app.route("/boom")
    @cross_origin(origins=[A], expose_headers=["X-Total"])
    def boom() -> str:
        calls.append("boom")
        raise RuntimeError("boom")

    @app.route("/bare")
    @cross_origin
    def bare() -> str:
        return "bare"

    @app.route("/plain")
    def plain() -> str:
        return "plain"

    return app


@pytest.fixture
def calls() -> list[str]:
    return []


def test_decorator_alone_answers_preflights(app: Flask, calls: list[str]) -> None:
    standalone_app(app, calls)

    response = preflight(app.test_client(), "/data", A, "PUT", "x-token")

    assert response.status_code == 200
    assert response.data == b""
    assert cors_headers(response) == {
        ACAO: A,
        ACAM: ALL_METHODS,
        ACAH: "x-token",
        ACMA: "60",
    }
    assert vary(response) == PREFLIGHT_VARY
    assert calls == []


def test_decorator_alone_refuses_preflights_from_other_origins(
    app: Flask, calls: list[str]
) -> None:
    standalone_app(app, calls)

    response = preflight(app.test_client(), "/data", EVIL, "PUT")

    assert response.status_code == 403
    assert cors_headers(response) == {}
    assert "origin-not-allowed" in response.get_data(as_text=True)
    assert calls == []


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/data", 200),
        ("PUT", "/data", 200),
        ("GET", "/forbidden", 403),
        ("GET", "/boom", 500),
    ],
    ids=["get", "put", "abort-in-view", "exception-in-view"],
)
def test_decorator_alone_adds_headers_to_its_responses(
    app: Flask, calls: list[str], method: str, path: str, status: int
) -> None:
    standalone_app(app, calls)
    client = app.test_client()

    allowed = client.open(path, method=method, headers={"Origin": A})
    refused = client.open(path, method=method, headers={"Origin": EVIL})

    assert allowed.status_code == status
    assert cors_headers(allowed) == {ACAO: A, ACEH: "X-Total"}
    assert vary(allowed) == ["Origin"]
    assert refused.status_code == status
    assert cors_headers(refused) == {}
    assert vary(refused) == ["Origin"]


@pytest.mark.parametrize(
    ("returned", "own_vary"),
    [
        (lambda: "text", None),
        (lambda: ("created", 201, {"Vary": "Accept"}), "Accept"),
        (lambda: Response("flask", headers={"Vary": "Accept"}), "Accept"),
        (lambda: WerkzeugResponse("werkzeug"), None),
        (lambda: {"json": True}, None),
    ],
    ids=["str", "tuple-with-vary", "flask-response-with-vary", "werkzeug-response", "dict"],
)
def test_decorator_alone_adds_headers_whatever_the_view_returns(
    returned: Callable[[], Any], own_vary: str | None
) -> None:
    app = Flask(__name__)

    @app.route("/v")
    @cross_origin(origins=[A])
    def view() -> Any:
        return returned()

    client = app.test_client()
    for _ in range(2):
        allowed = get(client, "/v", A)
        refused = get(client, "/v", EVIL)
        assert allowed.status_code == refused.status_code < 300
        assert cors_headers(allowed) == {ACAO: A}
        assert cors_headers(refused) == {}
        expected_vary = [own_vary, "Origin"] if own_vary else ["Origin"]
        assert vary(allowed) == vary(refused) == expected_vary


def test_decorator_alone_treats_options_without_request_method_as_actual(
    app: Flask, calls: list[str]
) -> None:
    standalone_app(app, calls)

    response = app.test_client().options("/data", headers={"Origin": A})

    assert response.status_code == 200
    assert "Allow" in response.headers
    assert cors_headers(response) == {ACAO: A, ACEH: "X-Total"}
    assert calls == []


def test_decorator_alone_with_automatic_options_off_lets_the_view_answer(app: Flask) -> None:
    @app.route("/own", methods=["GET", "OPTIONS"])
    @cross_origin(origins=[A], automatic_options=False)
    def own() -> str:
        return "own answer"

    response = preflight(app.test_client(), "/own", A, "GET", "x-token")

    assert response.status_code == 200
    assert response.data == b"own answer"
    assert cors_headers(response) == {ACAO: A, ACAM: ALL_METHODS, ACAH: "x-token"}


def test_bare_decorator_allows_any_origin(app: Flask, calls: list[str]) -> None:
    standalone_app(app, calls)

    response = get(app.test_client(), "/bare", EVIL)

    assert cors_headers(response) == {ACAO: "*"}


@pytest.mark.parametrize("kind", ["actual", "preflight"])
def test_decorator_alone_leaves_other_views_alone(app: Flask, calls: list[str], kind: str) -> None:
    standalone_app(app, calls)
    client = app.test_client()

    if kind == "actual":
        response = get(client, "/plain", A)
    else:
        response = preflight(client, "/plain", A, "GET")

    assert response.status_code == 200
    assert cors_headers(response) == {}
    assert vary(response) == []


# -- logging -----------------------------------------------------------------------------------


def logged_app(app: Flask) -> Flask:
    @app.route("/api/data", methods=["GET", "PUT"])
    def data() -> str:
        return "data"

    @app.route("/api/decorated")
    @cross_origin(origins=[B])
    def decorated() -> str:
        return "decorated"

    CORS(app, origins=[A], methods=["GET"], allow_headers=["X-Token"])
    return app


def standalone_logged_app(app: Flask) -> Flask:
    @app.route("/api/data", methods=["GET", "PUT"])
    @cross_origin(origins=[A], methods=["GET"], allow_headers=["X-Token"])
    def data() -> str:
        return "data"

    return app


Send = Callable[[Any], Any]

REFUSALS: dict[str, tuple[Send, str]] = {
    "actual-origin": (lambda c: get(c, "/api/data", EVIL), "origin-not-allowed"),
    "actual-404": (lambda c: get(c, "/api/missing", EVIL), "origin-not-allowed"),
    "preflight-origin": (lambda c: preflight(c, "/api/data", EVIL), "origin-not-allowed"),
    "preflight-method": (lambda c: preflight(c, "/api/data", A, "PUT"), "method-not-allowed"),
    "preflight-header": (
        lambda c: preflight(c, "/api/data", A, "GET", "x-other"),
        "header-not-allowed",
    ),
    "null-origin": (lambda c: get(c, "/api/data", "null"), "origin-not-allowed"),
    "crlf-origin": (
        lambda c: c.get(
            "/api/data", environ_overrides={"HTTP_ORIGIN": "https://a.example.com\r\nX-Evil: 1"}
        ),
        "invalid-origin",
    ),
    "crlf-origin-preflight": (
        lambda c: c.options(
            "/api/data",
            headers={ACRM: "GET"},
            environ_overrides={"HTTP_ORIGIN": "https://x\r\n\r\n<script>"},
        ),
        "invalid-origin",
    ),
    "crlf-request-headers": (
        lambda c: c.options(
            "/api/data",
            headers={"Origin": A, ACRM: "GET"},
            environ_overrides={"HTTP_ACCESS_CONTROL_REQUEST_HEADERS": "x-other\r\nX-Evil: 1"},
        ),
        "header-not-allowed",
    ),
    "decorated-view": (lambda c: get(c, "/api/decorated", A), "origin-not-allowed"),
    "crlf-path": (
        lambda c: c.get(
            "/api/x",
            environ_overrides={"PATH_INFO": "/api/x\r\nX-Evil: 1", "HTTP_ORIGIN": EVIL},
        ),
        "origin-not-allowed",
    ),
}

STANDALONE_REFUSALS = {
    name: REFUSALS[name]
    for name in (
        "actual-origin",
        "preflight-origin",
        "preflight-method",
        "preflight-header",
        "crlf-origin",
        "crlf-origin-preflight",
    )
}


def cors_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "crossorigin"]


@pytest.mark.parametrize(("send", "reason"), REFUSALS.values(), ids=REFUSALS.keys())
def test_each_refusal_is_logged_once_at_info_on_one_line(
    app: Flask, caplog: pytest.LogCaptureFixture, send: Send, reason: str
) -> None:
    logged_app(app)
    caplog.set_level(logging.INFO, logger="crossorigin")

    send(app.test_client())

    records = cors_records(caplog)
    assert [r.levelno for r in records] == [logging.INFO]
    message = records[0].getMessage()
    assert reason in message
    assert "\r" not in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("send", "reason"), STANDALONE_REFUSALS.values(), ids=STANDALONE_REFUSALS.keys()
)
def test_each_refusal_by_a_decorator_alone_is_logged_once(
    app: Flask, caplog: pytest.LogCaptureFixture, send: Send, reason: str
) -> None:
    standalone_logged_app(app)
    caplog.set_level(logging.INFO, logger="crossorigin")

    send(app.test_client())

    records = cors_records(caplog)
    assert [r.levelno for r in records] == [logging.INFO]
    message = records[0].getMessage()
    assert reason in message
    assert "\r" not in message
    assert "\n" not in message


GRANTS: dict[str, Send] = {
    "actual": lambda c: get(c, "/api/data", A),
    "no-origin": lambda c: get(c, "/api/data"),
    "preflight": lambda c: preflight(c, "/api/data", A, "GET", "x-token"),
    "decorated": lambda c: get(c, "/api/decorated", B),
}


@pytest.mark.parametrize("send", GRANTS.values(), ids=GRANTS.keys())
def test_grants_and_requests_without_origin_are_not_logged(
    app: Flask, caplog: pytest.LogCaptureFixture, send: Send
) -> None:
    logged_app(app)
    caplog.set_level(logging.DEBUG, logger="crossorigin")

    send(app.test_client())

    assert cors_records(caplog) == []


def test_header_refusal_log_names_the_configured_header_patterns(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    @app.route("/api/data")
    def data() -> str:
        return "data"

    CORS(app, origins=[A], allow_headers=[re.compile(r"x-custom-.*")])
    caplog.set_level(logging.INFO, logger="crossorigin")

    preflight(app.test_client(), "/api/data", A, "GET", "x-customer")

    [record] = cors_records(caplog)
    assert "header-not-allowed" in record.getMessage()
    assert "x-custom-" in record.getMessage()


def test_same_origin_requests_are_not_logged_as_refusals(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    CORS(app, origins=["http://localhost:3000"])

    @app.post("/form")
    def form() -> str:
        return "ok"

    client = app.test_client()
    with caplog.at_level(logging.INFO, logger="crossorigin"):
        same = client.post("/form", headers={"Origin": "http://localhost", "Host": "localhost:80"})
        other = client.post("/form", headers={"Origin": "http://localhost:3001"})
    assert same.status_code == other.status_code == 200
    assert "Access-Control-Allow-Origin" not in same.headers
    messages = [r.getMessage() for r in caplog.records if r.name == "crossorigin"]
    assert len(messages) == 1
    assert "http://localhost:3001" in messages[0]


def test_a_blueprint_policy_is_its_own_options_over_the_defaults_not_the_app_config() -> None:
    """As for a decorator, and as in flask-cors: CORS_* keys configure CORS(app) alone."""
    webhooks = Blueprint("webhooks", __name__, url_prefix="/hooks")
    CORS(webhooks, origins="*")

    @webhooks.post("/in")
    def incoming() -> str:
        return "ok"

    app = Flask(__name__)
    app.config["CORS_RESOURCES"] = {"/api/*": {"origins": ["https://app.example.com"]}}
    app.config["CORS_SUPPORTS_CREDENTIALS"] = True
    CORS(app)
    app.register_blueprint(webhooks)
    response = app.test_client().post("/hooks/in", headers={"Origin": "https://any.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_a_blueprint_with_credentials_needs_its_own_origins() -> None:
    bp = Blueprint("api", __name__, url_prefix="/api")
    with pytest.raises(ConfigError) as info:
        CORS(bp, supports_credentials=True)  # origins default to "*", whatever the app says
    assert info.value.id == "E301"


def test_a_refused_app_configuration_leaves_the_app_untouched() -> None:
    app = Flask(__name__)
    wsgi_app = app.wsgi_app
    with pytest.raises(ValueError):
        CORS(app, origins="*", supports_credentials=True)
    assert "cors" not in app.extensions
    assert app.wsgi_app == wsgi_app


@pytest.mark.parametrize("with_app_cors", [False, True])
def test_an_async_view_keeps_working_under_the_decorator(with_app_cors: bool) -> None:
    app = Flask(__name__)

    @app.route("/async")
    @cross_origin(origins=[A])
    async def handler() -> str:
        return "from a coroutine"

    if with_app_cors:
        CORS(app, resources={"/other/*": {}})
    client = app.test_client()
    resp = get(client, "/async", A)
    assert resp.get_data(as_text=True) == "from a coroutine"
    assert cors_headers(resp)[ACAO] == A
    assert ACAO not in cors_headers(get(client, "/async", EVIL))


@pytest.mark.parametrize("with_app_cors", [False, True])
def test_a_plain_options_request_to_a_decorated_view_gets_flasks_answer_and_headers(
    with_app_cors: bool,
) -> None:
    app = Flask(__name__)

    @app.route("/item", methods=["GET", "PUT"])
    @cross_origin(origins=[A])
    def item() -> str:
        return "item"

    if with_app_cors:
        CORS(app, resources={"/other/*": {}})
    resp = app.test_client().options("/item", headers={"Origin": A})
    assert resp.status_code == 200
    assert {"GET", "PUT", "OPTIONS"} <= set(resp.headers["Allow"].split(", "))
    assert cors_headers(resp)[ACAO] == A


def test_a_request_that_bypasses_the_middleware_still_gets_the_decorators_headers() -> None:
    app = Flask(__name__)

    @app.route("/item")
    @cross_origin(origins=[A])
    def item() -> str:
        return "item"

    CORS(app, resources={"/other/*": {}})
    with app.test_request_context("/item", headers={"Origin": A}):
        resp = app.full_dispatch_request()
    assert resp.headers[ACAO] == A


def test_answers_stay_per_view_across_many_paths() -> None:
    app = Flask(__name__)

    @app.route("/a/<int:n>")
    @cross_origin(origins=[A])
    def only_a(n: int) -> str:
        return "a"

    @app.route("/b/<int:n>")
    @cross_origin(origins=[B])
    def only_b(n: int) -> str:
        return "b"

    CORS(app, resources={"/other/*": {}})
    client = app.test_client()
    for n in range(30):
        assert granted(app, f"/a/{n}", A) and not granted(app, f"/a/{n}", B)
        assert granted(app, f"/b/{n}", B) and not granted(app, f"/b/{n}", A)
    assert get(client, "/missing", A).status_code == 404


def test_views_without_a_decorator_keep_their_path_policy_next_to_a_decorated_view() -> None:
    app = Flask(__name__)

    @app.route("/deco")
    @cross_origin(origins=[B])
    def decorated() -> str:
        return "deco"

    @app.route("/api/<int:n>")
    def api(n: int) -> str:
        return "api"

    @app.route("/open/<int:n>")
    def open_(n: int) -> str:
        return "open"

    CORS(app, resources={"/api/*": {"origins": [A]}})
    for _ in range(2):  # the first request settles the app; the later ones are remembered
        for n in range(5):
            assert granted(app, f"/api/{n}", A) and not granted(app, f"/api/{n}", B)
            assert not granted(app, f"/open/{n}", A)
            assert cors_headers(get(app.test_client(), f"/open/{n}", A)) == {}
        assert granted(app, "/deco", B) and not granted(app, "/deco", A)


def test_the_decorator_takes_keyword_options_only() -> None:
    with pytest.raises(TypeError, match="keyword options only"):
        cross_origin([A])  # type: ignore[call-overload]


def test_a_standalone_decorator_leaves_uncaught_exceptions_alone_without_intercept() -> None:
    app = Flask(__name__)
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.route("/broken")
    @cross_origin(origins=[A], intercept_exceptions=False)
    def broken() -> str:
        raise RuntimeError("down")

    @app.route("/unavailable")
    @cross_origin(origins=[A], intercept_exceptions=False)
    def unavailable() -> tuple[str, int]:
        return "down", 503

    @app.route("/aborted")
    @cross_origin(origins=[A], intercept_exceptions=False)
    def aborted() -> str:
        abort(500)

    client = app.test_client()
    assert get(client, "/broken", A).status_code == 500
    assert cors_headers(get(client, "/broken", A)) == {}
    assert cors_headers(get(client, "/unavailable", A))[ACAO] == A
    assert cors_headers(get(client, "/aborted", A))[ACAO] == A
