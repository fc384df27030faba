"""The preflight response: status, Access-Control-Allow-Methods and -Headers,
Access-Control-Max-Age."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..headers import (
    ACAH,
    ACAM,
    ACMA,
    MAX_AGE_CAP,
    SAFELISTED_METHODS,
)
from .cors import _acao_warnings, cors_check
from .model import (
    _HTTP_TAB_OR_SPACE,
    Failure,
    FetchRequest,
    HTTPResponse,
    Verdict,
    _is_digits,
    _is_token,
    _lower,
    _show,
    _upper,
)
from .request import (
    _SAFELISTABLE_NAMES,
    _prepare,
    cors_unsafe_request_header_names,
    needs_preflight,
)


@dataclass(frozen=True)
class _TokenList:
    """A parsed ``#token`` header: its elements, and those that are not tokens."""

    present: bool
    items: tuple[str, ...]
    bad: tuple[str, ...]


def _token_list(response: HTTPResponse, name: str) -> _TokenList:
    """Fetch "extract header list values" for #method / #field-name headers."""
    items: list[str] = []
    bad: list[str] = []
    lines = response.get_all(name)
    for line in lines:
        for part in line.split(","):
            element = part.strip(_HTTP_TAB_OR_SPACE)
            if not element:
                continue
            (items if _is_token(element) else bad).append(element)
    return _TokenList(present=bool(lines), items=tuple(items), bad=tuple(bad))


def _with(existing: Iterable[str], *missing: str, drop_star: bool = True) -> str:
    """Existing list plus what is missing, as a drop-in header value.

    ``*`` is dropped by default because the suggestions that need it gone are the
    credentialed ones, where it means nothing.
    """
    kept = [item for item in existing if item != "*" or not drop_star]
    return ", ".join(kept + [m for m in missing if m not in kept])


def _check_method(request: FetchRequest, method: str, acam: _TokenList) -> list[Failure]:
    include = request.credentials == "include"
    allowed = acam.items
    if method in allowed or method in SAFELISTED_METHODS:
        return []
    if "*" in allowed and not include:
        return []
    shown = _show(method)
    suggestion = f"{ACAM}: {_with(allowed, shown)}"
    if "*" in allowed:
        return [
            Failure(
                "acam-wildcard-with-credentials",
                "preflight",
                f"The preflight response allows methods with {ACAM}: *, but for a credentialed "
                f"request * is only a literal method name; the server must list {shown}: "
                f"{suggestion}",
            )
        ]
    near = [m for m in allowed if _upper(m) == _upper(method)]
    if near:
        return [
            Failure(
                "method-case-mismatch",
                "preflight",
                f"The preflight response lists {near[0]} in {ACAM}, but the request's method is "
                f"{shown} (fetch() upper-cases only DELETE, GET, HEAD, OPTIONS, POST and PUT) "
                f"and browsers compare methods case-sensitively; the server must answer with "
                f"{suggestion}",
            )
        ]
    listed = f"{ACAM}: {', '.join(allowed)}" if acam.present else f"no {ACAM} header"
    return [
        Failure(
            "method-not-allowed",
            "preflight",
            f"The preflight response does not allow the method {shown} ({listed}); "
            f"the server must answer with {suggestion}",
        )
    ]


def _check_headers(
    request: FetchRequest, unsafe: list[str], acah: _TokenList, strict: bool
) -> tuple[list[Failure], list[Failure]]:
    include = request.credentials == "include"
    allowed = {_lower(item) for item in acah.items}
    star = "*" in allowed
    missing: list[str] = []
    literal_star: list[str] = []
    authorization_by_star = False
    for name in unsafe:
        if name in allowed:
            continue
        if star and not include:
            # Fetch excludes Authorization from "*"; browsers have not shipped that yet.
            authorization_by_star = authorization_by_star or name == "authorization"
            continue
        (literal_star if star else missing).append(name)

    failures: list[Failure] = []
    warnings: list[Failure] = []
    if missing:
        notes = [f"{ACAH}: {', '.join(acah.items)}" if acah.present else f"no {ACAH} header"]
        valued = [name for name in missing if name in _SAFELISTABLE_NAMES]
        if valued:
            notes.append(f"{', '.join(valued)} counts because its value is not CORS-safelisted")
        failures.append(
            Failure(
                "header-not-allowed",
                "preflight",
                f"The preflight response does not allow the request header"
                f"{'s' if len(missing) > 1 else ''} {', '.join(missing)} ({'; '.join(notes)}); "
                f"the server must answer with {ACAH}: {_with(acah.items, *missing)}",
            )
        )
    if literal_star:
        failures.append(
            Failure(
                "acah-wildcard-with-credentials",
                "preflight",
                f"The preflight response allows headers with {ACAH}: *, but for a credentialed "
                f"request * is only a literal header name; the server must list them: "
                f"{ACAH}: {_with(acah.items, *literal_star)}",
            )
        )
    if authorization_by_star:
        issue = Failure(
            "authorization-wildcard",
            "preflight",
            f"The preflight response covers Authorization only through {ACAH}: *, which the "
            "Fetch Standard does not accept (Chromium, Firefox and Safari still do by default); "
            f"the server must name it: {ACAH}: "
            f"{_with(acah.items, 'authorization', drop_star=False)}",
        )
        (failures if strict else warnings).append(issue)
    return failures, warnings


