"""The snippets of "The Ultimate Guide on Flask CORS Error: How to Fix It for Good", on
Quart: the snippets of ``tests/shared/seed_snippets.py`` with only what Quart needs changed
(``quart_variant``), and the same tests, as the Flask ones run them."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from typing import Any

from quart import Quart
from quart_helpers import Reply, send

from shared.seed_snippets import QUART_SWAPS, SNIPPETS, SeedSnippetTests, quart_variant


class TestSeedSnippetsOnQuart(SeedSnippetTests):
    """Each snippet for Quart, through Quart's test client."""

    def app(self, factory: Callable[[], Any]) -> Quart:
        app: Quart = quart_variant(factory)()
        assert isinstance(app, Quart)
        return app

    def send(self, app: Quart, method: str, path: str, **kwargs: Any) -> Reply:
        return send(app, method, path, **kwargs)


def test_every_quart_swap_changes_some_snippet() -> None:
    sources = [inspect.getsource(snippet) for snippet in SNIPPETS]
    for pattern, _ in QUART_SWAPS:
        assert any(re.search(pattern, source, re.MULTILINE) for source in sources), pattern
