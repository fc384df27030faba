"""``CORSMiddleware(app, **options)``: the same policy for any ASGI 3 application.

Options are those of ``CORS(app, ...)`` (``resources=`` included), checked at start-up
with the same error ids. Every HTTP request, top to bottom:

1. A path no resource pattern covers passes untouched.
2. A CORS preflight (``OPTIONS`` with ``Origin`` and ``Access-Control-Request-Method``)
   whose policy answers preflights (``automatic_options``) is answered here, with the
   status, headers and body the Flask extension sends; the app never sees it.
3. Every other request goes to the app, decided before it runs when the request alone
   decides (no ``origins`` callable). As the app (or an error middleware inside this
   one) starts its response, a callable is asked (an async one awaited), a refusal is
   logged, and the decision's headers are applied to the response's header list.

What is remembered between requests is bounded: the policy per path (the rule of
:func:`~crossorigin.core.paths.remember_path`, as under Flask), the decision per origin,
method and cookie (``Policy.answers``, with each decision's headers encoded once), and
the whole answer per preflight shape.

``lifespan`` and ``websocket`` scopes pass through untouched: a WebSocket handshake is
not subject to CORS (check its ``Origin`` in the app). Standard library only.
"""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from logging import INFO
from typing import Any, cast

from .core.bounded import remember
from .core.decide import (
    ANSWER_CACHE_SIZE,
    Decision,
    Reason,
    decide,
    decide_actual,
    decide_async,
    is_preflight,
)
from .core.errors import ConfigError, call_site
from .core.header_list import RAW_SUSPECT_INITIALS, add_decision, only_appends
from .core.headers import ACRH, ACRM, ACRPN, COOKIE, ORIGIN
from .core.paths import MAX_CACHED_PATH, ResourceTable, remember_path, routing_path
from .core.policy import Policy
from .core.resources import build_resource_table
from .core.respond import log_refusal, logger, preflight_answer

