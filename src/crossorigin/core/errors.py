"""Configuration errors: one family, stable ids, raised at start-up.

Every id lives in :data:`ERROR_IDS`, so documentation, tests and messages agree.
An id is never reused for another meaning.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
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
        super().__init__(self.headline)

    @property
    def all(self) -> tuple[ConfigError, ...]:
        """This error and every other one found with it, in the order found."""
        return (self, *self.also)


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


class Problems:
    """Collects configuration errors so that one start-up reports all of them.

    Each independent check runs in ``with problems.check():``; :meth:`raise_any`
    then raises the first error, with the others in ``.also`` and in its message.
    """

    def __init__(self) -> None:
        self.errors: list[ConfigError] = []

    @contextmanager
    def check(self) -> Iterator[None]:
        try:
            yield
        except ConfigError as exc:
            self.errors.extend(exc.all)

    def raise_any(self) -> None:
        # One problem found again through another policy (a shared option that
        # every resource inherits) is reported once.
        unique = list({error.headline: error for error in self.errors}.values())
        if not unique:
            return
        first, *rest = unique
        if rest:
            first.also = tuple(rest)
            count = f"{len(rest)} more problem" + ("s" if len(rest) > 1 else "")
            first.args = (
                f"{first.headline}\n({count} in this configuration)\n"
                + "\n".join(f"- {error.headline}" for error in rest),
            )
        raise first
