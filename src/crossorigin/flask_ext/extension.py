"""``CORS(app_or_blueprint, **options)``: the Flask extension.

One WSGI middleware per app (around ``app.wsgi_app``) answers preflights before
routing, hooks and views, and adds headers to every other response of a covered
route, errors and redirects included. Policies are built at start-up from:
defaults < ``CORS_*`` config < ``CORS(...)`` kwargs < ``init_app`` kwargs <
per-resource options; a decorator's policy governs its view, a blueprint's policy
its routes.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, ClassVar, Generic, TypeVar, cast

from flask import Blueprint, Flask, got_request_exception
from flask.blueprints import BlueprintSetupState

from ..core.errors import ConfigError, Problems, SetupError, call_site, shown_path
from ..core.options import normalize_options, options_from_config
from ..core.resources import build_resource_table
from .middleware import GOVERNED, cors_middleware, mark_uncaught_exception
from .resolve import POLICY_ATTR, BlueprintScope, CORSState, PolicySource, endpoint_for

__all__ = [
    "CORS",
    "EXTENSION_KEY",
    "GOVERNED",
    "POLICY_ATTR",
    "CORSExtension",
    "CORSState",
    "PolicySource",
    "build_resource_table",
    "call_site",
    "collecting_config_errors",
    "endpoint_for",
    "get_state",
    "refuse",
    "shown_path",
]

EXTENSION_KEY = "cors"

#: Each blueprint given to CORS, with the file:line of that call.
_initialised_blueprints: weakref.WeakKeyDictionary[Any, str | None] = weakref.WeakKeyDictionary()


def get_state(app: Flask) -> CORSState:
    """The app's CORS state, installing the middleware on first use."""
    state = app.extensions.get(EXTENSION_KEY)
    if state is None:
        state = CORSState(app)
        app.extensions[EXTENSION_KEY] = state
        app.wsgi_app = cors_middleware(app.wsgi_app, state, app.config)  # type: ignore[assignment]
        got_request_exception.connect(mark_uncaught_exception, app)
    assert isinstance(state, CORSState)
    return state


_collected: ContextVar[list[ConfigError] | None] = ContextVar("crossorigin_collected", default=None)


@contextmanager
def collecting_config_errors() -> Iterator[list[ConfigError]]:
    """While active, ``CORS()`` and ``@cross_origin`` record configuration errors and
    go on without that policy, so that ``flask cors check`` can load the whole app
    and report every refusal, not only the first one."""
    found: list[ConfigError] = []
    token = _collected.set(found)
    try:
        yield found
    finally:
        _collected.reset(token)


def refuse(
    error: ConfigError,
    *,
    call: str,
    site: str | None = None,
    scope: str | None = None,
) -> None:
    """Raise ``error`` (start-up stops), or record it under :func:`collecting_config_errors`.

    The error is first told where it comes from: ``site`` (by default the caller's
    :func:`call_site`), the ``call`` and the ``scope`` in it. It is raised from here
    with a fresh traceback, so the traceback ends in the few crossorigin frames
    between the user's call and this one, not in every check it went through.
    """
    error.locate(site=site or call_site(), call=call, scope=scope)
    found = _collected.get()
    if found is None:
        raise error.with_traceback(None)
    found.extend(error.all)


AppT = TypeVar("AppT")
BlueprintT = TypeVar("BlueprintT")


