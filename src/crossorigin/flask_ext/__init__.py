"""The Flask layer: the only part of crossorigin that imports Flask."""

from .decorator import cross_origin
from .extension import CORS

__all__ = ["CORS", "cross_origin"]
