"""``@cross_origin(**options)``: a policy for one view.

The decorator's policy is built when the module is imported (errors surface at
start-up) from the defaults and the decorator's own options. With ``CORS`` on the
app, the app's middleware applies it before routing and to error responses; on its
own, the decorator answers preflights in the view and adds headers to the view's
responses, errors raised by the view included.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from functools import update_wrapper
from inspect import iscoroutinefunction
from typing import Any, TypeVar, cast, overload

from flask import Flask, Response, after_this_request, current_app, request
from flask.typing import ResponseReturnValue
from werkzeug.datastructures import Headers
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as WerkzeugResponse

from ..core.decide import Decision, Reason, decide_actual
from ..core.errors import ConfigError
from ..core.header_list import apply_decision, only_appends
from ..core.policy import Policy, build_policy
from .extension import GOVERNED, POLICY_ATTR, refuse
from .response import (
    WSGIEnvironment,
    debug_enabled,
    decide_environ,
    is_preflight_environ,
    log_refusal,
    preflight_answer,
)

F = TypeVar("F", bound=Callable[..., Any])

#: Every view wrapper ``@cross_origin`` made, so that ``flask cors check`` can find the
#: ones Flask never calls (``@cross_origin`` written above ``@app.route``).
_wrappers: weakref.WeakSet[Callable[..., Any]] = weakref.WeakSet()


def decorated_views() -> list[Callable[..., Any]]:
    """The view wrappers ``@cross_origin`` made that still exist (``__wrapped__`` is the view)."""
    return list(_wrappers)


@overload
def cross_origin(view: F, /) -> F: ...


@overload
def cross_origin(**options: Any) -> Callable[[F], F]: ...


def cross_origin(*args: Any, **options: Any) -> Any:
    """Give one view its own CORS policy (``@cross_origin(...)`` or bare ``@cross_origin``)."""
    return policy_decorator(args, options, _wrap)


def policy_decorator(
    args: tuple[Any, ...], options: dict[str, Any], wrap: Callable[[Policy, Any], Any]
) -> Any:
    """``cross_origin``'s arguments, the view policy built from them at import time (or
    the refusal), and the marks every framework's wrapper carries; ``wrap(policy, view)``
    makes the framework's own wrapper."""
    if len(args) == 1 and callable(args[0]) and not options:
        return policy_decorator((), {}, wrap)(args[0])
    if args:
        raise TypeError("cross_origin() takes keyword options only, e.g. origins=[...]")
    try:
        policy = build_policy(options)
    except ConfigError as error:
        # Raises, unless `flask cors check` is collecting errors.
        refuse(error, call="@cross_origin(...)")
        return _unchanged

    def decorator(view: F) -> F:
        wrapper = wrap(policy, view)
        update_wrapper(wrapper, view)
        setattr(wrapper, POLICY_ATTR, policy)
        _wrappers.add(wrapper)
        # OPTIONS always reaches the wrapper: it answers preflights itself
        # (automatic_options) or hands them to the view (passthrough), and either way
        # the response gets its CORS headers; the framework's own OPTIONS answer would
        # skip it.
        required = set(getattr(view, "required_methods", ()))
        wrapper.required_methods = required | {"OPTIONS"}
        wrapper.provide_automatic_options = False
        return cast(F, wrapper)

    return decorator


def _wrap(policy: Policy, view: Callable[..., Any]) -> Callable[..., Any]:
    """The Flask view wrapper for ``policy``."""
    is_async = iscoroutinefunction(view)

    def wrapper(*view_args: Any, **view_kwargs: Any) -> ResponseReturnValue:
        # One proxy lookup for the request, not one per attribute read.
        environ = request._get_current_object().environ  # type: ignore[attr-defined]
        if GOVERNED in environ:
            # Under CORS(app) the app's middleware decides and adds the headers.
            if is_async or environ["REQUEST_METHOD"] == "OPTIONS":
                return _options_or_coroutine(
                    policy, view, is_async, environ, True, view_args, view_kwargs
                )
            # Annotated, not cast(): typing.cast is a call, on every request.
            result: ResponseReturnValue = view(*view_args, **view_kwargs)
            return result
        # On its own, the decorator adds the headers to the view's response itself.
        method = environ.get("REQUEST_METHOD", "GET")
        if method == "OPTIONS" or is_async:
            return _options_or_coroutine(
                policy, view, is_async, environ, False, view_args, view_kwargs
            )
        try:
            result = view(*view_args, **view_kwargs)
        except BaseException as error:
            _add_headers_to_error(error, policy, environ)
            raise
        app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
        # A view's own Response needs no conversion (Flask converts what is left).
        response = result if isinstance(result, WerkzeugResponse) else app.make_response(result)
        decision = decide_actual(
            policy, method, environ.get("HTTP_ORIGIN"), "HTTP_COOKIE" in environ
        )
        _apply(response, decision, policy, app, environ)
        return response

    return wrapper


