"""Origins over HTTP: how configured entries are normalised or refused, how subdomain,
port, regex and callable entries match, and how hostile request ``Origin`` values are
handled (never granted, never an exception)."""

from __future__ import annotations

import ast
import re
from typing import Any

import pytest
from flask import Flask

from crossorigin import CORS, ConfigError
from shared.headers import ACAO, cors_headers, vary

from .helpers import get, preflight


def serve(app: Flask, origins: Any, **options: Any) -> Flask:
    @app.route("/data")
    def data() -> str:
        return "data"

    CORS(app, origins=origins, **options)
    return app


def granted(app: Flask, origin: str) -> str | None:
    """The ACAO answered to a GET from ``origin`` (None when refused)."""
    response = get(app.test_client(), "/data", origin)
    assert response.status_code == 200
    return cors_headers(response).get(ACAO)


# -- normalisation of configured origins ------------------------------------------------


@pytest.mark.parametrize(
    ("configured", "request_origin"),
    [
        ("http://localhost:3000/", "http://localhost:3000"),
        ("HTTP://LOCALHOST:3000", "http://localhost:3000"),
        ("https://a.com:443", "https://a.com"),
        ("http://a.com:80", "http://a.com"),
        ("HTTPS://App.Example.COM:443/", "https://app.example.com"),
        ("  https://a.com  ", "https://a.com"),
    ],
    ids=[
        "trailing-slash",
        "upper-case",
        "default-https-port",
        "default-http-port",
        "all",
        "spaces",
    ],
)
def test_configured_origin_is_normalised_to_what_browsers_send(
    app: Flask, configured: str, request_origin: str
) -> None:
    serve(app, [configured])

    assert granted(app, request_origin) == request_origin


@pytest.mark.parametrize(
    ("configured", "request_origin"),
    [
        ("https://a.com:443", "https://a.com:443"),
        ("http://localhost:3000", "http://localhost:3001"),
        ("http://localhost:3000", "https://localhost:3000"),
        ("https://a.com", "https://www.a.com"),
    ],
    ids=["explicit-default-port", "other-port", "other-scheme", "subdomain"],
)
def test_configured_origin_matches_only_itself(
    app: Flask, configured: str, request_origin: str
) -> None:
    serve(app, [configured])

    assert granted(app, request_origin) is None


@pytest.mark.parametrize(
    ("entry", "error_id", "fix"),
    [
        ("https://a.com/app", "E102", "'https://a.com'"),
        ("https://a.com/app/index.html", "E102", "'https://a.com'"),
        ("https://a.com?x=1", "E102", "'https://a.com'"),
        ("https://a.com#top", "E102", "'https://a.com'"),
        ("https://user:secret@a.com", "E102", "'https://a.com'"),
        ("https://user@A.com:8443", "E102", "'https://a.com:8443'"),
        ("a.com", "E101", "'https://a.com'"),
        ("localhost:3000", "E101", "'https://localhost:3000'"),
    ],
    ids=[
        "path",
        "file",
        "query",
        "fragment",
        "userinfo",
        "userinfo-port",
        "no-scheme",
        "host-port",
    ],
)
def test_configured_entry_that_is_not_an_origin_is_refused_with_the_fix(
    app: Flask, entry: str, error_id: str, fix: str
) -> None:
    with pytest.raises(ConfigError) as info:
        serve(app, [entry])

    assert info.value.id == error_id
    assert fix in str(info.value)


SUGGESTION = re.compile(r"write '([^']+)'")


@pytest.mark.parametrize(
    ("entry", "intended"),
    [
        ("https://a.com/app", "https://a.com"),
        ("https://user:secret@a.com", "https://a.com"),
        ("a.com", "https://a.com"),
        ("https://A.com:8443/x", "https://a.com:8443"),
    ],
    ids=["path", "userinfo", "no-scheme", "port-path"],
)
def test_corrected_form_in_the_message_is_accepted(app: Flask, entry: str, intended: str) -> None:
    with pytest.raises(ConfigError) as info:
        serve(Flask(__name__), [entry])
    suggestion = SUGGESTION.search(str(info.value))
    assert suggestion is not None

    serve(app, [suggestion.group(1)])

    assert granted(app, intended) == intended


@pytest.mark.parametrize(
    "entry", ["https://a.com, https://b.com", "https://a.com https://b.com"], ids=["comma", "space"]
)
def test_a_joined_list_is_refused_with_the_list_to_write(app: Flask, entry: str) -> None:
    with pytest.raises(ConfigError) as info:
        serve(Flask(__name__), [entry])
    assert info.value.id == "E101"
    suggestion = re.search(r"write origins=(\[.*\])", str(info.value))
    assert suggestion is not None

    serve(app, ast.literal_eval(suggestion.group(1)))

    assert granted(app, "https://a.com") == "https://a.com"
    assert granted(app, "https://b.com") == "https://b.com"


