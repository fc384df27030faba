"""Which policy governs a Quart request: the Flask extension's rule, read from ASGI.

Quart shares Flask's app core (``view_functions``, the Werkzeug ``url_map``, blueprints),
so the rule (decorator > blueprint > app) is :class:`~crossorigin.flask_ext.resolve.CORSState`'s
own; only how a request is read differs: an ASGI scope, whose ``path`` is already decoded.
"""

from __future__ import annotations

from typing import Any, cast

from flask import Flask
from quart import Quart
from werkzeug.datastructures import Headers

from ..asgi import Scope, scope_path
from ..core.paths import routing_path
from ..core.policy import Policy
from ..flask_ext.resolve import CORSState, endpoint_for


class QuartState(CORSState):
    """Per-app CORS state, stored in ``app.extensions["cors"]``."""

    def __init__(self, app: Quart):
        # CORSState reads view_functions alone from the app, which Quart has as Flask does.
        super().__init__(cast(Flask, app))
        self.quart = app

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
        if path_only or req is None:
            return self.for_scope(scope)
        return self.for_request(req)

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
