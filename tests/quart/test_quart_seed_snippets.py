"""The snippets of "The Ultimate Guide on Flask CORS Error: How to Fix It for Good",
written for Quart.

Each factory is the article's code as tests/flask_ext/test_seed_snippets.py copies it,
with only what Quart needs changed: ``from flask import`` became ``from quart import``,
``from flask_cors import`` became ``from crossorigin.quart import``, ``Flask(__name__)``
became ``Quart(__name__)``, and the view that reads the body awaits it
(``await request.get_json()``, in an ``async def``). The assertions are the Flask ones.
"""

from __future__ import annotations

import pytest
from quart import Quart
from quart_helpers import (
    ACAC,
    ACAH,
    ACAM,
    ACAO,
    ACRH,
    ACRM,
    PREFLIGHT_VARY,
    cors_headers,
    get,
    preflight,
    send,
    vary,
)

# -- the snippets ------------------------------------------------------------------------


def quick_fix_app() -> Quart:
    """1. The Quick Fix: Global Configuration with Flask-CORS."""
    from quart import Quart, jsonify

    from crossorigin.quart import CORS

    app = Quart(__name__)
    # Enable CORS globally for all routes and origins
    CORS(app)

    @app.route("/api/data")
    def get_data():
        return jsonify({"message": "CORS is working perfectly!", "status": "success"})

    return app


def secure_fix_app() -> Quart:
    """2. The Secure Fix: Restricting Specific Origins."""
    from quart import Quart, jsonify

    from crossorigin.quart import CORS

    app = Quart(__name__)
    # Define your allowed origins
    allowed_origins = [
        "http://localhost:3000",  # React / Vue dev server
        "http://127.0.0.1:5173",  # Vite dev server
        "https://app.yourdomain.com",  # Production frontend
    ]
    # Initialize CORS with specific resource configurations
    cors_resources = {
        r"/api/*": {
            "origins": allowed_origins,
            "methods": ["GET", "POST", "PUT", "DELETE", "OPTIONS"],
        }
    }
    CORS(app, resources=cors_resources)

    @app.route("/api/secure-data")
    def get_secure_data():
        return jsonify({"user": "John Doe", "balance": 1000})

    return app


def route_specific_app() -> Quart:
    """3. Granular Control: Route-Specific CORS."""
    from quart import Quart, jsonify

    from crossorigin.quart import cross_origin

    app = Quart(__name__)

    # Public endpoint: Anyone can access this
    @app.route("/api/public-info")
    @cross_origin()
    def public_info():
        return jsonify({"promo_code": "FLASK2026"})

    # Restricted endpoint: Only the specific frontend can access this
    @app.route("/api/user-profile")
    @cross_origin(origins=["https://app.yourdomain.com"], supports_credentials=True)
    def user_profile():
        return jsonify({"username": "SexyDev", "email": "dev@example.com"})

    return app


def preflight_app() -> Quart:
    """Handling the Dreaded Preflight OPTIONS Request."""
    from quart import Quart, jsonify, request

    from crossorigin.quart import CORS

    app = Quart(__name__)
    CORS(
        app,
        resources={
            r"/api/*": {
                "origins": ["http://localhost:3000"],
                "allow_headers": ["Content-Type", "Authorization"],  # Must include custom headers
                "methods": ["GET", "POST", "OPTIONS"],  # Must include OPTIONS
            }
        },
    )

    @app.route("/api/submit-form", methods=["POST", "OPTIONS"])
    async def submit_form():
        # Flask-CORS will automatically handle the OPTIONS preflight request
        # and return a 200 OK with the correct headers.
        # Your actual POST logic goes here
        data = await request.get_json()
        return jsonify({"received": True, "data": data}), 201

    return app


def blueprint_app() -> Quart:
    """Edge case 1. Blueprints and Namespace Isolation (with the article's evident meaning)."""
    from quart import Blueprint, Quart, jsonify

    from crossorigin.quart import CORS

    # Create a blueprint
    api_blueprint = Blueprint("api", __name__, url_prefix="/api/v1")
    # Initialize CORS specifically for this blueprint
    # This only applies CORS to routes registered on api_blueprint
    CORS(api_blueprint, origins=["http://localhost:3000"])

    # -- not in the article: a route on the blueprint, one outside it, the registration
    @api_blueprint.route("/users")
    def users():
        return jsonify([{"name": "Ada"}])

    app = Quart(__name__)

    @app.route("/health")
    def health():
        return jsonify({"ok": True})

    app.register_blueprint(api_blueprint)
    return app


