"""Property tests: random policies x random requests through a real Flask app.

Each example builds a Flask app with a random configuration (origins of every kind,
methods, allow_headers, credentials, expose_headers, max_age, resources, given as
``CORS(app, ...)`` kwargs, ``init_app`` kwargs, ``CORS_*`` config keys or a mix,
with or without a ``@cross_origin`` view), then sends a random browser request and
a sweep of refused origins. Invariants:

1. the browser model (``fetchcheck.judge``) allows the request exactly when the
   oracle in ``support`` says the policy intends to allow it;
2. a refused origin is never granted, on any kind of response (preflight, actual,
   404, 500, 308);
3. every response of a covered route of an origin-dependent policy has ``Origin``
   exactly once in ``Vary``; ``*`` policies send ``Access-Control-Allow-Origin: *``;
4. no exception escapes and nothing answers 5xx but the deliberate 500 route.

Runs 1,000 examples by default (about 10 s), 100,000 with ``--long`` or
``CROSSORIGIN_HARDENING=long``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from hypothesis import event, given, note
from hypothesis import strategies as st

from crossorigin import ConfigError
from crossorigin.core.fetchcheck import (
    FetchRequest,
    HTTPResponse,
    cors_unsafe_request_header_names,
    judge,
    needs_preflight,
    normalize_method,
    preflight_headers,
)
from shared.headers import ACAC, ACAO, ACMA

from .support import (
    APIARY_PATH,
    BOOM_PATH,
    DECO_PATH,
    DEFAULT_PORTS,
    MISSING_PATH,
    OK_PATH,
    PATHS,
    PUBLIC_PATH,
    REDIRECT_PATH,
    RESOURCE_FORMS,
    SERVER,
    VIEW_HEADERS,
    Intent,
    OriginRule,
    Scenario,
    as_http,
    assert_well_formed,
    budget,
    max_age_value,
    resources_written,
    rule_any,
    rule_any_port,
    rule_callable,
    rule_exact,
    rule_regex,
    rule_subdomains,
    send,
    vary_tokens,
)

# -- origins ------------------------------------------------------------------------

SCHEMES = ("http", "https")
HOSTS = (
    "example.com",
    "app.example.com",
    "a.b.example.com",
    "evil-example.com",
    "example.com.evil.net",
    "apixexample.com",
    "api.example.org",
    "example.org",
    "localhost",
    "127.0.0.1",
    "[::1]",
    "sub.localhost",
    "evil.test",
)
PORTS = (None, 80, 443, 3000, 8080, 8443, 65535)


def serialize(scheme: str, host: str, port: int | None) -> str:
    """An origin exactly as a browser sends it (default port omitted)."""
    if port is None or port == DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


browser_origins = st.builds(
    serialize, st.sampled_from(SCHEMES), st.sampled_from(HOSTS), st.sampled_from(PORTS)
)

#: Values no browser sends; a few stand-ins here, the full corpus is in tests/data.
HOSTILE_ORIGINS = (
    "null",
    "",
    "*",
    "HTTPS://APP.EXAMPLE.COM",
    "https://app.example.com/",
    "https://app.example.com\r\nX-Injected: 1",
    "https://app.example.com\x00",
    "https://app.example.com, https://evil.test",
    "https://app.example.com.evil.net",
    "https://appXexample.com",
    "https://user@app.example.com",
    "http://localhost:99999",
    "https://exämple.com",
    "https://" + "a" * 8192 + ".com",
    "," * 1024,
)


@st.composite
def exact_rules(draw: st.DrawFn) -> OriginRule:
    scheme = draw(st.sampled_from(SCHEMES))
    host = draw(st.sampled_from(HOSTS))
    port = draw(st.sampled_from(PORTS))
    canon = serialize(scheme, host, port)
    style = draw(st.sampled_from(("canon", "upper", "slash", "default-port", "spaces")))
    if style == "upper":
        written = canon.upper()
    elif style == "slash":
        written = canon + "/"
    elif style == "default-port" and canon.count(":") == 1 + host.count(":"):
        written = f"{canon}:{DEFAULT_PORTS[scheme]}"
    elif style == "spaces":
        written = f"  {canon} "
    else:
        written = canon
    return rule_exact(scheme, host, port, written)


@st.composite
def subdomain_rules(draw: st.DrawFn) -> OriginRule:
    scheme = draw(st.sampled_from(SCHEMES))
    base = draw(st.sampled_from(("example.com", "example.org", "b.example.com", "localhost")))
    port = draw(st.sampled_from((None, "*", 8443, DEFAULT_PORTS[scheme])))
    written = f"{scheme}://*.{base}" + ("" if port is None else f":{port}")
    return rule_subdomains(scheme, base, port, written)


@st.composite
def any_port_rules(draw: st.DrawFn) -> OriginRule:
    scheme = draw(st.sampled_from(SCHEMES))
    host = draw(st.sampled_from(("localhost", "127.0.0.1", "example.com", "[::1]")))
    return rule_any_port(scheme, host, f"{scheme}://{host}:*")


REGEXES = (
    (r"https://([a-z0-9-]+\.)*example\.com", ("https://example.com", "https://app.example.com")),
    (r"http://localhost:\d{2,5}", ("http://localhost:3000",)),
    (r"https://app\.example\.(com|org)", ("https://app.example.com", "https://app.example.org")),
    (r"https?://127\.0\.0\.1(:\d+)?", ("http://127.0.0.1:8080", "https://127.0.0.1")),
)


def org_subdomains(origin: str) -> bool:
    return origin.endswith(".example.org")


def listed(origin: str) -> bool:
    return origin in {"https://evil.test", "http://127.0.0.1:8080"}


def broken_lookup(origin: str) -> bool:
    raise RuntimeError("allow-list database unavailable")


CALLABLES = (
    (org_subdomains, "org_subdomains", ("https://api.example.org",)),
    (listed, "listed", ("https://evil.test", "http://127.0.0.1:8080")),
    (broken_lookup, "broken_lookup", ()),
)

regex_rules = st.sampled_from(REGEXES).map(lambda item: rule_regex(*item))
callable_rules = st.sampled_from(CALLABLES).map(lambda item: rule_callable(*item))
narrow_origin_rules = st.one_of(
    exact_rules(), subdomain_rules(), any_port_rules(), regex_rules, callable_rules
)
origin_rules = st.one_of(narrow_origin_rules, st.just(rule_any()))


@st.composite
def origins_option(draw: st.DrawFn, *, narrow: bool = False) -> tuple[Any, dict[str, Any]]:
    """``narrow``: mostly without ``*`` (for credentials, where ``*`` is refused)."""
    rules_strategy = narrow_origin_rules if narrow and draw(st.integers(0, 5)) else origin_rules
    rules = draw(st.lists(rules_strategy, min_size=0, max_size=3))
    if len(rules) == 1 and draw(st.booleans()):
        written: Any = rules[0].written
    else:
        written = draw(st.sampled_from((list, tuple)))(rule.written for rule in rules)
    return written, {"origins": tuple(rules)}


# -- the other options ----------------------------------------------------------------

METHOD_POOL = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "PROPFIND", "QUERY")


def _cased(draw: st.DrawFn, name: str) -> str:
    return draw(st.sampled_from((name, name.lower(), name.title())))


@st.composite
def methods_option(draw: st.DrawFn) -> tuple[Any, dict[str, Any]]:
    if draw(st.integers(0, 5)) == 0:
        return "*", {"methods": None}
    names = draw(st.lists(st.sampled_from(METHOD_POOL), unique=True, max_size=5))
    written_names = [_cased(draw, n) for n in names]
    written: Any = ", ".join(written_names) if draw(st.booleans()) else written_names
    return written, {"methods": frozenset(names)}


HEADER_ENTRIES: tuple[Any, ...] = (
    "X-Custom",
    "x-trace",
    "Authorization",
    "content-type",
    "X-REQ-ID",
    re.compile(r"x-req-.*"),
    re.compile(r"X-T[a-z]+"),
)


@st.composite
def allow_headers_option(draw: st.DrawFn) -> tuple[Any, dict[str, Any]]:
    if draw(st.integers(0, 4)) == 0:
        return "*", {"any_header": True}
    entries = draw(st.lists(st.sampled_from(HEADER_ENTRIES), unique=True, max_size=4))
    names = [e for e in entries if isinstance(e, str)]
    patterns = tuple(e.pattern for e in entries if not isinstance(e, str))
    written: Any = entries
    if not patterns and draw(st.booleans()):
        written = ",".join(names)
    semantic = {
        "any_header": False,
        "header_names": frozenset(n.lower() for n in names),
        "header_patterns": patterns,
    }
    return written, semantic


@st.composite
def expose_option(draw: st.DrawFn) -> tuple[Any, dict[str, Any]]:
    choice = draw(st.integers(0, 3))
    if choice == 0:
        return None, {"expose": None, "expose_all": False}
    if choice == 1:
        return "*", {"expose": None, "expose_all": True}
    names = draw(st.lists(st.sampled_from(("X-Exposed", "x-other", "X-HIDDEN")), unique=True))
    written: Any = ", ".join(names) if draw(st.booleans()) else names
    return written, {"expose": frozenset(n.lower() for n in names), "expose_all": False}


MAX_AGES: tuple[Any, ...] = (None, 0, 600, "60", timedelta(seconds=90), 86400)

SIMPLE_OPTIONS: dict[str, st.SearchStrategy[Any]] = {
    "max_age": st.sampled_from(MAX_AGES),
    "always_send": st.booleans(),
    "send_wildcard": st.sampled_from((False, False, True)),
    "vary_header": st.sampled_from((True, True, True, False)),
    "automatic_options": st.sampled_from((True, True, False)),
    "intercept_exceptions": st.booleans(),
    "preflight_status": st.sampled_from((200, 204, 201, 250)),
    "dangerously_allow_insecure_origins": st.booleans(),
    "debug": st.sampled_from((None, False, True)),
}
STRUCTURED_OPTIONS = {
    "methods": methods_option(),
    "allow_headers": allow_headers_option(),
    "expose_headers": expose_option(),
}


@st.composite
def option_layer(draw: st.DrawFn, base: Intent) -> tuple[dict[str, Any], Intent]:
    """Some options, as written, and the intent they give over ``base``."""
    written: dict[str, Any] = {}
    semantic: dict[str, Any] = {}
    credentials = draw(st.sampled_from((None, None, False, True)))
    if credentials is not None:
        written["supports_credentials"] = semantic["credentials"] = credentials
    if credentials or draw(st.integers(0, 3)):
        written["origins"], more = draw(origins_option(narrow=bool(credentials)))
        semantic.update(more)
    for name, strategy in STRUCTURED_OPTIONS.items():
        if draw(st.booleans()):
            written[name], more = draw(strategy)
            semantic.update(more)
    for name, strategy in SIMPLE_OPTIONS.items():
        if draw(st.integers(0, 3)) == 0:
            value = draw(strategy)
            written[name] = value
            if name == "max_age":
                semantic["max_age"] = max_age_value(value)
            elif name != "debug":
                semantic[name] = value
    return written, base.with_options(semantic)


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    mode = draw(st.sampled_from(("app", "app", "app+deco", "deco")))
    via = draw(st.sampled_from(("kwargs", "init_app", "config", "mixed")))
    scenario = Scenario(mode=mode, via=via)
    if mode != "deco":
        scenario.app_written, scenario.app_intent = draw(option_layer(Intent()))
        scenario.resources = draw(st.sampled_from(RESOURCE_FORMS))
        if scenario.resources == "dict":
            public_written, public_intent = draw(option_layer(scenario.app_intent))
            scenario.public_written = public_written
            scenario.public_intent = public_intent
        scenario.resources_written = resources_written(scenario.resources, scenario.public_written)
    if mode != "app":
        scenario.deco_written, scenario.deco_intent = draw(option_layer(Intent()))
    return scenario


# -- requests -------------------------------------------------------------------------

REQUEST_METHODS = (
    "GET",
    "HEAD",
    "POST",
    "PUT",
    "PATCH",
    "DELETE",
    "OPTIONS",
    "PROPFIND",
    "QUERY",
    "get",
    "post",
    "put",
    "patch",
    "delete",
    "head",
    "Patch",
    "propfind",
)
#: (name, value, needs a preflight) as fetch() would send them; one value per name.
REQUEST_HEADERS = (
    ("X-Custom", "1", True),
    ("X-Trace", "abc", True),
    ("Authorization", "Bearer t", True),
    ("X-Req-Id", "7", True),
    ("Content-Type", "application/json", True),
    ("Content-Type", "text/plain;charset=UTF-8", False),
    ("Accept", "application/json", False),
    ("Range", "bytes=0-99", False),
    ("Range", "bytes=-5", True),
    ("Accept-Language", "en-US", False),
)


@st.composite
def browser_requests(draw: st.DrawFn, scenario: Scenario) -> tuple[FetchRequest, set[str]]:
    """A fetch() from a page; biased towards what the policy allows, so that both
    verdicts are common."""
    covered_paths = [p for p in PATHS if scenario.intent_for(p) is not None]
    if covered_paths and draw(st.integers(0, 3)) > 0:
        path = draw(st.sampled_from(covered_paths))
    else:
        path = draw(st.sampled_from(PATHS))
    intent = scenario.intent_for(path)
    aim = intent is not None and draw(st.integers(0, 3)) > 0  # aim for an allowed request
    samples = sorted({s for rule in intent.origins for s in rule.samples}) if intent else []
    if samples and (aim or draw(st.booleans())):
        origin = draw(st.sampled_from(samples))
    else:
        origin = draw(browser_origins)
    methods = REQUEST_METHODS
    if aim and intent is not None and intent.methods:
        methods = tuple(m for m in REQUEST_METHODS if m.upper() in intent.methods) or methods
    method = draw(st.sampled_from(methods))
    pool = REQUEST_HEADERS
    if aim and intent is not None:
        pool = tuple(h for h in REQUEST_HEADERS if not h[2] or intent.header_ok(h[0]))
    chosen = draw(st.lists(st.sampled_from(pool), unique_by=lambda h: h[0], max_size=4))
    modes = ("omit", "same-origin", "include")
    if aim and intent is not None and intent.credentials:
        modes = ("include", "include", "omit")
    credentials = draw(st.sampled_from(modes))
    request = FetchRequest(
        origin=origin,
        url=SERVER + path,
        method=method,
        headers=tuple((n, v) for n, v, _ in chosen),
        credentials=credentials,
    )
    return request, {n.lower() for n, _, unsafe in chosen if unsafe}


def path_of(request: FetchRequest) -> str:
    return request.url[len(SERVER) :]


def expected_verdict(scenario: Scenario, request: FetchRequest, unsafe: set[str]) -> bool:
    """The oracle: does the configuration intend this page to read this response?"""
    path = path_of(request)
    intent = scenario.intent_for(path)
    method = normalize_method(request.method)
    if intent is None or not intent.origin_ok(request.origin):
        return False
    if not intent.credentials_ok(request.credentials):
        return False
    if method not in ("GET", "HEAD", "POST") or unsafe:
        if not intent.method_ok(method):
            return False
        if not all(intent.header_ok(name) for name in unsafe):
            return False
        if not intent.automatic_options and path in (MISSING_PATH, REDIRECT_PATH):
            return False  # Flask answers that OPTIONS with 404 / 308: never a preflight pass
    # methods= governs the preflight only: the actual request is granted whatever its method.
    # Flask answers OPTIONS itself, so only other methods reach the failing view.
    return not (path == BOOM_PATH and method != "OPTIONS" and not intent.intercept_exceptions)


# -- response invariants --------------------------------------------------------------


def check_invariants(
    scenario: Scenario,
    path: str,
    origin: str | None,
    response: Any,
    *,
    preflight: bool,
    method: str = "GET",
) -> None:
    """Invariants 2, 3 and 4 for one response."""
    intent = scenario.intent_for(path)
    status = response.status_code
    assert_well_formed(response)
    if not (path == BOOM_PATH and not preflight):
        assert status < 500, f"{status} for {path}"
    acao = response.headers.get(ACAO)
    acac = response.headers.get(ACAC)
    if intent is None:
        assert acao is None and acac is None, "CORS headers on an uncovered path"
        return
    headers_off = status >= 500 and not intent.intercept_exceptions
    if acao is not None:
        assert not headers_off
        if acao == "*":
            assert intent.any_origin, "'*' from a policy that does not allow any origin"
        else:
            assert acao == origin, f"ACAO {acao!r} is not the request origin {origin!r}"
            assert intent.origin_ok(origin), f"refused origin {origin!r} was granted"
    if acac is not None:
        assert acac == "true" and intent.credentials and acao not in (None, "*")
    if headers_off:
        return
    origin_count = vary_tokens(response).count("origin")
    if intent.varies:
        assert origin_count == 1, f"Vary has Origin {origin_count} times on {path}"
    else:
        assert origin_count <= 1
    if intent.any_origin and (origin is not None or intent.always_send):
        if not preflight:
            assert acao == "*", f"'*' policy sent ACAO {acao!r}"
        if acao is not None:
            assert acao == "*"


@contextmanager
def quiet_crossorigin_logger() -> Iterator[None]:
    """``broken_lookup`` makes the matcher log a traceback per request; keep it off."""
    logger = logging.getLogger("crossorigin")
    old = logger.disabled
    logger.disabled = True
    try:
        yield
    finally:
        logger.disabled = old


# -- the property ---------------------------------------------------------------------


@budget(ci_examples=1000)
@given(data=st.data())
def test_browser_verdict_matches_policy_intent_and_refusals_never_leak(
    data: st.DataObject,
) -> None:
    scenario = data.draw(scenarios(), label="scenario")
    expected_errors = scenario.config_errors()
    with quiet_crossorigin_logger():
        try:
            app = scenario.build()
        except ConfigError as exc:
            assert exc.id in expected_errors, f"unexpected {exc}"
            event(f"config error {exc.id}")
            return
        assert not expected_errors, f"configuration should fail with {expected_errors}"
        client = app.test_client()

        # Invariant 1: the browser's verdict is the policy's intent.
        request, unsafe = data.draw(browser_requests(scenario), label="request")
        assert set(cors_unsafe_request_header_names(request.headers)) == unsafe
        path = path_of(request)
        method = normalize_method(request.method)
        preflight_response: HTTPResponse | None = None
        preflighted = needs_preflight(request)
        if preflighted:
            raw = send(client, "OPTIONS", path, preflight_headers(request))
            check_invariants(scenario, path, request.origin, raw, preflight=True)
            preflight_response = as_http(raw)
            note(f"preflight: {preflight_response}")
        actual_headers = [("Origin", request.origin), *request.headers]
        if request.credentials == "include" and data.draw(st.booleans(), label="has cookie"):
            actual_headers.append(("Cookie", "session=1"))  # what include sends, if any
        raw_actual = send(client, method, path, actual_headers)
        check_invariants(scenario, path, request.origin, raw_actual, preflight=False, method=method)
        actual = as_http(raw_actual)
        note(f"actual: {actual}")
        verdict = judge(request, preflight_response, actual)
        expected = expected_verdict(scenario, request, unsafe)
        intent = scenario.intent_for(path)
        event(f"{'preflighted' if preflighted else 'simple'}, expected allowed={expected}")
        if preflighted and request.credentials == "include" and request.headers:
            event(f"credentialed preflight with headers, expected allowed={expected}")
        assert verdict.allowed == expected, (
            f"browser says {'allowed' if verdict.allowed else 'blocked'} "
            f"({[str(f) for f in verdict.failures]}), the policy intends "
            f"{'allowed' if expected else 'blocked'}"
        )
        if verdict.allowed and intent is not None:
            if actual.status == 200 and path != REDIRECT_PATH:
                custom = {name.lower() for name in VIEW_HEADERS} & actual.names()
                exposed = custom if intent.expose_all else intent.expose or frozenset()
                wanted = custom & exposed
                assert verdict.readable_headers & custom == wanted
            if preflight_response is not None:
                max_age = preflight_response.get(ACMA)
                assert max_age == (None if intent.max_age is None else str(intent.max_age))

        # Invariants 2-4: a refused or hostile origin, and no Origin, on every response kind.
        other = data.draw(
            st.one_of(browser_origins, st.sampled_from(HOSTILE_ORIGINS)), label="other origin"
        )
        for sweep_path in (OK_PATH, MISSING_PATH, BOOM_PATH, REDIRECT_PATH, PUBLIC_PATH, DECO_PATH):
            pre = send(
                client,
                "OPTIONS",
                sweep_path,
                environ={"HTTP_ORIGIN": other, "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "GET"},
            )
            check_invariants(scenario, sweep_path, other, pre, preflight=True)
            got = send(client, "GET", sweep_path, environ={"HTTP_ORIGIN": other})
            check_invariants(scenario, sweep_path, other, got, preflight=False)
        for bare_path in (OK_PATH, APIARY_PATH, DECO_PATH):
            bare = send(client, "GET", bare_path)
            check_invariants(scenario, bare_path, None, bare, preflight=False)
