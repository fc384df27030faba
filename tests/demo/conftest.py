"""Fixtures for the demo tests: the demo's two servers on free ports, and Chromium.

Chromium is launched the way ``tests/browser`` launches it (``browser_harness``'s
``require_chromium`` and ``CHROMIUM_ARGS``). Its ``chromium_browser`` fixture is scoped to
its own folder, and Playwright's sync API refuses a second instance in a thread that
already runs one (as the main thread does while ``tests/browser``'s browser is open), so
:class:`BrowserThread` runs this folder's Playwright in a thread of its own.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The demo package lives at the top of the repository; the browser harness in tests/browser.
for entry in (ROOT, ROOT / "tests" / "browser"):
    if str(entry) not in sys.path:
        sys.path.insert(0, str(entry))

from browser_harness import CHROMIUM_ARGS, require_chromium  # noqa: E402
from demo.server import DemoServers  # noqa: E402


@pytest.fixture(scope="session")
def demo() -> Iterator[DemoServers]:
    """The API and the page server, in this process, on free loopback ports."""
    servers = DemoServers(api_port=0, page_port=0)
    with servers:
        yield servers


T = TypeVar("T")


class BrowserThread:
    """A headless Chromium driven from one dedicated thread (Playwright objects are
    bound to the thread that made them): ``run(fn)`` calls ``fn(browser)`` there."""

    def __init__(self, executable: str) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="demo-chromium")
        self._playwright: Any = None
        self._browser: Any = None
        self._pool.submit(self._launch, executable).result(timeout=120)

    def _launch(self, executable: str) -> None:
        from playwright.sync_api import sync_playwright

        self._playwright = sync_playwright().start()
        self._browser = self._playwright.chromium.launch(
            executable_path=executable, headless=True, args=list(CHROMIUM_ARGS)
        )

    def run(self, fn: Callable[[Any], T], timeout_s: float = 180) -> T:
        return self._pool.submit(fn, self._browser).result(timeout=timeout_s)

    def close(self) -> None:
        def stop() -> None:
            try:
                if self._browser is not None:
                    self._browser.close()
            finally:
                if self._playwright is not None:
                    self._playwright.stop()

        try:
            self._pool.submit(stop).result(timeout=60)
        finally:
            self._pool.shutdown(wait=True)


@pytest.fixture(scope="session")
def demo_browser() -> Iterator[BrowserThread]:
    """Headless Chromium (/usr/bin/chromium). Fails (does not skip) when it is missing."""
    browser = BrowserThread(require_chromium())
    try:
        yield browser
    finally:
        browser.close()
