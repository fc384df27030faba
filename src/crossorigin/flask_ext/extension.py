"""``CORS(app_or_blueprint, **options)``: the Flask extension.

One pair of hooks per app answers preflights before routing, authentication hooks
and views (``before_request``, registered first) and adds headers to every other
response, errors and redirects included (``after_request``, registered to run
last). Policies are built at start-up from: defaults < ``CORS_*`` config <
``CORS(...)`` kwargs < ``init_app`` kwargs < per-resource options; a decorator's
policy governs its view, a blueprint's policy its routes.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from typing import Any, cast

from flask import Blueprint, Flask, Request, Response, request
from flask.blueprints import BlueprintSetupState
from flask.globals import request_ctx
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from ..core.errors import ResourceError, SetupError
from ..core.options import check_names, normalize_options, options_from_config
from ..core.paths import ResourceTable, parse_path_pattern
from ..core.policy import Policy, build_policy
from .response import (
    ANSWERED_KEY,
    apply_decision,
    debug_enabled,
    log_refusal,
    preflight_response,
    request_decision,
)

EXTENSION_KEY = "cors"
POLICY_ATTR = "__crossorigin_policy__"

_initialised_blueprints: weakref.WeakSet[Blueprint] = weakref.WeakSet()


def build_resource_table(layers: list[Mapping[str, Any]]) -> ResourceTable[Policy]:
    """One policy per resource pattern, each over the shared option layers."""
    resources: Any = "/*"
    for layer in layers:
        if "resources" in layer:
            resources = layer["resources"]
    base = [{k: v for k, v in layer.items() if k != "resources"} for layer in layers]
    if isinstance(resources, Mapping):
        items = list(resources.items())
    elif isinstance(resources, (list, tuple, set, frozenset)):
        items = [(key, {}) for key in resources]
    else:
        items = [(resources, {})]
    entries = []
    for key, resource_options in items:
        pattern = parse_path_pattern(key)
        if not isinstance(resource_options, Mapping):
            raise ResourceError(
                "E402",
                f"options for resource {key!r} must be a dict of CORS options, "
                f"got {resource_options!r}",
                option="resources",
                value=resource_options,
            )
        check_names(resource_options, where=f" in resources[{key!r}]")
        if "resources" in resource_options:
            raise ResourceError(
                "E402",
                f"resources[{key!r}] cannot contain 'resources'",
                option="resources",
            )
        entries.append((pattern, build_policy(*base, resource_options)))
    return ResourceTable(entries)


class _BlueprintScope:
    __slots__ = ("name", "prefix", "table")

    def __init__(self, name: str, prefix: str, table: ResourceTable[Policy]):
        self.name = name
        self.prefix = prefix
        self.table = table


class CORSState:
    """Per-app CORS state, stored in ``app.extensions["cors"]``."""

    def __init__(self, app: Flask):
        self.app = app
        self.table: ResourceTable[Policy] | None = None
        self.blueprints: dict[str, _BlueprintScope] = {}
        self._prefixed: tuple[_BlueprintScope, ...] = ()

    def add_blueprint(self, scope: _BlueprintScope) -> None:
        self.blueprints[scope.name] = scope
        self._prefixed = tuple(
            sorted(
                (s for s in self.blueprints.values() if s.prefix),
                key=lambda s: -len(s.prefix),
            )
        )

    # -- resolution ----------------------------------------------------------

    def policy_for(self, req: Request) -> Policy | None:
        """The policy governing this request: decorator > blueprint > app resources."""
        endpoint = req.endpoint
        if endpoint is None and req.routing_exception is not None:
            endpoint = self._endpoint_after_routing_failure(req)
        if endpoint is not None:
            view = self.app.view_functions.get(endpoint)
            policy: Policy | None = getattr(view, POLICY_ATTR, None)
            if policy is not None:
                return policy
        path = req.path
        if self.blueprints:
            scope = self._blueprint_scope(req, endpoint, path)
            if scope is not None:
                policy = scope.table.match(path)
                if policy is not None:
                    return policy
        if self.table is not None:
            return self.table.match(path)
        return None

    def _blueprint_scope(
        self, req: Request, endpoint: str | None, path: str
    ) -> _BlueprintScope | None:
        if endpoint is not None and "." in endpoint:
            names = endpoint.rsplit(".", 1)[0]
            while True:
                scope = self.blueprints.get(names)
                if scope is not None:
                    return scope
                if "." not in names:
                    break
                names = names.rsplit(".", 1)[0]
        if endpoint is None:
            for scope in self._prefixed:
                if path == scope.prefix or path.startswith(scope.prefix + "/"):
                    return scope
        return None

    def _endpoint_after_routing_failure(self, req: Request) -> str | None:
        """Which view would serve this request once the browser follows a
        trailing-slash redirect, or once the preflight's method is used."""
        adapter = request_ctx.url_adapter if request_ctx else None
        if adapter is None:
            return None
        method = req.environ.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD") or req.method
        path = req.path
        exc = req.routing_exception
        if isinstance(exc, RequestRedirect):
            path = path + "/"
        try:
            rule, _ = adapter.match(path, method=method.upper(), return_rule=True)
        except HTTPException:
            return None
        endpoint: str | None = rule.endpoint
        return endpoint

    # -- hooks ---------------------------------------------------------------

    def answer_preflight(self) -> Response | None:
        """before_request, registered first: answer preflights before anything else."""
        environ = request.environ
        if (
            request.method != "OPTIONS"
            or "HTTP_ORIGIN" not in environ
            or "HTTP_ACCESS_CONTROL_REQUEST_METHOD" not in environ
        ):
            return None
        policy = self.policy_for(request)
        if policy is None or not policy.automatic_options:
            return None
        decision = request_decision(policy, request)
        log_refusal(decision, policy, request)
        environ[ANSWERED_KEY] = True
        return preflight_response(
            decision, policy, request, debug=debug_enabled(policy, self.app.debug)
        )

    def add_headers(self, response: Response) -> Response:
        """after_request, registered to run last: every covered response gets headers."""
        if ANSWERED_KEY in request.environ:
            return response
        policy = self.policy_for(request)
        if policy is None:
            return response
        if not policy.intercept_exceptions and response.status_code >= 500:
            return response
        decision = request_decision(policy, request)
        log_refusal(decision, policy, request)
        apply_decision(response, decision, policy, debug=debug_enabled(policy, self.app.debug))
        return response


