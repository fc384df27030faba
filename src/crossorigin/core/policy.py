"""The policy: every option checked together and every header value computed once.

:func:`build_policy` is the only way to make a :class:`Policy`, so a policy that
exists is valid. Cross-field rules (credentials with any origin, ``Vary``) live
here and nowhere else.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from .errors import (
    ConfigError,
    HeaderNameError,
    IncompatibleOptionsError,
    MethodError,
    OriginError,
    Problems,
)
from .headers import ACRH, ACRM, ACRPN, FORBIDDEN_METHODS, ORIGIN, is_token
from .options import DEFAULT_OPTIONS, merge, normalize_options
from .origin_regex import UnsampledRegex, regex_holes
from .origins import (
    OriginMatcher,
    RegexOrigin,
    is_insecure,
    matches_everything,
    parse_origin_entry,
    spec_text,
)


@dataclass(frozen=True)
class Policy:
    """A validated CORS policy with every header value computed once. Build it with
    :func:`build_policy`. Its fields never change; ``answers`` only remembers."""

    origins: OriginMatcher
    #: Any origin without credentials: ``Access-Control-Allow-Origin: *``.
    any_origin: bool
    credentials: bool
    #: Upper-case configured methods; ``any_method`` for ``"*"``.
    methods: frozenset[str]
    any_method: bool
    #: Lower-case allowed request header names; ``any_header`` for ``"*"``.
    allow_headers: frozenset[str]
    header_patterns: tuple[re.Pattern[str], ...]
    any_header: bool
    #: Exposed names as configured; ``expose_any`` for ``"*"``.
    expose_headers: tuple[str, ...]
    expose_any: bool
    max_age: int | None
    #: True when the answer depends on the request's Origin (``Vary: Origin``).
    varies_by_origin: bool
    always_send: bool
    automatic_options: bool
    intercept_exceptions: bool
    allow_private_network: bool
    preflight_status: int
    debug: bool | None
    #: The normalised options this policy was built from, for display.
    options: Mapping[str, Any] = field(compare=False)
    # Precomputed header values.
    allow_methods_value: str = field(compare=False, default="")
    expose_value: str | None = field(compare=False, default=None)
    max_age_value: str | None = field(compare=False, default=None)
    preflight_vary: str = field(compare=False, default="")
    #: (origin, method, credentialed) -> the answer for actual requests, the hot
    #: path's single lookup; filled and bounded by ``decide``. The only state that
    #: changes after start-up.
    answers: dict[tuple[str | None, str, bool], Any] = field(
        compare=False, repr=False, default_factory=dict
    )

    def allows_method(self, method: str) -> bool:
        """Configured methods compare case-insensitively (``patch`` == ``PATCH``);
        HEAD goes wherever GET does, as in Flask's routing."""
        if self.any_method or method in self.methods:
            return True
        upper = method.upper()
        return upper in self.methods or (upper == "HEAD" and "GET" in self.methods)

    def allows_header(self, name: str) -> bool:
        """``name`` is lower-case; header names compare case-insensitively."""
        if self.any_header or name in self.allow_headers:
            return True
        return any(p.fullmatch(name) for p in self.header_patterns)


