"""crossorigin.asgi.CORSMiddleware around a bare ASGI app, driven in-process."""

from __future__ import annotations

import logging
import subprocess
import sys
from typing import Any

import pytest

from crossorigin import ConfigError
from crossorigin.asgi import CORSMiddleware

from .client import BareApp, call, drive, error_middleware, http_scope

A = "https://a.example.com"
B = "https://b.example.com"
PREFLIGHT = {"Origin": A, "Access-Control-Request-Method": "PUT"}


def make(**options: Any) -> tuple[CORSMiddleware, BareApp]:
    inner = BareApp()
    return CORSMiddleware(inner, **options), inner


# -- preflights -------------------------------------------------------------------------


def test_an_allowed_preflight_is_answered_without_the_app() -> None:
    app, inner = make(origins=[A], max_age=600)
    answer = call(app, "OPTIONS", "/api/items", PREFLIGHT)
    assert answer.status == 200
    assert answer.body == b""
    assert answer.get("Access-Control-Allow-Origin") == A
    assert "PUT" in (answer.get("Access-Control-Allow-Methods") or "")
    assert answer.get("Access-Control-Max-Age") == "600"
    assert "Origin" in (answer.get("Vary") or "")
    assert answer.get("Content-Length") == "0"
    assert inner.calls == []
    assert all(name == name.lower() for name, _ in answer.raw_headers)


def test_preflight_status_is_the_option() -> None:
    app, _ = make(origins=[A], preflight_status=204)
    assert call(app, "OPTIONS", "/x", PREFLIGHT).status == 204


@pytest.mark.parametrize(
    ("options", "headers", "reason"),
    [
        ({"origins": [A]}, {"Origin": B, "Access-Control-Request-Method": "GET"}, "origin"),
        ({"origins": [A], "methods": ["GET"]}, PREFLIGHT, "method"),
        (
            {"origins": [A], "allow_headers": ["Content-Type"]},
            {**PREFLIGHT, "Access-Control-Request-Headers": "X-Secret"},
            "header",
        ),
    ],
)
def test_a_refused_preflight_is_a_403_naming_the_reason(
    options: dict[str, Any], headers: dict[str, str], reason: str
) -> None:
    app, inner = make(**options)
    answer = call(app, "OPTIONS", "/api/items", headers)
    assert answer.status == 403
    assert answer.body.decode().startswith(f"CORS preflight refused: {reason}-")
    assert answer.get("Access-Control-Allow-Origin") is None
    assert answer.get("X-CORS-Decision") is None
    assert inner.calls == []


def test_debug_explains_a_refused_preflight_in_the_body_and_a_header() -> None:
    app, _ = make(origins=[A], methods=["GET"], debug=True)
    answer = call(app, "OPTIONS", "/api/items", PREFLIGHT)
    assert answer.status == 200  # the hint: the browser's console names the method
    assert "method 'PUT' is not allowed for '/api/items'" in answer.body.decode()
    assert answer.get("X-CORS-Decision") == "preflight; method-not-allowed"


def test_without_automatic_options_the_app_answers_and_gets_the_headers() -> None:
    app, inner = make(origins=[A], automatic_options=False)
    answer = call(app, "OPTIONS", "/api/items", PREFLIGHT)
    assert answer.body == b"body of /api/items"
    assert answer.get("Access-Control-Allow-Origin") == A
    assert "PUT" in (answer.get("Access-Control-Allow-Methods") or "")
    assert len(inner.calls) == 1


def test_an_options_request_that_is_no_preflight_goes_to_the_app() -> None:
    app, inner = make(origins=[A])
    answer = call(app, "OPTIONS", "/api/items", {"Origin": A})
    assert answer.body == b"body of /api/items"
    assert answer.get("Access-Control-Allow-Origin") == A
    assert len(inner.calls) == 1


# -- actual requests --------------------------------------------------------------------


