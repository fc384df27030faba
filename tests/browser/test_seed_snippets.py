"""Every snippet of the seed article, judged by Chromium.

Each app is the article's code with the import changed to crossorigin; the one thing
adapted is the allowed origin, ``http://localhost:3000`` in the article, which becomes
the test page's origin (A). A page on C plays the article's "malicious site".
"""

from __future__ import annotations

from typing import Any

from browser_harness import (
    LoopbackServer,
    is_blocked,
    open_page,
    run_fetch,
    run_fetch_credentialed,
    set_cookie,
)
from flask import Blueprint, Flask, jsonify, request

from crossorigin import CORS, cross_origin

ACAO = "Access-Control-Allow-Origin"


def allowed(result: dict[str, Any], status: int = 200) -> None:
    assert "error" not in result, f"browser blocked the response: {result['error']}"
    assert result["status"] == status, result


def blocked(result: dict[str, Any]) -> None:
    assert is_blocked(result), f"expected the browser to block, page got {result}"


def test_quick_fix_global_cors_any_site_reads(
    context: Any, page: Any, b: LoopbackServer, c: LoopbackServer
) -> None:
    app = Flask(__name__)
    CORS(app)

    @app.route("/api/data")
    def get_data() -> Any:
        return jsonify({"message": "CORS is working perfectly!", "status": "success"})

    b.mount(app)
    result = run_fetch(page, b.url("/api/data"))
    allowed(result)
    assert "CORS is working perfectly!" in result["body"]
    other = run_fetch(open_page(context, c), b.url("/api/data"))
    allowed(other)
    assert b.actual("/api/data")[0].response_header(ACAO) == ["*"]


def test_secure_fix_allow_list(
    context: Any, page: Any, a: LoopbackServer, b: LoopbackServer, c: LoopbackServer
) -> None:
    app = Flask(__name__)
    allowed_origins = [
        a.origin,  # the article's "http://localhost:3000"
        "http://127.0.0.1:5173",
        "https://app.yourdomain.com",
    ]
    cors_resources = {
        r"/api/*": {
            "origins": allowed_origins,
            "methods": ["GET", "POST", "PUT", "DELETE", "OPTIONS"],
        }
    }
    CORS(app, resources=cors_resources)

    @app.route("/api/secure-data")
    def get_secure_data() -> Any:
        return jsonify({"user": "John Doe", "balance": 1000})

    b.mount(app)
    allowed(run_fetch(page, b.url("/api/secure-data")))
    assert b.actual()[0].response_header(ACAO) == [a.origin]
    blocked(run_fetch(open_page(context, c), b.url("/api/secure-data")))
    assert b.actual()[1].response_header(ACAO) == []


def test_route_specific_public_and_credentialed(
    context: Any, page: Any, a: LoopbackServer, b: LoopbackServer, c: LoopbackServer
) -> None:
    app = Flask(__name__)

    @app.route("/api/public-info")
    @cross_origin()
    def public_info() -> Any:
        return jsonify({"promo_code": "FLASK2026"})

    @app.route("/api/user-profile")
    @cross_origin(origins=[a.origin], supports_credentials=True)
    def user_profile() -> Any:
        return jsonify({"username": "SexyDev", "cookie": request.cookies.get("sid_seed")})

    b.mount(app)
    set_cookie(context, b, "sid_seed", "s3cret")
    allowed(run_fetch(page, b.url("/api/public-info")))
    allowed(run_fetch(open_page(context, c), b.url("/api/public-info")))
    profile = run_fetch_credentialed(page, b.url("/api/user-profile"))
    allowed(profile)
    assert "s3cret" in profile["body"]
    blocked(run_fetch_credentialed(open_page(context, c), b.url("/api/user-profile")))


def test_preflighted_json_post_with_authorization(
    page: Any, a: LoopbackServer, b: LoopbackServer
) -> None:
    app = Flask(__name__)
    CORS(
        app,
        resources={
            r"/api/*": {
                "origins": [a.origin],
                "allow_headers": ["Content-Type", "Authorization"],
                "methods": ["GET", "POST", "OPTIONS"],
            }
        },
    )

    @app.route("/api/submit-form", methods=["POST", "OPTIONS"])
    def submit_form() -> Any:
        data = request.get_json()
        return jsonify({"received": True, "data": data}), 201

    b.mount(app)
    result = run_fetch(
        page,
        b.url("/api/submit-form"),
        method="POST",
        json={"name": "Ada"},
        headers={"Authorization": "Bearer t"},
    )
    allowed(result, 201)
    assert '"received":true' in result["body"].replace(" ", "")
    (pre,) = b.preflights("/api/submit-form")
    assert pre.acrm == "POST"
    assert pre.acrh == "authorization,content-type"
    assert b.actual("/api/submit-form")[0].authorization == "Bearer t"
    refused = run_fetch(
        page, b.url("/api/submit-form"), method="POST", json={}, headers={"X-Api-Key": "k"}
    )
    blocked(refused)
    assert len(b.actual("/api/submit-form")) == 1, "the refused POST is never sent"


def test_blueprint_namespace(
    context: Any, page: Any, a: LoopbackServer, b: LoopbackServer, c: LoopbackServer
) -> None:
    api_blueprint = Blueprint("api", __name__, url_prefix="/api/v1")
    CORS(api_blueprint, origins=[a.origin])

    @api_blueprint.route("/users")
    def users() -> Any:
        return jsonify([{"name": "Ada"}])

    app = Flask(__name__)
    app.register_blueprint(api_blueprint)

    @app.route("/outside")
    def outside() -> Any:
        return jsonify(ok=True)

    b.mount(app)
    allowed(run_fetch(page, b.url("/api/v1/users")))
    blocked(run_fetch(page, b.url("/outside")))
    blocked(run_fetch(open_page(context, c), b.url("/api/v1/users")))
    missing = run_fetch(page, b.url("/api/v1/missing"))
    allowed(missing, 404)
