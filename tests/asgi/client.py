"""A small in-process ASGI client (asyncio alone) and a bare ASGI app to put under test."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Any

Message = MutableMapping[str, Any]
Scope = MutableMapping[str, Any]


@dataclass
class Answer:
    """What the server would send: status, header list (as sent), body."""

    status: int
    raw_headers: list[tuple[bytes, bytes]]
    body: bytes
    messages: list[Message] = field(default_factory=list)

    @property
    def headers(self) -> list[tuple[str, str]]:
        return [(n.decode("latin-1"), v.decode("latin-1")) for n, v in self.raw_headers]

    def all(self, name: str) -> list[str]:
        return [v for n, v in self.headers if n.lower() == name.lower()]

    def get(self, name: str) -> str | None:
        found = self.all(name)
        assert len(found) <= 1, f"{name} sent {len(found)} times: {found}"
        return found[0] if found else None

    def cors(self) -> dict[str, str]:
        """The Access-Control-* and Vary headers, by lower-case name."""
        return {
            n.lower(): v
            for n, v in self.headers
            if n.lower().startswith("access-control-") or n.lower() == "vary"
        }


def http_scope(
    method: str = "GET",
    path: str = "/",
    headers: Mapping[str, str] | None = None,
    *,
    root_path: str = "",
    scheme: str = "http",
) -> Scope:
    raw = [(b"host", b"testserver")]
    raw += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in (headers or {}).items()]
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": scheme,
        "path": root_path + path,
        "raw_path": (root_path + path).encode("utf-8"),
        "root_path": root_path,
        "query_string": b"",
        "headers": raw,
        "server": ("testserver", 80),
        "client": ("127.0.0.1", 50000),
    }


def drive(app: Any, scope: Scope, inbound: list[Message] | None = None) -> list[Message]:
    """Run ``app`` on ``scope``; return every message it sent. An exception the app
    raises goes on, with the messages sent before it in ``error.sent``."""
    queue = list(inbound or [{"type": "http.request", "body": b"", "more_body": False}])
    sent: list[Message] = []

    async def receive() -> Message:
        if queue:
            return queue.pop(0)
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    try:
        asyncio.run(app(scope, receive, send))
    except Exception as error:
        error.sent = sent  # type: ignore[attr-defined]
        raise
    return sent


def answer_of(sent: list[Message]) -> Answer:
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return Answer(start["status"], [tuple(h) for h in start.get("headers", [])], body, sent)


def call(
    app: Any,
    method: str = "GET",
    path: str = "/",
    headers: Mapping[str, str] | None = None,
    **scope: Any,
) -> Answer:
    return answer_of(drive(app, http_scope(method, path, headers, **scope)))


class BareApp:
    """A bare ASGI app: 200 with a body, or per path a 404, a returned 500, an
    exception, its own CORS and Vary headers; it records the scopes it was called with."""

    def __init__(self) -> None:
        self.calls: list[Scope] = []

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        self.calls.append(scope)
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                kind = message["type"].rpartition(".")[2]  # startup, shutdown
                await send({"type": f"lifespan.{kind}.complete"})
                if kind == "shutdown":
                    return
        if scope["type"] == "websocket":
            await receive()  # websocket.connect
            await send({"type": "websocket.accept"})
            await send({"type": "websocket.send", "text": "hello"})
            await send({"type": "websocket.close", "code": 1000})
            return
        path = scope["path"]
        if path.endswith("/boom"):
            raise RuntimeError("boom")
        status = 404 if "missing" in path else 500 if path.endswith("/error") else 200
        headers = [(b"content-type", b"text/plain; charset=utf-8")]
        if path.endswith("/own-headers"):
            headers += [
                (b"vary", b"Accept-Encoding"),
                (b"access-control-allow-origin", b"*"),
                (b"x-total-count", b"3"),
            ]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": b"body of " + path.encode()})


def error_middleware(app: Any) -> Any:
    """What a server's error middleware does (Starlette's ServerErrorMiddleware): an
    exception before the response started becomes a 500, then goes on."""

    async def wrapped(scope: Scope, receive: Any, send: Any) -> None:
        started = False

        async def watching(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await app(scope, receive, watching)
        except Exception:
            if not started:
                headers = [(b"content-type", b"text/plain; charset=utf-8")]
                await send({"type": "http.response.start", "status": 500, "headers": headers})
                await send({"type": "http.response.body", "body": b"Internal Server Error"})
            raise

    return wrapped
