"""Applying a decision to a WSGI-style header list ``[(name, value), ...]``.

The one place that writes CORS headers: the decision's headers replace any CORS
header the application set (a response never carries two
``Access-Control-Allow-Origin``), ``Vary`` is merged, never duplicated, and
``Vary: *`` is left alone.
"""

from __future__ import annotations

from collections.abc import Iterable

from .decide import Decision
from .headers import (
    ACEH,
    DEBUG_HEADER,
    FORBIDDEN_RESPONSE_HEADERS,
    OWNED_RESPONSE_HEADERS,
    SAFELISTED_RESPONSE_HEADERS,
    VARY,
)

_NOT_EXPOSABLE = SAFELISTED_RESPONSE_HEADERS | FORBIDDEN_RESPONSE_HEADERS | OWNED_RESPONSE_HEADERS


def merge_vary(values: list[str], tokens: str) -> str | None:
    """The new single ``Vary`` value, or None if ``values`` already cover ``tokens``."""
    present = {t.strip().lower() for value in values for t in value.split(",")}
    if "*" in present:
        return None
    missing = [t for t in tokens.split(", ") if t.lower() not in present]
    if not missing:
        return None
    return ", ".join([v for v in values if v.strip()] + missing)


#: First letters of the header names that need the general path (CORS, Vary, debug).
_SUSPECT_INITIALS = frozenset("AaVvXx")
#: The same for ASGI's bytes names, whose first item is an int.
RAW_SUSPECT_INITIALS = frozenset(b"AaVvXx")


def only_appends(
    headers: Iterable[tuple[str, str]] | Iterable[tuple[bytes, bytes]],
    decision: Decision,
    debug: bool,
    initials: frozenset[str] | frozenset[int] = _SUSPECT_INITIALS,
) -> bool:
    """True when applying ``decision`` is appending ``decision.appended``.

    That is: no debug header, nothing exposed from the response, and no response
    header named like a CORS, ``Vary`` or debug header (by first letter; an empty
    name goes the general way). ASGI's bytes names pass ``RAW_SUSPECT_INITIALS``.
    """
    if debug or decision.expose_from_response:
        return False
    for name, _ in headers:  # noqa: SIM110 - a loop costs less than all() and a generator
        if not name or name[0] in initials:
            return False
    return True


def add_decision(
    headers: list[tuple[str, str]], decision: Decision, debug: bool = False
) -> list[tuple[str, str]]:
    """:func:`apply_decision`, by appending ``decision.appended`` when that is all
    applying does (see :func:`only_appends`): the common case, kept cheap."""
    if only_appends(headers, decision, debug):
        headers += decision.appended
        return headers
    return apply_decision(headers, decision, debug)


def apply_decision(
    headers: list[tuple[str, str]], decision: Decision, debug: bool = False
) -> list[tuple[str, str]]:
    """Return ``headers`` with the decision applied (the list may be reused)."""
    vary_values: list[str] | None = None
    owned = False
    for name, value in headers:
        lower = name.lower()
        if lower in OWNED_RESPONSE_HEADERS:
            owned = True
        elif lower == "vary":
            if vary_values is None:
                vary_values = []
            vary_values.append(value)
    if owned or (vary_values is not None and decision.vary):
        headers = [
            (name, value)
            for name, value in headers
            if name.lower() not in OWNED_RESPONSE_HEADERS
            and not (vary_values is not None and decision.vary and name.lower() == "vary")
        ]
    headers.extend(decision.headers)
    if decision.expose_from_response:
        names = sorted({n for n, _ in headers if n.lower() not in _NOT_EXPOSABLE | {"vary"}})
        if names:
            headers.append((ACEH, ", ".join(names)))
    if decision.vary:
        if vary_values is None:
            headers.append((VARY, decision.vary))
        else:
            merged = merge_vary(vary_values, decision.vary)
            if merged is None:
                headers.extend((VARY, v) for v in vary_values)
            else:
                headers.append((VARY, merged))
    if debug:
        kind = "preflight" if decision.preflight else "actual"
        headers = [(n, v) for n, v in headers if n.lower() != DEBUG_HEADER.lower()]
        headers.append((DEBUG_HEADER, f"{kind}; {decision.reason.value}"))
    return headers
