"""The policy linter: warnings for valid policies, and one verdict per origin entry."""

from __future__ import annotations

import re
from typing import Any

import pytest

from crossorigin.core.errors import ConfigError
from crossorigin.core.headers import MAX_AGE_CAP
from crossorigin.core.lint import Finding, check_policy
from crossorigin.core.policy import build_policy

PROD = "https://app.example.com"

FINDINGS = {
    "http origin with credentials": (
        {
            "origins": ["http://app.example.com"],
            "supports_credentials": True,
            "dangerously_allow_insecure_origins": True,
        },
        ("warning", "insecure-origin", "admits plain-http http://app.example.com"),
    ),
    "http subdomains with credentials": (
        {
            "origins": ["http://*.example.com"],
            "supports_credentials": True,
            "dangerously_allow_insecure_origins": True,
        },
        ("warning", "insecure-origin", "plain-http http://example.com"),
    ),
    "subdomain wildcard with credentials": (
        {"origins": ["https://*.example.com"], "supports_credentials": True},
        ("warning", "broad-origin", "trusts every subdomain of example.com"),
    ),
    "any port on a remote host with credentials": (
        {"origins": ["https://example.com:*"], "supports_credentials": True},
        ("warning", "broad-origin", "any port of example.com"),
    ),
    "look-alike regex": (
        {"origins": [re.compile(r"https://.*example\.com")]},
        ("warning", "broad-origin", "also matches https://evilexample.com"),
    ),
    "regex matching everything": (
        {"origins": [re.compile(r"https://.+")]},
        ("warning", "broad-origin", "also matches https://crossorigin-probe.attacker-7f3a.net"),
    ),
    "any origin with private network": (
        {"origins": "*", "allow_private_network": True, "allow_headers": ["X-A"]},
        ("warning", "broad-origin", "any website on the internet"),
    ),
    "upper-case regex": (
        {"origins": [re.compile(r"https://App\.example\.com")]},
        ("warning", "origin-may-never-match", "has upper-case A"),
    ),
    "regex with a slash": (
        {"origins": [re.compile(r"https://app\.example\.com/")]},
        ("warning", "origin-may-never-match", "ends with '/'"),
    ),
    "max_age above 7200": (
        {"origins": [PROD], "allow_headers": ["X-A"], "max_age": 86400},
        ("warning", "max-age-above-cap", "max_age=86400 is more than browsers honour"),
    ),
    "Set-Cookie exposed": (
        {"origins": [PROD], "allow_headers": ["X-A"], "expose_headers": ["Set-Cookie"]},
        ("warning", "expose-never-readable", "expose_headers lists Set-Cookie"),
    ),
}


@pytest.mark.parametrize(("options", "expected"), FINDINGS.values(), ids=FINDINGS.keys())
def test_check_policy_finds(options: dict[str, Any], expected: tuple[str, str, str]) -> None:
    level, code, text = expected
    found = check_policy(build_policy({"allow_headers": ["*", "Authorization"], **options}))
    assert found[0][:2] == (level, code)
    assert text in found[0][2]
    # one finding per problem; only http subdomains with credentials are two problems
    assert len(found) == (2 if options["origins"] == ["http://*.example.com"] else 1), found


@pytest.mark.parametrize(
    "origins",
    [
        ["http://localhost:3000", "http://127.0.0.1:5173", "http://[::1]:8000"],
        ["http://localhost:*", "http://*.localhost", "http://127.9.8.7:*"],
        ["https://app.example.com", "chrome-extension://abcdefgh"],
        [re.compile(r"https://([a-z0-9-]+\.)*example\.com")],
    ],
)
def test_check_policy_accepts_safe_origins(origins: list[Any]) -> None:
    policy = build_policy(
        {"origins": origins, "supports_credentials": True, "allow_headers": ["Content-Type"]}
    )
    assert check_policy(policy) == []


def test_check_policy_inspects_regexes_for_plain_http_and_skips_callables() -> None:
    insecure = build_policy(
        {
            "origins": [re.compile(r"https?://app\.example\.com")],
            "supports_credentials": True,
            "dangerously_allow_insecure_origins": True,  # else refused at start-up (E304)
            "allow_headers": ["X-A"],
        }
    )
    assert [code for _, code, _ in check_policy(insecure)] == ["insecure-origin"]
    assert "plain-http http://app.example.com" in check_policy(insecure)[0][2]
    predicate = build_policy({"origins": [lambda origin: True], "allow_headers": ["X-A"]})
    assert check_policy(predicate) == []


