"""build_policy: cross-field rules and precomputed values."""

from __future__ import annotations

import re
from typing import Any

import pytest

from crossorigin.core.errors import ERROR_IDS, ConfigError
from crossorigin.core.policy import build_policy


@pytest.mark.parametrize(
    ("options", "error_id"),
    [
        ({"supports_credentials": True}, "E301"),  # default origins is "*"
        ({"supports_credentials": True, "origins": "*"}, "E301"),
        ({"supports_credentials": True, "origins": ["https://a.com", "*"]}, "E301"),
        ({"supports_credentials": True, "origins": re.compile(".*")}, "E301"),
        ({"supports_credentials": True, "origins": re.compile(r"https?://.+")}, "E301"),
        (
            {"supports_credentials": True, "origins": ["https://a.com"], "send_wildcard": True},
            "E303",
        ),
        ({"origins": ["https://a.com"], "vary_header": False}, "E302"),
        ({"origins": "*", "always_send": False, "vary_header": False}, "E302"),
        ({"methods": ["GET", "CONNECT"]}, "E202"),
        ({"methods": ["trace"]}, "E202"),
        ({"methods": ["GET POST"]}, "E201"),
        ({"allow_headers": ["X Bad"]}, "E203"),
        ({"allow_headers": ["X-.*"]}, "E203"),
        ({"expose_headers": ["X:Bad"]}, "E203"),
        ({"origins": ["null"]}, "E103"),
        ({"origins": ["https://*.com"]}, "E106"),
        ({"oops": 1}, "E001"),
    ],
)
def test_unsafe_or_broken_policies_are_refused(options: dict[str, Any], error_id: str) -> None:
    with pytest.raises(ConfigError) as info:
        build_policy(options)
    assert info.value.id == error_id
    assert str(info.value).startswith(f"crossorigin.{error_id}: ")


def test_credentials_error_shows_how_to_list_origins() -> None:
    with pytest.raises(ConfigError, match=r"origins=\['https://app.example.com'\]") as info:
        build_policy({"supports_credentials": True})
    assert "(origins=['*'])" in str(info.value)


def test_regex_header_hint() -> None:
    with pytest.raises(ConfigError, match=r"re.compile"):
        build_policy({"allow_headers": ["X-.*"]})


def test_vary_header_false_is_fine_where_nothing_varies() -> None:
    policy = build_policy({"vary_header": False})
    assert policy.any_origin
    assert not policy.varies_by_origin


def test_defaults_are_flask_cors_defaults() -> None:
    policy = build_policy()
    assert policy.any_origin
    assert not policy.credentials
    assert policy.any_header
    assert policy.methods == {"GET", "HEAD", "POST", "OPTIONS", "PUT", "PATCH", "DELETE"}
    assert policy.allow_methods_value == "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"
    assert policy.max_age_value is None
    assert policy.expose_value is None
    assert policy.preflight_status == 200
    assert policy.automatic_options
    assert policy.always_send
    assert not policy.allow_private_network
    assert not policy.varies_by_origin
    assert policy.preflight_vary == "Access-Control-Request-Method, Access-Control-Request-Headers"


def test_precomputed_values_and_later_layers_win() -> None:
    policy = build_policy(
        {"origins": ["https://a.com"], "max_age": 600, "methods": "put,get,MKCOL"},
        {"expose_headers": ["X-Total", "X-Page"], "allow_private_network": True},
    )
    assert not policy.any_origin
    assert policy.varies_by_origin
    assert policy.allow_methods_value == "GET, PUT, MKCOL"
    assert policy.max_age_value == "600"
    assert policy.expose_value == "X-Total, X-Page"
    assert policy.preflight_vary == (
        "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, "
        "Access-Control-Request-Private-Network"
    )
    assert build_policy({"max_age": 1}, {"max_age": 2}).max_age == 2


def test_header_rules() -> None:
    policy = build_policy(
        {
            "allow_headers": ["Content-Type", re.compile(r"x-tenant-\d+")],
            "origins": ["https://a.com"],
        }
    )
    assert policy.allows_header("content-type")
    assert policy.allows_header("x-tenant-42")
    assert policy.allows_header("X-TENANT-7".lower())
    assert not policy.allows_header("x-other")


def test_method_rules() -> None:
    policy = build_policy({"methods": ["GET", "PATCH"]})
    assert policy.allows_method("PATCH")
    assert policy.allows_method("patch")
    assert not policy.allows_method("PUT")
    assert build_policy({"methods": "*"}).allows_method("ANYTHING")


def test_policies_are_immutable() -> None:
    policy = build_policy()
    with pytest.raises(AttributeError):
        policy.credentials = True  # type: ignore[misc]
    with pytest.raises(TypeError):
        policy.options["origins"] = "x"  # type: ignore[index]


def test_error_ids_are_registered_and_unique() -> None:
    assert len(ERROR_IDS) == len(set(ERROR_IDS))
    assert all(len(i) == 4 and i[0] == "E" and i[1:].isdigit() for i in ERROR_IDS)
    with pytest.raises(AssertionError):
        ConfigError("E999", "not registered")


@pytest.mark.parametrize(
    "origin", ["http://app.example.com", "http://*.example.com", "http://app.example.com:*"]
)
def test_plain_http_origins_with_credentials_need_the_explicit_switch(origin: str) -> None:
    with pytest.raises(ConfigError) as info:
        build_policy({"origins": [origin], "supports_credentials": True})
    assert info.value.id == "E304"
    assert "dangerously_allow_insecure_origins=True" in str(info.value)
    assert info.value.value == [origin]
    policy = build_policy(
        {
            "origins": [origin],
            "supports_credentials": True,
            "dangerously_allow_insecure_origins": True,
        }
    )
    assert policy.credentials
    assert not build_policy({"origins": [origin]}).credentials  # no credentials: no rule


