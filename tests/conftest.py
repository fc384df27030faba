"""Puts this folder on ``sys.path``, so that every test folder imports the modules of
``tests/shared`` by one name (``from shared.headers import ...``): the packaged folders
(``flask_ext``, ``asgi``) and ``tests/quart``, which is no package."""

from __future__ import annotations

import sys
from pathlib import Path

HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)
