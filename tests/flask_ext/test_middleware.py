"""The middleware: right on repeated requests, never stale, flat in memory under floods."""

from __future__ import annotations

import gc
import logging
import sys
from collections.abc import Callable

import pytest
from flask import Flask
from werkzeug.test import create_environ

from crossorigin import CORS, cross_origin
from crossorigin.flask_ext.extension import CORSState, build_resource_table

A = "https://a.example.com"


def make_app(**options: object) -> Flask:
    app = Flask(__name__)

    @app.route("/api/items")
    def items() -> str:
        return "items"

    @app.route("/other")
    def other() -> str:
        return "other"

    CORS(app, resources={"/api/*": options})
    return app


def assert_memory_flat(send: Callable[[int], None], per_round: int = 5000) -> None:
    """Three rounds of ``send(i)`` for distinct ``i``: past the first, allocated memory
    blocks do not grow (one more remembered entry would add at least one each)."""
    counts = []
    for round_ in range(3):
        for i in range(per_round):
            send(round_ * per_round + i)
        gc.collect()
        counts.append(sys.getallocatedblocks())
    assert counts[2] - counts[0] < 3000, counts


def state_of(app: Flask) -> CORSState:
    state = app.extensions["cors"]
    assert isinstance(state, CORSState)
    return state


def test_repeated_requests_stay_right() -> None:
    app = make_app(origins=[A])
    client = app.test_client()
    for _ in range(3):
        granted = client.get("/api/items", headers={"Origin": A})
        assert granted.headers["Access-Control-Allow-Origin"] == A
        refused = client.get("/api/items", headers={"Origin": "https://b.example.com"})
        assert "Access-Control-Allow-Origin" not in refused.headers
        assert refused.headers["Vary"] == "Origin"
        assert client.get("/other", headers={"Origin": A}).headers.get("Vary") is None


def test_a_flood_of_distinct_origins_and_paths_keeps_memory_flat() -> None:
    """Whatever the middleware remembers is bounded: once past its bounds, more
    distinct origins and paths do not add allocated memory blocks (one more remembered
    path or origin would add at least one each)."""
    app = make_app(origins=["https://*.example.com"])

    @app.route("/api/items/<int:n>")
    def item(n: int) -> str:
        return "item"

    environ = create_environ("/api/items/0")
    granted: list[str | None] = []

    def start_response(
        status: str, headers: list[tuple[str, str]], exc_info: object = None
    ) -> None:
        granted.append(dict(headers).get("Access-Control-Allow-Origin"))

    def send(i: int) -> None:
        origin = f"https://t{i}.example.com"
        body = app(dict(environ, PATH_INFO=f"/api/items/{i}", HTTP_ORIGIN=origin), start_response)
        b"".join(body)
        assert granted.pop() == origin

    assert_memory_flat(send)


def test_a_flood_of_distinct_paths_and_methods_keeps_memory_flat_where_the_view_decides() -> None:
    """With a decorated view, a routed request's policy is remembered per path and
    method: that too is bounded, whatever the paths and methods."""
    app = make_app(origins=[A])

    @app.route("/api/items/<int:n>", methods=["GET", "POST"])
    @cross_origin(origins=["https://*.example.com"])
    def item(n: int) -> str:
        return "item"

    environ = create_environ("/api/items/0")
    seen: list[tuple[str, str | None]] = []

    def start_response(
        status: str, headers: list[tuple[str, str]], exc_info: object = None
    ) -> None:
        seen.append((status[:3], dict(headers).get("Access-Control-Allow-Origin")))

    def send(i: int) -> None:
        origin = f"https://t{i % 7}.example.com"
        method = ("GET", "POST", f"M{i}", "X" * 70 + str(i))[i % 4]
        request = dict(
            environ, PATH_INFO=f"/api/items/{i}", HTTP_ORIGIN=origin, REQUEST_METHOD=method
        )
        b"".join(app(request, start_response))
        # Every answer, a 405 included, is the decorated view's.
        assert seen.pop() == ("200" if i % 4 < 2 else "405", origin)

    assert_memory_flat(send)


def test_long_paths_and_origins_are_decided() -> None:
    app = make_app(origins="*")
    client = app.test_client()
    long_path = "/api/" + "x" * 5000
    assert client.get(long_path).status_code == 404
    assert client.get(long_path).headers["Access-Control-Allow-Origin"] == "*"
    resp = client.get("/api/items", headers={"Origin": "https://" + "a" * 300 + ".example"})
    assert resp.headers["Access-Control-Allow-Origin"] == "*"


def test_callable_origins_are_asked_on_every_request() -> None:
    answers = iter([True, False, True])
    app = make_app(origins=lambda origin: next(answers))
    client = app.test_client()
    seen = [
        "Access-Control-Allow-Origin" in client.get("/api/items", headers={"Origin": A}).headers
        for _ in range(3)
    ]
    assert seen == [True, False, True]


def test_new_resources_replace_remembered_answers() -> None:
    app = make_app(origins=[A])
    client = app.test_client()
    assert client.get("/api/items", headers={"Origin": A}).headers["Access-Control-Allow-Origin"]
    state = state_of(app)
    state.set_table(build_resource_table([{"origins": ["https://b.example.com"]}]))
    assert (
        "Access-Control-Allow-Origin" not in client.get("/api/items", headers={"Origin": A}).headers
    )


def test_debug_follows_app_debug_after_answers_are_remembered() -> None:
    app = make_app(origins=[A])
    client = app.test_client()
    assert "X-CORS-Decision" not in client.get("/api/items", headers={"Origin": A}).headers
    app.debug = True
    resp = client.get("/api/items", headers={"Origin": A})
    assert resp.headers["X-CORS-Decision"] == "actual; allowed"


def test_every_remembered_refusal_is_still_logged(caplog: pytest.LogCaptureFixture) -> None:
    app = make_app(origins=[A])
    client = app.test_client()
    with caplog.at_level(logging.INFO, logger="crossorigin"):
        for _ in range(3):
            client.get("/api/items", headers={"Origin": "https://b.example.com"})
    refusals = [r for r in caplog.records if "origin-not-allowed" in r.getMessage()]
    assert len(refusals) == 3


def test_preflights_passed_to_the_app_are_decided_after_routing_and_not_remembered() -> None:
    app = make_app(origins=[A], automatic_options=False)

    @app.route("/api/own", methods=["OPTIONS"])
    def own() -> str:
        return "own preflight"

    client = app.test_client()
    for _ in range(2):
        resp = client.options(
            "/api/own", headers={"Origin": A, "Access-Control-Request-Method": "PUT"}
        )
        assert resp.get_data(as_text=True) == "own preflight"
        assert resp.headers["Access-Control-Allow-Origin"] == A
        assert "PUT" in resp.headers["Access-Control-Allow-Methods"]


def test_a_plain_options_request_never_stands_in_for_a_preflight() -> None:
    app = make_app(origins=[A], methods=["GET", "PUT"])
    client = app.test_client()
    plain = client.options("/api/items", headers={"Origin": A})
    assert "Access-Control-Allow-Methods" not in plain.headers
    preflight = client.options(
        "/api/items", headers={"Origin": A, "Access-Control-Request-Method": "PUT"}
    )
    assert preflight.headers["Access-Control-Allow-Origin"] == A
    assert "PUT" in preflight.headers["Access-Control-Allow-Methods"]
