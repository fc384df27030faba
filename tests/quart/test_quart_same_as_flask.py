"""Side by side: for the same options and requests, crossorigin.quart and the Flask
extension send the same status, the same Access-Control-* and Vary headers, the same
preflight body and log the same refusal lines; and refuse the same configurations with
the same error ids."""

from __future__ import annotations

import logging
import re
from typing import Any

import flask
import pytest
import quart
from quart_helpers import call_asgi

import crossorigin
import crossorigin.quart
from crossorigin import ConfigError
from shared.same_as_flask import (
    FRAMEWORK_OPTION_SETS,
    PREFLIGHT,
    REQUESTS,
    A,
    B,
    ask_flask,
    cors_headers,
    is_sub,
    is_sub_sync,
)


def build(framework: Any, cors: Any, options: dict[str, Any]) -> Any:
    """The same app in Flask or Quart: the module objects differ, nothing else."""
    app = framework.Flask(__name__) if framework is flask else framework.Quart(__name__)

    @app.route("/api/items", methods=["GET", "POST"])
    def items() -> str:
        return "items"

    @app.route("/api/open")
    def open_() -> str:
        return "open"

    @app.route("/api/boom")
    def boom() -> str:
        raise RuntimeError("boom")

    @app.route("/api/decorated")
    @cors.cross_origin(origins=[B])
    def decorated() -> str:
        return "decorated"

    @app.route("/public")
    def public() -> str:
        return "public"

    cors.CORS(app, **options)
    return app


@pytest.mark.parametrize("name", sorted(FRAMEWORK_OPTION_SETS))
def test_the_same_answers_and_log_lines_as_flask(
    name: str, caplog: pytest.LogCaptureFixture
) -> None:
    options = FRAMEWORK_OPTION_SETS[name]
    client = build(flask, crossorigin, options).test_client(use_cookies=False)
    app = build(quart, crossorigin.quart, options)
    for method, path, headers in REQUESTS:
        what = f"{name}: {method} {path} {headers}"
        with caplog.at_level(logging.INFO, logger="crossorigin"):
            caplog.clear()
            answer = ask_flask(client, method, path, headers)
            flask_lines = [r.getMessage() for r in caplog.records if r.name == "crossorigin"]
            caplog.clear()
            reply = call_asgi(app, method, path, headers)
            quart_lines = [r.getMessage() for r in caplog.records if r.name == "crossorigin"]
        assert reply.status_code == answer.status_code, what
        assert cors_headers(reply.headers.items()) == cors_headers(answer.headers.items()), what
        assert quart_lines == flask_lines, what
        if method == "OPTIONS" and PREFLIGHT in headers and reply.status_code != 405:
            assert reply.data == answer.data, what


def test_an_async_callable_answers_as_a_sync_one_does_under_flask() -> None:
    sync_options = {"origins": [A, is_sub_sync], "supports_credentials": True}
    async_options = {"origins": [A, is_sub], "supports_credentials": True}
    client = build(flask, crossorigin, sync_options).test_client(use_cookies=False)
    app = build(quart, crossorigin.quart, async_options)
    for method, path, headers in REQUESTS:
        answer = ask_flask(client, method, path, headers)
        reply = call_asgi(app, method, path, headers)
        assert reply.status_code == answer.status_code, (method, path, headers)
        assert cors_headers(reply.headers.items()) == cors_headers(answer.headers.items())


REFUSED: list[dict[str, Any]] = [
    {"origins": "*", "supports_credentials": True},
    {"origins": ["app.example.com"]},
    {"origins": ["https://*.com"]},
    {"origin": [A]},
    {"methods": ["GET", "FETCH ME"]},
    {"max_age": -1},
    {"resources": {"/api/*": {"origins": 5}}},
    {"resources": {"/api/*": {"supports_credentials": True}}, "origins": "*"},
    {"origins": [A, "b.example.com"], "allow_headers": ["bad header"]},
]


@pytest.mark.parametrize("options", REFUSED, ids=[str(i) for i in range(len(REFUSED))])
def test_the_same_start_up_errors_as_flask(options: dict[str, Any]) -> None:
    with pytest.raises(ConfigError) as under_flask:
        build(flask, crossorigin, options)
    with pytest.raises(ConfigError) as under_quart:
        build(quart, crossorigin.quart, options)
    assert [e.id for e in under_quart.value.all] == [e.id for e in under_flask.value.all]
    # The same message, located at this file's line of the CORS(...) call in build().
    assert str(under_quart.value) == str(under_flask.value)


def test_the_same_config_key_errors_as_flask() -> None:
    errors = []
    for framework, cors in ((flask, crossorigin), (quart, crossorigin.quart)):
        app = framework.Flask(__name__) if framework is flask else framework.Quart(__name__)
        app.config.update(CORS_ORIGINS=["app.example.com"], CORS_SUPPORT_CREDENTIALS=True)
        with pytest.raises(ConfigError) as caught:
            cors.CORS(app)
        errors.append(str(caught.value))
    assert errors[0] == errors[1]
    assert "app.config['CORS_ORIGINS']" in errors[0]


def test_the_same_blueprint_and_init_app_errors_as_flask() -> None:
    found = []
    for framework, cors in ((flask, crossorigin), (quart, crossorigin.quart)):
        with pytest.raises(ConfigError) as on_blueprint:
            cors.CORS(framework.Blueprint("api", __name__), origins=["app.example.com"])
        app = framework.Flask(__name__) if framework is flask else framework.Quart(__name__)
        with pytest.raises(ConfigError) as on_init_app:
            cors.CORS(max_age=5).init_app(app, supports_credentials=True, origins="*")
        found.append((str(on_blueprint.value), str(on_init_app.value)))
    flask_errors, quart_errors = found
    # The same text, located at the same lines of this loop.
    assert quart_errors == flask_errors
    assert re.search(
        r"in: (tests/quart/)?test_quart_same_as_flask\.py:\d+, CORS\(\.\.\.\)", quart_errors[0]
    )
    assert "blueprint 'api'" in quart_errors[0]
    assert "init_app(...)" in quart_errors[1]
