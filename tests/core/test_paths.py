"""Resource path patterns and the most-specific-wins table."""

from __future__ import annotations

import random
import re

import pytest

from crossorigin.core.errors import ResourceError
from crossorigin.core.headers import MAX_METHOD_LENGTH
from crossorigin.core.paths import (
    MAX_CACHED_PATH,
    PATH_CACHE_SIZE,
    ResourceTable,
    parse_path_pattern,
    remember_path,
    routing_path,
)


@pytest.mark.parametrize(
    ("key", "path", "covered"),
    [
        ("/api/*", "/api", True),
        ("/api/*", "/api/", True),
        ("/api/*", "/api/x", True),
        ("/api/*", "/api/x/y", True),
        ("/api/*", "/apiary", False),
        ("/api/*", "/api_internal", False),
        ("/API/*", "/api/x", False),
        ("/api/*", "/API/x", False),
        ("/api/*", "/v1/api/x", False),
        ("/*", "/", True),
        ("/*", "/anything/at/all", True),
        ("*", "/x", True),
        ("/api", "/api", True),
        ("/api", "/api/x", False),
        ("/api/*/items", "/api/7/items", True),
        ("/api/*/items", "/api/7/8/items", False),
        ("/files/*.json", "/files/a.json", True),
        ("/files/*.json", "/files/a.jsonx", False),
        (r"/api/.*", "/api/x", True),
        (r"/api/.*", "/api", False),
        (r"/api/.*", "/v2/api/x", False),
        (r"/service\+path", "/service+path", True),
        (r"/service\+path", "/service+pathology", False),
        (r"^/api/v[0-9]+/.*$", "/api/v2/x", True),
        (re.compile(r"/api/v\d+"), "/api/v2", True),
        (re.compile(r"/api/v\d+"), "/api/v2/more", False),
    ],
)
def test_patterns_match_the_whole_path(key: object, path: str, covered: bool) -> None:
    assert parse_path_pattern(key).matches(path) is covered
    table = ResourceTable([(parse_path_pattern(key), "policy")])
    assert (table.match(path) == "policy") is covered


@pytest.mark.parametrize(
    ("key", "kind"),
    [
        ("/api/*", "prefix"),
        ("/*", "prefix"),
        ("/api", "exact"),
        ("/a/*/b", "glob"),
        (r"/api/.*", "regex"),
        (re.compile("/x"), "regex"),
    ],
)
def test_kinds(key: object, kind: str) -> None:
    assert parse_path_pattern(key).kind == kind


@pytest.mark.parametrize("key", ["", 42, None, r"/api/(", re.compile(b"/x")])
def test_bad_keys_are_refused(key: object) -> None:
    with pytest.raises(ResourceError) as info:
        parse_path_pattern(key)
    assert info.value.id == "E401"


KEYS = ["/*", "/api/*", "/api/v1/*", r"/api/v1/admin/.*", "/api/v1/users", "/api/*/items"]
EXPECTED = {
    "/": "/*",
    "/other": "/*",
    "/api": "/api/*",
    "/api/x": "/api/*",
    "/api/v1": "/api/v1/*",
    "/api/v1/x": "/api/v1/*",
    "/api/v1/users": "/api/v1/users",
    "/api/v1/admin/x": r"/api/v1/admin/.*",
    "/api/v2/items": "/api/*/items",
}


@pytest.mark.parametrize("seed", range(6))
def test_most_specific_wins_whatever_the_order(seed: int) -> None:
    keys = KEYS[:]
    random.Random(seed).shuffle(keys)
    table = ResourceTable([(parse_path_pattern(k), k) for k in keys])
    for path, key in EXPECTED.items():
        assert table.match(path) == key, path


def test_empty_table_and_misses() -> None:
    table: ResourceTable[str] = ResourceTable([])
    assert not table
    assert table.match("/x") is None
    only_api = ResourceTable([(parse_path_pattern("/api/*"), "api")])
    assert only_api
    assert only_api.match("/x") is None


@pytest.mark.parametrize(
    ("raw", "routed"),
    [
        ("/a", "/a"),
        ("/", "/"),
        ("", "/"),
        ("a", "/a"),
        ("//a", "/a"),
        ("///a/b", "/a/b"),
        ("/a//b", "/a/b"),
        ("/a///b//", "/a/b/"),
        ("//", "/"),
        ("/a/b/", "/a/b/"),
        ("/a%2F%2Fb", "/a%2F%2Fb"),
    ],
)
def test_routing_path_is_the_path_werkzeug_routes(raw: str, routed: str) -> None:
    assert routing_path(raw) == routed


def test_the_table_matches_the_routed_path_never_the_raw_one() -> None:
    table = ResourceTable(
        [
            (parse_path_pattern("/private/*"), "admin"),
            (parse_path_pattern("/*"), "partner"),
            (parse_path_pattern("/exact/path"), "exact"),
            (parse_path_pattern(r"/re/\d+"), "re"),
        ]
    )
    for raw in ("/private/data", "//private/data", "///private/data", "private/data"):
        assert table.match(raw) == "admin", raw
    assert table.match("/exact//path") == "exact"
    assert table.match("//re/12") == "re"


def test_remember_path_keys_by_path_or_by_path_and_method() -> None:
    cache: dict[object, str] = {}
    remember_path(cache, "/a", "by path")
    remember_path(cache, "/a", "by GET", "GET")
    remember_path(cache, "/a", "by POST", "POST")
    assert cache == {"/a": "by path", ("/a", "GET"): "by GET", ("/a", "POST"): "by POST"}


def test_remember_path_skips_overlong_paths_and_methods() -> None:
    cache: dict[object, str] = {}
    long_path = "/" + "x" * MAX_CACHED_PATH
    remember_path(cache, long_path, "no")
    remember_path(cache, long_path, "no", "GET")
    remember_path(cache, "/a", "no", "M" * (MAX_METHOD_LENGTH + 1))
    remember_path(cache, "/a", "yes", "M" * MAX_METHOD_LENGTH)
    assert cache == {("/a", "M" * MAX_METHOD_LENGTH): "yes"}


def test_remember_path_stays_within_its_size() -> None:
    cache: dict[object, int] = {}
    for i in range(PATH_CACHE_SIZE * 2 + 1):
        remember_path(cache, f"/p{i}", i, "GET" if i % 2 else None)
        assert len(cache) <= PATH_CACHE_SIZE
    last = PATH_CACHE_SIZE * 2  # even: remembered by path alone
    assert cache[f"/p{last}"] == last