# -- 1. the quick fix -------------------------------------------------------------------


@pytest.mark.parametrize(
    "origin",
    [None, "http://localhost:3000", "https://evil-hacker-site.com", "null"],
    ids=["no-origin", "localhost", "evil", "null"],
)
def test_quick_fix_sends_the_literal_wildcard_for_any_origin(origin: str | None) -> None:
    response = get(quick_fix_app(), "/api/data", origin)

    assert response.status_code == 200
    assert response.get_json() == {"message": "CORS is working perfectly!", "status": "success"}
    assert cors_headers(response) == {ACAO: "*"}
    assert vary(response) == []


def test_quick_fix_answers_a_preflight_with_the_wildcard() -> None:
    response = preflight(
        quick_fix_app(), "/api/data", "http://localhost:3000", "PUT", "content-type"
    )

    assert response.status_code == 200
    assert cors_headers(response) == {
        ACAO: "*",
        ACAM: "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS",
        ACAH: "content-type",
    }


# -- 2. the secure fix ------------------------------------------------------------------

ALLOWED = ["http://localhost:3000", "http://127.0.0.1:5173", "https://app.yourdomain.com"]


@pytest.mark.parametrize("origin", ALLOWED, ids=["react", "vite", "production"])
def test_secure_fix_echoes_each_listed_origin(origin: str) -> None:
    response = get(secure_fix_app(), "/api/secure-data", origin)

    assert response.status_code == 200
    assert response.get_json() == {"user": "John Doe", "balance": 1000}
    assert cors_headers(response) == {ACAO: origin}
    assert vary(response) == ["Origin"]


@pytest.mark.parametrize(
    "origin",
    ["https://evil-hacker-site.com", "http://localhost:3001", "https://app.yourdomain.com.evil"],
    ids=["evil", "other-port", "suffixed"],
)
def test_secure_fix_omits_the_header_for_other_origins(origin: str) -> None:
    response = get(secure_fix_app(), "/api/secure-data", origin)

    assert response.status_code == 200
    assert cors_headers(response) == {}
    assert vary(response) == ["Origin"]


def test_secure_fix_does_not_cover_paths_outside_api() -> None:
    response = get(secure_fix_app(), "/secure-data", "http://localhost:3000")

    assert response.status_code == 404
    assert cors_headers(response) == {}
    assert vary(response) == []


@pytest.mark.parametrize(
    ("method", "status", "expected"),
    [
        ("PUT", 200, {ACAO: "http://localhost:3000", ACAM: "GET, POST, PUT, DELETE, OPTIONS"}),
        ("DELETE", 200, {ACAO: "http://localhost:3000", ACAM: "GET, POST, PUT, DELETE, OPTIONS"}),
        ("PATCH", 403, {}),
    ],
    ids=["put-listed", "delete-listed", "patch-not-listed"],
)
def test_secure_fix_preflight_allows_only_the_listed_methods(
    method: str, status: int, expected: dict[str, str]
) -> None:
    response = preflight(secure_fix_app(), "/api/secure-data", "http://localhost:3000", method)

    assert response.status_code == status
    assert cors_headers(response) == expected


# -- 3. route-specific CORS -------------------------------------------------------------


@pytest.mark.parametrize(
    "origin",
    [None, "https://app.yourdomain.com", "https://evil-hacker-site.com"],
    ids=["no-origin", "app", "evil"],
)
def test_public_route_is_open_to_everyone(origin: str | None) -> None:
    response = get(route_specific_app(), "/api/public-info", origin)

    assert response.status_code == 200
    assert response.get_json() == {"promo_code": "FLASK2026"}
    assert cors_headers(response) == {ACAO: "*"}


def test_restricted_route_grants_its_origin_with_credentials() -> None:
    response = get(route_specific_app(), "/api/user-profile", "https://app.yourdomain.com")

    assert response.status_code == 200
    assert response.get_json() == {"username": "SexyDev", "email": "dev@example.com"}
    assert cors_headers(response) == {ACAO: "https://app.yourdomain.com", ACAC: "true"}
    assert vary(response) == ["Origin"]