def build_policy(*layers: Mapping[str, Any]) -> Policy:
    """Merge option layers over the defaults (later wins) and build a policy.

    Each layer is checked for unknown names and wrong types; the merged result is
    checked for unsafe combinations. Raises a ``ConfigError`` subclass.
    """
    problems = Problems()
    normalized = [normalize_options(layer, problems=problems) for layer in layers]
    opts = merge(DEFAULT_OPTIONS, *normalized)
    opts.pop("resources", None)

    specs = _origin_specs(opts["origins"], problems)
    credentials: bool = opts["supports_credentials"]
    wide = [s for s in specs if matches_everything(s)]
    problems.errors += _unsafe_combinations(opts, specs, wide)
    any_origin = bool(wide) and not credentials
    varies = not any_origin or not opts["always_send"]
    if varies and not opts["vary_header"]:
        problems.errors.append(
            IncompatibleOptionsError(
                "E302",
                "vary_header=False is refused: this policy's headers depend on the request's "
                "Origin, so without 'Vary: Origin' a cache serves one site's answer to another; "
                "remove vary_header=False",
                option="vary_header",
                value=False,
            )
        )

    methods = _methods(opts["methods"], problems)
    any_method = "*" in methods
    headers, patterns = _header_names("allow_headers", opts["allow_headers"], problems)
    expose, _ = _header_names("expose_headers", opts["expose_headers"], problems, patterns_ok=False)
    problems.raise_any()
    any_header = "*" in headers
    expose_any = "*" in expose
    concrete_methods = sorted(m for m in methods if m != "*")
    expose_names = tuple(h for h in opts["expose_headers"] if h != "*")

    preflight_vary = ", ".join(
        ([ORIGIN] if varies else [])
        + [ACRM, ACRH]
        + ([ACRPN] if opts["allow_private_network"] else [])
    )
    max_age: int | None = opts["max_age"]
    return Policy(
        origins=OriginMatcher(specs),
        any_origin=any_origin,
        credentials=credentials,
        methods=frozenset(concrete_methods),
        any_method=any_method,
        allow_headers=frozenset(h for h in headers if h != "*"),
        header_patterns=patterns,
        any_header=any_header,
        expose_headers=expose_names,
        expose_any=expose_any,
        max_age=max_age,
        varies_by_origin=varies,
        always_send=opts["always_send"],
        automatic_options=opts["automatic_options"],
        intercept_exceptions=opts["intercept_exceptions"],
        allow_private_network=opts["allow_private_network"],
        preflight_status=opts["preflight_status"],
        debug=opts["debug"],
        options=MappingProxyType(opts),
        allow_methods_value=", ".join(_ordered(concrete_methods)),
        expose_value=", ".join(expose_names) if expose_names else None,
        max_age_value=None if max_age is None else str(max_age),
        preflight_vary=preflight_vary,
    )


def check_option_values(*layers: Mapping[str, Any]) -> None:
    """Check each value of already normalised option layers on its own.

    For options that no resource may end up using (``resources=[]``, or every
    resource overriding them): a bad value is an error wherever it is written.
    Cross-field rules are left to :func:`build_policy`, which sees the merged result.
    """
    problems = Problems()
    for opts in layers:
        if "origins" in opts:
            _origin_specs(opts["origins"], problems)
        if "methods" in opts:
            _methods(opts["methods"], problems)
        if "allow_headers" in opts:
            _header_names("allow_headers", opts["allow_headers"], problems)
        if "expose_headers" in opts:
            _header_names("expose_headers", opts["expose_headers"], problems, patterns_ok=False)
    problems.raise_any()


def _origin_specs(entries: tuple[Any, ...], problems: Problems) -> tuple[Any, ...]:
    parsed = []
    for entry in entries:
        with problems.check():
            parsed.append(parse_origin_entry(entry))
    return tuple(parsed)


def _unsafe_combinations(
    opts: Mapping[str, Any], specs: tuple[Any, ...], wide: list[Any]
) -> list[ConfigError]:
    """Options that are fine alone but let other sites read credentialed data."""
    found: list[ConfigError] = []
    credentials = opts["supports_credentials"]
    if credentials and wide:
        found.append(
            IncompatibleOptionsError(
                "E301",
                "supports_credentials=True cannot be combined with origins that allow every "
                f"site (origins={list(opts['origins'])!r}): any page could read your users' "
                "data. List the trusted origins instead, e.g. "
                "origins=['https://app.example.com'], supports_credentials=True",
                option="supports_credentials",
                value=opts["origins"],
            )
        )
    if credentials and opts["send_wildcard"]:
        found.append(
            IncompatibleOptionsError(
                "E303",
                "send_wildcard=True cannot be combined with supports_credentials=True: "
                "browsers refuse 'Access-Control-Allow-Origin: *' on credentialed requests; "
                "remove send_wildcard",
                option="send_wildcard",
                value=True,
            )
        )
    insecure = [s for s in specs if is_insecure(s)]
    if credentials and insecure and not opts["dangerously_allow_insecure_origins"]:
        shown = ", ".join(repr(spec_text(s)) for s in insecure)
        found.append(
            IncompatibleOptionsError(
                "E304",
                f"supports_credentials=True with plain-http origin(s) {shown}: anyone on the "
                "network path can serve a page from such an origin and read your users' "
                "data. Use https:// origins, or set dangerously_allow_insecure_origins=True",
                option="origins",
                value=[spec_text(s) for s in insecure],
            )
        )
    if credentials:
        allow_insecure = opts["dangerously_allow_insecure_origins"]
        for spec in specs:
            if isinstance(spec, RegexOrigin) and spec not in wide:
                found += _regex_with_credentials(spec, allow_insecure)
    return found