# -- subdomain and port wildcards -----------------------------------------------------


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        ("https://a.example.com", True),
        ("https://a.b.example.com", True),
        ("https://x-1.example.com", True),
        ("https://example.com", False),
        ("https://evil-example.com", False),
        ("https://evilexample.com", False),
        ("https://example.com.evil.net", False),
        ("https://a.example.com.evil.net", False),
        ("http://a.example.com", False),
        ("https://a.example.com:8443", False),
    ],
    ids=[
        "subdomain",
        "nested-subdomain",
        "hyphen",
        "apex",
        "hyphen-lookalike",
        "glued-lookalike",
        "suffix-attack",
        "subdomain-suffix-attack",
        "http",
        "other-port",
    ],
)
def test_subdomain_wildcard_covers_subdomains_only(app: Flask, origin: str, allowed: bool) -> None:
    serve(app, ["https://*.example.com"])

    assert granted(app, origin) == (origin if allowed else None)


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        ("http://localhost:3000", True),
        ("http://localhost:5173", True),
        ("http://localhost:1", True),
        ("http://localhost:65535", True),
        ("http://localhost", True),
        ("https://localhost:3000", False),
        ("http://127.0.0.1:3000", False),
        ("http://localhost.evil.com:3000", False),
        ("http://evil-localhost:3000", False),
        ("http://localhost:65536", False),
    ],
    ids=[
        "3000",
        "5173",
        "1",
        "65535",
        "default-port",
        "https",
        "ip",
        "suffix-attack",
        "lookalike",
        "port-out-of-range",
    ],
)
def test_port_wildcard_covers_any_port_of_that_host(app: Flask, origin: str, allowed: bool) -> None:
    serve(app, ["http://localhost:*"])

    assert granted(app, origin) == (origin if allowed else None)


@pytest.mark.parametrize(
    "entry",
    ["https://*.com", "https://*.co.uk", "https://*.github.io", "https://*.herokuapp.com"],
    ids=["tld", "cctld-second-level", "github-pages", "heroku"],
)
def test_subdomain_wildcard_under_a_public_suffix_is_refused(app: Flask, entry: str) -> None:
    with pytest.raises(ConfigError) as info:
        serve(app, [entry])

    assert info.value.id == "E106"


# -- regular expressions ----------------------------------------------------------------


@pytest.mark.parametrize(
    "entry",
    [r"https://.*\.example\.com", r"^https://app\.example\.com$", r"https://(a|b)\.example\.com"],
    ids=["dot-star", "anchors", "alternation"],
)
def test_regex_looking_string_is_refused_with_re_compile_in_the_message(
    app: Flask, entry: str
) -> None:
    with pytest.raises(ConfigError) as info:
        serve(app, [entry])

    assert info.value.id == "E104"
    assert "re.compile(" in str(info.value)


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        ("https://x.example.com", True),
        ("https://a.b.example.com", True),
        ("https://x.example.com.evil.net", False),
        ("https://example.com", False),
        ("http://x.example.com", False),
        ("https://x.example.com:8443", False),
    ],
    ids=["subdomain", "nested", "suffix-attack", "apex", "http", "port"],
)
def test_compiled_regex_must_match_the_whole_origin(app: Flask, origin: str, allowed: bool) -> None:
    serve(app, [re.compile(r"https://.*\.example\.com")])

    response = get(app.test_client(), "/data", origin)

    assert cors_headers(response) == ({ACAO: origin} if allowed else {})
    assert vary(response) == ["Origin"]


def test_compiled_regex_with_an_unescaped_dot_is_refused(app: Flask) -> None:
    with pytest.raises(ConfigError) as info:
        serve(app, [re.compile(r"https://app.example.com")])

    assert info.value.id == "E107"
    assert r"app\.example\.com" in str(info.value)


# -- callables --------------------------------------------------------------------------


def test_callable_origins_are_asked_per_request_with_vary(app: Flask) -> None:
    trusted = {"https://a.com"}
    serve(app, lambda origin: origin in trusted)
    client = app.test_client()

    allowed = get(client, "/data", "https://a.com")
    refused = get(client, "/data", "https://b.com")
    trusted.add("https://b.com")
    later = get(client, "/data", "https://b.com")

    assert (cors_headers(allowed), vary(allowed)) == ({ACAO: "https://a.com"}, ["Origin"])
    assert (cors_headers(refused), vary(refused)) == ({}, ["Origin"])
    assert (cors_headers(later), vary(later)) == ({ACAO: "https://b.com"}, ["Origin"])


