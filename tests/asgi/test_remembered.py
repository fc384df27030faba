"""What the ASGI middleware remembers between requests: bounded, and never a wrong answer."""

from __future__ import annotations

import asyncio
import gc
import logging
import sys
from typing import Any

import pytest

from crossorigin.asgi import CORSMiddleware
from crossorigin.core import paths
from crossorigin.core.paths import PATH_CACHE_SIZE
from crossorigin.core.resources import build_resource_table

from .client import BareApp, Message, call, drive, http_scope

A = "https://a.example.com"
B = "https://b.example.com"


class Quiet:
    """An ASGI app that answers 200 and records nothing."""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


def test_a_flood_of_distinct_paths_and_origins_keeps_memory_flat() -> None:
    """Once past its bounds, more distinct paths, origins and preflights add no allocated
    memory blocks (one more remembered path or origin would add at least one each). Each
    round is as long as the path bound, so every round leaves the caches equally full."""
    app = CORSMiddleware(Quiet(), resources={"/api/*": {"origins": ["https://*.example.com"]}})
    granted: list[bytes | None] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            granted.append(dict(message["headers"]).get(b"access-control-allow-origin"))

    async def flood(first: int) -> None:
        for i in range(first, first + PATH_CACHE_SIZE):
            origin = f"https://t{i}.example.com"
            await app(http_scope("GET", f"/api/items/{i}", {"Origin": origin}), receive, send)
            assert granted.pop() == origin.encode()
            preflight = {"Origin": origin, "Access-Control-Request-Method": "PUT"}
            await app(http_scope("OPTIONS", "/api/items", preflight), receive, send)
            assert granted.pop() == origin.encode()

    counts = []
    for round_ in range(3):
        asyncio.run(flood(round_ * PATH_CACHE_SIZE))
        gc.collect()
        counts.append(sys.getallocatedblocks())
    assert counts[2] - counts[0] < 1000, counts


def test_answers_stay_right_while_the_path_cache_is_cleared_again_and_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(paths, "PATH_CACHE_SIZE", 4)
    app = CORSMiddleware(
        BareApp(),
        resources={"/api/*": {"origins": [A]}, "/public/*": {"origins": "*"}},
    )
    for i in range(40):
        api = call(app, "GET", f"/api/{i % 7}", {"Origin": A})
        public = call(app, "GET", f"/public/{i % 5}", {"Origin": B})
        other = call(app, "GET", f"/other/{i % 3}", {"Origin": A})
        assert api.get("Access-Control-Allow-Origin") == A
        assert public.get("Access-Control-Allow-Origin") == "*"
        assert other.cors() == {}
    assert len(app.paths) <= 4


def test_a_path_is_remembered_as_sent_and_matched_as_routed() -> None:
    app = CORSMiddleware(BareApp(), resources={"/api/*": {"origins": [A]}})
    for _ in range(2):  # the second time from what was remembered
        assert call(app, "GET", "//api//items", {"Origin": A}).get("Access-Control-Allow-Origin")
        assert call(app, "GET", "/apiary", {"Origin": A}).cors() == {}
        assert call(app, "GET", "/x", {"Origin": A}, root_path="/api").cors() == {}


def test_overlong_paths_are_decided_every_time() -> None:
    app = CORSMiddleware(BareApp(), origins=[A])
    long_path = "/api/" + "x" * 5000
    for _ in range(2):
        assert call(app, "GET", long_path, {"Origin": A}).get("Access-Control-Allow-Origin") == A
    assert long_path not in app.paths


def test_origin_is_read_whatever_the_spelling_of_its_name() -> None:
    """ASGI servers send lower-case names; another spelling is read the same way."""
    app = CORSMiddleware(BareApp(), origins=[A], supports_credentials=True)
    scope = http_scope("GET", "/api/items")
    scope["headers"] = [(b"Origin", A.encode()), (b"COOKIE", b"s=1")]
    answer = _answer(drive(app, scope))
    assert answer[b"access-control-allow-origin"] == A.encode()


def test_a_repeated_origin_is_one_invalid_origin_as_under_flask() -> None:
    app = CORSMiddleware(BareApp(), origins=[A, B])
    scope = http_scope("GET", "/api/items")
    scope["headers"] = [(b"origin", A.encode()), (b"origin", B.encode())]
    answer = _answer(drive(app, scope))
    assert b"access-control-allow-origin" not in answer
    assert answer[b"vary"] == b"Origin"


def test_a_start_message_the_app_sends_again_is_never_modified() -> None:
    """An app may send one prepared message for every response."""
    start = {"type": "http.response.start", "status": 200, "headers": [(b"x-a", b"1")]}

    async def inner(scope: Any, receive: Any, send: Any) -> None:
        await send(start)
        await send({"type": "http.response.body", "body": b""})

    app = CORSMiddleware(inner, origins=[A])
    for origin in (A, B, A):
        drive(app, http_scope("GET", "/", {"Origin": origin}))
    assert start["headers"] == [(b"x-a", b"1")]


def _answer(sent: list[Message]) -> dict[bytes, bytes]:
    """The response headers by lower-case name."""
    start = next(m for m in sent if m["type"] == "http.response.start")
    return {bytes(name).lower(): bytes(value) for name, value in start["headers"]}


def test_preflights_to_a_callable_are_asked_every_time() -> None:
    answers = iter([True, False, True])
    app = CORSMiddleware(BareApp(), origins=lambda origin: next(answers))
    preflight = {"Origin": A, "Access-Control-Request-Method": "PUT"}
    statuses = [call(app, "OPTIONS", "/api/items", preflight).status for _ in range(3)]
    assert statuses == [200, 403, 200]


def test_a_remembered_refusal_is_logged_every_time(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="crossorigin")
    app = CORSMiddleware(BareApp(), origins=[A])
    preflight = {"Origin": B, "Access-Control-Request-Method": "PUT"}
    for _ in range(2):
        assert call(app, "OPTIONS", "/api/items", preflight).status == 403
    lines = [r.getMessage() for r in caplog.records if r.name == "crossorigin"]
    assert len(lines) == 2 and lines[0] == lines[1]


def test_a_debug_preflight_quotes_each_path() -> None:
    app = CORSMiddleware(BareApp(), origins=[A], debug=True)
    preflight = {"Origin": B, "Access-Control-Request-Method": "PUT"}
    for path in ("/api/one", "/api/two"):
        assert path.encode() in call(app, "OPTIONS", path, preflight).body


def test_a_remembered_preflight_answer_is_sent_as_a_new_header_list() -> None:
    """A middleware outside may add to the header list it is given."""
    app = CORSMiddleware(BareApp(), origins=[A])
    preflight = {"Origin": A, "Access-Control-Request-Method": "PUT"}
    first = drive(app, http_scope("OPTIONS", "/api/items", preflight))[0]
    first["headers"].append((b"x-added", b"1"))
    second = drive(app, http_scope("OPTIONS", "/api/items", preflight))[0]
    assert (b"x-added", b"1") not in second["headers"]


def test_a_new_table_forgets_what_was_remembered() -> None:
    app = CORSMiddleware(BareApp(), origins=[A])
    preflight = {"Origin": A, "Access-Control-Request-Method": "PUT"}
    assert call(app, "GET", "/api/items", {"Origin": A}).get("Access-Control-Allow-Origin") == A
    assert call(app, "OPTIONS", "/api/items", preflight).status == 200
    app.table = build_resource_table([{"origins": [B]}])
    assert call(app, "GET", "/api/items", {"Origin": A}).get("Access-Control-Allow-Origin") is None
    assert call(app, "OPTIONS", "/api/items", preflight).status == 403