@pytest.mark.parametrize(
    "origin",
    [None, "https://evil-hacker-site.com", "http://app.yourdomain.com", "null"],
    ids=["no-origin", "evil", "http-scheme", "null"],
)
def test_restricted_route_sends_nothing_to_other_origins(origin: str | None) -> None:
    response = get(route_specific_app(), "/api/user-profile", origin)

    assert response.status_code == 200
    assert cors_headers(response) == {}
    assert vary(response) == ["Origin"]


def test_restricted_route_answers_its_preflight() -> None:
    response = preflight(
        route_specific_app(),
        "/api/user-profile",
        "https://app.yourdomain.com",
        "GET",
        "authorization",
    )

    assert response.status_code == 200
    assert cors_headers(response) == {
        ACAO: "https://app.yourdomain.com",
        ACAC: "true",
        ACAM: "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS",
        ACAH: "authorization",
    }
    assert vary(response) == PREFLIGHT_VARY


# -- the preflight snippet --------------------------------------------------------------


def test_preflight_snippet_answers_the_preflight_then_the_post() -> None:
    app = preflight_app()

    answer = send(
        app,
        "OPTIONS",
        "/api/submit-form",
        headers={
            "Origin": "http://localhost:3000",
            ACRM: "POST",
            ACRH: "content-type,authorization",
        },
    )
    assert answer.status_code == 200
    assert answer.data == b""
    assert cors_headers(answer) == {
        ACAO: "http://localhost:3000",
        ACAM: "GET, POST, OPTIONS",
        ACAH: "content-type, authorization",
    }

    posted = send(
        app,
        "POST",
        "/api/submit-form",
        json={"name": "Ada"},
        headers={"Origin": "http://localhost:3000", "Authorization": "Bearer t"},
    )
    assert posted.status_code == 201
    assert posted.get_json() == {"received": True, "data": {"name": "Ada"}}
    assert cors_headers(posted) == {ACAO: "http://localhost:3000"}
    assert vary(posted) == ["Origin"]


@pytest.mark.parametrize(
    ("origin", "method", "request_headers"),
    [
        ("https://evil-hacker-site.com", "POST", "content-type"),
        ("http://localhost:3000", "PUT", "content-type"),
        ("http://localhost:3000", "POST", "x-api-key"),
    ],
    ids=["other-origin", "method-not-listed", "header-not-listed"],
)
def test_preflight_snippet_refuses_what_it_does_not_list(
    origin: str, method: str, request_headers: str
) -> None:
    response = preflight(preflight_app(), "/api/submit-form", origin, method, request_headers)

    assert response.status_code == 403
    assert cors_headers(response) == {}


# -- edge case 1: blueprints ------------------------------------------------------------


def test_blueprint_snippet_covers_the_blueprint_routes() -> None:
    response = get(blueprint_app(), "/api/v1/users", "http://localhost:3000")

    assert response.status_code == 200
    assert response.get_json() == [{"name": "Ada"}]
    assert cors_headers(response) == {ACAO: "http://localhost:3000"}
    assert vary(response) == ["Origin"]


def test_blueprint_snippet_refuses_other_origins_on_its_routes() -> None:
    response = get(blueprint_app(), "/api/v1/users", "http://localhost:3001")

    assert response.status_code == 200
    assert cors_headers(response) == {}
    assert vary(response) == ["Origin"]


def test_blueprint_snippet_answers_preflights_on_its_routes() -> None:
    response = preflight(blueprint_app(), "/api/v1/users", "http://localhost:3000", "DELETE")

    assert response.status_code == 200
    assert cors_headers(response)[ACAO] == "http://localhost:3000"


@pytest.mark.parametrize("method", ["GET", "OPTIONS"], ids=["actual", "preflight"])
def test_blueprint_snippet_leaves_routes_outside_the_blueprint_alone(method: str) -> None:
    headers = {"Origin": "http://localhost:3000"}
    if method == "OPTIONS":
        headers[ACRM] = "GET"
    response = send(blueprint_app(), method, "/health", headers=headers)

    assert response.status_code == 200
    assert cors_headers(response) == {}
    assert vary(response) == []
