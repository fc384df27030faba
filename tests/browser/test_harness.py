"""Proves the browser harness itself with a puppet server (headers chosen per test).

No CORS library is involved here: if these fail, the harness or the browser set-up is
broken, not ``crossorigin``.
"""

from __future__ import annotations

import pytest
from browser_harness import (
    BLANK_PATH,
    is_blocked,
    navigate,
    open_page,
    puppet_app,
    read_headers,
    require_chromium,
    run_fetch,
    run_fetch_credentialed,
    run_sandboxed_fetch,
    set_cookie,
)

ACAO = "Access-Control-Allow-Origin"


def test_missing_chromium_fails_with_install_hint() -> None:
    with pytest.raises(pytest.fail.Exception, match=r"sudo apt-get install -y chromium"):
        require_chromium("/nonexistent/chromium")


def test_servers_are_distinct_localhost_origins(a, b, c, page) -> None:
    origins = {a.origin, b.origin, c.origin}
    assert len(origins) == 3
    assert all(o.startswith("http://localhost:") for o in origins)
    assert page.evaluate("self.origin") == a.origin
    assert page.url == a.origin + BLANK_PATH


def test_allowed_with_acao_of_page_origin(page, a, b) -> None:
    b.mount(puppet_app(headers=[(ACAO, a.origin), ("X-Custom", "1")], body=b"hello"))

    result = run_fetch(page, b.url("/data"), read=["X-Custom", "Content-Type"])

    assert "error" not in result, result
    assert result["ok"] is True
    assert result["status"] == 200
    assert result["type"] == "cors"
    assert result["body"] == "hello"
    assert result["redirected"] is False
    assert result["url"] == b.url("/data")
    # Only CORS-safelisted response headers are visible without ACEH.
    assert result["read"] == {"X-Custom": None, "Content-Type": "text/plain"}
    assert "x-custom" not in result["headers"]
    assert result["headers"]["content-type"] == "text/plain"
    (seen,) = b.log
    assert (seen.method, seen.path, seen.origin) == ("GET", "/data", a.origin)
    assert seen.status == 200
    assert seen.response_header(ACAO) == [a.origin]


def test_blocked_without_acao_but_server_handler_ran(page, a, b) -> None:
    b.mount(puppet_app(headers=[]))

    result = run_fetch(page, b.url("/data"))

    assert result == {"error": "TypeError: Failed to fetch"}
    assert is_blocked(result)
    (seen,) = b.log
    assert (seen.method, seen.origin, seen.status) == ("GET", a.origin, 200)


def test_two_acao_headers_are_blocked(page, a, b) -> None:
    b.mount(puppet_app(headers=[(ACAO, a.origin), (ACAO, a.origin)]))

    result = run_fetch(page, b.url("/data"))

    assert is_blocked(result), result
    (seen,) = b.log
    assert seen.response_header(ACAO) == [a.origin, a.origin]


def test_preflight_is_counted_on_the_server(page, a, b) -> None:
    b.mount(
        puppet_app(
            headers=[(ACAO, a.origin)],
            preflight_headers=[
                (ACAO, a.origin),
                ("Access-Control-Allow-Methods", "PUT"),
                ("Access-Control-Allow-Headers", "content-type, x-request-id"),
                ("Access-Control-Max-Age", "600"),
            ],
        )
    )
    url = b.url("/items")

    first = run_fetch(page, url, method="PUT", json={"x": 1}, headers={"X-Request-ID": "7"})
    second = run_fetch(page, url, method="PUT", json={"x": 2}, headers={"X-Request-ID": "8"})

    assert first["status"] == second["status"] == 200
    (preflight,) = b.preflights("/items")
    assert preflight.acrm == "PUT"
    assert preflight.acrh == "content-type,x-request-id"
    assert preflight.origin == a.origin
    assert [e.method for e in b.actual("/items")] == ["PUT", "PUT"]
    assert [e.method for e in b.log] == ["OPTIONS", "PUT", "PUT"]


def test_preflight_failure_keeps_the_actual_request_off_the_wire(page, a, b) -> None:
    b.mount(puppet_app(headers=[(ACAO, a.origin)]))  # preflight lacks ACAM

    result = run_fetch(page, b.url("/items"), method="DELETE")

    assert is_blocked(result)
    assert [(e.method, e.acrm) for e in b.log] == [("OPTIONS", "DELETE")]


