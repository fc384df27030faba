"""Decisions for Flask/WSGI requests: deciding, logging, and the preflight answer.

Shared by the app middleware and the standalone decorator.
"""

from __future__ import annotations

import logging
from contextlib import suppress
from dataclasses import replace
from http import HTTPStatus
from typing import Any

from ..core.decide import Decision, Reason, decide_actual, decide_preflight, is_preflight
from ..core.explain import explain
from ..core.header_list import apply_decision
from ..core.hosts import DEFAULT_PORTS
from ..core.paths import routing_path
from ..core.policy import Policy

logger = logging.getLogger("crossorigin")

WSGIEnvironment = dict[str, Any]


def is_preflight_environ(environ: WSGIEnvironment) -> bool:
    """:func:`~crossorigin.core.decide.is_preflight`, read from a WSGI environ."""
    return is_preflight(
        environ.get("REQUEST_METHOD", "GET"),
        environ.get("HTTP_ORIGIN"),
        environ.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD"),
    )


def decide_environ(policy: Policy, environ: WSGIEnvironment) -> Decision:
    """Decide for a WSGI request (preflight or actual)."""
    origin = environ.get("HTTP_ORIGIN")
    method = environ.get("REQUEST_METHOD", "GET")
    if method == "OPTIONS" and is_preflight_environ(environ):
        assert origin is not None
        return decide_preflight(
            policy,
            origin,
            environ["HTTP_ACCESS_CONTROL_REQUEST_METHOD"],
            environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS"),
            environ.get("HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK"),
        )
    return decide_actual(policy, method, origin, credentialed="HTTP_COOKIE" in environ)


def routed_path(environ: WSGIEnvironment) -> str:
    """The request's path as Werkzeug routes it (see :func:`wsgi_path`)."""
    return wsgi_path(environ.get("PATH_INFO") or "/")


def wsgi_path(raw: str) -> str:
    """A ``PATH_INFO`` decoded from WSGI's latin-1, once, in
    :func:`~crossorigin.core.paths.routing_path` form."""
    return routing_path(raw.encode("latin-1", "replace").decode("utf-8", "replace"))


def sentence(decision: Decision, policy: Policy, environ: WSGIEnvironment) -> str:
    return explain(
        decision,
        policy,
        path=routed_path(environ),
        origin=environ.get("HTTP_ORIGIN"),
        method=environ.get("REQUEST_METHOD", ""),
    )


def is_same_origin(environ: WSGIEnvironment) -> bool:
    """True if the request's Origin is the server's own (a same-origin POST, say):
    CORS does not apply, so refusing it is not worth a log line."""
    scheme = environ.get("wsgi.url_scheme", "http")
    host = str(environ.get("HTTP_HOST", "")).lower()
    default = f":{DEFAULT_PORTS[scheme]}" if scheme in DEFAULT_PORTS else None
    if default and host.endswith(default):
        host = host[: -len(default)]
    return environ.get("HTTP_ORIGIN") == f"{scheme}://{host}"


def log_refusal(
    decision: Decision, policy: Policy, environ: WSGIEnvironment, debug: bool = False
) -> None:
    """One INFO line per refusal on the ``crossorigin`` logger; values are escaped by
    ``explain``. In debug mode with that logger quiet (no logging set up, as under
    ``flask run --debug``), the line goes to the server's error stream instead, so
    the terminal shows why a request was refused."""
    if decision.reason is Reason.ALLOWED or decision.reason is Reason.NO_ORIGIN:
        return
    enabled = logger.isEnabledFor(logging.INFO)
    if not (enabled or debug) or is_same_origin(environ):
        return
    line = f"CORS {decision.reason.value}: {sentence(decision, policy, environ)}"
    if enabled:
        logger.info("%s", line)
        return
    stream = environ.get("wsgi.errors")
    if stream is not None:
        with suppress(Exception):  # a closed or odd error stream must not fail the request
            stream.write(f"crossorigin: {line}\n")


def status_line(code: int) -> str:
    """``"204 No Content"``; any other 2xx gets a generic phrase."""
    try:
        return f"{code} {HTTPStatus(code).phrase}"
    except ValueError:
        return f"{code} Success"


def preflight_answer(
    decision: Decision, policy: Policy, environ: WSGIEnvironment, *, debug: bool
) -> tuple[str, list[tuple[str, str]], bytes]:
    """The extension's own answer to a preflight: status, headers, body."""
    if decision.allowed:
        status, body = status_line(policy.preflight_status), b""
    else:
        text = (
            sentence(decision, policy, environ)
            if debug
            else f"CORS preflight refused: {decision.reason.value}"
        )
        body = (text + "\n").encode("ascii", "replace")
        if debug and decision.hint_headers:
            # A 2xx with the checks that passed, so the browser's console names the
            # one that fails (the method or a header) instead of blaming the origin.
            status = status_line(policy.preflight_status)
            decision = replace(decision, headers=decision.hint_headers)
        else:
            status = status_line(403)
    headers = [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))]
    return status, apply_decision(headers, decision, debug=debug), body


def debug_enabled(policy: Policy, app_debug: bool) -> bool:
    return app_debug if policy.debug is None else policy.debug
