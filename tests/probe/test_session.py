"""crossorigin.probe.session: redirects as fetch() follows them, and the redirect limit."""

from __future__ import annotations

from crossorigin.core.fetchcheck import FetchRequest
from crossorigin.probe import Received, next_hop, render_text, run

PAGE = "http://localhost:3000"
ACAO = "Access-Control-Allow-Origin"


def _redirect(status: int, location: str) -> Received:
    return Received(status, "", (("Location", location),))


def test_next_hop_follows_fetch_redirect_rules() -> None:
    post = FetchRequest(
        PAGE,
        "http://api.test/a",
        "POST",
        (("Content-Type", "application/json"), ("Authorization", "t")),
    )
    # 301/302 turn POST into GET and drop the body headers; same origin keeps Authorization.
    after = next_hop(post, PAGE, _redirect(302, "/b"))
    assert after == FetchRequest(PAGE, "http://api.test/b", "GET", (("Authorization", "t"),))
    # 307 keeps the method; a cross-origin hop taints the origin and drops Authorization.
    after = next_hop(post, PAGE, _redirect(307, "http://other.test/c"))
    assert after == FetchRequest(
        "null", "http://other.test/c", "POST", (("Content-Type", "application/json"),)
    )
    # A redirect back to the page's own origin from the API is still tainted.
    assert next_hop(post, PAGE, _redirect(303, PAGE + "/d")) == FetchRequest(
        "null", PAGE + "/d", "GET", ()
    )
    assert next_hop(post, PAGE, Received(200, "", ())) is None
    assert next_hop(post, PAGE, Received(302, "", ())) is None


def test_run_stops_at_the_redirect_limit() -> None:
    calls: list[str] = []

    def loop(method: str, url: str, headers: tuple[tuple[str, str], ...]) -> Received:
        calls.append(url)
        return Received(302, "Found", ((ACAO, "*"), ("Location", f"/{len(calls)}")))

    report = run(FetchRequest(PAGE, "http://api.test/0"), loop, max_redirects=3)
    assert not report.allowed and report.codes == ("redirect-limit",)
    assert len(calls) == 4
    assert "BLOCKED" in render_text(report)


def test_fold_failures_folds_only_headers_the_failed_answer_lacks() -> None:
    from crossorigin.core.fetchcheck import Failure
    from crossorigin.probe import fold_failures

    status = Failure("preflight-status", "preflight", "403")
    acao = Failure("acao-missing", "preflight", "no ACAO")
    method = Failure("method-not-allowed", "preflight", "PUT")
    headers = Failure("header-not-allowed", "preflight", "x-a")
    bare = Received(403, "Forbidden", ())
    (cause,) = fold_failures([status, acao, method, headers], bare)
    assert (cause.failure, cause.consequences) == (status, (acao, method, headers))
    # a listed Access-Control-Allow-Methods that lacks PUT is a cause of its own
    listed = Received(403, "Forbidden", (("Access-Control-Allow-Methods", "GET"),))
    causes = fold_failures([status, acao, method], listed)
    assert [(c.failure, c.consequences) for c in causes] == [(status, (acao,)), (method, ())]
    # without a refused status or a missing origin, nothing folds
    wildcard = Failure("acao-wildcard-with-credentials", "response", "*")
    acac = Failure("acac-missing", "response", "no ACAC")
    assert [c.consequences for c in fold_failures([wildcard, acac], bare)] == [(), ()]