def test_each_test_gets_a_fresh_preflight_cache(context, a, b) -> None:
    """Two contexts (as two tests get) never share preflight cache entries."""
    b.mount(
        puppet_app(
            headers=[(ACAO, a.origin)],
            preflight_headers=[
                (ACAO, a.origin),
                ("Access-Control-Allow-Methods", "PUT"),
                ("Access-Control-Max-Age", "600"),
            ],
        )
    )
    url = b.url("/items")
    first_page = open_page(context, a)
    assert run_fetch(first_page, url, method="PUT")["status"] == 200
    assert run_fetch(first_page, url, method="PUT")["status"] == 200
    assert len(b.preflights()) == 1

    other_context = context.browser.new_context()
    try:
        other_page = open_page(other_context, a)
        assert run_fetch(other_page, url, method="PUT")["status"] == 200
    finally:
        other_context.close()
    assert len(b.preflights()) == 2


def test_request_bodies_and_repeated_headers(page, a, b) -> None:
    b.mount(puppet_app(headers=[(ACAO, a.origin)]))

    run_fetch(page, b.url("/text"), method="POST", body="text")
    run_fetch(page, b.url("/form"), method="POST", form_data={"k": "v"})
    run_fetch(page, b.url("/params"), method="POST", url_params={"k": "v"})
    run_fetch(page, b.url("/langs"), headers=[("Accept-Language", "en"), ("Accept-Language", "de")])

    seen = {e.path: e for e in b.log}
    assert seen["/text"].headers["content-type"] == "text/plain;charset=UTF-8"
    assert seen["/form"].headers["content-type"].startswith("multipart/form-data; boundary=")
    assert seen["/params"].headers["content-type"] == (
        "application/x-www-form-urlencoded;charset=UTF-8"
    )
    assert seen["/langs"].headers["accept-language"] == "en, de"
    assert b.preflights() == []


def test_read_headers_helper(page, a, b) -> None:
    b.mount(
        puppet_app(
            headers=[
                (ACAO, a.origin),
                ("Access-Control-Expose-Headers", "X-Custom"),
                ("X-Custom", "42"),
                ("X-Hidden", "1"),
            ]
        )
    )

    got = read_headers(page, b.url("/data"), ["X-Custom", "X-Hidden", "Content-Length"])

    assert got == {"X-Custom": "42", "X-Hidden": None, "Content-Length": "6"}


def test_credentialed_fetch_sends_cookie_only_with_include(context, page, a, b) -> None:
    set_cookie(context, b, "sid_harness", "s3cret")
    b.mount(puppet_app(headers=[(ACAO, a.origin), ("Access-Control-Allow-Credentials", "true")]))

    plain = run_fetch(page, b.url("/plain"))
    creds = run_fetch_credentialed(page, b.url("/creds"))

    assert plain["status"] == creds["status"] == 200
    assert b.requests("/plain")[0].cookie is None
    assert b.requests("/creds")[0].cookie == "sid_harness=s3cret"


def test_credentialed_fetch_blocked_without_acac(context, page, a, b) -> None:
    b.mount(puppet_app(headers=[(ACAO, a.origin)]))

    assert is_blocked(run_fetch_credentialed(page, b.url("/creds")))


def test_sandboxed_iframe_sends_origin_null(page, a, b) -> None:
    b.mount(puppet_app(headers=[(ACAO, "*")], body=b"open"))

    result = run_sandboxed_fetch(page, b.url("/data"))

    assert result["frame_origin"] == "null"
    assert result["status"] == 200
    assert result["body"] == "open"
    assert b.log[0].origin == "null"


def test_sandboxed_iframe_blocked_by_page_origin(page, a, b) -> None:
    b.mount(puppet_app(headers=[(ACAO, a.origin)]))

    result = run_sandboxed_fetch(page, b.url("/data"))

    assert is_blocked(result)
    assert result["frame_origin"] == "null"


def test_top_level_navigation_sends_no_origin(context, b) -> None:
    b.mount(puppet_app(headers=[], body=b"<p>nav</p>"))

    nav = navigate(context, b.url("/doc"))

    assert nav["status"] == 200
    assert nav["body"] == "<p>nav</p>"
    (seen,) = b.log
    assert seen.method == "GET"
    assert seen.origin is None
    assert seen.headers["sec-fetch-mode"] == "navigate"


def test_page_on_another_origin(context, b, c) -> None:
    b.mount(puppet_app(headers=[(ACAO, c.origin)]))
    tab = open_page(context, c)

    assert run_fetch(tab, b.url("/data"))["status"] == 200
    assert b.log[0].origin == c.origin


def test_log_ignores_requests_tagged_with_another_nonce(page, a, b) -> None:
    b.mount(puppet_app(headers=[(ACAO, a.origin)]))
    stale = f"{b.origin}/data?nonce=someone-else"
    untagged = f"{b.origin}/untagged"

    run_fetch(page, stale)
    run_fetch(page, untagged)
    run_fetch(page, b.url("/data"))

    assert [e.path for e in b.log] == ["/untagged", "/data"]


def test_unmounted_server_answers_503(page, b) -> None:
    result = run_fetch(page, b.url("/anything"))

    assert is_blocked(result)
    assert b.log[0].status == 503
