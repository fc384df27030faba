"""``@cross_origin(**options)`` for Quart: a policy for one view.

Built when the module is imported (errors surface at start-up), from the defaults and
the decorator's own options. With ``CORS`` on the app, the app's middleware applies it
before routing and to error responses; on its own, the decorator answers preflights in
the view and adds headers to the view's responses, errors raised by the view included.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from typing import Any, TypeVar, cast, overload

from quart import Quart, Response, after_this_request, current_app, request
from werkzeug.datastructures import Headers
from werkzeug.exceptions import HTTPException

from ..core.decide import Decision, Reason, decide_async, is_preflight
from ..core.headers import ACRM, ORIGIN
from ..core.paths import routing_path
from ..core.policy import Policy
from ..core.respond import log_refusal, preflight_answer
from ..flask_ext.decorator import apply_to_headers, policy_decorator
from ..flask_ext.response import debug_enabled
from .state import ROUTED

F = TypeVar("F", bound=Callable[..., Any])


@overload
def cross_origin(view: F, /) -> F: ...


@overload
def cross_origin(**options: Any) -> Callable[[F], F]: ...


def cross_origin(*args: Any, **options: Any) -> Any:
    """Give one view its own CORS policy (``@cross_origin(...)`` or bare ``@cross_origin``),
    written below ``@app.route`` as under Flask."""
    return policy_decorator(args, options, _wrap)


def _wrap(policy: Policy, view: Callable[..., Any]) -> Callable[..., Any]:
    """The Quart view wrapper for ``policy``."""

    async def wrapper(*view_args: Any, **view_kwargs: Any) -> Any:
        app = cast(Quart, current_app._get_current_object())  # type: ignore[attr-defined]
        # A sync view runs in a worker thread, as Quart runs it undecorated.
        call = app.ensure_async(view)
        governed = ROUTED.get() is not None
        if governed and request.method != "OPTIONS":
            return await call(*view_args, **view_kwargs)  # the usual case under CORS(app)
        if request.method == "OPTIONS" and policy.automatic_options:
            preflight = is_preflight(
                request.method, request.headers.get(ORIGIN), request.headers.get(ACRM)
            )
            if not governed and preflight:
                return await _answer_preflight(policy, app)
            options_response = _default_options_response(app)
            if not governed:
                _add_headers_later(policy, app)
            return options_response
        if governed:
            return await call(*view_args, **view_kwargs)
        try:
            result = await call(*view_args, **view_kwargs)
        except BaseException as error:
            # Quart turns the error into a response once this wrapper is gone.
            if policy.intercept_exceptions or isinstance(error, HTTPException):
                _add_headers_later(policy, app)
            raise
        response = await app.make_response(result)
        return await _add_headers(response, policy, app)

    return wrapper


def _default_options_response(app: Quart) -> Any:
    """Quart's own answer to OPTIONS (an empty 200 with ``Allow``), made here because
    ``make_default_options_response`` takes a context argument from Quart 0.23 on."""
    adapter = app.create_url_adapter(request)
    methods = adapter.allowed_methods() if adapter is not None else []
    return app.response_class("", headers={"Allow": ", ".join(methods)})


async def _decide(policy: Policy, app: Quart) -> tuple[Decision, bool]:
    """The decision for the current request, logged if refused, and the debug flag."""
    # Werkzeug's Headers: a case-insensitive get, which is all decide reads.
    headers = cast("Mapping[str, str]", request.headers)
    decision = await decide_async(policy, request.method, headers)
    debug = debug_enabled(policy, app.debug)
    if decision.reason is not Reason.ALLOWED and decision.reason is not Reason.NO_ORIGIN:
        log_refusal(
            decision,
            policy,
            debug=debug,
            path=routing_path(request.path),
            origin=request.headers.get(ORIGIN),
            method=request.method,
            scheme=request.scheme,
            host=request.host,
            stream=sys.stderr,
        )
    return decision, debug


async def _answer_preflight(policy: Policy, app: Quart) -> Response:
    decision, debug = await _decide(policy, app)
    code, headers, body = preflight_answer(
        decision,
        policy,
        debug=debug,
        path=routing_path(request.path),
        origin=request.headers.get(ORIGIN),
        method=request.method,
    )
    return Response(body, status=code, headers=Headers(headers))


def _add_headers_later(policy: Policy, app: Quart) -> None:
    @after_this_request
    async def add_headers(response: Any) -> Any:
        return await _add_headers(response, policy, app)


async def _add_headers(response: Any, policy: Policy, app: Quart) -> Any:
    """The decorator's own header application, for a view not under ``CORS(app)``."""
    decision, debug = await _decide(policy, app)
    apply_to_headers(response.headers, decision, debug)
    return response