def test_an_allowed_request_gets_the_origin_and_vary() -> None:
    app, _ = make(origins=[A])
    answer = call(app, "GET", "/api/items", {"Origin": A})
    assert answer.status == 200
    assert answer.body == b"body of /api/items"
    assert answer.get("Access-Control-Allow-Origin") == A
    assert answer.get("Vary") == "Origin"


def test_a_refused_request_gets_vary_and_no_grant() -> None:
    app, _ = make(origins=[A])
    answer = call(app, "GET", "/api/items", {"Origin": B})
    assert answer.status == 200
    assert answer.get("Access-Control-Allow-Origin") is None
    assert answer.get("Vary") == "Origin"


def test_no_origin_any_origin_sends_the_wildcard() -> None:
    app, _ = make()
    answer = call(app, "GET", "/x")
    assert answer.get("Access-Control-Allow-Origin") == "*"


def test_credentials() -> None:
    app, _ = make(origins=[A], supports_credentials=True)
    answer = call(app, "GET", "/x", {"Origin": A, "Cookie": "session=1"})
    assert answer.get("Access-Control-Allow-Origin") == A
    assert answer.get("Access-Control-Allow-Credentials") == "true"
    preflight = call(app, "OPTIONS", "/x", PREFLIGHT)
    assert preflight.get("Access-Control-Allow-Credentials") == "true"


