"""One test (or a few) per misconfiguration class of cors-rules.md §3, proving that
crossorigin refuses it at start-up or neutralises it at request time.

docs/security.md maps each class to these tests. At the end: regression tests for
the bugs the hardening suite found (each was a strict xfail until fixed).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask, Response

from crossorigin import CORS, ConfigError, cross_origin
from crossorigin.core.fetchcheck import (
    FetchRequest,
    judge,
    needs_preflight,
    normalize_method,
    preflight_headers,
)
from shared.headers import ACAC, ACAH, ACAM, ACAO, ACEH

from .support import (
    SERVER,
    as_http,
    assert_well_formed,
    send,
    vary_tokens,
)

TRUSTED = "https://app.example.com"
EVIL = "https://evil.example.net"


def make_app(**options: Any) -> Flask:
    app = Flask(__name__)
    app.logger.disabled = True

    @app.route("/api/data", methods=["GET", "POST", "PUT", "DELETE"])
    def data() -> Response:
        return Response("ok", headers={"X-Total": "3"})

    @app.route("/api/boom")
    def boom() -> str:
        raise RuntimeError("boom")

    @app.route("/api/folder/")
    def folder() -> str:
        return "ok"

    CORS(app, **options)
    return app


def get(app: Flask, path: str, origin: str | None, method: str = "GET") -> Any:
    environ = {} if origin is None else {"HTTP_ORIGIN": origin}
    return send(app.test_client(), method, path, environ=environ)


def preflight(app: Flask, path: str, origin: str, method: str = "GET", headers: str = "") -> Any:
    environ = {"HTTP_ORIGIN": origin, "HTTP_ACCESS_CONTROL_REQUEST_METHOD": method}
    if headers:
        environ["HTTP_ACCESS_CONTROL_REQUEST_HEADERS"] = headers
    return send(app.test_client(), "OPTIONS", path, environ=environ)


def browser(app: Flask, request: FetchRequest, *, strict: bool = False) -> Any:
    """What a page would see: the preflight when one is needed, then the request."""
    path = request.url[len(SERVER) :]
    client = app.test_client()
    pre = None
    if needs_preflight(request):
        pre = as_http(send(client, "OPTIONS", path, preflight_headers(request)))
    method = normalize_method(request.method)
    actual = send(client, method, path, [("Origin", request.origin), *request.headers])
    return judge(request, pre, as_http(actual), strict=strict)


def refused(response: Any) -> bool:
    return response.headers.get(ACAO) is None and response.headers.get(ACAC) is None


def config_error(**options: Any) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        make_app(**options)
    return info.value


# -- §3.1 reflecting any origin, especially with credentials ------------------------


@pytest.mark.parametrize("origins", ["*", ["*"], [TRUSTED, "*"], re.compile(".*")])
def test_credentials_with_any_origin_are_refused(origins: Any) -> None:
    assert config_error(origins=origins, supports_credentials=True).id == "E301"
    with pytest.raises(ConfigError, match="E301"):
        cross_origin(origins=origins, supports_credentials=True)
    app = Flask(__name__)
    app.config.update(CORS_ORIGINS=origins, CORS_SUPPORTS_CREDENTIALS=True)
    with pytest.raises(ConfigError, match="E301"):
        CORS(app)


@pytest.mark.parametrize("pattern", [r"https://.*", r"https://[^/]+", r"http://.*", r".+"])
def test_credentials_with_a_regex_admitting_every_site_of_a_scheme_are_refused(
    pattern: str,
) -> None:
    assert config_error(origins=[re.compile(pattern)], supports_credentials=True).id == "E301"


@pytest.mark.parametrize("origin", [EVIL, "null", "https://x\r\nSet-Cookie: a=b", ""])
def test_any_origin_sends_the_literal_wildcard_never_a_reflection(origin: str) -> None:
    app = make_app(origins="*")
    for response in (get(app, "/api/data", origin), preflight(app, "/api/data", origin)):
        assert response.headers.get(ACAO) == "*"
        assert response.headers.get(ACAC) is None


def test_reflection_happens_only_after_an_exact_match() -> None:
    app = make_app(origins=[TRUSTED], supports_credentials=True)
    assert get(app, "/api/data", TRUSTED).headers[ACAO] == TRUSTED
    assert refused(get(app, "/api/data", EVIL))
    assert refused(get(app, "/api/data", TRUSTED.upper()))


# -- §3.2 trusting null ---------------------------------------------------------------


@pytest.mark.parametrize("entry", ["null", "NULL", " null ", ["https://a.com", "null"]])
def test_configured_null_is_refused(entry: Any) -> None:
    assert config_error(origins=entry).id == "E103"


@pytest.mark.parametrize(
    "origins",
    [
        [TRUSTED],
        ["https://*.example.com"],
        [re.compile(r"[a-z]+")],
        [re.compile(r"null|https://app\.example\.com")],
    ],
)
def test_request_origin_null_is_never_granted_by_a_list_or_a_pattern(origins: Any) -> None:
    app = make_app(origins=origins, supports_credentials=True)
    assert refused(get(app, "/api/data", "null"))
    assert refused(preflight(app, "/api/data", "null"))


def test_request_origin_null_never_reaches_an_origins_callable() -> None:
    seen: list[str] = []

    def lookup(origin: str) -> bool:
        seen.append(origin)
        return True

    app = make_app(origins=[lookup], supports_credentials=True)
    assert refused(get(app, "/api/data", "null"))
    assert refused(preflight(app, "/api/data", "null"))
    assert seen == []


# -- §3.3 regexes with unescaped dots or missing anchors ------------------------------


@pytest.mark.parametrize(
    "pattern", [r"https://api.example.com", r"^https://.*example.com$", r"https://(www|api).a\.com"]
)
def test_regex_with_an_unescaped_dot_is_refused(pattern: str) -> None:
    error = config_error(origins=[re.compile(pattern)])
    assert error.id == "E107"
    assert r"\." in str(error)  # the message shows the escaped pattern


@pytest.mark.parametrize(
    "pattern",
    [
        r"https://app\.example\.com.*",
        r"https://app\.example\.com[^/]*",
        r"https://.*\.example\.com.+",
    ],
)
@pytest.mark.parametrize("credentials", [True, False])
def test_regex_that_lets_the_origin_go_on_past_the_host_is_refused(
    pattern: str, credentials: bool
) -> None:
    """The regex form of a missing end anchor: app.example.com.evil.net would be granted."""
    error = config_error(origins=[re.compile(pattern)], supports_credentials=credentials)
    assert error.id == "E109"
    assert re.compile(pattern).fullmatch("https://app.example.com.evil.net")
    assert "end it at the host" in str(error)


@pytest.mark.parametrize("entry", [r"https://.*\.example\.com", r"^https://app\.example\.com$"])
def test_regex_looking_string_is_refused_not_matched_as_a_prefix(entry: str) -> None:
    error = config_error(origins=[entry])
    assert error.id == "E104"
    assert "re.compile(" in str(error)


@pytest.mark.parametrize(
    "origin",
    [
        "https://api.example.com.evil.net",
        "https://api.example.com:8443",
        "https://apixexample.com",
        "https://xapi.example.com",
        "http://api.example.com",
    ],
)
def test_compiled_regex_must_match_the_whole_origin(origin: str) -> None:
    app = make_app(origins=[re.compile(r"https://api\.example\.com")], supports_credentials=True)
    assert (
        get(app, "/api/data", "https://api.example.com").headers[ACAO] == "https://api.example.com"
    )
    assert refused(get(app, "/api/data", origin))


# -- §3.4 prefix and suffix matching ---------------------------------------------------


@pytest.mark.parametrize(
    "origin",
    [
        "https://example.com.evil.net",
        "https://evilexample.com",
        "https://example.computer",
        "https://example.com%60.evil.net",
        "https://example.com@evil.net",
        "https://evil.net#example.com",
        "https://example.com_.evil.net",
    ],
)
def test_exact_and_subdomain_origins_never_match_by_prefix_or_suffix(origin: str) -> None:
    for origins in (["https://example.com"], ["https://*.example.com"]):
        app = make_app(origins=origins, supports_credentials=True)
        assert refused(get(app, "/api/data", origin)), (origins, origin)
        assert refused(preflight(app, "/api/data", origin)), (origins, origin)


def test_subdomain_wildcard_needs_a_label_boundary_and_excludes_the_apex() -> None:
    app = make_app(origins=["https://*.example.com"], supports_credentials=True)
    assert (
        get(app, "/api/data", "https://a.b.example.com").headers[ACAO] == "https://a.b.example.com"
    )
    assert refused(get(app, "/api/data", "https://example.com"))
    assert refused(get(app, "/api/data", "https://evil-example.com"))
    assert config_error(origins=["https://*example.com"]).id == "E105"
    assert config_error(origins=["https://api*.example.com"]).id == "E105"
    assert config_error(origins=["https://api.*.example.com"]).id == "E104"  # looks like a regex


# -- §3.5 http origins from an https application -----------------------------------------


def test_scheme_is_part_of_the_match() -> None:
    app = make_app(origins=[TRUSTED, "https://*.example.org"], supports_credentials=True)
    assert refused(get(app, "/api/data", "http://app.example.com"))
    assert refused(get(app, "/api/data", "http://a.example.org"))


@pytest.mark.parametrize(
    "origin", ["http://localhost:3000", "http://127.0.0.1:8080", "http://[::1]:5000"]
)
def test_loopback_http_origins_with_credentials_are_accepted_for_development(origin: str) -> None:
    app = make_app(origins=[origin], supports_credentials=True)
    response = get(app, "/api/data", origin)
    assert response.headers[ACAO] == origin and response.headers[ACAC] == "true"


@pytest.mark.parametrize(
    "origins", [["http://app.example.com"], ["http://*.example.com"], ["http://10.0.0.5:*"]]
)
def test_non_loopback_http_origin_with_credentials_is_refused(origins: list[str]) -> None:
    assert config_error(origins=origins, supports_credentials=True).id == "E304"
    app = make_app(
        origins=origins, supports_credentials=True, dangerously_allow_insecure_origins=True
    )
    assert refused(get(app, "/api/data", "https://evil.example.net"))


@pytest.mark.parametrize(
    ("pattern", "admits"),
    [
        (r"https?://app\.example\.com", "http://app.example.com"),
        (r"(http|ws)s?://app\.example\.com", "http://app.example.com"),
    ],
)
def test_credentials_with_a_regex_reaching_plain_http_are_refused(
    pattern: str, admits: str
) -> None:
    error = config_error(origins=[re.compile(pattern)], supports_credentials=True)
    assert error.id == "E304" and repr(admits) in str(error)
    app = make_app(
        origins=[re.compile(pattern)],
        supports_credentials=True,
        dangerously_allow_insecure_origins=True,
    )
    assert get(app, "/api/data", admits).headers[ACAO] == admits


@pytest.mark.parametrize(
    ("pattern", "origin"),
    [
        (r"https?://localhost:\d+", "http://localhost:5173"),
        (r"http://127\.0\.0\.1:\d+", "http://127.0.0.1:5173"),
        (r"http://\[::1\]:\d+", "http://[::1]:5173"),
    ],
)
def test_loopback_http_regexes_with_credentials_are_accepted_for_development(
    pattern: str, origin: str
) -> None:
    app = make_app(origins=[re.compile(pattern)], supports_credentials=True)
    assert get(app, "/api/data", origin).headers[ACAO] == origin


# -- §3.6 wildcard subdomains under a public suffix ---------------------------------------


@pytest.mark.parametrize(
    "entry",
    [
        "https://*.com",
        "https://*.co.uk",
        "https://*.com.au",
        "https://*.github.io",
        "https://*.herokuapp.com",
        "https://*.vercel.app",
        "http://*.com:*",
        "https://*.trycloudflare.com",
        "https://*.a.run.app",
        "https://*.ondigitalocean.app",
        "https://*.replit.app",
        "https://*.uk.com",
    ],
)
def test_subdomain_wildcard_under_a_public_suffix_is_refused(entry: str) -> None:
    assert config_error(origins=[entry]).id == "E106"


@pytest.mark.parametrize(
    ("pattern", "error_id", "admits"),
    [
        (r"https://.*\.vercel\.app", "E106", "https://evila.vercel.app"),
        (r"https://[\w-]+\.github\.io", "E106", "https://evila.github.io"),
        (r"https://.*\.io", "E106", "https://evila.io"),
        (r"https://[a-z]+\.org", "E106", "https://evila.org"),
        (r"https://app\.example\.[a-z]+", "E109", "https://app.example.evil"),
        (r"https://app\.example\.com(\.[a-z]+)*", "E109", "https://app.example.com.evil"),
        (r"https://app\.example\.com[\w.]*", "E109", "https://app.example.com.evil"),
    ],
)
def test_credentials_with_a_regex_admitting_sites_anyone_can_register_are_refused(
    pattern: str, error_id: str, admits: str
) -> None:
    error = config_error(origins=[re.compile(pattern)], supports_credentials=True)
    assert error.id == error_id and repr(admits) in str(error)
    assert re.compile(pattern).fullmatch(admits)


@pytest.mark.parametrize(
    ("pattern", "origin"),
    [
        (r"https://([a-z0-9-]+\.)*example\.com", "https://a.b.example.com"),
        (r"https://(www|app)\.example\.com", "https://www.example.com"),
        (r"https://[a-z0-9-]+\.example\.co\.uk", "https://shop.example.co.uk"),
    ],
)
def test_credentials_with_a_regex_held_to_your_own_names_are_accepted(
    pattern: str, origin: str
) -> None:
    app = make_app(origins=[re.compile(pattern)], supports_credentials=True)
    assert get(app, "/api/data", origin).headers[ACAO] == origin
    assert refused(get(app, "/api/data", "https://evilexample.com"))


def test_credentials_with_a_regex_that_cannot_be_checked_are_refused() -> None:
    pattern = re.compile(r"https://(app)\.\1\.example\.com")
    assert config_error(origins=[pattern], supports_credentials=True).id == "E110"
    make_app(origins=[pattern])  # without credentials it starts: nothing is read as the user


@pytest.mark.parametrize(
    "origins", [["https://*.example.com"], [re.compile(r"https://([a-z0-9]+\.)*example\.com")]]
)
def test_patterns_never_grant_a_host_no_page_can_have(origins: list[Any]) -> None:
    """A label over 63 characters or a name over 253: no DNS name, so no page, is like that."""
    app = make_app(origins=origins, supports_credentials=True)
    assert get(app, "/api/data", f"https://{'a' * 63}.example.com").headers[ACAO]
    assert refused(get(app, "/api/data", f"https://{'a' * 64}.example.com"))
    long_name = ".".join(["b" * 60] * 4) + ".example.com"  # 256 characters
    assert refused(get(app, "/api/data", f"https://{long_name}"))
    assert refused(preflight(app, "/api/data", f"https://{'a' * 64}.example.com"))


def test_subdomain_wildcard_under_a_registrable_domain_is_accepted() -> None:
    app = make_app(origins=["https://*.example.co.uk"])
    assert (
        get(app, "/api/data", "https://a.example.co.uk").headers[ACAO] == "https://a.example.co.uk"
    )
    assert refused(get(app, "/api/data", "https://evil.co.uk"))


# -- §3.7 a missing Vary: Origin -----------------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [
        {"origins": [TRUSTED]},
        {"origins": ["https://*.example.com"]},
        {"origins": "*", "always_send": False},
    ],
)
def test_vary_header_false_is_refused_where_the_answer_depends_on_the_origin(
    options: dict[str, Any],
) -> None:
    assert config_error(vary_header=False, **options).id == "E302"


@pytest.mark.parametrize("origin", [TRUSTED, EVIL, None, "null", "https://x\r\n"])
@pytest.mark.parametrize(
    ("path", "status"),
    [("/api/data", 200), ("/api/missing", 404), ("/api/boom", 500), ("/api/folder", 308)],
)
def test_vary_origin_is_on_every_response_of_an_origin_dependent_policy(
    origin: str | None, path: str, status: int
) -> None:
    app = make_app(origins=[TRUSTED, "https://*.example.org"])
    response = get(app, path, origin)
    assert response.status_code == status
    assert vary_tokens(response).count("origin") == 1
    if origin is not None:
        assert vary_tokens(preflight(app, path, origin)).count("origin") == 1


def test_vary_is_merged_with_the_view_vary_never_duplicated() -> None:
    app = Flask(__name__)

    @app.route("/v")
    def view() -> Response:
        return Response("ok", headers=[("Vary", "Accept-Encoding"), ("Vary", "origin")])

    CORS(app, origins=[TRUSTED])
    tokens = vary_tokens(get(app, "/v", TRUSTED))
    assert tokens.count("origin") == 1 and "accept-encoding" in tokens


# -- §3.8 CRLF and header injection; odd and overlong values --------------------------------

INJECTIONS = [
    TRUSTED + "\r\nX-Injected: 1",
    TRUSTED + "\rContent-Type: text/html; charset=UTF-7",
    "z\r\nSet-Cookie: session=evil",
    TRUSTED + "\x00",
    TRUSTED + "\x0b",
    TRUSTED + ", " + EVIL,
    "https://" + "a" * 8192 + ".com",
]


@pytest.mark.parametrize("origin", INJECTIONS)
def test_crlf_and_hostile_origins_are_refused_quietly(origin: str) -> None:
    app = make_app(origins=[TRUSTED], supports_credentials=True)
    for response in (get(app, "/api/data", origin), preflight(app, "/api/data", origin)):
        assert response.status_code < 500
        assert refused(response)
        assert_well_formed(response)
        assert "X-Injected" not in response.headers and "Set-Cookie" not in response.headers
        assert vary_tokens(response).count("origin") == 1


@pytest.mark.parametrize(
    ("method", "headers"),
    [("PUT\r\nX-Injected: 1", ""), ("PUT", "x-a\r\nX-Injected: 1"), ("PUT", "x-a\x00")],
)
def test_crlf_in_preflight_request_headers_is_refused(method: str, headers: str) -> None:
    app = make_app(origins=[TRUSTED], methods="*", allow_headers="*")
    response = preflight(app, "/api/data", TRUSTED, method, headers)
    assert response.status_code == 403 and refused(response)
    assert_well_formed(response)


# -- §3.9 duplicate ACAO ----------------------------------------------------------------------


def test_cors_headers_set_by_the_view_or_a_hook_are_replaced_not_duplicated() -> None:
    app = Flask(__name__)

    @app.route("/dup")
    def dup() -> Response:
        return Response("ok", headers={ACAO: "*", ACAC: "false", ACEH: "X-Secret"})

    @app.after_request
    def hook(response: Response) -> Response:
        response.headers.add(ACAO, EVIL)
        return response

    CORS(app, origins=[TRUSTED], supports_credentials=True)
    response = get(app, "/dup", TRUSTED)
    assert response.headers.getlist(ACAO) == [TRUSTED]
    assert response.headers.getlist(ACAC) == ["true"]
    assert response.headers.getlist(ACEH) == []
    other = get(app, "/dup", EVIL)
    assert refused(other) and other.headers.getlist(ACEH) == []
    request = FetchRequest(TRUSTED, SERVER + "/dup", credentials="include")
    assert judge(request, None, as_http(response)).allowed


# -- §3.9 '*' with credentials in ACAM, ACAH, ACEH ---------------------------------------------


def test_credentialed_policy_never_sends_a_star_where_browsers_read_it_literally() -> None:
    app = make_app(
        origins=[TRUSTED],
        supports_credentials=True,
        methods="*",
        allow_headers="*",
        expose_headers="*",
    )
    pre = preflight(app, "/api/data", TRUSTED, "DELETE", "x-trace,content-type")
    assert pre.headers[ACAM] == "DELETE"
    assert pre.headers[ACAH] == "x-trace, content-type"
    actual = get(app, "/api/data", TRUSTED)
    assert "*" not in actual.headers[ACEH] and "X-Total" in actual.headers[ACEH]
    request = FetchRequest(
        TRUSTED,
        SERVER + "/api/data",
        "DELETE",
        (("X-Trace", "1"), ("Content-Type", "application/json")),
        "include",
    )
    verdict = browser(app, request)
    assert verdict.allowed, verdict.failures
    assert browser(app, FetchRequest(TRUSTED, SERVER + "/api/data", credentials="include")).allowed


# -- §3.9 / §0.11 Authorization via '*' ---------------------------------------------------------


@pytest.mark.parametrize("credentials", [False, True])
def test_authorization_is_listed_by_name_never_covered_by_a_star(credentials: bool) -> None:
    app = make_app(origins=[TRUSTED], supports_credentials=credentials, allow_headers="*")
    response = preflight(app, "/api/data", TRUSTED, "GET", "authorization")
    assert response.headers[ACAH] == "authorization"
    request = FetchRequest(TRUSTED, SERVER + "/api/data", "GET", (("Authorization", "Bearer t"),))
    verdict = browser(app, request, strict=True)  # the spec rule: '*' excludes Authorization
    assert verdict.allowed, verdict.failures
    assert "authorization-wildcard" not in verdict.warning_codes


def test_authorization_is_refused_when_not_listed() -> None:
    app = make_app(origins=[TRUSTED], allow_headers=["x-trace"])
    response = preflight(app, "/api/data", TRUSTED, "GET", "authorization")
    assert response.status_code == 403 and refused(response)


# -- §3.4 / §3.9 trailing slash, default port, upper case in the configuration ----------------


@pytest.mark.parametrize(
    "entry",
    [
        "https://app.example.com/",
        "https://app.example.com:443",
        "HTTPS://App.Example.COM",
        " https://app.example.com ",
    ],
)
def test_configured_origin_is_normalised_to_what_browsers_send(entry: str) -> None:
    app = make_app(origins=[entry], supports_credentials=True)
    response = get(app, "/api/data", TRUSTED)
    assert response.headers[ACAO] == TRUSTED
    request = FetchRequest(TRUSTED, SERVER + "/api/data", credentials="include")
    assert judge(request, None, as_http(response)).allowed


@pytest.mark.parametrize(
    "entry",
    ["https://app.example.com/app", "https://app.example.com?x=1", "https://u@app.example.com"],
)
def test_configured_origin_with_a_path_query_or_userinfo_is_refused(entry: str) -> None:
    assert config_error(origins=[entry]).id == "E102"


# -- flask-cors CVE-2024-6839: a longer pattern won over a more specific one ----------------------


def _path_app(resources: dict[str, Any], routes: list[str]) -> Flask:
    app = Flask(__name__)
    for route in routes:
        app.add_url_rule(route, route, lambda: "ok")
    CORS(app, resources=resources)
    return app


@pytest.mark.parametrize("reverse", [False, True])
def test_cve_2024_6839_the_most_specific_pattern_wins_not_the_longest(reverse: bool) -> None:
    resources = {
        r"/api/(v1|v2|v3|public|internal)/.*": {"origins": "*"},  # long, broad
        "/api/v1/admin/*": {"origins": [TRUSTED]},  # short, specific
        "/api/v1/admin/keys": {"origins": [TRUSTED]},
    }
    if reverse:
        resources = dict(reversed(list(resources.items())))
    app = _path_app(resources, ["/api/v1/admin/users", "/api/v1/admin/keys", "/api/v1/items"])
    for path in ("/api/v1/admin/users", "/api/v1/admin/keys"):
        assert refused(get(app, path, EVIL)), path
        assert refused(preflight(app, path, EVIL)), path
        assert get(app, path, TRUSTED).headers[ACAO] == TRUSTED
    assert get(app, "/api/v1/items", EVIL).headers[ACAO] == "*"


# -- flask-cors CVE-2024-6844: '+' in the path was decoded to a space ------------------------------


@pytest.mark.parametrize("path", ["/service+path", "/service%2Bpath", "/service%2bpath"])
def test_cve_2024_6844_a_plus_in_the_path_is_not_a_space(path: str) -> None:
    app = _path_app(
        {"/service path": {"origins": "*"}, "/*": {"origins": [TRUSTED]}},
        ["/service+path", "/service path"],
    )
    assert refused(get(app, path, EVIL))
    assert refused(preflight(app, path, EVIL))
    assert get(app, "/service%20path", EVIL).headers[ACAO] == "*"


# -- flask-cors CVE-2024-6866: paths were matched case-insensitively ----------------------------


@pytest.mark.parametrize("path", ["/PUBLIC/secret", "/Public/secret", "/pUBLIC/secret"])
def test_cve_2024_6866_paths_are_matched_case_sensitively(path: str) -> None:
    app = _path_app(
        {"/public/*": {"origins": "*"}, "/*": {"origins": [TRUSTED]}},
        ["/PUBLIC/secret", "/Public/secret", "/pUBLIC/secret", "/public/secret"],
    )
    assert refused(get(app, path, EVIL)), path
    assert refused(preflight(app, path, EVIL)), path
    assert get(app, "/public/secret", EVIL).headers[ACAO] == "*"


# -- other §3.9 rows -------------------------------------------------------------------------------


def test_errors_and_redirects_carry_cors_headers() -> None:
    app = make_app(origins=[TRUSTED])
    for path, status in (("/api/missing", 404), ("/api/boom", 500), ("/api/folder", 308)):
        response = get(app, path, TRUSTED)
        assert response.status_code == status
        assert response.headers[ACAO] == TRUSTED


def test_preflight_is_answered_before_routing_and_authentication_hooks() -> None:
    app = Flask(__name__)

    @app.before_request
    def require_login() -> Any:
        return Response("login required", status=401)

    @app.route("/api/folder/", methods=["PUT"])
    def folder() -> str:
        return "ok"

    CORS(app, origins=[TRUSTED])
    response = preflight(app, "/api/folder", TRUSTED, "PUT")
    assert response.status_code == 200 and response.headers[ACAO] == TRUSTED


@pytest.mark.parametrize("value", [-1, "-1", 1.5, "ten", True])
def test_negative_or_non_numeric_max_age_is_refused(value: Any) -> None:
    assert config_error(max_age=value).id in ("E002", "E003")


# -- regressions: bugs the hardening suite found, now fixed ------------------------------------


@pytest.mark.parametrize("pattern", [r"https?://[a-z.]+(:\d+)?", r"https://[a-z]+\.[a-z]+"])
def test_credentials_with_a_regex_admitting_every_plain_domain_are_refused(pattern: str) -> None:
    assert config_error(origins=[re.compile(pattern)], supports_credentials=True).id == "E301"


@pytest.mark.parametrize("status", [209, 250, 299])
def test_any_2xx_preflight_status_answers_preflights(status: int) -> None:
    app = make_app(origins=[TRUSTED], preflight_status=status)
    response = preflight(app, "/api/data", TRUSTED, "PUT")
    assert response.status_code == status and response.headers[ACAO] == TRUSTED


def test_bytes_pattern_in_allow_headers_is_refused_at_start_up() -> None:
    with pytest.raises(ConfigError):
        make_app(origins=[TRUSTED], allow_headers=[re.compile(b"x-.*")])


def test_head_preflight_is_allowed_wherever_get_is() -> None:
    app = make_app(origins=[TRUSTED], methods=["GET"])
    assert get(app, "/api/data", TRUSTED, "HEAD").headers[ACAO] == TRUSTED
    request = FetchRequest(TRUSTED, SERVER + "/api/data", "HEAD", (("X-Trace", "1"),))
    verdict = browser(app, request)
    assert verdict.allowed, verdict.failures


def test_standalone_decorator_without_automatic_options_adds_preflight_headers() -> None:
    app = Flask(__name__)

    @app.route("/d", methods=["GET", "PUT"])
    @cross_origin(origins=[TRUSTED], automatic_options=False)
    def d() -> str:
        return "ok"

    response = preflight(app, "/d", TRUSTED, "PUT")
    assert response.headers.get(ACAO) == TRUSTED
    assert "PUT" in response.headers.get(ACAM, "")
