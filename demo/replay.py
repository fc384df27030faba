"""Replay a page's ``fetch()`` against the API and say why the browser allowed or blocked it.

The page server cannot see what the browser did with the page's request (a CORS failure
is only ``TypeError: Failed to fetch`` to script), so it sends the same request itself,
the way the browser does: the OPTIONS preflight first when
:func:`crossorigin.core.fetchcheck.needs_preflight` says so (and the actual request only
if that preflight passes), with ``Origin`` set to the page origin. Then:

- the **reason code** is crossorigin's own decision, read from the ``X-CORS-Decision``
  header the API sends in debug mode (a refused preflight's body also carries
  crossorigin's sentence on why and what to change);
- the **verdict** is :func:`crossorigin.core.fetchcheck.judge`, the browser's side of
  CORS: whether the page may read the response and, if not, the sentences a browser
  console would need to be as helpful as it should.

Only stdlib ``http.client`` is used, and only the API's origin is ever contacted.
"""

from __future__ import annotations

import http.client
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from crossorigin.core.fetchcheck import (
    FetchRequest,
    HTTPResponse,
    Verdict,
    check_preflight,
    is_forbidden_request_header,
    judge,
    needs_preflight,
    preflight_headers,
)
from crossorigin.core.headers import DEBUG_HEADER

#: The replay's User-Agent, so the API's console log can tell it from the browser.
REPLAY_USER_AGENT = "crossorigin-demo-replay"
TIMEOUT_S = 10.0

_TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,32}$")
_CREDENTIALS = ("omit", "same-origin", "include")
_MAX_HEADERS = 20
_MAX_BODY = 10_000


class BadRequest(ValueError):
    """The request description sent to ``/explain`` is not one the page could make."""


@dataclass(frozen=True)
class Spec:
    """What the page passed to ``fetch()``: method, API path, headers, body, credentials."""

    method: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body: str | None
    credentials: str

    @classmethod
    def parse(cls, data: Any) -> Spec:
        if not isinstance(data, Mapping):
            raise BadRequest("expected a JSON object {method, path, headers, body, credentials}")
        method = data.get("method", "GET")
        if not isinstance(method, str) or not _TOKEN.match(method):
            raise BadRequest("method must be an HTTP method name")
        path = data.get("path")
        if not isinstance(path, str) or not path.startswith("/") or path.startswith("//"):
            raise BadRequest("path must be a path on the API, starting with a single /")
        if any(c.isspace() or ord(c) < 0x20 for c in path) or len(path) > 2000:
            raise BadRequest("path must not contain whitespace or control characters")
        raw_headers = data.get("headers") or []
        if not isinstance(raw_headers, Sequence) or len(raw_headers) > _MAX_HEADERS:
            raise BadRequest(f"headers must be a list of at most {_MAX_HEADERS} [name, value]")
        headers = []
        for pair in raw_headers:
            if (
                not isinstance(pair, Sequence)
                or len(pair) != 2
                or not all(isinstance(item, str) for item in pair)
            ):
                raise BadRequest("each header must be a [name, value] pair of strings")
            name, value = pair
            if not _TOKEN.match(name) or any(c in "\r\n\x00" for c in value) or len(value) > 1000:
                raise BadRequest(f"header {name!r} is malformed")
            headers.append((name, value))
        body = data.get("body")
        if body is not None and (not isinstance(body, str) or len(body) > _MAX_BODY):
            raise BadRequest(f"body must be a string of at most {_MAX_BODY} characters or null")
        credentials = data.get("credentials", "same-origin")
        if credentials not in _CREDENTIALS:
            raise BadRequest(f"credentials must be one of {', '.join(_CREDENTIALS)}")
        return cls(method, path, tuple(headers), body, credentials)


@dataclass(frozen=True)
class Exchange:
    """One request the replay sent and what came back."""

    method: str
    headers: tuple[tuple[str, str], ...]
    response: HTTPResponse
    body: str

    @property
    def decision(self) -> str | None:
        return self.response.get(DEBUG_HEADER)

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "request_headers": [list(pair) for pair in self.headers],
            "status": self.response.status,
            "headers": [list(pair) for pair in self.response.headers],
            "decision": self.decision,
            "body": self.body[:2000],
        }


