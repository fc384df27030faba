"""Three apps written the way flask-cors users write them, run with only the import changed.

Each app is built twice from the same source, once importing ``flask_cors`` and once
``crossorigin``, and the same browser-shaped requests go to both. Where crossorigin
answers differently it is on purpose and listed in docs/differences-from-flask-cors.md.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

import pytest
from flask import Blueprint, Flask, abort, jsonify, request

SPA = "http://localhost:3000"
PARTNER = "https://partner.example.com"
ACAO = "Access-Control-Allow-Origin"
ACAC = "Access-Control-Allow-Credentials"
ACAH = "Access-Control-Allow-Headers"


def library(name: str) -> ModuleType:
    return importlib.import_module(name)


LIBRARIES = ["flask_cors", "crossorigin"]


# -- 1. an SPA API with cookies and a JWT header ------------------------------------------


def spa_api(lib: ModuleType) -> Flask:
    app = Flask(__name__)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    lib.CORS(
        app,
        resources={r"/api/*": {"origins": [SPA]}},
        supports_credentials=True,
        allow_headers=["Content-Type", "Authorization"],
        methods=["GET", "HEAD", "OPTIONS"],
    )

    @app.before_request
    def require_token() -> Any:
        guarded = request.method != "OPTIONS" and request.path.startswith("/api/private")
        if guarded and not request.headers.get("Authorization", "").startswith("Bearer "):
            return jsonify(error="unauthorized"), 401
        return None

    @app.get("/api/me")
    def me() -> Any:
        return jsonify(user="ada", session=request.cookies.get("session"))

    @app.post("/api/login")
    def login() -> Any:
        response = jsonify(ok=True)
        response.set_cookie("session", "s1", samesite="None", secure=True)
        return response

    @app.get("/api/private/data")
    def private() -> Any:
        return jsonify(secret=1)

    return app


@pytest.mark.parametrize("name", LIBRARIES)
def test_spa_api_grants_the_spa_with_credentials(name: str) -> None:
    client = spa_api(library(name)).test_client(use_cookies=False)
    me = client.get("/api/me", headers={"Origin": SPA, "Cookie": "session=s1"})
    assert me.headers[ACAO] == SPA and me.headers[ACAC] == "true"
    assert me.json == {"user": "ada", "session": "s1"}
    preflight = client.options(
        "/api/private/data",
        headers={
            "Origin": SPA,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers[ACAO] == SPA
    assert "authorization" in preflight.headers[ACAH].lower()
    refused = client.get("/api/me", headers={"Origin": "https://evil.example"})
    assert ACAO not in refused.headers


@pytest.mark.parametrize("name", LIBRARIES)
def test_spa_login_post_is_readable_though_post_is_not_in_methods(name: str) -> None:
    """methods= governs preflights: a simple POST the view served is readable (both)."""
    client = spa_api(library(name)).test_client()
    login = client.post("/api/login", headers={"Origin": SPA})
    assert login.status_code == 200 and login.headers[ACAO] == SPA


def test_spa_api_the_401_from_the_auth_hook_is_readable_with_crossorigin() -> None:
    """The page sees the 401 and can send the user to log in; with flask-cors the same
    response carries the headers too only because its after_request hook runs."""
    client = spa_api(library("crossorigin")).test_client()
    denied = client.get("/api/private/data", headers={"Origin": SPA})
    assert denied.status_code == 401
    assert denied.headers[ACAO] == SPA


# -- 2. an app factory with blueprints and CORS_* keys -------------------------------------


def factory(lib: ModuleType) -> Flask:
    api = Blueprint("api", __name__, url_prefix="/api")
    webhooks = Blueprint("webhooks", __name__, url_prefix="/hooks")

    @api.get("/items")
    def items() -> Any:
        return jsonify(items=[1, 2])

    @api.get("/items/<int:item>")
    def item(item: int) -> Any:
        if item > 2:
            abort(404)
        return jsonify(item=item)

    @webhooks.post("/incoming")
    def incoming() -> Any:
        return jsonify(received=True)

    lib.CORS(webhooks, origins="*")

    app = Flask(__name__)
    app.config.update(
        CORS_ORIGINS=[PARTNER, SPA],
        CORS_RESOURCES={r"/api/*": {}},
        CORS_EXPOSE_HEADERS=["X-Total"],
        CORS_SUPPORTS_CREDENTIALS=True,
    )
    lib.CORS(app)
    app.register_blueprint(api)
    app.register_blueprint(webhooks)
    return app


@pytest.mark.parametrize("name", LIBRARIES)
def test_factory_api_routes_use_the_config_keys(name: str) -> None:
    client = factory(library(name)).test_client()
    items = client.get("/api/items", headers={"Origin": PARTNER})
    assert items.headers[ACAO] == PARTNER and items.headers[ACAC] == "true"
    assert items.headers["Access-Control-Expose-Headers"] == "X-Total"
    missing = client.get("/api/items/9", headers={"Origin": PARTNER})
    assert missing.status_code == 404 and missing.headers[ACAO] == PARTNER
    assert ACAO not in client.get("/api/items", headers={"Origin": "https://x.test"}).headers


@pytest.mark.parametrize("name", LIBRARIES)
def test_factory_webhooks_blueprint_has_its_own_policy(name: str) -> None:
    """The blueprint's options over the defaults, not the app's CORS_* keys."""
    client = factory(library(name)).test_client()
    hook = client.post("/hooks/incoming", headers={"Origin": "https://anyone.example"})
    assert hook.status_code == 200
    # flask-cors echoes the origin for "*"; crossorigin sends "*" (a listed difference)
    assert hook.headers[ACAO] == ("*" if name == "crossorigin" else "https://anyone.example")
    assert ACAC not in hook.headers


# -- 3. a public read-only API ---------------------------------------------------------------


def public_api(lib: ModuleType) -> Flask:
    app = Flask(__name__)
    lib.CORS(app, resources={r"/v1/*": {"origins": "*", "methods": ["GET"]}})

    @app.get("/v1/stations")
    def stations() -> Any:
        return jsonify(stations=["a", "b"])

    @app.get("/v1/stations/")
    def stations_slash() -> Any:
        return jsonify(stations=["a", "b"])

    return app


@pytest.mark.parametrize("name", LIBRARIES)
def test_public_api_is_readable_from_any_page(name: str) -> None:
    client = public_api(library(name)).test_client()
    response = client.get("/v1/stations", headers={"Origin": "https://someone.example"})
    assert response.status_code == 200
    assert response.headers[ACAO] in ("*", "https://someone.example")


def test_public_api_refuses_a_preflighted_write_with_crossorigin() -> None:
    client = public_api(library("crossorigin")).test_client()
    preflight = client.options(
        "/v1/stations",
        headers={"Origin": "https://someone.example", "Access-Control-Request-Method": "DELETE"},
    )
    assert preflight.status_code == 403 and ACAO not in preflight.headers


# -- what flask-cors users write that crossorigin stops at start-up -------------------------


@pytest.mark.parametrize(
    ("options", "error_id"),
    [
        ({"origins": r"https://.*\.example\.com", "supports_credentials": True}, "E104"),
        ({"origins": "*", "supports_credentials": True}, "E301"),
        ({"origins": ["http://staging.example.com"], "supports_credentials": True}, "E304"),
        ({"origins": ["localhost:3000"]}, "E101"),
    ],
)
def test_an_unsafe_flask_cors_configuration_stops_with_a_located_error(
    options: dict[str, Any], error_id: str
) -> None:
    from crossorigin import CORS, ConfigError

    with pytest.raises(ConfigError) as info:
        CORS(Flask(__name__), **options)
    assert info.value.id == error_id
    assert "test_migration_apps.py" in str(info.value)  # where: this file and line
