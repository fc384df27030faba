"""Shared pieces of the hardening suite: run profiles, the test app, and the oracle.

The oracle states what a policy *intends*, from the options as documented in
docs/configuration.md, without calling crossorigin: origins (exact, ``*.`` subdomain
globs, ``:*`` port globs, compiled regexes matched whole, callables, ``*``),
methods, request headers, credentials and resources. The tests compare it with what
the browser model (:mod:`crossorigin.core.fetchcheck`) says about the responses the
real extension sends through a real Flask app.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

from flask import Flask, Response
from hypothesis import HealthCheck, settings
from werkzeug.test import TestResponse

from crossorigin import CORS, cross_origin
from crossorigin.core.fetchcheck import HTTPResponse
from shared.headers import (
    CORS_RESPONSE_HEADERS,
)

# -- run profiles ---------------------------------------------------------------

ENV_VAR = "CROSSORIGIN_HARDENING"
LONG_EXAMPLES = 100_000

#: Numbers measured during the run, printed in the terminal summary.
STATS: dict[str, str] = {}


def is_long_run() -> bool:
    return os.environ.get(ENV_VAR, "").strip().lower() == "long"


_COMMON = {
    "deadline": None,
    "suppress_health_check": [
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
    "print_blob": True,
}
#: The default run: each test sets its own example count (``budget(ci_examples=...)``).
settings.register_profile("crossorigin-hardening-ci", **_COMMON)
#: The long run: at least 100,000 examples for every property and fuzz target.
settings.register_profile("crossorigin-hardening-long", max_examples=LONG_EXAMPLES, **_COMMON)


def budget(ci_examples: int) -> settings:
    """Hypothesis settings for one test: the CI profile with ``ci_examples`` examples,
    or the long profile with --long / CROSSORIGIN_HARDENING=long."""
    if is_long_run():
        return settings(settings.get_profile("crossorigin-hardening-long"))
    return settings(settings.get_profile("crossorigin-hardening-ci"), max_examples=ci_examples)


_MAXIMA: dict[str, float] = {}


def record_max(key: str, value: float, fmt: str = "{:.2f} ms") -> None:
    """Keep the largest value seen under ``key`` for the summary."""
    if key not in _MAXIMA or value > _MAXIMA[key]:
        _MAXIMA[key] = value
        STATS[key] = fmt.format(value)


def record_count(key: str, count: int) -> None:
    STATS[key] = str(int(STATS.get(key, "0")) + count)


# -- the application ------------------------------------------------------------

SERVER = "https://api.server.test"
#: Methods the routes accept (Flask adds HEAD with GET, and answers OPTIONS itself).
ROUTE_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "PROPFIND", "QUERY"]
#: Response headers the views set; page script may read them only when exposed.
VIEW_HEADERS = {"X-Exposed": "1", "X-Other": "2", "X-Hidden": "3"}

OK_PATH = "/api/items"
BOOM_PATH = "/api/boom"
MISSING_PATH = "/api/missing"
REDIRECT_PATH = "/api/redir"  # the route is /api/redir/, so this answers 308
PUBLIC_PATH = "/public/x"
APIARY_PATH = "/apiary"
DECO_PATH = "/deco"
PATHS = (OK_PATH, BOOM_PATH, MISSING_PATH, REDIRECT_PATH, PUBLIC_PATH, APIARY_PATH, DECO_PATH)


def _view() -> Response:
    return Response("ok", headers=VIEW_HEADERS)


def _boom() -> Response:
    raise RuntimeError("deliberate failure for the hardening suite")


def make_app(name: str = "hardening") -> Flask:
    """The routes every scenario uses; ``/deco`` is decorated by :func:`decorate`."""
    app = Flask(name)
    app.logger.disabled = True  # the deliberate 500 would print a traceback per example
    for path in (OK_PATH, PUBLIC_PATH, APIARY_PATH, "/api/redir/", "/other"):
        app.add_url_rule(path, path, _view, methods=ROUTE_METHODS)
    app.add_url_rule(BOOM_PATH, BOOM_PATH, _boom, methods=ROUTE_METHODS)
    return app


def add_deco(app: Flask, options: Mapping[str, Any] | None) -> None:
    """``/deco``: decorated with ``@cross_origin(**options)``, or plain when None."""
    view: Callable[[], Response] = _view
    if options is not None:
        view = cross_origin(**options)(_view)
    app.add_url_rule(DECO_PATH, DECO_PATH, view, methods=ROUTE_METHODS)


def send(
    client: Any,
    method: str,
    path: str,
    headers: Iterable[tuple[str, str]] = (),
    environ: Mapping[str, str] | None = None,
    *,
    timings: list[float] | None = None,
) -> TestResponse:
    """One request through the test client; ``environ`` bypasses header validation."""
    overrides = {"REQUEST_METHOD": method}
    overrides.update(environ or {})
    start = time.perf_counter()
    response: TestResponse = client.open(
        path,
        method="GET",  # the real method (any case, any bytes) is in REQUEST_METHOD
        headers=list(headers),
        base_url=SERVER,
        environ_overrides=overrides,
    )
    if timings is not None:
        timings.append(time.perf_counter() - start)
    response.close()
    return response


def as_http(response: TestResponse) -> HTTPResponse:
    return HTTPResponse(response.status_code, tuple(response.headers.items()))


# -- response facts ---------------------------------------------------------------

CORS_HEADERS = CORS_RESPONSE_HEADERS


def vary_tokens(response: TestResponse | HTTPResponse) -> list[str]:
    values = (
        response.headers.getlist("Vary")
        if isinstance(response, TestResponse)
        else response.get_all("Vary")
    )
    return [t.strip().lower() for v in values for t in v.split(",") if t.strip()]


def header_list(response: TestResponse, name: str) -> list[str]:
    return response.headers.getlist(name)


def assert_well_formed(response: TestResponse) -> None:
    """No CORS header twice, no control characters in any header line."""
    for name in CORS_HEADERS:
        values = header_list(response, name)
        assert len(values) <= 1, f"{name} sent {len(values)} times: {values!r}"
    for name, value in response.headers.items():
        bad = [c for c in name + value if (ord(c) < 0x20 and c != "\t") or c == "\x7f"]
        assert not bad, f"control character in response header {name}: {value!r}"


# -- the oracle -------------------------------------------------------------------

DEFAULT_PORTS = {"http": 80, "https": 443}
_BROWSER_ORIGIN = re.compile(
    r"(?P<scheme>[a-z][a-z0-9+.\-]*)://(?P<host>[a-z0-9_\-]+(?:\.[a-z0-9_\-]+)*|\[[0-9a-f:.]+\])"
    r"(?::(?P<port>0|[1-9][0-9]{0,4}))?"
)


def split_browser_origin(value: str) -> tuple[str, str, int | None] | None:
    """(scheme, host, port or None for the default), or None if a browser never sends it.

    Written from the Fetch serialized-origin grammar (cors-rules.md §1.1, §3.8), with
    the documented 300-character cap.
    """
    if len(value) > 300:
        return None
    m = _BROWSER_ORIGIN.fullmatch(value)
    if m is None:
        return None
    port = None if m["port"] is None else int(m["port"])
    if port is not None and port > 65535:
        return None
    if port == DEFAULT_PORTS.get(m["scheme"]):
        port = None
    return m["scheme"], m["host"], port


@dataclass(frozen=True)
class OriginRule:
    """One configured ``origins`` entry: as written, and what it is meant to admit."""

    written: Any
    admits: Callable[[str], bool]
    wide: bool = False  # "*": admits any origin, so never with credentials
    insecure: bool = False  # plain http off the machine: not with credentials (E304)
    label: str = ""
    samples: tuple[str, ...] = ()  # browser origins it admits, to draw allowed requests from

    def __repr__(self) -> str:
        return self.label or repr(self.written)


def rule_any() -> OriginRule:
    return OriginRule("*", lambda origin: True, wide=True, label="'*'")


def is_loopback(host: str) -> bool:
    """Hosts whose traffic never leaves the machine (cors-rules.md §3.5)."""
    return (
        host in ("localhost", "[::1]")
        or host.endswith(".localhost")
        or re.fullmatch(r"127\.\d+\.\d+\.\d+", host) is not None
    )


def rule_exact(scheme: str, host: str, port: int | None, written: str) -> OriginRule:
    canon = f"{scheme}://{host}" + ("" if port in (None, DEFAULT_PORTS[scheme]) else f":{port}")
    return OriginRule(
        written,
        lambda origin: origin == canon,
        insecure=scheme == "http" and not is_loopback(host),
        label=repr(written),
        samples=(canon,),
    )


def rule_subdomains(scheme: str, base: str, port: int | str | None, written: str) -> OriginRule:
    """``scheme://*.base[:port]``: one or more labels under ``base``; port as written."""

    def admits(origin: str) -> bool:
        parts = split_browser_origin(origin)
        if parts is None or parts[0] != scheme:
            return False
        host, got = parts[1], parts[2]
        if not host.endswith("." + base) or host.startswith("["):
            return False
        return port == "*" or got == (None if port == DEFAULT_PORTS[scheme] else port)

    suffix = (
        "" if port in (None, DEFAULT_PORTS[scheme]) else ":" + str(port if port != "*" else 1234)
    )
    samples = (f"{scheme}://a.{base}{suffix}", f"{scheme}://x-1.y.{base}{suffix}")
    insecure = scheme == "http" and not is_loopback(base)
    return OriginRule(written, admits, insecure=insecure, label=repr(written), samples=samples)


