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

from collections.abc import Awaitable
from typing import Any

from quart import Quart

from ..asgi import (
    ASGIApp,
    Message,
    Receive,
    Scope,
    Send,
    encode_headers,
    log_scope_refusal,
    origin_and_cookie,
    request_fields,
    scope_path,
    start_message,
)
from ..core.decide import Decision, decide_actual, decide_async, is_preflight
from ..core.headers import ACRM, ORIGIN
from ..core.paths import routing_path
from ..core.policy import Policy
from ..core.respond import preflight_answer
from ..flask_ext.response import debug_enabled
from .state import ROUTED, QuartState, Routed


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
        method: str = scope.get("method", "GET")
        headers = scope.get("headers", ())
        fields: dict[str, str] | None = None
        if method == "OPTIONS":
            fields = request_fields(headers)
            if is_preflight(method, fields.get(ORIGIN), fields.get(ACRM)):
                policy = self.state.for_preflight_scope(scope)
                if policy is not None and policy.automatic_options:
                    await self.answer_preflight(policy, scope, fields, send)
                    return
        state = self.state
        settled: Policy | None = None
        if state.path_only:  # the path alone decides: known before the app runs
            settled = state.for_scope(scope)
            if settled is None:
                await self.asgi_app(scope, receive, send)
                return
        # What an actual request's decision reads; any other request reads every field.
        origin, credentialed = origin_and_cookie(headers) if fields is None else (None, False)
        # What the app did matters to a decorated view and to intercept_exceptions=False.
        routed = None if settled is not None and settled.intercept_exceptions else Routed()

        def send_with_headers(message: Message) -> Awaitable[None]:
            # Not a coroutine function unless it must await: the server's own send is
            # awaited by the app, with no frame of this middleware in between.
            if message["type"] != "http.response.start":
                return send(message)
            if routed is None:
                policy = settled
            else:
                policy = state.for_response_scope(scope, routed.request)
                if policy is not None and routed.uncaught and not policy.intercept_exceptions:
                    return send(message)
            if policy is None:
                return send(message)
            if fields is None and not policy.origins.has_callables:
                decision = decide_actual(policy, method, origin, credentialed)
                return send(self.with_headers(message, decision, policy, scope))
            # A callable may be async; a preflight the app answers reads every field.
            return self.send_decided(message, policy, method, scope, send)

        if routed is None:
            await self.asgi_app(scope, receive, send_with_headers)
            return
        token = ROUTED.set(routed)
        try:
            await self.asgi_app(scope, receive, send_with_headers)
        finally:
            ROUTED.reset(token)

    def with_headers(
        self, message: Message, decision: Decision, policy: Policy, scope: Scope
    ) -> Message:
        """:func:`~crossorigin.asgi.start_message`, with the app's debug mode."""
        debug = debug_enabled(policy, self.app.config["DEBUG"])
        return start_message(message, decision, policy, scope, debug)

    async def send_decided(
        self, message: Message, policy: Policy, method: str, scope: Scope, send: Send
    ) -> None:
        """Decide with every request field, awaiting an async ``origins`` callable."""
        decision = await decide_async(policy, method, request_fields(scope.get("headers", ())))
        await send(self.with_headers(message, decision, policy, scope))

    async def answer_preflight(
        self, policy: Policy, scope: Scope, fields: dict[str, str], send: Send
    ) -> None:
        decision = await decide_async(policy, "OPTIONS", fields)
        debug = debug_enabled(policy, self.app.config["DEBUG"])
        path = routing_path(scope_path(scope))
        log_scope_refusal(decision, policy, scope, debug, path)
        code, headers, body = preflight_answer(
            decision, policy, debug=debug, path=path, origin=fields.get(ORIGIN), method="OPTIONS"
        )
        await send(
            {"type": "http.response.start", "status": code, "headers": encode_headers(headers)}
        )
        await send({"type": "http.response.body", "body": body, "more_body": False})
