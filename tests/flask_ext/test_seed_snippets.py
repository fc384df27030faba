"""The snippets of "The Ultimate Guide on Flask CORS Error: How to Fix It for Good", on
Flask: the snippets and their tests are in ``tests/shared/seed_snippets.py`` (Quart runs
the same ones in ``tests/quart/test_quart_seed_snippets.py``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from werkzeug.test import TestResponse

from shared.seed_snippets import SeedSnippetTests


class TestSeedSnippetsOnFlask(SeedSnippetTests):
    """Each snippet as printed, through the Flask test client."""

    def app(self, factory: Callable[[], Flask]) -> Flask:
        return factory()

    def send(self, app: Flask, method: str, path: str, **kwargs: Any) -> TestResponse:
        return app.test_client().open(path, method=method, **kwargs)
