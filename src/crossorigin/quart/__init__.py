"""Cross-Origin Resource Sharing for Quart: the Flask extension's API, options and errors.

``from crossorigin.quart import CORS, cross_origin``. Needs the ``quart`` extra
(``pip install "crossorigin[quart]"``); ``import crossorigin`` never imports Quart.
"""

from __future__ import annotations

from .decorator import cross_origin
from .extension import CORS

__all__ = ["CORS", "cross_origin"]
