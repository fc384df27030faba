"""CORS assertions for your own test suite, judged the way a browser judges.

Each assertion sends what a browser sends (the preflight when one is needed, then the
request, following same-app redirects) through your Flask test client, and judges the
answers with :mod:`crossorigin.core.fetchcheck`, an implementation of the Fetch
Standard's CORS rules that shares no code with the server side. A test therefore fails
for the reasons a browser would refuse, and the message lists each of them with the
reason crossorigin decided and the fix.

Plain ``AssertionError`` and no pytest import, so any test runner works::

    from crossorigin.testing import assert_cors_allowed, assert_cors_blocked

    def test_the_spa_can_update_items(client):
        assert_cors_allowed(
            client, "/api/items/1", origin="https://app.example.com",
            method="PUT", headers=["Content-Type", "X-Request-ID"], credentials=True,
        )

Headers are names (``"X-Request-ID"``, sent with the value ``1``; a bare
``"Content-Type"`` is sent as ``application/json``), ``(name, value)`` pairs, or a
mapping. See docs/testing.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from .core.fetchcheck import FetchRequest, normalize_method
from .core.headers import DEBUG_HEADER
from .flask_ext.inspect import base_url, explain_request
from .probe import (
    DoctorError,
    Report,
    build_request,
    check_method,
    check_origin,
    default_header_value,
    following,
    safe,
)

__all__ = [
    "HeaderSpec",
    "assert_cors_allowed",
    "assert_cors_blocked",
    "cors_report",
    "describe_report",
    "preflight",
]

#: Request headers as names, ``(name, value)`` pairs, or a mapping of name to value.
HeaderSpec = Mapping[str, str] | Iterable[str | tuple[str, str]]


def _pairs(headers: HeaderSpec) -> list[tuple[str, str]]:
    if isinstance(headers, Mapping):
        return [(str(name), str(value)) for name, value in headers.items()]
    if isinstance(headers, str):
        raise TypeError(f"headers must be a list of names, not the string {headers!r}")
    pairs: list[tuple[str, str]] = []
    for item in headers:
        if isinstance(item, str):
            pairs.append((item, default_header_value(item)))
        else:
            name, value = item
            pairs.append((name, value))
    return pairs


def _app(client: FlaskClient) -> Flask:
    app = client.application
    if not isinstance(app, Flask):  # pragma: no cover - FlaskClient always has one
        raise TypeError("the client must be a Flask test client (app.test_client())")
    return app


def preflight(
    client: FlaskClient,
    path: str,
    *,
    origin: str,
    method: str = "GET",
    headers: HeaderSpec = (),
) -> TestResponse:
    """Send the OPTIONS request a browser sends first, and return the raw response.

    ``Access-Control-Request-Method`` is the method as fetch() normalises it (``put``
    becomes ``PUT``, ``patch`` stays ``patch``); ``Access-Control-Request-Headers`` lists
    every given name, lower-cased, sorted and joined by ``,`` as browsers do.
    """
    sent = [("Origin", origin), ("Access-Control-Request-Method", normalize_method(method))]
    names = sorted({name.lower() for name, _ in _pairs(headers)})
    if names:
        sent.append(("Access-Control-Request-Headers", ",".join(names)))
    return client.options(path, headers=sent)


def _request(
    client: FlaskClient,
    path: str,
    origin: str,
    method: str,
    headers: HeaderSpec,
    credentials: bool,
    body: _Body | None,
) -> FetchRequest:
    if not path.startswith("/"):
        raise ValueError(f"path must start with '/', got {path!r}")
    try:
        check_origin(origin, argument="origin=")
        check_method(method, argument="method=")
        request = build_request(
            base_url(_app(client)) + path, origin=origin, method=method, credentials=credentials
        )
    except DoctorError as exc:
        raise ValueError(str(exc)) from None
    pairs = _pairs(headers)
    if body is not None:
        if normalize_method(method) in ("GET", "HEAD"):
            raise ValueError(
                f"method={method!r} cannot have a body (fetch() throws a TypeError); "
                "give method='POST', 'PUT', ... with json= or data="
            )
        if not any(name.lower() == "content-type" for name, _ in pairs):
            pairs.append(("Content-Type", body.content_type))
    return FetchRequest(
        request.origin, request.url, request.method, tuple(pairs), request.credentials
    )


@dataclass(frozen=True)
class _Body:
    """A request body and the Content-Type the page's fetch() sends with it."""

    data: bytes
    content_type: str


