"""decide(): one table of (policy, request) -> (headers, Vary, reason)."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest

from crossorigin.core.decide import (
    ANSWER_CACHE_SIZE,
    Decision,
    Reason,
    decide,
    decide_actual,
    decide_async,
    decide_preflight,
    is_preflight,
)
from crossorigin.core.policy import build_policy

A = "http://localhost:3000"
B = "https://app.example.com"
LIST = {"origins": [A, B]}
CRED = {"origins": [A], "supports_credentials": True}
PF_VARY = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"
PF_VARY_ANY = "Access-Control-Request-Method, Access-Control-Request-Headers"
ALL_METHODS = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"


def preflight(origin: str, method: str, headers: str | None = None, **extra: str) -> dict[str, str]:
    out = {"Origin": origin, "Access-Control-Request-Method": method}
    if headers is not None:
        out["Access-Control-Request-Headers"] = headers
    out.update(extra)
    return out


ROWS: list[tuple[str, dict[str, Any], str, dict[str, str], dict[str, str], str | None, Reason]] = [
    # -- actual requests, any origin ------------------------------------------------
    ("any, no origin", {}, "GET", {}, {"Access-Control-Allow-Origin": "*"}, None, Reason.ALLOWED),
    (
        "any, origin",
        {},
        "GET",
        {"Origin": A},
        {"Access-Control-Allow-Origin": "*"},
        None,
        Reason.ALLOWED,
    ),
    (
        "any, hostile origin still *",
        {},
        "GET",
        {"Origin": "x\r\ny"},
        {"Access-Control-Allow-Origin": "*"},
        None,
        Reason.ALLOWED,
    ),
    (
        "any, null",
        {},
        "GET",
        {"Origin": "null"},
        {"Access-Control-Allow-Origin": "*"},
        None,
        Reason.ALLOWED,
    ),
    (
        "any, always_send off, no origin",
        {"always_send": False},
        "GET",
        {},
        {},
        "Origin",
        Reason.NO_ORIGIN,
    ),
    (
        "any, always_send off, origin",
        {"always_send": False},
        "GET",
        {"Origin": A},
        {"Access-Control-Allow-Origin": "*"},
        "Origin",
        Reason.ALLOWED,
    ),
    (
        "any, expose listed",
        {"expose_headers": ["X-Total"]},
        "GET",
        {"Origin": A},
        {"Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": "X-Total"},
        None,
        Reason.ALLOWED,
    ),
    (
        "any, expose *",
        {"expose_headers": "*"},
        "GET",
        {"Origin": A},
        {"Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": "*"},
        None,
        Reason.ALLOWED,
    ),
    # -- actual requests, listed origins ------------------------------------------------
    (
        "list, allowed",
        LIST,
        "GET",
        {"Origin": A},
        {"Access-Control-Allow-Origin": A},
        "Origin",
        Reason.ALLOWED,
    ),
    (
        "list, other",
        LIST,
        "GET",
        {"Origin": "http://localhost:3001"},
        {},
        "Origin",
        Reason.ORIGIN_NOT_ALLOWED,
    ),
    ("list, no origin", LIST, "GET", {}, {}, "Origin", Reason.NO_ORIGIN),
    ("list, null", LIST, "GET", {"Origin": "null"}, {}, "Origin", Reason.ORIGIN_NOT_ALLOWED),
    ("list, CRLF", LIST, "GET", {"Origin": A + "\r\nX: 1"}, {}, "Origin", Reason.INVALID_ORIGIN),
    ("list, upper case", LIST, "GET", {"Origin": A.upper()}, {}, "Origin", Reason.INVALID_ORIGIN),
    (
        "list, two origins",
        LIST,
        "GET",
        {"Origin": f"{A}, {B}"},
        {},
        "Origin",
        Reason.INVALID_ORIGIN,
    ),
    ("list, 10 kB", LIST, "GET", {"Origin": A + "0" * 10_000}, {}, "Origin", Reason.INVALID_ORIGIN),
    ("list, trailing slash", LIST, "GET", {"Origin": A + "/"}, {}, "Origin", Reason.INVALID_ORIGIN),
    (
        "list, HEAD via GET",
        {"origins": [A], "methods": ["GET"]},
        "HEAD",
        {"Origin": A},
        {"Access-Control-Allow-Origin": A},
        "Origin",
        Reason.ALLOWED,
    ),
    (
        "list, methods= governs preflights only",
        {"origins": [A], "methods": ["GET"]},
        "POST",
        {"Origin": A},
        {"Access-Control-Allow-Origin": A},
        "Origin",
        Reason.ALLOWED,
    ),
    (
        "list, lower-case patch actual",
        {"origins": [A], "methods": ["PATCH"]},
        "patch",
        {"Origin": A},
        {"Access-Control-Allow-Origin": A},
        "Origin",
        Reason.ALLOWED,
    ),
    (
        "subdomain pattern",
        {"origins": ["https://*.example.com"]},
        "GET",
        {"Origin": "https://x.example.com"},
        {"Access-Control-Allow-Origin": "https://x.example.com"},
        "Origin",
        Reason.ALLOWED,
    ),
    (
        "regex",
        {"origins": [re.compile(r"https://[a-z]+\.example\.com")]},
        "GET",
        {"Origin": "https://x.example.com.evil.net"},
        {},
        "Origin",
        Reason.ORIGIN_NOT_ALLOWED,
    ),
    (
        "callable",
        {"origins": lambda o: o == B},
        "GET",
        {"Origin": B},
        {"Access-Control-Allow-Origin": B},
        "Origin",
        Reason.ALLOWED,
    ),
    (
        "credentials",
        CRED,
        "GET",
        {"Origin": A},
        {"Access-Control-Allow-Origin": A, "Access-Control-Allow-Credentials": "true"},
        "Origin",
        Reason.ALLOWED,
    ),
    (
        "credentials, refused: no ACAC",
        CRED,
        "GET",
        {"Origin": B},
        {},
        "Origin",
        Reason.ORIGIN_NOT_ALLOWED,
    ),
    (
        "credentials, expose listed",
        {**CRED, "expose_headers": ["X-Total"]},
        "GET",
        {"Origin": A},
        {
            "Access-Control-Allow-Origin": A,
            "Access-Control-Allow-Credentials": "true",
            "Access-Control-Expose-Headers": "X-Total",
        },
        "Origin",
        Reason.ALLOWED,
    ),
    # -- preflights ------------------------------------------------------------------
    (
        "preflight any",
        {},
        "OPTIONS",
        preflight(A, "PUT", "content-type,authorization"),
        {
            "Access-Control-Allow-Origin": "*",
            "Access-Control-Allow-Methods": ALL_METHODS,
            "Access-Control-Allow-Headers": "content-type, authorization",
        },
        PF_VARY_ANY,
        Reason.ALLOWED,
    ),
    (
        "preflight list, no headers requested",
        {"origins": [A], "max_age": 600},
        "OPTIONS",
        preflight(A, "DELETE"),
        {
            "Access-Control-Allow-Origin": A,
            "Access-Control-Allow-Methods": ALL_METHODS,
            "Access-Control-Max-Age": "600",
        },
        PF_VARY,
        Reason.ALLOWED,
    ),
    (
        "preflight lower-case patch echoed",
        {"origins": [A], "methods": ["GET", "PATCH"]},
        "OPTIONS",
        preflight(A, "patch"),
        {"Access-Control-Allow-Origin": A, "Access-Control-Allow-Methods": "GET, PATCH, patch"},
        PF_VARY,
        Reason.ALLOWED,
    ),
    (
        "preflight any method with credentials is echoed",
        {**CRED, "methods": "*"},
        "OPTIONS",
        preflight(A, "PROPFIND"),
        {
            "Access-Control-Allow-Origin": A,
            "Access-Control-Allow-Credentials": "true",
            "Access-Control-Allow-Methods": "PROPFIND",
        },
        PF_VARY,
        Reason.ALLOWED,
    ),
    (
        "preflight headers compared case-insensitively, echoed once",
        {"origins": [A], "allow_headers": ["Content-Type", "X-Request-ID"]},
        "OPTIONS",
        preflight(A, "POST", " X-Request-ID ,content-type,,content-type"),
        {
            "Access-Control-Allow-Origin": A,
            "Access-Control-Allow-Methods": ALL_METHODS,
            "Access-Control-Allow-Headers": "x-request-id, content-type",
        },
        PF_VARY,
        Reason.ALLOWED,
    ),
    (
        "preflight credentials with allow_headers * echoes concrete names",
        CRED,
        "OPTIONS",
        preflight(A, "GET", "x-request-id"),
        {
            "Access-Control-Allow-Origin": A,
            "Access-Control-Allow-Credentials": "true",
            "Access-Control-Allow-Methods": ALL_METHODS,
            "Access-Control-Allow-Headers": "x-request-id",
        },
        PF_VARY,
        Reason.ALLOWED,
    ),
    (
        "preflight origin refused",
        LIST,
        "OPTIONS",
        preflight("https://evil.test", "PUT"),
        {},
        PF_VARY,
        Reason.ORIGIN_NOT_ALLOWED,
    ),
    (
        "preflight null refused",
        LIST,
        "OPTIONS",
        preflight("null", "PUT"),
        {},
        PF_VARY,
        Reason.ORIGIN_NOT_ALLOWED,
    ),
    (
        "preflight invalid origin",
        LIST,
        "OPTIONS",
        preflight("http://a.com\x00", "PUT"),
        {},
        PF_VARY,
        Reason.INVALID_ORIGIN,
    ),
    (
        "preflight method refused",
        {"origins": [A], "methods": ["GET", "POST"]},
        "OPTIONS",
        preflight(A, "DELETE"),
        {},
        PF_VARY,
        Reason.METHOD_NOT_ALLOWED,
    ),
    (
        "preflight method not a token",
        LIST,
        "OPTIONS",
        preflight(A, "PU T"),
        {},
        PF_VARY,
        Reason.METHOD_NOT_ALLOWED,
    ),
    (
        "preflight method too long",
        LIST,
        "OPTIONS",
        preflight(A, "P" * 100),
        {},
        PF_VARY,
        Reason.METHOD_NOT_ALLOWED,
    ),
    (
        "preflight header refused",
        {"origins": [A], "allow_headers": ["Content-Type"]},
        "OPTIONS",
        preflight(A, "POST", "content-type,x-other"),
        {},
        PF_VARY,
        Reason.HEADER_NOT_ALLOWED,
    ),
    (
        "preflight header list malformed",
        LIST,
        "OPTIONS",
        preflight(A, "POST", "a b"),
        {},
        PF_VARY,
        Reason.HEADER_NOT_ALLOWED,
    ),
    (
        "preflight 1024 commas",
        LIST,
        "OPTIONS",
        preflight(A, "POST", "," * 1024),
        {"Access-Control-Allow-Origin": A, "Access-Control-Allow-Methods": ALL_METHODS},
        PF_VARY,
        Reason.ALLOWED,
    ),
    (
        "preflight header list too long",
        LIST,
        "OPTIONS",
        preflight(A, "POST", "a," * 5000),
        {},
        PF_VARY,
        Reason.HEADER_NOT_ALLOWED,
    ),
    (
        "preflight private network refused when off",
        LIST,
        "OPTIONS",
        preflight(A, "GET", **{"Access-Control-Request-Private-Network": "true"}),
        {},
        PF_VARY,
        Reason.PRIVATE_NETWORK_NOT_ALLOWED,
    ),
    (
        "preflight private network allowed",
        {"origins": [A], "allow_private_network": True},
        "OPTIONS",
        preflight(A, "GET", **{"Access-Control-Request-Private-Network": "true"}),
        {
            "Access-Control-Allow-Origin": A,
            "Access-Control-Allow-Methods": ALL_METHODS,
            "Access-Control-Allow-Private-Network": "true",
        },
        PF_VARY + ", Access-Control-Request-Private-Network",
        Reason.ALLOWED,
    ),
    (
        "options without ACRM is an actual request",
        LIST,
        "OPTIONS",
        {"Origin": A},
        {"Access-Control-Allow-Origin": A},
        "Origin",
        Reason.ALLOWED,
    ),
]


@pytest.mark.parametrize(
    ("options", "method", "request_headers", "expected", "vary", "reason"),
    [row[1:] for row in ROWS],
    ids=[row[0] for row in ROWS],
)
def test_decide(
    options: dict[str, Any],
    method: str,
    request_headers: dict[str, str],
    expected: dict[str, str],
    vary: str | None,
    reason: Reason,
) -> None:
    decision = decide(build_policy(options), method, request_headers)
    assert dict(decision.headers) == expected
    assert len(decision.headers) == len(expected)
    assert decision.vary == vary
    assert decision.reason is reason
    assert decision.allowed is (reason is Reason.ALLOWED)
    assert decision.preflight is is_preflight(
        method, request_headers.get("Origin"), request_headers.get("Access-Control-Request-Method")
    )


def test_credentials_expose_star_defers_to_the_response() -> None:
    decision = decide(build_policy({**CRED, "expose_headers": "*"}), "GET", {"Origin": A})
    assert decision.expose_from_response
    assert "Access-Control-Expose-Headers" not in dict(decision.headers)


def test_refusals_say_what_was_refused() -> None:
    policy = build_policy({"origins": [A], "allow_headers": ["a"], "methods": ["GET"]})
    assert decide(policy, "OPTIONS", preflight(A, "PUT")).detail == "PUT"
    assert decide(policy, "OPTIONS", preflight(A, "GET", "b,a,c")).detail == "b, c"


def test_reason_values_are_the_documented_codes() -> None:
    assert {r.value for r in Reason} == {
        "allowed",
        "no-origin",
        "invalid-origin",
        "origin-not-allowed",
        "path-not-covered",
        "method-not-allowed",
        "header-not-allowed",
        "credentials-not-allowed",
        "private-network-not-allowed",
    }
    assert str(Reason.NO_ORIGIN) == "no-origin"


def test_decision_defaults() -> None:
    assert Decision(False, Reason.NO_ORIGIN).headers == ()


def test_the_any_origin_answer_is_the_same_for_every_request() -> None:
    policy = build_policy()
    first = decide(policy, "GET", {"Origin": A})
    assert decide(policy, "POST", {}) == first
    assert dict(first.headers) == {"Access-Control-Allow-Origin": "*"}


def test_decisions_stay_right_over_many_origins() -> None:
    policy = build_policy({"origins": [A], "methods": ["GET"]})
    first = decide(policy, "GET", {"Origin": A})
    assert decide(policy, "GET", {"Origin": A}) == first
    refused = decide(policy, "GET", {"Origin": "https://x.test"})
    assert decide(policy, "GET", {"Origin": "https://y.test"}) == refused
    for i in range(200):
        assert not decide(policy, "GET", {"Origin": f"https://{i}.test"}).allowed
    assert decide(policy, "GET", {"Origin": A}) == first
    pattern = build_policy({"origins": ["https://*.example.com"]})
    for i in range(3000):
        granted = decide(pattern, "GET", {"Origin": f"https://t{i}.example.com"})
        assert dict(granted.headers)["Access-Control-Allow-Origin"] == f"https://t{i}.example.com"
        assert not decide(pattern, "GET", {"Origin": f"https://t{i}.example.net"}).allowed
    assert decide(pattern, "GET", {"Origin": "https://again.example.com"}).allowed
    assert decide_preflight(pattern, "https://again.example.com", "PUT").allowed


def test_callable_answers_are_never_remembered() -> None:
    allowed = {A}
    policy = build_policy({"origins": lambda origin: origin in allowed})
    assert decide(policy, "GET", {"Origin": A}).allowed
    assert decide_preflight(policy, A, "PUT").allowed
    allowed.clear()
    assert decide(policy, "GET", {"Origin": A}).reason is Reason.ORIGIN_NOT_ALLOWED
    assert decide_preflight(policy, A, "PUT").reason is Reason.ORIGIN_NOT_ALLOWED
    allowed.add(B)
    assert decide(policy, "GET", {"Origin": B}).allowed


def test_actual_answers_are_remembered_per_request_shape_and_bounded() -> None:
    """``Policy.answers`` is the one map of remembered answers: bounded, and never
    keeps an overlong key."""
    policy = build_policy({"origins": ["https://*.example.com"], "supports_credentials": True})
    first = decide_actual(policy, "GET", "https://a.example.com", False)
    assert decide_actual(policy, "GET", "https://a.example.com", False) is first
    assert decide_actual(policy, "POST", "https://a.example.com", True) == first
    for i in range(3 * ANSWER_CACHE_SIZE):
        decide_actual(policy, "GET", f"https://t{i}.example.com", False)
        assert len(policy.answers) <= ANSWER_CACHE_SIZE
    overlong = "X" * 65
    assert decide_actual(policy, overlong, "https://a.example.com", False).allowed
    assert ("https://a.example.com", overlong, False) not in policy.answers


def test_callable_origins_are_asked_every_time() -> None:
    calls: list[str] = []

    def allowed(origin: str) -> bool:
        calls.append(origin)
        return len(calls) == 1

    policy = build_policy({"origins": [B, allowed]})
    assert decide_actual(policy, "GET", A, False).allowed
    assert not decide_actual(policy, "GET", A, False).allowed
    assert calls == [A, A]
    assert decide_actual(policy, "GET", B, False).allowed  # a listed origin needs no call
    assert not decide_actual(policy, "GET", "null", False).allowed  # nor a broken one
    assert calls == [A, A]


def test_a_raising_callable_refuses_and_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    def broken(origin: str) -> bool:
        raise LookupError("allow-list unavailable")

    policy = build_policy({"origins": broken})
    with caplog.at_level("ERROR", logger="crossorigin"):
        assert decide_actual(policy, "GET", A, False).reason is Reason.ORIGIN_NOT_ALLOWED
    assert "raised" in caplog.text


def test_decide_async_awaits_an_async_callable_only_when_needed() -> None:
    calls: list[str] = []

    async def trusted(origin: str) -> bool:
        calls.append(origin)
        return origin == A

    policy = build_policy({"origins": [B, trusted]})
    headers = {"Origin": A, "Access-Control-Request-Method": "PUT"}
    assert asyncio.run(decide_async(policy, "GET", {"Origin": A})).allowed
    assert asyncio.run(decide_async(policy, "OPTIONS", headers)).allowed
    assert asyncio.run(decide_async(policy, "GET", {"Origin": B})).allowed
    assert not asyncio.run(decide_async(policy, "GET", {"Origin": "https://c.example"})).allowed
    assert calls == [A, A, "https://c.example"]
    # The sync decision cannot await it: a refusal, never a grant by a truthy coroutine.
    assert decide_actual(policy, "GET", A, False).reason is Reason.ORIGIN_NOT_ALLOWED


HINTED = build_policy(
    {
        "origins": [A],
        "methods": ["GET", "PUT"],
        "allow_headers": ["X-Ok"],
        "supports_credentials": True,
        "max_age": 60,
    }
)


@pytest.mark.parametrize(
    ("origin", "method", "headers", "private", "hint"),
    [
        # A refused method other than GET/HEAD/POST: the configured list, so the
        # browser names the method.
        (A, "DELETE", None, None, (("Access-Control-Allow-Origin", A),
         ("Access-Control-Allow-Credentials", "true"),
         ("Access-Control-Allow-Methods", "GET, PUT"))),
        # GET/HEAD/POST pass any Allow-Methods in a browser: no hint, or it would pass.
        (A, "POST", "x-ok", None, ()),
        # A refused header: every other check answered, the passed names echoed.
        (A, "PUT", "x-ok, x-other", None, (("Access-Control-Allow-Origin", A),
         ("Access-Control-Allow-Credentials", "true"),
         ("Access-Control-Allow-Methods", "GET, PUT"),
         ("Access-Control-Allow-Headers", "x-ok"))),
        (A, "get", "x-other", None, (("Access-Control-Allow-Origin", A),
         ("Access-Control-Allow-Credentials", "true"),
         ("Access-Control-Allow-Methods", "GET, PUT, get"))),
        # No hint when the origin is refused, the list is malformed, or for private
        # network access (browsers that only warn would send the request).
        ("https://evil.example", "DELETE", None, None, ()),
        (A, "PUT", "x ok", None, ()),
        (A, "PUT", "x-ok", "true", ()),
    ],
)  # fmt: skip
def test_refused_preflight_hints_only_where_the_browser_still_fails(
    origin: str,
    method: str,
    headers: str | None,
    private: str | None,
    hint: tuple[tuple[str, str], ...],
) -> None:
    decision = decide_preflight(HINTED, origin, method, headers, private)
    assert not decision.allowed
    assert decision.headers == ()
    assert decision.hint_headers == hint


def test_head_preflight_follows_get_and_echoes_head() -> None:
    decision = decide_preflight(build_policy({"origins": [A], "methods": ["GET"]}), A, "HEAD")
    assert decision.allowed
    assert ("Access-Control-Allow-Methods", "HEAD") in decision.headers
