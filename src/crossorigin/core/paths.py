"""Resource path patterns: parsed once, ordered by specificity, looked up per request.

A string key is an anchored glob: ``/api/*`` covers ``/api`` and everything under
``/api/`` (never ``/apiary``); a key without ``*`` is one exact path. A key written
as a regular expression the way flask-cors users write them (``r"/api/.*"``) and a
compiled ``re.Pattern`` are matched against the *whole* path.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from .bounded import remember
from .errors import ResourceError
from .headers import MAX_METHOD_LENGTH

T = TypeVar("T")

#: Distinct raw paths whose policy an integration remembers; cleared when full, so a
#: flood of distinct paths cannot grow memory.
PATH_CACHE_SIZE = 4096
#: Longer paths are resolved every time rather than remembered.
MAX_CACHED_PATH = 1024

_REGEX_HINTS = re.compile(r"[\\^$()\[\]{}|+?]|\.\*|\.\+")
_SLASHES = re.compile(r"//+")
_REGEX_META = re.compile(r"[\\^$.|?*+()\[\]{}]")


@dataclass(frozen=True)
class PathPattern:
    """One resource key, compiled. ``kind`` is exact, prefix, glob or regex."""

    source: str
    kind: str
    literal: str  # the exact path, the prefix, or the literal head of a regex
    regex: re.Pattern[str] | None = None

    def matches(self, path: str) -> bool:
        """``path`` is already in :func:`routing_path` form."""
        if self.kind == "exact":
            return path == self.literal
        if self.kind == "prefix":
            return (
                path == self.literal
                or path.startswith(self.literal + "/")
                or (self.literal == "" and path.startswith("/"))
            )
        assert self.regex is not None
        return self.regex.fullmatch(path) is not None


def routing_path(path: str) -> str:
    """The path as Werkzeug routes it, so a policy is picked for the view that runs.

    Werkzeug strips every leading slash and adds one (``//a``, ``///a`` and ``a``
    all route to ``/a``), and merges runs of slashes (``/a//b`` redirects to
    ``/a/b``). Resource patterns are matched against this form only: a raw path
    with extra slashes must never reach a broader pattern than its view's.
    """
    if path[:1] == "/" and path[1:2] != "/" and "//" not in path:
        return path  # the usual case: already routed form
    return "/" + _SLASHES.sub("/", path.lstrip("/"))


def remember_path(cache: dict[Any, T], raw_path: str, value: T, method: str | None = None) -> None:
    """Remember ``value`` for ``raw_path`` in ``cache`` (for ``(raw_path, method)`` when a
    method is given), bounded: the rule every integration's path cache follows (an
    overlong path or method is not remembered; a full cache is cleared), so none of them
    can be grown by a flood of distinct paths."""
    if len(raw_path) > MAX_CACHED_PATH:
        return
    if method is None:
        remember(cache, raw_path, value, PATH_CACHE_SIZE)
    elif len(method) <= MAX_METHOD_LENGTH:
        remember(cache, (raw_path, method), value, PATH_CACHE_SIZE)


def parse_path_pattern(key: object) -> PathPattern:
    """Compile a ``resources`` key; raise ``ResourceError`` if it cannot be used."""
    if isinstance(key, re.Pattern):
        if not isinstance(key.pattern, str):
            raise ResourceError("E401", f"resource pattern {key!r} must be a str pattern")
        return PathPattern(key.pattern, "regex", _literal_head(key.pattern), key)
    if not isinstance(key, str) or not key:
        raise ResourceError(
            "E401",
            f"resource key {key!r} must be a path like '/api/*' or a compiled re.Pattern",
            option="resources",
            value=key,
        )
    if _REGEX_HINTS.search(key):
        try:
            regex = re.compile(key)
        except re.error as exc:
            raise ResourceError(
                "E401",
                f"resource key {key!r} looks like a regular expression but does not "
                f"compile ({exc}); write a glob such as '/api/*' instead",
                option="resources",
                value=key,
            ) from None
        return PathPattern(key, "regex", _literal_head(key), regex)
    if key in ("*", "/*"):
        return PathPattern(key, "prefix", "")
    if "*" not in key:
        return PathPattern(key, "exact", key)
    if key.endswith("/*") and "*" not in key[:-2]:
        return PathPattern(key, "prefix", key[:-2])
    body = "".join("[^/]*" if part == "*" else re.escape(part) for part in re.split(r"(\*)", key))
    return PathPattern(key, "glob", _literal_head(key), re.compile(body))


def _literal_head(pattern: str) -> str:
    text = pattern[1:] if pattern.startswith("^") else pattern
    m = _REGEX_META.search(text)
    return text if m is None else text[: m.start()]


class ResourceTable(Generic[T]):
    """Maps a request path to the value of its most specific pattern.

    Specificity: an exact path first; otherwise the pattern with the longest
    literal head (ties: prefix glob, then other globs and regexes, then the key's
    text), so the answer never depends on dict order. Exact paths and prefix
    globs are dict lookups; callers remember per-path results where it pays.
    """

    def __init__(self, entries: Iterable[tuple[PathPattern, T]]):
        self.entries: tuple[tuple[PathPattern, T], ...] = tuple(entries)
        self._exact: dict[str, tuple[PathPattern, T]] = {}
        self._prefix: dict[str, tuple[PathPattern, T]] = {}
        others: list[tuple[PathPattern, T]] = []
        for entry in self.entries:
            pattern = entry[0]
            if pattern.kind == "exact":
                self._exact.setdefault(pattern.literal, entry)
            elif pattern.kind == "prefix":
                self._prefix.setdefault(pattern.literal, entry)
            else:
                others.append(entry)
        others.sort(key=lambda e: (-len(e[0].literal), e[0].kind != "glob", e[0].source))
        self._others = tuple(others)

    def __bool__(self) -> bool:
        return bool(self.entries)

    def match(self, path: str) -> T | None:
        """The value of the most specific pattern covering ``path``."""
        entry = self.match_entry(path)
        return None if entry is None else entry[1]

    def match_entry(self, path: str) -> tuple[PathPattern, T] | None:
        """The most specific (pattern, value) covering ``path`` as Werkzeug routes it."""
        path = routing_path(path)
        exact = self._exact.get(path)
        if exact is not None:
            return exact
        best: tuple[PathPattern, T] | None = None
        best_len = -1
        if self._prefix:
            candidate = path
            while True:
                best = self._prefix.get(candidate)
                if best is not None:
                    best_len = len(candidate)
                    break
                cut = candidate.rfind("/")
                if cut < 0:
                    break
                candidate = candidate[:cut]
        for entry in self._others:
            if len(entry[0].literal) <= best_len:
                break
            if entry[0].matches(path):
                return entry
        return best
