"""Every row of ``docs/differences-from-flask-cors.md``, asserted on both sides.

Each row builds the same small app twice, once with flask-cors and once with crossorigin
(same routes, same options), and asserts what the row says each of them does. The tests are
parametrized by the table's row numbers: a row without a test, or a test without a row,
fails under its own id (``row-N``). The page's list of what is no difference is tested too.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from types import ModuleType
from typing import Any

import flask_cors
import pytest
from flask import Blueprint, Flask, abort, request
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

import crossorigin
from crossorigin import ConfigError
from shared.doc_rows import RowTable, row_id
from shared.headers import ACAC, ACAH, ACAM, ACAO, ACAPN, ACEH, ACRPN, cors_headers, vary

from .helpers import get, preflight

PAGE = Path(__file__).resolve().parents[2] / "docs" / "differences-from-flask-cors.md"

APP = "https://app.example.com"
OTHER = "https://b.example.com"
EVIL = "https://evil.example.net"
DEBUG_HEADER = "X-CORS-Decision"


# --- the two apps -----------------------------------------------------------------------------


def ok(**_: Any) -> str:
    return "ok"


def build(
    lib: ModuleType,
    *,
    routes: tuple[str, ...] = ("/x",),
    config: dict[str, Any] | None = None,
    setup: Callable[[Flask], object] | None = None,
    **options: Any,
) -> Flask:
    """An app with ``routes`` (GET, POST, PUT, DELETE), then ``lib.CORS(app, **options)``."""
    app = Flask(f"{lib.__name__}_app")
    app.config.update(config or {})
    for path in routes:
        app.add_url_rule(path, path, ok, methods=["GET", "POST", "PUT", "DELETE"])
    if setup is not None:
        setup(app)
    lib.CORS(app, **options)
    return app


def client(lib: ModuleType, **kwargs: Any) -> FlaskClient:
    return build(lib, **kwargs).test_client()


def refused(lib: ModuleType, **kwargs: Any) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        build(lib, **kwargs)
    return info.value


def reason(response: TestResponse) -> str:
    """The reason code of a refused preflight, from its ``text/plain`` body."""
    assert response.status_code == 403
    assert response.mimetype == "text/plain"
    return response.get_data(as_text=True).strip().rsplit(" ", 1)[-1]


# --- the rows ---------------------------------------------------------------------------------


ROWS = RowTable(PAGE)
row = ROWS.row


@row(1, 'origins="*"', "E301")
def any_origin_with_credentials(caplog: pytest.LogCaptureFixture) -> None:
    options = {"origins": "*", "supports_credentials": True}
    response = get(client(flask_cors, **options), "/x", EVIL)
    assert cors_headers(response) == {ACAO: EVIL, ACAC: "true"}
    assert refused(crossorigin, **options).id == "E301"


@row(2, "re.match", "E104", "fullmatch")
def regex_strings(caplog: pytest.LogCaptureFixture) -> None:
    loose = r"https://.*\.example\.com"
    attacker = "https://x.example.com.evil.net"
    assert get(client(flask_cors, origins=loose), "/x", attacker).headers[ACAO] == attacker
    assert refused(crossorigin, origins=loose).id == "E104"

    compiled = re.compile(loose)
    for lib, prefix_matched in ((flask_cors, True), (crossorigin, False)):
        app = client(lib, origins=[compiled])
        assert (ACAO in get(app, "/x", attacker).headers) is prefix_matched, lib.__name__
        assert get(app, "/x", "https://x.example.com").headers[ACAO] == "https://x.example.com"


@row(3, '"https://*.example.com"', "no subdomain", "subdomain labels")
def subdomain_wildcard(caplog: pytest.LogCaptureFixture) -> None:
    options = {"origins": "https://*.example.com"}
    cases = {"https://a.example.com": True, "https://a.b.example.com": True}
    cases["https://example.com"] = False
    flask_app, ours = client(flask_cors, **options), client(crossorigin, **options)
    for origin, subdomain in cases.items():
        assert (ACAO in get(flask_app, "/x", origin).headers) is not subdomain, origin
        assert (ACAO in get(ours, "/x", origin).headers) is subdomain, origin


@row(4, '"null"', "E103")
def null_origin(caplog: pytest.LogCaptureFixture) -> None:
    assert get(client(flask_cors, origins="null"), "/x", "null").headers[ACAO] == "null"
    assert refused(crossorigin, origins="null").id == "E103"


@row(5, '"http://localhost:3000/"', "normalised")
def trailing_slash(caplog: pytest.LogCaptureFixture) -> None:
    options = {"origins": "http://localhost:3000/"}
    sent = "http://localhost:3000"
    assert ACAO not in get(client(flask_cors, **options), "/x", sent).headers
    assert get(client(crossorigin, **options), "/x", sent).headers[ACAO] == sent


@row(6, r'r"/api/*"', "/apiary", r'r"/api.*"')
def resource_keys(caplog: pytest.LogCaptureFixture) -> None:
    routes = ("/api", "/api/data", "/apiary")
    options: dict[str, Any] = {"routes": routes, "resources": {r"/api/*": {"origins": [APP]}}}
    flask_app, ours = client(flask_cors, **options), client(crossorigin, **options)
    for path in routes:
        assert get(flask_app, path, APP).headers[ACAO] == APP, path
    assert get(ours, "/api", APP).headers[ACAO] == APP
    assert get(ours, "/api/data", APP).headers[ACAO] == APP
    assert ACAO not in get(ours, "/apiary", APP).headers
    # The migration: a prefix written as one.
    prefix = client(crossorigin, routes=routes, resources={r"/api.*": {"origins": [APP]}})
    assert get(prefix, "/apiary", APP).headers[ACAO] == APP


@row(7, "unquote", "/%2570ublic/x", "decoded once")
def double_decoding(caplog: pytest.LogCaptureFixture) -> None:
    options: dict[str, Any] = {
        "routes": ("/<path:rest>",),
        "resources": {"/public/*": {"origins": [APP]}},
    }
    flask_app, ours = client(flask_cors, **options), client(crossorigin, **options)
    for app in (flask_app, ours):
        assert get(app, "/public/x", APP).headers[ACAO] == APP
    assert get(flask_app, "/%2570ublic/x", APP).headers[ACAO] == APP
    assert ACAO not in get(ours, "/%2570ublic/x", APP).headers


@row(8, "Flask's 200", "`403`", "text/plain")
def refused_preflight(caplog: pytest.LogCaptureFixture) -> None:
    options = {"origins": [APP]}
    response = preflight(client(flask_cors, **options), "/x", EVIL, "PUT")
    assert response.status_code == 200
    assert cors_headers(response) == {}
    response = preflight(client(crossorigin, **options), "/x", EVIL, "PUT")
    assert reason(response) == "origin-not-allowed"
    assert cors_headers(response) == {}


@row(9, "`before_request`", "401", "308", "answered first")
def preflight_before_hooks(caplog: pytest.LogCaptureFixture) -> None:
    hooked: list[str] = []

    def login_hook(app: Flask) -> None:
        @app.before_request
        def login() -> tuple[str, int] | None:
            hooked.append(request.path)
            return ("log in first", 401) if request.path == "/private" else None

    options: dict[str, Any] = {"routes": ("/private", "/dir/"), "setup": login_hook}
    flask_app, ours = client(flask_cors, **options), client(crossorigin, **options)
    assert preflight(flask_app, "/private", APP, "PUT").status_code == 401
    assert preflight(flask_app, "/dir", APP, "PUT").status_code == 308
    assert hooked == ["/private", "/dir"]
    hooked.clear()
    for path in ("/private", "/dir"):
        response = preflight(ours, path, APP, "PUT")
        assert response.status_code == 200, path
        assert cors_headers(response)[ACAM]
    assert hooked == []


@row(10, "no `Vary`", "`Vary: Origin` on every response")
def vary_origin(caplog: pytest.LogCaptureFixture) -> None:
    two = {"origins": [APP, OTHER]}
    assert vary(get(client(flask_cors, **two), "/x", EVIL)) == []
    assert vary(get(client(crossorigin, **two), "/x", EVIL)) == ["Origin"]
    one = {"origins": [APP]}
    response = get(client(flask_cors, **one), "/x", APP)
    assert response.headers[ACAO] == APP
    assert vary(response) == []
    response = get(client(crossorigin, **one), "/x", APP)
    assert response.headers[ACAO] == APP
    assert vary(response) == ["Origin"]


@row(11, "`always_send`", "alphabetically first", "without `Origin`")
def always_send(caplog: pytest.LogCaptureFixture) -> None:
    options = {"origins": [OTHER, APP], "always_send": True}
    assert get(client(flask_cors, **options), "/x").headers.getlist(ACAO) == [APP]
    response = get(client(crossorigin, **options), "/x")
    assert cors_headers(response) == {}
    assert vary(response) == ["Origin"]


@row(12, "`vary_header=False`", "E302")
def vary_header_false(caplog: pytest.LogCaptureFixture) -> None:
    options = {"origins": [APP], "vary_header": False}
    response = get(client(flask_cors, **options), "/x", APP)
    assert response.headers[ACAO] == APP
    assert vary(response) == []
    assert refused(crossorigin, **options).id == "E302"


@row(13, "log a warning", "ignored", "E001", "E503")
def unknown_options(caplog: pytest.LogCaptureFixture) -> None:
    typo = {"origin": [APP]}  # for origins: the permissive default stays
    with caplog.at_level(logging.WARNING, logger="flask_cors"):
        response = get(client(flask_cors, **typo), "/x", EVIL)
    assert response.headers[ACAO] == EVIL
    assert "Unknown option passed to Flask-CORS: origin" in caplog.messages
    assert refused(crossorigin, **typo).id == "E001"

    config = {"CORS_ORIGIN": [APP]}
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="flask_cors"):
        response = get(client(flask_cors, config=config), "/x", EVIL)
    assert response.headers[ACAO] == EVIL
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert refused(crossorigin, config=config).id == "E503"


@row(14, "`allow_private_network=False`", "Access-Control-Allow-Private-Network: false")
def private_network_false(caplog: pytest.LogCaptureFixture) -> None:
    options = {"origins": [APP], "allow_private_network": False}
    asks = {ACRPN: "true"}
    response = preflight(client(flask_cors, **options), "/x", APP, "PUT", extra=asks)
    assert response.status_code == 200
    assert cors_headers(response)[ACAPN] == "false"
    response = preflight(client(crossorigin, **options), "/x", APP, "PUT", extra=asks)
    assert reason(response) == "private-network-not-allowed"
    assert ACAPN not in response.headers


@row(15, "`CORS(app)` twice", "either call", "E501")
def cors_twice(caplog: pytest.LogCaptureFixture) -> None:
    flask_app = client(
        flask_cors, setup=lambda app: flask_cors.CORS(app, origins=[APP]), origins=[OTHER]
    )
    for origin in (APP, OTHER):
        assert get(flask_app, "/x", origin).headers[ACAO] == origin
    error = refused(
        crossorigin, setup=lambda app: crossorigin.CORS(app, origins=[APP]), origins=[OTHER]
    )
    assert error.id == "E501"


@row(16, "`@cross_origin` merges `CORS_*` config keys", "its own options over the defaults")
def decorator_and_config(caplog: pytest.LogCaptureFixture) -> None:
    def decorated(lib: ModuleType) -> FlaskClient:
        app = Flask(f"{lib.__name__}_app")
        app.config["CORS_ORIGINS"] = [APP]
        app.add_url_rule("/x", "x", lib.cross_origin()(ok))
        return app.test_client()

    assert ACAO not in get(decorated(flask_cors), "/x", EVIL).headers
    assert get(decorated(crossorigin), "/x", EVIL).headers[ACAO] == "*"


@row(17, "CR/LF", "`ValueError`", "invalid-origin")
def origin_with_newline(caplog: pytest.LogCaptureFixture) -> None:
    options = {"origins": [re.compile(r"https://app\.example\.com")]}
    hostile = {"HTTP_ORIGIN": f"{APP}\r\nX-Injected: 1"}
    with pytest.raises(ValueError, match="newline"):
        client(flask_cors, **options).get("/x", environ_overrides=hostile)
    response = client(crossorigin, debug=True, **options).get("/x", environ_overrides=hostile)
    assert response.status_code == 200
    assert cors_headers(response) == {}
    assert "invalid-origin" in response.headers[DEBUG_HEADER]


@row(18, '`methods="*"`', "no `Access-Control-Allow-Methods`", "echoed")
def methods_star(caplog: pytest.LogCaptureFixture) -> None:
    for credentials in (False, True):
        options = {"origins": [APP], "methods": "*", "supports_credentials": credentials}
        response = preflight(client(flask_cors, **options), "/x", APP, "PUT")
        assert ACAM not in response.headers
        assert response.headers[ACAO] == APP
        response = preflight(client(crossorigin, **options), "/x", APP, "PUT")
        assert response.headers[ACAM] == "PUT"
        assert response.headers[ACAO] == APP


@row(19, "`http://` origins", "E304", "loopback", "dangerously_allow_insecure_origins=True")
def plain_http_with_credentials(caplog: pytest.LogCaptureFixture) -> None:
    plain = "http://app.example.com"
    options = {"origins": [plain], "supports_credentials": True}
    response = get(client(flask_cors, **options), "/x", plain)
    assert cors_headers(response) == {ACAO: plain, ACAC: "true"}
    assert refused(crossorigin, **options).id == "E304"
    loopback = "http://localhost:3000"
    local = client(crossorigin, origins=[loopback], supports_credentials=True)
    assert cors_headers(get(local, "/x", loopback)) == {ACAO: loopback, ACAC: "true"}
    insecure = client(crossorigin, dangerously_allow_insecure_origins=True, **options)
    assert get(insecure, "/x", plain).headers[ACAO] == plain


@row(20, "bare `CORS(app)` echoes", "Access-Control-Allow-Origin: *")
def bare_cors(caplog: pytest.LogCaptureFixture) -> None:
    response = get(client(flask_cors), "/x", APP)
    assert cors_headers(response) == {ACAO: APP}
    assert vary(response) == ["Origin"]
    response = get(client(crossorigin), "/x", APP)
    assert cors_headers(response) == {ACAO: "*"}
    assert vary(response) == []


@row(21, "`send_wildcard=True`", "accepted and ignored", "E303")
def send_wildcard(caplog: pytest.LogCaptureFixture) -> None:
    for lib, without in ((flask_cors, APP), (crossorigin, "*")):
        for wildcard, expected in ((False, without), (True, "*")):
            response = get(client(lib, origins="*", send_wildcard=wildcard), "/x", APP)
            assert response.headers[ACAO] == expected, (lib.__name__, wildcard)
    options = {"origins": [APP], "supports_credentials": True, "send_wildcard": True}
    response = get(client(flask_cors, **options), "/x", APP)
    assert cors_headers(response) == {ACAO: APP, ACAC: "true"}
    assert refused(crossorigin, **options).id == "E303"


@row(22, "the allowed subset", "refused whole", "header-not-allowed")
def one_header_not_allowed(caplog: pytest.LogCaptureFixture) -> None:
    options = {"origins": [APP], "allow_headers": ["X-Foo"]}
    response = preflight(client(flask_cors, **options), "/x", APP, "PUT", "X-Foo, X-Bar")
    assert response.status_code == 200
    assert cors_headers(response)[ACAH] == "X-Foo"
    response = preflight(client(crossorigin, **options), "/x", APP, "PUT", "X-Foo, X-Bar")
    assert reason(response) == "header-not-allowed"
    assert cors_headers(response) == {}
    # The migration: both headers listed.
    listed = client(crossorigin, origins=[APP], allow_headers=["X-Foo", "X-Bar"])
    response = preflight(listed, "/x", APP, "PUT", "X-Foo, X-Bar")
    assert response.status_code == 200
    assert response.headers[ACAH].lower() == "x-foo, x-bar"


@row(23, "`intercept_exceptions=False` changes nothing", "uncaught exception gets no CORS headers")
def intercept_exceptions_false(caplog: pytest.LogCaptureFixture) -> None:
    def error_views(app: Flask) -> None:
        @app.route("/boom")
        def boom() -> str:
            raise RuntimeError("uncaught")

        @app.route("/gone")
        def gone() -> str:
            abort(404)

    for intercept in (True, False):
        options = {"origins": [APP], "intercept_exceptions": intercept, "setup": error_views}
        flask_app = client(flask_cors, **options)
        for path, status in (("/boom", 500), ("/gone", 404)):
            response = get(flask_app, path, APP)
            assert response.status_code == status
            assert response.headers[ACAO] == APP, (path, intercept)
    ours = client(crossorigin, origins=[APP], intercept_exceptions=False, setup=error_views)
    response = get(ours, "/boom", APP)
    assert response.status_code == 500
    assert cors_headers(response) == {}
    assert get(ours, "/gone", APP).headers[ACAO] == APP


# --- what the page says is no difference ------------------------------------------------------


def same_headers(build_and_ask: Callable[[ModuleType], TestResponse]) -> dict[str, str]:
    """The CORS headers both libraries send for the same app and request (they must agree)."""
    theirs, ours = (cors_headers(build_and_ask(lib)) for lib in (flask_cors, crossorigin))
    assert theirs.keys() == ours.keys()
    for name, value in theirs.items():
        assert {v.strip().lower() for v in value.split(",")} == {
            v.strip().lower() for v in ours[name].split(",")
        }, name
    return ours


def test_methods_govern_preflights_only() -> None:
    headers = same_headers(lambda lib: get(client(lib, origins=[APP], methods=["GET"]), "/x", APP))
    assert headers == {ACAO: APP}
    headers = same_headers(
        lambda lib: client(lib, origins=[APP], methods=["GET"]).put("/x", headers={"Origin": APP})
    )
    assert headers == {ACAO: APP}


def test_allow_headers_star_echoes_the_requested_names() -> None:
    asked = "X-Foo, Authorization"
    headers = same_headers(
        lambda lib: preflight(client(lib, origins=[APP]), "/x", APP, "PUT", asked)
    )
    assert headers[ACAH].lower() in ("x-foo, authorization", "authorization, x-foo")


def test_a_blueprint_takes_no_cors_config_keys() -> None:
    def blueprint_app(lib: ModuleType) -> TestResponse:
        app = Flask(f"{lib.__name__}_app")
        app.config.update(CORS_EXPOSE_HEADERS=["X-Total"], CORS_SUPPORTS_CREDENTIALS=True)
        blueprint = Blueprint("bp", __name__)
        blueprint.add_url_rule("/b", "b", ok)
        lib.CORS(blueprint, origins=[APP])
        app.register_blueprint(blueprint)
        return get(app.test_client(), "/b", APP)

    headers = same_headers(blueprint_app)
    assert headers == {ACAO: APP}
    assert ACEH not in headers


def test_cookies_without_credentials_change_no_header() -> None:
    for cookie in ({}, {"Cookie": "session=1"}):
        headers = same_headers(
            lambda lib, cookie=cookie: get(client(lib, origins=[APP]), "/x", APP, headers=cookie)
        )
        assert headers == {ACAO: APP}


# --- the table and the tests, row by row --------------------------------------------------------


def test_the_rows_are_numbered_from_one() -> None:
    ROWS.check_numbering()


def test_the_flask_cors_column_is_about_the_installed_flask_cors() -> None:
    assert version("flask-cors").startswith("6.0."), "the table describes flask-cors 6.0.x"


@pytest.mark.parametrize("number", ROWS.numbers(), ids=row_id)
def test_row(number: int, caplog: pytest.LogCaptureFixture) -> None:
    ROWS.check_row(number, caplog)
