"""What to change: deployment hints per failure code, and crossorigin's fix per reason.

The fix per reason comes from :data:`crossorigin.core.explain.REASON_FIXES`, its one home.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..core.explain import REASON_FIXES
from ..core.fetchcheck import Failure

__all__ = ["HINTS", "hints_for", "reason_code", "reason_fixes"]

#: What usually causes a failure in a real deployment, beyond the server's headers.
HINTS: dict[str, str] = {
    "acao-multiple": (
        "Two Access-Control-Allow-Origin lines almost always mean two layers add CORS headers: "
        "the app and a reverse proxy (nginx add_header, Apache Header set, a CDN or an API "
        "gateway). Let exactly one layer do CORS; with crossorigin in the app, remove the "
        "proxy's CORS headers."
    ),
    "preflight-redirect": (
        "A 3xx on OPTIONS usually comes from a trailing-slash redirect (Werkzeug's 308 for a "
        "rule ending in '/'), an http-to-https redirect or a login redirect. Call the final URL "
        "directly; crossorigin answers preflights before routing, so the app itself never "
        "redirects one."
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


def hints_for(
    failures: Sequence[Failure], warnings: Sequence[Failure], decision: str | None
) -> tuple[str, ...]:
    """Deployment advice for the codes seen, without repeating what the reason says."""
    if decision and reason_code(decision) != "allowed":
        failures = ()  # crossorigin said why it refused; its fix is the one that matters
    # The first failure is the root one (status, then origin, then credentials, then the
    # lists): a refused preflight also lacks the method and header lists.
    codes = dict.fromkeys(f.code for f in (*failures[:1], *warnings))
    return tuple(HINTS[code] for code in codes if code in HINTS)


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