def _options_or_coroutine(
    policy: Policy,
    view: Callable[..., Any],
    is_async: bool,
    environ: WSGIEnvironment,
    governed: bool,
    view_args: tuple[Any, ...],
    view_kwargs: dict[str, Any],
) -> ResponseReturnValue:
    """An OPTIONS request or a coroutine view. Under ``CORS(app)`` (``governed``) the
    middleware has answered every preflight it could and adds the headers; on its own
    the decorator answers preflights and adds the headers itself."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    if environ.get("REQUEST_METHOD") == "OPTIONS" and policy.automatic_options:
        if not governed and is_preflight_environ(environ):
            return _answer_preflight(policy, app.debug)
        options_response: ResponseReturnValue = app.make_default_options_response()
        if not governed:
            _add_headers_later(policy, app, environ)
        return options_response
    call = app.ensure_sync(view) if is_async else view  # Flask runs coroutines so
    if governed:
        governed_result: ResponseReturnValue = call(*view_args, **view_kwargs)
        return governed_result
    try:
        result = call(*view_args, **view_kwargs)
    except BaseException as error:
        _add_headers_to_error(error, policy, environ)
        raise
    response = app.make_response(result)
    _apply(response, decide_environ(policy, environ), policy, app, environ)
    return response


def _add_headers_to_error(error: BaseException, policy: Policy, environ: WSGIEnvironment) -> None:
    """Flask turns a view's error into a response once the wrapper is gone: an HTTP
    error always gets the headers, any other error only if the policy intercepts it."""
    if policy.intercept_exceptions or isinstance(error, HTTPException):
        _add_headers_later(policy, current_app._get_current_object(), environ)  # type: ignore[attr-defined]


_ALLOWED = Reason.ALLOWED


def _unchanged(view: F) -> F:
    return view


def _answer_preflight(policy: Policy, app_debug: bool) -> Response:
    environ = request.environ
    decision = decide_environ(policy, environ)
    debug = debug_enabled(policy, app_debug)
    log_refusal(decision, policy, environ, debug)
    status, headers, body = preflight_answer(decision, policy, environ, debug=debug)
    return Response(body, status=status, headers=headers)


def _add_headers_later(policy: Policy, app: Flask, environ: WSGIEnvironment) -> None:
    @after_this_request
    def add_headers(response: WerkzeugResponse) -> WerkzeugResponse:
        _apply(response, decide_environ(policy, environ), policy, app, environ)
        return response


def _apply(
    response: WerkzeugResponse,
    decision: Decision,
    policy: Policy,
    app: Flask,
    environ: WSGIEnvironment,
) -> None:
    """The decorator's own header application, for a view not under ``CORS(app)``."""
    debug = debug_enabled(policy, app.config["DEBUG"])
    if decision.reason is not _ALLOWED:
        log_refusal(decision, policy, environ, debug)
    apply_to_headers(response.headers, decision, debug)


def apply_to_headers(headers: Headers, decision: Decision, debug: bool) -> None:
    """Apply ``decision`` to a response's Werkzeug ``Headers`` (the decorator alone, in
    Flask and in Quart): appended when that is all applying does, else rewritten."""
    if only_appends(headers, decision, debug):
        for name, value in decision.appended:
            headers.add(name, value)
    else:
        applied = apply_decision(list(headers.items()), decision, debug=debug)
        headers.clear()
        headers.extend(applied)