def rule_any_port(scheme: str, host: str, written: str) -> OriginRule:
    def admits(origin: str) -> bool:
        parts = split_browser_origin(origin)
        return parts is not None and parts[0] == scheme and parts[1] == host

    samples = (f"{scheme}://{host}", f"{scheme}://{host}:3000", f"{scheme}://{host}:65535")
    insecure = scheme == "http" and not is_loopback(host)
    return OriginRule(written, admits, insecure=insecure, label=repr(written), samples=samples)


def rule_regex(pattern: str, samples: tuple[str, ...]) -> OriginRule:
    compiled = re.compile(pattern)

    def admits(origin: str) -> bool:
        return (
            split_browser_origin(origin) is not None and re.fullmatch(pattern, origin) is not None
        )

    return OriginRule(compiled, admits, label=f"re.compile({pattern!r})", samples=samples)


def rule_callable(
    predicate: Callable[[str], bool], label: str, samples: tuple[str, ...]
) -> OriginRule:
    def admits(origin: str) -> bool:
        if split_browser_origin(origin) is None:
            return False
        try:
            return bool(predicate(origin))
        except Exception:
            return False

    return OriginRule(predicate, admits, label=label, samples=samples)


ALL_METHODS = None  # "methods='*'"
DEFAULT_METHODS = frozenset(("GET", "HEAD", "POST", "OPTIONS", "PUT", "PATCH", "DELETE"))


