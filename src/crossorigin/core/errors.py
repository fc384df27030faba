"""Configuration errors: one family, stable ids, raised at start-up.

Every id lives in :data:`ERROR_IDS`, so documentation, tests and messages agree.
An id is never reused for another meaning.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

#: Stable error ids and a one-line title each. Grouped by hundreds:
#: E0xx options, E1xx origins, E2xx methods and headers, E3xx cross-field rules,
#: E4xx resources, E5xx Flask integration.
ERROR_IDS: dict[str, str] = {
    "E001": "unknown option",
    "E002": "option value of the wrong type",
    "E003": "max_age is not an integer >= 0",
    "E004": "preflight_status is not a 2xx status",
    "E101": "origin is not a serialized origin (scheme://host[:port]) as browsers write it",
    "E102": "origin has a path, query, fragment or userinfo",
    "E103": "the 'null' origin is refused",
    "E104": "a plain string origin looks like a regular expression",
    "E105": "wildcard in an unsupported position",
    "E106": "subdomain wildcard or regex covering names under a public suffix",
    "E107": "regular expression with an unescaped dot",
    "E108": "origin entry of an unsupported type",
    "E109": "regular expression lets the origin go on past the host or to another TLD",
    "E110": "regular expression that cannot be checked, with credentials",
    "E111": "origin with a scheme browsers never send (file:, ws:, data:, ...)",
    "E201": "method is not an HTTP token",
    "E202": "method is forbidden by the Fetch standard",
    "E203": "header name is not an HTTP token",
    "E301": "credentials combined with any origin",
    "E302": "vary_header=False on a policy whose answer depends on the Origin",
    "E303": "send_wildcard=True combined with credentials",
    "E304": "plain-http origin or regex match (not loopback) combined with credentials",
    "E401": "resource pattern is not a valid pattern",
    "E402": "resource options are not a mapping",
    "E501": "CORS initialised twice on the same app or blueprint",
    "E502": "CORS applied to a blueprint after it was registered",
    "E503": "unknown CORS_* configuration key",
}


class ConfigError(ValueError):
    """A CORS configuration that crossorigin refuses, raised at start-up.

    ``id`` is stable (see ``docs/errors.md``), ``option`` names the option as the
    user wrote it, ``value`` is the offending value.
    """

    def __init__(self, id: str, message: str, *, option: str | None = None, value: Any = None):
        if id not in ERROR_IDS:  # pragma: no cover - guarded by tests of the registry
            raise AssertionError(f"unregistered error id {id}")
        self.id = id
        self.option = option
        self.value = value
        #: Further problems found in the same configuration (see :class:`Problems`).
        self.also: tuple[ConfigError, ...] = ()
        self.headline = f"crossorigin.{id}: {message}"
        #: ``file:line`` of the ``CORS(...)`` or ``@cross_origin(...)`` call (see :meth:`locate`).
        self.site: str | None = None
        #: The call itself, e.g. ``CORS(...)``, ``init_app(...)``, ``@cross_origin(...)``.
        self.call: str | None = None
        #: Where in that call: ``blueprint 'api'``, ``resources['/api/*']``, ``CORS_ORIGINS``.
        self.scope: str | None = None
        super().__init__(self.headline)

    @property
    def all(self) -> tuple[ConfigError, ...]:
        """This error and every other one found with it, in the order found."""
        return (self, *self.also)

    @property
    def where(self) -> str | None:
        """``app.py:12, CORS(...) resources['/api/*']``: the call and the part of it at fault."""
        call = " ".join(part for part in (self.call, self.scope) if part)
        text = ", ".join(part for part in (self.site, call) if part)
        return text or None

    def locate(
        self, *, site: str | None = None, call: str | None = None, scope: str | None = None
    ) -> ConfigError:
        """Fill in where this error (and every one in ``.also``) comes from.

        What is already known is kept: the innermost scope is the most precise one, so
        callers add theirs from the inside out. A blueprint's name goes before the
        resource pattern: ``blueprint 'api' resources['/x/*']``.
        """
        for error in self.all:
            error.site = error.site or site
            error.call = error.call or call
            if scope and not (error.scope or "").startswith(scope):
                error.scope = f"{scope} {error.scope}" if error.scope else scope
        self._render()
        return self

    def _render(self) -> None:
        lines = [_with_where(self, "")]
        if self.also:
            count = f"{len(self.also)} more problem" + ("s" if len(self.also) > 1 else "")
            lines.append(f"({count} in this configuration)")
            lines += [_with_where(error, "- ") for error in self.also]
        self.args = ("\n".join(lines),)


def _with_where(error: ConfigError, bullet: str) -> str:
    where = error.where
    indent = " " * (len(bullet) + 2)
    return f"{bullet}{error.headline}" + (f"\n{indent}in: {where}" if where else "")


class OptionError(ConfigError):
    """An unknown option name or a value of the wrong type or range."""


class OriginError(ConfigError):
    """A configured origin that is malformed or unsafe."""


class MethodError(ConfigError):
    """A configured method that is not a token or is forbidden."""


class HeaderNameError(ConfigError):
    """A configured header name that is not a token."""


class IncompatibleOptionsError(ConfigError):
    """Options that are fine alone but unsafe together."""


class ResourceError(ConfigError):
    """A resource path pattern or its options that cannot be used."""


class SetupError(ConfigError):
    """CORS attached to an app or blueprint in a way that cannot work."""


#: How a scope naming a resource pattern starts: ``resources['/api/*']``.
RESOURCE_SCOPE = "resources["


class Problems:
    """Collects configuration errors so that one start-up reports all of them.

    Each independent check runs in ``with problems.check():``; :meth:`raise_any`
    then raises the first error, with the others in ``.also`` and in its message.
    """

    def __init__(self) -> None:
        self.errors: list[ConfigError] = []

    @contextmanager
    def check(self, *, scope: str | None = None) -> Iterator[None]:
        """Record the errors raised in the block; ``scope`` says where they come from
        (see :meth:`ConfigError.locate`)."""
        try:
            yield
        except ConfigError as exc:
            if scope:
                exc.locate(scope=scope)
            self.errors.extend(exc.all)

    def raise_any(self) -> None:
        # A cross-field rule broken by a shared option that several resources inherit
        # is one problem: it is reported once, with every place it applies.
        unique: dict[tuple[str, str], ConfigError] = {}
        for error in self.errors:
            scope = error.scope or ""
            key = (error.headline, "" if scope.startswith(RESOURCE_SCOPE) else scope)
            seen = unique.get(key)
            if seen is None:
                unique[key] = error
            elif error.scope and seen.scope and error.scope not in seen.scope.split(", "):
                seen.scope = f"{seen.scope}, {error.scope}"
        if not unique:
            return
        first, *rest = unique.values()
        for error in rest:
            error.also = ()
        first.also = tuple(rest)
        first._render()
        raise first


#: The crossorigin package directory: frames in it are not the user's call.
_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def call_site() -> str | None:
    """``file:line`` of the innermost frame outside crossorigin: the user's call.

    The file is relative to the working directory when it is under it."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        filename = frame.f_code.co_filename
        if not os.path.abspath(filename).startswith(_PACKAGE):
            return f"{shown_path(filename)}:{frame.f_lineno}"
        frame = frame.f_back
    return None  # pragma: no cover - there is always a caller


def shown_path(filename: str) -> str:
    """A source file as messages write it: relative to the working directory when under it."""
    path = os.path.abspath(filename)
    cwd = os.getcwd() + os.sep
    return path.removeprefix(cwd) if path.startswith(cwd) else filename
