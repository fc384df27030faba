"""The one rule for maps keyed by request data: cleared when full, never grown."""

from __future__ import annotations

from crossorigin.core.bounded import remember


def test_a_map_is_cleared_when_full_and_keeps_the_new_entry() -> None:
    cache: dict[int, str] = {}
    for i in range(3):
        remember(cache, i, str(i), size=3)
    assert cache == {0: "0", 1: "1", 2: "2"}
    remember(cache, 3, "3", size=3)
    assert cache == {3: "3"}


def test_a_flood_of_distinct_keys_never_holds_more_than_size() -> None:
    cache: dict[int, int] = {}
    largest = 0
    for i in range(10_000):
        remember(cache, i, i, size=100)
        largest = max(largest, len(cache))
        assert cache[i] == i
    assert largest == 100