@dataclass(frozen=True)
class Intent:
    """The effective options governing one route, in their documented meaning."""

    origins: tuple[OriginRule, ...] = (rule_any(),)
    methods: frozenset[str] | None = DEFAULT_METHODS  # upper case; None for "*"
    any_header: bool = True
    header_names: frozenset[str] = frozenset()  # lower case
    header_patterns: tuple[str, ...] = ()
    credentials: bool = False
    dangerously_allow_insecure_origins: bool = False
    expose: frozenset[str] | None = None  # lower case; None for none
    expose_all: bool = False
    max_age: int | None = None
    always_send: bool = True
    send_wildcard: bool = False
    vary_header: bool = True
    automatic_options: bool = True
    intercept_exceptions: bool = True
    preflight_status: int = 200

    def with_options(self, semantic: Mapping[str, Any]) -> Intent:
        return replace(self, **semantic)

    # -- configuration validity ------------------------------------------------------

    @property
    def wide(self) -> bool:
        return any(rule.wide for rule in self.origins)

    @property
    def any_origin(self) -> bool:
        """Sends the literal ``*``."""
        return self.wide and not self.credentials

    @property
    def varies(self) -> bool:
        """The answer depends on the request's Origin, so ``Vary: Origin``."""
        return not self.any_origin or not self.always_send

    def config_errors(self) -> set[str]:
        """The start-up error ids this option set must raise (empty: it is valid)."""
        errors = set()
        if self.credentials and self.wide:
            errors.add("E301")
        if self.credentials and self.send_wildcard:
            errors.add("E303")
        insecure = any(rule.insecure for rule in self.origins)
        if self.credentials and insecure and not self.dangerously_allow_insecure_origins:
            errors.add("E304")
        if self.varies and not self.vary_header:
            errors.add("E302")
        return errors

    # -- the request-side questions ---------------------------------------------------

    def origin_ok(self, origin: str | None) -> bool:
        if origin is None:
            return False
        if self.any_origin:
            return True
        return any(rule.admits(origin) for rule in self.origins if not rule.wide)

    def method_ok(self, method: str) -> bool:
        """A configured method, compared case-insensitively; HEAD wherever GET is."""
        if self.methods is None:
            return True
        allowed = self.methods | ({"HEAD"} if "GET" in self.methods else set())
        return method.upper() in allowed

    def header_ok(self, name: str) -> bool:
        name = name.lower()
        if self.any_header or name in self.header_names:
            return True
        return any(re.fullmatch(p, name, re.IGNORECASE) for p in self.header_patterns)

    def credentials_ok(self, mode: str) -> bool:
        return mode != "include" or self.credentials