def _regex_with_credentials(spec: RegexOrigin, allow_insecure: bool) -> list[ConfigError]:
    """A regex origin probed for origins an attacker can obtain: with credentials, each
    kind of hole found is an error (plain http E304, another TLD or a longer host E109,
    a sibling under a public suffix E106); a regex that cannot be probed is E110."""
    shown = spec_text(spec)
    entry = f"origins entry {shown} with supports_credentials=True"
    try:
        holes = regex_holes(spec.pattern)
    except UnsampledRegex as exc:
        return [
            OriginError(
                "E110",
                f"{entry} cannot be checked for origins an attacker can obtain ({exc}); "
                "simplify it (no back-references or conditional groups), or list exact "
                "origins or 'https://*.example.com' patterns",
                option="origins",
                value=spec.pattern,
            )
        ]
    found: list[ConfigError] = []
    for hole in holes:
        if hole.kind == "insecure" and not allow_insecure:
            found.append(
                IncompatibleOptionsError(
                    "E304",
                    f"{entry} also matches plain-http {hole.origin!r}: anyone on the network "
                    "path can serve a page from such an origin and read your users' data. "
                    "Match https:// only (e.g. 'https://' instead of 'https?://'), or set "
                    "dangerously_allow_insecure_origins=True",
                    option="origins",
                    value=[shown],
                )
            )
        elif hole.kind == "past-host":
            found.append(
                OriginError(
                    "E109",
                    f"{entry} also matches {hole.origin!r}, a host anyone can register (the "
                    "pattern lets the host go on, or end in another top-level domain); end "
                    "it at your own host with the top-level domain written out (r'\\.com', "
                    "not r'\\.[a-z]+'), or list exact origins",
                    option="origins",
                    value=spec.pattern,
                )
            )
        elif hole.kind == "public-suffix":
            found.append(
                OriginError(
                    "E106",
                    f"{entry} also matches {hole.origin!r}: anyone can get a name under the "
                    f"public suffix {hole.suffix}, so every such site could read your users' "
                    "data; list your own origins instead, e.g. "
                    f"'{hole.origin.partition('://')[0]}://your-site.{hole.suffix}'",
                    option="origins",
                    value=spec.pattern,
                )
            )
    return found


_ORDER = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def _ordered(methods: list[str]) -> list[str]:
    return sorted(methods, key=lambda m: (_ORDER.index(m) if m in _ORDER else len(_ORDER), m))


def _methods(values: tuple[str, ...], problems: Problems) -> frozenset[str]:
    out: set[str] = set()
    for value in values:
        with problems.check():
            out.add(_method(value))
    return frozenset(out)


def _method(value: str) -> str:
    if value == "*":
        return value
    if not is_token(value):
        raise MethodError(
            "E201", f"methods entry {value!r} is not an HTTP method name", option="methods"
        )
    method = value.upper()
    if method in FORBIDDEN_METHODS:
        raise MethodError(
            "E202",
            f"methods entry {value!r} is forbidden: browsers never send {method} from a page",
            option="methods",
            value=value,
        )
    return method


def _header_names(
    option: str, values: tuple[Any, ...], problems: Problems, *, patterns_ok: bool = True
) -> tuple[frozenset[str], tuple[re.Pattern[str], ...]]:
    names: set[str] = set()
    patterns: list[re.Pattern[str]] = []
    for value in values:
        with problems.check():
            if isinstance(value, re.Pattern) and patterns_ok:
                patterns.append(_header_pattern(option, value))
            else:
                names.add(_header_name(option, value, patterns_ok))
    return frozenset(names), tuple(patterns)


def _header_pattern(option: str, value: re.Pattern[Any]) -> re.Pattern[str]:
    if not isinstance(value.pattern, str):
        raise HeaderNameError(
            "E203",
            f"{option} entry {value!r} must be a str pattern, not bytes",
            option=option,
            value=value,
        )
    return re.compile(value.pattern, value.flags | re.IGNORECASE)


def _header_name(option: str, value: str, patterns_ok: bool) -> str:
    if value != "*" and (not is_token(value) or "*" in value):
        raise HeaderNameError(
            "E203",
            f"{option} entry {value!r} is not a header name (letters, digits and "
            "!#$%&'*+-.^_`|~ only)"
            + (
                f"; for a pattern pass re.compile(r{value!r})"
                if patterns_ok and any(c in value for c in "\\^$()[]{}|+?*")
                else ""
            ),
            option=option,
            value=value,
        )
    return value.lower()
