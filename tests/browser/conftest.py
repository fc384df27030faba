"""Fixtures for the headless-Chromium CORS conformance suite.

One Chromium per test module (the Debian package, ``/usr/bin/chromium``) and, for the
session, three loopback servers: ``a`` (page origin), ``b`` (API origin) and ``c`` (third
origin). They serve WSGI apps; a module that overrides ``server_protocol`` to ``"asgi"``
gets a second trio, Hypercorn servers for ASGI apps, with the same interface. Per test,
the servers are reset (apps unmounted, logs cleared, a new URL nonce) and a fresh browser
context is created, so cookies, the HTTP cache and the preflight cache never leak between
tests.

A test typically looks like::

    def test_simple_get(page, a, b):
        b.mount(make_app(origins=[a.origin]))
        result = run_fetch(page, b.url("/data"))
        assert result["status"] == 200
        assert len(b.preflights()) == 0
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

_HERE = Path(__file__).resolve().parent
# The helper module sits next to this file; make it importable whatever pytest's import mode.
if str(_HERE) not in sys.path:
    sys.path.insert(0, str(_HERE))

from browser_harness import (  # noqa: E402
    CHROMIUM_ARGS,
    AsgiLoopbackServer,
    LoopbackServer,
    new_nonce,
    require_chromium,
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test in this folder ``browser`` (so ``-m "not browser"`` skips the suite)."""
    for item in items:
        if _HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="module")
def chromium_browser() -> Iterator[Any]:
    """Headless Chromium, one per test module. Fails (does not skip) when it is not installed.

    Module scope, not session: only one sync Playwright can run in a thread at a time, so
    the browser must be stopped before another folder (``tests/demo``) starts its own.
    Launching costs about half a second.
    """
    executable = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=list(CHROMIUM_ARGS)
        )
        try:
            yield browser
        finally:
            browser.close()


def _serving(kind: type[LoopbackServer]) -> Iterator[dict[str, LoopbackServer]]:
    servers = {name: kind(name) for name in ("A", "B", "C")}
    for server in servers.values():
        server.start()
    try:
        yield servers
    finally:
        for server in servers.values():
            server.stop()


@pytest.fixture(scope="session")
def _servers() -> Iterator[dict[str, LoopbackServer]]:
    yield from _serving(LoopbackServer)


@pytest.fixture(scope="session")
def _asgi_servers() -> Iterator[dict[str, LoopbackServer]]:
    """Started on first use only: the Hypercorn trio for ASGI apps."""
    yield from _serving(AsgiLoopbackServer)


@pytest.fixture
def server_protocol() -> str:
    """``"wsgi"`` (Werkzeug servers, the default) or ``"asgi"`` (Hypercorn servers).

    A module whose apps are ASGI overrides this fixture; ``a``, ``b`` and ``c`` are then
    the ASGI trio, with the same interface.
    """
    return "wsgi"


@pytest.fixture
def servers(
    server_protocol: str, request: pytest.FixtureRequest
) -> Iterator[dict[str, LoopbackServer]]:
    """The three servers, reset for this test; on failure their logs are printed."""
    trio: dict[str, LoopbackServer] = request.getfixturevalue(
        {"wsgi": "_servers", "asgi": "_asgi_servers"}[server_protocol]
    )
    nonce = new_nonce()
    for server in trio.values():
        server.reset(nonce)
    yield trio
    for server in trio.values():
        server.reset(nonce)


@pytest.fixture
def a(servers: dict[str, LoopbackServer]) -> LoopbackServer:
    """Origin A, the page origin (``page`` shows ``a.page_url``)."""
    return servers["A"]


@pytest.fixture
def b(servers: dict[str, LoopbackServer]) -> LoopbackServer:
    """Origin B, the API origin: ``b.mount(app)``, ``b.url(path)``, ``b.preflights()``."""
    return servers["B"]


@pytest.fixture
def c(servers: dict[str, LoopbackServer]) -> LoopbackServer:
    """Origin C, a third origin (redirect targets, a second page origin)."""
    return servers["C"]


@pytest.fixture
def context(chromium_browser: Any) -> Iterator[Any]:
    """A fresh browser context: empty cookie jar, HTTP cache and preflight cache."""
    ctx = chromium_browser.new_context()
    ctx.set_default_timeout(15_000)
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.fixture
def page(context: Any, a: LoopbackServer) -> Any:
    """A page on origin A (blank document), ready for ``run_fetch``."""
    tab = context.new_page()
    tab.goto(a.page_url)
    return tab


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Attach what the servers saw to failing browser tests (preflights are invisible otherwise)."""
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    servers = item.funcargs.get("servers") if hasattr(item, "funcargs") else None
    if servers:
        text = "\n".join(server.describe_log() for server in servers.values())
        report.sections.append(("server request log", text))
