"""Resource patterns: which paths a ``resources`` key covers, which key wins, how
percent-encoded paths are matched, and what a resource's options may be."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask

from crossorigin import CORS, ConfigError
from shared.headers import ACAO, cors_headers

from .helpers import get

A = "https://a.example.com"
B = "https://b.example.com"
C = "https://c.example.com"


def catch_all(app: Flask) -> Flask:
    """Every path answers 200, so coverage alone decides the CORS headers."""

    @app.route("/", defaults={"path": ""})
    @app.route("/<path:path>")
    def anything(path: str) -> str:
        return "ok"

    return app


def covered(app: Flask, path: str, origin: str = A) -> bool:
    response = get(app.test_client(), path, origin)
    assert response.status_code == 200
    acao = cors_headers(response).get(ACAO)
    assert acao in (None, origin)
    return acao == origin


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/api", True),
        ("/api/", True),
        ("/api/x", True),
        ("/api/x/y", True),
        ("/apiary", False),
        ("/api_internal", False),
        ("/API/x", False),
        ("/v1/api/x", False),
        ("/", False),
    ],
    ids=[
        "bare",
        "slash",
        "child",
        "grandchild",
        "apiary",
        "api_internal",
        "upper",
        "nested",
        "root",
    ],
)
def test_glob_covers_the_prefix_and_below_only(app: Flask, path: str, expected: bool) -> None:
    CORS(catch_all(app), resources={r"/api/*": {"origins": [A]}})

    assert covered(app, path) is expected


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/api/v1/items", True),
        ("/api/x/items", True),
        ("/api/items", False),
        ("/api/v1/x/items", False),
        ("/api/v1/items/1", False),
    ],
    ids=["segment", "other-segment", "no-segment", "two-segments", "below"],
)
def test_star_inside_a_path_is_one_segment(app: Flask, path: str, expected: bool) -> None:
    CORS(catch_all(app), resources={"/api/*/items": {"origins": [A]}})

    assert covered(app, path) is expected


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/api/x", True),
        ("/api/x/y", True),
        ("/api/", True),
        ("/api", False),
        ("/v1/api/x", False),
        ("/apiary", False),
    ],
    ids=["child", "grandchild", "slash", "bare", "nested", "apiary"],
)
def test_regex_looking_key_is_matched_against_the_whole_path(
    app: Flask, path: str, expected: bool
) -> None:
    CORS(catch_all(app), resources={r"/api/.*": {"origins": [A]}})

    assert covered(app, path) is expected


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        (re.compile(r"/api/v\d+/.*"), "/api/v1/users", True),
        (re.compile(r"/api/v\d+/.*"), "/api/v12/x/y", True),
        (re.compile(r"/api/v\d+/.*"), "/api/vx/users", False),
        (re.compile(r"/api/v\d+/.*"), "/x/api/v1/users", False),
        (re.compile(r"/api/v\d+/.*"), "/api/v1", False),
        (re.compile(r"/api"), "/api", True),
        (re.compile(r"/api"), "/api/x", False),
        (re.compile(r"/api"), "/apiary", False),
    ],
    ids=[
        "versioned",
        "versioned-deep",
        "not-a-version",
        "prefixed",
        "no-trailing-part",
        "exact",
        "no-prefix-match",
        "no-prefix-match-word",
    ],
)
def test_compiled_pattern_is_matched_against_the_whole_path(
    app: Flask, pattern: re.Pattern[str], path: str, expected: bool
) -> None:
    CORS(catch_all(app), resources={pattern: {"origins": [A]}})

    assert covered(app, path) is expected


@pytest.mark.parametrize(
    "resources",
    [["/api/*", "/v2/*"], ("/api/*", "/v2/*"), {"/api/*": {}, "/v2/*": {}}],
    ids=["list", "tuple", "dict"],
)
@pytest.mark.parametrize(
    ("path", "expected"),
    [("/api/x", True), ("/v2/x", True), ("/v3/x", False)],
    ids=["first", "second", "neither"],
)
def test_several_patterns_each_cover_their_paths(
    app: Flask, resources: Any, path: str, expected: bool
) -> None:
    CORS(catch_all(app), resources=resources, origins=[A])

    assert covered(app, path) is expected


# -- the most specific pattern wins -------------------------------------------------------

SPECIFIC = [
    (r"/api/*", {"origins": [A]}),
    (r"/api/admin/*", {"origins": [B]}),
    (r"/api/admin/login", {"origins": [C]}),
]


@pytest.mark.parametrize("order", ["general-first", "specific-first"])
@pytest.mark.parametrize(
    ("path", "winner"),
    [
        ("/api/x", A),
        ("/api/admin", B),
        ("/api/admin/users", B),
        ("/api/admin/login", C),
        ("/api/admin/login/x", B),
    ],
    ids=["general", "admin-bare", "admin", "exact", "below-exact"],
)
def test_most_specific_pattern_wins_whatever_the_order(
    app: Flask, order: str, path: str, winner: str
) -> None:
    entries = SPECIFIC if order == "general-first" else list(reversed(SPECIFIC))
    CORS(catch_all(app), resources=dict(entries))

    granted = {origin for origin in (A, B, C) if covered(app, path, origin)}

    assert granted == {winner}


@pytest.mark.parametrize("order", ["general-first", "specific-first"])
@pytest.mark.parametrize(
    ("path", "winner"),
    [("/api/x", A), ("/api/admin/x", B), ("/api/administrator", B)],
    ids=["general", "admin", "admin-prefixed"],
)
def test_longer_regex_wins_over_a_shorter_glob_whatever_the_order(
    app: Flask, order: str, path: str, winner: str
) -> None:
    entries = [(r"/api/*", {"origins": [A]}), (r"/api/admin.*", {"origins": [B]})]
    if order == "specific-first":
        entries.reverse()
    CORS(catch_all(app), resources=dict(entries))

    granted = {origin for origin in (A, B) if covered(app, path, origin)}

    assert granted == {winner}


# -- percent-encoding -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "winner"),
    [
        ("/api/a", A),
        ("/api/%61", A),
        ("/api/%2561", B),
        ("/api/%252561", None),
    ],
    ids=["plain", "encoded-once", "encoded-twice", "encoded-three-times"],
)
def test_percent_encoded_paths_are_matched_as_routed_decoded_once(
    app: Flask, path: str, winner: str | None
) -> None:
    CORS(catch_all(app), resources={"/api/a": {"origins": [A]}, "/api/%61": {"origins": [B]}})

    granted = {origin for origin in (A, B) if covered(app, path, origin)}

    assert granted == ({winner} if winner else set())


def test_encoded_slash_does_not_reach_another_pattern(app: Flask) -> None:
    CORS(
        catch_all(app),
        resources={"/public/*": {"origins": [A]}, "/public/admin/*": {"origins": [B]}},
    )

    granted = {origin for origin in (A, B) if covered(app, "/public/admin%252Fx", origin)}

    assert granted == {A}


# -- resource options must be a dict ----------------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [[A], A, None, True, 42],
    ids=["list", "string", "none", "bool", "int"],
)
def test_resource_options_must_be_a_dict(app: Flask, options: Any) -> None:
    with pytest.raises(ConfigError) as info:
        CORS(app, resources={"/api/*": options})

    assert info.value.id == "E402"


def test_resource_options_cannot_nest_resources(app: Flask) -> None:
    with pytest.raises(ConfigError) as info:
        CORS(app, resources={"/api/*": {"resources": "/x/*"}})

    assert info.value.id == "E402"


@pytest.mark.parametrize(
    "key", ["", r"/api/(unclosed", 42, None], ids=["empty", "broken-regex", "int", "none"]
)
def test_unusable_resource_key_is_refused(app: Flask, key: Any) -> None:
    with pytest.raises(ConfigError) as info:
        CORS(app, resources={key: {}})

    assert info.value.id == "E401"


def test_every_problem_across_resources_is_reported_once() -> None:
    app = Flask(__name__)
    with pytest.raises(ConfigError) as info:
        CORS(
            app,
            resources={"/a/*": {}, "/b/*": {"methods": ["TRACE"]}, "/c/*": {"origins": ["null"]}},
            origins="*",
            supports_credentials=True,
            max_age=-3,
        )
    assert [e.id for e in info.value.all] == ["E003", "E301", "E202", "E103"]
    assert "(3 more problems in this configuration)" in str(info.value)