# -- scenarios: an app, its options, and how they were given ------------------------


@dataclass
class Scenario:
    """One generated configuration and the intent for every path."""

    mode: str  # "app", "app+deco" or "deco"
    via: str  # "kwargs", "init_app", "config" or "mixed"
    app_written: dict[str, Any] = field(default_factory=dict)
    app_intent: Intent = field(default_factory=Intent)
    resources: str = "default"  # one of RESOURCE_FORMS
    resources_written: Any = None
    public_written: dict[str, Any] = field(default_factory=dict)
    public_intent: Intent | None = None  # with the "dict" form: the /public/* override
    deco_written: dict[str, Any] | None = None
    deco_intent: Intent | None = None

    def intents(self) -> list[Intent]:
        out = []
        if self.mode != "deco":
            out.append(self.app_intent)
            if self.public_intent is not None:
                out.append(self.public_intent)
        if self.deco_intent is not None:
            out.append(self.deco_intent)
        return out

    def config_errors(self) -> set[str]:
        errors: set[str] = set()
        for intent in self.intents():
            errors |= intent.config_errors()
        return errors

    def intent_for(self, path: str) -> Intent | None:
        """The intent governing ``path``, or None when no policy covers it."""
        if path == DECO_PATH and self.deco_intent is not None:
            return self.deco_intent
        if self.mode == "deco":
            return None
        if not covered(self.resources, path):
            return None
        if self.resources == "dict" and (path == "/public" or path.startswith("/public/")):
            assert self.public_intent is not None
            return self.public_intent
        return self.app_intent

    def build(self) -> Flask:
        app = make_app()
        add_deco(app, self.deco_written if self.mode != "app" else None)
        if self.mode == "deco":
            return app
        options = dict(self.app_written)
        if self.resources != "default":
            options["resources"] = self.resources_written
        if self.via == "kwargs":
            CORS(app, **options)
        elif self.via == "init_app":
            CORS().init_app(app, **options)
        elif self.via == "config":
            for name, value in options.items():
                app.config["CORS_" + name.upper()] = value
            CORS(app)
        else:  # mixed: every other option through app.config
            names = sorted(options)
            for name in names[::2]:
                app.config["CORS_" + name.upper()] = options[name]
            CORS(app, **{name: options[name] for name in names[1::2]})
        return app


RESOURCE_FORMS = ("default", "glob", "list", "dict", "exact", "compiled")


def resources_written(form: str, public: Mapping[str, Any]) -> Any:
    return {
        "default": None,
        "glob": "/api/*",
        "list": [r"/api/.*", "/public/*"],
        "dict": {"/api/*": {}, "/public/*": dict(public)},
        "exact": OK_PATH,
        "compiled": re.compile(r"/api/(items|boom)"),
    }[form]


def covered(form: str, path: str) -> bool:
    """Which paths each resources form covers, per docs/configuration.md."""
    if form == "default":
        return True
    api = path == "/api" or path.startswith("/api/")
    public = path == "/public" or path.startswith("/public/")
    if form == "glob":
        return api
    if form == "list":
        return re.fullmatch(r"/api/.*", path) is not None or public
    if form == "dict":
        return api or public
    if form == "exact":
        return path == OK_PATH
    if form == "compiled":
        return re.fullmatch(r"/api/(items|boom)", path) is not None
    raise AssertionError(form)


def max_age_value(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, timedelta):
        return int(value.total_seconds())
    return int(value)
