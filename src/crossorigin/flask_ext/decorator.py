"""``@cross_origin(**options)``: a policy for one view.

The decorator's policy is built when the module is imported (errors surface at
start-up) from the defaults and the decorator's own options. With ``CORS`` on the
app, the app's hooks apply it before routing and after errors; on its own, the
decorator answers preflights in the view and adds headers to the view's responses.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import update_wrapper
from typing import Any, TypeVar, cast

from flask import after_this_request, current_app, request
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response as WerkzeugResponse

from ..core.policy import build_policy
from .extension import EXTENSION_KEY, POLICY_ATTR
from .response import (
    apply_decision,
    debug_enabled,
    log_refusal,
    preflight_response,
    request_decision,
)

F = TypeVar("F", bound=Callable[..., Any])


def cross_origin(*args: Any, **options: Any) -> Any:
    """Give one view its own CORS policy (``@cross_origin()`` or ``@cross_origin``)."""
    if len(args) == 1 and callable(args[0]) and not options:
        return cross_origin()(args[0])
    if args:
        raise TypeError("cross_origin() takes keyword options only, e.g. origins=[...]")
    policy = build_policy(options)

    def decorator(view: F) -> F:
        def wrapper(*view_args: Any, **view_kwargs: Any) -> ResponseReturnValue:
            app = current_app._get_current_object()  # type: ignore[attr-defined]
            standalone = EXTENSION_KEY not in app.extensions
            if request.method == "OPTIONS" and policy.automatic_options:
                if (
                    standalone
                    and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in request.environ
                    and ("HTTP_ORIGIN" in request.environ)
                ):
                    decision = request_decision(policy, request)
                    log_refusal(decision, policy, request)
                    return preflight_response(
                        decision, policy, request, debug=debug_enabled(policy, app.debug)
                    )
                response: WerkzeugResponse = app.make_default_options_response()
                if standalone:
                    _decorate_later(app.debug)
                return response
            if standalone:
                _decorate_later(app.debug)
            result: ResponseReturnValue = app.ensure_sync(view)(*view_args, **view_kwargs)
            return result

        def _decorate_later(app_debug: bool) -> None:
            @after_this_request
            def add_headers(response: WerkzeugResponse) -> WerkzeugResponse:
                if not policy.intercept_exceptions and response.status_code >= 500:
                    return response
                decision = request_decision(policy, request)
                log_refusal(decision, policy, request)
                apply_decision(
                    response,  # type: ignore[arg-type]
                    decision,
                    policy,
                    debug=debug_enabled(policy, app_debug),
                )
                return response

        update_wrapper(wrapper, view)
        setattr(wrapper, POLICY_ATTR, policy)
        if policy.automatic_options:
            required = set(getattr(view, "required_methods", ()))
            wrapper.required_methods = required | {"OPTIONS"}  # type: ignore[attr-defined]
            wrapper.provide_automatic_options = False  # type: ignore[attr-defined]
        return cast(F, wrapper)

    return decorator
