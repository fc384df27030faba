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
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import partial
from logging import INFO
from typing import TYPE_CHECKING, Any, Literal, cast

from flask import Blueprint, Flask, Request
from flask.blueprints import BlueprintSetupState
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from ..core.decide import MAX_METHOD_LENGTH, Decision, Reason, decide_actual
from ..core.errors import ConfigError, Problems, ResourceError, SetupError
from ..core.header_list import StartResponseApplier, start_response_applier
from ..core.options import OPTION_NAMES, check_names, normalize_options, options_from_config
from ..core.origins import MAX_ORIGIN_LENGTH
from ..core.paths import PathPattern, ResourceTable, parse_path_pattern, routing_path
from ..core.policy import Policy, build_policy, check_option_values
from .response import (
    WSGIEnvironment,
    debug_enabled,
    decide_environ,
    is_preflight_environ,
    log_refusal,
    logger,
    preflight_answer,
    routed_path,
)

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication

EXTENSION_KEY = "cors"
#: Set in the WSGI environ of a request that reaches the views through this
#: middleware with some policy depending on the view: a decorated view then
#: leaves the CORS headers to the middleware.
MIDDLEWARE_MARK = "crossorigin.middleware"
POLICY_ATTR = "__crossorigin_policy__"

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


@dataclass(frozen=True)
class PolicySource:
    """A policy and where it comes from: the app's resources, a blueprint, a decorator."""

    policy: Policy
    kind: Literal["app", "blueprint", "decorator"]
    #: The blueprint's or the decorated view's endpoint name; empty for the app.
    name: str = ""
    #: The resource pattern (app and blueprint policies).
    pattern: str | None = None

    @property
    def short(self) -> str:
        """For a table row that already names the endpoint."""
        if self.kind == "decorator":
            return "decorator"
        if self.kind == "blueprint":
            return f"blueprint {self.name} {self.pattern}"
        return f"app {self.pattern}"

    @property
    def label(self) -> str:
        """Standalone: names the view for a decorator."""
        return f"decorator on {self.name}" if self.kind == "decorator" else self.short


class _BlueprintScope:
    __slots__ = ("name", "prefix", "table")

    def __init__(self, name: str, prefix: str, table: ResourceTable[Policy]):
        self.name = name
        self.prefix = prefix
        self.table = table


_ALLOWED = Reason.ALLOWED

#: Distinct raw paths whose path-based policy is remembered; bounded.
PATH_CACHE_SIZE = 4096
#: Distinct request shapes whose answer is remembered, per cache (path-decided, routed).
ANSWER_CACHE_SIZE = 4096
#: Longer paths are resolved every time rather than remembered.
MAX_CACHED_PATH = 1024
_AnswerKey = tuple[Any, Any, Any, bool]
#: (start_response applier or None to pass the response untouched, the policy's
#: ``debug``, whether to log a refusal, the decision, the policy)
_Answer = tuple["StartResponseApplier | None", "bool | None", bool, Decision, "Policy | None"]
#: The answer for a path no resource covers: the response passes untouched.
_PASS_THROUGH: _Answer = (None, None, False, Decision(False, Reason.PATH_NOT_COVERED), None)


def _answer_with(policy: Policy, decision: Decision) -> _Answer:
    return (
        start_response_applier(decision, False, policy.intercept_exceptions),
        policy.debug,
        decision.reason is not _ALLOWED,
        decision,
        policy,
    )


def _answer_of(policy: Policy | None, method: str, origin: str | None, cookie: bool) -> _Answer:
    """The answer for an actual request under ``policy`` (None: no resource covers it)."""
    if policy is None:
        return _PASS_THROUGH
    return _answer_with(policy, decide_actual(policy, method, origin, cookie))


def _remember(
    cache: dict[Any, _Answer],
    key: Any,
    answer: _Answer,
    path: str | None,
    origin: str | None,
    method: str,
) -> None:
    """Keep ``answer`` unless a part of the key is overlong; clear the cache when full."""
    if (
        len(path or "") <= MAX_CACHED_PATH
        and len(origin or "") <= MAX_ORIGIN_LENGTH
        and len(method) <= MAX_METHOD_LENGTH
    ):
        if len(cache) >= ANSWER_CACHE_SIZE:
            cache.clear()
        cache[key] = answer


