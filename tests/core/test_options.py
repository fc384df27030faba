"""Option names, types and CORS_* config keys."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest

from crossorigin.core.errors import ConfigError
from crossorigin.core.options import (
    DEFAULT_OPTIONS,
    OPTION_NAMES,
    config_key,
    merge,
    normalize_options,
    options_from_config,
)

FLASK_CORS_OPTIONS = {
    "origins",
    "methods",
    "allow_headers",
    "expose_headers",
    "supports_credentials",
    "max_age",
    "send_wildcard",
    "vary_header",
    "automatic_options",
    "resources",
    "intercept_exceptions",
    "always_send",
    "allow_private_network",
}


def test_every_flask_cors_option_is_known() -> None:
    assert FLASK_CORS_OPTIONS <= OPTION_NAMES


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"methods": "get, post"}, {"methods": ("get", "post")}),
        ({"methods": ["GET", "PUT"]}, {"methods": ("GET", "PUT")}),
        ({"allow_headers": "Content-Type"}, {"allow_headers": ("Content-Type",)}),
        ({"expose_headers": None}, {"expose_headers": ()}),
        ({"expose_headers": ["X-A", "X-B"]}, {"expose_headers": ("X-A", "X-B")}),
        ({"max_age": 600}, {"max_age": 600}),
        ({"max_age": "600"}, {"max_age": 600}),
        ({"max_age": timedelta(minutes=10)}, {"max_age": 600}),
        ({"max_age": None}, {"max_age": None}),
        ({"max_age": 0}, {"max_age": 0}),
        ({"origins": "https://a.com"}, {"origins": ("https://a.com",)}),
        ({"origins": ["https://a.com"]}, {"origins": ("https://a.com",)}),
        ({"supports_credentials": True}, {"supports_credentials": True}),
        ({"preflight_status": 204}, {"preflight_status": 204}),
        ({"debug": None}, {"debug": None}),
        ({"debug": True}, {"debug": True}),
        ({"resources": ["/a/*"]}, {"resources": ("/a/*",)}),
        ({"resources": {"/a/*": {}}}, {"resources": {"/a/*": {}}}),
    ],
)
def test_values_are_normalised(options: dict[str, Any], expected: dict[str, Any]) -> None:
    assert normalize_options(options) == expected


def test_patterns_and_callables_are_kept() -> None:
    regex = re.compile("X-.*")
    assert normalize_options({"allow_headers": regex}) == {"allow_headers": (regex,)}
    assert normalize_options({"allow_headers": ["A", regex]}) == {"allow_headers": ("A", regex)}

    def allowed(origin: str) -> bool:
        return True

    assert normalize_options({"origins": allowed}) == {"origins": (allowed,)}


@pytest.mark.parametrize(
    ("options", "error_id"),
    [
        ({"origin": "*"}, "E001"),
        ({"bogus_option": 1}, "E001"),
        ({"supports_credentials": "true"}, "E002"),
        ({"supports_credentials": 1}, "E002"),
        ({"vary_header": None}, "E002"),
        ({"methods": 5}, "E002"),
        ({"methods": ["GET", 5]}, "E002"),
        ({"allow_headers": {"a": 1}}, "E002"),
        ({"origins": 5}, "E002"),
        ({"origins": {"https://a.com": 1}}, "E002"),
        ({"resources": 5}, "E002"),
        ({"debug": "yes"}, "E002"),
        ({"max_age": -1}, "E003"),
        ({"max_age": 1.5}, "E003"),
        ({"max_age": "abc"}, "E003"),
        ({"max_age": "-5"}, "E003"),
        ({"max_age": True}, "E003"),
        ({"max_age": timedelta(seconds=1.5)}, "E003"),
        ({"max_age": timedelta(seconds=-5)}, "E003"),
        ({"preflight_status": 404}, "E004"),
        ({"preflight_status": "204"}, "E004"),
    ],
)
def test_bad_options_are_refused(options: dict[str, Any], error_id: str) -> None:
    with pytest.raises(ConfigError) as info:
        normalize_options(options)
    assert info.value.id == error_id


def test_unknown_option_suggests_the_known_name() -> None:
    with pytest.raises(ConfigError, match="did you mean 'origins'"):
        normalize_options({"origin": "*"})


def test_config_keys() -> None:
    assert config_key("max_age") == "CORS_MAX_AGE"
    config = {
        "CORS_ORIGINS": ["https://a.com"],
        "CORS_MAX_AGE": 5,
        "CORS_HEADERS": "Content-Type",  # a no-op in flask-cors too
        "SECRET_KEY": "x",
        7: "not a string key",
    }
    assert options_from_config(config) == {"origins": ["https://a.com"], "max_age": 5}


def test_unknown_config_key_is_an_error_with_a_suggestion() -> None:
    with pytest.raises(ConfigError) as info:
        options_from_config({"CORS_ORIGIN": ["https://a.com"]})
    assert info.value.id == "E503"
    assert "CORS_ORIGINS" in str(info.value)
    with pytest.raises(ConfigError, match="known keys"):
        options_from_config({"CORS_ZZZZZZZZZZZZ": 1})


def test_merge_later_layers_win() -> None:
    assert merge({"a": 1, "b": 1}, {"b": 2}, {"c": 3}) == {"a": 1, "b": 2, "c": 3}
    assert DEFAULT_OPTIONS["origins"] == ("*",)