@pytest.mark.parametrize(
    "options",
    [{}, {"origins": [PROD]}, {"origins": [PROD], "supports_credentials": True}],
    ids=["default", "listed origin", "credentials"],
)
def test_allow_headers_wildcard_is_not_a_finding(options: dict[str, Any]) -> None:
    # crossorigin echoes the requested names, so Authorization works in every browser
    policy = build_policy(options)
    assert policy.any_header
    assert check_policy(policy) == []


def test_the_max_age_cap_is_chromiums() -> None:
    at_cap = build_policy({"origins": [PROD], "allow_headers": ["X-A"], "max_age": MAX_AGE_CAP})
    assert MAX_AGE_CAP == 7200 and check_policy(at_cap) == []
    above = build_policy({"origins": [PROD], "allow_headers": ["X-A"], "max_age": 7201})
    assert "use at most 7200" in check_policy(above)[0][2]


def test_findings_sort_errors_first_then_by_code() -> None:
    findings = [
        Finding("warning", "b-code", "app /x", "m"),
        Finding("warning", "a-code", "app /x", "m"),
        Finding("error", "z-code", "app /x", "m"),
    ]
    assert [f.code for f in sorted(findings)] == ["z-code", "a-code", "b-code"]


# --- one verdict per origin entry -----------------------------------------------------------

#: Entries no browser ever sends as written: start-up errors, so the linter never sees them.
NEVER_SENT = [
    ("ws://localhost:3000", "E111", "write the page's origin, e.g. 'http://localhost:3000'"),
    ("wss://app.example.com", "E111", "e.g. 'https://app.example.com'"),
    ("file://localhost", "E111", "file: pages send Origin: null"),
    ("file:///home/me/index.html", "E111", "file: pages send Origin: null"),
    ("data:text/html", "E111", "data: documents send Origin: null"),
    ("blob:https://app.example.com/x", "E111", "blob: URLs send their creator's origin"),
    ("ftp://files.example.com", "E111", "browsers no longer load ftp: pages"),
    ("http://127.1:3000", "E101", "write 'http://127.0.0.1:3000'"),
    ("http://0x7f.0.0.1", "E101", "browsers write this address as 127.0.0.1"),
    ("http://0177.0.0.1", "E101", "browsers write this address as 127.0.0.1"),
    ("http://2130706433:*", "E101", "write 'http://127.0.0.1:*'"),
    ("http://[0:0:0:0:0:0:0:1]:3000", "E101", "write 'http://[::1]:3000'"),
    ("http://[::ffff:127.0.0.1]", "E101", "browsers write this address as [::ffff:7f00:1]"),
    ("http://1.2.3.4.5", "E101", "it is not a valid IPv4 address"),
    ("http://256.1.1.1", "E101", "it is not a valid IPv4 address"),
    ("http://app.123", "E101", "it is not a valid IPv4 address"),
    ("http://08.1.1.1", "E101", "it is not a valid IPv4 address"),
    ("http://[::1::2]", "E101", "it is not an IPv6 address"),
    ("http://*.127.0.0.1", "E101", "'127.0.0.1' is an IP address"),
]


@pytest.mark.parametrize(("entry", "error_id", "fix"), NEVER_SENT)
def test_an_origin_no_browser_sends_is_a_start_up_error_with_the_fix(
    entry: str, error_id: str, fix: str
) -> None:
    with pytest.raises(ConfigError) as info:
        build_policy({"origins": [entry]})
    assert info.value.id == error_id
    assert fix in str(info.value)


@pytest.mark.parametrize(
    "origin",
    ["http://127.0.0.1:3000", "http://127.255.0.1", "http://[::1]:3000", "http://localhost"],
)
def test_loopback_is_the_same_to_the_start_up_checks_and_the_linter(origin: str) -> None:
    options = {"origins": [origin], "supports_credentials": True, "allow_headers": ["X-A"]}
    assert check_policy(build_policy(options)) == []  # no E304, no insecure-origin


@pytest.mark.parametrize("origin", ["http://10.0.0.1", "http://[::2]", "http://128.0.0.1"])
def test_plain_http_off_the_machine_is_refused_and_then_warned_about(origin: str) -> None:
    options = {"origins": [origin], "supports_credentials": True, "allow_headers": ["X-A"]}
    with pytest.raises(ConfigError) as info:
        build_policy(options)
    assert info.value.id == "E304"
    allowed = build_policy({**options, "dangerously_allow_insecure_origins": True})
    assert [code for _, code, _ in check_policy(allowed)] == ["insecure-origin"]