def _body(app: Flask, json: Any, data: str | bytes | None) -> _Body | None:
    if json is not None and data is not None:
        raise ValueError("give the request body as json= or as data=, not both")
    if json is not None:
        # the page sets Content-Type: application/json, the usual reason for a preflight
        return _Body(app.json.dumps(json).encode(), "application/json")
    if isinstance(data, str):
        return _Body(data.encode(), "text/plain;charset=UTF-8")  # fetch()'s default
    if isinstance(data, bytes):
        return _Body(data, "application/octet-stream")
    if data is not None:
        raise TypeError(f"data= must be str or bytes, not {type(data).__name__}")
    return None


def cors_report(
    client: FlaskClient,
    path: str,
    *,
    origin: str,
    method: str = "GET",
    headers: HeaderSpec = (),
    credentials: bool = False,
    strict: bool = False,
    json: Any = None,
    data: str | bytes | None = None,
) -> Report:
    """What a browser on ``origin`` would make of ``fetch(path)``, without asserting.

    The view runs (for the actual request) exactly when a browser would send it: not
    after a failed preflight. ``strict=True`` applies the Fetch rule that ``*`` never
    covers Authorization, which browsers have not shipped yet. ``json=`` (sent as JSON
    with ``Content-Type: application/json``) or ``data=`` (a ``str`` is sent as
    ``text/plain;charset=UTF-8``, as fetch() does) is the body of the actual request;
    a ``Content-Type`` in ``headers`` wins.
    """
    app = _app(client)
    body = _body(app, json, data)
    request = _request(client, path, origin, method, headers, credentials, body)
    return explain_request(
        app, request, client=client, strict=strict, body=body.data if body else None
    )


def describe_report(report: Report) -> str:
    """The assertion message: the verdict, the cause and its fix, each failure (those that
    follow from another folded under it), the steps, the policy and the reason."""
    req = report.request
    where = urlsplit(req.url).path or "/"
    lines = [
        f"CORS {'allowed' if report.allowed else 'blocked'} {normalize_method(req.method)} "
        f"{where} from origin {req.origin!r} (credentials: {req.credentials})"
    ]
    lines.extend(f"  fix: {safe(fix)}" for fix in report.fixes)
    for cause in report.causes:
        f = cause.failure
        lines.append(f"  - [{f.stage}] {f.code}: {safe(f.message)}")
        if cause.consequences:
            lines.append(f"      {following(cause)}")
    for step in report.exchanges:
        got = step.received
        path = urlsplit(step.url).path or "/"
        lines.append(f"  {step.stage}: {step.method} {path} -> {got.status} {safe(got.reason)}")
    lines.extend(f"  warning [{w.stage}] {w.code}: {safe(w.message)}" for w in report.warnings)
    if report.policy:
        lines.append(f"  policy: {safe(report.policy)}")
    if report.reason:
        header = DEBUG_HEADER if report.reason_source == DEBUG_HEADER else "computed"
        lines.append(f"  reason: {safe(report.reason)} ({header})")
    lines.extend(f"  hint: {safe(hint)}" for hint in report.hints)
    return "\n".join(lines)


def assert_cors_allowed(
    client: FlaskClient,
    path: str,
    *,
    origin: str,
    method: str = "GET",
    headers: HeaderSpec = (),
    credentials: bool = False,
    strict: bool = False,
    json: Any = None,
    data: str | bytes | None = None,
) -> Report:
    """Fail unless a page on ``origin`` could read the response to this request.

    Returns the report (``readable_headers``, each exchange's raw headers) for further
    assertions.
    """
    __tracebackhide__ = True  # pytest shows the caller's line
    report = cors_report(
        client,
        path,
        origin=origin,
        method=method,
        headers=headers,
        credentials=credentials,
        strict=strict,
        json=json,
        data=data,
    )
    if not report.allowed:
        raise AssertionError(describe_report(report) + "\n  expected: allowed")
    return report


def assert_cors_blocked(
    client: FlaskClient,
    path: str,
    *,
    origin: str,
    method: str = "GET",
    headers: HeaderSpec = (),
    credentials: bool = False,
    strict: bool = False,
    json: Any = None,
    data: str | bytes | None = None,
) -> Report:
    """Fail if a page on ``origin`` could read the response to this request.

    Returns the report, whose ``codes`` say why the browser refuses (e.g.
    ``("acao-missing",)``), for tests that pin the reason.
    """
    __tracebackhide__ = True  # pytest shows the caller's line
    report = cors_report(
        client,
        path,
        origin=origin,
        method=method,
        headers=headers,
        credentials=credentials,
        strict=strict,
        json=json,
        data=data,
    )
    if report.allowed:
        raise AssertionError(describe_report(report) + "\n  expected: blocked")
    return report
