"""crossorigin.probe.inputs: what the page asks for, checked as a browser would."""

from __future__ import annotations

import pytest

from crossorigin.core.fetchcheck import FetchRequest
from crossorigin.probe import (
    DoctorError,
    build_request,
    check_origin,
    check_url,
    parse_header,
    url_origin,
)

PAGE = "http://localhost:3000"


def test_parse_header() -> None:
    assert parse_header("X-Request-ID: 42") == ("X-Request-ID", "42")
    assert parse_header("X-Empty:") == ("X-Empty", "")
    assert parse_header("X-Trace") == ("X-Trace", "1")
    assert parse_header("content-type") == ("content-type", "application/json")
    assert parse_header(" Accept : a:b ") == ("Accept", "a:b")
    with pytest.raises(DoctorError):
        parse_header(": value")


def test_url_origin() -> None:
    assert url_origin("HTTP://Example.COM:80/x") == "http://example.com"
    assert url_origin("https://a.test:8443/") == "https://a.test:8443"
    assert url_origin("http://[::1]:5000/") == "http://[::1]:5000"
    assert url_origin("ftp://a.test/") is None
    assert url_origin("http://a.test:99999/") is None


def test_check_url_and_origin_accept_what_browsers_use() -> None:
    assert check_url("http://127.0.0.1:5000/api?x=1") == "http://127.0.0.1:5000/api?x=1"
    assert check_origin("null") == "null"
    assert check_origin("chrome-extension://abcdef") == "chrome-extension://abcdef"
    with pytest.raises(DoctorError):
        check_origin("http://a.test\r\nX-Evil: 1")


def test_build_request() -> None:
    request = build_request(
        "http://127.0.0.1/x", origin=PAGE, method="patch", headers=["X-A: 1"], credentials=True
    )
    assert request == FetchRequest(PAGE, "http://127.0.0.1/x", "patch", (("X-A", "1"),), "include")
