"""Every snippet of the seed article, judged by Chromium.

The apps are the snippets of ``tests/shared/seed_snippets.py`` (the article's code with the
import changed to crossorigin), which the Flask and Quart test-client suites run too. The
one thing adapted is the allowed origin a snippet names, ``http://localhost:3000`` (on the
route-specific snippet's restricted route, ``https://app.yourdomain.com``): it becomes the
test page's origin (A), swapped into the snippet's source by ``rewritten``. A page on C
plays the article's "malicious site".
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from typing import Any

from browser_harness import (
    LoopbackServer,
    is_blocked,
    open_page,
    run_fetch,
    run_fetch_credentialed,
    set_cookie,
)
from flask import Flask

from shared.seed_snippets import (
    blueprint_app,
    preflight_app,
    quick_fix_app,
    rewritten,
    route_specific_app,
    secure_fix_app,
)

ACAO = "Access-Control-Allow-Origin"


def serving(factory: Callable[[], Flask], origin: str, article_origin: str) -> Flask:
    """The app of snippet ``factory``, with ``origin`` wherever it names ``article_origin``."""
    literal = f'"{article_origin}"'
    assert literal in inspect.getsource(factory), f"{factory.__name__} names no {literal}"
    app: Flask = rewritten(factory, [(re.escape(literal), f'"{origin}"')])()
    return app


def allowed(result: dict[str, Any], status: int = 200) -> None:
    assert "error" not in result, f"browser blocked the response: {result['error']}"
    assert result["status"] == status, result


def blocked(result: dict[str, Any]) -> None:
    assert is_blocked(result), f"expected the browser to block, page got {result}"


def test_quick_fix_global_cors_any_site_reads(
    context: Any, page: Any, b: LoopbackServer, c: LoopbackServer
) -> None:
    b.mount(quick_fix_app())
    result = run_fetch(page, b.url("/api/data"))
    allowed(result)
    assert "CORS is working perfectly!" in result["body"]
    other = run_fetch(open_page(context, c), b.url("/api/data"))
    allowed(other)
    assert b.actual("/api/data")[0].response_header(ACAO) == ["*"]


def test_secure_fix_allow_list(
    context: Any, page: Any, a: LoopbackServer, b: LoopbackServer, c: LoopbackServer
) -> None:
    b.mount(serving(secure_fix_app, a.origin, "http://localhost:3000"))
    allowed(run_fetch(page, b.url("/api/secure-data")))
    assert b.actual()[0].response_header(ACAO) == [a.origin]
    blocked(run_fetch(open_page(context, c), b.url("/api/secure-data")))
    assert b.actual()[1].response_header(ACAO) == []


def test_route_specific_public_and_credentialed(
    context: Any, page: Any, a: LoopbackServer, b: LoopbackServer, c: LoopbackServer
) -> None:
    b.mount(serving(route_specific_app, a.origin, "https://app.yourdomain.com"))
    set_cookie(context, b, "sid_seed", "s3cret")
    allowed(run_fetch(page, b.url("/api/public-info")))
    allowed(run_fetch(open_page(context, c), b.url("/api/public-info")))
    profile = run_fetch_credentialed(page, b.url("/api/user-profile"))
    allowed(profile)
    assert "SexyDev" in profile["body"]
    assert b.actual("/api/user-profile")[0].cookie == "sid_seed=s3cret"
    blocked(run_fetch_credentialed(open_page(context, c), b.url("/api/user-profile")))


def test_preflighted_json_post_with_authorization(
    page: Any, a: LoopbackServer, b: LoopbackServer
) -> None:
    b.mount(serving(preflight_app, a.origin, "http://localhost:3000"))
    result = run_fetch(
        page,
        b.url("/api/submit-form"),
        method="POST",
        json={"name": "Ada"},
        headers={"Authorization": "Bearer t"},
    )
    allowed(result, 201)
    assert '"received":true' in result["body"].replace(" ", "")
    (pre,) = b.preflights("/api/submit-form")
    assert pre.acrm == "POST"
    assert pre.acrh == "authorization,content-type"
    assert b.actual("/api/submit-form")[0].authorization == "Bearer t"
    refused = run_fetch(
        page, b.url("/api/submit-form"), method="POST", json={}, headers={"X-Api-Key": "k"}
    )
    blocked(refused)
    assert len(b.actual("/api/submit-form")) == 1, "the refused POST is never sent"


def test_blueprint_namespace(
    context: Any, page: Any, a: LoopbackServer, b: LoopbackServer, c: LoopbackServer
) -> None:
    b.mount(serving(blueprint_app, a.origin, "http://localhost:3000"))
    allowed(run_fetch(page, b.url("/api/v1/users")))
    blocked(run_fetch(page, b.url("/health")))
    blocked(run_fetch(open_page(context, c), b.url("/api/v1/users")))
    missing = run_fetch(page, b.url("/api/v1/missing"))
    allowed(missing, 404)
