"""The snippets of "The Ultimate Guide on Flask CORS Error: How to Fix It for Good", and
their tests, for Flask and for Quart.

Each factory below is the article's code copied as printed, with two changes only:
``from flask_cors import`` became ``from crossorigin import``, and the
``if __name__ == '__main__': app.run(...)`` tail is left out. The blueprint snippet
is printed mangled (smart quotes, ``name`` for ``__name__``) and stops after the
``CORS(...)`` call; it is written out with its evident meaning, plus one route on the
blueprint, one route outside it and the registration.

The Quart factories are made from the same source by :func:`quart_variant`, with only what
Quart needs changed (:data:`QUART_SWAPS`): ``from flask import`` becomes ``from quart
import``, ``from crossorigin import`` becomes ``from crossorigin.quart import``, ``Flask``
becomes ``Quart``, and the view that reads the body awaits it (``await
request.get_json()``, in an ``async def``). :func:`rewritten` makes such a variant for any
list of swaps: the browser suite (``tests/browser/test_seed_snippets.py``) uses it to put
its test page's origin where a snippet names an allowed origin.

:class:`SeedSnippetTests` holds the tests; a test module runs them on its framework with a
subclass that says how to build an app from a factory and how to send it a request.
"""

from __future__ import annotations
import __future__

import functools
import inspect
import re
import textwrap
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from flask import Flask

from shared.headers import (
    ACAC,
    ACAH,
    ACAM,
    ACAO,
    ACRH,
    ACRM,
    PREFLIGHT_VARY,
    cors_headers,
    preflight_headers,
    vary,
    with_origin,
)

# -- the snippets, verbatim apart from the import -------------------------------------


def quick_fix_app() -> Flask:
    """1. The Quick Fix: Global Configuration with Flask-CORS."""
    from flask import Flask, jsonify

    from crossorigin import CORS

    app = Flask(__name__)
    # Enable CORS globally for all routes and origins
    CORS(app)

    @app.route("/api/data")
    def get_data():
        return jsonify({"message": "CORS is working perfectly!", "status": "success"})

    return app


def secure_fix_app() -> Flask:
    """2. The Secure Fix: Restricting Specific Origins."""
    from flask import Flask, jsonify

    from crossorigin import CORS

    app = Flask(__name__)
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


def route_specific_app() -> Flask:
    """3. Granular Control: Route-Specific CORS."""
    from flask import Flask, jsonify

    from crossorigin import cross_origin

    app = Flask(__name__)

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


def preflight_app() -> Flask:
    """Handling the Dreaded Preflight OPTIONS Request."""
    from flask import Flask, jsonify, request

    from crossorigin import CORS

    app = Flask(__name__)
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
    def submit_form():
        # Flask-CORS will automatically handle the OPTIONS preflight request
        # and return a 200 OK with the correct headers.
        # Your actual POST logic goes here
        data = request.get_json()
        return jsonify({"received": True, "data": data}), 201

    return app


def blueprint_app() -> Flask:
    """Edge case 1. Blueprints and Namespace Isolation (with the article's evident meaning)."""
    from flask import Blueprint, Flask, jsonify

    from crossorigin import CORS

    # Create a blueprint
    api_blueprint = Blueprint("api", __name__, url_prefix="/api/v1")
    # Initialize CORS specifically for this blueprint
    # This only applies CORS to routes registered on api_blueprint
    CORS(api_blueprint, origins=["http://localhost:3000"])

    # -- not in the article: a route on the blueprint, one outside it, the registration
    @api_blueprint.route("/users")
    def users():
        return jsonify([{"name": "Ada"}])

    app = Flask(__name__)

    @app.route("/health")
    def health():
        return jsonify({"ok": True})

    app.register_blueprint(api_blueprint)
    return app


#: Every snippet above.
SNIPPETS = (quick_fix_app, secure_fix_app, route_specific_app, preflight_app, blueprint_app)


# -- the same snippets for Quart ----------------------------------------------------------

#: (pattern, replacement) applied line by line to a factory's source, in order.
QUART_SWAPS: tuple[tuple[str, str], ...] = (
    (r"^(\s*)from flask import ", r"\1from quart import "),
    (r"^(\s*)from crossorigin import ", r"\1from crossorigin.quart import "),
    (r"\bFlask\b(?!-)", "Quart"),  # not in "Flask-CORS", the article's prose
    # the view that reads the body awaits it
    (r"^(\s*)def submit_form\(\):", r"\1async def submit_form():"),
    (r"= request\.get_json\(\)", "= await request.get_json()"),
)


@functools.cache
def quart_variant(factory: Callable[[], Any]) -> Callable[[], Any]:
    """``factory`` rewritten for Quart by :data:`QUART_SWAPS`, with no Flask left in it."""
    return rewritten(factory, QUART_SWAPS, left_out=r"^\s*(from|import) flask\b|\bFlask\(")