def test_cookies_without_supports_credentials_are_logged_as_such(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app, _ = make(origins=[A])
    with caplog.at_level(logging.INFO, logger="crossorigin"):
        answer = call(app, "GET", "/x", {"Origin": A, "Cookie": "session=1"})
    assert answer.get("Access-Control-Allow-Credentials") is None
    assert [r.getMessage().split(":")[0] for r in caplog.records] == [
        "CORS credentials-not-allowed"
    ]


def test_origins_callables_sync_and_async_are_asked_for_actual_requests_and_preflights() -> None:
    asked: list[str] = []

    async def trusted(origin: str) -> bool:
        asked.append(origin)
        return origin.endswith(".trusted.example")

    def also(origin: str) -> bool:
        return origin == B

    app, _ = make(origins=[trusted, also])
    ok = "https://x.trusted.example"
    assert call(app, "GET", "/api", {"Origin": ok}).get("Access-Control-Allow-Origin") == ok
    assert call(app, "GET", "/api", {"Origin": B}).get("Access-Control-Allow-Origin") == B
    assert call(app, "GET", "/api", {"Origin": A}).get("Access-Control-Allow-Origin") is None
    answer = call(app, "OPTIONS", "/api", {**PREFLIGHT, "Origin": ok})
    assert (answer.status, answer.get("Access-Control-Allow-Origin")) == (200, ok)
    assert call(app, "OPTIONS", "/api", PREFLIGHT).status == 403
    # Asked every time (never remembered), and only when no other entry decides.
    assert call(app, "GET", "/api", {"Origin": ok}).get("Access-Control-Allow-Origin") == ok
    assert asked.count(ok) == 3


def test_expose_headers() -> None:
    app, _ = make(origins=[A], expose_headers=["X-Total-Count"])
    answer = call(app, "GET", "/x", {"Origin": A})
    assert answer.get("Access-Control-Expose-Headers") == "X-Total-Count"


def test_the_apps_own_cors_headers_are_replaced_and_vary_merged() -> None:
    app, _ = make(origins=[A], expose_headers="*", supports_credentials=True)
    answer = call(app, "GET", "/api/own-headers", {"Origin": A})
    assert answer.all("Access-Control-Allow-Origin") == [A]
    assert answer.get("Vary") == "Accept-Encoding, Origin"
    assert answer.get("Access-Control-Expose-Headers") == "x-total-count"


def test_error_responses_get_the_headers() -> None:
    app, _ = make(origins=[A])
    for path, status in (("/missing", 404), ("/error", 500)):
        answer = call(app, "GET", path, {"Origin": A})
        assert answer.status == status
        assert answer.get("Access-Control-Allow-Origin") == A
        assert answer.get("Vary") == "Origin"


# -- resources and paths ----------------------------------------------------------------

RESOURCES = {"/api/*": {"origins": [A]}, "/api/open": {"origins": "*"}}


@pytest.mark.parametrize(
    ("path", "acao"),
    [
        ("/api/items", A),
        ("/api", A),
        ("//api/items", A),
        ("/api//items", A),
        ("/api/open", "*"),
        ("//api//open", "*"),
        ("/apiary", None),
        ("/public", None),
    ],
)
def test_resources_match_the_path_as_flask_routes_it(path: str, acao: str | None) -> None:
    app, _ = make(resources=RESOURCES)
    answer = call(app, "GET", path, {"Origin": A})
    assert answer.get("Access-Control-Allow-Origin") == acao


def test_an_uncovered_path_passes_untouched() -> None:
    app, _ = make(resources=RESOURCES)
    assert call(app, "GET", "/public", {"Origin": A}).raw_headers == [
        (b"content-type", b"text/plain; charset=utf-8")
    ]
    answer = call(app, "OPTIONS", "/public", PREFLIGHT)
    assert answer.body == b"body of /public"  # not answered: the app's own OPTIONS
    assert answer.cors() == {}


def test_paths_are_matched_below_the_root_path() -> None:
    app, _ = make(resources=RESOURCES)
    answer = call(app, "GET", "/api/items", {"Origin": A}, root_path="/mounted")
    assert answer.get("Access-Control-Allow-Origin") == A
    answer = call(app, "GET", "/public", {"Origin": A}, root_path="/api")
    assert answer.get("Access-Control-Allow-Origin") is None


def test_a_non_ascii_path_is_matched_decoded() -> None:
    app, _ = make(resources={"/caf\u00e9/*": {"origins": [A]}})
    assert call(app, "GET", "/caf\u00e9/x", {"Origin": A}).get("Access-Control-Allow-Origin") == A


# -- exceptions -------------------------------------------------------------------------


def test_an_exception_goes_on_and_nothing_is_sent() -> None:
    app, _ = make(origins=[A])
    with pytest.raises(RuntimeError, match="boom") as caught:
        drive(app, http_scope("GET", "/boom", {"Origin": A}))
    assert caught.value.sent == []  # type: ignore[attr-defined]


def test_the_500_an_error_middleware_makes_gets_the_headers() -> None:
    app = CORSMiddleware(error_middleware(BareApp()), origins=[A])
    with pytest.raises(RuntimeError) as caught:
        drive(app, http_scope("GET", "/boom", {"Origin": A}))
    sent = caught.value.sent  # type: ignore[attr-defined]
    assert sent[0]["status"] == 500
    assert (b"access-control-allow-origin", A.encode()) in sent[0]["headers"]


def test_intercept_exceptions_false_leaves_the_500_of_an_exception_alone() -> None:
    app = CORSMiddleware(error_middleware(BareApp()), origins=[A], intercept_exceptions=False)
    with pytest.raises(RuntimeError) as caught:
        drive(app, http_scope("GET", "/boom", {"Origin": A}))
    sent = caught.value.sent  # type: ignore[attr-defined]
    assert sent[0]["headers"] == [(b"content-type", b"text/plain; charset=utf-8")]
    assert sent[1]["body"] == b"Internal Server Error"
    # A 500 the app returns is a response like any other.
    answer = call(app, "GET", "/error", {"Origin": A})
    assert answer.status == 500
    assert answer.get("Access-Control-Allow-Origin") == A
    assert answer.body == b"body of /error"
    assert call(app, "GET", "/x", {"Origin": A}).get("Access-Control-Allow-Origin") == A


# -- other scopes -----------------------------------------------------------------------


def test_lifespan_and_websocket_pass_through_untouched() -> None:
    app, inner = make(origins=[A])
    lifespan = {"type": "lifespan", "asgi": {"version": "3.0"}}
    sent = drive(app, lifespan, [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}])
    assert [m["type"] for m in sent] == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    websocket = {**http_scope("GET", "/api/ws", {"Origin": B}), "type": "websocket"}
    sent = drive(app, websocket, [{"type": "websocket.connect"}])
    assert sent == [
        {"type": "websocket.accept"},
        {"type": "websocket.send", "text": "hello"},
        {"type": "websocket.close", "code": 1000},
    ]
    assert inner.calls == [lifespan, websocket]


