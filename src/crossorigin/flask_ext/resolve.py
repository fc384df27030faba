"""Which policy governs a request: a decorator's, then a blueprint's, then the app's.

The one home of that rule. A request is resolved by its path alone while no policy
depends on the view; otherwise by the endpoint Flask routed it to (or, for a
preflight answered before routing, the endpoint it would be routed to), and that
answer is remembered per path and method when Flask routes by those two alone.
"""

from __future__ import annotations

from typing import Any, Literal, NamedTuple

from flask import Flask, Request
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.routing import Map, RequestRedirect, Rule

from ..core.paths import ResourceTable, remember_path, routing_path
from ..core.policy import Policy
from .response import wsgi_path

#: The attribute a decorated view carries its policy in.
POLICY_ATTR = "__crossorigin_policy__"

_UNKNOWN: Any = object()

Kind = Literal["app", "blueprint", "decorator"]
#: :class:`PolicySource`'s fields, as the lookup returns them.
_Found = tuple[Policy, Kind, str, "str | None"]


class PolicySource(NamedTuple):
    """A policy and where it comes from: the app's resources, a blueprint, a decorator.

    A named tuple: it is made on every request of an app whose policies depend on
    the view, and a tuple is the cheapest record to make."""

    policy: Policy
    kind: Kind
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


class BlueprintScope:
    """A blueprint's resource table, and the URL prefix it was registered under."""

    __slots__ = ("name", "prefix", "table")

    def __init__(self, name: str, prefix: str, table: ResourceTable[Policy]):
        self.name = name
        self.prefix = prefix
        self.table = table


