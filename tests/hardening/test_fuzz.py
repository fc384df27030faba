"""Fuzz targets for the parsers that see untrusted or user-written text.

- ``is_serialized_origin`` (request ``Origin``): never raises, and agrees with an
  independent reading of the Fetch ``serialized-origin`` grammar;
- ``parse_origin_entry`` (configured origins): returns a spec or raises crossorigin's
  own ``ConfigError``, nothing else; an exact origin it returns is what a browser sends
  and matches itself;
- ``split_header_names`` (``Access-Control-Request-Headers``): never raises, returns
  lower-case tokens or None, and round-trips;
- ``parse_path_pattern`` and ``find_unescaped_dots``: only ``ConfigError``;
- ``decide`` on arbitrary request text: never raises, never grants an origin that
  does not match.

Hypothesis drives them (``budget``: a few hundred examples per target by default,
100,000 with ``--long``); the text strategies mix arbitrary Unicode with
origin-shaped strings so that the interesting branches are reached.
"""

from __future__ import annotations

import re
import string
import warnings

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crossorigin import ConfigError, build_policy
from crossorigin.core.decide import decide
from crossorigin.core.errors import ERROR_IDS
from crossorigin.core.headers import MAX_REQUEST_HEADER_LENGTH, is_token, split_header_names
from crossorigin.core.origins import (
    AnyOrigin,
    ExactOrigin,
    HostPattern,
    OriginMatcher,
    PredicateOrigin,
    RegexOrigin,
    find_unescaped_dots,
    is_serialized_origin,
    parse_origin_entry,
    split_origin,
)
from crossorigin.core.paths import PathPattern, parse_path_pattern

from .support import budget, split_browser_origin

# -- strategies -------------------------------------------------------------------

URLISH = string.ascii_letters + string.digits + ":/.-_[]@%*?#+ \t\r\n\x00,;\\`~!$&'()="
PIECES = (
    "http",
    "https",
    "HTTPS",
    "ws",
    "://",
    ":/",
    "*.",
    ".",
    "..",
    "example",
    "com",
    "co.uk",
    "github.io",
    "localhost",
    "127.0.0.1",
    "[::1]",
    "[",
    "]",
    ":",
    ":*",
    ":443",
    ":80",
    ":0",
    ":65535",
    ":65536",
    ":99999",
    ":0443",
    "/",
    "?q",
    "#f",
    "@",
    "user@",
    "xn--",
    "é",
    "ß",
    "\u210c",
    "\u0130",
    "\u212a",  # KELVIN SIGN: lower() gives an ASCII "k"
    "\ufb01",  # LATIN SMALL LIGATURE FI
    "\u0661",  # ARABIC-INDIC DIGIT ONE: isdigit() but not ASCII
    "²",
    "\x00",
    "\r\n",
    " ",
    ",",
    "null",
    ".*",
    r"\.",
    "(",
    ")",
    "|",
    "^",
    "$",
    "+",
)

ORIGIN_CHARS = frozenset(string.ascii_lowercase + string.digits + "+.-_:/[]")

origin_shaped = st.lists(st.sampled_from(PIECES), max_size=10).map("".join)
urlish_text = st.text(alphabet=URLISH, max_size=80)
any_text = st.text(max_size=120)
fuzz_text = st.one_of(origin_shaped, urlish_text, any_text)


# -- request Origin ---------------------------------------------------------------


@budget(ci_examples=1500)
@given(value=st.one_of(fuzz_text, st.text(alphabet="abc.:/[]0123456789", max_size=400)))
def test_request_origin_check_never_raises_and_agrees_with_the_grammar(value: str) -> None:
    valid = is_serialized_origin(value)
    assert isinstance(valid, bool)
    parts = split_browser_origin(value)
    assert valid == (parts is not None), value
    if valid:
        assert value.isascii() and value == value.lower()
        assert len(value) <= 300
        assert set(value) <= ORIGIN_CHARS, value
        assert value.count("://") == 1 and "/" not in value.partition("://")[2]
        scheme, host, port = split_origin(value)
        assert value.startswith(scheme + "://") and host
        assert port is None or 0 <= port <= 65535


# -- configured origins ------------------------------------------------------------


def _check_spec(entry: object) -> None:
    try:
        spec = parse_origin_entry(entry)
    except ConfigError as exc:
        assert exc.id in ERROR_IDS and exc.id.startswith("E1"), exc.id
        assert str(exc).startswith(f"crossorigin.{exc.id}: ")
        return
    assert isinstance(spec, (AnyOrigin, ExactOrigin, HostPattern, RegexOrigin, PredicateOrigin))
    if isinstance(spec, ExactOrigin):
        origin = spec.origin
        # What a browser sends: the entry's own normal form, idempotent, matching itself.
        assert origin.isascii() and origin == origin.lower() and not origin.endswith("/")
        if len(origin) <= 300:
            assert is_serialized_origin(origin), origin
        assert parse_origin_entry(origin) == spec
        assert OriginMatcher([spec]).matches(origin)
    if isinstance(spec, HostPattern):
        assert spec.host and spec.host == spec.host.lower() and "*" not in spec.host
        assert spec.port is None or 0 <= spec.port <= 65535


