"""The CORS check (Fetch "CORS check"), run on every response of a cross-origin
fetch: Access-Control-Allow-Origin and -Credentials."""

from __future__ import annotations

from ..headers import (
    ACAC,
    ACAO,
)
from .model import Failure, FetchRequest, HTTPResponse, _lower, _noun, _show
from .request import _split_values


def _acao_advice(request: FetchRequest) -> str:
    """The Access-Control-Allow-Origin a server should send for this request."""
    if request.origin != "null":
        return f"{ACAO}: {_show(request.origin)}"
    if request.credentials != "include":
        return f"{ACAO}: * (the page has an opaque origin and sends Origin: null)"
    return (
        f"{ACAO}: null, which trusts every opaque origin, so the page should rather "
        "drop credentials and the server send *"
    )


def _acao_failure(request: FetchRequest, value: str, lines: int, stage: str) -> Failure:
    """Name the most likely mistake behind an Access-Control-Allow-Origin mismatch."""
    noun = _noun(stage)
    origin = request.origin
    shown_origin = _show(origin)
    advice = _acao_advice(request)
    shown = _show(value)
    if lines > 1:
        return Failure(
            "acao-multiple",
            stage,
            f"The {noun} has {lines} {ACAO} headers, which the browser joins into "
            f'"{shown}" and rejects; the server must send exactly one: {advice}',
        )
    if value == "*":
        return Failure(
            "acao-wildcard-with-credentials",
            stage,
            f"The {noun} has {ACAO}: *, which browsers reject for a credentialed request; "
            f"the server must answer with {advice} and {ACAC}: true",
        )
    if not value:
        return Failure(
            "acao-empty",
            stage,
            f"The {noun} has an empty {ACAO} header; the server must answer with {advice}",
        )
    if any(c in value for c in ", \t"):
        return Failure(
            "acao-list",
            stage,
            f'The {noun} lists several values in {ACAO} ("{shown}"), but it must hold '
            f"exactly one origin; the server must answer with {advice}",
        )
    if value == "null":
        return Failure(
            "acao-null",
            stage,
            f"The {noun} has {ACAO}: null, which only matches opaque origins, not the page "
            f"origin {shown_origin}; the server must answer with {advice}",
        )
    if value.startswith(origin + "/"):
        return Failure(
            "acao-trailing-slash",
            stage,
            f"The {noun} has {ACAO}: {shown}, but a serialized origin has no trailing slash "
            f"or path; the server must answer with {advice}",
        )
    if _lower(value) == _lower(origin):
        return Failure(
            "acao-case-mismatch",
            stage,
            f"The {noun} has {ACAO}: {shown}, which differs from the page origin "
            f"{shown_origin} in letter case, and browsers compare exactly; the server must "
            f"answer with {advice}",
        )
    if value.startswith(origin + ":"):
        return Failure(
            "acao-extra-port",
            stage,
            f"The {noun} has {ACAO}: {shown}, which adds a port the page origin "
            f"{shown_origin} does not have (browsers omit default ports); the server must "
            f"answer with {advice}",
        )
    return Failure(
        "acao-mismatch",
        stage,
        f"The {noun} has {ACAO}: {shown}, which does not match the page origin {shown_origin}; "
        f"the server must answer with {advice}",
    )


def cors_check(request: FetchRequest, response: HTTPResponse, stage: str) -> list[Failure]:
    """Fetch "CORS check", reporting every problem rather than only the first.

    An empty list means the check passes; the spec's first-failure order matters
    only for which error a browser console shows, not for the outcome.
    """
    failures: list[Failure] = []
    include = request.credentials == "include"
    value = response.get(ACAO)
    if value is None:
        failures.append(
            Failure(
                "acao-missing",
                stage,
                f"The {_noun(stage)} has no {ACAO} header; "
                f"the server must answer with {_acao_advice(request)}",
            )
        )
    elif not (value == request.origin or (value == "*" and not include)):
        failures.append(_acao_failure(request, value, len(response.get_all(ACAO)), stage))
    if include:
        acac = response.get(ACAC)
        if acac is None:
            failures.append(
                Failure(
                    "acac-missing",
                    stage,
                    f"The {_noun(stage)} has no {ACAC} header, which a credentialed request "
                    f"needs; the server must answer with {ACAC}: true",
                )
            )
        elif acac != "true":
            failures.append(
                Failure(
                    "acac-not-true",
                    stage,
                    f"The {_noun(stage)} has {ACAC}: {_show(acac)}, but browsers accept only "
                    f"the exact lower-case value; the server must answer with {ACAC}: true",
                )
            )
    return failures


def _acao_warnings(request: FetchRequest, response: HTTPResponse, stage: str) -> list[Failure]:
    """Things that pass the CORS check but are unsafe or fragile on the server side."""
    warnings: list[Failure] = []
    value = response.get(ACAO)
    if value == "null" and request.origin == "null":
        warnings.append(
            Failure(
                "acao-null-origin",
                stage,
                f"The {_noun(stage)} answers {ACAO}: null, which every sandboxed iframe, data: "
                "URL and cross-origin redirect shares; the server should send * without "
                "credentials instead",
            )
        )
    if stage != "preflight" and value is not None and value != "*":
        vary = {_lower(v) for v in _split_values(response.get("Vary") or "")}
        if not vary & {"origin", "*"}:
            warnings.append(
                Failure(
                    "vary-origin-missing",
                    stage,
                    f"The {_noun(stage)} has {ACAO}: {_show(value)} but no Vary: Origin, so an "
                    "HTTP cache can hand it to another origin; the server must add Vary: Origin",
                )
            )
    return warnings
