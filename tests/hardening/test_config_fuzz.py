"""Configuration fuzzing: any option values give a working policy or a ConfigError.

Random option dicts (every known option with plausible, odd and wrong-typed values,
nested junk, unknown names) go through the three ways a user configures
crossorigin: ``CORS(app, **opts)``, ``CORS_*`` keys in ``app.config``, and
``@cross_origin(**opts)``. Each must either raise crossorigin's own ``ConfigError``
(registered id, message naming the problem) or produce a policy that then answers
requests without an exception or a 5xx. Nothing else may escape: no ``TypeError``,
``ValueError`` or ``re.error`` from deep inside.
"""

from __future__ import annotations

import enum
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal
from fractions import Fraction
from http import HTTPStatus
from types import MappingProxyType
from typing import Any

from flask import Flask
from hypothesis import given
from hypothesis import strategies as st

from crossorigin import CORS, ConfigError, cross_origin
from crossorigin.core.errors import ERROR_IDS
from crossorigin.core.options import OPTION_NAMES

from .support import budget, send


class Color(enum.IntEnum):
    RED = 5


class Opaque:
    """Some user object that is none of the expected types."""

    def __repr__(self) -> str:
        return "<Opaque>"


def always(origin: str) -> bool:
    return True


def explode(origin: str) -> bool:
    raise KeyError(origin)


ODD_STRINGS = (
    "",
    " ",
    "*",
    ",",
    ", ,",
    "null",
    "None",
    "true",
    "-1",
    "1e3",
    "0x10",
    "\u0661\u0662",
    "GET\r\nX: 1",
    "\x00",
    "https://a.com",
    "https://a.com/",
    "https://*.com",
    "https://*.example.com",
    "http://localhost:*",
    "https://a.com, https://b.com",
    r"https://.*\.example\.com",
    "/api/*",
    "/api/(",
    r"/api/.*",
    "x-a",
    "x a",
    "Authorization",
    "é",
    "😀",
)
OBJECTS: tuple[Any, ...] = (
    object(),
    Opaque(),
    int,
    str,
    always,
    explode,
    re.compile(r"https://a\.com"),
    re.compile(r"https://.*"),
    re.compile(r"/api/.*"),
    re.compile(r"x-.*"),
    re.compile("a.c"),
    re.compile(".*"),
    Decimal("600"),
    Fraction(3, 2),
    complex(1, 2),
    Color.RED,
    HTTPStatus.NO_CONTENT,
    range(3),
    frozenset({"GET"}),
    MappingProxyType({"/api/*": {}}),
    bytearray(b"GET"),
    memoryview(b"x"),
    Ellipsis,
    NotImplemented,
    float("nan"),
    float("inf"),
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.integers(190, 310),
    st.floats(),
    st.text(max_size=12),
    st.sampled_from(ODD_STRINGS),
    st.binary(max_size=6),
    st.timedeltas(min_value=timedelta(days=-2), max_value=timedelta(days=2)),
    st.sampled_from(OBJECTS),
)
junk = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.lists(children, max_size=3).map(tuple),
        st.dictionaries(
            st.one_of(st.sampled_from(sorted(OPTION_NAMES)), st.sampled_from(ODD_STRINGS)),
            children,
            max_size=3,
        ),
    ),
    max_leaves=8,
)

PLAUSIBLE: dict[str, tuple[Any, ...]] = {
    "origins": (
        "*",
        "https://a.com",
        ["https://a.com", "http://localhost:*"],
        ["https://*.example.com", re.compile(r"https://b\.example\.org")],
        [always],
        [explode],
        ("https://a.com:443",),
        {"https://a.com"},
    ),
    "methods": ("GET", "get, put", ["GET", "PATCH"], "*", ["TRACE"], "GET POST", []),
    "allow_headers": (
        "*",
        "x-a",
        ["x-a", re.compile("x-b.*")],
        "x a",
        [],
        re.compile("x-.*"),
        re.compile(b"x-b.*"),
    ),
    "expose_headers": (None, "*", "X-A", ["X-A", "X-B"], "X A"),
    "max_age": (None, 0, 600, "600", " 60 ", "-1", timedelta(minutes=5), timedelta(seconds=1.5)),
    "resources": (
        "/*",
        "/api/*",
        [r"/api/.*", "/public/*"],
        {"/api/*": {"origins": "https://a.com"}},
        {"/api/*": {"resources": "/x"}},
        {"/api/*": {"bogus": 1}},
        re.compile(r"/api/(a|b)"),
        {},
        [],
    ),
    "preflight_status": (200, 204, 201, 250, 299, 300, 199, "200", HTTPStatus.ACCEPTED),
}
BOOLEAN_LIKE = (True, False, None, 0, 1, "true", "")

