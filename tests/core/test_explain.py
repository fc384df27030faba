"""Sentences for decisions: actionable, and safe to log."""

from __future__ import annotations

import re

import pytest

from crossorigin.core.decide import Decision, Reason, decide
from crossorigin.core.explain import describe_origins, explain, quote
from crossorigin.core.policy import build_policy

A = "http://localhost:3000"


def sentence(options: dict[str, object], method: str, headers: dict[str, str]) -> str:
    policy = build_policy(options)
    decision = decide(policy, method, headers)
    return explain(decision, policy, path="/api/data", origin=headers.get("Origin"), method=method)


def test_origin_not_allowed_names_the_allowed_list_and_the_fix() -> None:
    text = sentence({"origins": [A]}, "GET", {"Origin": "http://localhost:3001"})
    assert text == (
        "origin 'http://localhost:3001' is not allowed for '/api/data'; allowed: "
        "http://localhost:3000 - add it to origins="
    )


@pytest.mark.parametrize(
    ("options", "method", "headers", "needle"),
    [
        ({"origins": [A]}, "GET", {"Origin": A}, "allowed for GET"),
        ({"origins": [A]}, "GET", {}, "no Origin header"),
        ({"origins": [A]}, "GET", {"Origin": "null"}, "sandboxed iframe"),
        ({"origins": [A]}, "GET", {"Origin": "HTTP://X"}, "not a serialized origin"),
        (
            {"origins": [A], "methods": ["GET"]},
            "OPTIONS",
            {"Origin": A, "Access-Control-Request-Method": "PUT"},
            "method 'PUT' is not allowed for '/api/data'; allowed: GET - add it to methods=",
        ),
        (
            {"origins": [A], "allow_headers": ["content-type"]},
            "OPTIONS",
            {
                "Origin": A,
                "Access-Control-Request-Method": "GET",
                "Access-Control-Request-Headers": "x-a",
            },
            "request header(s) 'x-a' not allowed for '/api/data'; allowed: content-type",
        ),
        ({"origins": [A]}, "GET", {"Origin": A, "Cookie": "a=1"}, "supports_credentials=True"),
        (
            {"origins": [A]},
            "OPTIONS",
            {
                "Origin": A,
                "Access-Control-Request-Method": "GET",
                "Access-Control-Request-Private-Network": "true",
            },
            "allow_private_network=True",
        ),
    ],
)
def test_each_reason_has_a_sentence(
    options: dict[str, object], method: str, headers: dict[str, str], needle: str
) -> None:
    assert needle in sentence(options, method, headers)


def test_path_not_covered_and_fallback() -> None:
    policy = build_policy()
    text = explain(
        Decision(False, Reason.PATH_NOT_COVERED), policy, path="/x", origin=A, method="GET"
    )
    assert "resources=" in text
    text = explain(
        Decision(False, Reason("no-origin")), policy, path="/x", origin=None, method="GET"
    )
    assert "no Origin header" in text


@pytest.mark.parametrize(
    "hostile",
    ["a\r\nInjected: 1", "\x1b[31mred", "x" * 5000, "caf\u00e9\u2028", "it's"],
)
def test_request_values_are_escaped(hostile: str) -> None:
    text = sentence({"origins": [A]}, "GET", {"Origin": hostile})
    assert text.isascii()
    assert all(ch.isprintable() for ch in text)
    assert len(text) < 800


def test_quote() -> None:
    assert quote(None) == "(none)"
    assert quote("a\nb") == "'a\\nb'"
    assert quote("x" * 200).endswith("...'")


def test_describe_origins() -> None:
    def lookup(origin: str) -> bool:
        return False

    text = describe_origins(["https://a.com", re.compile(r"https://b\.com"), lookup])
    assert (
        text
        == "https://a.com, re.compile('https://b\\\\.com'), test_describe_origins.<locals>.lookup"
    )
    assert describe_origins([f"https://{i}.com" for i in range(8)]).endswith("... and 3 more")
    assert describe_origins([]) == "(none)"
