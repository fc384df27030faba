"""Turning a decision into response headers, the one place that touches them.

Shared by the extension's hooks and the standalone decorator.
"""

from __future__ import annotations

import logging

from flask import Request, Response
from werkzeug.datastructures import Headers

from ..core.decide import Decision, Reason, decide_actual, decide_preflight
from ..core.explain import explain
from ..core.headers import (
    ACEH,
    FORBIDDEN_RESPONSE_HEADERS,
    OWNED_RESPONSE_HEADERS,
    SAFELISTED_RESPONSE_HEADERS,
    VARY,
)
from ..core.policy import Policy

logger = logging.getLogger("crossorigin")

DEBUG_HEADER = "X-CORS-Decision"

#: Markers left in the WSGI environ for the response hook.
ANSWERED_KEY = "crossorigin.preflight_answered"


def request_decision(policy: Policy, request: Request) -> Decision:
    """Decide for a Flask request (preflight or actual)."""
    environ = request.environ
    origin = environ.get("HTTP_ORIGIN")
    method = request.method
    request_method = environ.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD")
    if method == "OPTIONS" and origin is not None and request_method is not None:
        return decide_preflight(
            policy,
            origin,
            request_method,
            environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS"),
            environ.get("HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK"),
        )
    return decide_actual(policy, method, origin)


def debug_enabled(policy: Policy, app_debug: bool) -> bool:
    return app_debug if policy.debug is None else policy.debug


def log_refusal(decision: Decision, policy: Policy, request: Request) -> None:
    """One INFO line per refusal; values are escaped by ``explain``."""
    if decision.reason is Reason.ALLOWED or decision.reason is Reason.NO_ORIGIN:
        return
    if logger.isEnabledFor(logging.INFO):
        logger.info(
            "CORS %s: %s",
            decision.reason.value,
            explain(
                decision,
                policy,
                path=request.path,
                origin=request.environ.get("HTTP_ORIGIN"),
                method=request.method,
            ),
        )


def merge_vary(headers: Headers, tokens: str) -> None:
    """Add ``tokens`` to ``Vary`` without duplicates; leave ``Vary: *`` alone."""
    existing = headers.getlist(VARY)
    if not existing:
        headers.add(VARY, tokens)
        return
    present = {t.strip().lower() for value in existing for t in value.split(",")}
    if "*" in present:
        return
    missing = [t for t in tokens.split(", ") if t.lower() not in present]
    if missing:
        headers.set(VARY, ", ".join([*existing, *missing]))


def apply_decision(
    response: Response, decision: Decision, policy: Policy, *, debug: bool = False
) -> None:
    """Replace the CORS headers of ``response`` with the decision's, merge ``Vary``."""
    headers = response.headers
    stale = [name for name, _ in headers if name.lower() in OWNED_RESPONSE_HEADERS]
    for name in stale:
        headers.remove(name)
    for name, value in decision.headers:
        headers.add(name, value)
    if decision.expose_from_response:
        names = sorted(
            {
                name
                for name, _ in headers
                if name.lower() not in SAFELISTED_RESPONSE_HEADERS
                and name.lower() not in FORBIDDEN_RESPONSE_HEADERS
                and name.lower() not in OWNED_RESPONSE_HEADERS
                and name.lower() != "vary"
            }
        )
        if names:
            headers.add(ACEH, ", ".join(names))
    if decision.vary:
        merge_vary(headers, decision.vary)
    if debug:
        kind = "preflight" if decision.preflight else "actual"
        headers.set(DEBUG_HEADER, f"{kind}; {decision.reason.value}")


def preflight_response(
    decision: Decision, policy: Policy, request: Request, *, debug: bool = False
) -> Response:
    """The extension's own answer to a preflight, before routing and views."""
    if decision.allowed:
        response = Response(status=policy.preflight_status)
    else:
        if debug:
            body = explain(
                decision,
                policy,
                path=request.path,
                origin=request.environ.get("HTTP_ORIGIN"),
                method=request.method,
            )
        else:
            body = f"CORS preflight refused: {decision.reason.value}"
        response = Response(body + "\n", status=403, mimetype="text/plain")
    apply_decision(response, decision, policy, debug=debug)
    return response
