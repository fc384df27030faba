"""crossorigin.asgi.CORSMiddleware around a Starlette app: wrapped, and as its middleware."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket

from crossorigin.asgi import CORSMiddleware

from .client import drive, http_scope

A = "https://a.example.com"
B = "https://b.example.com"


async def items(request: Request) -> Response:
    return PlainTextResponse("items", headers={"X-Total-Count": "2"})


async def teapot(request: Request) -> Response:
    raise HTTPException(status_code=500, detail="handled")


async def boom(request: Request) -> Response:
    raise RuntimeError("boom")


async def echo(websocket: WebSocket) -> None:
    await websocket.accept()
    await websocket.send_text("hello " + websocket.headers.get("origin", ""))
    await websocket.close()


started: list[str] = []


def starlette_app(middleware: list[Middleware] | None = None) -> Starlette:
    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        started.append("up")
        yield
        started.append("down")

    return Starlette(
        routes=[
            Route("/api/items", items, methods=["GET", "POST"]),
            Route("/api/handled", teapot),
            Route("/api/boom", boom),
            WebSocketRoute("/api/ws", echo),
        ],
        middleware=middleware,
        lifespan=lifespan,
    )


def request(app: Any, method: str, path: str, headers: dict[str, str]) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            return await client.request(method, path, headers=headers)

    return asyncio.run(go())


OPTIONS: dict[str, Any] = {
    "resources": {"/api/*": {"origins": [A], "expose_headers": "X-Total-Count"}}
}


@pytest.fixture(params=["wrapped", "middleware"])
def app(request: pytest.FixtureRequest) -> Any:
    if request.param == "wrapped":
        return CORSMiddleware(starlette_app(), **OPTIONS)
    return starlette_app([Middleware(CORSMiddleware, **OPTIONS)])


def test_a_preflight_is_answered_before_routing(app: Any) -> None:
    # /api/items has no OPTIONS route: Starlette alone would answer 405.
    answer = request(
        app,
        "OPTIONS",
        "/api/items",
        {
            "Origin": A,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert answer.status_code == 200
    assert answer.headers["access-control-allow-origin"] == A
    assert "POST" in answer.headers["access-control-allow-methods"]
    assert answer.headers["access-control-allow-headers"].lower() == "content-type"
    refused = request(
        app, "OPTIONS", "/api/items", {"Origin": B, "Access-Control-Request-Method": "POST"}
    )
    assert refused.status_code == 403
    assert refused.text == "CORS preflight refused: origin-not-allowed\n"


def test_actual_requests(app: Any) -> None:
    answer = request(app, "GET", "/api/items", {"Origin": A})
    assert answer.text == "items"
    assert answer.headers["access-control-allow-origin"] == A
    assert answer.headers["access-control-expose-headers"] == "X-Total-Count"
    assert answer.headers["vary"] == "Origin"
    refused = request(app, "GET", "/api/items", {"Origin": B})
    assert "access-control-allow-origin" not in refused.headers
    assert refused.headers["vary"] == "Origin"


def test_starlettes_error_responses_get_the_headers(app: Any) -> None:
    for path, status in (("/api/missing", 404), ("/api/handled", 500)):
        answer = request(app, "GET", path, {"Origin": A})
        assert answer.status_code == status
        assert answer.headers["access-control-allow-origin"] == A
    wrong_method = request(app, "DELETE", "/api/items", {"Origin": A})
    assert wrong_method.status_code == 405
    assert wrong_method.headers["access-control-allow-origin"] == A


def test_an_uncaught_exception_500_gets_the_headers_when_wrapped() -> None:
    """Starlette's ServerErrorMiddleware is its outermost layer: wrapped around the
    app, crossorigin sees the 500 it makes; as the app's middleware, it does not."""
    wrapped = CORSMiddleware(starlette_app(), **OPTIONS)
    answer = request(wrapped, "GET", "/api/boom", {"Origin": A})
    assert answer.status_code == 500
    assert answer.headers["access-control-allow-origin"] == A
    untouched = CORSMiddleware(starlette_app(), **OPTIONS, intercept_exceptions=False)
    answer = request(untouched, "GET", "/api/boom", {"Origin": A})
    assert answer.status_code == 500
    assert "access-control-allow-origin" not in answer.headers
    assert "vary" not in answer.headers


def test_websocket_and_lifespan_pass_through(app: Any) -> None:
    started.clear()
    lifespan = {"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}
    sent = drive(app, lifespan, [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}])
    assert [m["type"] for m in sent] == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    assert started == ["up", "down"]
    websocket = {**http_scope("GET", "/api/ws", {"Origin": B}), "type": "websocket"}
    sent = drive(app, websocket, [{"type": "websocket.connect"}])
    assert [m["type"] for m in sent] == ["websocket.accept", "websocket.send", "websocket.close"]
    assert sent[1]["text"] == f"hello {B}"
    assert all(not m.get("headers") for m in sent)
