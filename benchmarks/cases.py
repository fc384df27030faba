"""The benchmark cases: one Flask app built three ways (bare, flask-cors, crossorigin).

Shared by ``bench.py`` (in-process WSGI calls) and ``server_bench.py`` (gunicorn
loads ``cases:create_app('<lib>', '<case>')``). Every app has the same routes and
views; only the CORS extension and its options differ. Each case says how to
configure each library so that the two grant the same requests, and notes where
the two cannot be made to answer identically.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, jsonify

LIBS = ("bare", "flask-cors", "crossorigin")

#: The three origins of the seed article ("The Secure Fix: Restricting Specific Origins").
SEED_ORIGINS = [
    "http://localhost:3000",  # React / Vue dev server
    "http://127.0.0.1:5173",  # Vite dev server
    "https://app.yourdomain.com",  # Production frontend
]
SEED_METHODS = ["GET", "POST", "PUT", "DELETE", "OPTIONS"]

MISS_ORIGIN = "https://evil.example.net"


@dataclass(frozen=True)
class Request:
    method: str = "GET"
    path: str = "/api/data"
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Case:
    """One benchmark case.

    ``crossorigin`` and ``flask_cors`` build the ``CORS(app, **kwargs)`` keyword
    arguments (``flask_cors`` is None when flask-cors cannot express the case).
    ``granted`` is whether the request must get ``Access-Control-Allow-Origin``
    from the CORS libraries; ``note`` records any deviation between the two configs.
    """

    name: str
    request: Request
    crossorigin: Callable[[], dict[str, Any]]
    flask_cors: Callable[[], dict[str, Any]] | None
    granted: bool
    note: str = ""
    tags: tuple[str, ...] = field(default=())
    #: "app": ``CORS(app, **options)``; "decorator": ``@cross_origin(**options)`` on the
    #: view alone; "decorator+app": the same, with ``CORS(app)`` covering other paths;
    #: "app+decorator-elsewhere": ``CORS(app, **options)``, and the same options in a
    #: ``@cross_origin`` on the other view.
    mode: str = "app"


def _origin(value: str) -> tuple[tuple[str, str], ...]:
    return (("Origin", value),)


def _exact_origins(n: int) -> list[str]:
    return [f"https://app{i}.example.com" for i in range(n)]


def _exact_case(n: int, hit: bool) -> Case:
    origin = f"https://app{n // 2}.example.com" if hit else MISS_ORIGIN
    return Case(
        name=f"exact origins {n:,} ({'hit' if hit else 'miss'})",
        request=Request(headers=_origin(origin)),
        crossorigin=lambda: {"origins": _exact_origins(n)},
        flask_cors=lambda: {"origins": _exact_origins(n)},
        granted=hit,
        note="hit = the middle entry of the list" if hit else "miss scans the whole list",
        tags=(f"exact-{n}", f"exact-{n}-{'hit' if hit else 'miss'}"),
    )


def _subdomain_case(n: int, hit: bool) -> Case:
    origin = f"https://app.tenant{n // 2}.example.com" if hit else "https://app.tenant1.example.org"
    return Case(
        name=f"subdomain patterns {n:,} ({'hit' if hit else 'miss'})",
        request=Request(headers=_origin(origin)),
        crossorigin=lambda: {"origins": [f"https://*.tenant{i}.example.com" for i in range(n)]},
        # flask-cors compiles strings with regex characters (IGNORECASE) and uses
        # re.match, which anchors only the start: "$" anchors the end.
        flask_cors=lambda: {
            "origins": [rf"https://([a-z0-9-]+\.)+tenant{i}\.example\.com$" for i in range(n)]
        },
        granted=hit,
        note="flask-cors: the equivalent anchored regex strings",
        tags=(f"subdomain-{n}", f"subdomain-{n}-{'hit' if hit else 'miss'}"),
    )


def _resources_case(n: int) -> Case:
    return Case(
        name=f"resource patterns {n:,}",
        request=Request(path=f"/r{n // 2}/item", headers=_origin("https://app.example.com")),
        crossorigin=lambda: {"resources": {f"/r{i}/*": {} for i in range(n)}},
        # flask-cors keys are regexes tried with re.match in its own order (longest
        # first); "/r{i}/*" would be the regex "/r{i}" then any number of "/", which
        # also matches "/r{i}0/...": ".*" is the equivalent.
        flask_cors=lambda: {"resources": {f"/r{i}/.*": {} for i in range(n)}},
        granted=True,
        note='keys "/r{i}/*" (flask-cors: regex "/r{i}/.*"); request hits the middle key',
        tags=(f"resources-{n}",),
    )


def _is_allowed_tenant(origin: str) -> bool:
    return origin.endswith(".example.com") and origin.startswith("https://")


CASES: tuple[Case, ...] = (
    Case(
        name="simple GET (defaults)",
        request=Request(headers=_origin("https://app.example.com")),
        crossorigin=dict,
        flask_cors=dict,
        granted=True,
        note="defaults: crossorigin sends '*', flask-cors echoes the origin + Vary: Origin",
        tags=("simple",),
    ),
    Case(
        name="preflight (defaults)",
        request=Request(
            method="OPTIONS",
            headers=(
                ("Origin", "https://app.example.com"),
                ("Access-Control-Request-Method", "PUT"),
                ("Access-Control-Request-Headers", "content-type"),
            ),
        ),
        crossorigin=dict,
        flask_cors=dict,
        granted=True,
        note="bare: Flask's automatic OPTIONS answer (no CORS headers)",
        tags=("preflight",),
    ),
    Case(
        name="3 origins (seed article)",
        request=Request(headers=_origin("http://127.0.0.1:5173")),
        crossorigin=lambda: {
            "resources": {r"/api/*": {"origins": SEED_ORIGINS, "methods": SEED_METHODS}}
        },
        flask_cors=lambda: {
            "resources": {r"/api/*": {"origins": SEED_ORIGINS, "methods": SEED_METHODS}}
        },
        granted=True,
        note="the article's code, identical for both; request from the 2nd origin",
        tags=("seed",),
    ),
    *(_exact_case(n, hit) for n in (10, 100, 1_000, 10_000) for hit in (True, False)),
    _subdomain_case(100, True),
    _subdomain_case(100, False),
    *(_resources_case(n) for n in (10, 100, 1_000)),
    Case(
        name="no Origin header (defaults)",
        request=Request(),
        crossorigin=dict,
        flask_cors=dict,
        granted=True,
        note="both send '*' (always_send)",
        tags=("no-origin",),
    ),
    Case(
        name="callable origins",
        request=Request(headers=_origin("https://app.example.com")),
        crossorigin=lambda: {"origins": [_is_allowed_tenant]},
        flask_cors=None,
        granted=True,
        note="flask-cors has no callable origins",
        tags=("callable",),
    ),
    Case(
        name="decorator alone (3 origins)",
        request=Request(headers=_origin(SEED_ORIGINS[1])),
        crossorigin=lambda: {"origins": SEED_ORIGINS},
        flask_cors=lambda: {"origins": SEED_ORIGINS},
        granted=True,
        note="@cross_origin(origins=[...]) on the view, no CORS(app)",
        tags=("decorator",),
        mode="decorator",
    ),
    Case(
        name="decorator with CORS(app) (3 origins)",
        request=Request(headers=_origin(SEED_ORIGINS[1])),
        crossorigin=lambda: {"origins": SEED_ORIGINS},
        flask_cors=lambda: {"origins": SEED_ORIGINS},
        granted=True,
        note='the same view, and CORS(app, resources={"/other/*": {}})',
        tags=("decorator-app",),
        mode="decorator+app",
    ),
    Case(
        name="CORS(app), a decorated view elsewhere (3 origins)",
        request=Request(headers=_origin(SEED_ORIGINS[1])),
        crossorigin=lambda: {"origins": SEED_ORIGINS},
        flask_cors=lambda: {"origins": SEED_ORIGINS},
        granted=True,
        note="CORS(app, origins=[...]) and @cross_origin on the other view: does one "
        "decorated view slow the rest of the app?",
        tags=("decorator-elsewhere",),
        mode="app+decorator-elsewhere",
    ),
)

CASES_BY_TAG: dict[str, Case] = {}
for _case in CASES:
    for _tag in _case.tags:
        CASES_BY_TAG.setdefault(_tag, _case)  # a shared tag names its first case
    CASES_BY_TAG.setdefault(_case.name, _case)


def find_case(key: str) -> Case:
    """A case by tag (``simple``, ``seed``, ``exact-10000`` ...) or by its exact name."""
    try:
        return CASES_BY_TAG[key]
    except KeyError:
        raise KeyError(f"unknown case {key!r}; tags: {', '.join(sorted(CASES_BY_TAG))}") from None


# -- the app ---------------------------------------------------------------------------


def base_app(
    decorate: Callable[[Any], Any] | None = None,
    decorate_other: Callable[[Any], Any] | None = None,
) -> Flask:
    """The application under test, without CORS: two JSON views.

    ``decorate`` wraps the ``/api/data`` view and ``decorate_other`` the
    ``/r<n>/item`` one (a ``cross_origin(...)`` decorator).
    """
    app = Flask("bench")

    def data() -> Any:
        return jsonify(message="CORS is working", status="success")

    view = data if decorate is None else decorate(data)
    app.add_url_rule("/api/data", "data", view, methods=["GET", "POST", "PUT", "DELETE"])

    def item(n: int) -> Any:
        return jsonify(item=n)

    other = item if decorate_other is None else decorate_other(item)
    app.add_url_rule("/r<int:n>/item", "item", other)
    return app


def build_app(lib: str, options: dict[str, Any] | None, mode: str = "app") -> Flask:
    if lib == "bare":
        return base_app()
    if lib == "flask-cors":
        from flask_cors import CORS, cross_origin
    elif lib == "crossorigin":
        from crossorigin import CORS, cross_origin  # type: ignore[assignment]
    else:
        raise ValueError(f"unknown library {lib!r}; one of {LIBS}")
    if mode == "app":
        app = base_app()
        CORS(app, **(options or {}))
        return app
    if mode == "app+decorator-elsewhere":
        app = base_app(decorate_other=cross_origin(**(options or {})))
        CORS(app, **(options or {}))
        return app
    app = base_app(cross_origin(**(options or {})))
    if mode == "decorator+app":
        CORS(app, resources={"/other/*": {}})
    return app


def case_app(lib: str, case: Case) -> Flask | None:
    """The app for ``lib`` in ``case``, or None when ``lib`` cannot express it."""
    if lib == "bare":
        return build_app("bare", None)
    factory = case.crossorigin if lib == "crossorigin" else case.flask_cors
    if factory is None:
        return None
    return build_app(lib, factory(), case.mode)


def create_app(lib: str, case: str = "simple") -> Flask:
    """Gunicorn entry point: ``cases:create_app('crossorigin', 'simple')``."""
    app = case_app(lib, find_case(case))
    if app is None:
        raise SystemExit(f"{lib} cannot express case {case!r}")
    return app
