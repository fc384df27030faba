"""The option vocabulary: names, defaults, types, and the ``CORS_*`` config keys.

``normalize_options`` checks names and types and returns canonical values;
cross-field rules live in :func:`crossorigin.core.policy.build_policy`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import timedelta
from typing import Any

from .errors import OptionError, Problems, SetupError
from .headers import MAX_AGE_CAP

#: Every option with its default. The first thirteen are flask-cors's.
DEFAULTS: Mapping[str, Any] = {
    "origins": "*",
    "methods": ("GET", "HEAD", "POST", "OPTIONS", "PUT", "PATCH", "DELETE"),
    "allow_headers": "*",
    "expose_headers": None,
    "supports_credentials": False,
    "max_age": None,
    "send_wildcard": False,
    "vary_header": True,
    "automatic_options": True,
    "resources": "/*",
    "intercept_exceptions": True,
    "always_send": True,
    "allow_private_network": False,
    # crossorigin's own
    "preflight_status": 200,
    "debug": None,
    "dangerously_allow_insecure_origins": False,
}

OPTION_NAMES = frozenset(DEFAULTS)
BOOL_OPTIONS = frozenset(
    (
        "supports_credentials",
        "send_wildcard",
        "vary_header",
        "automatic_options",
        "intercept_exceptions",
        "always_send",
        "allow_private_network",
        "dangerously_allow_insecure_origins",
    )
)

CONFIG_PREFIX = "CORS_"
#: Keys flask-cors users set that never had an effect there either.
IGNORED_CONFIG_KEYS = frozenset(("CORS_HEADERS", "CORS_LOGGER"))


def config_key(name: str) -> str:
    return CONFIG_PREFIX + name.upper()


def options_from_config(
    config: Mapping[str, Any], *, problems: Problems | None = None
) -> dict[str, Any]:
    """Read the ``CORS_*`` keys of a Flask config (or any mapping).

    An unknown ``CORS_*`` key is an error: ``CORS_ORIGIN = [...]`` silently
    ignored would leave the default in force. With ``problems``, the errors are
    recorded there and the known keys returned; without, the first is raised.
    """
    found: dict[str, Any] = {}
    for key, value in config.items():
        if not isinstance(key, str) or not key.startswith(CONFIG_PREFIX):
            continue
        if key in IGNORED_CONFIG_KEYS:
            continue
        name = key[len(CONFIG_PREFIX) :].lower()
        if name not in OPTION_NAMES:
            known = sorted(config_key(n) for n in OPTION_NAMES)
            close = difflib.get_close_matches(key, known, n=1)
            hint = f"; did you mean {close[0]}?" if close else f"; known keys: {', '.join(known)}"
            error = SetupError("E503", f"unknown configuration key {key}{hint}", option=key)
            if problems is None:
                raise error
            problems.errors.append(error)
            continue
        found[name] = value
    return found


def check_names(options: Mapping[str, Any], *, where: str = "") -> None:
    """Refuse unknown option names, with the closest known name."""
    problems = Problems()
    for name in options:
        with problems.check():
            _check_name(name, where)
    problems.raise_any()


def _check_name(name: object, where: str) -> None:
    if name not in OPTION_NAMES:
        close = difflib.get_close_matches(str(name), sorted(OPTION_NAMES), n=1)
        hint = (
            f"did you mean {close[0]!r}?" if close else "known: " + ", ".join(sorted(OPTION_NAMES))
        )
        raise OptionError("E001", f"unknown option {name!r}{where}; {hint}", option=str(name))


def _wrong_type(name: str, value: Any, expected: str) -> OptionError:
    return OptionError(
        "E002",
        f"{name}={value!r} has the wrong type; expected {expected}",
        option=name,
        value=value,
    )


def _string_list(name: str, value: Any, *, allow_patterns: bool = False) -> tuple[Any, ...]:
    """A string (comma-separated allowed), or an iterable of strings."""
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    if allow_patterns and isinstance(value, re.Pattern):
        return (value,)
    if isinstance(value, Iterable) and not isinstance(value, (bytes, Mapping)):
        items = tuple(value)
        for item in items:
            if not (isinstance(item, str) or (allow_patterns and isinstance(item, re.Pattern))):
                raise _wrong_type(name, value, "a string or a list of strings")
        return tuple(i.strip() if isinstance(i, str) else i for i in items)
    raise _wrong_type(name, value, "a string or a list of strings")


def _origins(value: Any) -> tuple[Any, ...]:
    if isinstance(value, (str, re.Pattern)) or (callable(value) and not isinstance(value, type)):
        return (value,)
    if isinstance(value, Iterable) and not isinstance(value, (bytes, Mapping)):
        return tuple(value)
    raise _wrong_type(
        "origins", value, "'*', an origin string, a compiled re.Pattern, a callable, or a list"
    )


def _max_age(value: Any) -> int | None:
    if value is None:
        return None
    seconds: Any = value
    if isinstance(value, timedelta):
        total = value.total_seconds()
        seconds = int(total) if total == int(total) else None
    elif isinstance(value, str) and value.strip().isdigit() and value.strip().isascii():
        seconds = int(value.strip())
    if isinstance(seconds, bool) or not isinstance(seconds, int) or seconds < 0:
        raise OptionError(
            "E003",
            f"max_age={value!r} must be a whole number of seconds >= 0 (an int, a digit "
            f"string or a timedelta); browsers cap it at {MAX_AGE_CAP} (Chromium), 86400 "
            "(Firefox), 600 (Safari)",
            option="max_age",
            value=value,
        )
    return seconds


def _resources(value: Any) -> Any:
    if isinstance(value, (str, re.Pattern, Mapping)):
        return value
    if isinstance(value, Iterable) and not isinstance(value, bytes):
        return tuple(value)
    raise _wrong_type("resources", value, "a path pattern, a list of them, or a dict")


_COERCE: dict[str, Callable[[Any], Any]] = {
    "origins": _origins,
    "methods": lambda v: _string_list("methods", v),
    "allow_headers": lambda v: _string_list("allow_headers", v, allow_patterns=True),
    "expose_headers": lambda v: () if v is None else _string_list("expose_headers", v),
    "max_age": _max_age,
    "resources": _resources,
}


def normalize_options(
    options: Mapping[str, Any], *, where: str = "", problems: Problems | None = None
) -> dict[str, Any]:
    """Check names and types; return canonical values for the options given.

    With ``problems``, errors are recorded there and the valid options returned,
    so later checks still see them; without, the errors are raised.
    """
    found = Problems() if problems is None else problems
    with found.check():
        check_names(options, where=where)
    out: dict[str, Any] = {}
    for name, value in options.items():
        if name in OPTION_NAMES:
            with found.check():
                out[name] = _normalize(name, value)
    if problems is None:
        found.raise_any()
    return out


def _normalize(name: str, value: Any) -> Any:
    """The canonical value of one known option."""
    if name in BOOL_OPTIONS:
        if not isinstance(value, bool):
            raise _wrong_type(name, value, "True or False")
        return value
    if name == "debug":
        if value is not None and not isinstance(value, bool):
            raise _wrong_type(name, value, "True, False or None (follow app.debug)")
        return value
    if name == "preflight_status":
        if isinstance(value, bool) or not isinstance(value, int) or not 200 <= value <= 299:
            raise OptionError(
                "E004",
                f"preflight_status={value!r} must be an int from 200 to 299; browsers "
                "fail any other preflight status",
                option=name,
                value=value,
            )
        return value
    return _COERCE[name](value)


def merge(*layers: Mapping[str, Any]) -> dict[str, Any]:
    """Later layers override earlier ones, option by option."""
    merged: dict[str, Any] = {}
    for layer in layers:
        merged.update(layer)
    return merged


DEFAULT_OPTIONS: Mapping[str, Any] = normalize_options(DEFAULTS)
