"""An app with every kind of CORS policy, shared by the inspect and CLI tests."""

from __future__ import annotations

from flask import Blueprint, Flask, request

from crossorigin import CORS, cross_origin

SPA = "http://localhost:3000"
PROD = "https://app.example.com"


def api_app() -> Flask:
    """Every kind of policy: resources, a blueprint, decorators, and an uncovered route."""
    app = Flask(__name__, static_folder=None)
    CORS(
        app,
        resources={
            "/api/public": {"origins": "*"},
            "/api/*": {
                "origins": [SPA, PROD],
                "methods": ["GET", "PUT"],
                "allow_headers": ["Content-Type", "Authorization"],
                "supports_credentials": True,
                "max_age": 600,
            },
        },
    )
    calls: list[str] = []
    app.extensions["calls"] = calls

    @app.route("/api/items/<int:item>", methods=["GET", "PUT", "DELETE"])
    def item(item: int) -> dict[str, int]:
        calls.append(f"{request.method} {item}")
        return {"item": item}

    @app.route("/api/public")
    def public() -> str:
        return "hi"

    @app.route("/api/list/")
    def listing() -> list[int]:
        return [1]

    @app.route("/api/boom")
    def boom() -> str:
        raise RuntimeError("boom")

    @app.route("/profile")
    @cross_origin(origins=[PROD], supports_credentials=True)
    def profile() -> str:
        return "me"

    @app.route("/health")
    def health() -> str:
        return "ok"

    api = Blueprint("v2", __name__, url_prefix="/v2")
    CORS(api, origins=[SPA], allow_headers=["X-Request-ID"])
    api.add_url_rule("/users", "users", lambda: "[]")
    app.register_blueprint(api)
    return app
