"""``crossorigin doctor URL --origin O``: what a browser would make of a live server's answers.

It sends what a browser sends (the preflight when :mod:`~crossorigin.core.fetchcheck`
says one is needed, then the request, following redirects as ``fetch()`` does) with the
stdlib HTTP client, and judges every answer with :func:`~crossorigin.core.fetchcheck.judge`.
The server can be anything, crossorigin or not, behind any proxy: the point is to see
what actually arrives, duplicate headers and redirects included.

The same machinery (:func:`run`, :class:`Report`, :func:`render_text`, :func:`to_json`)
backs ``flask cors explain`` and :mod:`crossorigin.testing`, with the Flask test client
as the transport. Stdlib only, like the core, so the doctor runs where Flask is absent.

Exit codes: 0 allowed, 1 blocked, 2 usage error or no answer from the server.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import ssl
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import IO, Any, Literal
from urllib.parse import quote, urljoin, urlsplit

from .core.explain import REASON_FIXES
from .core.fetchcheck import (
    Credentials,
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
from .core.headers import is_token

__all__ = [
    "DOCTOR_CODES",
    "DoctorError",
    "Exchange",
    "Received",
    "Report",
    "Transport",
    "build_request",
    "hints_for",
    "http_transport",
    "main",
    "parse_header",
    "render_text",
    "run",
    "to_json",
    "use_color",
]

EXIT_ALLOWED = 0
EXIT_BLOCKED = 1
EXIT_USAGE = 2

#: Redirects followed before giving up (browsers allow 20; an API needing more is broken).
MAX_REDIRECTS = 10
DEFAULT_TIMEOUT = 10.0
#: Bytes of a response body kept, to show why a server refused (a refused preflight's text).
MAX_BODY = 2048
DEBUG_HEADER = "X-CORS-Decision"

#: Codes the doctor adds to :data:`crossorigin.core.fetchcheck.FAILURE_CODES`.
DOCTOR_CODES: dict[str, str] = {
    "redirect-limit": f"more than {MAX_REDIRECTS} redirects; the browser gives up",
    "redirect-not-followed": "warning: the redirect leads outside what this run can reach",
}

_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Fetch "request-body-header name": dropped when a redirect turns the request into a GET.
_BODY_HEADERS = frozenset(
    {"content-encoding", "content-language", "content-location", "content-type"}
)
_DEFAULT_PORTS = {"http": 80, "https": 443}
_URL_SAFE = "!#$%&'()*+,/:;=?@[]~"

#: What usually causes a failure in a real deployment, beyond the server's headers.
HINTS: dict[str, str] = {
    "acao-multiple": (
        "Two Access-Control-Allow-Origin lines almost always mean two layers add CORS headers: "
        "the app and a reverse proxy (nginx add_header, Apache Header set, a CDN or an API "
        "gateway). Let exactly one layer do CORS; with crossorigin in the app, remove the "
        "proxy's CORS headers."
    ),
    "preflight-redirect": (
        "A 3xx on OPTIONS usually comes from a trailing-slash redirect (Werkzeug's 308 for a "
        "rule ending in '/'), an http-to-https redirect or a login redirect. Call the final URL "
        "directly; crossorigin answers preflights before routing, so the app itself never "
        "redirects one."
    ),
    "preflight-status": (
        "A 401 on OPTIONS means authentication ran before CORS; a 404/405 means the router or "
        "a proxy answered the OPTIONS without a CORS layer (crossorigin answers preflights "
        "before routing and before_request hooks). A 403 without Access-Control-Allow-Origin "
        "is also how crossorigin refuses a preflight; in debug mode it says why in "
        "X-CORS-Decision and in the body."
    ),
    "acac-missing": (
        "The page sends credentials (credentials: 'include'), so the server must opt in: with "
        "crossorigin, supports_credentials=True and an explicit list of origins."
    ),
    "acao-wildcard-with-credentials": (
        "A credentialed request needs the exact origin echoed, never '*'. crossorigin refuses "
        "origins='*' with supports_credentials=True at start-up (crossorigin.E301); this '*' "
        "comes from another layer or library."
    ),
    "acao-trailing-slash": (
        "Browsers send the origin without a slash. crossorigin normalises configured origins, "
        "so a hand-written header, a proxy rule or another library is sending this value."
    ),
    "vary-origin-missing": (
        "Without Vary: Origin a browser or CDN cache can serve this answer to another origin. "
        "crossorigin always sends it; a proxy or cache that rewrites Vary may be dropping it."
    ),
    "acao-missing": (
        "The server did not grant this origin: it is not allowed, the path is not covered, or "
        "the answer came from a layer without CORS (a proxy error page, a WAF). A crossorigin "
        "app in debug mode says which in X-CORS-Decision."
    ),
    "method-not-allowed": (
        "List the method: with crossorigin, methods=[..., 'PUT']. Methods compare "
        "case-sensitively in browsers; fetch() upper-cases only DELETE, GET, HEAD, OPTIONS, "
        "POST and PUT."
    ),
    "header-not-allowed": (
        "List the request header: with crossorigin, allow_headers=[..., 'X-Foo']. "
        "Content-Type: application/json is not CORS-safelisted, so it needs listing too."
    ),
}


class DoctorError(Exception):
    """Stops a run before any verdict: bad input, or no HTTP answer at all."""


@dataclass(frozen=True)
class Received:
    """One HTTP answer: header lines kept raw, so repeats (a proxy's extra ACAO) survive."""

    status: int
    reason: str
    headers: tuple[tuple[str, str], ...]
    body: str = ""

    def get_all(self, name: str) -> list[str]:
        wanted = name.lower()
        return [value for key, value in self.headers if key.lower() == wanted]

    def as_fetch_response(self) -> HTTPResponse:
        return HTTPResponse(self.status, self.headers)


#: ``send(method, absolute_url, headers) -> Received``; raises DoctorError when unreachable.
Transport = Callable[[str, str, tuple[tuple[str, str], ...]], Received]


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
    def warning_codes(self) -> tuple[str, ...]:
        return tuple(w.code for w in self.warnings)

    @property
    def exit_code(self) -> int:
        return EXIT_ALLOWED if self.allowed else EXIT_BLOCKED


# --- building the request ---------------------------------------------------------------


def default_header_value(name: str) -> str:
    """The value a bare ``--header NAME`` stands for.

    ``Content-Type`` means a JSON body (the usual reason it is listed); anything else gets
    ``1``, which leaves Accept and Accept-Language CORS-safelisted, as in a browser.
    """
    return "application/json" if name.lower() == "content-type" else "1"


def parse_header(text: str) -> tuple[str, str]:
    """``"Name: value"`` or a bare ``"Name"`` as a header pair; DoctorError if malformed."""
    name, colon, value = text.partition(":")
    name = name.strip()
    if not is_token(name):
        raise DoctorError(
            f"{text!r} is not a request header: write NAME or 'NAME: VALUE', e.g. "
            "'Content-Type: application/json'"
        )
    return name, value.strip(" \t") if colon else default_header_value(name)


def url_origin(url: str) -> str | None:
    """The serialized origin of an http(s) URL, or None."""
    try:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        host = parts.hostname
        port = parts.port
    except ValueError:
        return None
    if scheme not in _DEFAULT_PORTS or not host:
        return None
    if ":" in host:
        host = f"[{host}]"
    origin = f"{scheme}://{host}"
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        origin += f":{port}"
    return origin


def check_url(url: str) -> str:
    """An absolute http(s) URL the doctor can call, or DoctorError saying what to write."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError as exc:
        raise DoctorError(f"{url!r} is not a valid URL ({exc})") from None
    if parts.scheme.lower() not in _DEFAULT_PORTS or not parts.hostname:
        raise DoctorError(
            f"{url!r} is not an absolute http(s) URL; write e.g. 'http://127.0.0.1:5000/api/data'"
        )
    if parts.username is not None or parts.password is not None:
        raise DoctorError("remove the user name and password from the URL: fetch() refuses them")
    if not parts.hostname.isascii():
        raise DoctorError(f"write the host of {url!r} in ASCII (punycode), as browsers send it")
    return url


def check_origin(origin: str) -> str:
    """The page origin as a browser sends it (``scheme://host[:port]`` or ``null``)."""
    if origin == "null":
        return origin
    if not origin.isascii() or not origin.isprintable() or " " in origin:
        raise DoctorError(f"--origin {origin!r} has characters no browser sends in an Origin")
    try:
        parts = urlsplit(origin)
    except ValueError:
        parts = None
    if parts is None or not parts.scheme or not parts.netloc:
        raise DoctorError(
            f"--origin {origin!r} is not an origin; write scheme://host[:port], "
            f"e.g. 'http://{origin.strip('/') or 'localhost:3000'}'"
        )
    if parts.path or parts.query or parts.fragment:
        bare = f"{parts.scheme}://{parts.netloc}"
        raise DoctorError(
            f"--origin {origin!r} has a path; browsers send only scheme, host and port: {bare!r}"
        )
    return origin


def build_request(
    url: str,
    *,
    origin: str,
    method: str = "GET",
    headers: Iterable[str] = (),
    credentials: bool = False,
) -> FetchRequest:
    """Command-line input as the fetch() call it describes; DoctorError on bad input."""
    if not is_token(method):
        raise DoctorError(f"--method {method!r} is not an HTTP method name")
    mode: Credentials = "include" if credentials else "same-origin"
    return FetchRequest(
        origin=check_origin(origin),
        url=check_url(url),
        method=method,
        headers=tuple(parse_header(h) for h in headers),
        credentials=mode,
    )


# --- running ----------------------------------------------------------------------------


def _request_headers(request: FetchRequest) -> tuple[tuple[str, str], ...]:
    """What the browser puts on the wire: Origin plus the page's headers it does not drop."""
    kept = tuple(
        (name, value.strip(" \t"))
        for name, value in request.headers
        if not is_forbidden_request_header(name, value)
    )
    return (("Origin", request.origin), *kept)


def _next_hop(request: FetchRequest, page_origin: str, received: Received) -> FetchRequest | None:
    """The request fetch() makes after a redirect it follows (Fetch "HTTP-redirect fetch")."""
    if received.status not in _REDIRECT_STATUSES:
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
        following = _next_hop(current, request.origin, received)
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
    return Report(
        request=request,
        exchanges=tuple(exchanges),
        allowed=not failures,
        failures=_unique(failures),
        warnings=_unique(warnings),
        preflight_needed=needs_preflight(request),
        readable_headers=readable,
        reason=decisive,
        reason_source=DEBUG_HEADER if decisive else "",
        fixes=_reason_fixes(decisive) if failures else (),
        hints=hints_for(failures, warnings, decisive),
    )


def hints_for(
    failures: Sequence[Failure], warnings: Sequence[Failure], decision: str | None
) -> tuple[str, ...]:
    """Deployment advice for the codes seen, without repeating what the reason says."""
    if decision and _reason_code(decision) != "allowed":
        failures = ()  # crossorigin said why it refused; its fix is the one that matters
    # The first failure is the root one (status, then origin, then credentials, then the
    # lists): a refused preflight also lacks the method and header lists.
    codes = dict.fromkeys(f.code for f in (*failures[:1], *warnings))
    return tuple(HINTS[code] for code in codes if code in HINTS)


def _found(verdict: Verdict) -> tuple[tuple[Failure, ...], tuple[Failure, ...]]:
    return tuple(verdict.failures), tuple(verdict.warnings)


def _reason_code(decision: str) -> str:
    """``"preflight; origin-not-allowed"`` -> ``"origin-not-allowed"``."""
    return decision.rpartition(";")[2].strip()


def _reason_fixes(decision: str | None) -> tuple[str, ...]:
    if not decision:
        return ()
    code = _reason_code(decision)
    fix = REASON_FIXES.get(code)
    return (f"crossorigin refused it ({code}): {fix}",) if fix else ()


# --- the HTTP transport -------------------------------------------------------------------


def _describe(exc: BaseException, host: str, port: int, timeout: float) -> str:
    if isinstance(exc, ConnectionRefusedError):
        return f"connection refused: is the server running on {host}:{port}?"
    if isinstance(exc, socket.gaierror):
        return f"cannot resolve the host {host!r}"
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return f"no answer within {timeout:g} s (raise it with --timeout)"
    if isinstance(exc, ssl.SSLError):
        return f"TLS handshake failed: {getattr(exc, 'reason', None) or exc}"
    if isinstance(exc, http.client.RemoteDisconnected):
        return "the server closed the connection without answering"
    if isinstance(exc, http.client.HTTPException):
        return f"the server's answer is not valid HTTP ({type(exc).__name__})"
    if isinstance(exc, OSError):
        return exc.strerror or str(exc) or type(exc).__name__
    return str(exc)  # pragma: no cover - only the types above are caught


def _body_excerpt(content_type: str, data: bytes) -> str:
    if not content_type.lower().startswith(("text/", "application/json")):
        return ""
    return data.decode("utf-8", "replace")


def http_transport(timeout: float = DEFAULT_TIMEOUT) -> Transport:
    """A transport over http.client: one connection per request, headers kept raw."""

    def send(method: str, url: str, headers: tuple[tuple[str, str], ...]) -> Received:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port or _DEFAULT_PORTS[parts.scheme.lower()]
        # Percent-encode what browsers encode (spaces, controls, non-ASCII); keep the rest.
        target = quote((parts.path or "/") + (f"?{parts.query}" if parts.query else ""), _URL_SAFE)
        connection: http.client.HTTPConnection
        if parts.scheme.lower() == "https":
            connection = http.client.HTTPSConnection(
                host, port, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            connection = http.client.HTTPConnection(host, port, timeout=timeout)
        try:
            connection.putrequest(method, target, skip_accept_encoding=True)
            for name, value in (*headers, ("User-Agent", "crossorigin-doctor")):
                connection.putheader(name, value)
            connection.endheaders()
            response = connection.getresponse()
            data = response.read(MAX_BODY) if method != "HEAD" else b""
            return Received(
                status=response.status,
                reason=response.reason,
                headers=tuple(response.getheaders()),
                body=_body_excerpt(response.getheader("Content-Type") or "", data),
            )
        except (OSError, http.client.HTTPException) as exc:
            raise DoctorError(
                f"cannot reach {url}: {_describe(exc, host, port, timeout)}"
            ) from None
        finally:
            connection.close()

    return send


# --- output -------------------------------------------------------------------------------

_STYLES = {"red": "31", "green": "32", "yellow": "33", "bold": "1", "dim": "2"}


def use_color(stream: IO[str]) -> bool:
    """Colour only for a terminal, and never with NO_COLOR set (https://no-color.org)."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _paint(text: str, color: bool, *styles: str) -> str:
    if not color or not styles:
        return text
    codes = ";".join(_STYLES[s] for s in styles)
    return f"\x1b[{codes}m{text}\x1b[0m"


def safe(value: str) -> str:
    """A server-supplied value made safe for a terminal: no escapes, no line breaks."""
    return value if value.isprintable() else ascii(value)[1:-1]


def _relevant(name: str) -> bool:
    lower = name.lower()
    return lower.startswith("access-control-") or lower in ("vary", "location", "x-cors-decision")


def _failure_line(item: Failure, label: str, color: bool, style: str) -> str:
    return f"  {_paint(label, color, style)} [{item.stage}] {item.code}: {safe(item.message)}"


def render_text(report: Report, *, color: bool = False) -> str:
    """The report for a person: each step, then the verdict, the reason and the fix."""
    req = report.request
    lines = [
        _paint(f"{normalize_method(req.method)} {safe(req.url)}", color, "bold"),
        f"  from origin {safe(req.origin)}, credentials {req.credentials}; "
        + ("a preflight is needed" if report.preflight_needed else "no preflight is needed"),
        "",
    ]
    for number, step in enumerate(report.exchanges, 1):
        lines.append(f"{number}. {step.stage}: {step.method} {safe(step.url)}")
        lines.extend(_paint(f"   > {n}: {safe(v)}", color, "dim") for n, v in step.sent)
        got = step.received
        lines.append(f"   < {got.status} {safe(got.reason)}")
        shown = [(n, v) for n, v in got.headers if _relevant(n)]
        lines.extend(f"   < {safe(n)}: {safe(v)}" for n, v in shown)
        if len(got.headers) > len(shown):
            lines.append(
                _paint(f"     ({len(got.headers) - len(shown)} other headers)", color, "dim")
            )
        if step.failures and got.body.strip():
            lines.append(f"   body: {safe(' '.join(got.body.split())[:200])}")
        if step.passed:
            lines.append("   " + _paint("passed", color, "green"))
        else:
            codes = ", ".join(f.code for f in step.failures)
            lines.append("   " + _paint(f"failed: {codes}", color, "red"))
    if report.exchanges:
        lines.append("")
    if report.allowed:
        readable = ", ".join(sorted(report.readable_headers)) or "(none)"
        status = f" (status {report.exchanges[-1].received.status})" if report.exchanges else ""
        lines.append(
            _paint("ALLOWED", color, "green", "bold")
            + f"  the page can read the response{status}; readable headers: {readable}"
        )
    else:
        lines.append(
            _paint("BLOCKED", color, "red", "bold")
            + '  the page\'s fetch() rejects with "TypeError: Failed to fetch"'
        )
    lines.extend(_failure_line(f, "error  ", color, "red") for f in report.failures)
    lines.extend(_failure_line(w, "warning", color, "yellow") for w in report.warnings)
    if report.policy:
        lines.append(f"  policy:  {safe(report.policy)}")
    if report.reason:
        lines.append(f"  reason:  {safe(report.reason)} ({report.reason_source})")
    lines.extend(f"  fix:     {safe(fix)}" for fix in report.fixes)
    lines.extend(f"  hint:    {hint}" for hint in report.hints)
    return "\n".join(lines) + "\n"


def _failure_json(item: Failure) -> dict[str, str]:
    return {"code": item.code, "stage": item.stage, "message": item.message}


def to_json(report: Report) -> dict[str, Any]:
    """The report for a machine: every field of the text output, and the raw headers."""
    req = report.request
    return {
        "verdict": "allowed" if report.allowed else "blocked",
        "allowed": report.allowed,
        "exit_code": report.exit_code,
        "request": {
            "url": req.url,
            "origin": req.origin,
            "method": req.method,
            "headers": [list(pair) for pair in req.headers],
            "credentials": req.credentials,
        },
        "preflight_needed": report.preflight_needed,
        "exchanges": [
            {
                "stage": step.stage,
                "method": step.method,
                "url": step.url,
                "sent": [list(pair) for pair in step.sent],
                "status": step.received.status,
                "status_text": step.received.reason,
                "headers": [list(pair) for pair in step.received.headers],
                "decision": step.decision,
                "passed": step.passed,
                "failures": [_failure_json(f) for f in step.failures],
                "warnings": [_failure_json(w) for w in step.warnings],
            }
            for step in report.exchanges
        ],
        "failures": [_failure_json(f) for f in report.failures],
        "warnings": [_failure_json(w) for w in report.warnings],
        "readable_headers": sorted(report.readable_headers),
        "policy": report.policy,
        "reason": report.reason,
        "reason_source": report.reason_source or None,
        "fixes": list(report.fixes),
        "hints": list(report.hints),
    }


# --- the command line ---------------------------------------------------------------------


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not value > 0:
        raise argparse.ArgumentTypeError("the timeout must be more than 0 seconds")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="crossorigin",
        description="Cross-origin diagnostics from the crossorigin Flask extension.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    doctor = commands.add_parser(
        "doctor",
        help="send a browser's CORS requests to a live server and say what would break",
        description=(
            "Send the preflight (when a browser would) and the request to URL as a page on "
            "ORIGIN would, judge the answers as a browser does, and print every failed step "
            "with its fix. Exit status: 0 allowed, 1 blocked, 2 usage error or no answer."
        ),
    )
    doctor.add_argument("url", metavar="URL", help="absolute http(s) URL the page fetches")
    doctor.add_argument(
        "--origin", required=True, help="the page's origin, e.g. http://localhost:3000"
    )
    doctor.add_argument("--method", default="GET", help="the fetch() method (default: GET)")
    doctor.add_argument(
        "--header",
        "-H",
        action="append",
        default=[],
        metavar="'NAME[: VALUE]'",
        help="a request header the page sets; repeatable (a bare Content-Type means JSON)",
    )
    doctor.add_argument(
        "--credentials", action="store_true", help="the page uses credentials: 'include'"
    )
    doctor.add_argument("--json", action="store_true", help="print one JSON object")
    doctor.add_argument(
        "--timeout",
        type=_positive_float,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"per-request timeout (default: {DEFAULT_TIMEOUT:g})",
    )
    doctor.add_argument(
        "--strict",
        action="store_true",
        help="apply the Fetch rule browsers have not shipped: '*' never covers Authorization",
    )
    return parser


def _write(stream: IO[str], text: str) -> None:
    try:
        stream.write(text)
        stream.flush()
    except BrokenPipeError:  # pragma: no cover - e.g. piped into head
        pass


def main(argv: Sequence[str] | None = None) -> int:
    """``crossorigin doctor ...``; returns the exit status (0 allowed, 1 blocked, 2 usage)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse printed the usage error (or --help)
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    try:
        request = build_request(
            args.url,
            origin=args.origin,
            method=args.method,
            headers=args.header,
            credentials=args.credentials,
        )
        report = run(request, http_transport(args.timeout), strict=args.strict)
    except DoctorError as exc:
        if args.json:
            _write(sys.stdout, json.dumps({"error": str(exc), "exit_code": EXIT_USAGE}) + "\n")
        _write(sys.stderr, f"crossorigin doctor: error: {exc}\n")
        return EXIT_USAGE
    if args.json:
        _write(sys.stdout, json.dumps(to_json(report), indent=2) + "\n")
    else:
        _write(sys.stdout, render_text(report, color=use_color(sys.stdout)))
    return report.exit_code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