class CORSState:
    """Per-app CORS state, stored in ``app.extensions["cors"]``.

    It is also the WSGI middleware around ``app.wsgi_app``: preflights are
    answered before Flask routes the request or runs any hook or view, and every
    other response of a covered route (redirects, 404, 405 and 500 included) gets
    its headers as it is sent.
    """

    def __init__(self, app: Flask):
        self.app = app
        self.wsgi_app: WSGIApplication = app.wsgi_app
        self._config = app.config  # app.debug reads config["DEBUG"]; one lookup less
        self.table: ResourceTable[Policy] | None = None
        self.blueprints: dict[str, _BlueprintScope] = {}
        self._prefixed: tuple[_BlueprintScope, ...] = ()
        self._path_cache: dict[str, Policy | None] = {}
        #: (PATH_INFO, Origin, method, has cookie) -> answer, for requests other than
        #: OPTIONS, in apps whose policies depend on the path alone, under policies
        #: without a callable: the hot path's one lookup.
        self._answers: dict[_AnswerKey, _Answer] = {}
        #: (endpoint, PATH_INFO, Origin, method, has cookie) -> answer, for requests
        #: Flask routed to a view, in apps where some policy depends on the view.
        self._routed_answers: dict[tuple[Any, ...], _Answer] = {}
        self._views_seen = -1
        self._decorated = False
        #: Whether any policy depends on the serving view, settled on the first
        #: request: Flask refuses new routes and blueprints after it.
        self._by_view: bool | None = None

    def add_blueprint(self, scope: _BlueprintScope) -> None:
        self.blueprints[scope.name] = scope
        self._by_view = None
        self._prefixed = tuple(
            sorted(
                (s for s in self.blueprints.values() if s.prefix),
                key=lambda s: -len(s.prefix),
            )
        )
        self._forget()

    def set_table(self, table: ResourceTable[Policy]) -> None:
        self.table = table
        self._forget()

    def _forget(self) -> None:
        """Drop what was resolved under the old configuration."""
        self._path_cache.clear()
        self._answers.clear()
        self._routed_answers.clear()

    # -- resolution ----------------------------------------------------------

    def _by_endpoint(self) -> bool:
        """True if some policy depends on which view serves the request."""
        if self.blueprints:
            return True
        views = self.app.view_functions
        if len(views) != self._views_seen:
            self._views_seen = len(views)
            self._decorated = any(hasattr(v, POLICY_ATTR) for v in views.values())
        return self._decorated

    def resolve(self, endpoint: str | None, path: str) -> Policy | None:
        """The governing policy: decorator > blueprint > app resources."""
        source = self.govern(endpoint, path)
        return None if source is None else source.policy

    def govern(self, endpoint: str | None, path: str) -> PolicySource | None:
        """The governing policy and where it comes from (for ``flask cors`` too).

        ``path`` is matched as Werkzeug routes it (:func:`routing_path`).
        """
        path = routing_path(path)
        if endpoint is not None:
            policy: Policy | None = getattr(
                self.app.view_functions.get(endpoint), POLICY_ATTR, None
            )
            if policy is not None:
                return PolicySource(policy, "decorator", endpoint)
        if self.blueprints:
            scope = self._blueprint_scope(endpoint, path)
            if scope is not None:
                entry = scope.table.match_entry(path)
                if entry is not None:
                    return PolicySource(entry[1], "blueprint", scope.name, entry[0].source)
        if self.table is not None:
            entry = self.table.match_entry(path)
            if entry is not None:
                return PolicySource(entry[1], "app", "", entry[0].source)
        return None

    def _blueprint_scope(self, endpoint: str | None, path: str) -> _BlueprintScope | None:
        if endpoint is None:
            for scope in self._prefixed:
                if path == scope.prefix or path.startswith(scope.prefix + "/"):
                    return scope
            return None
        names = endpoint.rpartition(".")[0]
        while names:
            found = self.blueprints.get(names)
            if found is not None:
                return found
            names = names.rpartition(".")[0]
        return None

    def _path_policy(self, environ: WSGIEnvironment) -> Policy | None:
        raw = environ.get("PATH_INFO") or "/"
        cache = self._path_cache
        try:
            return cache[raw]
        except KeyError:
            policy = self.resolve(None, routed_path(environ))
            if len(raw) <= MAX_CACHED_PATH:
                if len(cache) >= PATH_CACHE_SIZE:
                    cache.clear()
                cache[raw] = policy
            return policy

    def policy_for_preflight(self, environ: WSGIEnvironment) -> Policy | None:
        if not self._by_endpoint():
            return self._path_policy(environ)
        req = self.app.request_class(environ, populate_request=False)
        method = environ["HTTP_ACCESS_CONTROL_REQUEST_METHOD"].upper()
        endpoint = endpoint_for(self.app, req, req.path, method)
        return self.resolve(endpoint, req.path)

    def policy_for_response(self, environ: WSGIEnvironment) -> Policy | None:
        """The governing policy once Flask has routed the request (see ``_call_routed``)."""
        req = environ.get("werkzeug.request")
        if not isinstance(req, Request):
            return self._path_policy(environ)
        rule = req.url_rule
        if rule is not None:
            return self.resolve(rule.endpoint, req.path)
        endpoint = None
        if isinstance(req.routing_exception, RequestRedirect):
            endpoint = endpoint_for(self.app, req, req.path, req.method)
        return self.resolve(endpoint, req.path)

    # -- the middleware ------------------------------------------------------

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        """The hot path: a request whose shape was seen costs one lookup and a wrapper."""
        key = (
            environ.get("PATH_INFO"),
            environ.get("HTTP_ORIGIN"),
            environ.get("REQUEST_METHOD"),
            "HTTP_COOKIE" in environ,
        )
        answer = self._answers.get(key)
        if answer is None:
            answer = self._path_answer(environ, key)
            if answer is None:
                return self._call_unanswered(environ, start_response)
        # Decided from the path before the view runs: the response only has headers
        # appended (a path no resource covers passes untouched).
        applier, debug, refused, decision, policy = answer
        if applier is None:
            return self.wsgi_app(environ, start_response)
        # What follows is _applier_to_use, inlined on the hot path.
        if refused and logger.isEnabledFor(INFO):
            assert policy is not None
            log_refusal(decision, policy, environ)
        if debug is None:
            debug = self._config["DEBUG"]
        if debug:
            assert policy is not None
            applier = start_response_applier(decision, True, policy.intercept_exceptions)
        return self.wsgi_app(environ, partial(applier, start_response))

    def _applier_to_use(self, answer: _Answer, environ: WSGIEnvironment) -> StartResponseApplier:
        """Log a refusal, and switch to the debug applier when debug mode is on."""
        applier, debug, refused, decision, policy = answer
        assert applier is not None and policy is not None
        if refused and logger.isEnabledFor(INFO):
            log_refusal(decision, policy, environ)
        if debug is None:
            debug = self._config["DEBUG"]
        if debug:
            return start_response_applier(decision, True, policy.intercept_exceptions)
        return applier

    def _path_answer(self, environ: WSGIEnvironment, key: _AnswerKey) -> _Answer | None:
        """Decide a request from its path alone, before the view; remember it when safe.

        None for a preflight and in an app where some policy depends on the view.
        """
        method = key[2]
        if method is None or (method == "OPTIONS" and is_preflight_environ(environ)):
            return None
        by_view = self._by_view
        if by_view is None:
            by_view = self._by_view = self._by_endpoint()
        if by_view:
            return None
        policy = self._path_policy(environ)
        answer = _answer_of(policy, method, key[1], key[3])
        if policy is not None and policy.answers is None:
            return answer  # a callable may answer differently next time
        if method != "OPTIONS":  # the key cannot tell a plain OPTIONS from a preflight
            _remember(self._answers, key, answer, key[0], key[1], method)
        return answer

    def _call_unanswered(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> Iterable[bytes]:
        """Preflights, and every request of an app where some policy depends on the view."""
        if is_preflight_environ(environ):
            policy = self.policy_for_preflight(environ)
            if policy is not None and policy.automatic_options:
                decision = decide_environ(policy, environ)
                log_refusal(decision, policy, environ)
                status, headers, body = preflight_answer(
                    decision, policy, environ, debug=self.debug_for(policy)
                )
                start_response(status, headers)
                return [body]
        return self._call_routed(environ, start_response)

    def _call_routed(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> Iterable[bytes]:
        """Resolve the policy once Flask has routed the request (right for every app)."""
        environ[MIDDLEWARE_MARK] = True

        def cors_start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Any:
            answer = self._routed_answer(environ)
            policy = answer[4]
            if policy is None or not (policy.intercept_exceptions or status[:1] != "5"):
                return start_response(status, headers, exc_info)
            applier = self._applier_to_use(answer, environ)
            return applier(start_response, status, headers, exc_info)

        return self.wsgi_app(environ, cors_start_response)

    def _routed_answer(self, environ: WSGIEnvironment) -> _Answer:
        """The answer for a request Flask has routed, remembered per view and request shape.

        Errors, redirects and preflights passed to the view are resolved every time.
        """
        req = environ.get("werkzeug.request")
        rule = req.url_rule if isinstance(req, Request) else None
        if rule is None or "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in environ:
            policy = self.policy_for_response(environ)
            if policy is None:
                return _PASS_THROUGH
            return _answer_with(policy, decide_environ(policy, environ))
        assert req is not None
        path = environ.get("PATH_INFO")
        origin = environ.get("HTTP_ORIGIN")
        method = environ.get("REQUEST_METHOD", "GET")
        cookie = "HTTP_COOKIE" in environ
        key = (rule.endpoint, path, origin, method, cookie)
        answer = self._routed_answers.get(key)
        if answer is None:
            policy = self.resolve(rule.endpoint, req.path)
            answer = _answer_of(policy, method, origin, cookie)
            if policy is None or policy.answers is not None:  # not under a callable
                _remember(self._routed_answers, key, answer, path, origin, method)
        return answer

    def debug_for(self, policy: Policy) -> bool:
        """The policy's ``debug``, or ``app.debug`` when it is None (read per request)."""
        return debug_enabled(policy, bool(self._config["DEBUG"]))


def endpoint_for(app: Flask, req: Request, path: str, method: str) -> str | None:
    """The endpoint that will serve ``method`` on ``path``, following the merged-slashes
    and trailing-slash redirects as the browser will; None if no route does."""
    path = routing_path(path)
    try:
        adapter = app.create_url_adapter(req)
        if adapter is None:  # pragma: no cover - only without a request
            return None
        try:
            rule, _ = adapter.match(path, method=method, return_rule=True)
        except RequestRedirect:
            rule, _ = adapter.match(path + "/", method=method, return_rule=True)
    except HTTPException:
        return None
    endpoint: str = rule.endpoint
    return endpoint


def get_state(app: Flask) -> CORSState:
    """The app's CORS state, installing the middleware on first use."""
    state = app.extensions.get(EXTENSION_KEY)
    if state is None:
        state = CORSState(app)
        app.extensions[EXTENSION_KEY] = state
        # A bound method: calling it is cheaper than calling an instance.
        app.wsgi_app = state.__call__  # type: ignore[method-assign]
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
        # Names and types are checked now; the policy is built when the blueprint is
        # registered, because the app's CORS_* config keys take part in it.
        _initialised_blueprints.add(blueprint)

        def register(setup: BlueprintSetupState) -> None:
            app = cast(Flask, setup.app)
            try:
                table = build_resource_table([options_from_config(app.config), *layers])
            except ConfigError as error:
                refuse(error)
                return
            prefix = (setup.url_prefix or "").rstrip("/")
            name = f"{setup.name_prefix}.{setup.name}".lstrip(".")
            get_state(app).add_blueprint(_BlueprintScope(name, prefix, table))

        blueprint.record(register)
