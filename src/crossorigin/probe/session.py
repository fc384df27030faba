"""One fetch() as a browser runs it: the preflight, the request, the redirects.

:func:`run` sends what the browser sends, in its order, through any :data:`Transport`,
and judges every answer with :func:`crossorigin.core.fetchcheck.judge`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Literal
from urllib.parse import urljoin

from ..core.fetchcheck import (
    Failure,
    FetchRequest,
    HTTPResponse,
    Verdict,
    check_preflight,
    check_response,
    is_forbidden_request_header,
    is_same_origin,
    judge,
    needs_preflight,
    normalize_method,
    preflight_headers,
)
from ..core.headers import ACAC, ACAH, ACAM, ACAO, DEBUG_HEADER, REDIRECT_STATUSES
from .advice import hints_for, reason_fixes, refused_on_purpose, reword_refusal
from .inputs import url_origin
from .transport import Received, Transport

__all__ = [
    "DOCTOR_CODES",
    "EXIT_ALLOWED",
    "EXIT_BLOCKED",
    "MAX_REDIRECTS",
    "Cause",
    "Exchange",
    "Report",
    "attribute_refusal",
    "fold_failures",
    "next_hop",
    "run",
]

EXIT_ALLOWED = 0
EXIT_BLOCKED = 1

#: Redirects followed before giving up (browsers allow 20; an API needing more is broken).
MAX_REDIRECTS = 10

#: Codes the doctor adds to :data:`crossorigin.core.fetchcheck.FAILURE_CODES`.
DOCTOR_CODES: dict[str, str] = {
    "redirect-limit": f"more than {MAX_REDIRECTS} redirects; the browser gives up",
    "redirect-not-followed": "warning: the redirect leads outside what this run can reach",
}

# Fetch "request-body-header name": dropped when a redirect turns the request into a GET.
_BODY_HEADERS = frozenset(
    {"content-encoding", "content-language", "content-location", "content-type"}
)


@dataclass(frozen=True)
class Exchange:
    """One round trip and what fetchcheck says about its answer."""

    stage: Literal["preflight", "request"]
    method: str
    url: str
    sent: tuple[tuple[str, str], ...]
    received: Received
    failures: tuple[Failure, ...]
    warnings: tuple[Failure, ...]

    @property
    def decision(self) -> str | None:
        """crossorigin's ``X-CORS-Decision`` (sent in debug mode), if the server sent one."""
        values = self.received.get_all(DEBUG_HEADER)
        return values[0].strip() if values else None

    @property
    def passed(self) -> bool:
        return not self.failures


@dataclass(frozen=True)
class Cause:
    """A failure to fix, and the failures that only follow from it (they go with it)."""

    failure: Failure
    consequences: tuple[Failure, ...] = ()


# A status the browser refuses, or no Access-Control-Allow-Origin at all: the answer did
# not come from a CORS layer that granted the request, so every CORS header it lacks
# follows from that one cause.
_ROOTS = ("preflight-redirect", "preflight-status", "acao-missing")
# Failures that only say a header is absent, with the header each needs.
_ABSENT = {
    "acao-missing": ACAO,
    "acac-missing": ACAC,
    "method-not-allowed": ACAM,
    "header-not-allowed": ACAH,
}


def fold_failures(
    failures: Iterable[Failure], received: Received | None = None
) -> tuple[Cause, ...]:
    """Group failures by cause: a refused status or a missing Access-Control-Allow-Origin
    takes along each failure that only says another CORS header is absent from
    ``received`` (the answer that failed), so the list shows what to fix first."""
    items = list(failures)
    codes = [f.code for f in items]
    root_code = next((code for code in _ROOTS if code in codes), None)
    if root_code is None:
        return tuple(Cause(f) for f in items)
    sent = {name.lower() for name, _ in received.headers} if received is not None else set()

    def follows(item: Failure) -> bool:
        header = _ABSENT.get(item.code)
        return item.code != root_code and header is not None and header.lower() not in sent

    root = items[codes.index(root_code)]
    consequences = tuple(f for f in items if follows(f))
    causes: list[Cause] = []
    for item in items:
        if item is root:
            causes.append(Cause(root, consequences))
        elif item not in consequences:
            causes.append(Cause(item))
    return tuple(causes)


@dataclass(frozen=True)
class Report:
    """The whole fetch() as a page would see it, with every step and the way out."""

    request: FetchRequest
    exchanges: tuple[Exchange, ...]
    allowed: bool
    failures: tuple[Failure, ...]
    warnings: tuple[Failure, ...]
    preflight_needed: bool
    readable_headers: frozenset[str]
    #: ``"<preflight|actual>; <reason-code>"`` for the decisive step, when known.
    reason: str | None = None
    #: Where ``reason`` comes from: ``"X-CORS-Decision"`` or ``"computed"``.
    reason_source: str = ""
    #: The policy that governs the path (``flask cors explain`` only).
    policy: str | None = None
    fixes: tuple[str, ...] = ()
    hints: tuple[str, ...] = ()

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(f.code for f in self.failures)

    @property
    def causes(self) -> tuple[Cause, ...]:
        """The failures grouped by cause (:func:`fold_failures`), first to fix first."""
        received = self.exchanges[-1].received if self.exchanges else None
        return fold_failures(self.failures, received)

    @property
    def warning_codes(self) -> tuple[str, ...]:
        return tuple(w.code for w in self.warnings)

    @property
    def exit_code(self) -> int:
        return EXIT_ALLOWED if self.allowed else EXIT_BLOCKED


