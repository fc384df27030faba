"""Decisions for Flask/WSGI requests: deciding, logging, and the preflight answer.

Shared by the app middleware and the standalone decorator.
"""

from __future__ import annotations

from typing import Any

from ..core.decide import Decision, Reason, decide_actual, decide_preflight, is_preflight
from ..core.paths import routing_path
from ..core.policy import Policy
from ..core.respond import log_refusal as core_log_refusal
from ..core.respond import logger, status_line
from ..core.respond import preflight_answer as core_preflight_answer

__all__ = [
    "WSGIEnvironment",
    "debug_enabled",
    "decide_environ",
    "is_preflight_environ",
    "log_refusal",
    "logger",
    "preflight_answer",
    "routed_path",
    "status_line",
    "wsgi_path",
]

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


def log_refusal(
    decision: Decision, policy: Policy, environ: WSGIEnvironment, debug: bool = False
) -> None:
    """:func:`~crossorigin.core.respond.log_refusal` for a WSGI request; in debug mode
    with the ``crossorigin`` logger quiet, the line goes to ``wsgi.errors``."""
    if decision.reason is Reason.ALLOWED or decision.reason is Reason.NO_ORIGIN:
        return
    core_log_refusal(
        decision,
        policy,
        debug=debug,
        path=routed_path(environ),
        origin=environ.get("HTTP_ORIGIN"),
        method=environ.get("REQUEST_METHOD", ""),
        scheme=environ.get("wsgi.url_scheme", "http"),
        host=str(environ.get("HTTP_HOST", "")),
        stream=environ.get("wsgi.errors"),
    )


def preflight_answer(
    decision: Decision, policy: Policy, environ: WSGIEnvironment, *, debug: bool
) -> tuple[str, list[tuple[str, str]], bytes]:
    """The extension's own answer to a preflight: status, headers, body (see
    :func:`~crossorigin.core.respond.preflight_answer`)."""
    code, headers, body = core_preflight_answer(
        decision,
        policy,
        debug=debug,
        path=routed_path(environ),
        origin=environ.get("HTTP_ORIGIN"),
        method=environ.get("REQUEST_METHOD", ""),
    )
    return status_line(code), headers, body


def debug_enabled(policy: Policy, app_debug: bool) -> bool:
    """The policy's ``debug``, or the app's debug mode when it is None (read per request)."""
    return app_debug if policy.debug is None else policy.debug