#: Option names users get wrong (all refused as unknown).
WRONG_NAMES = ("origin", "allow_origins", "credentials", "CORS_ORIGINS", "", "Origins", "max-age")


def values_for(name: str) -> st.SearchStrategy[Any]:
    plausible = PLAUSIBLE.get(name, BOOLEAN_LIKE)
    return st.one_of(st.sampled_from(plausible), junk)


option_dicts = st.fixed_dictionaries(
    {},
    optional={
        **{name: values_for(name) for name in sorted(OPTION_NAMES)},
        **{name: junk for name in WRONG_NAMES[:3]},
    },
)


@contextmanager
def quiet() -> Iterator[None]:
    logger = logging.getLogger("crossorigin")
    old = logger.disabled
    logger.disabled = True
    try:
        yield
    finally:
        logger.disabled = old


def exercise(app: Flask, path: str = "/api/x") -> None:
    """A configured app answers preflights, actual requests and hostile input."""
    client = app.test_client()
    for environ in (
        {"HTTP_ORIGIN": "https://a.com", "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "PUT"},
        {
            "HTTP_ORIGIN": "https://b.example.org",
            "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "patch",
            "HTTP_ACCESS_CONTROL_REQUEST_HEADERS": "x-a,x-b-c,authorization",
        },
        {"HTTP_ORIGIN": "http://localhost:3000\r\n", "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "GET"},
    ):
        response = send(client, "OPTIONS", path, environ=environ)
        assert response.status_code < 500, (response.status_code, environ)
    for origin in ("https://a.com", "null", "https://evil.test", ""):
        response = send(client, "GET", path, environ={"HTTP_ORIGIN": origin})
        assert response.status_code < 500, (response.status_code, origin)


def make_app() -> Flask:
    app = Flask("config_fuzz")
    app.logger.disabled = True

    @app.route("/api/x", methods=["GET", "PUT", "PATCH"])
    def view() -> str:
        return "ok"

    return app


def assert_config_error(exc: ConfigError) -> None:
    assert type(exc).__module__ == "crossorigin.core.errors"
    assert exc.id in ERROR_IDS
    assert str(exc).startswith(f"crossorigin.{exc.id}: ") and len(str(exc)) > 25


@budget(ci_examples=700)
@given(options=option_dicts, via=st.sampled_from(("kwargs", "config", "init_app")))
def test_app_options_give_a_working_policy_or_a_config_error(
    options: dict[str, Any], via: str
) -> None:
    app = make_app()
    with quiet():
        try:
            if via == "kwargs":
                CORS(app, **options)
            elif via == "init_app":
                CORS().init_app(app, **options)
            else:
                for name, value in options.items():
                    app.config["CORS_" + name.upper()] = value
                CORS(app)
        except ConfigError as exc:
            assert_config_error(exc)
            return
        exercise(app)


@budget(ci_examples=500)
@given(options=option_dicts)
def test_decorator_options_give_a_working_policy_or_a_config_error(options: dict[str, Any]) -> None:
    app = make_app()
    with quiet():
        try:
            decorator = cross_origin(**options)
        except ConfigError as exc:
            assert_config_error(exc)
            return

        @app.route("/deco", methods=["GET", "PUT", "PATCH"])
        @decorator
        def deco() -> str:
            return "ok"

        exercise(app, "/deco")
