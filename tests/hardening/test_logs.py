"""Refusal logs: no injection (CR/LF, ANSI escapes, other controls), one line per
refusal, and no payload dumps (an 8 kB value gives a line of a few hundred characters).

flask-cors had CVE-2024-1681 (log injection through the request path in debug mode);
here every request value reaches the log through ``explain.quote`` only.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
from flask import Flask

from crossorigin import CORS, cross_origin

from .support import STATS, assert_well_formed, record_max, send

#: A refusal line longer than this is a payload dump. Values are escaped (a non-ASCII
#: character takes up to 10 characters) and cut, so a hostile value costs at most ~480.
MAX_LINE = 700
KB8 = 8192

TRUSTED = "https://app.example.com"
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")

HOSTILE = [
    "https://evil.test\r\n2026-01-01 INFO crossorigin: CORS allowed: fake line",
    "https://evil.test\n\nINFO fake",
    "https://evil.test\rfake",
    "\x1b[2J\x1b[31mred\x1b[0m",
    "\x1b]0;title\x07",
    "https://evil.test\x00\x08\x7f",
    "https://evil.test\u2028\u2029\x85",
    "https://evil.test\u202e",
    "é" * 500 + "😀" * 500,
    "https://" + "a" * KB8 + ".com",
    "\r\n" * (KB8 // 2),
    "\x1b" * KB8,
    "😀" * KB8,
]


def make_app(**options: Any) -> Flask:
    app = Flask(__name__)
    app.logger.disabled = True

    @app.route("/api/data", methods=["GET", "PUT"])
    def data() -> str:
        return "ok"

    @app.route("/<path:anything>")
    def anything(anything: str) -> str:
        return "ok"

    CORS(app, **options)
    return app


def crossorigin_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    """The message line of each record (a traceback, if any, follows on its own lines)."""
    return [
        f"{r.levelname} {r.name}: {r.getMessage()}"
        for r in caplog.records
        if r.name == "crossorigin"
    ]


def assert_safe(lines: list[str], expected: int = 1) -> None:
    assert len(lines) == expected, lines
    for line in lines:
        assert not CONTROL.search(line), repr(line[:200])
        assert line.isascii(), repr(line[:200])
        assert len(line) < MAX_LINE, f"{len(line)} characters: {line[:200]}..."
        record_max("longest refusal log line", len(line), "{:.0f} characters")


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("value", HOSTILE, ids=lambda v: repr(v[:20]))
def test_hostile_origin_gives_one_safe_short_line_per_refusal(
    caplog: pytest.LogCaptureFixture, value: str, debug: bool
) -> None:
    caplog.set_level(logging.INFO, logger="crossorigin")
    app = make_app(origins=[TRUSTED], debug=debug)
    client = app.test_client()
    for method, environ in (
        ("GET", {"HTTP_ORIGIN": value}),
        ("OPTIONS", {"HTTP_ORIGIN": value, "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "PUT"}),
    ):
        caplog.clear()
        response = send(client, method, "/api/data", environ=environ)
        assert response.status_code < 500
        assert_well_formed(response)  # the debug header is escaped too
        assert_safe(crossorigin_lines(caplog))
        body = response.get_data(as_text=True)
        assert body.count("\n") <= 1 and not CONTROL.search(body.rstrip("\n")), body[:200]


@pytest.mark.parametrize(
    "environ",
    [
        {"HTTP_ACCESS_CONTROL_REQUEST_METHOD": "PUT\r\nfake: line"},
        {"HTTP_ACCESS_CONTROL_REQUEST_METHOD": "\x1b[31m" * 2000},
        {"HTTP_ACCESS_CONTROL_REQUEST_METHOD": "A" * KB8},
        {
            "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "PUT",
            "HTTP_ACCESS_CONTROL_REQUEST_HEADERS": "x\r\ny",
        },
        {
            "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "PUT",
            "HTTP_ACCESS_CONTROL_REQUEST_HEADERS": "x-" * 4000,
        },
        {
            "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "PUT",
            "HTTP_ACCESS_CONTROL_REQUEST_HEADERS": ",".join(f"x-{i}" for i in range(1500)),
        },
    ],
    ids=["crlf-method", "ansi-method", "8k-method", "crlf-headers", "8k-headers", "1500-names"],
)
def test_hostile_preflight_values_give_one_safe_short_line(
    caplog: pytest.LogCaptureFixture, environ: dict[str, str]
) -> None:
    caplog.set_level(logging.INFO, logger="crossorigin")
    app = make_app(origins=[TRUSTED], allow_headers=["x-a"], methods=["GET", "PUT"])
    response = send(
        app.test_client(), "OPTIONS", "/api/data", environ={"HTTP_ORIGIN": TRUSTED, **environ}
    )
    assert response.status_code == 403
    assert_safe(crossorigin_lines(caplog))


def test_empty_request_header_list_is_no_refusal_and_no_log(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """1,024 commas name no header (empty elements are ignored): granted, quietly."""
    caplog.set_level(logging.INFO, logger="crossorigin")
    app = make_app(origins=[TRUSTED], allow_headers=["x-a"], methods=["GET", "PUT"])
    environ = {
        "HTTP_ORIGIN": TRUSTED,
        "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "PUT",
        "HTTP_ACCESS_CONTROL_REQUEST_HEADERS": "," * 1024,
    }
    response = send(app.test_client(), "OPTIONS", "/api/data", environ=environ)
    assert response.status_code == 200 and "Access-Control-Allow-Headers" not in response.headers
    assert crossorigin_lines(caplog) == []


@pytest.mark.parametrize(
    "path",
    [
        "/x%0d%0aINFO%20fake",
        "/x%1b%5b31mred",
        "/" + "a" * KB8,
        "/" + "%0a" * 3000,
        "/%e2%80%a8%c2%85",
        "/%ff%fe",
    ],
    ids=["crlf", "ansi", "8k", "many-lf", "unicode-separators", "bad-utf8"],
)
def test_hostile_path_gives_one_safe_short_line(
    caplog: pytest.LogCaptureFixture, path: str
) -> None:
    caplog.set_level(logging.INFO, logger="crossorigin")
    app = make_app(origins=[TRUSTED], methods=["GET"])
    for method, environ in (
        ("GET", {"HTTP_ORIGIN": "https://evil.test"}),
        ("OPTIONS", {"HTTP_ORIGIN": TRUSTED, "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "DELETE"}),
    ):
        caplog.clear()
        response = app.test_client().open(path, method=method, environ_overrides=environ)
        assert response.status_code < 500
        assert_safe(crossorigin_lines(caplog))


def test_hostile_method_on_an_actual_request_gives_one_safe_short_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="crossorigin")
    app = make_app(origins=[TRUSTED], methods=["GET"])
    for method in ("DELETE\r\nfake", "\x1b[31m" * 1000, "X" * KB8):
        caplog.clear()
        environ = {"HTTP_ORIGIN": "https://evil.test"}  # refused, so a line is logged
        response = send(app.test_client(), method, "/api/data", environ=environ)
        assert response.status_code < 500
        assert_safe(crossorigin_lines(caplog))


def test_standalone_decorator_refusals_are_logged_once_and_safely(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="crossorigin")
    app = Flask(__name__)

    @app.route("/d", methods=["GET", "PUT"])
    @cross_origin(origins=[TRUSTED])
    def d() -> str:
        return "ok"

    for value in HOSTILE[:4] + HOSTILE[-4:]:
        for method, environ in (
            ("GET", {"HTTP_ORIGIN": value}),
            ("OPTIONS", {"HTTP_ORIGIN": value, "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "PUT"}),
        ):
            caplog.clear()
            response = send(app.test_client(), method, "/d", environ=environ)
            assert response.status_code < 500
            assert_safe(crossorigin_lines(caplog))


@pytest.mark.parametrize("value", ["😀" * 120, "é" * 60 + "😀" * 60])
def test_short_wide_origin_is_cut_like_a_long_one(
    caplog: pytest.LogCaptureFixture, value: str
) -> None:
    caplog.set_level(logging.INFO, logger="crossorigin")
    app = make_app(origins=[TRUSTED])
    send(app.test_client(), "GET", "/api/data", environ={"HTTP_ORIGIN": value})
    assert_safe(crossorigin_lines(caplog))


def test_grants_and_requests_without_origin_are_not_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="crossorigin")
    app = make_app(origins=[TRUSTED])
    client = app.test_client()
    for _ in range(100):
        send(client, "GET", "/api/data", environ={"HTTP_ORIGIN": TRUSTED})
        send(client, "GET", "/api/data")
    assert crossorigin_lines(caplog) == []


def test_a_failing_origins_callable_is_logged_without_request_bytes(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The callable only ever sees a validated origin, so its traceback cannot carry
    an injection; hostile values are refused before it is called."""
    caplog.set_level(logging.INFO, logger="crossorigin")
    seen: list[str] = []

    def lookup(origin: str) -> bool:
        seen.append(origin)
        raise KeyError(origin)

    app = make_app(origins=[lookup])
    for value in HOSTILE:
        caplog.clear()
        send(app.test_client(), "GET", "/api/data", environ={"HTTP_ORIGIN": value})
        assert_safe(crossorigin_lines(caplog))  # one refusal line, no callable call
    assert seen == []
    caplog.clear()
    send(app.test_client(), "GET", "/api/data", environ={"HTTP_ORIGIN": "https://ok.example"})
    lines = crossorigin_lines(caplog)
    assert seen == ["https://ok.example"]
    # The callable's failure (logger.exception: its traceback follows), then the refusal.
    assert len(lines) == 2 and lines[0].startswith("ERROR") and lines[1].startswith("INFO")
    assert_safe(lines, expected=2)
    STATS["refusal log lines checked"] = "CR/LF, ANSI, C0/C1, U+2028/9, 8 kB values: all escaped"
