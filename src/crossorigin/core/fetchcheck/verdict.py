"""The whole fetch() as a page sees it: request checks, preflight, actual
response."""

from __future__ import annotations

from ..headers import (
    FORBIDDEN_RESPONSE_HEADERS,
)
from .model import Failure, FetchRequest, HTTPResponse, Verdict, _show
from .preflight import check_preflight
from .request import _prepare, is_same_origin, needs_preflight, preflight_headers
from .response import check_response


def judge(
    request: FetchRequest,
    preflight_response: HTTPResponse | None,
    actual_response: HTTPResponse | None,
    *,
    strict: bool = False,
) -> Verdict:
    """The whole fetch() as a page sees it: request checks, preflight, actual response.

    Same-origin requests skip CORS. A preflight response is required exactly when
    the browser would send a preflight; one passed otherwise is ignored, as is the
    actual response after a failed preflight (the browser never sends the request).
    ``strict=True`` applies the Fetch rule that ``*`` does not cover Authorization.
    """
    prepared = _prepare(request)
    warnings = list(prepared.warnings)
    needed = needs_preflight(request)
    if prepared.failures:
        return Verdict(False, prepared.failures, tuple(warnings), needed, frozenset())

    if is_same_origin(request):
        readable: frozenset[str] = frozenset()
        if actual_response is not None:
            readable = actual_response.names() - FORBIDDEN_RESPONSE_HEADERS
        return Verdict(True, (), tuple(warnings), False, readable)

    if needed:
        if preflight_response is None:
            sent = ", ".join(f"{name}: {value}" for name, value in preflight_headers(request))
            failure = Failure(
                "preflight-missing",
                "preflight",
                "The browser sends a preflight before this request (OPTIONS with "
                f"{_show(sent)}), but no preflight response was given; pass the server's answer "
                "to that OPTIONS request",
            )
            return Verdict(False, (failure,), tuple(warnings), True, frozenset())
        preflight = check_preflight(request, preflight_response, strict=strict)
        warnings += preflight.warnings
        if not preflight.allowed:
            return Verdict(False, preflight.failures, tuple(warnings), True, frozenset())

    if actual_response is None:
        failure = Failure(
            "response-missing",
            "response",
            "No actual response was given, so the outcome is unknown; pass the server's "
            "answer to the request itself",
        )
        return Verdict(False, (failure,), tuple(warnings), needed, frozenset())
    actual = check_response(request, actual_response)
    return Verdict(
        allowed=actual.allowed,
        failures=actual.failures,
        warnings=tuple(warnings) + actual.warnings,
        preflight_needed=needed,
        readable_headers=actual.readable_headers,
    )