def rewritten(
    factory: Callable[[], Any], swaps: Sequence[tuple[str, str]], left_out: str | None = None
) -> Callable[[], Any]:
    """``factory`` with each (pattern, replacement) of ``swaps`` applied to its source line by
    line, in order, and compiled at its own lines; ``left_out``, a pattern, must then be
    found nowhere in the source."""
    lines, first = inspect.getsourcelines(factory)
    source = textwrap.dedent("".join(lines))
    for pattern, replacement in swaps:
        source = re.sub(pattern, replacement, source, flags=re.MULTILINE)
    assert left_out is None or not re.search(left_out, source, re.MULTILINE), source
    code = compile(
        "\n" * (first - 1) + source,
        inspect.getsourcefile(factory) or factory.__module__,
        "exec",
        flags=__future__.annotations.compiler_flag,
        dont_inherit=True,
    )
    namespace: dict[str, Any] = {"__name__": factory.__module__}
    exec(code, namespace)
    made: Callable[[], Any] = namespace[factory.__name__]
    return made


# -- the tests ----------------------------------------------------------------------------

ALLOWED = ["http://localhost:3000", "http://127.0.0.1:5173", "https://app.yourdomain.com"]


class SeedSnippetTests:
    """The tests of every snippet; a subclass names the framework (``app`` and ``send``)."""

    def app(self, factory: Callable[[], Flask]) -> Any:
        """The app that ``factory`` makes, in this framework."""
        raise NotImplementedError

    def send(self, app: Any, method: str, path: str, **kwargs: Any) -> Any:
        """One request; the answer has ``status_code``, ``headers``, ``data``, ``get_json``."""
        raise NotImplementedError

    def get(self, app: Any, path: str, origin: str | None = None, **kwargs: Any) -> Any:
        """A GET, with an ``Origin`` header when ``origin`` is given."""
        return self.send(app, "GET", path, headers=with_origin(kwargs, origin), **kwargs)

    def preflight(
        self,
        app: Any,
        path: str,
        origin: str,
        method: str = "GET",
        request_headers: str | None = None,
    ) -> Any:
        """An ``OPTIONS`` request with ``Origin`` and ``Access-Control-Request-Method``."""
        headers = preflight_headers(origin, method, request_headers)
        return self.send(app, "OPTIONS", path, headers=headers)

    # -- 1. the quick fix -------------------------------------------------------------------

    @pytest.mark.parametrize(
        "origin",
        [None, "http://localhost:3000", "https://evil-hacker-site.com", "null"],
        ids=["no-origin", "localhost", "evil", "null"],
    )
    def test_quick_fix_sends_the_literal_wildcard_for_any_origin(self, origin: str | None) -> None:
        response = self.get(self.app(quick_fix_app), "/api/data", origin)

        assert response.status_code == 200
        assert response.get_json() == {"message": "CORS is working perfectly!", "status": "success"}
        assert cors_headers(response) == {ACAO: "*"}
        assert vary(response) == []

    def test_quick_fix_answers_a_preflight_with_the_wildcard(self) -> None:
        app = self.app(quick_fix_app)
        response = self.preflight(app, "/api/data", "http://localhost:3000", "PUT", "content-type")

        assert response.status_code == 200
        assert cors_headers(response) == {
            ACAO: "*",
            ACAM: "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS",
            ACAH: "content-type",
        }

    # -- 2. the secure fix ------------------------------------------------------------------

    @pytest.mark.parametrize("origin", ALLOWED, ids=["react", "vite", "production"])
    def test_secure_fix_echoes_each_listed_origin(self, origin: str) -> None:
        response = self.get(self.app(secure_fix_app), "/api/secure-data", origin)

        assert response.status_code == 200
        assert response.get_json() == {"user": "John Doe", "balance": 1000}
        assert cors_headers(response) == {ACAO: origin}
        assert vary(response) == ["Origin"]

    @pytest.mark.parametrize(
        "origin",
        [
            "https://evil-hacker-site.com",
            "http://localhost:3001",
            "https://app.yourdomain.com.evil",
        ],
        ids=["evil", "other-port", "suffixed"],
    )
    def test_secure_fix_omits_the_header_for_other_origins(self, origin: str) -> None:
        response = self.get(self.app(secure_fix_app), "/api/secure-data", origin)

        assert response.status_code == 200
        assert cors_headers(response) == {}
        assert vary(response) == ["Origin"]

    def test_secure_fix_does_not_cover_paths_outside_api(self) -> None:
        response = self.get(self.app(secure_fix_app), "/secure-data", "http://localhost:3000")

        assert response.status_code == 404
        assert cors_headers(response) == {}
        assert vary(response) == []

    @pytest.mark.parametrize(
        ("method", "status", "expected"),
        [
            ("PUT", 200, {ACAO: "http://localhost:3000", ACAM: "GET, POST, PUT, DELETE, OPTIONS"}),
            (
                "DELETE",
                200,
                {ACAO: "http://localhost:3000", ACAM: "GET, POST, PUT, DELETE, OPTIONS"},
            ),
            ("PATCH", 403, {}),
        ],
        ids=["put-listed", "delete-listed", "patch-not-listed"],
    )
    def test_secure_fix_preflight_allows_only_the_listed_methods(
        self, method: str, status: int, expected: dict[str, str]
    ) -> None:
        app = self.app(secure_fix_app)
        response = self.preflight(app, "/api/secure-data", "http://localhost:3000", method)

        assert response.status_code == status
        assert cors_headers(response) == expected

    # -- 3. route-specific CORS -------------------------------------------------------------

    @pytest.mark.parametrize(
        "origin",
        [None, "https://app.yourdomain.com", "https://evil-hacker-site.com"],
        ids=["no-origin", "app", "evil"],
    )
    def test_public_route_is_open_to_everyone(self, origin: str | None) -> None:
        response = self.get(self.app(route_specific_app), "/api/public-info", origin)

        assert response.status_code == 200
        assert response.get_json() == {"promo_code": "FLASK2026"}
        assert cors_headers(response) == {ACAO: "*"}

    def test_restricted_route_grants_its_origin_with_credentials(self) -> None:
        response = self.get(
            self.app(route_specific_app), "/api/user-profile", "https://app.yourdomain.com"
        )

        assert response.status_code == 200
        assert response.get_json() == {"username": "SexyDev", "email": "dev@example.com"}
        assert cors_headers(response) == {ACAO: "https://app.yourdomain.com", ACAC: "true"}
        assert vary(response) == ["Origin"]

    @pytest.mark.parametrize(
        "origin",
        [None, "https://evil-hacker-site.com", "http://app.yourdomain.com", "null"],
        ids=["no-origin", "evil", "http-scheme", "null"],
    )
    def test_restricted_route_sends_nothing_to_other_origins(self, origin: str | None) -> None:
        response = self.get(self.app(route_specific_app), "/api/user-profile", origin)

        assert response.status_code == 200
        assert cors_headers(response) == {}
        assert vary(response) == ["Origin"]

    def test_restricted_route_answers_its_preflight(self) -> None:
        app = self.app(route_specific_app)
        response = self.preflight(
            app, "/api/user-profile", "https://app.yourdomain.com", "GET", "authorization"
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

    def test_preflight_snippet_answers_the_preflight_then_the_post(self) -> None:
        app = self.app(preflight_app)

        answer = self.send(
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

        posted = self.send(
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
        self, origin: str, method: str, request_headers: str
    ) -> None:
        app = self.app(preflight_app)
        response = self.preflight(app, "/api/submit-form", origin, method, request_headers)

        assert response.status_code == 403
        assert cors_headers(response) == {}

    # -- edge case 1: blueprints ------------------------------------------------------------

    def test_blueprint_snippet_covers_the_blueprint_routes(self) -> None:
        response = self.get(self.app(blueprint_app), "/api/v1/users", "http://localhost:3000")

        assert response.status_code == 200
        assert response.get_json() == [{"name": "Ada"}]
        assert cors_headers(response) == {ACAO: "http://localhost:3000"}
        assert vary(response) == ["Origin"]

    def test_blueprint_snippet_refuses_other_origins_on_its_routes(self) -> None:
        response = self.get(self.app(blueprint_app), "/api/v1/users", "http://localhost:3001")

        assert response.status_code == 200
        assert cors_headers(response) == {}
        assert vary(response) == ["Origin"]

    def test_blueprint_snippet_answers_preflights_on_its_routes(self) -> None:
        app = self.app(blueprint_app)
        response = self.preflight(app, "/api/v1/users", "http://localhost:3000", "DELETE")

        assert response.status_code == 200
        assert cors_headers(response)[ACAO] == "http://localhost:3000"

    @pytest.mark.parametrize("method", ["GET", "OPTIONS"], ids=["actual", "preflight"])
    def test_blueprint_snippet_leaves_routes_outside_the_blueprint_alone(self, method: str) -> None:
        headers = {"Origin": "http://localhost:3000"}
        if method == "OPTIONS":
            headers[ACRM] = "GET"
        response = self.send(self.app(blueprint_app), method, "/health", headers=headers)

        assert response.status_code == 200
        assert cors_headers(response) == {}
        assert vary(response) == []
