"""Table-driven tests for the browser-side CORS model in crossorigin.core.fetchcheck.

The tables restate cors-rules.md §1 (the Fetch Standard rules) and §4.2 (the
verdicts observed in Chromium 156), so a change in behaviour shows up as a row that
names the rule it breaks.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crossorigin.core.fetchcheck import (
    FAILURE_CODES,
    Credentials,
    Failure,
    FetchRequest,
    HTTPResponse,
    Verdict,
    check_preflight,
    check_response,
    cors_check,
    cors_unsafe_request_header_names,
    is_cors_safelisted_request_header,
    is_forbidden_request_header,
    is_same_origin,
    judge,
    needs_preflight,
    normalize_method,
    preflight_headers,
)

A = "http://localhost:5001"  # the page
B = "http://localhost:5002"  # the API
C = "http://localhost:5003"  # a third origin for redirects
OBS = "http://127.0.0.1:8001"  # the page origin of the Cr156 observations

Headers = tuple[tuple[str, str], ...]

STAGES = {"request", "preflight", "response", "redirect"}


def resp(status: int = 200, *headers: tuple[str, str]) -> HTTPResponse:
    return HTTPResponse(status, tuple(headers))


def req(
    method: str = "GET",
    *headers: tuple[str, str],
    credentials: Credentials = "same-origin",
    url: str = B + "/data",
    origin: str = A,
) -> FetchRequest:
    return FetchRequest(origin, url, method, tuple(headers), credentials)


def acao(value: str) -> tuple[str, str]:
    return ("Access-Control-Allow-Origin", value)


def acac(value: str = "true") -> tuple[str, str]:
    return ("Access-Control-Allow-Credentials", value)


def acam(value: str) -> tuple[str, str]:
    return ("Access-Control-Allow-Methods", value)


def acah(value: str) -> tuple[str, str]:
    return ("Access-Control-Allow-Headers", value)


def aceh(value: str) -> tuple[str, str]:
    return ("Access-Control-Expose-Headers", value)


def acma(value: str) -> tuple[str, str]:
    return ("Access-Control-Max-Age", value)


VARY = ("Vary", "Origin")
JSON = ("Content-Type", "application/json")


def assert_well_formed(verdict: Verdict) -> None:
    """Every reported problem uses the documented vocabulary and reads as one sentence."""
    for item in verdict.failures + verdict.warnings:
        assert item.code in FAILURE_CODES, item.code
        assert item.stage in STAGES, item.stage
        assert item.message[:1].isupper()
        assert "\n" not in item.message
        assert "; " in item.message, "a message says what is wrong; what to do instead"
    if not verdict.allowed:
        assert verdict.failures
        assert verdict.readable_headers == frozenset()


# --- §1.2 methods ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        pytest.param("get", "GET", id="get-upper-cased"),
        pytest.param("Get", "GET", id="mixed-case-get"),
        pytest.param("head", "HEAD", id="head"),
        pytest.param("post", "POST", id="post"),
        pytest.param("put", "PUT", id="put"),
        pytest.param("delete", "DELETE", id="delete"),
        pytest.param("options", "OPTIONS", id="options"),
        pytest.param("patch", "patch", id="patch-stays-lower"),
        pytest.param("Patch", "Patch", id="patch-mixed-stays"),
        pytest.param("PATCH", "PATCH", id="patch-upper"),
        pytest.param("custom", "custom", id="custom-untouched"),
        pytest.param("po\u017ft", "po\u017ft", id="non-ascii-not-folded"),
    ],
)
def test_normalize_method(method: str, expected: str) -> None:
    assert normalize_method(method) == expected


# --- §1.2 CORS-safelisted request-headers ------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        pytest.param("Accept", "application/json", True, id="accept-json"),
        pytest.param("accept", "*/*", True, id="accept-star"),
        pytest.param("ACCEPT", "text/html", True, id="accept-name-case"),
        pytest.param("Accept", "a" * 128, True, id="accept-128-bytes"),
        pytest.param("Accept", "a" * 129, False, id="accept-129-bytes"),
        pytest.param("Accept", "a" * 130, False, id="accept-130-bytes-E35"),
        pytest.param("Accept", 'text/"html"', False, id="accept-quote-byte"),
        pytest.param("Accept", "text/html\x01", False, id="accept-control-byte"),
        pytest.param("Accept", "text/\x7f", False, id="accept-del-byte"),
        pytest.param("Accept", "a\tb", True, id="accept-tab-allowed"),
        pytest.param("Accept", "caf\u00e9", True, id="accept-latin1-byte"),
        pytest.param("Accept", "\u010cSN", False, id="accept-not-a-byte-string"),
        pytest.param("Accept", "text/html{x}", False, id="accept-brace"),
        pytest.param("Accept-Language", "en-US,en;q=0.9", True, id="accept-language"),
        pytest.param("Accept-Language", "en_US", False, id="accept-language-underscore"),
        pytest.param("Content-Language", "de-DE", True, id="content-language"),
        pytest.param("Content-Language", "de/DE", False, id="content-language-slash"),
        pytest.param("Content-Type", "text/plain;charset=UTF-8", True, id="ct-text-plain-E12"),
        pytest.param("Content-Type", "text/plain; charset=utf-8", True, id="ct-text-plain-space"),
        pytest.param(
            "Content-Type",
            "application/x-www-form-urlencoded;charset=UTF-8",
            True,
            id="ct-urlencoded-F15",
        ),
        pytest.param(
            "Content-Type", "multipart/form-data; boundary=----x1", True, id="ct-form-data"
        ),
        pytest.param("Content-Type", "Text/Plain", True, id="ct-case-insensitive-essence"),
        pytest.param("Content-Type", " text/plain ", True, id="ct-surrounding-space"),
        pytest.param("Content-Type", "text/plain ;a=b", True, id="ct-space-before-params"),
        pytest.param("Content-Type", "application/json", False, id="ct-json-E11"),
        pytest.param(
            "Content-Type", "application/json; charset=utf-8", False, id="ct-json-charset-F16"
        ),
        pytest.param(
            "Content-Type", "text/plain, application/json", False, id="ct-two-types-strict"
        ),
        pytest.param("Content-Type", 'text/plain; charset="utf-8"', False, id="ct-quote-byte"),
        pytest.param("Content-Type", "text/plain;a=(b)", False, id="ct-paren-byte"),
        pytest.param("Content-Type", "text /plain", False, id="ct-space-in-type"),
        pytest.param("Content-Type", "text/", False, id="ct-empty-subtype"),
        pytest.param("Content-Type", "/plain", False, id="ct-empty-type"),
        pytest.param("Content-Type", "textplain", False, id="ct-no-slash"),
        pytest.param("Content-Type", "text/csv", False, id="ct-text-csv"),
        pytest.param(
            "Content-Type", "multipart/form-data; boundary=" + "x" * 100, False, id="ct-over-128"
        ),
        pytest.param("Range", "bytes=0-99", True, id="range-start-end-E33"),
        pytest.param("Range", "bytes=5-", True, id="range-open-end"),
        pytest.param("Range", "bytes=5-5", True, id="range-one-byte"),
        pytest.param("Range", "bytes=-500", False, id="range-suffix-E34"),
        pytest.param("Range", "bytes=99-0", False, id="range-start-after-end"),
        pytest.param("Range", "bytes=0-99,200-299", False, id="range-multiple"),
        pytest.param("Range", "bytes = 0-99", False, id="range-whitespace"),
        pytest.param("Range", "bytes=0 -99", False, id="range-inner-whitespace"),
        pytest.param("Range", "Bytes=0-99", False, id="range-unit-case"),
        pytest.param("Range", "items=0-99", False, id="range-other-unit"),
        pytest.param("Range", "bytes=0", False, id="range-no-dash"),
        pytest.param("Range", "bytes=-", False, id="range-no-numbers"),
        pytest.param("Range", "bytes=a-", False, id="range-non-digit-start"),
        pytest.param("Range", "bytes=0-x", False, id="range-non-digit-end"),
        pytest.param("X-Custom", "1", False, id="custom-header"),
        pytest.param("Authorization", "Bearer t", False, id="authorization"),
        pytest.param("Cache-Control", "no-cache", False, id="cache-control"),
        pytest.param("Last-Event-ID", "abc123", False, id="last-event-id-not-safelisted"),
    ],
)
def test_is_cors_safelisted_request_header(name: str, value: str, expected: bool) -> None:
    assert is_cors_safelisted_request_header(name, value) is expected


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        pytest.param((), [], id="none"),
        pytest.param(
            (("X-b", "1"), ("X-A", "1"), JSON, ("Accept", "application/json")),
            ["content-type", "x-a", "x-b"],
            id="sorted-lower-E13",
        ),
        pytest.param((("X-A", "1"), ("x-a", "2")), ["x-a"], id="duplicates-collapse"),
        pytest.param((("Accept", "a" * 130),), ["accept"], id="accept-130-E35"),
        pytest.param(
            tuple(("Accept-Language", "a" * 120) for _ in range(9)),
            ["accept-language"],
            id="nine-by-120-bytes-S1",
        ),
        pytest.param(
            tuple(("Accept-Language", "a" * 120) for _ in range(8)), [], id="eight-by-120-bytes"
        ),
        pytest.param(
            tuple(("Accept-Language", "a" * 128) for _ in range(8)), [], id="exactly-1024-bytes"
        ),
        pytest.param(
            (*(("Accept-Language", "a" * 128) for _ in range(8)), ("Accept", "a")),
            ["accept", "accept-language"],
            id="1025-bytes-all-safelisted-become-unsafe",
        ),
        pytest.param(
            (*(("Accept-Language", "a" * 120) for _ in range(8)), ("X-A", "b" * 200)),
            ["x-a"],
            id="unsafe-values-do-not-count",
        ),
    ],
)
def test_cors_unsafe_request_header_names(headers: Headers, expected: list[str]) -> None:
    assert cors_unsafe_request_header_names(headers) == expected


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        pytest.param("Cookie", "a=1", True, id="cookie"),
        pytest.param("Origin", A, True, id="origin"),
        pytest.param("Set-Cookie", "a=1", True, id="set-cookie"),
        pytest.param("Keep-Alive", "5", True, id="keep-alive"),
        pytest.param("Access-Control-Request-Method", "PUT", True, id="acrm"),
        pytest.param("Sec-Fetch-Mode", "cors", True, id="sec-prefix"),
        pytest.param("Proxy-Authorization", "x", True, id="proxy-prefix"),
        pytest.param("X-Custom", "1", False, id="custom"),
        pytest.param("User-Agent", "x", False, id="user-agent-no-longer-forbidden"),
        pytest.param("X-HTTP-Method-Override", "TRACE", True, id="override-trace"),
        pytest.param("x-http-method", "track", True, id="override-lower"),
        pytest.param("X-Method-Override", "GET,connect", True, id="override-in-list"),
        pytest.param("X-HTTP-Method-Override", "GETTRACE", False, id="override-substring"),
        pytest.param("X-HTTP-Method-Override", '",TRACE",', False, id="override-quoted"),
        pytest.param("X-HTTP-Method-Override", '"a\\"b",TRACE', True, id="override-escaped-quote"),
        pytest.param("X-HTTP-Method-Override", '"abc', False, id="override-unterminated"),
        pytest.param("X-HTTP-Method-Override", '"abc\\', False, id="override-trailing-escape"),
        pytest.param("X-HTTP-Method-Override", "PATCH", False, id="override-patch"),
    ],
)
def test_is_forbidden_request_header(name: str, value: str, expected: bool) -> None:
    assert is_forbidden_request_header(name, value) is expected


# --- origins ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("origin", "url", "expected"),
    [
        pytest.param(A, A + "/x", True, id="same"),
        pytest.param(A, "http://LOCALHOST:5001/x", True, id="host-case"),
        pytest.param("http://localhost", "http://localhost:80/", True, id="default-port"),
        pytest.param("https://a.com", "https://a.com:443/", True, id="https-default-port"),
        pytest.param("http://a.com", "http://a.com:/", True, id="empty-port"),
        pytest.param(A, B + "/x", False, id="other-port"),
        pytest.param("https://localhost:5001", A + "/x", False, id="other-scheme"),
        pytest.param("null", A + "/x", False, id="opaque-origin"),
        pytest.param("http://[::1]:5001", "http://[0:0::1]:5001/", True, id="ipv6-compressed"),
        pytest.param("http://xn--bcher-kva.example", "http://b\u00fccher.example/", True, id="idn"),
        pytest.param(A, "not a url", False, id="not-a-url"),
        pytest.param(A, "ftp://localhost:5001/", False, id="ftp"),
        pytest.param(A, "http:localhost", False, id="no-host"),
        pytest.param("http://a b", "http://a b/", False, id="space-in-host"),
        pytest.param(A, "http://[::1", False, id="unclosed-bracket"),
        pytest.param(A, "http://a:99999/", False, id="port-out-of-range"),
        pytest.param(A, "http://[fe80::1%25eth0]/", False, id="ipv6-zone-id"),
        pytest.param(A, "http://" + "\u00fc" * 64 + ".com/", False, id="idn-label-too-long"),
        pytest.param(A, "http://a\x01b/", False, id="control-in-host"),
    ],
)
def test_is_same_origin(origin: str, url: str, expected: bool) -> None:
    assert is_same_origin(FetchRequest(origin, url)) is expected


# --- §1.2/§1.3 preflight decision and preflight request ------------------------------


@pytest.mark.parametrize(
    ("request_", "expected"),
    [
        pytest.param(req("GET"), None, id="get"),
        pytest.param(req("HEAD"), None, id="head-F12"),
        pytest.param(
            req("post", ("Content-Type", "text/plain;charset=UTF-8")), None, id="text-E12"
        ),
        pytest.param(req("POST", ("Content-Type", " text/plain ")), None, id="value-trimmed"),
        pytest.param(req("GET", ("Range", "bytes=0-99")), None, id="range-E33"),
        pytest.param(req("GET", ("Cookie", "a=1")), None, id="forbidden-dropped"),
        pytest.param(req("GET", ("Sec-Custom", "1")), None, id="sec-dropped"),
        pytest.param(req("GET", ("X-HTTP-Method-Override", "TRACE")), None, id="override-dropped"),
        pytest.param(req("PUT", url=A + "/same"), None, id="same-origin-never"),
        pytest.param(req("POST", JSON), ("POST", "content-type"), id="json-E11"),
        pytest.param(req("PUT"), ("PUT", None), id="put-no-acrh"),
        pytest.param(req("delete"), ("DELETE", None), id="delete-normalized"),
        pytest.param(req("patch"), ("patch", None), id="patch-stays-lower-E16"),
        pytest.param(req("OPTIONS"), ("OPTIONS", None), id="options"),
        pytest.param(
            req("PUT", JSON, ("X-Trace", "1"), credentials="include"),
            ("PUT", "content-type,x-trace"),
            id="credentialed-put-P0",
        ),
        pytest.param(
            req("GET", ("X-b", "1"), ("X-A", "1"), JSON, ("Accept", "application/json")),
            ("GET", "content-type,x-a,x-b"),
            id="acrh-sorted-E13",
        ),
        pytest.param(req("GET", ("Range", "bytes=-99")), ("GET", "range"), id="suffix-range-E34"),
        pytest.param(
            req("GET", ("X-HTTP-Method-Override", "PATCH")),
            ("GET", "x-http-method-override"),
            id="override-allowed-value",
        ),
    ],
)
def test_needs_preflight_and_preflight_headers(
    request_: FetchRequest, expected: tuple[str, str | None] | None
) -> None:
    assert needs_preflight(request_) is (expected is not None)
    if expected is not None:
        method, names = expected
        sent = [("Origin", A), ("Access-Control-Request-Method", method)]
        if names is not None:
            sent.append(("Access-Control-Request-Headers", names))
        assert preflight_headers(request_) == sent


# --- §1.5 the CORS check: Access-Control-Allow-Origin -------------------------------


@pytest.mark.parametrize(
    ("lines", "code"),
    [
        pytest.param(["*"], None, id="star-E1"),
        pytest.param([" *  "], None, id="star-padded"),
        pytest.param(["\t*"], None, id="star-tab"),
        pytest.param([OBS], None, id="exact"),
        pytest.param([" \t" + OBS + "  "], None, id="exact-padded-E31"),
        pytest.param(["*", "*"], "acao-multiple", id="two-stars-E3"),
        pytest.param([OBS, OBS], "acao-multiple", id="origin-twice"),
        pytest.param(["*", OBS], "acao-multiple", id="star-and-origin"),
        pytest.param(["*, " + OBS], "acao-list", id="comma-list-E6"),
        pytest.param([OBS + " , *"], "acao-list", id="origin-comma-star"),
        pytest.param([OBS + " http://example.com"], "acao-list", id="space-list"),
        pytest.param(["* *"], "acao-list", id="star-space-star"),
        pytest.param(["null *"], "acao-list", id="null-space-star"),
        pytest.param([OBS + "/"], "acao-trailing-slash", id="trailing-slash-E4"),
        pytest.param([OBS + "/path"], "acao-trailing-slash", id="path"),
        pytest.param(["HTTP://127.0.0.1:8001"], "acao-case-mismatch", id="scheme-upper-E7"),
        pytest.param([OBS.upper()], "acao-case-mismatch", id="all-upper"),
        pytest.param([OBS + ":80"], "acao-extra-port", id="extra-port-F14"),
        pytest.param(["null"], "acao-null", id="null-E5"),
        pytest.param(["*.example.com"], "acao-mismatch", id="star-subdomain"),
        pytest.param(["http://*.example.com"], "acao-mismatch", id="scheme-star-subdomain"),
        pytest.param(["example.com"], "acao-mismatch", id="bare-host"),
        pytest.param(["http://127.0.0.1:8002"], "acao-mismatch", id="other-origin"),
        pytest.param([""], "acao-empty", id="empty"),
        pytest.param(["**"], "acao-mismatch", id="double-star"),
        pytest.param(['"*"'], "acao-mismatch", id="quoted-star"),
        pytest.param(["http://127.0.0.1:8001\x00"], "acao-mismatch", id="nul-byte"),
        pytest.param([], "acao-missing", id="missing"),
    ],
)
def test_acao_table(lines: list[str], code: str | None) -> None:
    request = req(origin=OBS, url="http://127.0.0.1:8002/data")
    verdict = check_response(request, resp(200, *(acao(v) for v in lines), VARY))
    assert_well_formed(verdict)
    assert verdict.allowed is (code is None)
    assert verdict.codes == (() if code is None else (code,))


@pytest.mark.parametrize(
    ("credentials", "headers", "codes"),
    [
        pytest.param("omit", (acao("*"),), (), id="omit-star"),
        pytest.param("omit", (acao("*"), acac()), (), id="omit-star-acac-ignored"),
        pytest.param(
            "omit", (acao("https://rabbit.invalid/"),), ("acao-trailing-slash",), id="omit-slash"
        ),
        pytest.param("omit", (acao("https://rabbit.invalid"),), (), id="omit-origin"),
        pytest.param(
            "include",
            (acao("*"), acac()),
            ("acao-wildcard-with-credentials",),
            id="include-star-E8",
        ),
        pytest.param("include", (acao("https://rabbit.invalid"), acac()), (), id="include-ok"),
        pytest.param(
            "include",
            (acao("https://rabbit.invalid"), acac("True")),
            ("acac-not-true",),
            id="include-True-E9",
        ),
        pytest.param(
            "include", (acao("https://rabbit.invalid"),), ("acac-missing",), id="include-no-acac"
        ),
        pytest.param(
            "include", (acao("*"),), ("acao-wildcard-with-credentials", "acac-missing"), id="both"
        ),
        pytest.param("same-origin", (acao("*"), acac("True")), (), id="default-mode-F10"),
    ],
)
def test_credentials_table(
    credentials: Credentials, headers: Headers, codes: tuple[str, ...]
) -> None:
    request = FetchRequest(
        "https://rabbit.invalid", "https://api.example/", credentials=credentials
    )
    verdict = check_response(request, HTTPResponse(200, (*headers, VARY)))
    assert_well_formed(verdict)
    assert verdict.codes == codes


@pytest.mark.parametrize(
    ("lines", "code"),
    [
        pytest.param(["true"], None, id="true"),
        pytest.param([" true "], None, id="true-padded"),
        pytest.param(["TRUE"], "acac-not-true", id="upper"),
        pytest.param(["True"], "acac-not-true", id="title-E9"),
        pytest.param(['"true"'], "acac-not-true", id="quoted"),
        pytest.param(["false"], "acac-not-true", id="false"),
        pytest.param(["1"], "acac-not-true", id="one"),
        pytest.param(["0"], "acac-not-true", id="zero"),
        pytest.param(["true", "true"], "acac-not-true", id="twice"),
        pytest.param([], "acac-missing", id="missing"),
    ],
)
def test_acac_table(lines: list[str], code: str | None) -> None:
    request = req(credentials="include")
    verdict = check_response(request, resp(200, acao(A), VARY, *(acac(v) for v in lines)))
    assert verdict.codes == (() if code is None else (code,))


def test_cors_check_unknown_stage_still_reports() -> None:
    failures = cors_check(req(), resp(200), "elsewhere")
    assert [f.code for f in failures] == ["acao-missing"]
    assert failures[0].stage == "elsewhere"
    assert failures[0].message.startswith("The response has no")


# --- §1.4 the wildcard at a glance ---------------------------------------------------------


WILDCARD_PREFLIGHT = resp(204, acao(A), acac(), acam("*"), acah("*"))


@pytest.mark.parametrize(
    ("request_", "preflight", "actual", "allowed", "codes", "readable"),
    [
        pytest.param(
            req(), None, resp(200, acao("*"), ("X-Custom", "1")), True, (), set(), id="acao-omit"
        ),
        pytest.param(
            req(credentials="include"),
            None,
            resp(200, acao("*"), acac()),
            False,
            ("acao-wildcard-with-credentials",),
            set(),
            id="acao-include",
        ),
        pytest.param(
            req("PUT"),
            resp(204, acao(A), acam("*")),
            resp(200, acao(A), VARY),
            True,
            (),
            set(),
            id="acam-omit-E19",
        ),
        pytest.param(
            req("PUT", credentials="include"),
            WILDCARD_PREFLIGHT,
            resp(200, acao(A), acac(), VARY),
            False,
            ("acam-wildcard-with-credentials",),
            set(),
            id="acam-include-E20",
        ),
        pytest.param(
            req("GET", ("X-Request-ID", "1")),
            resp(204, acao(A), acah("*")),
            resp(200, acao(A), VARY),
            True,
            (),
            set(),
            id="acah-omit",
        ),
        pytest.param(
            req("GET", ("X-Request-ID", "1"), credentials="include"),
            WILDCARD_PREFLIGHT,
            resp(200, acao(A), acac(), VARY),
            False,
            ("acah-wildcard-with-credentials",),
            set(),
            id="acah-include-F1",
        ),
        pytest.param(
            req(),
            None,
            resp(200, acao("*"), aceh("*"), ("X-Custom", "1"), ("Set-Cookie", "a=1")),
            True,
            (),
            {"x-custom", "access-control-allow-origin", "access-control-expose-headers"},
            id="aceh-omit-E26",
        ),
        pytest.param(
            req(credentials="include"),
            None,
            resp(200, acao(A), acac(), VARY, aceh("*"), ("X-Custom", "1")),
            True,
            (),
            set(),
            id="aceh-include-E27",
        ),
    ],
)
def test_wildcard_table(
    request_: FetchRequest,
    preflight: HTTPResponse | None,
    actual: HTTPResponse,
    allowed: bool,
    codes: tuple[str, ...],
    readable: set[str],
) -> None:
    verdict = judge(request_, preflight, actual)
    assert_well_formed(verdict)
    assert verdict.allowed is allowed
    assert verdict.codes == codes
    assert verdict.readable_headers == frozenset(readable)


# --- §1.4 preflight status, parsing, methods, headers, max-age ------------------------


def _full_preflight(status: int) -> HTTPResponse:
    return resp(status, acao(A), acam("PUT"), acah("content-type"), VARY)


@pytest.mark.parametrize("status", range(200, 207), ids=lambda s: f"ok-{s}")
def test_preflight_ok_status(status: int) -> None:
    assert check_preflight(req("PUT", JSON), _full_preflight(status)).allowed


@pytest.mark.parametrize(
    ("status", "code"),
    [*((s, "preflight-redirect") for s in range(300, 309))]
    + [(s, "preflight-status") for s in [*range(400, 406), *range(501, 506), 100, 199, 0]],
    ids=lambda value: str(value),
)
def test_preflight_bad_status(status: int, code: str) -> None:
    verdict = check_preflight(req("PUT", JSON), _full_preflight(status))
    assert_well_formed(verdict)
    assert verdict.codes == (code,)
    assert str(status) in verdict.failures[0].message


def test_preflight_404_with_every_header_fails_E21() -> None:
    preflight = resp(404, acao(A), acac(), acam("PUT"), acah("content-type"))
    assert check_preflight(req("PUT", JSON, credentials="include"), preflight).codes == (
        "preflight-status",
    )


X_A = acah("x-a")


@pytest.mark.parametrize(
    ("headers", "codes"),
    [
        pytest.param((acam("Bad method name"), X_A), ("acam-invalid",), id="acam-space-E29"),
        pytest.param((acam('"PUT"'), X_A), ("acam-invalid",), id="acam-quoted"),
        pytest.param((acam("PUT;q=1"), X_A), ("acam-invalid",), id="acam-params"),
        pytest.param(
            (acam("PUT"), acah("header name with space")), ("acah-invalid",), id="acah-space-E30"
        ),
        pytest.param((acam("PUT"), acah("x-a, (x)")), ("acah-invalid",), id="acah-paren"),
        pytest.param(
            (acam("a b"), acah("c d")), ("acam-invalid", "acah-invalid"), id="both-invalid"
        ),
        pytest.param((acam("GET"), acam("PUT"), X_A), (), id="acam-two-lines-F4"),
        pytest.param((acam("GET,,PUT, "), X_A), (), id="acam-empty-elements"),
        pytest.param((acam("PUT"), acah("x-a, , x-b")), (), id="acah-empty-elements"),
        pytest.param((acam("PUT"), acah("x-b"), X_A), (), id="acah-two-lines"),
    ],
)
def test_preflight_list_parsing(headers: Headers, codes: tuple[str, ...]) -> None:
    verdict = check_preflight(req("PUT", ("X-A", "1")), resp(204, acao(A), *headers))
    assert_well_formed(verdict)
    assert verdict.codes == codes


def test_invalid_acam_fails_even_a_safelisted_method() -> None:
    verdict = check_preflight(req("GET", ("X-A", "1")), resp(204, acao(A), acam("a b"), acah("*")))
    assert verdict.codes == ("acam-invalid",)


@pytest.mark.parametrize(
    ("method", "credentials", "allow", "code"),
    [
        pytest.param("PUT", "omit", "PUT", None, id="put-listed"),
        pytest.param("PUT", "omit", "GET, PUT, DELETE", None, id="put-in-list"),
        pytest.param("PUT", "omit", "put", "method-case-mismatch", id="put-vs-lower-wpt"),
        pytest.param("patch", "omit", "PATCH", "method-case-mismatch", id="patch-vs-upper-E16"),
        pytest.param("patch", "omit", "patch", None, id="patch-literal-E17"),
        pytest.param("PATCH", "omit", "PATCH", None, id="patch-upper"),
        pytest.param("delete", "omit", "DELETE", None, id="delete-normalized"),
        pytest.param("DELETE", "omit", "GET, POST", "method-not-allowed", id="delete-missing"),
        pytest.param("DELETE", "omit", None, "method-not-allowed", id="no-acam"),
        pytest.param("GET", "include", None, None, id="safelisted-never-listed"),
        pytest.param("POST", "omit", "PUT", None, id="post-safelisted"),
        pytest.param("PUT", "omit", "*", None, id="star-omit-E19"),
        pytest.param("patch", "same-origin", "*", None, id="star-patch-omit"),
        pytest.param("PUT", "include", "*", "acam-wildcard-with-credentials", id="star-cred-E20"),
        pytest.param("PUT", "include", "*, PUT", None, id="star-plus-name-cred"),
    ],
)
def test_preflight_method_rules(
    method: str, credentials: Credentials, allow: str | None, code: str | None
) -> None:
    request = req(method, ("X-A", "1"), credentials=credentials)
    headers = [acao(A), acac(), acah("x-a")]
    if allow is not None:
        headers.append(acam(allow))
    verdict = check_preflight(request, resp(204, *headers))
    assert_well_formed(verdict)
    assert verdict.codes == (() if code is None else (code,))
    if code is not None:
        assert normalize_method(method) in verdict.failures[0].message


@pytest.mark.parametrize(
    ("headers", "credentials", "allow", "codes", "warnings", "strict"),
    [
        pytest.param(
            (("X-Request-ID", "1"),), "omit", "x-request-id", (), (), False, id="lower-F3"
        ),
        pytest.param(
            (("x-request-id", "1"),), "omit", "X-REQUEST-ID", (), (), False, id="upper-listed"
        ),
        pytest.param(
            (("X-Other", "1"),),
            "omit",
            "Content-Type, X-Request-ID, Authorization",
            ("header-not-allowed",),
            (),
            False,
            id="not-listed-M8",
        ),
        pytest.param(
            (("X-Other", "1"),), "omit", None, ("header-not-allowed",), (), False, id="no-acah"
        ),
        pytest.param(
            (("X-A", "1"), ("X-B", "1")),
            "omit",
            None,
            ("header-not-allowed",),
            (),
            False,
            id="two-missing-one-failure",
        ),
        pytest.param(
            (("Authorization", "Bearer t"),),
            "include",
            "authorization",
            (),
            (),
            False,
            id="authorization-listed-E15",
        ),
        pytest.param(
            (("Authorization", "Bearer t"),),
            "omit",
            "*",
            (),
            ("authorization-wildcard",),
            False,
            id="authorization-star-browsers-E14",
        ),
        pytest.param(
            (("Authorization", "Bearer t"),),
            "omit",
            "*",
            ("authorization-wildcard",),
            (),
            True,
            id="authorization-star-spec",
        ),
        pytest.param(
            (("Authorization", "Bearer t"),),
            "omit",
            "*, Authorization",
            (),
            (),
            True,
            id="authorization-star-and-named",
        ),
        pytest.param(
            (("Authorization", "Bearer t"),),
            "include",
            "*",
            ("acah-wildcard-with-credentials",),
            (),
            False,
            id="authorization-star-credentials",
        ),
        pytest.param(
            (("Accept", "a" * 130),), "omit", None, ("header-not-allowed",), (), False, id="E35"
        ),
        pytest.param(
            (("Range", "bytes=-99"),), "omit", "x-a", ("header-not-allowed",), (), False, id="E34"
        ),
        pytest.param((("Range", "bytes=-99"),), "omit", "range", (), (), False, id="range-listed"),
        pytest.param(
            tuple(("Accept-Language", "a" * 120) for _ in range(9)),
            "omit",
            "accept-language",
            (),
            (),
            False,
            id="S1-listed",
        ),
        pytest.param(
            (("X-Request-ID", "1"),),
            "include",
            "*",
            ("acah-wildcard-with-credentials",),
            (),
            False,
            id="star-credentials-F1",
        ),
    ],
)
def test_preflight_header_rules(
    headers: Headers,
    credentials: Credentials,
    allow: str | None,
    codes: tuple[str, ...],
    warnings: tuple[str, ...],
    strict: bool,
) -> None:
    request = req("GET", *headers, credentials=credentials)
    lines = [acao(A), acac()]
    if allow is not None:
        lines.append(acah(allow))
    verdict = check_preflight(request, resp(204, *lines), strict=strict)
    assert_well_formed(verdict)
    assert verdict.codes == codes
    assert verdict.warning_codes == warnings


def test_header_not_allowed_message_is_actionable() -> None:
    request = req("GET", ("X-B", "1"), ("Accept", "a" * 130))
    verdict = check_preflight(request, resp(204, acao(A), acah("X-A")))
    (failure,) = verdict.failures
    assert "accept, x-b" in failure.message
    assert "accept counts because its value is not CORS-safelisted" in failure.message
    assert failure.message.endswith("Access-Control-Allow-Headers: X-A, accept, x-b")


@pytest.mark.parametrize(
    ("lines", "warning"),
    [
        pytest.param([], None, id="absent-default-5s"),
        pytest.param(["600"], None, id="600-M1"),
        pytest.param(["0"], None, id="zero-M2"),
        pytest.param(["7200"], None, id="chromium-cap"),
        pytest.param(["007200"], None, id="leading-zeros"),
        pytest.param(["0" * 5000 + "1"], None, id="many-leading-zeros"),
        pytest.param(["7201"], "acma-above-cap", id="above-cap"),
        pytest.param(["86400"], "acma-above-cap", id="firefox-cap"),
        pytest.param(["9" * 5000], "acma-above-cap", id="huge"),
        pytest.param(["-1"], "acma-invalid", id="negative-M10"),
        pytest.param(["abc"], "acma-invalid", id="text-M9"),
        pytest.param([""], "acma-invalid", id="empty"),
        pytest.param(["10", "20"], "acma-invalid", id="two-lines-F17"),
    ],
)
def test_max_age_warnings(lines: list[str], warning: str | None) -> None:
    response = resp(204, acao(A), acam("PUT"), *(acma(v) for v in lines))
    verdict = check_preflight(req("PUT"), response)
    assert_well_formed(verdict)
    assert verdict.allowed
    assert verdict.warning_codes == (() if warning is None else (warning,))


def test_preflight_messages_follow_the_brief() -> None:
    verdict = check_preflight(req("PUT", origin="http://localhost:3000"), resp(204, acam("PUT")))
    assert verdict.failures == (
        Failure(
            "acao-missing",
            "preflight",
            "The preflight response has no Access-Control-Allow-Origin header; the server "
            "must answer with Access-Control-Allow-Origin: http://localhost:3000",
        ),
    )
    assert verdict.readable_headers == frozenset()


def test_preflight_does_not_warn_about_vary() -> None:
    verdict = check_preflight(req("PUT"), resp(204, acao(A), acam("PUT")))
    assert verdict.warnings == ()


# --- §1.7 readable headers and Vary ----------------------------------------------------


COMMON = (
    ("Content-Type", "application/json"),
    ("Content-Length", "2"),
    ("Cache-Control", "no-store"),
    ("X-Custom", "1"),
    ("Set-Cookie", "a=1"),
)
SAFE_PRESENT = {"content-type", "content-length", "cache-control"}


@pytest.mark.parametrize(
    ("credentials", "headers", "readable", "warnings"),
    [
        pytest.param("omit", (acao("*"),), SAFE_PRESENT, (), id="safelisted-only-E1"),
        pytest.param(
            "include",
            (acao(A), acac(), VARY, aceh("X-Custom")),
            SAFE_PRESENT | {"x-custom"},
            (),
            id="exposed-with-credentials-E28",
        ),
        pytest.param(
            "omit", (acao("*"), aceh("x-CUSTOM")), SAFE_PRESENT | {"x-custom"}, (), id="name-case"
        ),
        pytest.param(
            "omit",
            (acao("*"), aceh("Set-Cookie, X-Custom")),
            SAFE_PRESENT | {"x-custom"},
            (),
            id="set-cookie-never",
        ),
        pytest.param(
            "omit",
            (acao("*"), aceh("*")),
            SAFE_PRESENT
            | {"x-custom", "access-control-allow-origin", "access-control-expose-headers"},
            (),
            id="star-exposes-all-but-set-cookie-E26",
        ),
        pytest.param(
            "omit",
            (acao("*"), aceh("X-Other, *")),
            SAFE_PRESENT
            | {"x-custom", "access-control-allow-origin", "access-control-expose-headers"},
            (),
            id="star-among-names",
        ),
        pytest.param(
            "include",
            (acao(A), acac(), VARY, aceh("*")),
            SAFE_PRESENT,
            ("aceh-wildcard-with-credentials",),
            id="star-literal-with-credentials-E27",
        ),
        pytest.param(
            "omit",
            (acao("*"), aceh("X-Custom, bad name")),
            SAFE_PRESENT,
            ("aceh-invalid",),
            id="unparseable-exposes-nothing",
        ),
        pytest.param(
            "omit", (acao("*"), aceh("X-Absent")), SAFE_PRESENT, (), id="absent-name-not-readable"
        ),
        pytest.param("omit", (acao("http://evil"),), set(), (), id="blocked-reads-nothing"),
    ],
)
def test_readable_headers(
    credentials: Credentials, headers: Headers, readable: set[str], warnings: tuple[str, ...]
) -> None:
    verdict = check_response(req(credentials=credentials), HTTPResponse(200, COMMON + headers))
    assert_well_formed(verdict)
    assert verdict.readable_headers == frozenset(readable)
    assert set(warnings) <= set(verdict.warning_codes)


def test_aceh_star_with_credentials_suggests_the_hidden_names() -> None:
    verdict = check_response(
        req(credentials="include"), HTTPResponse(200, (*COMMON, acao(A), acac(), VARY, aceh("*")))
    )
    (warning,) = verdict.warnings
    assert warning.message.endswith("Access-Control-Expose-Headers: vary, x-custom")


def test_aceh_suggestions_fall_back_to_an_example() -> None:
    star = check_response(req(credentials="include"), resp(200, acao(A), acac(), VARY, aceh("*")))
    bad = check_response(req(), resp(200, acao("*"), aceh("a b")))
    assert star.warnings[0].message.endswith(": vary")
    assert bad.warnings[0].message.endswith(": X-Custom")
    only_star = check_response(req(credentials="include"), resp(200, acao(A), acac(), aceh("*")))
    assert only_star.warnings[-1].message.endswith(": X-Custom")


@pytest.mark.parametrize(
    ("headers", "warned"),
    [
        pytest.param((acao(A),), True, id="specific-without-vary"),
        pytest.param((acao(A), ("Vary", "Origin")), False, id="vary-origin"),
        pytest.param((acao(A), ("Vary", "accept-encoding, ORIGIN")), False, id="vary-list"),
        pytest.param((acao(A), ("Vary", "Accept"), ("Vary", "Origin")), False, id="vary-lines"),
        pytest.param((acao(A), ("Vary", "*")), False, id="vary-star"),
        pytest.param((acao(A), ("Vary", "Origins")), True, id="vary-other-token"),
        pytest.param((acao("*"),), False, id="star-needs-no-vary"),
        pytest.param((acao("http://other"),), True, id="blocked-still-warned"),
    ],
)
def test_vary_origin_warning(headers: Headers, warned: bool) -> None:
    verdict = check_response(req(), HTTPResponse(200, headers))
    assert ("vary-origin-missing" in verdict.warning_codes) is warned


def test_null_origin_answered_with_null_is_allowed_but_warned() -> None:
    verdict = check_response(req(origin="null"), resp(200, acao("null")))
    assert verdict.allowed
    assert "acao-null-origin" in verdict.warning_codes


# --- §1.6/§1.10 redirects ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("request_", "status", "headers", "codes", "warnings", "readable"),
    [
        pytest.param(
            req(), 302, (acao(A), VARY, ("Location", B + "/other")), (), (), set(), id="same-R1"
        ),
        pytest.param(
            req(), 302, (("Location", B + "/other"),), ("acao-missing",), (), set(), id="no-acao-R2"
        ),
        pytest.param(
            req(), 308, (acao(A), VARY, ("Location", "/items/")), (), (), set(), id="relative-R3"
        ),
        pytest.param(
            req(),
            302,
            (acao(A), VARY, ("Location", C + "/data")),
            (),
            ("redirect-origin-null",),
            set(),
            id="to-third-origin-R4",
        ),
        pytest.param(
            req(),
            302,
            (acao(A), VARY, ("Location", A + "/back")),
            (),
            ("redirect-origin-null",),
            set(),
            id="back-to-page-R7",
        ),
        pytest.param(
            req("GET", ("Authorization", "Bearer t")),
            302,
            (acao(A), VARY, ("Location", C + "/data")),
            (),
            ("redirect-origin-null", "redirect-drops-authorization"),
            set(),
            id="authorization-stripped-G1",
        ),
        pytest.param(
            req("GET", ("Authorization", "Bearer t"), url=A + "/x"),
            302,
            (acao(A), ("Location", C + "/data")),
            (),
            ("redirect-drops-authorization",),
            set(),
            id="same-origin-url-to-cross-origin",
        ),
        pytest.param(
            req(),
            302,
            (acao(A), VARY, ("Location", "ftp://example.com/")),
            ("redirect-scheme",),
            (),
            set(),
            id="non-http-scheme",
        ),
        pytest.param(
            req(),
            307,
            (acao(A), VARY, ("Location", "http://u:p@localhost:5002/x")),
            ("redirect-credentials",),
            (),
            set(),
            id="userinfo-G3",
        ),
        pytest.param(
            req(),
            302,
            (acao(A), VARY, ("Location", "http://[::1")),
            ("redirect-location-invalid",),
            (),
            set(),
            id="unparseable",
        ),
        pytest.param(
            req(),
            302,
            (acao(A), VARY, ("Location", "http://a b/")),
            ("redirect-location-invalid",),
            (),
            set(),
            id="bad-host",
        ),
        pytest.param(
            req(),
            301,
            (acao(A), VARY, ("Location", "/a"), ("Location", "/b")),
            ("redirect-location-invalid",),
            (),
            set(),
            id="two-locations",
        ),
        pytest.param(
            req(),
            302,
            (acao(A), VARY, ("Content-Type", "text/html")),
            (),
            (),
            {"content-type"},
            id="no-location-is-the-response",
        ),
        pytest.param(
            req(), 304, (acao(A), VARY, ("Location", C)), (), (), set(), id="304-not-a-redirect"
        ),
    ],
)
def test_redirects(
    request_: FetchRequest,
    status: int,
    headers: Headers,
    codes: tuple[str, ...],
    warnings: tuple[str, ...],
    readable: set[str],
) -> None:
    verdict = check_response(request_, HTTPResponse(status, headers))
    assert_well_formed(verdict)
    assert verdict.codes == codes
    assert tuple(w for w in verdict.warning_codes if w.startswith("redirect-")) == warnings
    assert verdict.readable_headers == frozenset(readable)
    expected_stage = "response" if status == 304 else "redirect"
    assert all(f.stage == expected_stage for f in verdict.failures)


def test_redirect_failure_stage_is_redirect() -> None:
    verdict = judge(req(), None, resp(302, ("Location", B + "/x")))
    assert verdict.failures[0].stage == "redirect"
    assert "redirect response" in verdict.failures[0].message


# --- judge(): the whole flow ---------------------------------------------------------


@pytest.mark.parametrize(
    ("request_", "preflight", "actual", "codes", "warnings"),
    [
        pytest.param(req("TRACE"), None, resp(), ("method-forbidden",), (), id="trace"),
        pytest.param(req("GET POST"), None, resp(), ("method-invalid",), (), id="not-a-token"),
        pytest.param(
            req("GET", ("X A", "1")), None, resp(), ("request-header-invalid",), (), id="name"
        ),
        pytest.param(
            req("GET", ("X-A", "a\nb")), None, resp(), ("request-header-invalid",), (), id="lf"
        ),
        pytest.param(
            req("GET", ("X-A", "\u0100")), None, resp(), ("request-header-invalid",), (), id="wide"
        ),
        pytest.param(req(url="ftp://x/"), None, resp(), ("url-invalid",), (), id="ftp-url"),
        pytest.param(
            req(url="http://u:p@localhost:5002/"), None, resp(), ("url-invalid",), (), id="userinfo"
        ),
        pytest.param(
            req("GET", ("Cookie", "a=1")),
            None,
            resp(200, acao(A), VARY),
            (),
            ("request-header-forbidden",),
            id="cookie-dropped",
        ),
        pytest.param(
            req(origin=A + "/"),
            None,
            resp(200, acao("*")),
            (),
            ("origin-not-serialized",),
            id="origin-with-slash",
        ),
        pytest.param(
            req(origin="localhost:5001"),
            None,
            resp(200, acao("*")),
            (),
            ("origin-not-serialized",),
            id="origin-garbage",
        ),
        pytest.param(req(origin="null"), None, resp(200, acao("*")), (), (), id="origin-null-ok"),
        pytest.param(req("PUT"), None, resp(200, acao(A)), ("preflight-missing",), (), id="no-pf"),
        pytest.param(
            req("PUT"),
            resp(204, acao(A)),
            resp(200, acao(A), VARY),
            ("method-not-allowed",),
            (),
            id="preflight-fails-actual-ignored",
        ),
        pytest.param(
            req("PUT"),
            resp(204, acao(A), acam("PUT")),
            resp(200),
            ("acao-missing",),
            (),
            id="preflight-ok-actual-fails",
        ),
        pytest.param(
            req("PUT"),
            resp(204, acao(A), acam("PUT"), acma("99999")),
            None,
            ("response-missing",),
            ("acma-above-cap",),
            id="no-actual-response",
        ),
        pytest.param(
            req("GET", ("Authorization", "t")),
            resp(204, acao("*"), acah("*"), acma("-1")),
            resp(200, acao(A)),
            (),
            ("authorization-wildcard", "acma-invalid", "vary-origin-missing"),
            id="warnings-accumulate",
        ),
        pytest.param(
            req("GET"),
            resp(404),
            resp(200, acao("*")),
            (),
            (),
            id="unneeded-preflight-ignored",
        ),
    ],
)
def test_judge_flow(
    request_: FetchRequest,
    preflight: HTTPResponse | None,
    actual: HTTPResponse | None,
    codes: tuple[str, ...],
    warnings: tuple[str, ...],
) -> None:
    verdict = judge(request_, preflight, actual)
    assert_well_formed(verdict)
    assert verdict.codes == codes
    assert verdict.warning_codes == warnings
    assert verdict.allowed is (not codes)


def test_judge_same_origin_is_always_allowed() -> None:
    request = req("PUT", JSON, ("X-A", "1"), url=A + "/api", credentials="include")
    verdict = judge(request, None, resp(500, ("X-A", "1"), ("Set-Cookie", "a=1"), JSON))
    assert verdict == Verdict(True, (), (), False, frozenset({"x-a", "content-type"}))
    assert judge(request, None, None).readable_headers == frozenset()


def test_judge_preflight_missing_says_what_the_browser_sends() -> None:
    verdict = judge(req("PUT", JSON), None, resp(200, acao(A)))
    message = verdict.failures[0].message
    assert "Access-Control-Request-Method: PUT" in message
    assert "Access-Control-Request-Headers: content-type" in message
    assert verdict.preflight_needed


def test_judge_strict_blocks_authorization_under_star() -> None:
    request = req("GET", ("Authorization", "Bearer t"))
    preflight = resp(204, acao("*"), acah("*"))
    actual = resp(200, acao("*"))
    assert judge(request, preflight, actual).allowed
    strict = judge(request, preflight, actual, strict=True)
    assert strict.codes == ("authorization-wildcard",)


# --- §4.2 browser scenarios (Chromium 156 verdicts) --------------------------------------

# The server's answers under the §4.2 default configuration.
DEFAULT_PREFLIGHT = resp(
    204,
    acao(A),
    acam("GET, HEAD, POST, PUT, PATCH, DELETE"),
    acah("Content-Type, X-Request-ID, Authorization"),
    VARY,
)
DEFAULT_ACTUAL = resp(200, acao(A), VARY, ("Content-Type", "application/json"))


def pf(*extra: tuple[str, str], status: int = 204) -> HTTPResponse:
    return resp(status, acao(A), VARY, *extra)


def ok(*extra: tuple[str, str], status: int = 200) -> HTTPResponse:
    return resp(status, acao(A), VARY, ("Content-Type", "application/json"), *extra)


@dataclass(frozen=True)
class Scenario:
    request: FetchRequest
    preflight: HTTPResponse | None
    actual: HTTPResponse | None
    allowed: bool
    preflight_needed: bool
    codes: tuple[str, ...] = ()
    readable: frozenset[str] | None = None
    warnings: tuple[str, ...] = ()


CT = frozenset({"content-type"})

SCENARIOS = [
    pytest.param(
        Scenario(
            req(),
            None,
            resp(
                200,
                acao("*"),
                ("Content-Type", "text/plain"),
                ("Content-Length", "2"),
                ("Cache-Control", "max-age=0"),
                ("X-Custom", "1"),
            ),
            True,
            False,
            readable=frozenset({"content-type", "content-length", "cache-control"}),
        ),
        id="01-star-E1",
    ),
    pytest.param(Scenario(req(), None, DEFAULT_ACTUAL, True, False, readable=CT), id="02-E10"),
    pytest.param(
        Scenario(req(), None, resp(200, VARY), False, False, ("acao-missing",)),
        id="03-disallowed-E2",
    ),
    pytest.param(Scenario(req("HEAD"), None, DEFAULT_ACTUAL, True, False), id="04-head-F12"),
    pytest.param(
        Scenario(
            req("POST", ("Content-Type", "text/plain;charset=UTF-8")),
            None,
            DEFAULT_ACTUAL,
            True,
            False,
        ),
        id="05-text-E12",
    ),
    pytest.param(
        Scenario(
            req("POST", ("Content-Type", "application/x-www-form-urlencoded;charset=UTF-8")),
            None,
            DEFAULT_ACTUAL,
            True,
            False,
        ),
        id="06-urlencoded-F15",
    ),
    pytest.param(
        Scenario(
            req("POST", ("Content-Type", "multipart/form-data; boundary=----WebKitFormBoundaryx")),
            None,
            DEFAULT_ACTUAL,
            True,
            False,
        ),
        id="07-form-data",
    ),
    pytest.param(
        Scenario(req("POST", JSON), DEFAULT_PREFLIGHT, DEFAULT_ACTUAL, True, True),
        id="08-json-E11",
    ),
    pytest.param(
        Scenario(
            req("POST", JSON),
            pf(acam("GET, HEAD, POST, PUT, PATCH, DELETE")),
            DEFAULT_ACTUAL,
            False,
            True,
            ("header-not-allowed",),
        ),
        id="09-json-no-allow-headers",
    ),
    pytest.param(
        Scenario(req("PUT", JSON), DEFAULT_PREFLIGHT, DEFAULT_ACTUAL, True, True), id="10-put-P0"
    ),
    pytest.param(
        Scenario(req("DELETE"), DEFAULT_PREFLIGHT, DEFAULT_ACTUAL, True, True), id="11-delete-F11"
    ),
    pytest.param(
        Scenario(
            req("DELETE"),
            pf(acam("GET, POST")),
            DEFAULT_ACTUAL,
            False,
            True,
            ("method-not-allowed",),
        ),
        id="12-delete-not-configured",
    ),
    pytest.param(
        Scenario(
            req("patch"),
            DEFAULT_PREFLIGHT,
            DEFAULT_ACTUAL,
            False,
            True,
            ("method-case-mismatch",),
        ),
        id="13-lower-patch-E16",
    ),
    pytest.param(
        Scenario(req("patch"), pf(acam("patch")), DEFAULT_ACTUAL, True, True),
        id="13-lower-patch-echoed-E17",
    ),
    pytest.param(
        Scenario(req("PATCH"), DEFAULT_PREFLIGHT, DEFAULT_ACTUAL, True, True), id="14-PATCH"
    ),
    pytest.param(
        Scenario(req("GET", ("X-Request-ID", "1")), DEFAULT_PREFLIGHT, DEFAULT_ACTUAL, True, True),
        id="15-x-request-id-F3",
    ),
    pytest.param(
        Scenario(
            req("GET", ("X-Other", "1")),
            DEFAULT_PREFLIGHT,
            DEFAULT_ACTUAL,
            False,
            True,
            ("header-not-allowed",),
        ),
        id="16-x-other-M8",
    ),
    pytest.param(
        Scenario(
            req("GET", ("Authorization", "Bearer t")),
            DEFAULT_PREFLIGHT,
            DEFAULT_ACTUAL,
            True,
            True,
        ),
        id="17-authorization-E15",
    ),
    pytest.param(
        Scenario(
            req("GET", ("Authorization", "Bearer t")),
            resp(204, acao("*"), acah("*")),
            resp(200, acao("*")),
            True,
            True,
            warnings=("authorization-wildcard",),
        ),
        id="18-authorization-star-E14",
    ),
    pytest.param(
        Scenario(
            req(credentials="include"),
            None,
            ok(acac()),
            True,
            False,
            readable=CT,
        ),
        id="19-credentials-E10-K2",
    ),
    pytest.param(
        Scenario(
            req(credentials="include"),
            None,
            resp(200, acao("*"), acac()),
            False,
            False,
            ("acao-wildcard-with-credentials",),
        ),
        id="20-star-with-credentials-E8",
    ),
    pytest.param(
        Scenario(req(credentials="include"), None, ok(), False, False, ("acac-missing",)),
        id="21-no-acac",
    ),
    pytest.param(
        Scenario(
            req(credentials="include"), None, ok(acac("True")), False, False, ("acac-not-true",)
        ),
        id="22-acac-True-E9",
    ),
    pytest.param(
        Scenario(
            req("PUT", JSON, credentials="include"),
            DEFAULT_PREFLIGHT,
            ok(acac()),
            False,
            True,
            ("acac-missing",),
        ),
        id="23-acac-only-on-actual-E32",
    ),
    pytest.param(
        Scenario(
            req("GET", ("X-Request-ID", "1"), credentials="include"),
            pf(acac(), acah("*")),
            ok(acac()),
            False,
            True,
            ("acah-wildcard-with-credentials",),
        ),
        id="24-acah-star-credentials-F1",
    ),
    pytest.param(
        Scenario(
            req("GET", ("X-Request-ID", "1"), credentials="include"),
            pf(acac(), acah("X-Request-ID")),
            ok(acac()),
            True,
            True,
        ),
        id="24-acah-explicit-credentials-F2",
    ),
    pytest.param(
        Scenario(
            req("PUT", credentials="include"),
            pf(acac(), acam("*")),
            ok(acac()),
            False,
            True,
            ("acam-wildcard-with-credentials",),
        ),
        id="25-acam-star-credentials-E20",
    ),
    pytest.param(
        Scenario(req("PUT"), pf(acam("*")), ok(), True, True), id="25-acam-star-no-credentials-E19"
    ),
    pytest.param(
        Scenario(req(), None, ok(("X-Custom", "1")), True, False, readable=CT),
        id="26-not-exposed-E1",
    ),
    pytest.param(
        Scenario(
            req(credentials="include"),
            None,
            ok(acac(), aceh("X-Custom"), ("X-Custom", "1")),
            True,
            False,
            readable=CT | {"x-custom"},
        ),
        id="27-exposed-credentials-E28",
    ),
    pytest.param(
        Scenario(
            req(),
            None,
            ok(aceh("*"), ("X-Custom", "1"), ("Set-Cookie", "a=1")),
            True,
            False,
            readable=CT
            | {"x-custom", "vary", "access-control-allow-origin", "access-control-expose-headers"},
        ),
        id="28-expose-star-E26",
    ),
    pytest.param(
        Scenario(
            req(credentials="include"),
            None,
            ok(acac(), aceh("*"), ("X-Custom", "1"), ("Set-Cookie", "a=1")),
            True,
            False,
            readable=CT,
            warnings=("aceh-wildcard-with-credentials",),
        ),
        id="28-expose-star-credentials-E27",
    ),
    pytest.param(
        Scenario(req(url=B + "/missing"), None, ok(status=404), True, False, readable=CT),
        id="34-404-with-cors-E24",
    ),
    pytest.param(
        Scenario(req(), None, resp(500), False, False, ("acao-missing",)),
        id="35-500-without-cors-E25",
    ),
    pytest.param(
        Scenario(req(), None, ok(status=500), True, False, readable=CT), id="35-500-with-cors"
    ),
    pytest.param(
        Scenario(req("PUT", JSON), DEFAULT_PREFLIGHT, ok(status=404), True, True, readable=CT),
        id="36-preflight-before-routing-E22",
    ),
    pytest.param(
        Scenario(
            req("PUT", JSON),
            resp(404),
            None,
            False,
            True,
            ("preflight-status", "acao-missing", "method-not-allowed", "header-not-allowed"),
        ),
        id="36-router-404-E21",
    ),
    pytest.param(
        Scenario(req(url=B + "/items"), None, ok(("Location", "/items/"), status=308), True, False),
        id="37-308-with-cors-R3",
    ),
    pytest.param(
        Scenario(
            req(url=B + "/items"),
            None,
            resp(308, ("Location", "/items/")),
            False,
            False,
            ("acao-missing",),
        ),
        id="37-308-without-cors-R2",
    ),
    pytest.param(
        Scenario(
            req("POST", JSON, url=B + "/items"),
            resp(308, ("Location", "/items/")),
            None,
            False,
            True,
            ("preflight-redirect", "acao-missing", "header-not-allowed"),
        ),
        id="38-router-308-E23",
    ),
    pytest.param(
        Scenario(
            req("POST", JSON, url=B + "/items"),
            DEFAULT_PREFLIGHT,
            ok(("Location", "/items/"), status=308),
            True,
            True,
        ),
        id="38-extension-answers-then-308-R8",
    ),
    pytest.param(
        Scenario(
            req(origin="null", url=C + "/data"),
            None,
            resp(200, acao(A), VARY),
            False,
            False,
            ("acao-mismatch",),
        ),
        id="39-null-at-C-R5",
    ),
    pytest.param(
        Scenario(req(origin="null", url=C + "/data"), None, resp(200, acao("*")), True, False),
        id="40-null-at-C-star-R4",
    ),
    pytest.param(
        Scenario(
            req(),
            None,
            ok(("Location", C + "/data"), status=302),
            True,
            False,
            readable=frozenset(),
            warnings=("redirect-origin-null",),
        ),
        id="39-B-redirects-to-C-R4",
    ),
    pytest.param(
        Scenario(req(origin="null", url=A + "/back"), None, resp(200, acao("*")), True, False),
        id="42-null-back-at-A-R7",
    ),
    pytest.param(
        Scenario(req(origin="null"), None, DEFAULT_ACTUAL, False, False, ("acao-mismatch",)),
        id="43-sandboxed-iframe-N",
    ),
    pytest.param(
        Scenario(req(origin="null"), None, resp(200, acao("*")), True, False),
        id="44-sandboxed-iframe-star-N",
    ),
    pytest.param(
        Scenario(
            req(origin="null"),
            None,
            resp(200, acao("null"), VARY),
            True,
            False,
            warnings=("acao-null-origin",),
        ),
        id="45-raw-acao-null-N",
    ),
    pytest.param(
        Scenario(req(), None, resp(200, acao(A), acao(A), VARY), False, False, ("acao-multiple",)),
        id="46-duplicate-acao-E3",
    ),
    pytest.param(
        Scenario(req(), None, resp(200, acao("*"), acao("*")), False, False, ("acao-multiple",)),
        id="46-duplicate-star-E3",
    ),
    pytest.param(
        Scenario(
            req(), None, resp(200, acao(A + "/"), VARY), False, False, ("acao-trailing-slash",)
        ),
        id="47-trailing-slash-E4",
    ),
    pytest.param(
        Scenario(
            req(credentials="include"),
            None,
            resp(200, acao("*"), acac(), ("Set-Cookie", "t=1")),
            False,
            False,
            ("acao-wildcard-with-credentials",),
        ),
        id="50-blocked-K4",
    ),
    pytest.param(
        Scenario(req("GET", ("Range", "bytes=0-99")), None, ok(status=206), True, False),
        id="51-range-E33",
    ),
    pytest.param(
        Scenario(
            req("GET", ("Range", "bytes=-99")),
            DEFAULT_PREFLIGHT,
            ok(status=206),
            False,
            True,
            ("header-not-allowed",),
        ),
        id="51-suffix-range-E34",
    ),
    pytest.param(
        Scenario(
            req("GET", ("Accept", "a" * 130)),
            DEFAULT_PREFLIGHT,
            DEFAULT_ACTUAL,
            False,
            True,
            ("header-not-allowed",),
        ),
        id="52-long-accept-E35",
    ),
    pytest.param(
        Scenario(
            req("GET", *(("Accept-Language", "a" * 120) for _ in range(9))),
            DEFAULT_PREFLIGHT,
            DEFAULT_ACTUAL,
            False,
            True,
            ("header-not-allowed",),
        ),
        id="52-nine-accept-language-S1",
    ),
]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_browser_scenarios(scenario: Scenario) -> None:
    verdict = judge(scenario.request, scenario.preflight, scenario.actual)
    assert_well_formed(verdict)
    assert verdict.allowed is scenario.allowed
    assert verdict.preflight_needed is scenario.preflight_needed
    assert verdict.codes == scenario.codes
    assert set(scenario.warnings) <= set(verdict.warning_codes)
    if scenario.readable is not None:
        assert verdict.readable_headers == scenario.readable


# --- data model helpers ----------------------------------------------------------------


def test_http_response_get_combines_per_fetch() -> None:
    response = resp(200, ("X-A", " 1 "), ("x-a", "2"), ("Other", "3"))
    assert response.get("X-A") == "1, 2"
    assert response.get("x-b") is None
    assert response.get_all("X-A") == ["1", "2"]
    assert response.names() == frozenset({"x-a", "other"})


def test_header_lookup_is_ascii_case_insensitive_only() -> None:
    # KELVIN SIGN lower-cases to "k" with str.lower(); Fetch's byte comparison does not.
    response = resp(200, ("\u212aey", "v"))
    assert response.get("key") is None


def test_failure_and_verdict_helpers() -> None:
    failure = Failure("acao-missing", "response", "Text; more")
    assert str(failure) == "[response] acao-missing: Text; more"
    verdict = Verdict(False, (failure,), (failure,), False, frozenset())
    assert verdict.codes == ("acao-missing",)
    assert verdict.warning_codes == ("acao-missing",)


def test_failure_codes_are_kebab_case() -> None:
    for code, description in FAILURE_CODES.items():
        assert code == code.lower()
        assert code.replace("-", "").isalnum()
        assert description


# --- robustness: never raise ------------------------------------------------------------

_text = st.text(max_size=40)
_pairs = st.lists(st.tuples(_text, _text), max_size=6).map(tuple)
_cors_names = st.sampled_from(
    [
        "Access-Control-Allow-Origin",
        "Access-Control-Allow-Credentials",
        "Access-Control-Allow-Methods",
        "Access-Control-Allow-Headers",
        "Access-Control-Expose-Headers",
        "Access-Control-Max-Age",
        "Location",
        "Vary",
    ]
)
_response_headers = st.lists(st.tuples(_cors_names, _text), max_size=8).map(tuple)


@settings(max_examples=200, deadline=None)
@given(
    origin=st.one_of(st.just(A), st.just("null"), _text),
    url=st.one_of(st.just(B + "/x"), _text),
    method=st.one_of(st.sampled_from(["GET", "put", "patch", "TRACE"]), _text),
    request_headers=_pairs,
    credentials=st.sampled_from(["omit", "same-origin", "include"]),
    status=st.integers(min_value=-1, max_value=1000),
    preflight_headers_=_response_headers,
    actual_headers=st.one_of(_response_headers, _pairs),
    strict=st.booleans(),
)
def test_never_raises(
    origin: str,
    url: str,
    method: str,
    request_headers: Headers,
    credentials: Credentials,
    status: int,
    preflight_headers_: Headers,
    actual_headers: Headers,
    strict: bool,
) -> None:
    request = FetchRequest(origin, url, method, request_headers, credentials)
    preflight = HTTPResponse(status, preflight_headers_)
    actual = HTTPResponse(status, actual_headers)
    verdict = judge(request, preflight, actual, strict=strict)
    assert_well_formed(verdict)
    for result in (check_preflight(request, preflight), check_response(request, actual)):
        assert_well_formed(result)
    preflight_headers(request)
    needs_preflight(request)
