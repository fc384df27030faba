"""``CORS(app_or_blueprint, **options)`` for Quart: the Flask extension's twin.

One ASGI middleware per app (around ``app.asgi_app``) answers preflights before routing,
hooks and views, and adds headers to every other response of a covered route. Policies
are built at start-up by the same core, from the same layers: defaults < ``CORS_*``
config < ``CORS(...)`` kwargs < ``init_app`` kwargs < per-resource options; a
decorator's policy governs its view, a blueprint's policy its routes.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from typing import Any, cast

from flask.sansio.blueprints import BlueprintSetupState
from quart import Blueprint, Quart
from quart.signals import got_request_exception

from ..asgi import ASGIApp
from ..core.errors import ConfigError, Problems, SetupError, call_site
from ..core.options import normalize_options, options_from_config
from ..core.resources import build_resource_table
from ..flask_ext.extension import EXTENSION_KEY, refuse
from ..flask_ext.resolve import BlueprintScope
from .middleware import QuartCORSMiddleware, mark_uncaught_exception
from .state import QuartState

__all__ = ["CORS", "get_state"]

#: Each blueprint given to CORS, with the file:line of that call.
_initialised_blueprints: weakref.WeakKeyDictionary[Blueprint, str | None] = (
    weakref.WeakKeyDictionary()
)


def get_state(app: Quart) -> QuartState:
    """The app's CORS state, installing the middleware on first use."""
    state = app.extensions.get(EXTENSION_KEY)
    if state is None:
        state = QuartState(app)
        app.extensions[EXTENSION_KEY] = state
        inner = cast(ASGIApp, app.asgi_app)
        app.asgi_app = QuartCORSMiddleware(inner, state, app)  # type: ignore[method-assign,assignment]
        state.watch_routing()
        got_request_exception.connect(mark_uncaught_exception, app)
    assert isinstance(state, QuartState)
    return state


class CORS:
    """Cross-Origin Resource Sharing for a Quart app or blueprint.

    ``CORS(app, **options)``, or ``cors = CORS(**options)`` then
    ``cors.init_app(app, **more)``: the options and ``CORS_*`` config keys of the Flask
    extension, with the same checks and errors. ``origins`` may hold async callables,
    which are awaited.
    """

    def __init__(self, app: Quart | Blueprint | None = None, **options: Any):
        self._options = options
        self._refused = False
        self._site: str | None = None
        self._call = "CORS(...)"
        if app is not None:
            self._apply(app, {})
            return
        try:
            normalize_options(options)
        except ConfigError as error:
            refuse(error, call=self._call)
            self._refused = True

    def init_app(self, app: Quart | Blueprint, **options: Any) -> None:
        """Apply CORS to ``app`` (a Quart app or a blueprint), with ``options`` over the
        ones given to the constructor. A refused configuration raises
        :class:`~crossorigin.ConfigError`."""
        self._call = "init_app(...)"
        self._apply(app, options)

    def _apply(self, app: Quart | Blueprint, options: Mapping[str, Any]) -> None:
        if self._refused:
            return
        self._site = call_site()
        try:
            self._init(app, options)
        except ConfigError as error:
            scope = f"blueprint {app.name!r}" if isinstance(app, Blueprint) else None
            refuse(error, call=self._call, site=self._site, scope=scope)

    def _init(self, app: Quart | Blueprint, options: Mapping[str, Any]) -> None:
        layers: list[Mapping[str, Any]] = [self._options, options]
        if isinstance(app, Blueprint):
            problems = Problems()
            for layer in layers:
                normalize_options(layer, problems=problems)
            problems.raise_any()
            self._init_blueprint(app, layers)
            return
        if not isinstance(app, Quart):
            raise SetupError(
                "E501", f"CORS() needs a Quart app or a Blueprint, got {type(app).__name__}"
            )
        existing = app.extensions.get(EXTENSION_KEY)
        if isinstance(existing, QuartState) and existing.table is not None:
            raise SetupError(
                "E501",
                f"CORS is already initialised on app {app.name!r}; configure it once, with "
                "every option in a single CORS(app, ...) or init_app(app, ...) call",
            )
        table = build_resource_table(layers, config=app.config)
        get_state(app).set_table(table)

    def _init_blueprint(self, blueprint: Blueprint, layers: list[Mapping[str, Any]]) -> None:
        if blueprint in _initialised_blueprints:
            first = _initialised_blueprints[blueprint]
            raise SetupError(
                "E501",
                f"CORS is already initialised on blueprint {blueprint.name!r}; configure it "
                "once, with every option in a single call"
                + (f"; the first call is at {first}" if first and first != self._site else ""),
            )
        if getattr(blueprint, "_got_registered_once", False):
            raise SetupError(
                "E502",
                f"blueprint {blueprint.name!r} is already registered on an app; call "
                "CORS(blueprint, ...) before app.register_blueprint(blueprint)",
            )
        # A blueprint's policy is its own options over the defaults, as under Flask.
        table = build_resource_table(layers)
        _initialised_blueprints[blueprint] = self._site
        site, call = self._site, self._call

        def register(setup: BlueprintSetupState) -> None:
            app = cast(Quart, setup.app)
            try:
                options_from_config(app.config)  # a misspelt CORS_* key is refused all the same
            except ConfigError as error:
                refuse(error, call=call, site=site, scope=f"blueprint {blueprint.name!r}")
                return
            prefix = (setup.url_prefix or "").rstrip("/")
            name = f"{setup.name_prefix}.{setup.name}".lstrip(".")
            get_state(app).add_blueprint(BlueprintScope(name, prefix, table))

        blueprint.record(register)
