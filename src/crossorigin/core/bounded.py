"""The one rule for what crossorigin remembers per request value.

A map keyed by request data (a path, an origin, a preflight's headers) is cleared when it
is full: a flood of distinct values costs refills, never memory. Each caller also refuses
to remember an overlong key (:data:`~crossorigin.core.paths.MAX_CACHED_PATH`,
:data:`~crossorigin.core.origins.MAX_ORIGIN_LENGTH`).
"""

from __future__ import annotations

from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


def remember(cache: dict[K, V], key: K, value: V, size: int) -> None:
    """Store ``value`` under ``key``, clearing ``cache`` first if it holds ``size`` entries."""
    if len(cache) >= size:
        cache.clear()
    cache[key] = value
