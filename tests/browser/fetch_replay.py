"""Replay a browser ``fetch()`` through ``crossorigin.core.fetchcheck``.

Chromium is the judge; fetchcheck is crossorigin's model of it. After every ``fetch()`` the
harness runs, :func:`assert_agrees` takes what the page asked for and what the servers
answered (from their request logs), walks the redirect chain the way the Fetch standard does
(method rewrite, ``Origin: null`` after a cross-origin hop, ``Authorization`` dropped), judges
each hop with :func:`~crossorigin.core.fetchcheck.judge`, and asserts that the verdict, the
redirect flag, the status and the readable headers are what the browser reported.

Exchanges missing from the log because the browser answered from a cache (a cached preflight,
an HTTP-cached response) are taken from the earlier log of the same test, which is what the
cache holds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol
from urllib.parse import urljoin, urlsplit

from crossorigin.core.fetchcheck import (
    FetchRequest,
    HTTPResponse,
    Verdict,
    is_same_origin,
    judge,
    needs_preflight,
    normalize_method,
)

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
# Fetch "request-body-header name": removed when a redirect turns the request into a GET.
_BODY_HEADERS = frozenset(
    {"content-encoding", "content-language", "content-location", "content-type"}
)
_MAX_HOPS = 20


class Exchange(Protocol):
    """One logged request and its response (``browser_harness.SeenRequest``)."""

    @property
    def url(self) -> str: ...

    @property
    def is_preflight(self) -> bool: ...

    status: int | None
    response_headers: list[tuple[str, str]]


@dataclass
class Replay:
    """The hops fetchcheck walked and its verdict on the last one."""

    hops: list[FetchRequest]
    verdict: Verdict
    final: Exchange | None
    #: Logged exchanges for the hops' URLs that fetchcheck did not account for.
    unexplained: list[Exchange]

    def describe(self) -> str:
        lines = [
            f"  hop {i}: {h.method} {h.url} origin={h.origin}" for i, h in enumerate(self.hops)
        ]
        lines.append(f"  verdict: allowed={self.verdict.allowed}")
        lines += [f"    {failure}" for failure in self.verdict.failures]
        return "\n".join(lines)


def body_content_type(init: dict[str, Any]) -> str | None:
    """The Content-Type Chromium sets for the body kinds the harness can send."""
    if "formData" in init:
        return "multipart/form-data; boundary=----WebKitFormBoundary0123456789abcdef"
    if "urlParams" in init:
        return "application/x-www-form-urlencoded;charset=UTF-8"
    if isinstance(init.get("body"), str):
        return "text/plain;charset=UTF-8"
    return None


def request_from_fetch_args(origin: str, args: dict[str, Any]) -> FetchRequest:
    """The FetchRequest for ``fetch(args.url, args.init)`` run by a page on ``origin``."""
    init: dict[str, Any] = args["init"]
    headers = [(name, value) for name, value in init.get("headers", [])]
    implied = body_content_type(init)
    if implied is not None and not any(n.lower() == "content-type" for n, _ in headers):
        headers.append(("Content-Type", implied))
    return FetchRequest(
        origin=origin,
        url=args["url"],
        method=init.get("method", "GET"),
        headers=tuple(headers),
        credentials=init.get("credentials", "same-origin"),
    )


def _key(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}" + (
        f"?{parts.query}" if parts.query else ""
    )


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _response(exchange: Exchange | None) -> HTTPResponse | None:
    if exchange is None or exchange.status is None:
        return None
    return HTTPResponse(exchange.status, tuple(exchange.response_headers))


def _take(fresh: list[Exchange], url: str, *, preflight: bool) -> Exchange | None:
    """The first unconsumed exchange for ``url`` of the wanted kind, consumed."""
    for i, exchange in enumerate(fresh):
        if _key(exchange.url) == url and exchange.is_preflight is preflight:
            return fresh.pop(i)
    return None


def _cached(history: Sequence[Exchange], url: str, *, preflight: bool) -> Exchange | None:
    """The latest earlier exchange for ``url``: what a browser cache would hold."""
    for exchange in reversed(history):
        if _key(exchange.url) == url and exchange.is_preflight is preflight:
            return exchange
    return None


def _follow(
    request: FetchRequest, status: int, location: str, tainted: bool
) -> tuple[FetchRequest, bool]:
    """The next hop of a redirect, per Fetch "HTTP-redirect fetch"."""
    method = normalize_method(request.method)
    headers = list(request.headers)
    if (status in (301, 302) and method == "POST") or (
        status == 303 and method not in ("GET", "HEAD")
    ):
        method = "GET"
        headers = [(n, v) for n, v in headers if n.lower() not in _BODY_HEADERS]
    current = _origin_of(request.url)
    target = _origin_of(location)
    if target != current:
        headers = [(n, v) for n, v in headers if n.lower() != "authorization"]
        tainted = tainted or request.origin != current
    return replace(request, url=location, method=method, headers=tuple(headers)), tainted


def replay(request: FetchRequest, fresh: Iterable[Exchange], history: Sequence[Exchange]) -> Replay:
    """Judge ``request`` hop by hop against the exchanges the servers logged for it."""
    pending = list(fresh)
    origin = request.origin
    tainted = False
    hops: list[FetchRequest] = []
    current = request
    while True:
        hop = replace(current, origin="null" if tainted else origin)
        hops.append(hop)
        url = _key(hop.url)
        preflight = None
        if needs_preflight(hop) and not is_same_origin(hop):
            preflight = _take(pending, url, preflight=True) or _cached(history, url, preflight=True)
        actual = _take(pending, url, preflight=False) or _cached(history, url, preflight=False)
        verdict = judge(hop, _response(preflight), _response(actual))
        redirected = actual is not None and actual.status in _REDIRECTS
        locations = [
            v for k, v in (actual.response_headers if actual else []) if k.lower() == "location"
        ]
        if not verdict.allowed or not redirected or not locations or len(hops) > _MAX_HOPS:
            urls = {_key(h.url) for h in hops}
            return Replay(hops, verdict, actual, [e for e in pending if _key(e.url) in urls])
        assert actual is not None and actual.status is not None
        current, tainted = _follow(current, actual.status, urljoin(hop.url, locations[0]), tainted)


def assert_agrees(replayed: Replay, result: dict[str, Any], logs: str) -> None:
    """fetchcheck's replay and Chromium's result describe the same outcome."""
    browser_allowed = "error" not in result
    context = f"browser: {result}\nfetchcheck:\n{replayed.describe()}\nservers:\n{logs}"
    assert replayed.verdict.allowed is browser_allowed, (
        "fetchcheck and Chromium disagree\n" + context
    )
    assert not replayed.unexplained, (
        "the browser sent requests fetchcheck did not predict (a preflight it thought "
        "unneeded, or a request after a refusal)\n" + context
    )
    if not browser_allowed:
        return
    final = replayed.final
    assert final is not None, context
    assert result["redirected"] is (len(replayed.hops) > 1), context
    assert result["status"] == final.status, context
    logged = {name.lower() for name, _ in final.response_headers}
    seen_by_page = {name for name in result["headers"] if name in logged}
    readable = {name for name in replayed.verdict.readable_headers if name in logged}
    assert seen_by_page == readable, "readable headers differ\n" + context
