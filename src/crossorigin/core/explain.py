"""Human sentences for decisions: what happened and what to change.

Request values are escaped (``ascii`` form, capped) so a hostile header can never
inject a line or a terminal escape into a log.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from .decide import Decision, Reason
from .policy import Policy

MAX_QUOTED = 120

#: The option that changes each refusal, for when only the reason code is known (the
#: ``X-CORS-Decision`` of a server whose policy is out of sight).
REASON_FIXES: dict[str, str] = {
    Reason.ORIGIN_NOT_ALLOWED.value: "add the page's origin to origins= for this route",
    Reason.INVALID_ORIGIN.value: "send the Origin exactly as a browser does (scheme://host[:port])",
    Reason.METHOD_NOT_ALLOWED.value: "add the method to methods= for this route",
    Reason.HEADER_NOT_ALLOWED.value: "add the request header to allow_headers= for this route",
    Reason.PRIVATE_NETWORK_NOT_ALLOWED.value: "set allow_private_network=True for this route",
    Reason.PATH_NOT_COVERED.value: "cover the path with resources= (or @cross_origin on the view)",
}


def quote(value: str | None) -> str:
    """A request value made safe for a log line: printable ASCII, bounded, quoted."""
    if value is None:
        return "(none)"
    text = ascii(value[:MAX_QUOTED])[1:-1].replace("'", "\\'")
    # Escapes can make a short value long (\U0001f600 is ten characters): bound both.
    if len(value) > MAX_QUOTED or len(text) > MAX_QUOTED * 4:
        text = text[: MAX_QUOTED * 4] + "..."
    return f"'{text}'"


def describe_origins(entries: Iterable[Any], limit: int = 5) -> str:
    """The configured origins, as a user would have written them."""
    shown: list[str] = []
    items = list(entries)
    for entry in items[:limit]:
        if isinstance(entry, re.Pattern):
            shown.append(f"re.compile({entry.pattern!r})")
        elif isinstance(entry, str):
            shown.append(entry)
        else:
            shown.append(getattr(entry, "__qualname__", None) or repr(entry))
    if len(items) > limit:
        shown.append(f"... and {len(items) - limit} more")
    return ", ".join(shown) if shown else "(none)"


def explain(
    decision: Decision,
    policy: Policy,
    *,
    path: str,
    origin: str | None,
    method: str,
) -> str:
    """One sentence saying why, with the fix when something was refused."""
    where = quote(path)
    kind = "preflight" if decision.preflight else "request"
    reason = decision.reason
    if reason is Reason.ALLOWED:
        return f"{kind} from origin {quote(origin)} allowed for {method} {where}"
    if reason is Reason.NO_ORIGIN:
        return (
            f"{kind} to {where} has no Origin header (same-origin or not from a browser); "
            "no CORS headers are needed"
        )
    if reason is Reason.INVALID_ORIGIN:
        return (
            f"{kind} to {where} refused: Origin {quote(origin)} is not a serialized origin "
            "(scheme://host[:port] in lower case, as browsers send it)"
        )
    if reason is Reason.ORIGIN_NOT_ALLOWED:
        if origin == "null":
            return (
                f"{kind} to {where} refused: Origin 'null' (a sandboxed iframe, a data: or "
                "file: page, or a cross-origin redirect) is shared by every such page and is "
                "only allowed by origins='*' without credentials"
            )
        allowed = describe_origins(policy.options.get("origins", ()))
        return (
            f"origin {quote(origin)} is not allowed for {where}; allowed: {allowed} "
            "- add it to origins="
        )
    if reason is Reason.METHOD_NOT_ALLOWED:
        return (
            f"method {quote(decision.detail)} is not allowed for {where}; allowed: "
            f"{policy.allow_methods_value or '(none)'} - add it to methods="
        )
    if reason is Reason.HEADER_NOT_ALLOWED:
        allowed_headers = (
            ", ".join(
                [*sorted(policy.allow_headers)]
                + [f"re.compile({p.pattern!r})" for p in policy.header_patterns]
            )
            or "(none)"
        )
        return (
            f"request header(s) {quote(decision.detail)} not allowed for {where}; allowed: "
            f"{allowed_headers} - add them to allow_headers="
        )
    if reason is Reason.PRIVATE_NETWORK_NOT_ALLOWED:
        return (
            f"private network access to {where} refused for origin {quote(origin)} - set "
            "allow_private_network=True to allow it"
        )
    if reason is Reason.CREDENTIALS_NOT_ALLOWED:
        return (
            f"request from origin {quote(origin)} to {where} carries cookies "
            "(fetch with credentials: 'include'), but this policy does not support "
            "credentials - set supports_credentials=True (with a list of origins), or "
            "drop credentials from the request"
        )
    assert reason is Reason.PATH_NOT_COVERED
    return f"{where} is not covered by any CORS resource pattern - add it to resources="


def explain_missing_credentials(path: str) -> str:
    """The fix when the page sends credentials but the policy for ``path`` does not support
    them: the browser refuses the answer for want of Access-Control-Allow-Credentials,
    whatever crossorigin decided (a preflight never carries cookies)."""
    return (
        f"the page sends credentials, but the policy for {path!r} has "
        "supports_credentials=False - set supports_credentials=True, with an explicit "
        "list of origins"
    )
