"""The replay that checks fetchcheck against Chromium, on hand-made exchanges (no browser)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from fetch_replay import assert_agrees, replay

from crossorigin.core.fetchcheck import FetchRequest

A = "http://localhost:1111"
B = "http://localhost:2222"
C = "http://localhost:3333"


@dataclass
class Logged:
    url: str
    method: str = "GET"
    status: int | None = 200
    response_headers: list[tuple[str, str]] = field(default_factory=list)

    @property
    def is_preflight(self) -> bool:
        return self.method == "OPTIONS"


def star(**extra: str) -> list[tuple[str, str]]:
    return [("Access-Control-Allow-Origin", "*"), *extra.items()]


def test_cross_origin_redirect_taints_the_origin_and_drops_authorization() -> None:
    request = FetchRequest(A, f"{B}/go", headers=(("Authorization", "Bearer t"),))
    preflight = Logged(
        f"{B}/go",
        "OPTIONS",
        response_headers=[
            ("Access-Control-Allow-Origin", A),
            ("Access-Control-Allow-Headers", "authorization"),
        ],
    )
    hop = Logged(
        f"{B}/go",
        status=302,
        response_headers=[("Access-Control-Allow-Origin", A), ("Location", f"{A}/x")],
    )
    final = Logged(f"{A}/x", response_headers=star())

    replayed = replay(request, [preflight, hop, final], [])

    assert [(h.origin, h.url) for h in replayed.hops] == [(A, f"{B}/go"), ("null", f"{A}/x")]
    assert replayed.hops[1].headers == ()
    assert replayed.verdict.allowed
    assert replayed.final is final
    assert replayed.unexplained == []


def test_same_origin_redirect_keeps_origin_and_headers() -> None:
    request = FetchRequest(A, f"{B}/items", headers=(("X-Id", "1"),))
    allow = [("Access-Control-Allow-Origin", A), ("Access-Control-Allow-Headers", "x-id")]
    log = [
        Logged(f"{B}/items", "OPTIONS", response_headers=allow),
        Logged(f"{B}/items", status=308, response_headers=[*allow, ("Location", "/items/")]),
        Logged(f"{B}/items/", "OPTIONS", response_headers=allow),
        Logged(f"{B}/items/", response_headers=allow),
    ]

    replayed = replay(request, log, [])

    assert [(h.origin, h.url, h.headers) for h in replayed.hops] == [
        (A, f"{B}/items", (("X-Id", "1"),)),
        (A, f"{B}/items/", (("X-Id", "1"),)),
    ]
    assert replayed.verdict.allowed


@pytest.mark.parametrize(
    ("status", "method"), [(301, "GET"), (302, "GET"), (303, "GET"), (307, "POST")]
)
def test_redirect_status_decides_the_next_method(status: int, method: str) -> None:
    request = FetchRequest(A, f"{B}/post", "POST", (("Content-Type", "text/plain"),))
    hop = Logged(f"{B}/post", "POST", status, star(Location=f"{C}/next"))

    replayed = replay(request, [hop, Logged(f"{C}/next", method, response_headers=star())], [])

    assert replayed.hops[1].method == method
    assert bool(replayed.hops[1].headers) is (method == "POST")


def test_cached_preflight_and_response_come_from_history() -> None:
    request = FetchRequest(A, f"{B}/r", "PUT")
    earlier = [
        Logged(
            f"{B}/r", "OPTIONS", response_headers=star(**{"Access-Control-Allow-Methods": "PUT"})
        ),
        Logged(f"{B}/r", "PUT", response_headers=star()),
    ]

    assert replay(request, [], earlier).verdict.allowed
    assert replay(request, [], []).verdict.codes == ("preflight-missing",)


def test_a_disagreement_fails_with_both_sides() -> None:
    request = FetchRequest(A, f"{B}/r")
    replayed = replay(request, [Logged(f"{B}/r")], [])  # no ACAO: blocked
    browser_saw = {"ok": True, "status": 200, "redirected": False, "headers": {}}

    with pytest.raises(AssertionError, match="fetchcheck and Chromium disagree"):
        assert_agrees(replayed, browser_saw, "log")
    assert_agrees(replayed, {"error": "TypeError: Failed to fetch"}, "log")


def test_an_unpredicted_preflight_fails() -> None:
    request = FetchRequest(A, f"{B}/r")
    log = [
        Logged(f"{B}/r", "OPTIONS", response_headers=star()),
        Logged(f"{B}/r", response_headers=star()),
    ]
    replayed = replay(request, log, [])

    assert replayed.verdict.allowed
    with pytest.raises(AssertionError, match="did not predict"):
        assert_agrees(replayed, {"ok": True, "status": 200, "redirected": False, "headers": {}}, "")


def test_readable_headers_must_match() -> None:
    request = FetchRequest(A, f"{B}/r")
    replayed = replay(request, [Logged(f"{B}/r", response_headers=star(**{"X-Secret": "1"}))], [])
    page_saw = {"ok": True, "status": 200, "redirected": False, "headers": {"x-secret": "1"}}

    with pytest.raises(AssertionError, match="readable headers differ"):
        assert_agrees(replayed, page_saw, "")
    assert_agrees(replayed, {**page_saw, "headers": {}}, "")
