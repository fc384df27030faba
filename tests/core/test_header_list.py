"""Writing a decision into a WSGI header list."""

from __future__ import annotations

import pytest

from crossorigin.core.decide import Decision, Reason
from crossorigin.core.header_list import (
    RAW_SUSPECT_INITIALS,
    add_decision,
    apply_decision,
    merge_vary,
    only_appends,
)
from crossorigin.core.headers import DEBUG_HEADER

GRANT = Decision(
    False, Reason.ALLOWED, (("Access-Control-Allow-Origin", "https://a.com"),), "Origin"
)
REFUSE = Decision(False, Reason.ORIGIN_NOT_ALLOWED, vary="Origin")


@pytest.mark.parametrize(
    ("values", "tokens", "merged"),
    [
        (["Accept-Encoding"], "Origin", "Accept-Encoding, Origin"),
        (["accept-encoding, origin"], "Origin", None),
        (["*"], "Origin", None),
        (
            ["Accept", "Cookie"],
            "Origin, Access-Control-Request-Method",
            "Accept, Cookie, Origin, Access-Control-Request-Method",
        ),
        (["", "Accept"], "Origin", "Accept, Origin"),
    ],
)
def test_merge_vary(values: list[str], tokens: str, merged: str | None) -> None:
    assert merge_vary(values, tokens) == merged


@pytest.mark.parametrize(
    ("before", "decision", "after"),
    [
        (
            [("Content-Type", "text/plain")],
            GRANT,
            [("Content-Type", "text/plain"), *GRANT.headers, ("Vary", "Origin")],
        ),
        (
            [("access-control-allow-origin", "*"), ("Access-Control-Allow-Credentials", "true")],
            GRANT,
            [*GRANT.headers, ("Vary", "Origin")],
        ),
        ([("Access-Control-Allow-Origin", "*")], REFUSE, [("Vary", "Origin")]),
        ([("Vary", "Accept-Encoding")], REFUSE, [("Vary", "Accept-Encoding, Origin")]),
        ([("Vary", "Origin"), ("X", "1")], REFUSE, [("X", "1"), ("Vary", "Origin")]),
        ([("Vary", "*")], REFUSE, [("Vary", "*")]),
        ([("Vary", "Accept"), ("Vary", "Cookie")], REFUSE, [("Vary", "Accept, Cookie, Origin")]),
        (
            [("X", "1")],
            Decision(False, Reason.ALLOWED, (("Access-Control-Allow-Origin", "*"),)),
            [("X", "1"), ("Access-Control-Allow-Origin", "*")],
        ),
    ],
)
def test_apply_decision_replaces_cors_headers_and_merges_vary(
    before: list[tuple[str, str]], decision: Decision, after: list[tuple[str, str]]
) -> None:
    assert apply_decision(list(before), decision) == after


def test_expose_from_response_lists_the_response_headers() -> None:
    decision = Decision(
        False, Reason.ALLOWED, (("Access-Control-Allow-Origin", "https://a.com"),), "Origin", True
    )
    headers = [("Content-Type", "x"), ("X-Total", "1"), ("Set-Cookie", "a=1"), ("x-page", "2")]
    out = dict(apply_decision(headers, decision))
    assert out["Access-Control-Expose-Headers"] == "X-Total, x-page"
    nothing = apply_decision([("Content-Type", "x")], decision)
    assert "Access-Control-Expose-Headers" not in dict(nothing)


def test_a_refusal_without_vary_adds_nothing() -> None:
    static = Decision(False, Reason.NO_ORIGIN)
    assert apply_decision([("Content-Type", "x")], static) == [("Content-Type", "x")]


def test_debug_header_replaces_any_previous_one() -> None:
    out = apply_decision([(DEBUG_HEADER, "stale")], REFUSE, debug=True)
    assert [v for n, v in out if n == DEBUG_HEADER] == ["actual; origin-not-allowed"]
    preflight = Decision(True, Reason.ALLOWED)
    assert dict(apply_decision([], preflight, debug=True))[DEBUG_HEADER] == "preflight; allowed"


