"""Token checks and request-header list splitting."""

from __future__ import annotations

import pytest

from crossorigin.core.headers import is_token, split_header_names


@pytest.mark.parametrize(
    ("value", "token"),
    [
        ("GET", True),
        ("x-request-id", True),
        ("a b", False),
        ("", False),
        ("a:b", False),
        ("é", False),
    ],
)
def test_is_token(value: str, token: bool) -> None:
    assert is_token(value) is token


@pytest.mark.parametrize(
    ("value", "names"),
    [
        ("content-type,x-a", ["content-type", "x-a"]),
        (" Content-Type , X-A ", ["content-type", "x-a"]),
        (",,a,,", ["a"]),
        ("," * 1024, []),
        ("", []),
        ("a b", None),
        ("a,\x00", None),
        ("a," * 5000, None),
    ],
)
def test_split_header_names(value: str, names: list[str] | None) -> None:
    assert split_header_names(value) == names
