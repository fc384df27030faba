"""What to change: deployment hints per failure code, and crossorigin's fix per reason.

The fix per reason comes from :data:`crossorigin.core.explain.REASON_FIXES`, its one home.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..core.explain import REASON_FIXES
from ..core.fetchcheck import Failure

__all__ = [
    "CROSSORIGIN_HINTS",
    "HINTS",
    "hints_for",
    "reason_code",
    "reason_fixes",
    "refused_on_purpose",
    "reword_refusal",
]

#: What usually causes a failure in a real deployment, beyond the server's headers, said of
#: any server (``crossorigin doctor`` cannot tell a crossorigin app that is not in debug mode
#: from any other).
HINTS: dict[str, str] = {
    "acao-multiple": (
        "Two Access-Control-Allow-Origin lines almost always mean two layers add CORS headers: "
        "the app and a reverse proxy (nginx add_header, Apache Header set, a CDN or an API "
        "gateway). Let exactly one layer do CORS and remove the other's CORS headers."
    ),
    "preflight-redirect": (
        "A 3xx on OPTIONS usually comes from a trailing-slash redirect (Werkzeug's 308 for a "
        "rule ending in '/'), an http-to-https redirect or a login redirect. Call the final URL "
        "directly, or have the server answer OPTIONS before it redirects."
    ),
    "preflight-status": (
        "A 401 on OPTIONS means authentication ran before CORS; a 404/405 means the router or "
        "a proxy answered the OPTIONS without a CORS layer. The server's CORS layer must "
        "answer preflights before routing and authentication."
    ),
    "acac-missing": (
        "The page sends credentials (credentials: 'include'), so the server must opt in with "
        "Access-Control-Allow-Credentials: true and the exact origin."
    ),
    "acao-wildcard-with-credentials": (
        "A credentialed request needs the exact origin echoed, never '*': the server must "
        "send the page's origin in Access-Control-Allow-Origin, with Vary: Origin."
    ),
    "acao-trailing-slash": (
        "Browsers send the origin without a slash and compare it exactly: the server, or a "
        "proxy rule, sends a configured origin with a trailing slash; remove the slash."
    ),
    "vary-origin-missing": (
        "Without Vary: Origin a browser or CDN cache can serve this answer to another origin: "
        "the server must send Vary: Origin whenever Access-Control-Allow-Origin depends on "
        "the request's Origin (a proxy or cache that rewrites Vary can also drop it)."
    ),
    "acao-missing": (
        "The server did not grant this origin: it does not allow it, does not do CORS on this "
        "path, or the answer came from a layer without CORS (a proxy error page, a WAF)."
    ),
    "method-not-allowed": (
        "The server must list the method in Access-Control-Allow-Methods. Methods compare "
        "case-sensitively in browsers; fetch() upper-cases only DELETE, GET, HEAD, OPTIONS, "
        "POST and PUT."
    ),
    "header-not-allowed": (
        "The server must list the request header in Access-Control-Allow-Headers. "
        "Content-Type: application/json is not CORS-safelisted, so it needs listing too."
    ),
}

#: The same advice for a server known to be crossorigin (it sent X-CORS-Decision, or the
#: app in process uses it): what crossorigin itself does, and the option to change.
CROSSORIGIN_HINTS: dict[str, str] = {
    **HINTS,
    "acao-multiple": (
        "Two Access-Control-Allow-Origin lines almost always mean two layers add CORS headers: "
        "the app and a reverse proxy (nginx add_header, Apache Header set, a CDN or an API "
        "gateway). crossorigin does CORS in the app: remove the proxy's CORS headers."
    ),
    "preflight-redirect": (
        "A 3xx on OPTIONS usually comes from a trailing-slash redirect, an http-to-https "
        "redirect or a login redirect in front of the app. Call the final URL directly; "
        "crossorigin answers preflights before routing, so the app itself never redirects one."
    ),
    "preflight-status": (
        "A 401 on OPTIONS means authentication ran before CORS; a 404/405 means the router or "
        "a proxy answered the OPTIONS without a CORS layer (crossorigin answers preflights "
        "before routing and before_request hooks). A 403 without Access-Control-Allow-Origin "
        "is also how crossorigin refuses a preflight; in debug mode it says why in "
        "X-CORS-Decision and in the body."
    ),
    "acac-missing": (
        "The page sends credentials (credentials: 'include'), so the server must opt in: with "
        "crossorigin, supports_credentials=True and an explicit list of origins."
    ),
    "acao-wildcard-with-credentials": (
        "A credentialed request needs the exact origin echoed, never '*'. crossorigin refuses "
        "origins='*' with supports_credentials=True at start-up (crossorigin.E301); this '*' "
        "comes from another layer or library."
    ),
    "acao-trailing-slash": (
        "Browsers send the origin without a slash. crossorigin normalises configured origins, "
        "so a hand-written header, a proxy rule or another library is sending this value."
    ),
    "vary-origin-missing": (
        "Without Vary: Origin a browser or CDN cache can serve this answer to another origin. "
        "crossorigin always sends it; a proxy or cache that rewrites Vary may be dropping it."
    ),
    "acao-missing": (
        "The server did not grant this origin: it is not allowed, the path is not covered, or "
        "the answer came from a layer without CORS (a proxy error page, a WAF). A crossorigin "
        "app in debug mode says which in X-CORS-Decision."
    ),
    "method-not-allowed": (
        "List the method: with crossorigin, methods=[..., 'PUT']. Methods compare "
        "case-sensitively in browsers; fetch() upper-cases only DELETE, GET, HEAD, OPTIONS, "
        "POST and PUT."
    ),
    "header-not-allowed": (
        "List the request header: with crossorigin, allow_headers=[..., 'X-Foo']. "
        "Content-Type: application/json is not CORS-safelisted, so it needs listing too."
    ),
}

# Decisions that are not refusals: nothing to attribute to crossorigin's policy.
_NOT_REFUSALS = frozenset({"allowed", "no-origin", "path-not-covered"})


def hints_for(
    failures: Sequence[Failure],
    warnings: Sequence[Failure],
    decision: str | None,
    *,
    crossorigin: bool | None = None,
) -> tuple[str, ...]:
    """Deployment advice for the codes seen, without repeating what the reason says.

    ``crossorigin`` says whether the server is known to be crossorigin; by default it is
    when crossorigin's ``decision`` is known. Otherwise the advice speaks of the server.
    """
    if decision and reason_code(decision) != "allowed":
        failures = ()  # crossorigin said why it refused; its fix is the one that matters
    known = bool(decision) if crossorigin is None else crossorigin
    table = CROSSORIGIN_HINTS if known else HINTS
    # The first failure is the root one (status, then origin, then credentials, then the
    # lists): a refused preflight also lacks the method and header lists.
    codes = dict.fromkeys(f.code for f in (*failures[:1], *warnings))
    return tuple(table[code] for code in codes if code in table)


def refused_on_purpose(decision: str | None) -> str | None:
    """The reason code when crossorigin's ``decision`` is a refusal its policy made."""
    if not decision:
        return None
    code = reason_code(decision)
    return None if code in _NOT_REFUSALS else code


def reword_refusal(failures: Sequence[Failure], code: str, status: int) -> tuple[Failure, ...]:
    """``preflight-status`` said as crossorigin's refusal: its advice to answer OPTIONS
    before routing and authentication is for servers that answer too late."""
    return tuple(
        Failure(
            f.code,
            f.stage,
            f"The preflight response has status {status}, not an ok status, because "
            f"crossorigin refused the preflight ({code}); the browser sends nothing more",
        )
        if f.code == "preflight-status"
        else f
        for f in failures
    )


def reason_code(decision: str) -> str:
    """``"preflight; origin-not-allowed"`` -> ``"origin-not-allowed"``."""
    return decision.rpartition(";")[2].strip()


def reason_fixes(decision: str | None) -> tuple[str, ...]:
    """The fix for the reason a crossorigin server gave in ``X-CORS-Decision``."""
    if not decision:
        return ()
    code = reason_code(decision)
    fix = REASON_FIXES.get(code)
    return (f"crossorigin refused it ({code}): {fix}",) if fix else ()
