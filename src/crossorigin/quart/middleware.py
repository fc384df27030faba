"""The ASGI middleware around ``app.asgi_app``: every Quart request, top to bottom.

1. A CORS preflight whose policy answers preflights is answered here, before Quart
   routes it or runs any ``before_request`` hook or view.
2. Every other HTTP request goes to the app. Quart's ``request_started`` signal records
   the routed request; as the app starts its response (404, 405 and 500 included), the
   governing policy is picked, the decision is made (an async ``origins`` callable is
   awaited), a refusal is logged, and the decision's headers are added.

``lifespan`` and ``websocket`` scopes pass through untouched.
"""

from __future__ import annotations

import sys
from contextvars import ContextVar
from typing import Any

from quart import Quart, request

from ..asgi import (
    ASGIApp,
    Message,
    Receive,
    Scope,
    Send,
    apply_to_raw,
    encode_headers,
    request_fields,
    scope_path,
)
from ..core.decide import Decision, Reason, decide_async, is_preflight
from ..core.headers import ACRM, ORIGIN
from ..core.paths import routing_path
from ..core.policy import Policy
from ..core.respond import log_refusal, preflight_answer
from ..flask_ext.response import debug_enabled
from .state import QuartState


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
    """Quart's ``request_started`` receiver: the request is routed by now."""
    routed = ROUTED.get()
    if routed is not None:
        routed.request = request._get_current_object()  # type: ignore[attr-defined]


async def mark_uncaught_exception(sender: Quart, **extra: Any) -> None:
    """Quart's ``got_request_exception`` receiver (uncaught exceptions only)."""
    routed = ROUTED.get()
    if routed is not None:
        routed.uncaught = True


class QuartCORSMiddleware:
    """Answers preflights before routing; adds headers to every other response."""

    __slots__ = ("app", "asgi_app", "state")

    def __init__(self, asgi_app: ASGIApp, state: QuartState, app: Quart):
        self.asgi_app = asgi_app
        self.state = state
        self.app = app  # app.debug is read per request

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.asgi_app(scope, receive, send)
            return
        fields = request_fields(scope.get("headers", ()))
        method: str = scope.get("method", "GET")
        if method == "OPTIONS" and is_preflight(method, fields.get(ORIGIN), fields.get(ACRM)):
            policy = self.state.for_preflight_scope(scope)
            if policy is not None and policy.automatic_options:
                await self.answer_preflight(policy, scope, fields, send)
                return
        routed = Routed()

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = await self.add_headers(scope, method, fields, routed, message)
            await send(message)

        token = ROUTED.set(routed)
        try:
            await self.asgi_app(scope, receive, send_with_headers)
        finally:
            ROUTED.reset(token)

    async def answer_preflight(
        self, policy: Policy, scope: Scope, fields: dict[str, str], send: Send
    ) -> None:
        decision = await decide_async(policy, "OPTIONS", fields)
        debug = debug_enabled(policy, self.app.debug)
        path = routing_path(scope_path(scope))
        log(decision, policy, scope, fields, debug)
        code, headers, body = preflight_answer(
            decision, policy, debug=debug, path=path, origin=fields.get(ORIGIN), method="OPTIONS"
        )
        await send(
            {"type": "http.response.start", "status": code, "headers": encode_headers(headers)}
        )
        await send({"type": "http.response.body", "body": body, "more_body": False})

    async def add_headers(
        self, scope: Scope, method: str, fields: dict[str, str], routed: Routed, message: Message
    ) -> Message:
        """The response's start message, with the governing policy's headers added."""
        policy = self.state.for_response_scope(scope, routed.request)
        if policy is None or (routed.uncaught and not policy.intercept_exceptions):
            return message
        decision = await decide_async(policy, method, fields)
        debug = debug_enabled(policy, self.app.debug)
        log(decision, policy, scope, fields, debug)
        message = dict(message)
        message["headers"] = apply_to_raw(message.get("headers", ()), decision, debug)
        return message


def log(
    decision: Decision, policy: Policy, scope: Scope, fields: dict[str, str], debug: bool
) -> None:
    """:func:`~crossorigin.core.respond.log_refusal` for an ASGI request; in debug mode
    with the ``crossorigin`` logger quiet, the line goes to the server's stderr."""
    if decision.reason is Reason.ALLOWED or decision.reason is Reason.NO_ORIGIN:
        return
    log_refusal(
        decision,
        policy,
        debug=debug,
        path=routing_path(scope_path(scope)),
        origin=fields.get(ORIGIN),
        method=scope.get("method", ""),
        scheme=scope.get("scheme") or "http",
        host=fields.get("Host", ""),
        stream=sys.stderr,
    )