def test_callable_that_raises_refuses_the_origin_without_an_error_response(app: Flask) -> None:
    def broken(origin: str) -> bool:
        raise LookupError("allow-list unavailable")

    serve(app, broken)

    response = get(app.test_client(), "/data", "https://a.com")

    assert response.status_code == 200
    assert cors_headers(response) == {}
    assert vary(response) == ["Origin"]


def test_an_async_callable_refuses_under_flask_and_says_why(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    async def trusted(origin: str) -> bool:
        return True

    serve(app, trusted)
    client = app.test_client()
    with caplog.at_level("ERROR", logger="crossorigin"):
        response = get(client, "/data", "https://a.com")
        answer = preflight(client, "/data", "https://a.com")

    # The coroutine it returns is truthy; it must not grant every origin.
    assert cors_headers(response) == {}
    assert answer.status_code == 403
    assert "only crossorigin.quart awaits" in caplog.text


# -- null -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "origins", [["null"], "null", ["https://a.com", "NULL"]], ids=["list", "string", "upper"]
)
def test_configured_null_is_refused(app: Flask, origins: Any) -> None:
    with pytest.raises(ConfigError) as info:
        serve(app, origins)

    assert info.value.id == "E103"


@pytest.mark.parametrize(
    "origins",
    [["https://a.com"], ["https://*.a.com"], [re.compile("null")], [re.compile(r"[a-z]+")]],
    ids=["list", "subdomains", "regex-null", "regex-letters"],
)
def test_request_origin_null_is_not_granted_by_a_list_or_pattern(app: Flask, origins: Any) -> None:
    serve(app, origins)

    response = get(app.test_client(), "/data", "null")

    assert cors_headers(response) == {}
    assert vary(response) == ["Origin"]


def test_request_origin_null_never_reaches_an_origins_callable(app: Flask) -> None:
    seen: list[str] = []

    def accept_all(origin: str) -> bool:
        seen.append(origin)
        return True

    serve(app, accept_all)

    response = get(app.test_client(), "/data", "null")

    assert cors_headers(response) == {}
    assert seen == []


def test_request_origin_null_gets_the_literal_wildcard_from_any_origin(app: Flask) -> None:
    serve(app, "*")

    response = get(app.test_client(), "/data", "null")

    assert cors_headers(response) == {ACAO: "*"}


# -- hostile request origins -------------------------------------------------------------

HOSTILE = {
    "crlf": "https://a.com\r\nX-Injected: 1",
    "lf": "https://a.com\nX-Injected: 1",
    "cr": "https://a.com\rX-Injected: 1",
    "nul": "https://a.com\x00",
    "two-origins": "https://a.com, https://b.a.com",
    "upper-case": "HTTPS://A.COM",
    "10kB": "https://" + "a" * 10_000 + ".a.com",
    "trailing-slash": "https://a.com/",
    "port-65536": "https://a.com:65536",
    "non-ascii": "https://bücher.a.com".encode().decode("latin-1"),
    "userinfo": "https://evil@a.com",
    "empty": "",
    "tab": "https://a.com\t",
}

POLICIES = {
    "list": ["https://a.com", "https://b.a.com"],
    "subdomains": ["https://a.com", "https://*.a.com"],
    "regex": [re.compile(r"https://([a-z0-9-]+\.)*a\.com")],
    "callable": lambda origin: True,
}


@pytest.mark.parametrize("policy", POLICIES.values(), ids=POLICIES.keys())
@pytest.mark.parametrize("origin", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_request_origin_is_refused_quietly(app: Flask, policy: Any, origin: str) -> None:
    serve(app, policy)

    response = app.test_client().get("/data", environ_overrides={"HTTP_ORIGIN": origin})

    assert response.status_code == 200
    assert response.data == b"data"
    assert cors_headers(response) == {}
    assert vary(response) == ["Origin"]
    assert "X-Injected" not in response.headers


@pytest.mark.parametrize("origin", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_request_origin_gets_only_the_literal_wildcard(app: Flask, origin: str) -> None:
    serve(app, "*")

    response = app.test_client().get("/data", environ_overrides={"HTTP_ORIGIN": origin})

    assert response.status_code == 200
    assert cors_headers(response) == {ACAO: "*"}
    assert "X-Injected" not in response.headers
