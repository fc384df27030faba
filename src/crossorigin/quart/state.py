"""Which policy governs a Quart request: the Flask extension's rule, read from ASGI.

Quart shares Flask's app core (``view_functions``, the Werkzeug ``url_map``, blueprints),
so the rule (decorator > blueprint > app) is :class:`~crossorigin.flask_ext.resolve.CORSState`'s
own; only how a request is read differs: an ASGI scope, whose ``path`` is already decoded.
"""

from __future__ import annotations

import weakref
from contextvars import ContextVar
from typing import Any, cast

from flask import Flask
from quart import Quart, request, request_started
from werkzeug.datastructures import Headers

from ..asgi import Scope, scope_path
from ..core.paths import ResourceTable, routing_path
from ..core.policy import Policy
from ..flask_ext.resolve import BlueprintScope, CORSState, endpoint_for


class Routed:
    """What the app did with a request the middleware let through."""

    __slots__ = ("request", "uncaught")

    def __init__(self) -> None:
        #: The request Quart routed (set by ``request_started``); None if it never did.
        self.request: Any = None
        #: True once an exception escaped a view or hook (``got_request_exception``).
        self.uncaught = False


#: The request running through the middleware: a decorated view under ``CORS(app)``
#: then leaves its headers to the middleware. None outside it (the decorator alone).
ROUTED: ContextVar[Routed | None] = ContextVar("crossorigin_quart_routed", default=None)


async def record_request(sender: Quart, **extra: Any) -> None:
    """Quart's ``request_started`` receiver: the request is routed by now. Connected
    only while some policy may depend on the view (see :meth:`QuartState.watch_routing`)."""
    routed = ROUTED.get()
    if routed is not None:
        routed.request = request._get_current_object()  # type: ignore[attr-defined]


#: The apps whose requests :func:`record_request` records.
_watched: weakref.WeakSet[Quart] = weakref.WeakSet()


class QuartState(CORSState):
    """Per-app CORS state, stored in ``app.extensions["cors"]``."""

    def __init__(self, app: Quart):
        # CORSState reads view_functions alone from the app, which Quart has as Flask does.
        super().__init__(cast(Flask, app))
        self.quart = app

    def set_table(self, table: ResourceTable[Policy]) -> None:
        super().set_table(table)
        self.watch_routing()

    def add_blueprint(self, scope: BlueprintScope) -> None:
        super().add_blueprint(scope)
        self.watch_routing()

    def watch_routing(self) -> None:
        """Record the routed request (``request_started``) unless the path alone is
        known to decide: a signal receiver costs every request a dispatch."""
        if not self.path_only:
            _watched.add(self.quart)
            request_started.connect(record_request, self.quart)
            return
        _watched.discard(self.quart)
        request_started.disconnect(record_request, self.quart)
        if not _watched:
            # Gone for every app: the signal then costs a request nothing at all.
            request_started.disconnect(record_request)

    def decode_path(self, raw_path: str) -> str:
        """ASGI's ``path`` is already percent-decoded text."""
        return routing_path(raw_path)

    def for_scope(self, scope: Scope) -> Policy | None:
        """The policy by path alone (no policy depends on the view)."""
        return self.for_path(scope_path(scope))

    def for_preflight_scope(self, scope: Scope) -> Policy | None:
        """The policy for a preflight, before Quart routes it."""
        if not self.by_view():
            return self.for_scope(scope)
        req = self.request_from_scope(scope)
        method = req.headers["Access-Control-Request-Method"].upper()
        return self.resolve(endpoint_for(self.quart, req, req.path, method), req.path)

    def for_response_scope(self, scope: Scope, req: Any) -> Policy | None:
        """The policy for a response; ``req`` is the request Quart routed, if it did."""
        path_only = self.path_only
        if path_only is None:
            path_only = self.path_only = not self.by_view()
            self.watch_routing()
        if path_only or req is None:
            return self.for_scope(scope)
        return self.for_request(req, scope_path(scope))

    def request_from_scope(self, scope: Scope) -> Any:
        """A request object for routing only, as Quart makes one from the scope."""
        headers = Headers()
        for name, value in scope.get("headers", ()):
            headers.add(name.decode("latin-1").title(), value.decode("latin-1"))
        return self.quart.request_class(
            scope.get("method", "OPTIONS"),
            scope.get("scheme") or "http",
            scope_path(scope),
            scope.get("query_string", b""),
            headers,
            scope.get("root_path", ""),
            scope.get("http_version", "1.1"),
            cast(Any, scope),
            send_push_promise=_no_push,
        )


async def _no_push(path: str, headers: Headers) -> None:
    """Server push for a request that is only routed, never served."""
