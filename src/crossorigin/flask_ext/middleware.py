"""The WSGI middleware around ``app.wsgi_app``: every request, top to bottom.

1. A CORS preflight (``OPTIONS`` with ``Origin`` and ``Access-Control-Request-Method``)
   whose policy answers preflights is answered here, before Flask routes it or runs
   any hook or view: a trailing-slash redirect, a 401 hook or a missing route cannot
   break it.
2. Every other request goes to the app (marked :data:`GOVERNED` when a decorated
   view may serve it). As the app starts its response (redirects, 404, 405 and 500
   included), the governing policy is picked (by the path, or by the view Flask
   routed to; either is remembered, see :mod:`.resolve`), the decision is made, a
   refusal is logged, and the decision's headers are added. A path no policy covers
   passes untouched.
"""

from __future__ import annotations

from collections.abc import Iterable
from logging import INFO
from typing import TYPE_CHECKING, Any

from flask import Config, Flask, Request, request

from ..core.decide import Decision, Reason, decide_actual
from ..core.header_list import add_decision
from ..core.policy import Policy
from .resolve import CORSState
from .response import (
    WSGIEnvironment,
    debug_enabled,
    decide_environ,
    is_preflight_environ,
    log_refusal,
    logger,
    preflight_answer,
)

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication

#: Set in the environ of a request the middleware governs, in an app where some
#: policy depends on the view: a decorated view then leaves its headers to the
#: middleware, which also covers the responses the view never makes (a hook's 401,
#: a 500). A request that bypasses the middleware (``app.test_request_context``)
#: has no mark, and the decorator adds them itself. The environ is the request's
#: own: nothing to reset, and an app without a decorated view pays nothing for it.
GOVERNED = "crossorigin.governed"

#: Set in the environ of a request whose view raised an exception Flask turned into
#: a 500: ``intercept_exceptions=False`` leaves that response alone (an ``abort(500)``
#: or a returned 500 is a response like any other).
UNCAUGHT = "crossorigin.uncaught_exception"

_ALLOWED = Reason.ALLOWED
_UNKNOWN: Any = object()


def mark_uncaught_exception(sender: Flask, exception: BaseException, **extra: Any) -> None:
    """Flask's ``got_request_exception`` receiver (sent for uncaught exceptions only)."""
    request.environ[UNCAUGHT] = True


def cors_middleware(wsgi_app: WSGIApplication, state: CORSState, config: Config) -> WSGIApplication:
    """The middleware around ``wsgi_app``: answers preflights before routing and adds
    headers to every other response. A closure, not an instance: Flask calls a plain
    function for less than it calls a bound method, on every request."""

    def middleware(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") == "OPTIONS" and is_preflight_environ(environ):
            policy = state.for_preflight(environ)
            if policy is not None and policy.automatic_options:
                return answer_preflight(policy, environ, start_response, config)

        def add_headers(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            """The app's ``start_response``, with the governing policy's headers added."""
            raw_path = environ.get("PATH_INFO") or "/"
            method = environ.get("REQUEST_METHOD", "GET")
            path_only = state.path_only
            if path_only:  # the path alone decides: its remembered policy, if any
                policy = state.paths.get(raw_path, _UNKNOWN)
                if policy is _UNKNOWN:
                    policy = state.for_path(raw_path)
            elif path_only is None:  # the app's first request settles path_only
                policy = state.for_response(environ)
            else:  # some policy depends on the view Flask routed to: the path and
                # method's remembered policy if Flask routed this request, else routed now
                policy = state.paths.get((raw_path, method), _UNKNOWN)
                if policy is _UNKNOWN or not isinstance(environ.get("werkzeug.request"), Request):
                    policy = state.for_routed(environ)
            if policy is None or (UNCAUGHT in environ and not policy.intercept_exceptions):
                return start_response(status, headers, exc_info)
            if method == "OPTIONS":  # a preflight the app answered (automatic_options=False)
                decision = decide_environ(policy, environ)
            else:
                origin = environ.get("HTTP_ORIGIN")
                credentialed = "HTTP_COOKIE" in environ
                # The remembered answer (decide_actual makes and remembers it); with
                # origins callables, decide_actual reads it, as a callable is asked anew.
                known = (
                    None
                    if policy.origins.has_callables
                    else policy.answers.get((origin, method, credentialed))
                )
                decision = (
                    known
                    if type(known) is Decision
                    else decide_actual(policy, method, origin, credentialed)
                )
            debug = debug_enabled(policy, config["DEBUG"])
            if decision.reason is not _ALLOWED and (debug or logger.isEnabledFor(INFO)):
                log_refusal(decision, policy, environ, debug)
            return start_response(status, add_decision(headers, decision, debug), exc_info)

        if not state.path_only:  # a decorated view may run: tell it
            environ[GOVERNED] = True
        return wsgi_app(environ, add_headers)

    return middleware


def answer_preflight(
    policy: Policy, environ: WSGIEnvironment, start_response: StartResponse, config: Config
) -> Iterable[bytes]:
    """The middleware's own answer to a preflight, before the app routes it."""
    decision = decide_environ(policy, environ)
    debug = debug_enabled(policy, config["DEBUG"])
    log_refusal(decision, policy, environ, debug)
    status, headers, body = preflight_answer(decision, policy, environ, debug=debug)
    start_response(status, headers)
    return [body]