__all__ = ["CORSMiddleware"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
RawHeaders = Iterable[tuple[bytes, bytes]]
#: (id of the policy, Origin, Access-Control-Request-Method, -Headers, -Private-Network).
PreflightKey = tuple[int, str | None, str | None, str | None, str | None]
#: The decision (for the refusal line), status, encoded headers and body.
PreflightAnswer = tuple[Decision, int, tuple[tuple[bytes, bytes], ...], bytes]

#: The request headers a decision or a refusal line reads, by their ASGI (lower-case)
#: name; the value is the name :func:`~crossorigin.core.decide.decide` looks up.
_READ = {
    b"origin": ORIGIN,
    b"access-control-request-method": ACRM,
    b"access-control-request-headers": ACRH,
    b"access-control-request-private-network": ACRPN,
    b"cookie": COOKIE,
    b"host": "Host",
}

#: The status an uncaught exception becomes in an error middleware inside this one.
_EXCEPTION_STATUS = 500

_ALLOWED = Reason.ALLOWED
_UNKNOWN: Any = object()


class CORSMiddleware:
    """Answers preflights; adds the policy's headers to every other HTTP response.

    ``CORSMiddleware(app, origins=[...], resources={...}, ...)``: the options of
    ``CORS(...)``; a refused configuration raises :class:`~crossorigin.ConfigError`.
    ``debug=None`` (the default) means off: plain ASGI has no ``app.debug``.
    """

    __slots__ = ("_table", "app", "paths", "preflights")

    def __init__(self, app: ASGIApp, **options: Any) -> None:
        try:
            table = build_resource_table([options])
        except ConfigError as error:
            error.locate(site=call_site(), call="CORSMiddleware(...)")
            raise error.with_traceback(None) from None
        self.app = app
        #: Path below ``root_path`` -> policy, so a repeated path costs one lookup;
        #: bounded by :func:`~crossorigin.core.paths.remember_path`, as under Flask.
        self.paths: dict[str, Policy | None] = {}
        #: What a preflight is answered, by policy and the request headers it reads.
        self.preflights: dict[PreflightKey, PreflightAnswer] = {}
        self.table = table

    @property
    def table(self) -> ResourceTable[Policy]:
        """The policies by resource pattern, as ``CORS(app, ...)`` builds them. A new
        table forgets what was remembered for the old one."""
        return self._table

    @table.setter
    def table(self, table: ResourceTable[Policy]) -> None:
        self._table = table
        self.paths.clear()
        self.preflights.clear()

    def policy_for(self, path: str) -> Policy | None:
        """The policy covering ``path`` (below ``root_path``, as sent), remembered."""
        known = self.paths.get(path, _UNKNOWN)
        if known is not _UNKNOWN:
            return cast("Policy | None", known)
        policy = self.table.match(routing_path(path))
        remember_path(self.paths, path, policy)
        return policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # scope_path(scope), without the call when there is no root_path to strip.
        path = scope_path(scope) if scope.get("root_path") else scope.get("path") or "/"
        policy = self.paths.get(path, _UNKNOWN)
        if policy is _UNKNOWN:
            policy = self.policy_for(path)
        if policy is None:
            await self.app(scope, receive, send)
            return
        method: str = scope.get("method", "GET")
        headers: RawHeaders = scope.get("headers", ())
        # Without an origins callable the request alone decides: decided here, once,
        # so the response's start only applies it. A callable (it may be async) is
        # asked as the response starts.
        decision: Decision | None = None
        if method == "OPTIONS":
            fields = request_fields(headers)
            if policy.automatic_options and is_preflight(
                method, fields.get(ORIGIN), fields.get(ACRM)
            ):
                await self.answer_preflight(policy, scope, routing_path(path), fields, send)
                return
            if not policy.origins.has_callables:  # a preflight the app answers, or not one
                decision = decide(policy, method, fields)
        elif not policy.origins.has_callables:
            origin, credentialed = origin_and_cookie(headers)
            decision = decide_actual(policy, method, origin, credentialed)

        def send_with_headers(message: Message) -> Awaitable[None]:
            # Not a coroutine function unless it must await: the server's own send is
            # awaited by the app, with no frame of this middleware in between.
            if message["type"] != "http.response.start":
                return send(message)
            if decision is None:
                return self.send_decided(message, policy, scope, path, send)
            return send(start_message(message, decision, policy, scope, policy.debug is True, path))

        if policy.intercept_exceptions:
            await self.app(scope, receive, send_with_headers)
        else:
            await _leaving_exceptions_alone(self.app, scope, receive, send, send_with_headers)

    async def send_decided(
        self, message: Message, policy: Policy, scope: Scope, path: str, send: Send
    ) -> None:
        """Decide with every request field, awaiting an async ``origins`` callable."""
        fields = request_fields(scope.get("headers", ()))
        decision = await decide_async(policy, scope.get("method", "GET"), fields)
        await send(start_message(message, decision, policy, scope, policy.debug is True, path))

    async def answer_preflight(
        self, policy: Policy, scope: Scope, path: str, fields: dict[str, str], send: Send
    ) -> None:
        debug = policy.debug is True
        origin = fields.get(ORIGIN)
        key = (id(policy), origin, fields.get(ACRM), fields.get(ACRH), fields.get(ACRPN))
        known = self.preflights.get(key)
        if known is None:
            decision = await decide_async(policy, "OPTIONS", fields)
            code, headers, body = preflight_answer(
                decision, policy, debug=debug, path=path, origin=origin, method="OPTIONS"
            )
            known = (decision, code, tuple(encode_headers(headers)), body)
            if not debug and not policy.origins.has_callables:
                # Without debug the answer depends on these request headers alone (a
                # debug body quotes the path); a callable is asked every time.
                self.remember_preflight(key, known)
        decision, code, raw_headers, body = known
        log_scope_refusal(decision, policy, scope, debug, path)
        await send({"type": "http.response.start", "status": code, "headers": list(raw_headers)})
        await send({"type": "http.response.body", "body": body})

    def remember_preflight(self, key: PreflightKey, answer: PreflightAnswer) -> None:
        """Bounded as a policy's remembered answers are: cleared when full, and a key
        longer than a path may be is not remembered."""
        if sum(len(part) for part in key[1:] if part is not None) <= MAX_CACHED_PATH:
            remember(self.preflights, key, answer, ANSWER_CACHE_SIZE)


def start_message(
    message: Message,
    decision: Decision,
    policy: Policy,
    scope: Scope,
    debug: bool,
    path: str | None = None,
) -> Message:
    """The ``http.response.start`` message with the decision applied to its headers; a
    refusal logged.

    A new message when headers change: an app may send the same message object for
    every response, so it is never modified. When the decision adds nothing, the
    message itself."""
    if decision.reason is not _ALLOWED:
        log_scope_refusal(decision, policy, scope, debug, path)
    headers = message.get("headers", ())
    if type(headers) is not list:
        headers = list(headers)  # read twice below
    if only_appends(headers, decision, debug, RAW_SUSPECT_INITIALS):
        appended = decision.raw_appended
        if not appended:
            return message
        new_headers = [*headers, *appended]
    else:
        new_headers = apply_to_raw(headers, decision, debug)
    message = dict(message)
    message["headers"] = new_headers
    return message


async def _leaving_exceptions_alone(
    app: ASGIApp, scope: Scope, receive: Receive, send: Send, send_with_headers: Send
) -> None:
    """``intercept_exceptions=False``: a 500 is held until the app returns. If the app
    then raises, the 500 is what an error middleware made of the exception: it is sent
    untouched and the exception goes on. A 500 the app returned gets its headers."""
    held: list[Message] = []

    async def holding(message: Message) -> None:
        if held or (
            message["type"] == "http.response.start" and message.get("status") == _EXCEPTION_STATUS
        ):
            held.append(message)
        else:
            await send_with_headers(message)

    try:
        await app(scope, receive, holding)
    except Exception:
        for message in held:
            await send(message)
        raise
    if held:
        await send_with_headers(held[0])
        for message in held[1:]:
            await send(message)


def scope_path(scope: Scope) -> str:
    """The request's path below the app's ``root_path``, as WSGI's ``PATH_INFO`` is
    below ``SCRIPT_NAME`` (ASGI's ``path`` is already percent-decoded)."""
    path: str = scope.get("path") or "/"
    root: str = scope.get("root_path") or ""
    if root and path.startswith(root) and path[len(root) : len(root) + 1] in ("", "/"):
        path = path[len(root) :] or "/"
    return path


def request_fields(headers: RawHeaders) -> dict[str, str]:
    """The request headers a decision reads, by their canonical names, decoded from
    latin-1; a repeated header's values are joined with commas, as WSGI servers do."""
    fields: dict[str, str] = {}
    for raw_name, raw_value in headers:
        name = _READ.get(raw_name) or _READ.get(raw_name.lower())
        if name is None:
            continue
        value = raw_value.decode("latin-1")
        fields[name] = f"{fields[name]},{value}" if name in fields else value
    return fields


def origin_and_cookie(headers: RawHeaders) -> tuple[str | None, bool]:
    """What an actual request's decision reads: its ``Origin`` (read as
    :func:`request_fields` reads it) and whether it carries cookies. One pass over the
    usual lower-case names, where a name not starting like ``origin`` or ``cookie`` costs
    one test; any other spelling goes the general way."""
    origin: bytes | None = None
    cookie = False
    for raw_name, raw_value in headers:
        if raw_name and raw_name[0] in _MIXED_CASE_INITIALS:
            if raw_name == b"origin":
                if origin is not None:
                    break  # repeated: joined by the general way
                origin = raw_value
            elif raw_name == b"cookie":
                cookie = True
            elif raw_name.lower() in _DECISION_NAMES:
                break
    else:
        return (None if origin is None else origin.decode("latin-1")), cookie
    fields = request_fields(headers)
    return fields.get(ORIGIN), COOKIE in fields


#: First letters of a non-lower-case spelling of ``Origin`` or ``Cookie``.
_MIXED_CASE_INITIALS = frozenset(b"OoCc")
_DECISION_NAMES = frozenset((b"origin", b"cookie"))


def apply_to_raw(headers: RawHeaders, decision: Decision, debug: bool) -> list[tuple[bytes, bytes]]:
    """An ASGI header list with the decision applied by
    :func:`~crossorigin.core.header_list.add_decision` (latin-1, lower-case names)."""
    decoded = [(name.decode("latin-1"), value.decode("latin-1")) for name, value in headers]
    return encode_headers(add_decision(decoded, decision, debug))


def encode_headers(headers: Iterable[tuple[str, str]]) -> list[tuple[bytes, bytes]]:
    return [
        (name.lower().encode("latin-1"), value.encode("latin-1", "replace"))
        for name, value in headers
    ]


def log_scope_refusal(
    decision: Decision, policy: Policy, scope: Scope, debug: bool, path: str | None = None
) -> None:
    """:func:`~crossorigin.core.respond.log_refusal` for an ASGI request (``path``: below
    ``root_path``, read from the scope when not given); in debug mode with the
    ``crossorigin`` logger quiet, the line goes to the server's stderr. A refusal nobody
    would see reads no request fields."""
    if decision.reason is _ALLOWED or decision.reason is Reason.NO_ORIGIN:
        return
    if not (debug or logger.isEnabledFor(INFO)):
        return
    fields = request_fields(scope.get("headers", ()))
    log_refusal(
        decision,
        policy,
        debug=debug,
        path=routing_path(scope_path(scope) if path is None else path),
        origin=fields.get(ORIGIN),
        method=scope.get("method", ""),
        scheme=scope.get("scheme") or "http",
        host=fields.get("Host", ""),
        stream=sys.stderr,
    )