def _send(
    decision: Decision,
    status: str,
    headers: list[tuple[str, str]],
    *,
    debug: bool = False,
) -> tuple[str, list[tuple[str, str]], object]:
    sent: list[tuple[str, list[tuple[str, str]], object]] = []

    def start_response(s: str, h: list[tuple[str, str]], exc_info: object = None) -> str:
        sent.append((s, list(h), exc_info))
        return "write"

    assert start_response(status, add_decision(headers, decision, debug), "e") == "write"
    (result,) = sent
    return result


EXPOSE_ALL = Decision(
    False, Reason.ALLOWED, (("Access-Control-Allow-Origin", "https://a.com"),), "Origin", True
)


@pytest.mark.parametrize(
    ("decision", "status", "headers", "options", "after"),
    [
        # The usual response: the precomputed headers are appended as they are.
        (GRANT, "200 OK", [("Content-Type", "text/plain")], {},
         [("Content-Type", "text/plain"), *GRANT.appended]),
        (REFUSE, "404 NOT FOUND", [], {}, [("Vary", "Origin")]),
        # A header that could clash goes through the general path: replaced, merged.
        (GRANT, "200 OK", [("access-control-allow-origin", "*"), ("vary", "Cookie")], {},
         [*GRANT.headers, ("Vary", "Cookie, Origin")]),
        (GRANT, "200 OK", [("", "x")], {}, [("", "x"), *GRANT.appended]),
        (GRANT, "200 OK", [], {"debug": True},
         [*GRANT.appended, (DEBUG_HEADER, "actual; allowed")]),
        (EXPOSE_ALL, "200 OK", [("X-Total", "1")], {},
         [("X-Total", "1"), *EXPOSE_ALL.headers,
          ("Access-Control-Expose-Headers", "X-Total"), ("Vary", "Origin")]),
    ],
)  # fmt: skip
def test_add_decision(
    decision: Decision,
    status: str,
    headers: list[tuple[str, str]],
    options: dict[str, bool],
    after: list[tuple[str, str]],
) -> None:
    assert _send(decision, status, headers, **options) == (status, after, "e")


@pytest.mark.parametrize(
    ("headers", "decision", "debug", "expected"),
    [
        ([("Content-Type", "text/plain"), ("Content-Length", "2")], GRANT, False, True),
        ([], REFUSE, False, True),
        ([("Content-Type", "text/plain")], GRANT, True, False),  # the debug header
        ([("X-Total", "1")], EXPOSE_ALL, False, False),  # exposes the response's names
        ([("access-control-allow-origin", "*")], GRANT, False, False),
        ([("Vary", "Cookie")], GRANT, False, False),
        ([("X-Request-Id", "1")], GRANT, False, False),  # could be the debug header
        ([("", "x")], GRANT, False, False),  # an empty name: the general path
    ],
)
def test_only_appends_when_nothing_can_clash(
    headers: list[tuple[str, str]], decision: Decision, debug: bool, expected: bool
) -> None:
    assert only_appends(headers, decision, debug) is expected
    if expected:  # and then appending is exactly what applying does
        assert apply_decision(list(headers), decision, debug) == [*headers, *decision.appended]


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ([(b"content-type", b"text/plain")], True),
        ([(b"access-control-allow-origin", b"*")], False),
        ([(b"Vary", b"Cookie")], False),
        ([(b"x-request-id", b"1")], False),
        ([(b"", b"x")], False),
    ],
)
def test_only_appends_reads_asgi_names_with_the_raw_initials(
    headers: list[tuple[bytes, bytes]], expected: bool
) -> None:
    assert only_appends(headers, GRANT, False, RAW_SUSPECT_INITIALS) is expected


def test_raw_appended_is_appended_as_asgi_sends_it() -> None:
    assert GRANT.raw_appended == tuple(
        (name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in GRANT.appended
    )
    assert GRANT.raw_appended is GRANT.raw_appended  # encoded once
