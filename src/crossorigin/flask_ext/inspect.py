"""The app's CORS policies seen from outside the request cycle, and requests run in-process.

Where a policy comes from (decorator, then blueprint, then the app's resources, as
``CORSState.resolve`` decides), the rows of ``flask cors routes``, and
:func:`explain_request`: a browser's requests for a path sent through the Flask test
client with :func:`crossorigin.probe.run`, the report annotated with the governing policy,
crossorigin's decision and the fix. ``flask cors`` and :mod:`crossorigin.testing` build on
this module; it imports neither.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import Flask
from flask.testing import EnvironBuilder, FlaskClient
from werkzeug.routing import Rule

from ..core.decide import Decision, Reason, decide
from ..core.explain import describe_origins, explain, explain_missing_credentials
from ..core.fetchcheck import FetchRequest
from ..core.headers import DEBUG_HEADER
from ..core.policy import Policy, build_policy
from ..probe import (
    MAX_BODY,
    Received,
    Report,
    Transport,
    attribute_refusal,
    hints_for,
    run,
    url_origin,
)
from .extension import EXTENSION_KEY, POLICY_ATTR, CORSState, PolicySource, endpoint_for

__all__ = [
    "PolicySource",
    "annotate",
    "base_url",
    "cors_state",
    "describe_source",
    "errors_as_responses",
    "explain_request",
    "flask_transport",
    "governing_policy",
    "match_endpoint",
    "policy_cells",
    "policy_sources",
    "route_rows",
    "sample_path",
    "uses_crossorigin",
]


# --- where a policy comes from ------------------------------------------------------------


def cors_state(app: Flask) -> CORSState | None:
    state = app.extensions.get(EXTENSION_KEY)
    return state if isinstance(state, CORSState) else None


def governing_policy(app: Flask, path: str, endpoint: str | None) -> PolicySource | None:
    """The policy crossorigin applies to ``path`` served by ``endpoint``, and its origin
    (the middleware's own resolution; a decorator alone works without ``CORS(app)``)."""
    state = cors_state(app)
    if state is not None:
        return state.govern(endpoint, path)
    policy = getattr(app.view_functions.get(endpoint or ""), POLICY_ATTR, None)
    if isinstance(policy, Policy) and endpoint is not None:
        return PolicySource(policy, "decorator", endpoint)
    return None


def match_endpoint(app: Flask, path: str, method: str) -> str | None:
    """The endpoint serving ``method`` on ``path``, after one trailing-slash redirect
    (the browser follows it, and the middleware resolves it the same way)."""
    builder = EnvironBuilder(app, path=path, method=method)
    try:
        request = app.request_class(builder.get_environ())
    finally:
        builder.close()
    return endpoint_for(app, request, path, method)


def policy_sources(app: Flask) -> list[PolicySource]:
    """Every configured policy: app resources, blueprint resources, decorated views."""
    found: list[PolicySource] = []
    state = cors_state(app)
    if state is not None:
        if state.table is not None:
            found += [PolicySource(p, "app", "", pat.source) for pat, p in state.table.entries]
        for name, scope in state.blueprints.items():
            found += [
                PolicySource(p, "blueprint", name, pat.source) for pat, p in scope.table.entries
            ]
    for endpoint, view in app.view_functions.items():
        policy = getattr(view, POLICY_ATTR, None)
        if isinstance(policy, Policy):
            found.append(PolicySource(policy, "decorator", endpoint))
    return found


def sample_path(rule: Rule) -> str:
    """A concrete path the rule serves, to look its policy up (``1`` for each variable)."""
    if not rule.arguments:
        return rule.rule
    try:
        built = rule.build(dict.fromkeys(rule.arguments, "1"), append_unknown=False)
    except Exception:  # a custom converter may refuse "1" in any way it likes
        built = None
    return built[1] if built else rule.rule


# --- flask cors routes --------------------------------------------------------------------


def _names(values: Iterable[Any]) -> str:
    shown = [f"re.compile({v.pattern!r})" if isinstance(v, re.Pattern) else str(v) for v in values]
    return ", ".join(shown) or "(none)"


def policy_cells(policy: Policy) -> list[str]:
    """Origins, methods, headers, credentials and max-age as a person would write them."""
    return [
        describe_origins(policy.options.get("origins", ())),
        "*" if policy.any_method else (policy.allow_methods_value or "(none)"),
        _names(policy.options.get("allow_headers", ())),
        "yes" if policy.credentials else "no",
        "-" if policy.max_age is None else str(policy.max_age),
    ]


def route_rows(app: Flask, *, all_methods: bool = False) -> list[tuple[list[str], bool]]:
    """One row per URL rule (in matching order) and whether a CORS policy covers it."""
    ignored = set() if all_methods else {"HEAD", "OPTIONS"}
    host_matching = app.url_map.host_matching
    rules = list(app.url_map.iter_rules())
    has_domain = any(rule.host if host_matching else rule.subdomain for rule in rules)
    rows: list[tuple[list[str], bool]] = []
    for rule in rules:
        source = governing_policy(app, sample_path(rule), rule.endpoint)
        row = [rule.endpoint, ", ".join(sorted((rule.methods or set()) - ignored))]
        if has_domain:
            row.append((rule.host if host_matching else rule.subdomain) or "")
        row.append(rule.rule)
        if source is None:
            row += ["-", "-", "-", "-", "-", "not covered"]
        else:
            row += [*policy_cells(source.policy), source.short]
        rows.append((row, source is not None))
    return rows


# --- flask cors explain ---------------------------------------------------------------------


def base_url(app: Flask) -> str:
    """Where the test client sends requests: the app's SERVER_NAME, or localhost."""
    scheme = app.config.get("PREFERRED_URL_SCHEME") or "http"
    return f"{scheme}://{app.config.get('SERVER_NAME') or 'localhost'}"


def flask_transport(client: FlaskClient, *, body: bytes | None = None) -> Transport:
    """Send requests in-process through a Flask test client, headers kept raw.

    ``body`` goes with every request a browser sends it with: not a preflight, and not a
    GET or HEAD (a redirect that turns the request into a GET drops it).
    """

    def send(method: str, url: str, headers: tuple[tuple[str, str], ...]) -> Received:
        parts = urlsplit(url)
        preflight = method == "OPTIONS" and any(
            name.lower() == "access-control-request-method" for name, _ in headers
        )
        response = client.open(
            parts.path or "/",
            base_url=f"{parts.scheme}://{parts.netloc}",
            query_string=parts.query or None,
            method=method,
            headers=list(headers),
            data=None if preflight or method in ("GET", "HEAD") else body,
        )
        try:
            content_type = response.headers.get("Content-Type", "")
            text = ""
            if content_type.startswith("text/"):
                text = response.get_data()[:MAX_BODY].decode("utf-8", "replace")
            return Received(
                status=response.status_code,
                reason=response.status.partition(" ")[2],
                headers=tuple(response.headers.to_wsgi_list()),
                body=text,
            )
        finally:
            response.close()

    return send


@contextmanager
def errors_as_responses(app: Flask) -> Iterator[None]:
    """A view that raises answers 500, as in production, even with debug on."""
    saved = app.config.get("PROPAGATE_EXCEPTIONS")
    app.config["PROPAGATE_EXCEPTIONS"] = False
    try:
        yield
    finally:
        app.config["PROPAGATE_EXCEPTIONS"] = saved


_uncovered_policy: Policy | None = None


def _placeholder_policy() -> Policy:
    """explain() needs a policy even for 'no policy covers this path'."""
    global _uncovered_policy
    if _uncovered_policy is None:
        _uncovered_policy = build_policy()
    return _uncovered_policy


def describe_source(source: PolicySource | None) -> str:
    if source is None:
        return "none: no CORS policy covers this path"
    origins, methods, headers, credentials, max_age = policy_cells(source.policy)
    return (
        f"{source.label} (origins: {origins}; methods: {methods}; headers: {headers}; "
        f"credentials: {credentials}; max-age: {max_age})"
    )


def uses_crossorigin(app: Flask) -> bool:
    """Whether crossorigin is in the app at all: ``CORS(app)`` or a ``@cross_origin`` view."""
    return cors_state(app) is not None or any(
        isinstance(getattr(view, POLICY_ATTR, None), Policy) for view in app.view_functions.values()
    )


def annotate(app: Flask, report: Report) -> Report:
    """Add the governing policy, crossorigin's decision and the fix to a report.

    The decision is the ``X-CORS-Decision`` header when the app sent one (debug mode),
    otherwise it is computed with :func:`crossorigin.core.decide.decide` from the same
    policy the middleware uses and the headers the last step sent, so the reason is
    there whatever the debug setting. An app without crossorigin gets no decision and no
    crossorigin option to change: the failures and the hints speak of its own server.
    """
    if not report.exchanges:
        return report
    if not uses_crossorigin(app):
        return replace(
            report,
            policy="none: the app does not use crossorigin",
            hints=hints_for(report.failures, report.warnings, None, crossorigin=False),
        )
    step = report.exchanges[-1]
    # decide() reads the canonical names (Origin, Access-Control-Request-Method, ...,
    # Cookie), which title() gives whatever case the page used.
    sent = {name.title(): value for name, value in step.sent}
    path = unquote(urlsplit(step.url).path) or "/"
    origin = sent.get("Origin")
    preflight = step.stage == "preflight"
    method = sent.get("Access-Control-Request-Method", "") if preflight else step.method
    source = governing_policy(app, path, match_endpoint(app, path, method.upper()))
    decision = (
        decide(source.policy, step.method, sent)
        if source is not None
        else Decision(preflight, Reason.PATH_NOT_COVERED)
    )
    computed = f"{'preflight' if decision.preflight else 'actual'}; {decision.reason.value}"
    reason = step.decision or computed
    fixes: list[str] = []
    if not report.allowed:
        policy = source.policy if source is not None else _placeholder_policy()
        if not decision.allowed:
            fixes.append(explain(decision, policy, path=path, origin=origin, method=method))
        elif report.request.credentials == "include" and not policy.credentials:
            fixes.append(explain_missing_credentials(path))
    annotated = replace(
        report,
        policy=describe_source(source),
        reason=reason,
        reason_source=DEBUG_HEADER if step.decision else "computed",
        fixes=tuple(fixes) or report.fixes,
        # Deployment hints (proxies, auth layers) only when the app's own fix is unknown.
        hints=() if fixes else hints_for(report.failures, report.warnings, reason),
    )
    return attribute_refusal(annotated)


def explain_request(
    app: Flask,
    request: FetchRequest,
    *,
    client: FlaskClient | None = None,
    strict: bool = False,
    body: bytes | None = None,
) -> Report:
    """Run ``request`` through the app in-process as a browser would, and explain it;
    ``body`` is the request body (see :func:`flask_transport`)."""
    home = url_origin(base_url(app))
    report = run(
        request,
        flask_transport(client or app.test_client(), body=body),
        strict=strict,
        follow=lambda url: url_origin(url) == home,
    )
    return annotate(app, report)