def _request_headers(request: FetchRequest) -> tuple[tuple[str, str], ...]:
    """What the browser puts on the wire: Origin plus the page's headers it does not drop."""
    kept = tuple(
        (name, value.strip(" \t"))
        for name, value in request.headers
        if not is_forbidden_request_header(name, value)
    )
    return (("Origin", request.origin), *kept)


def next_hop(request: FetchRequest, page_origin: str, received: Received) -> FetchRequest | None:
    """The request fetch() makes after a redirect it follows (Fetch "HTTP-redirect fetch")."""
    if received.status not in REDIRECT_STATUSES:
        return None
    locations = received.get_all("Location")
    if len(locations) != 1:
        return None
    target = urljoin(request.url, locations[0].strip())
    current_origin, target_origin = url_origin(request.url), url_origin(target)
    if target_origin is None:
        return None
    method = normalize_method(request.method)
    headers = request.headers
    if (received.status in (301, 302) and method == "POST") or (
        received.status == 303 and method not in ("GET", "HEAD")
    ):
        method = "GET"
        headers = tuple((n, v) for n, v in headers if n.lower() not in _BODY_HEADERS)
    origin = request.origin
    if target_origin != current_origin:
        headers = tuple((n, v) for n, v in headers if n.lower() != "authorization")
        if page_origin != current_origin:
            origin = "null"  # the tainted origin: every later hop sends Origin: null
    return FetchRequest(origin, target, method, headers, request.credentials)


def _unique(items: Iterable[Failure]) -> tuple[Failure, ...]:
    return tuple(dict.fromkeys(items))


def run(
    request: FetchRequest,
    send: Transport,
    *,
    strict: bool = False,
    follow: Callable[[str], bool] | None = None,
    max_redirects: int = MAX_REDIRECTS,
) -> Report:
    """Send what the browser sends, in its order, and judge each answer as it would.

    The request after a failed preflight is not sent (the browser never sends it), and
    nothing is sent when fetch() itself would throw. Redirects are followed while
    ``follow(url)`` agrees; ``strict`` applies the Fetch rule that ``*`` never covers
    Authorization.
    """
    exchanges: list[Exchange] = []
    failures: list[Failure] = []
    warnings: list[Failure] = []
    readable: frozenset[str] = frozenset()
    current = request
    for hop in range(max_redirects + 1):
        early = judge(current, None, None, strict=strict)
        refused = [f for f in early.failures if f.stage == "request"]
        warnings += early.warnings
        if refused:
            failures += refused
            break
        same_origin = is_same_origin(current)
        preflight: HTTPResponse | None = None
        if needs_preflight(current):
            sent = (("Accept", "*/*"), *preflight_headers(current))
            received = send("OPTIONS", current.url, sent)
            preflight = received.as_fetch_response()
            check = check_preflight(current, preflight, strict=strict)
            exchanges.append(
                Exchange("preflight", "OPTIONS", current.url, sent, received, *_found(check))
            )
            if not check.allowed:
                verdict = judge(current, preflight, None, strict=strict)
                failures += verdict.failures
                warnings += verdict.warnings
                break
        sent = _request_headers(current)
        method = normalize_method(current.method)
        received = send(method, current.url, sent)
        actual = received.as_fetch_response()
        check = check_response(current, actual)
        found = ((), ()) if same_origin else _found(check)
        exchanges.append(Exchange("request", method, current.url, sent, received, *found))
        verdict = judge(current, preflight, actual, strict=strict)
        failures += verdict.failures
        warnings += verdict.warnings
        readable = verdict.readable_headers
        if not verdict.allowed or same_origin:
            break
        following = next_hop(current, request.origin, received)
        if following is None:
            break
        readable = frozenset()
        if hop == max_redirects:
            failures.append(
                Failure(
                    "redirect-limit",
                    "redirect",
                    f"The server redirected more than {max_redirects} times, so the browser "
                    "gives up; the server must redirect once, to the final URL",
                )
            )
            break
        if follow is not None and not follow(following.url):
            warnings.append(
                Failure(
                    "redirect-not-followed",
                    "redirect",
                    f"The redirect leads to {following.url}, which this run does not reach; "
                    f"check it with: crossorigin doctor {following.url} --origin "
                    f"{following.origin}",
                )
            )
            break
        current = following
    decisive = exchanges[-1].decision if exchanges else None
    report = Report(
        request=request,
        exchanges=tuple(exchanges),
        allowed=not failures,
        failures=_unique(failures),
        warnings=_unique(warnings),
        preflight_needed=needs_preflight(request),
        readable_headers=readable,
        reason=decisive,
        reason_source=DEBUG_HEADER if decisive else "",
        fixes=reason_fixes(decisive) if failures else (),
        hints=hints_for(failures, warnings, decisive),
    )
    return attribute_refusal(report)


def attribute_refusal(report: Report) -> Report:
    """A refused preflight's status, said as what it is when crossorigin refused on purpose
    (``report.reason``): not a server that answers OPTIONS too late, so no advice to answer
    before routing and authentication."""
    code = refused_on_purpose(report.reason)
    if code is None or not report.exchanges:
        return report
    last = report.exchanges[-1]
    status = last.received.status
    failures = reword_refusal(report.failures, code, status)
    if failures == report.failures:
        return report
    step = replace(last, failures=reword_refusal(last.failures, code, status))
    return replace(report, failures=failures, exchanges=(*report.exchanges[:-1], step))


def _found(verdict: Verdict) -> tuple[tuple[Failure, ...], tuple[Failure, ...]]:
    return tuple(verdict.failures), tuple(verdict.warnings)