class CORSExtension(Generic[AppT, BlueprintT]):
    """``CORS(app_or_blueprint, **options)`` and ``init_app``, for one framework.

    The one home of the configuration layers, the blueprint registration and the
    start-up errors; :class:`CORS` (Flask) and ``crossorigin.quart.CORS`` differ only
    in the classes they accept and the state (with its middleware) they install.
    """

    #: The framework's app and blueprint classes, and its name for error messages.
    app_class: ClassVar[type[Any]]
    blueprint_class: ClassVar[type[Any]]
    framework: ClassVar[str]

    def __init__(self, app: AppT | BlueprintT | None = None, **options: Any):
        self._options = options
        self._refused = False
        self._site: str | None = None
        self._call = "CORS(...)"
        if app is not None:
            self._apply(app, {})  # checks every layer at once
            return
        try:
            normalize_options(options)
        except ConfigError as error:
            refuse(error, call=self._call)
            self._refused = True  # reported; nothing more to build from these options

    def init_app(self, app: AppT | BlueprintT, **options: Any) -> None:
        """Apply CORS to ``app`` (an app or a blueprint), with ``options`` over the
        ones given to the constructor. A refused configuration raises
        :class:`~crossorigin.ConfigError`."""
        self._call = "init_app(...)"
        self._apply(app, options)

    def state_of(self, app: AppT) -> CORSState:
        """The app's CORS state, installing the middleware on first use."""
        raise NotImplementedError

    def _apply(self, app: AppT | BlueprintT, options: Mapping[str, Any]) -> None:
        if self._refused:
            return
        self._site = call_site()
        try:
            self._init(app, options)
        except ConfigError as error:
            blueprint = isinstance(app, self.blueprint_class)
            scope = f"blueprint {cast(Any, app).name!r}" if blueprint else None
            refuse(error, call=self._call, site=self._site, scope=scope)

    def _init(self, app: AppT | BlueprintT, options: Mapping[str, Any]) -> None:
        layers: list[Mapping[str, Any]] = [self._options, options]
        if isinstance(app, self.blueprint_class):
            problems = Problems()
            for layer in layers:
                normalize_options(layer, problems=problems)
            problems.raise_any()
            self._init_blueprint(app, layers)
            return
        if not isinstance(app, self.app_class):
            raise SetupError(
                "E501",
                f"CORS() needs a {self.framework} app or a Blueprint, got {type(app).__name__}",
            )
        existing = app.extensions.get(EXTENSION_KEY)
        if isinstance(existing, CORSState) and existing.table is not None:
            raise SetupError(
                "E501",
                f"CORS is already initialised on app {app.name!r}; configure it once, with "
                "every option in a single CORS(app, ...) or init_app(app, ...) call",
            )
        table = build_resource_table(layers, config=app.config)
        self.state_of(cast(AppT, app)).set_table(table)

    def _init_blueprint(self, blueprint: Any, layers: list[Mapping[str, Any]]) -> None:
        if blueprint in _initialised_blueprints:
            raise SetupError(
                "E501", _again(blueprint, _initialised_blueprints[blueprint], self._site)
            )
        if getattr(blueprint, "_got_registered_once", False):
            raise SetupError(
                "E502",
                f"blueprint {blueprint.name!r} is already registered on an app; call "
                "CORS(blueprint, ...) before app.register_blueprint(blueprint)",
            )
        # A blueprint's policy is its own options over the defaults, as for a decorator
        # (and as in flask-cors): the app's CORS_* keys configure CORS(app) alone.
        table = build_resource_table(layers)
        _initialised_blueprints[blueprint] = self._site
        site, call = self._site, self._call

        def register(setup: BlueprintSetupState) -> None:
            app = setup.app
            try:
                options_from_config(app.config)  # a misspelt CORS_* key is refused all the same
            except ConfigError as error:
                refuse(error, call=call, site=site, scope=f"blueprint {blueprint.name!r}")
                return
            prefix = (setup.url_prefix or "").rstrip("/")
            name = f"{setup.name_prefix}.{setup.name}".lstrip(".")
            self.state_of(cast(AppT, app)).add_blueprint(BlueprintScope(name, prefix, table))

        blueprint.record(register)


class CORS(CORSExtension[Flask, Blueprint]):
    """Cross-Origin Resource Sharing for a Flask app or blueprint.

    ``CORS(app, **options)``, or ``cors = CORS(**options)`` then
    ``cors.init_app(app, **more)``. Options: ``origins``, ``methods``,
    ``allow_headers``, ``expose_headers``, ``supports_credentials``, ``max_age``,
    ``send_wildcard``, ``vary_header``, ``automatic_options``, ``resources``,
    ``intercept_exceptions``, ``always_send``, ``allow_private_network``,
    ``preflight_status``, ``debug``; each also as a ``CORS_<NAME>`` config key.
    See docs/configuration.md.
    """

    app_class = Flask
    blueprint_class = Blueprint
    framework = "Flask"

    def state_of(self, app: Flask) -> CORSState:
        return get_state(app)


def _again(blueprint: Any, first: str | None, site: str | None) -> str:
    """E501 for a second ``CORS(blueprint)``, saying how it came about."""
    message = (
        f"CORS is already initialised on blueprint {blueprint.name!r}; configure it once, "
        "with every option in a single call"
    )
    if first is not None and first == site:
        return (
            f"{message}. This call ran before: it is inside a function called more than "
            "once, such as an app factory (create_app() runs again for each app, in tests "
            "for one), but the blueprint object is created once, at module level. Move "
            "CORS(blueprint, ...) to module level, next to Blueprint(...)"
        )
    return message + (f"; the first call is at {first}" if first else "")