class CORSState:
    """Per-app CORS state, stored in ``app.extensions["cors"]``: the app's resource
    table, the blueprints' tables, and the lookups that pick a policy."""

    def __init__(self, app: Flask):
        self.app = app
        self.table: ResourceTable[Policy] | None = None
        self.blueprints: dict[str, BlueprintScope] = {}
        self._prefixed: tuple[BlueprintScope, ...] = ()
        #: The remembered policies, bounded by
        #: :func:`~crossorigin.core.paths.remember_path`: raw ``PATH_INFO`` -> policy where
        #: the path alone decides (:meth:`for_path`), and (raw ``PATH_INFO``, method) ->
        #: policy of a routed request where :attr:`routes_by_path` (:meth:`for_routed`).
        self.paths: dict[str | tuple[str, str], Policy | None] = {}
        #: True once a request has run and no policy depends on the view (Flask refuses
        #: new routes after the first request); None until then, and after a change.
        self.path_only: bool | None = None
        #: Settled with ``path_only``: True when Flask routes a request by its path and
        #: method alone (:func:`routes_by_path`), so a routed answer can be remembered.
        self.routes_by_path = False
        self._views_seen = -1
        #: Endpoint -> the policy ``@cross_origin`` gave its view, as :meth:`by_view`
        #: last found them (routes are fixed once the app has served a request).
        self.view_policies: dict[str, Policy] = {}

    def set_table(self, table: ResourceTable[Policy]) -> None:
        self.table = table
        self.paths.clear()
        self.path_only = None

    def add_blueprint(self, scope: BlueprintScope) -> None:
        self.blueprints[scope.name] = scope
        self._prefixed = tuple(
            sorted((s for s in self.blueprints.values() if s.prefix), key=lambda s: -len(s.prefix))
        )
        self.paths.clear()
        self.path_only = None

    def by_view(self) -> bool:
        """True if some policy depends on which view serves the request (a decorator
        or a blueprint). Cheap: the view count is compared with the last one seen."""
        views = self.app.view_functions
        if len(views) != self._views_seen:
            self._views_seen = len(views)
            found = ((endpoint, self.view_policy(endpoint)) for endpoint in views)
            self.view_policies = {endpoint: p for endpoint, p in found if p is not None}
        return bool(self.blueprints or self.view_policies)

    # -- the rule ------------------------------------------------------------------------

    def govern(self, endpoint: str | None, path: str) -> PolicySource | None:
        """The governing policy and where it comes from: decorator > blueprint > app.

        ``path`` is matched as Werkzeug routes it (:func:`routing_path`).
        """
        found = self._find(endpoint, path)
        return None if found is None else PolicySource(*found)

    def resolve(self, endpoint: str | None, path: str) -> Policy | None:
        """The governing policy alone (per request: no record is made)."""
        found = self._find(endpoint, path)
        return None if found is None else found[0]

    def _find(self, endpoint: str | None, path: str) -> _Found | None:
        if endpoint is not None:
            policy = self.view_policy(endpoint)
            if policy is not None:
                return policy, "decorator", endpoint, None
        path = routing_path(path)
        if self.blueprints:
            scope = self._blueprint_scope(endpoint, path)
            if scope is not None:
                entry = scope.table.match_entry(path)
                if entry is not None:
                    return entry[1], "blueprint", scope.name, entry[0].source
        if self.table is not None:
            entry = self.table.match_entry(path)
            if entry is not None:
                return entry[1], "app", "", entry[0].source
        return None

    def view_policy(self, endpoint: str) -> Policy | None:
        """The policy ``@cross_origin`` gave the view that serves ``endpoint``, if any."""
        policy: Policy | None = getattr(self.app.view_functions.get(endpoint), POLICY_ATTR, None)
        return policy

    def _blueprint_scope(self, endpoint: str | None, path: str) -> BlueprintScope | None:
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

    # -- per request ---------------------------------------------------------------------

    def for_path(self, raw_path: str) -> Policy | None:
        """The policy for a raw ``PATH_INFO`` when no policy depends on the view."""
        policy: Policy | None = self.paths.get(raw_path, _UNKNOWN)
        if policy is not _UNKNOWN:
            return policy
        policy = self.resolve(None, self.decode_path(raw_path))
        remember_path(self.paths, raw_path, policy)
        return policy

    def decode_path(self, raw_path: str) -> str:
        """A raw path as routed: WSGI's ``PATH_INFO`` is UTF-8 read as latin-1."""
        return wsgi_path(raw_path)

    def for_preflight(self, environ: dict[str, Any]) -> Policy | None:
        """The policy for a preflight, before Flask routes it."""
        if not self.by_view():
            return self.for_path(environ.get("PATH_INFO") or "/")
        req = self.app.request_class(environ, populate_request=False)
        method = environ["HTTP_ACCESS_CONTROL_REQUEST_METHOD"].upper()
        return self.resolve(endpoint_for(self.app, req, req.path, method), req.path)

    def for_response(self, environ: dict[str, Any]) -> Policy | None:
        """The policy for a response, once Flask has routed the request (if it did)."""
        path_only = self.path_only
        if path_only is None:  # settled here: Flask refuses new routes once a request ran
            by_view = self.by_view()
            self.routes_by_path = by_view and routes_by_path(self.app)
            path_only = self.path_only = not by_view
        if path_only:
            return self.for_path(environ.get("PATH_INFO") or "/")
        return self.for_routed(environ)

    def for_routed(self, environ: dict[str, Any]) -> Policy | None:
        """:meth:`for_response` in an app where some policy depends on the view;
        remembered per path and method where :attr:`routes_by_path`."""
        raw_path = environ.get("PATH_INFO") or "/"
        req = environ.get("werkzeug.request")
        if req is None or not isinstance(req, Request):  # a middleware below answered
            return self.for_path(raw_path)
        policy = self.for_request(req, raw_path)
        if self.routes_by_path:
            remember_path(self.paths, raw_path, policy, environ.get("REQUEST_METHOD", "GET"))
        return policy

    def for_request(self, req: Any, raw_path: str) -> Policy | None:
        """The policy for a request the app has routed (a Flask or a Quart request:
        both carry ``url_rule``, ``routing_exception``, ``path`` and ``method``);
        ``raw_path`` is the request's path as :meth:`for_path` takes it."""
        rule = req.url_rule
        if rule is not None:
            policy = self.view_policies.get(rule.endpoint)
            if policy is not None:
                return policy
            if not self.blueprints:
                return self.for_path(raw_path)  # no decorator, no blueprint: the path decides
            return self.resolve(rule.endpoint, req.path)
        endpoint = None
        error = req.routing_exception
        if isinstance(error, RequestRedirect):
            endpoint = endpoint_for(self.app, req, req.path, req.method)
        elif isinstance(error, MethodNotAllowed) and error.valid_methods:
            # A 405 is judged by a view at that path: the first allowed method's, in
            # alphabetical order (Werkzeug lists them from a set, whose order can differ
            # from one process to the next).
            method = min(error.valid_methods)
            endpoint = endpoint_for(self.app, req, req.path, method)
        return self.resolve(endpoint, req.path)


def routes_by_path(app: Flask) -> bool:
    """True when Flask picks a request's view from its path and method alone, so the
    policy a routed request gets can be remembered for them.

    Not when the host takes part: host matching, subdomain matching, ``SERVER_NAME``
    (before Flask 3.1 a request for another host finds no route) or ``TRUSTED_HOSTS``
    (an untrusted host gets a 400 before routing). Not with a converter other than
    Werkzeug's own (one may look anything up), a WebSocket rule (the URL scheme takes
    part), or routing classes or methods an app has replaced.
    """
    url_map = app.url_map
    if url_map.host_matching or app.subdomain_matching:
        return False
    if app.config.get("SERVER_NAME") or app.config.get("TRUSTED_HOSTS"):
        return False
    if type(url_map) is not Map or url_map.converters != Map.default_converters:
        return False
    if any(type(rule) is not Rule or rule.websocket for rule in url_map.iter_rules()):
        return False
    own = type(app)
    return (
        own.create_url_adapter is Flask.create_url_adapter
        and own.request_context is Flask.request_context
    )


def endpoint_for(app: Any, req: Any, path: str, method: str) -> str | None:
    """The endpoint that will serve ``method`` on ``path``, following the merged-slashes
    and trailing-slash redirects as the browser will; None if no route does. ``app`` and
    ``req`` are Flask's or Quart's: both route with Werkzeug's ``MapAdapter``."""
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