def _max_age_warnings(response: HTTPResponse) -> list[Failure]:
    lines = response.get_all(ACMA)
    if not lines:
        return []
    value = ", ".join(lines)
    if len(lines) > 1 or not _is_digits(value):
        return [
            Failure(
                "acma-invalid",
                "preflight",
                f"The preflight response has {ACMA}: {_show(value)}, which is not one "
                "non-negative integer, so browsers cache the preflight for 5 seconds at most "
                f"(Chromium not at all for a negative value); the server must send one value "
                f"such as {ACMA}: 600",
            )
        ]
    significant = value.lstrip("0")
    # Compare by length first: int() refuses digit strings beyond a few thousand digits.
    if len(significant) > len(str(MAX_AGE_CAP)) or int(significant or "0") > MAX_AGE_CAP:
        return [
            Failure(
                "acma-above-cap",
                "preflight",
                f"The preflight response has {ACMA}: {value}, but browsers cap it (Chromium "
                f"at {MAX_AGE_CAP}, Firefox at 86400, Safari at 600 seconds); the server should "
                f"send at most {ACMA}: {MAX_AGE_CAP}",
            )
        ]
    return []


def check_preflight(
    request: FetchRequest, response: HTTPResponse, *, strict: bool = False
) -> Verdict:
    """Would this answer to the preflight let the actual request go out?

    The CORS check uses the actual request's credentials mode, as Fetch requires,
    even though the preflight itself never carries cookies. The check runs even
    when the browser would send no preflight (see ``preflight_needed``); problems
    with the request itself are reported by :func:`judge` only.
    """
    prepared = _prepare(request)
    failures: list[Failure] = []
    warnings: list[Failure] = []

    status = response.status
    if 300 <= status <= 399:
        failures.append(
            Failure(
                "preflight-redirect",
                "preflight",
                f"The preflight response has status {status}, and browsers never follow a "
                "redirect for a preflight; the server must answer the OPTIONS request itself "
                "with 200 or 204, before any routing or trailing-slash redirect",
            )
        )
    elif not 200 <= status <= 299:
        failures.append(
            Failure(
                "preflight-status",
                "preflight",
                f"The preflight response has status {status}, but a preflight needs an ok "
                "status; the server must answer the OPTIONS request with 200 or 204, before "
                "routing and authentication",
            )
        )

    failures += cors_check(request, response, "preflight")
    warnings += _acao_warnings(request, response, "preflight")

    acam = _token_list(response, ACAM)
    acah = _token_list(response, ACAH)
    if acam.bad:
        failures.append(
            Failure(
                "acam-invalid",
                "preflight",
                f"The preflight response's {ACAM} contains {acam.bad[0]!r}, which is "
                "not a method token, so browsers reject the whole preflight; the server must "
                "send a comma-separated list such as "
                f"{ACAM}: {_with(acam.items, _show(prepared.method))}",
            )
        )
    else:
        failures += _check_method(request, prepared.method, acam)
    unsafe = cors_unsafe_request_header_names(prepared.headers)
    if acah.bad:
        failures.append(
            Failure(
                "acah-invalid",
                "preflight",
                f"The preflight response's {ACAH} contains {acah.bad[0]!r}, which is "
                "not a header name, so browsers reject the whole preflight; the server must "
                "send a comma-separated list of names such as "
                f"{ACAH}: {_with(acah.items, *unsafe)}",
            )
        )
    else:
        header_failures, header_warnings = _check_headers(request, unsafe, acah, strict)
        failures += header_failures
        warnings += header_warnings

    warnings += _max_age_warnings(response)
    return Verdict(
        allowed=not failures,
        failures=tuple(failures),
        warnings=tuple(warnings),
        preflight_needed=needs_preflight(request),
        readable_headers=frozenset(),
    )
