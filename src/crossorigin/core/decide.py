"""The decision: (policy, request) -> response headers to add, and why.

Cheap, and never raises: no regex compilation, and an ``origins`` callable that
raises is logged and counts as a refusal. The answers for actual requests are
remembered in the policy (bounded). Guard clauses run in the order of the Fetch
CORS-preflight fetch: origin, method, headers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from enum import Enum
from functools import cached_property

from .bounded import remember
from .headers import (
    ACAC,
    ACAH,
    ACAM,
    ACAO,
    ACAPN,
    ACEH,
    ACMA,
    ACRH,
    ACRM,
    ACRPN,
    COOKIE,
    MAX_METHOD_LENGTH,
    MAX_REQUEST_HEADER_LENGTH,
    ORIGIN,
    SAFELISTED_METHODS,
    VARY,
    is_token,
    split_header_names,
)
from .origins import MAX_ORIGIN_LENGTH, is_serialized_origin
from .policy import Policy

#: Distinct (origin, method, cookie) shapes of actual requests whose answer is
#: remembered per policy; cleared when full, so a flood cannot grow memory.
ANSWER_CACHE_SIZE = 1024


class Reason(str, Enum):
    """Why a request was granted or refused. Values are stable and documented."""

    ALLOWED = "allowed"
    NO_ORIGIN = "no-origin"
    INVALID_ORIGIN = "invalid-origin"
    ORIGIN_NOT_ALLOWED = "origin-not-allowed"
    PATH_NOT_COVERED = "path-not-covered"
    METHOD_NOT_ALLOWED = "method-not-allowed"
    HEADER_NOT_ALLOWED = "header-not-allowed"
    CREDENTIALS_NOT_ALLOWED = "credentials-not-allowed"
    PRIVATE_NETWORK_NOT_ALLOWED = "private-network-not-allowed"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Decision:
    """What to add to a response.

    ``headers`` replace any CORS response header the application set; ``vary``
    lists tokens to merge into ``Vary``; with ``expose_from_response`` the layer
    exposes the response's own header names (``*`` cannot be sent with
    credentials). ``detail`` names what was refused (the method or header names).
    """

    preflight: bool
    reason: Reason
    headers: tuple[tuple[str, str], ...] = ()
    vary: str | None = None
    expose_from_response: bool = False
    detail: str = ""
    #: For a preflight refused for its method or a header after its origin was
    #: granted: headers that make the browser name the failing check in its console
    #: ("Method PUT is not allowed by Access-Control-Allow-Methods") and still fail
    #: it. Sent only in debug mode.
    hint_headers: tuple[tuple[str, str], ...] = ()

    @property
    def allowed(self) -> bool:
        return self.reason is Reason.ALLOWED

    def __hash__(self) -> int:
        return self._hash

    @cached_property
    def _hash(self) -> int:
        """Computed once: the ``start_response`` wrappers are looked up by decision."""
        return hash(tuple(getattr(self, f.name) for f in fields(self)))

    @cached_property
    def appended(self) -> tuple[tuple[str, str], ...]:
        """``headers`` plus ``Vary``: what a response without CORS or Vary headers gets."""
        return self.headers + (((VARY, self.vary),) if self.vary else ())

    @cached_property
    def raw_appended(self) -> tuple[tuple[bytes, bytes], ...]:
        """``appended`` as an ASGI header list carries it (lower-case latin-1 names):
        encoded once per decision, and the remembered answers keep their decisions."""
        return tuple(
            (name.lower().encode("latin-1"), value.encode("latin-1", "replace"))
            for name, value in self.appended
        )


def is_preflight(method: str, origin: str | None, request_method: str | None) -> bool:
    """``OPTIONS`` with ``Origin`` and ``Access-Control-Request-Method``."""
    return method == "OPTIONS" and origin is not None and request_method is not None


def decide(
    policy: Policy, method: str, headers: Mapping[str, str], *, asked: bool | None = None
) -> Decision:
    """Decide for a request given its method and headers.

    ``headers`` needs a case-insensitive ``get`` (werkzeug ``Headers``) or must use
    the canonical names (``Origin``, ``Access-Control-Request-Method`` ...).
    ``asked`` is the ``origins`` callables' answer when the caller already has it
    (:func:`decide_async`); None asks them here.
    """
    origin = headers.get(ORIGIN)
    request_method = headers.get(ACRM)
    if is_preflight(method, origin, request_method):
        assert origin is not None and request_method is not None
        return decide_preflight(
            policy, origin, request_method, headers.get(ACRH), headers.get(ACRPN), asked=asked
        )
    return decide_actual(
        policy, method, origin, credentialed=headers.get(COOKIE) is not None, asked=asked
    )


async def decide_async(policy: Policy, method: str, headers: Mapping[str, str]) -> Decision:
    """:func:`decide` for an async server (Quart): an ``origins`` callable may be a
    coroutine function, and is awaited; it is asked only when nothing else decides."""
    origin = headers.get(ORIGIN)
    asked = None
    if (
        origin is not None
        and policy.origins.has_callables
        and _fixed_grant(policy, origin)[1] is None
    ):
        asked = await policy.origins.ask_async(origin)
    return decide(policy, method, headers, asked=asked)


def _granted_origin(
    policy: Policy, origin: str | None, asked: bool | None = None
) -> tuple[str | None, Reason]:
    """The ACAO value to send, or None and the reason for refusing."""
    acao, reason = _fixed_grant(policy, origin)
    if reason is None:
        assert origin is not None
        if asked is None:
            asked = policy.origins.ask(origin)
        return (origin, Reason.ALLOWED) if asked else (None, _NOT_ALLOWED)
    return acao, reason


_NOT_ALLOWED = Reason.ORIGIN_NOT_ALLOWED


def _fixed_grant(policy: Policy, origin: str | None) -> tuple[str | None, Reason | None]:
    """:func:`_granted_origin` without asking the callables: the reason is None when
    only they can decide."""
    if policy.any_origin and (origin is not None or policy.always_send):
        return "*", Reason.ALLOWED
    if origin is None:
        return None, Reason.NO_ORIGIN
    if policy.origins.is_exact(origin):
        return origin, Reason.ALLOWED
    if not is_serialized_origin(origin):
        # "null", CR/LF, upper case, lists, overlong values: never matched.
        return None, _NOT_ALLOWED if origin == "null" else Reason.INVALID_ORIGIN
    if policy.origins.matches_fixed(origin):
        return origin, Reason.ALLOWED
    return None, None if policy.origins.has_callables else _NOT_ALLOWED


@dataclass(frozen=True)
class _AskCallables:
    """The answer for an origin only the configured callables can grant."""

    granted: Decision
    refused: Decision


def decide_actual(
    policy: Policy,
    method: str,
    origin: str | None,
    credentialed: bool = False,
    *,
    asked: bool | None = None,
) -> Decision:
    """An actual (non-preflight) request: grant the origin, or say why not.

    ``credentialed`` says the request carries cookies: a browser sends them
    cross-origin only with ``credentials: "include"``, which a policy without
    ``supports_credentials`` cannot serve. The reason then says so
    (``credentials-not-allowed``), but the headers are the same as without cookies.

    Answers are remembered per request shape in the policy (bounded), so a repeated
    request costs one lookup; an origin only a callable can grant has both possible
    answers remembered, and the callable is asked every time.
    """
    answers = policy.answers
    key = (origin, method, credentialed)
    known: Decision | _AskCallables | None = answers.get(key)
    if known is None:
        known = _actual_answer(policy, method, origin, credentialed)
        if len(origin or "") <= MAX_ORIGIN_LENGTH and len(method) <= MAX_METHOD_LENGTH:
            remember(answers, key, known, ANSWER_CACHE_SIZE)
    if type(known) is Decision:
        return known
    assert isinstance(known, _AskCallables) and origin is not None
    if asked is None:
        asked = policy.origins.ask(origin)
    return known.granted if asked else known.refused


def _actual_answer(
    policy: Policy, method: str, origin: str | None, credentialed: bool
) -> Decision | _AskCallables:
    if policy.any_origin and policy.always_send:
        return _grant(policy, "*")  # the common "*" policy: one answer for every request
    acao, reason = _fixed_grant(policy, origin)
    if reason is None:
        assert origin is not None
        refused = Decision(False, _NOT_ALLOWED, vary=_vary(policy))
        return _AskCallables(_actual_grant(policy, method, origin, credentialed), refused)
    if acao is None:
        return Decision(False, reason, vary=_vary(policy))
    return _actual_grant(policy, method, acao, credentialed)


def _actual_grant(policy: Policy, method: str, acao: str, credentialed: bool) -> Decision:
    """The answer for an actual request whose origin is granted ``acao``.

    ``methods`` is not consulted: it governs preflights (Access-Control-Allow-Methods),
    as in the Fetch standard and flask-cors. A method that needs a preflight never
    gets here from a browser unless the preflight allowed it; a simple GET, HEAD or
    POST has run the view already, so withholding the headers would only hide the
    reply from the page.
    """
    granted = _grant(policy, acao)
    if credentialed and not policy.credentials and acao != "*":
        # The headers stay those of the grant: a response whose CORS headers changed
        # with Cookie would need Vary: Cookie, or a shared cache keyed on Origin would
        # serve the cookie-less answer to everyone. The browser blocks the read anyway,
        # for want of Access-Control-Allow-Credentials.
        return replace(granted, reason=Reason.CREDENTIALS_NOT_ALLOWED)
    return granted


def _vary(policy: Policy) -> str | None:
    return "Origin" if policy.varies_by_origin else None


def _grant(policy: Policy, acao: str) -> Decision:
    headers: tuple[tuple[str, str], ...] = ((ACAO, acao),)
    if policy.credentials:
        headers += ((ACAC, "true"),)
    expose_from_response = False
    if policy.expose_any and not policy.credentials:
        headers += ((ACEH, "*"),)
    else:
        expose_from_response = policy.expose_any
        if policy.expose_value is not None and not expose_from_response:
            headers += ((ACEH, policy.expose_value),)
    return Decision(False, Reason.ALLOWED, headers, _vary(policy), expose_from_response)


def decide_preflight(
    policy: Policy,
    origin: str,
    request_method: str,
    request_headers: str | None = None,
    private_network: str | None = None,
    *,
    asked: bool | None = None,
) -> Decision:
    """A CORS-preflight request: every answer is computed, nothing is assumed."""
    vary = policy.preflight_vary
    acao, reason = _granted_origin(policy, origin, asked)
    if acao is None:
        return Decision(True, reason, vary=vary)
    base: list[tuple[str, str]] = [(ACAO, acao)]
    if policy.credentials:
        base.append((ACAC, "true"))
    # Fetch: the method compares case-sensitively; a lower-case method that
    # matches a configured one is echoed as sent, so the browser's check passes.
    if len(request_method) > 64 or not is_token(request_method):
        return Decision(True, Reason.METHOD_NOT_ALLOWED, vary=vary, detail=request_method[:64])
    if not policy.allows_method(request_method):
        # Browsers let GET, HEAD and POST through any Access-Control-Allow-Methods,
        # so a hint would pass the preflight; only other methods get one.
        hint = (
            ()
            if request_method in SAFELISTED_METHODS
            else (*base, (ACAM, policy.allow_methods_value))
        )
        return Decision(
            True, Reason.METHOD_NOT_ALLOWED, vary=vary, detail=request_method, hint_headers=hint
        )
    base.append((ACAM, _allowed_methods_value(policy, request_method)))
    names = split_header_names(request_headers) if request_headers else []
    if names is None:
        detail = (request_headers or "")[:MAX_REQUEST_HEADER_LENGTH]
        return Decision(True, Reason.HEADER_NOT_ALLOWED, vary=vary, detail=detail[:200])
    refused = [name for name in names if not policy.allows_header(name)]
    if names:
        # Echo only names that passed the check: concrete, never "*", so
        # Authorization and credentialed requests work in every browser.
        passed = [name for name in dict.fromkeys(names) if name not in refused]
        if passed:
            base.append((ACAH, ", ".join(passed)))
    if refused:
        return Decision(
            True,
            Reason.HEADER_NOT_ALLOWED,
            vary=vary,
            detail=", ".join(refused),
            hint_headers=tuple(base),
        )
    if policy.max_age_value is not None:
        base.append((ACMA, policy.max_age_value))
    wants_private = private_network == "true"
    if wants_private and not policy.allow_private_network:
        # No hint: browsers that only warn about private network access would
        # then send the request itself.
        return Decision(True, Reason.PRIVATE_NETWORK_NOT_ALLOWED, vary=vary)
    if wants_private:
        base.append((ACAPN, "true"))
    return Decision(True, Reason.ALLOWED, tuple(base), vary)


def _allowed_methods_value(policy: Policy, request_method: str) -> str:
    """What Access-Control-Allow-Methods says for a granted ``request_method``."""
    if policy.any_method:
        return request_method
    if request_method in policy.methods:
        return policy.allow_methods_value
    if request_method.upper() in policy.methods:
        return f"{policy.allow_methods_value}, {request_method}"
    return request_method  # HEAD, allowed through GET
