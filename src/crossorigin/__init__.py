"""crossorigin: Cross-Origin Resource Sharing for Flask, right and safe by default.

``from crossorigin import CORS, cross_origin`` is a drop-in for flask-cors.
The framework-free core lives in :mod:`crossorigin.core`; only
:mod:`crossorigin.flask_ext` imports Flask, and it is loaded on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .core.decide import Decision, Reason, decide
from .core.errors import ConfigError
from .core.policy import Policy, build_policy

if TYPE_CHECKING:
    from .flask_ext import CORS, cross_origin

__version__ = "0.1.0"

__all__ = [
    "CORS",
    "ConfigError",
    "Decision",
    "Policy",
    "Reason",
    "build_policy",
    "cross_origin",
    "decide",
]


def __getattr__(name: str) -> Any:
    if name in ("CORS", "cross_origin"):
        from . import flask_ext

        return getattr(flask_ext, name)
    raise AttributeError(f"module 'crossorigin' has no attribute {name!r}")
