"""Proves the ASGI servers of the browser harness (Hypercorn) with raw ASGI apps.

No CORS library is involved: the apps choose their headers. The ASGI trio must record what
it saw exactly as the WSGI one does, so the scenario matrix reads both logs the same way.
"""

from __future__ import annotations

from typing import Any

import pytest
from browser_harness import BLANK_PATH, AsgiLoopbackServer, is_blocked, run_fetch

from shared.headers import ACAO


@pytest.fixture
def server_protocol() -> str:
    return "asgi"


def raw_app(headers: list[tuple[bytes, bytes]], events: list[str] | None = None) -> Any:
    """An ASGI app: ``200 raw`` with ``headers`` (echoing the method); notes lifespan events."""

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if events is not None:
                    events.append(message["type"])
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                else:
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        body = scope["method"].encode()
        start_headers = [(b"content-type", b"text/plain"), *headers]
        await send({"type": "http.response.start", "status": 200, "headers": start_headers})
        await send({"type": "http.response.body", "body": body})

    return app


def test_the_asgi_trio_is_three_localhost_origins(a, b, c, page) -> None:
    assert all(isinstance(server, AsgiLoopbackServer) for server in (a, b, c))
    origins = {a.origin, b.origin, c.origin}
    assert len(origins) == 3
    assert all(o.startswith("http://localhost:") for o in origins)
    assert page.url == a.origin + BLANK_PATH
    assert a.log == [], "the blank page is not logged"


def test_a_preflight_and_the_actual_request_are_logged(page, a, b) -> None:
    allow = [
        (b"access-control-allow-origin", a.origin.encode()),
        (b"access-control-allow-methods", b"PUT"),
        (b"access-control-allow-headers", b"content-type"),
    ]
    b.mount(raw_app(allow))

    result = run_fetch(page, b.url("/data", n=1), method="PUT", json={"x": 1})

    assert "error" not in result, result
    assert (result["status"], result["body"]) == (200, "PUT")
    (preflight,) = b.preflights("/data")
    assert (preflight.origin, preflight.acrm, preflight.acrh) == (a.origin, "PUT", "content-type")
    assert preflight.status == 200
    assert preflight.response_header(ACAO) == [a.origin]
    (actual,) = b.actual()
    assert (actual.method, actual.path, actual.status) == ("PUT", "/data", 200)
    assert actual.query.startswith("n=1&nonce=")
    assert actual.headers["content-type"] == "application/json"
    assert [e.method for e in b.log] == ["OPTIONS", "PUT"]


def test_a_blocked_response_is_logged_with_its_headers(page, a, b) -> None:
    b.mount(raw_app([(b"access-control-allow-origin", b"http://other.example")]))

    result = run_fetch(page, b.url("/data"))

    assert is_blocked(result)
    (seen,) = b.log
    assert (seen.method, seen.origin, seen.status) == ("GET", a.origin, 200)
    assert seen.response_header(ACAO) == ["http://other.example"]


def test_nothing_mounted_is_a_logged_503(page, b) -> None:
    result = run_fetch(page, b.url("/data"))

    assert is_blocked(result)
    (seen,) = b.log
    assert seen.status == 503


def test_a_mounted_app_gets_lifespan_startup_then_shutdown_on_reset(b) -> None:
    events: list[str] = []

    b.mount(raw_app([], events))
    assert events == ["lifespan.startup"]

    b.reset("next")
    assert events == ["lifespan.startup", "lifespan.shutdown"]


def test_an_app_without_lifespan_support_is_served(page, a, b) -> None:
    async def http_only(scope: dict[str, Any], receive: Any, send: Any) -> None:
        assert scope["type"] == "http", "lifespan not supported"
        headers = [(b"access-control-allow-origin", a.origin.encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"ok"})

    b.mount(http_only)

    result = run_fetch(page, b.url("/data"))

    assert "error" not in result, result
    assert result["body"] == "ok"
