"""What every integration sends of its own: the preflight answer and the refusal line.

The one home of both, whatever the server interface (WSGI, ASGI): the integration
reads the request's path, Origin, method, scheme and Host, and writes what comes back.
"""

from __future__ import annotations

import logging
from contextlib import suppress
from dataclasses import replace
from http import HTTPStatus
from typing import Protocol

from .decide import Decision, Reason
from .explain import explain
from .header_list import apply_decision
from .hosts import DEFAULT_PORTS
from .policy import Policy

logger = logging.getLogger("crossorigin")


class TextStream(Protocol):
    def write(self, text: str, /) -> object: ...


def status_line(code: int) -> str:
    """``"204 No Content"``; any other 2xx gets a generic phrase."""
    try:
        return f"{code} {HTTPStatus(code).phrase}"
    except ValueError:
        return f"{code} Success"


def preflight_answer(
    decision: Decision,
    policy: Policy,
    *,
    debug: bool,
    path: str,
    origin: str | None,
    method: str,
) -> tuple[int, list[tuple[str, str]], bytes]:
    """The answer to a preflight a policy answers itself: status code, headers, body.

    ``path`` is the request's path (any form; it is quoted in a debug body)."""
    if decision.allowed:
        code, body = policy.preflight_status, b""
    else:
        text = (
            explain(decision, policy, path=path, origin=origin, method=method)
            if debug
            else f"CORS preflight refused: {decision.reason.value}"
        )
        body = (text + "\n").encode("ascii", "replace")
        if debug and decision.hint_headers:
            # A 2xx with the checks that passed, so the browser's console names the
            # one that fails (the method or a header) instead of blaming the origin.
            code = policy.preflight_status
            decision = replace(decision, headers=decision.hint_headers)
        else:
            code = 403
    headers = [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))]
    return code, apply_decision(headers, decision, debug=debug), body


def is_same_origin(origin: str | None, scheme: str, host: str) -> bool:
    """True if ``origin`` is the server's own (``scheme`` and the ``Host`` header): a
    same-origin POST, say. CORS does not apply, so refusing it is not worth a log line."""
    host = host.lower()
    default = f":{DEFAULT_PORTS[scheme]}" if scheme in DEFAULT_PORTS else None
    if default and host.endswith(default):
        host = host[: -len(default)]
    return origin == f"{scheme}://{host}"


def log_refusal(
    decision: Decision,
    policy: Policy,
    *,
    debug: bool,
    path: str,
    origin: str | None,
    method: str,
    scheme: str,
    host: str,
    stream: TextStream | None,
) -> None:
    """One INFO line per refusal on the ``crossorigin`` logger; values are escaped by
    ``explain``. In debug mode with that logger quiet (no logging set up), the line
    goes to ``stream`` (the server's error stream) instead, so the terminal shows why
    a request was refused. Same-origin requests and requests without Origin are not
    logged."""
    if decision.reason is Reason.ALLOWED or decision.reason is Reason.NO_ORIGIN:
        return
    enabled = logger.isEnabledFor(logging.INFO)
    if not (enabled or debug) or is_same_origin(origin, scheme, host):
        return
    sentence = explain(decision, policy, path=path, origin=origin, method=method)
    line = f"CORS {decision.reason.value}: {sentence}"
    if enabled:
        logger.info("%s", line)
        return
    if stream is not None:
        with suppress(Exception):  # a closed or odd error stream must not fail the request
            stream.write(f"crossorigin: {line}\n")
