"""The page server of the demo: the page, its cases, and ``POST /explain``.

``GET /`` is ``static/index.html`` (plain HTML, CSS and JavaScript, no build step).
``GET /cases.json`` tells the page the API's URL and the requests to make.
``POST /explain`` takes a request the page made (``{method, path, headers, body,
credentials}``), replays it against the API as the browser would and returns
crossorigin's reason code and the browser-side verdict (see :mod:`demo.replay`).
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, jsonify, request, send_from_directory

from .cases import CASES
from .replay import BadRequest, Spec, explain_request

STATIC = Path(__file__).resolve().parent / "static"


def create_frontend(api_base: str, page_origin: str) -> Flask:
    """The page server for an API at ``api_base``, served from ``page_origin``."""
    app = Flask(__name__, static_folder=str(STATIC), static_url_path="/static")

    @app.after_request
    def no_cache(response):
        response.headers["Cache-Control"] = "no-store"
        return response

    @app.route("/")
    def index():
        return send_from_directory(STATIC, "index.html")

    @app.route("/cases.json")
    def cases():
        return jsonify(
            {
                "api": api_base,
                "page_origin": page_origin,
                "cases": [case.to_dict() for case in CASES],
            }
        )

    @app.route("/explain", methods=["POST"])
    def explain():
        try:
            spec = Spec.parse(request.get_json(silent=True))
        except BadRequest as exc:
            return jsonify({"error": str(exc)}), 400
        try:
            report = explain_request(api_base, page_origin, spec)
        except OSError as exc:
            return jsonify({"error": f"the API at {api_base} did not answer: {exc}"}), 502
        return jsonify(report)

    return app
