"""A fresh Flask app per test: nothing (config, hooks, CORS state) leaks between tests."""

from __future__ import annotations

import pytest
from flask import Flask


@pytest.fixture
def app() -> Flask:
    """A new, empty app; not in testing mode, so unhandled errors become 500 responses."""
    return Flask(__name__)
