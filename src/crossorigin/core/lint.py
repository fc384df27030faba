"""The policy linter: what ``flask cors check`` reports beyond start-up errors.

:func:`check_policy` reads one valid policy and returns a ``(level, code, message)``
per risky or dead part of it. Everything that can never work is a start-up error
instead (:mod:`crossorigin.core.origins` parses each origin entry once, with one
verdict); what is left here are warnings: configurations that work but trust more
than they likely mean to, or settings browsers ignore.

``allow_headers='*'`` (the default) is not one of them, ``Authorization`` included:
crossorigin answers a preflight with the requested names, never with ``*``, so every
browser accepts them, whichever way the Fetch standard's ``*`` rule goes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from .headers import FORBIDDEN_RESPONSE_HEADERS, MAX_AGE_CAP
from .hosts import is_loopback_host
from .origin_regex import UnsampledRegex, regex_holes
from .origins import (
    AnyOrigin,
    ExactOrigin,
    HostPattern,
    OriginSpec,
    RegexOrigin,
    catch_all_example,
    is_insecure,
    parse_origin_entry,
    split_origin,
)
from .policy import Policy

__all__ = ["Finding", "check_policy"]


@dataclass(frozen=True, order=True)
class Finding:
    """One problem ``flask cors check`` reports, and where; errors sort before warnings."""

    level: Literal["error", "warning"]
    code: str
    where: str
    message: str


def check_policy(policy: Policy) -> list[tuple[str, str, str]]:
    """``(level, code, message)`` for every risky or dead part of one valid policy."""
    found: list[tuple[str, str, str]] = []
    for entry in policy.options.get("origins", ()):
        found += _origin_problems(parse_origin_entry(entry), entry, policy)
    if policy.max_age is not None and policy.max_age > MAX_AGE_CAP:
        found.append(
            (
                "warning",
                "max-age-above-cap",
                f"max_age={policy.max_age} is more than browsers honour (Chromium caps it at "
                f"{MAX_AGE_CAP}, Firefox at 86400, Safari at 600 seconds); use at most "
                f"{MAX_AGE_CAP}",
            )
        )
    unreadable = [h for h in policy.expose_headers if h.lower() in FORBIDDEN_RESPONSE_HEADERS]
    if unreadable:
        found.append(
            (
                "warning",
                "expose-never-readable",
                f"expose_headers lists {', '.join(unreadable)}, which browsers never let a "
                "page read; remove it",
            )
        )
    return found


def _origin_problems(spec: OriginSpec, entry: Any, policy: Policy) -> list[tuple[str, str, str]]:
    shown = repr(entry)
    credentials = policy.credentials
    if isinstance(spec, RegexOrigin):
        return _regex_problems(spec, credentials)
    if isinstance(spec, AnyOrigin):
        if policy.allow_private_network:
            return [
                (
                    "warning",
                    "broad-origin",
                    "origins='*' with allow_private_network=True lets any website on the "
                    "internet reach this private-network service; list the origins instead",
                )
            ]
        return []
    if isinstance(spec, ExactOrigin):
        host = split_origin(spec.origin)[1]
        subdomains = any_port = False
    elif isinstance(spec, HostPattern):
        host, subdomains, any_port = spec.host, spec.subdomains, spec.any_port
    else:
        return []  # a callable: nothing to inspect
    found: list[tuple[str, str, str]] = []
    if credentials and is_insecure(spec):
        found.append(("warning", "insecure-origin", _insecure_message(shown, f"http://{host}")))
    if not credentials or is_loopback_host(host):
        return found
    if subdomains:
        found.append(
            (
                "warning",
                "broad-origin",
                f"origins entry {shown} with supports_credentials=True trusts every subdomain "
                f"of {host}, including forgotten, taken-over or XSS-prone ones, to read your "
                "users' data; list the subdomains you use",
            )
        )
    if any_port:
        found.append(
            (
                "warning",
                "broad-origin",
                f"origins entry {shown} with supports_credentials=True trusts every service on "
                f"any port of {host}; list the ports you use",
            )
        )
    return found


def _regex_problems(spec: RegexOrigin, credentials: bool) -> list[tuple[str, str, str]]:
    """Heuristics for origin regexes: never-matching, insecure or look-alike matches."""
    found: list[tuple[str, str, str]] = []
    pattern = spec.pattern
    shown = f"re.compile({pattern.pattern!r})"
    if not pattern.flags & re.IGNORECASE:
        literal = re.sub(r"\\.|\[[^\]]*\]|\(\?P?<[^>]*>|\(\?[a-zA-Z]+[):]", "", pattern.pattern)
        upper = sorted({c for c in literal if c.isascii() and c.isupper()})
        if upper:
            found.append(
                (
                    "warning",
                    "origin-may-never-match",
                    f"origins entry {shown} has upper-case {''.join(upper)}, but browsers send "
                    "origins in lower case, so that part never matches; write it in lower case",
                )
            )
    if pattern.pattern.rstrip("$").endswith("/"):
        found.append(
            (
                "warning",
                "origin-may-never-match",
                f"origins entry {shown} ends with '/', but an Origin never has a path or a "
                "trailing slash, so it never matches; drop the slash",
            )
        )
    try:
        holes = regex_holes(pattern)
    except UnsampledRegex:
        holes = []  # refused at start-up with credentials (E110); nothing to show here
    lookalikes = [hole.origin for hole in holes if hole.kind != "insecure"]
    wide = catch_all_example(spec)
    if wide is not None:
        lookalikes.insert(0, wide)
    if lookalikes:
        found.append(
            (
                "warning",
                "broad-origin",
                f"origins entry {shown} also matches {lookalikes[0]}; anchor each host "
                r"label, e.g. re.compile(r'https://([a-z0-9-]+\.)*example\.com')",
            )
        )
    plain = [hole.origin for hole in holes if hole.kind == "insecure"]
    if credentials and plain:
        found.append(("warning", "insecure-origin", _insecure_message(shown, plain[0])))
    return found


def _insecure_message(entry: str, example: str) -> str:
    return (
        f"origins entry {entry} admits plain-http {example} with supports_credentials=True: "
        "anyone on the network path can serve a page there and read your users' data; "
        "use https (http is fine for localhost)"
    )