@budget(ci_examples=2000)
@given(entry=fuzz_text)
def test_origin_entry_parses_or_raises_config_error_only(entry: str) -> None:
    _check_spec(entry)


def _compiled_if_possible(pattern: str) -> object:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)  # re's notes on odd sets
            return re.compile(pattern)
    except re.error:
        return pattern


@pytest.mark.filterwarnings("ignore::FutureWarning")  # re's notes on odd sets in user regexes
@budget(ci_examples=300)
@given(
    entry=st.one_of(
        st.none(),
        st.integers(),
        st.floats(allow_nan=True),
        st.binary(max_size=20),
        st.lists(st.text(max_size=5), max_size=3),
        st.dictionaries(st.text(max_size=3), st.text(max_size=3), max_size=2),
        st.sampled_from((object(), int, str, re.compile(b"x"), True)),
        st.text(alphabet=r"abc.:/*+?\[](){}|^$", max_size=30).map(_compiled_if_possible),
    )
)
def test_origin_entry_of_any_type_parses_or_raises_config_error_only(entry: object) -> None:
    _check_spec(entry)


@budget(ci_examples=500)
@given(pattern=st.text(max_size=60))
def test_unescaped_dot_finder_never_raises(pattern: str) -> None:
    dots = find_unescaped_dots(pattern)
    assert all(pattern[i] == "." for i in dots)


# -- Access-Control-Request-Headers ------------------------------------------------

header_pieces = st.sampled_from(
    ("x-a", "X-B", "authorization", ",", ", ", " ", "\t", "", "x a", "é", "\r\n", "\x00", ";", "*")
)
acrh_values = st.one_of(
    st.lists(header_pieces, max_size=12).map("".join),
    st.text(max_size=200),
    st.integers(0, 3000).map(lambda n: "," * n),
    st.integers(8180, 8200).map(lambda n: "x-" + "a" * (n - 2)),
)


@budget(ci_examples=1500)
@given(value=acrh_values)
def test_request_headers_parser_never_raises_and_round_trips(value: str) -> None:
    names = split_header_names(value)
    elements = [part.strip(" \t") for part in value.split(",")]
    if len(value) > MAX_REQUEST_HEADER_LENGTH or any(e and not is_token(e) for e in elements):
        assert names is None
        return
    assert names == [e.lower() for e in elements if e]
    assert split_header_names(",".join(names)) == names


# -- resource keys -------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore:Possible:FutureWarning")  # re's notes on odd sets
@budget(ci_examples=800)
@given(key=st.one_of(fuzz_text, st.text(alphabet="/api*.+?()[]{}\\^$|", max_size=30)))
def test_resource_key_parses_or_raises_config_error_only(key: str) -> None:
    try:
        pattern = parse_path_pattern(key)
    except ConfigError as exc:
        assert exc.id == "E401"
        return
    assert isinstance(pattern, PathPattern)
    assert isinstance(pattern.matches("/api/x"), bool)


# -- decisions on arbitrary request text ----------------------------------------------

POLICIES = [
    build_policy({"origins": ["https://app.example.com", "http://localhost:*"]}),
    build_policy(
        {
            "origins": ["https://*.example.com", re.compile(r"https://api\.example\.org")],
            "supports_credentials": True,
            "allow_headers": ["x-a", re.compile(r"x-b-.*")],
            "methods": ["GET", "PUT"],
        }
    ),
    build_policy({"origins": "*", "methods": "*"}),
]
ALLOWED = re.compile(
    r"https://app\.example\.com|http://localhost(:\d{1,5})?|https://([a-z0-9_-]+\.)+example\.com"
    r"(:443)?|https://api\.example\.org"
)


@budget(ci_examples=1500)
@given(
    index=st.integers(0, len(POLICIES) - 1),
    method=st.one_of(st.sampled_from(("GET", "OPTIONS", "PUT", "patch")), st.text(max_size=20)),
    origin=st.one_of(st.none(), fuzz_text, st.sampled_from(("https://app.example.com", "null"))),
    request_method=st.one_of(st.none(), st.text(max_size=70), st.just("PUT")),
    request_headers=st.one_of(st.none(), acrh_values),
)
def test_decide_never_raises_and_grants_only_matching_origins(
    index: int,
    method: str,
    origin: str | None,
    request_method: str | None,
    request_headers: str | None,
) -> None:
    policy = POLICIES[index]
    headers = {}
    if origin is not None:
        headers["Origin"] = origin
    if request_method is not None:
        headers["Access-Control-Request-Method"] = request_method
    if request_headers is not None:
        headers["Access-Control-Request-Headers"] = request_headers
    decision = decide(policy, method, headers)
    granted = dict(decision.headers).get("Access-Control-Allow-Origin")
    if granted is None:
        return
    if policy.any_origin:
        assert granted == "*"
        return
    assert granted == origin
    assert origin is not None and len(origin) <= 300 and ALLOWED.fullmatch(origin), origin
    for _, value in decision.headers:
        assert not any(ord(c) < 0x20 or ord(c) > 0x7E for c in value), value
