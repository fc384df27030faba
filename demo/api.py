"""The API of the demo: the seed article's Flask app, configured with crossorigin.

"The Ultimate Guide on Flask CORS Error" shows five snippets, each a separate app. Here
they are one app, so the article's three app-level configurations are merged into one
``resources`` dict (crossorigin, like flask-cors, configures an app once):

- ``/api/data``: the quick fix, public to any origin (``CORS(app)``);
- ``/api/*``: the secure fix, the article's three origins and methods (``/api/secure-data``);
- ``/api/submit-form``: the preflight section, ``allow_headers`` and ``methods`` listed;
- ``/api/public-info`` and ``/api/user-profile``: the route-specific ``@cross_origin``;
- ``/api/v1/...``: a blueprint with its own ``CORS(api_blueprint, origins=[...])``.

The page origin (``http://localhost:3000`` in the article) is a parameter so the tests
can run on free ports. ``/api/billing`` keeps the article's production-only policy
(``https://app.yourdomain.com``), so the page is refused there on purpose.

Debug mode is on (``app.debug``, as the article's ``app.run(debug=True)``), so every
response carries crossorigin's ``X-CORS-Decision: <preflight|actual>; <reason-code>``
and a refused preflight's body says why.
"""

from __future__ import annotations

import argparse
import os

from flask import Blueprint, Flask, jsonify, request

from crossorigin import CORS, cross_origin

#: The article's page origin; the demo page is served there by default.
DEFAULT_PAGE_ORIGIN = "http://localhost:3000"
PRODUCTION_ORIGIN = "https://app.yourdomain.com"


def create_app(page_origin: str = DEFAULT_PAGE_ORIGIN) -> Flask:
    """The article's API, allowing ``page_origin`` wherever the article allows localhost:3000."""
    app = Flask(__name__)
    # crossorigin's debug option defaults to app.debug: X-CORS-Decision on every response.
    app.debug = True

    # 2. The Secure Fix: the article's allow-list (localhost:3000 becomes the page origin).
    allowed_origins = [
        page_origin,  # React / Vue dev server (here: the demo page)
        "http://127.0.0.1:5173",  # Vite dev server
        PRODUCTION_ORIGIN,  # Production frontend
    ]
    CORS(
        app,
        resources={
            # 1. The Quick Fix: a public endpoint, any origin.
            "/api/data": {"origins": "*"},
            # Handling the Dreaded Preflight: JSON and Authorization need listing.
            "/api/submit-form": {
                "origins": [page_origin],
                "allow_headers": ["Content-Type", "Authorization"],
                "methods": ["GET", "POST", "OPTIONS"],
            },
            # 2. The Secure Fix: everything else under /api/.
            r"/api/*": {
                "origins": allowed_origins,
                "methods": ["GET", "POST", "PUT", "DELETE", "OPTIONS"],
            },
        },
    )

    @app.route("/")
    def index():  # not covered by CORS: a plain index for people who open the API
        return jsonify(
            {
                "demo": "crossorigin",
                "page": page_origin,
                "endpoints": sorted(
                    rule.rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/api")
                ),
            }
        )

    @app.route("/api/data")
    def get_data():
        return jsonify({"message": "CORS is working perfectly!", "status": "success"})

    @app.route("/api/secure-data")
    def get_secure_data():
        return jsonify({"user": "John Doe", "balance": 1000})

    # 3. Granular Control: Route-Specific CORS.
    @app.route("/api/public-info")
    @cross_origin()
    def public_info():
        return jsonify({"promo_code": "FLASK2026"})

    @app.route("/api/user-profile")
    @cross_origin(origins=[page_origin], supports_credentials=True)
    def user_profile():
        return jsonify(
            {
                "username": "SexyDev",
                "email": "dev@example.com",
                "cookie_received": "demo_session" in request.cookies,
            }
        )

    # The article's original user-profile policy: production only, so the page is refused.
    @app.route("/api/billing")
    @cross_origin(origins=[PRODUCTION_ORIGIN], supports_credentials=True)
    def billing():
        return jsonify({"plan": "pro", "next_invoice": "2026-07-01"})

    @app.route("/api/submit-form", methods=["POST", "OPTIONS"])
    def submit_form():
        data = request.get_json(silent=True)
        return jsonify({"received": True, "data": data}), 201

    # Edge case 1. Blueprints and Namespace Isolation.
    api_blueprint = Blueprint("api", __name__, url_prefix="/api/v1")
    CORS(api_blueprint, origins=[page_origin])

    @api_blueprint.route("/users")
    def users():
        return jsonify([{"name": "Ada"}, {"name": "Grace"}])

    app.register_blueprint(api_blueprint)
    return app


def main() -> None:
    """Run the API alone (``python -m demo.api``); ``python -m demo`` runs both servers."""
    parser = argparse.ArgumentParser(description="The crossorigin demo API alone.")
    parser.add_argument("--api-port", type=int, default=int(os.environ.get("DEMO_API_PORT", 5000)))
    parser.add_argument(
        "--page-origin",
        default=os.environ.get("DEMO_PAGE_ORIGIN", DEFAULT_PAGE_ORIGIN),
        help="origin of the page allowed by the API (default: %(default)s)",
    )
    args = parser.parse_args()
    # app.debug is on for crossorigin's X-CORS-Decision; keep Werkzeug's debugger and
    # reloader off all the same.
    create_app(args.page_origin).run(
        host="127.0.0.1", port=args.api_port, use_reloader=False, use_debugger=False
    )


if __name__ == "__main__":
    main()
