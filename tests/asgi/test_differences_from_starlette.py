"""Every row of the table of differences from Starlette's ``CORSMiddleware`` in
``docs/asgi.md``, asserted on both sides.

Each row wraps the same bare ASGI app in both middlewares and asserts what the row says
each of them does. A row without a test, or a test without a row, fails under its own id
(``row-N``).
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import pytest
from starlette.middleware.cors import CORSMiddleware as StarletteCORS

from crossorigin import ConfigError
from crossorigin.asgi import CORSMiddleware
from shared.doc_rows import RowTable, row_id

from .client import Answer, BareApp, call

PAGE = Path(__file__).resolve().parents[2] / "docs" / "asgi.md"

APP = "https://app.example.com"
EVIL = "https://evil.example.net"
ACAO = "access-control-allow-origin"
ACAC = "access-control-allow-credentials"
ACAM = "access-control-allow-methods"
ACAH = "access-control-allow-headers"


def starlette(**options: Any) -> StarletteCORS:
    return StarletteCORS(BareApp(), **options)


def ours(**options: Any) -> CORSMiddleware:
    return CORSMiddleware(BareApp(), **options)


def get(app: Any, origin: str | None = None, path: str = "/api/items") -> Answer:
    return call(app, "GET", path, {} if origin is None else {"Origin": origin})


def preflight(
    app: Any, origin: str, path: str = "/api/items", headers: dict[str, str] | None = None
) -> Answer:
    sent = {"Origin": origin, "Access-Control-Request-Method": "PUT", **(headers or {})}
    return call(app, "OPTIONS", path, sent)


def refused(**options: Any) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        ours(**options)
    return info.value


class SendsVaryOrigin:
    """An app that already says its response depends on the Origin."""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        headers = [(b"content-type", b"text/plain"), (b"vary", b"Origin")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"ok"})


# --- the rows ---------------------------------------------------------------------------------


ROWS = RowTable(PAGE)
row = ROWS.row


@row(1, '"app.example.com"', '"https://app.example.com/"', "silently", "E101", "trailing slash")
def configuration(caplog: pytest.LogCaptureFixture) -> None:
    theirs = starlette(allow_origins=["app.example.com", "https://app.example.com/"])
    assert ACAO not in get(theirs, APP).cors()
    assert refused(origins=["app.example.com"]).id == "E101"
    assert get(ours(origins=["https://app.example.com/"]), APP).cors()[ACAO] == APP


@row(2, 'allow_origins=["*"]', "allow_credentials=True", "E301")
def any_origin_with_credentials(caplog: pytest.LogCaptureFixture) -> None:
    theirs = starlette(allow_origins=["*"], allow_credentials=True)
    assert {ACAO: EVIL, ACAC: "true"}.items() <= get(theirs, EVIL).cors().items()
    assert preflight(theirs, EVIL).cors()[ACAO] == EVIL
    assert refused(origins="*", supports_credentials=True).id == "E301"


@row(3, "every response that is not a preflight", "`Vary: Origin, Origin`", "never repeated")
def vary_origin(caplog: pytest.LogCaptureFixture) -> None:
    # The same answer for every origin: Starlette still varies; crossorigin does not.
    theirs = starlette(allow_origins=["*"])
    for origin in (APP, None):
        assert get(theirs, origin).cors() == {
            **({ACAO: "*"} if origin else {}),
            "vary": "Origin",
        }
        assert get(ours(origins="*"), origin).cors() == {ACAO: "*"}
    # An answer that depends on the Origin: both vary, granted or refused.
    for origin in (APP, EVIL, None):
        assert get(starlette(allow_origins=[APP]), origin).cors()["vary"] == "Origin"
        assert get(ours(origins=[APP]), origin).cors()["vary"] == "Origin"
    # The app already varies by Origin.
    theirs_app = StarletteCORS(SendsVaryOrigin(), allow_origins=[APP])
    ours_app = CORSMiddleware(SendsVaryOrigin(), origins=[APP])
    assert get(theirs_app, APP).all("Vary") == ["Origin, Origin"]
    assert get(ours_app, APP).all("Vary") == ["Origin"]


@row(4, "`400`", "Disallowed CORS origin", "`403`", "no `Access-Control-*` header")
def refused_preflight(caplog: pytest.LogCaptureFixture) -> None:
    theirs = preflight(starlette(allow_origins=[APP], allow_methods=["PUT"]), EVIL)
    assert theirs.status == 400
    assert theirs.body == b"Disallowed CORS origin"
    assert theirs.cors()[ACAM] == "PUT"
    caplog.set_level(logging.INFO, logger="crossorigin")
    answer = preflight(ours(origins=[APP], methods=["PUT"]), EVIL)
    assert answer.status == 403
    assert answer.body == b"CORS preflight refused: origin-not-allowed\n"
    assert [name for name in answer.cors() if name.startswith("access-control-")] == []
    [line] = [r.getMessage() for r in caplog.records if r.name == "crossorigin"]
    assert line.startswith("CORS origin-not-allowed: ") and EVIL in line


@row(5, "every path", "`resources=`", "passes untouched")
def paths(caplog: pytest.LogCaptureFixture) -> None:
    assert get(starlette(allow_origins=[APP]), APP, "/other").cors()[ACAO] == APP
    scoped = ours(resources={"/api/*": {"origins": [APP]}})
    assert get(scoped, APP).cors()[ACAO] == APP
    assert get(scoped, APP, "/other").cors() == {}
    inner = BareApp()
    assert preflight(CORSMiddleware(inner, resources={"/api/*": {}}), APP, "/other").cors() == {}
    assert [scope["path"] for scope in inner.calls] == ["/other"]  # the app answered it


@row(6, "none", "`debug=True`", "`X-CORS-Decision`")
def debugging(caplog: pytest.LogCaptureFixture) -> None:
    with pytest.raises(TypeError):
        starlette(allow_origins=[APP], debug=True)
    assert get(starlette(allow_origins=[APP]), EVIL).get("X-CORS-Decision") is None
    loud = ours(origins=[APP], debug=True)
    assert get(loud, EVIL).get("X-CORS-Decision") == "actual; origin-not-allowed"
    assert b"evil.example.net" in preflight(loud, EVIL).body


@row(7, "`Content-Type` always", "whatever `allow_headers` says", "echoes the requested names")
def allowed_headers(caplog: pytest.LogCaptureFixture) -> None:
    wanted = {"Access-Control-Request-Headers": "content-type"}
    theirs = starlette(allow_origins=[APP], allow_methods=["PUT"], allow_headers=["X-Token"])
    answer = preflight(theirs, APP, headers=wanted)
    assert answer.status == 200
    assert answer.cors()[ACAH] == "Accept, Accept-Language, Content-Language, Content-Type, X-Token"
    narrow = ours(origins=[APP], methods=["PUT"], allow_headers=["X-Token"])
    assert preflight(narrow, APP, headers=wanted).status == 403
    listed = ours(origins=[APP], methods=["PUT"], allow_headers=["X-Token", "Content-Type"])
    assert preflight(listed, APP, headers=wanted).cors()[ACAH] == "content-type"


@row(8, "allow_origin_regex", "https://evilexample.com", "E106")
def regex_with_credentials(caplog: pytest.LogCaptureFixture) -> None:
    loose = r"https://.*example\.com"
    theirs = starlette(allow_origin_regex=loose, allow_credentials=True)
    evil = "https://evilexample.com"
    assert {ACAO: evil, ACAC: "true"}.items() <= get(theirs, evil).cors().items()
    assert refused(origins=[re.compile(loose)], supports_credentials=True).id == "E106"


# --- the table and the tests, row by row --------------------------------------------------------


def test_the_rows_are_numbered_from_one() -> None:
    ROWS.check_numbering()


@pytest.mark.parametrize("number", ROWS.numbers(), ids=row_id)
def test_row(number: int, caplog: pytest.LogCaptureFixture) -> None:
    ROWS.check_row(number, caplog)