def send(
    api_base: str,
    method: str,
    path: str,
    headers: Sequence[tuple[str, str]],
    body: str | None = None,
) -> Exchange:
    """One HTTP request to the API; the response's header lines are kept as sent."""
    parts = urlsplit(api_base)
    host = parts.hostname or "localhost"
    port = parts.port or 80
    # Connect to the loopback address the demo binds, but name the host as the page does.
    connect_to = "127.0.0.1" if host == "localhost" else host
    conn = http.client.HTTPConnection(connect_to, port, timeout=TIMEOUT_S)
    payload = body.encode() if body is not None else None
    sent = [("Host", parts.netloc), ("User-Agent", REPLAY_USER_AGENT), *headers]
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for name, value in sent:
            conn.putheader(name, value)
        if payload is not None:
            conn.putheader("Content-Length", str(len(payload)))
        conn.endheaders(payload)
        raw = conn.getresponse()
        text = raw.read().decode("utf-8", "replace")
        response = HTTPResponse(raw.status, tuple(raw.getheaders()))
    finally:
        conn.close()
    return Exchange(method, tuple(headers), response, text)


def parse_decision(value: str | None) -> tuple[str | None, str | None]:
    """``"preflight; header-not-allowed"`` -> ``("preflight", "header-not-allowed")``."""
    if not value:
        return None, None
    kind, _, reason = value.partition(";")
    return kind.strip() or None, reason.strip() or None


def verdict_dict(verdict: Verdict) -> dict[str, Any]:
    return {
        "allowed": verdict.allowed,
        "preflight_needed": verdict.preflight_needed,
        "failures": [
            {"code": f.code, "stage": f.stage, "message": f.message} for f in verdict.failures
        ],
        "warnings": [
            {"code": w.code, "stage": w.stage, "message": w.message} for w in verdict.warnings
        ],
        "readable_headers": sorted(verdict.readable_headers),
    }


def explain_request(api_base: str, page_origin: str, spec: Spec) -> dict[str, Any]:
    """Replay ``spec`` as the browser would and judge it; a JSON-ready report."""
    request = FetchRequest(
        origin=page_origin,
        url=api_base.rstrip("/") + spec.path,
        method=spec.method,
        headers=spec.headers,
        credentials=spec.credentials,  # type: ignore[arg-type]
    )
    preflight: Exchange | None = None
    actual: Exchange | None = None
    if needs_preflight(request):
        preflight = send(api_base, "OPTIONS", spec.path, preflight_headers(request))
    if preflight is None or check_preflight(request, preflight.response).allowed:
        # As the browser: the actual request only goes out after a passing preflight,
        # without the headers fetch() drops (Cookie, Origin, Sec-*...).
        headers = [pair for pair in spec.headers if not is_forbidden_request_header(*pair)]
        actual = send(
            api_base, spec.method, spec.path, [("Origin", page_origin), *headers], spec.body
        )
    verdict = judge(
        request,
        preflight.response if preflight else None,
        actual.response if actual else None,
    )
    # The decision that settled it: a refused preflight's, else the actual request's.
    deciding = actual if actual is not None else preflight
    assert deciding is not None
    kind, reason = parse_decision(deciding.decision)
    server_explanation = None
    if preflight is not None and actual is None and preflight.body.strip():
        # In debug mode a refused preflight's body is crossorigin's explain() sentence.
        server_explanation = preflight.body.strip()
    return {
        "request": {
            "origin": page_origin,
            "url": request.url,
            "method": spec.method,
            "headers": [list(pair) for pair in spec.headers],
            "credentials": spec.credentials,
        },
        "allowed": verdict.allowed,
        "decision": deciding.decision,
        "decision_kind": kind,
        "reason": reason,
        "server_explanation": server_explanation,
        "status": deciding.response.status,
        "verdict": verdict_dict(verdict),
        "preflight": preflight.to_dict() if preflight else None,
        "actual": actual.to_dict() if actual else None,
    }