def get_state(app: Flask) -> CORSState:
    """The app's CORS state, installing the hooks on first use."""
    state = app.extensions.get(EXTENSION_KEY)
    if state is None:
        state = CORSState(app)
        app.extensions[EXTENSION_KEY] = state
        # Preflights are answered before any other before_request hook (auth
        # hooks would refuse them: preflights never carry credentials) ...
        app.before_request_funcs.setdefault(None, []).insert(0, state.answer_preflight)
        # ... and after_request hooks run in reverse order, so index 0 runs last,
        # after any hook that might set its own CORS headers.
        app.after_request_funcs.setdefault(None, []).insert(0, state.add_headers)
    assert isinstance(state, CORSState)
    return state


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
        normalize_options(options)
        self._options = options
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask | Blueprint, **options: Any) -> None:
        normalize_options(options)
        layers: list[Mapping[str, Any]] = [self._options, options]
        if isinstance(app, Blueprint):
            self._init_blueprint(app, layers)
            return
        if not isinstance(app, Flask):
            raise SetupError(
                "E501", f"CORS() needs a Flask app or a Blueprint, got {type(app).__name__}"
            )
        state = get_state(app)
        if state.table is not None:
            raise SetupError(
                "E501",
                f"CORS is already initialised on app {app.name!r}; configure it once, with "
                "every option in a single CORS(app, ...) or init_app(app, ...) call",
            )
        state.table = build_resource_table([options_from_config(app.config), *layers])

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
        # Validate what can be validated before an app is known.
        build_resource_table([*layers])
        _initialised_blueprints.add(blueprint)

        def register(setup: BlueprintSetupState) -> None:
            app = cast(Flask, setup.app)
            table = build_resource_table([options_from_config(app.config), *layers])
            prefix = (setup.url_prefix or "").rstrip("/")
            name = f"{setup.name_prefix}.{setup.name}".lstrip(".")
            get_state(app).add_blueprint(_BlueprintScope(name, prefix, table))

        blueprint.record(register)
