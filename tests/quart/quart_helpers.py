"""Requests through Quart's test client and straight through the ASGI interface, from
sync tests (the header names and exact CORS header sets are in ``shared.headers``).

This directory has no ``__init__.py``: as a package it would be named ``quart`` and hide
the real one. Its modules are imported by their own (unique) names.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

from werkzeug.datastructures import Headers

from shared.headers import preflight_headers, with_origin


@dataclass
class Reply:
    """A test client response, read to the end."""

    status_code: int
    headers: Headers
    data: bytes

    def get_json(self) -> Any:
        return json.loads(self.data)


def send(app: Any, method: str = "GET", path: str = "/", **kwargs: Any) -> Reply:
    """One request through ``app.test_client()``."""

    async def run() -> Reply:
        response = await app.test_client().open(path, method=method, **kwargs)
        return Reply(response.status_code, response.headers, await response.get_data())

    return asyncio.run(run())


def get(app: Any, path: str, origin: str | None = None, **kwargs: Any) -> Reply:
    """A GET, with an ``Origin`` header when ``origin`` is given."""
    return send(app, "GET", path, headers=with_origin(kwargs, origin), **kwargs)


def preflight(
    app: Any,
    path: str,
    origin: str,
    method: str = "GET",
    request_headers: str | None = None,
    extra: dict[str, str] | None = None,
) -> Reply:
    """An ``OPTIONS`` request with ``Origin`` and ``Access-Control-Request-Method``."""
    headers = preflight_headers(origin, method, request_headers, extra)
    return send(app, "OPTIONS", path, headers=headers)


def call_asgi(app: Any, method: str, path: str, headers: dict[str, str]) -> Reply:
    """One request straight through the app's ASGI interface, with ``path`` as a server
    passes it (``//api//items`` included, which a test client would read as a host)."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"localhost")]
        + [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()],
        "server": ("localhost", 80),
        "client": ("127.0.0.1", 50000),
        "extensions": {},
    }
    sent: list[dict[str, Any]] = []
    inbound = [{"type": "http.request", "body": b"", "more_body": False}]

    async def run() -> None:
        answered = asyncio.Event()

        async def receive() -> dict[str, Any]:
            if inbound:
                return inbound.pop(0)
            await answered.wait()  # the client leaves once it has the whole answer
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                answered.set()

        await app(scope, receive, send)

    asyncio.run(run())
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    raw = Headers([(n.decode("latin-1"), v.decode("latin-1")) for n, v in start["headers"]])
    return Reply(start["status"], raw, body)