def test_other_scopes_get_the_servers_own_receive_and_send() -> None:
    seen: list[Any] = []

    async def spy(scope: Any, receive: Any, send: Any) -> None:
        seen.extend((receive, send))

    async def receive() -> Any: ...
    async def send(message: Any) -> None: ...

    import asyncio

    asyncio.run(CORSMiddleware(spy)({"type": "websocket"}, receive, send))
    assert seen == [receive, send]


# -- logging ----------------------------------------------------------------------------


def test_a_refusal_is_one_info_line(caplog: pytest.LogCaptureFixture) -> None:
    app, _ = make(origins=[A])
    with caplog.at_level(logging.INFO, logger="crossorigin"):
        call(app, "GET", "/api/items", {"Origin": B})
        call(app, "GET", "/api/items", {"Origin": A})
        call(app, "GET", "/api/items")
        call(app, "POST", "/api/items", {"Origin": "http://testserver"})  # same origin
    assert [(r.levelno, r.getMessage()) for r in caplog.records] == [
        (
            logging.INFO,
            f"CORS origin-not-allowed: origin '{B}' is not allowed for '/api/items'; "
            f"allowed: {A} - add it to origins=",
        )
    ]


def test_in_debug_mode_with_the_logger_quiet_the_line_goes_to_stderr(
    capsys: pytest.CaptureFixture[str],
) -> None:
    logger = logging.getLogger("crossorigin")
    level, propagate = logger.level, logger.propagate
    logger.setLevel(logging.WARNING)
    try:
        app, _ = make(origins=[A], debug=True)
        answer = call(app, "GET", "/api/items", {"Origin": B})
    finally:
        logger.setLevel(level)
        logger.propagate = propagate
    assert answer.get("X-CORS-Decision") == "actual; origin-not-allowed"
    assert "crossorigin: CORS origin-not-allowed: origin" in capsys.readouterr().err


# -- start-up ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "error_id"),
    [
        ({"origins": "*", "supports_credentials": True}, "E301"),
        ({"origin": [A]}, "E001"),
        ({"max_age": -1}, "E003"),
        ({"origins": ["a.example.com"]}, "E101"),
        ({"resources": {"": {}}}, "E401"),
        ({"resources": {"/api/*": "https://a.example.com"}}, "E402"),
    ],
)
def test_a_refused_configuration_raises_the_same_error_id(
    options: dict[str, Any], error_id: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        CORSMiddleware(BareApp(), **options)
    assert caught.value.id == error_id
    where = caught.value.where or ""
    assert where.startswith("tests/asgi/test_bare.py:") or "test_bare.py:" in where
    assert "CORSMiddleware(...)" in where


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(ConfigError) as caught:
        CORSMiddleware(
            BareApp(),
            resources={"/a/*": {"origins": "*", "supports_credentials": True}, "/b": {"x": 1}},
        )
    assert sorted(error.id for error in caught.value.all) == ["E001", "E301"]
    assert "resources['/a/*']" in str(caught.value)


def test_the_asgi_middleware_imports_neither_flask_nor_any_third_party_package() -> None:
    code = (
        "import sys\n"
        "for name in ('flask', 'werkzeug', 'click', 'starlette', 'httpx', 'anyio'):\n"
        "    sys.modules[name] = None\n"
        "from crossorigin.asgi import CORSMiddleware\n"
        "CORSMiddleware(lambda *a: None, origins=['https://a.example.com'])\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_import_crossorigin_and_the_flask_extension_leave_the_asgi_module_out() -> None:
    code = (
        "import sys\n"
        "import crossorigin, crossorigin.flask_ext\n"
        "from crossorigin import CORS\n"
        "assert 'crossorigin.asgi' not in sys.modules\n"
        "assert 'starlette' not in sys.modules and 'httpx' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
