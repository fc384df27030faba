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
from typing import Any, cast

from flask import Blueprint, Flask, got_request_exception
from flask.blueprints import BlueprintSetupState

from ..core.errors import ConfigError, Problems, ResourceError, SetupError
from ..core.options import OPTION_NAMES, check_names, normalize_options, options_from_config
from ..core.paths import PathPattern, ResourceTable, parse_path_pattern
from ..core.policy import Policy, build_policy, check_option_values
from .middleware import GOVERNED, CORSMiddleware, mark_uncaught_exception
from .resolve import POLICY_ATTR, BlueprintScope, CORSState, PolicySource, endpoint_for

__all__ = [
    "CORS",
    "EXTENSION_KEY",
    "GOVERNED",
    "POLICY_ATTR",
    "CORSState",
    "PolicySource",
    "collecting_config_errors",
    "endpoint_for",
    "get_state",
    "refuse",
]

EXTENSION_KEY = "cors"

_initialised_blueprints: weakref.WeakSet[Blueprint] = weakref.WeakSet()


def build_resource_table(layers: list[Mapping[str, Any]]) -> ResourceTable[Policy]:
    """One policy per resource pattern, each over the shared option layers.

    Every resource is checked even after one fails, so the error lists them all.
    """
    problems = Problems()
    normalized = [normalize_options(layer, problems=problems) for layer in layers]
    resources: Any = "/*"
    for layer in normalized:
        if "resources" in layer:
            resources = layer["resources"]
    base = [{k: v for k, v in layer.items() if k != "resources"} for layer in normalized]
    with problems.check():
        check_option_values(*base)
    if isinstance(resources, Mapping):
        items = list(resources.items())
    elif isinstance(resources, (list, tuple, set, frozenset)):
        items = [(key, {}) for key in resources]
    else:
        items = [(resources, {})]
    entries = []
    for key, resource_options in items:
        with problems.check():
            entries.append(_resource_entry(key, resource_options, base))
    problems.raise_any()
    return ResourceTable(entries)


def _resource_entry(
    key: Any, resource_options: Any, base: list[dict[str, Any]]
) -> tuple[PathPattern, Policy]:
    pattern = parse_path_pattern(key)
    if not isinstance(resource_options, Mapping):
        raise ResourceError(
            "E402",
            f"options for resource {key!r} must be a dict of CORS options, "
            f"got {resource_options!r}",
            option="resources",
            value=resource_options,
        )
    problems = Problems()
    with problems.check():
        check_names(resource_options, where=f" in resources[{key!r}]")
    if "resources" in resource_options:
        problems.errors.append(
            ResourceError(
                "E402", f"resources[{key!r}] cannot contain 'resources'", option="resources"
            )
        )
    known = {k: v for k, v in resource_options.items() if k in OPTION_NAMES and k != "resources"}
    policy = None
    with problems.check():
        policy = build_policy(*base, known)
    problems.raise_any()
    assert policy is not None
    return pattern, policy


def get_state(app: Flask) -> CORSState:
    """The app's CORS state, installing the middleware on first use."""
    state = app.extensions.get(EXTENSION_KEY)
    if state is None:
        state = CORSState(app)
        app.extensions[EXTENSION_KEY] = state
        # A bound method: calling it is cheaper than calling an instance.
        app.wsgi_app = CORSMiddleware(app.wsgi_app, state, app.config).__call__  # type: ignore[method-assign]
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


def refuse(error: ConfigError) -> None:
    """Raise ``error`` (start-up stops), or record it under :func:`collecting_config_errors`."""
    found = _collected.get()
    if found is None:
        raise error
    found.extend(error.all)


class CORS:
    """Cross-Origin Resource Sharing for a Flask app or blueprint.

    ``CORS(app, **options)``, or ``cors = CORS(**options)`` then
    ``cors.init_app(app, **more)``. Options: ``origins``, ``methods``,
    ``allow_headers``, ``expose_headers``, ``supports_credentials``, ``max_age``,
    ``send_wildcard``, ``vary_header``, ``automatic_options``, ``resources``,
    ``intercept_exceptions``, ``always_send``, ``allow_private_network``,
    ``preflight_status``, ``debug``; each also as a ``CORS_<NAME>`` config key.
    See docs/configuration.md.
    """

    def __init__(self, app: Flask | Blueprint | None = None, **options: Any):
        self._options = options
        self._refused = False
        if app is not None:
            self.init_app(app)  # checks every layer at once
            return
        try:
            normalize_options(options)
        except ConfigError as error:
            refuse(error)
            self._refused = True  # reported; nothing more to build from these options

    def init_app(self, app: Flask | Blueprint, **options: Any) -> None:
        """Apply CORS to ``app`` (a Flask app or a blueprint), with ``options`` over the
        ones given to the constructor. A refused configuration raises
        :class:`~crossorigin.ConfigError`."""
        if self._refused:
            return
        try:
            self._init(app, options)
        except ConfigError as error:
            refuse(error)

    def _init(self, app: Flask | Blueprint, options: Mapping[str, Any]) -> None:
        layers: list[Mapping[str, Any]] = [self._options, options]
        if isinstance(app, Blueprint):
            problems = Problems()
            for layer in layers:
                normalize_options(layer, problems=problems)
            problems.raise_any()
            self._init_blueprint(app, layers)
            return
        if not isinstance(app, Flask):
            raise SetupError(
                "E501", f"CORS() needs a Flask app or a Blueprint, got {type(app).__name__}"
            )
        existing = app.extensions.get(EXTENSION_KEY)
        if isinstance(existing, CORSState) and existing.table is not None:
            raise SetupError(
                "E501",
                f"CORS is already initialised on app {app.name!r}; configure it once, with "
                "every option in a single CORS(app, ...) or init_app(app, ...) call",
            )
        table = build_resource_table([options_from_config(app.config), *layers])
        get_state(app).set_table(table)

    def _init_blueprint(self, blueprint: Blueprint, layers: list[Mapping[str, Any]]) -> None:
        if blueprint in _initialised_blueprints:
            raise SetupError(
                "E501",
                f"CORS is already initialised on blueprint {blueprint.name!r}; configure it "
                "once, with every option in a single call",
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
        _initialised_blueprints.add(blueprint)

        def register(setup: BlueprintSetupState) -> None:
            app = cast(Flask, setup.app)
            try:
                options_from_config(app.config)  # a misspelt CORS_* key is refused all the same
            except ConfigError as error:
                refuse(error)
                return
            prefix = (setup.url_prefix or "").rstrip("/")
            name = f"{setup.name_prefix}.{setup.name}".lstrip(".")
            get_state(app).add_blueprint(BlueprintScope(name, prefix, table))

        blueprint.record(register)
