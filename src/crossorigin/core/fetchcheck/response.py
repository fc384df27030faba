"""The actual response: its CORS check, the headers a page can read, and
redirects."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from ..headers import (
    ACAO,
    ACEH,
    FORBIDDEN_RESPONSE_HEADERS,
    REDIRECT_STATUSES,
    SAFELISTED_RESPONSE_HEADERS,
)
from .cors import _acao_warnings, cors_check
from .model import Failure, FetchRequest, HTTPResponse, Verdict, _lower, _noun, _show
from .preflight import _token_list, _with
from .request import _parse_url, _prepare, needs_preflight


def _exposed_names(
    request: FetchRequest, response: HTTPResponse, stage: str
) -> tuple[frozenset[str], list[Failure]]:
    """The Access-Control-Expose-Headers list after the ``*`` and failure rules."""
    aceh = _token_list(response, ACEH)
    present = response.names()
    if aceh.bad:
        return frozenset(), [
            Failure(
                "aceh-invalid",
                stage,
                f"The {_noun(stage)}'s {ACEH} contains {aceh.bad[0]!r}, which is not a "
                "header name, so browsers expose none of the listed headers; the server must "
                f"send a comma-separated list of names such as "
                f"{ACEH}: {_with(aceh.items) or 'X-Custom'}",
            )
        ]
    names = frozenset(_lower(item) for item in aceh.items)
    if "*" not in names:
        return names, []
    if request.credentials != "include":
        return present, []
    hidden = sorted(
        name
        for name in present - names - SAFELISTED_RESPONSE_HEADERS - FORBIDDEN_RESPONSE_HEADERS
        if not name.startswith("access-control-")  # never worth suggesting
    )
    return names, [
        Failure(
            "aceh-wildcard-with-credentials",
            stage,
            f"The {_noun(stage)} exposes headers with {ACEH}: *, but for a credentialed request "
            "* is only a literal header name; the server must list the names: "
            f"{ACEH}: {_with(aceh.items, *hidden) or 'X-Custom'}",
        )
    ]


def _readable(response: HTTPResponse, exposed: frozenset[str]) -> frozenset[str]:
    """Fetch "CORS filtered response": safelisted names plus exposed, never Set-Cookie."""
    return frozenset(
        name
        for name in response.names()
        if name in SAFELISTED_RESPONSE_HEADERS
        or (name in exposed and name not in FORBIDDEN_RESPONSE_HEADERS)
    )


def _redirect_issues(
    request: FetchRequest, response: HTTPResponse
) -> tuple[bool, list[Failure], list[Failure]]:
    """Where a redirect leads: (followed, failures, warnings).

    The browser checks CORS on the 3xx itself, then refuses some targets outright,
    and for a cross-origin hop it sends the next request with ``Origin: null`` and
    without ``Authorization``.
    """
    locations = response.get_all("Location")
    if not locations:
        return False, [], []  # no Location: the 3xx itself is handed to the page
    failures: list[Failure] = []
    warnings: list[Failure] = []
    scheme: str | None
    try:
        resolved = urljoin(request.url, locations[0])
        scheme = _lower(urlsplit(resolved).scheme)
    except ValueError:  # e.g. an unclosed IPv6 bracket
        resolved, scheme = locations[0], None
    target = None if scheme is None else _parse_url(resolved)
    if len(locations) > 1 or (target is None and scheme in (None, "http", "https")):
        failures.append(
            Failure(
                "redirect-location-invalid",
                "redirect",
                f"The redirect response's Location ({_show(', '.join(locations))}) is not one "
                "valid URL, so the browser fails the request; the server must send a single "
                "Location with an http(s) URL",
            )
        )
    elif target is None:
        failures.append(
            Failure(
                "redirect-scheme",
                "redirect",
                f"The redirect response points to {_show(resolved)}, but fetch() follows "
                "redirects only to http: and https: URLs; the server must redirect to an "
                "http(s) URL",
            )
        )
    elif target.has_credentials:
        failures.append(
            Failure(
                "redirect-credentials",
                "redirect",
                "The redirect response points to a URL with a user name or password, which "
                "browsers refuse for a CORS request; the server must redirect to a URL "
                "without credentials",
            )
        )
    else:
        current = _parse_url(request.url)
        current_origin = current.origin if current else request.url
        if target.origin != current_origin:
            if request.origin != current_origin:
                warnings.append(
                    Failure(
                        "redirect-origin-null",
                        "redirect",
                        f"The browser follows this redirect from {_show(current_origin)} to "
                        f"{target.origin} with Origin: null, so {target.origin} can only admit "
                        f"it with {ACAO}: * and no credentials; the server should redirect "
                        "within its own origin or the page should call the target directly",
                    )
                )
            prepared = _prepare(request)
            if any(_lower(name) == "authorization" for name, _ in prepared.headers):
                warnings.append(
                    Failure(
                        "redirect-drops-authorization",
                        "redirect",
                        f"The browser drops the Authorization header when it follows this "
                        f"redirect to {target.origin}; the server should redirect within "
                        f"{_show(current_origin)} or the page should call {target.origin} directly",
                    )
                )
    return True, failures, warnings


def check_response(request: FetchRequest, response: HTTPResponse) -> Verdict:
    """Would the page get this actual response, and which headers could it read?

    Any status is fine, but every status needs CORS headers, redirects included:
    the browser checks a 3xx before following it. For a redirect it follows, the page
    reads the final response, so ``readable_headers`` is empty here. Like
    :func:`check_preflight`, this applies CORS even to a same-origin request;
    :func:`judge` is the one that skips CORS when the browser would.
    """
    stage = "redirect" if response.status in REDIRECT_STATUSES else "response"
    failures = cors_check(request, response, stage)
    warnings = _acao_warnings(request, response, stage)
    exposed, expose_warnings = _exposed_names(request, response, stage)
    warnings += expose_warnings
    followed = False
    if stage == "redirect":
        followed, redirect_failures, redirect_warnings = _redirect_issues(request, response)
        failures += redirect_failures
        warnings += redirect_warnings
    allowed = not failures
    return Verdict(
        allowed=allowed,
        failures=tuple(failures),
        warnings=tuple(warnings),
        preflight_needed=needs_preflight(request),
        readable_headers=_readable(response, exposed) if allowed and not followed else frozenset(),
    )