@pytest.mark.parametrize(
    "origin",
    [
        "http://localhost:3000",
        "http://app.localhost",
        "http://127.0.0.1:5173",
        "http://127.9.8.7",
        "http://[::1]:8080",
        "https://app.example.com",
        re.compile(r"https?://localhost:\d+"),
        re.compile(r"http://127\.0\.0\.1:\d+"),
        re.compile(r"https?://(localhost|127\.0\.0\.1|\[::1\])(:\d+)?"),
        re.compile(r"https://([a-z0-9-]+\.)*example\.com"),
        re.compile(r"https://(www|app)\.example\.com"),
        re.compile(r"https://[a-z0-9-]+\.example\.co\.uk(:8443)?"),
        re.compile(r"https://(?:[a-z]+\.)?example\.com"),
        # ws: is never an Origin, so admitting it admits nothing (an exact 'ws://' is E111)
        re.compile(r"(https|wss?)://app\.example\.com"),
    ],
)
def test_loopback_and_https_origins_with_credentials_are_fine(origin: object) -> None:
    assert build_policy({"origins": [origin], "supports_credentials": True}).credentials


@pytest.mark.parametrize(
    ("pattern", "error_id", "admits"),
    [
        (r"https?://app\.example\.com", "E304", "http://app.example.com"),
        (r"(http|ws)s?://app\.example\.com", "E304", "http://app.example.com"),
        (r"http://[a-z]+\.example\.com", "E304", "http://a.example.com"),
        (r"https://.*\.vercel\.app", "E106", "https://evila.vercel.app"),
        (r"https://[\w-]+\.github\.io", "E106", "https://evila.github.io"),
        (r"https://.*\.io", "E106", "https://evila.io"),
        (r"https://[a-z]+\.org", "E106", "https://evila.org"),
        (r"https://myapp-[a-z0-9]+\.vercel\.app", "E106", "https://myapp-aevil.vercel.app"),
        (r"https://[a-z]+\.run\.app", "E106", "https://evila.run.app"),
        (r"https://example[0-9]*\.com", "E106", "https://example0.com"),
        (r"https://app\.example\.[a-z]+", "E109", "https://app.example.evil"),
        (r"https://(?:[a-z]+\.)?example\.com\w*", "E109", "https://example.comx"),
    ],
)
def test_regexes_admitting_origins_an_attacker_can_obtain_are_refused_with_credentials(
    pattern: str, error_id: str, admits: str
) -> None:
    compiled = re.compile(pattern)
    with pytest.raises(ConfigError) as info:
        build_policy({"origins": [compiled], "supports_credentials": True})
    assert info.value.id == error_id
    assert compiled.fullmatch(admits), "the origin shown really is admitted"
    assert repr(admits) in str(info.value)
    assert "supports_credentials=True" in str(info.value)
    fix = {
        "E304": "dangerously_allow_insecure_origins=True",
        "E106": "list your own origins instead, e.g. 'https://your-site.",
        "E109": "end it at your own host",
    }
    assert fix[error_id] in str(info.value)
    assert not build_policy({"origins": [compiled]}).credentials  # no credentials: accepted


def test_a_regex_reaching_plain_http_with_credentials_needs_the_explicit_switch() -> None:
    options = {"origins": [re.compile(r"https?://app\.example\.com")], "supports_credentials": True}
    assert build_policy({**options, "dangerously_allow_insecure_origins": True}).credentials
    with pytest.raises(ConfigError) as info:
        build_policy(options)
    assert "'https://' instead of 'https?://'" in str(info.value)


@pytest.mark.parametrize(
    "pattern", [r"https://(a)\1\.example\.com", r"https://(a)?(?(1)b|c)\.example\.com"]
)
def test_a_regex_that_cannot_be_checked_is_refused_with_credentials(pattern: str) -> None:
    with pytest.raises(ConfigError) as info:
        build_policy({"origins": [re.compile(pattern)], "supports_credentials": True})
    assert info.value.id == "E110"
    assert "cannot be checked" in str(info.value) and "simplify it" in str(info.value)
    assert not build_policy({"origins": [re.compile(pattern)]}).credentials


def test_bytes_header_patterns_are_refused() -> None:
    with pytest.raises(ConfigError) as info:
        build_policy({"allow_headers": re.compile(b"x-.*")})
    assert info.value.id == "E203"


def test_every_problem_of_a_policy_is_reported_at_once() -> None:
    with pytest.raises(ConfigError) as info:
        build_policy(
            {"oops": 1, "max_age": -1},
            {
                "origins": ["null", "https://ok.example", "localhost:3000", "http://lan.example"],
                "supports_credentials": True,
                "send_wildcard": True,
                "methods": ["GET", "TRACE", "A B"],
                "allow_headers": ["X-Ok", "X Bad", re.compile(b"x")],
                "expose_headers": ["X:Bad"],
            },
        )
    error = info.value
    assert [e.id for e in error.all] == [
        "E001", "E003", "E103", "E101", "E303", "E304", "E202", "E201", "E203", "E203", "E203"
    ]  # fmt: skip
    message = str(error)
    assert message.startswith("crossorigin.E001: unknown option 'oops'")
    assert "(10 more problems in this configuration)" in message
    assert message.count("\n- crossorigin.") == 10
    assert error.also[0].also == ()


def test_one_problem_reads_as_before() -> None:
    with pytest.raises(ConfigError) as info:
        build_policy({"methods": ["TRACE"]})
    assert info.value.also == ()
    assert info.value.all == (info.value,)
    assert "\n" not in str(info.value)
