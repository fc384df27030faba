"""Origins: strict parsing of configured entries, strict checking of request values.

Configured entries are parsed once (``parse_origin_entry``, raises
:class:`~crossorigin.core.errors.OriginError`); request ``Origin`` values are
checked against the Fetch ``serialized-origin`` grammar (``is_serialized_origin``,
never raises) before any matching, and :class:`OriginMatcher` answers with set and
dict lookups, then anchored regexes, then callables.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from inspect import isawaitable

from .errors import OriginError
from .hosts import (
    DEFAULT_PORTS,
    MAX_LABEL_LENGTH,
    browser_ip_host,
    fits_dns_limits,
    is_ip_literal,
    is_loopback_host,
    is_public_suffix,
)

logger = logging.getLogger("crossorigin")

#: Longest request Origin value considered: a DNS name is at most 253 octets, so
#: this is generous; it bounds regex and log work for hostile values.
MAX_ORIGIN_LENGTH = 300

# Fetch "serialized-origin": lower-case scheme, lower-case host (domain, IPv4 or
# bracketed IPv6), optional port without leading zeros.
_SERIALIZED_ORIGIN = re.compile(
    r"[a-z][a-z0-9+.\-]*://"
    r"(?:[a-z0-9_\-]+(?:\.[a-z0-9_\-]+)*|\[[0-9a-f:.]+\])"
    r"(?::(0|[1-9][0-9]{0,4}))?"
)
_HOST = re.compile(r"[a-z0-9_\-]+(?:\.[a-z0-9_\-]+)*|\[[0-9a-f:.]+\]")
_SCHEME = re.compile(r"[a-z][a-z0-9+.\-]*")
_IPV6_LITERAL = re.compile(r"(?<=://)\[[0-9A-Fa-f:.]*\]?")
_REGEX_HINTS = re.compile(r"[\\^$()\[\]{}|+?]|\.\*|\.\+")

OriginPredicate = Callable[[str], bool]

#: Schemes no browser sends in an Origin header, with why (E111).
NEVER_SENT_SCHEMES = {
    "file": "file: pages send Origin: null",
    "data": "data: documents send Origin: null",
    "about": "about: documents send Origin: null or their creator's origin",
    "blob": "blob: URLs send their creator's origin",
    "javascript": "javascript: URLs run with the page's origin",
    "ws": "a WebSocket handshake carries the page's own http(s) origin",
    "wss": "a WebSocket handshake carries the page's own http(s) origin",
    "ftp": "browsers no longer load ftp: pages",
}
#: The page origin to write instead of a WebSocket URL's.
_PAGE_SCHEMES = {"ws": "http", "wss": "https"}


def is_serialized_origin(value: str) -> bool:
    """True if ``value`` is a browser-serialized origin (not ``null``).

    Anything else (CR/LF, NUL, upper case, a trailing slash, two origins joined by
    a comma, a port above 65535, overlong values) is hostile or broken and is
    never matched.
    """
    if len(value) > MAX_ORIGIN_LENGTH:
        return False
    m = _SERIALIZED_ORIGIN.fullmatch(value)
    if m is None:
        return False
    port = m.group(1)
    return port is None or int(port) <= 65535


def split_origin(origin: str) -> tuple[str, str, int | None]:
    """Split a checked serialized origin into (scheme, host, port or None)."""
    scheme, _, rest = origin.partition("://")
    if rest.endswith("]"):
        return scheme, rest, None
    host, sep, port = rest.rpartition(":")
    if not sep:
        return scheme, rest, None
    return scheme, host, int(port)


# -- configuration ---------------------------------------------------------------


@dataclass(frozen=True)
class AnyOrigin:
    """The literal ``*``."""


@dataclass(frozen=True)
class ExactOrigin:
    """One origin, normalised to what a browser sends."""

    origin: str


@dataclass(frozen=True)
class HostPattern:
    """``scheme://*.base[:port]`` (subdomains) or ``scheme://host:*`` (any port).

    ``ports`` is ``None`` for any port, else the single allowed port (``None``
    inside meaning the scheme's default, i.e. no port in the origin).
    """

    scheme: str
    host: str
    subdomains: bool
    any_port: bool
    port: int | None


@dataclass(frozen=True)
class RegexOrigin:
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class PredicateOrigin:
    predicate: OriginPredicate


OriginSpec = AnyOrigin | ExactOrigin | HostPattern | RegexOrigin | PredicateOrigin


def spec_text(spec: OriginSpec) -> str:
    """A parsed entry written back the way a user writes it."""
    if isinstance(spec, ExactOrigin):
        return spec.origin
    if isinstance(spec, HostPattern):
        host = f"*.{spec.host}" if spec.subdomains else spec.host
        port = ":*" if spec.any_port else (f":{spec.port}" if spec.port is not None else "")
        return f"{spec.scheme}://{host}{port}"
    if isinstance(spec, RegexOrigin):
        return f"re.compile({spec.pattern.pattern!r})"
    if isinstance(spec, PredicateOrigin):
        return getattr(spec.predicate, "__qualname__", repr(spec.predicate))
    return "*"


def is_insecure(spec: OriginSpec) -> bool:
    """A plain-http origin off the machine: a network attacker can forge it."""
    if isinstance(spec, ExactOrigin):
        scheme, host, _ = split_origin(spec.origin)
    elif isinstance(spec, HostPattern):
        scheme, host = spec.scheme, spec.host
    else:
        return False
    return scheme == "http" and not is_loopback_host(host)


def _fail(id: str, entry: object, message: str) -> OriginError:
    return OriginError(id, f"origins entry {entry!r}: {message}", option="origins", value=entry)


def parse_origin_entry(entry: object) -> OriginSpec:
    """Parse one configured ``origins`` entry; raise ``OriginError`` with the fix."""
    if isinstance(entry, re.Pattern):
        if not isinstance(entry.pattern, str):
            raise _fail("E108", entry, "regular expressions must be str patterns, not bytes")
        dots = find_unescaped_dots(entry.pattern)
        if dots:
            fixed = "".join("\\." if i in dots else ch for i, ch in enumerate(entry.pattern))
            raise _fail(
                "E107",
                entry,
                f"an unescaped '.' matches any character, so look-alike hosts are "
                f"allowed; escape it: re.compile({raw_literal(fixed)})",
            )
        from .origin_regex import UnsampledRegex, host_extension, without_open_end

        spec = RegexOrigin(entry)
        try:
            extended = host_extension(entry)
        except UnsampledRegex:
            extended = None  # refused with credentials (E110), where the checks must run
        if extended is not None and not matches_everything(spec):
            raise _fail(
                "E109",
                entry,
                f"it also matches {extended!r}, a host anyone can register, because the "
                "pattern lets the origin go on after the host; end it at the host (and "
                f"port), e.g. re.compile({raw_literal(without_open_end(entry.pattern))})",
            )
        return spec
    if callable(entry):
        return PredicateOrigin(entry)
    if not isinstance(entry, str):
        raise _fail(
            "E108",
            entry,
            "an origin must be a string, a compiled re.Pattern or a callable (origin) -> bool",
        )
    text = entry.strip()
    if text == "*":
        return AnyOrigin()
    if text.lower() == "null":
        raise _fail(
            "E103",
            entry,
            "'null' is the origin of every sandboxed iframe, data: URL and file: page, "
            "so allowing it allows any site; list the real origins instead",
        )
    if _REGEX_HINTS.search(_IPV6_LITERAL.sub("", text)) and not _is_url_with_path(text):
        raise _fail(
            "E104",
            entry,
            "plain strings are matched literally; to match with a regular expression "
            f"pass re.compile({raw_literal(text)}) (it must match the whole origin)"
            + _glob_hint(text),
        )
    parts = [part for part in re.split(r"[\s,]+", text) if part]
    if len(parts) > 1:
        raise _fail(
            "E101",
            entry,
            f"one origin per entry; write origins={parts!r}",
        )
    head, _, after = text.partition(":")
    if head.lower() in NEVER_SENT_SCHEMES:
        raise _fail("E111", entry, _never_sent_fix(head.lower(), after.lstrip("/")))
    scheme, sep, rest = text.partition("://")
    if not sep or not scheme:
        raise _fail(
            "E101",
            entry,
            _scheme_fix(text),
        )
    scheme = scheme.lower()
    if _SCHEME.fullmatch(scheme) is None:
        raise _fail("E101", entry, f"{scheme!r} is not a URL scheme")
    cut = min((i for i in (rest.find(c) for c in "/?#") if i != -1), default=len(rest))
    hostport, tail = rest[:cut], rest[cut:]
    if "@" in hostport:
        raise _fail(
            "E102",
            entry,
            f"an origin has no userinfo; write '{scheme}://{hostport.rpartition('@')[2].lower()}'",
        )
    if tail not in ("", "/"):
        raise _fail(
            "E102",
            entry,
            f"an origin has no path, query or fragment (browsers send only scheme, host "
            f"and port); write '{scheme}://{hostport.lower()}'",
        )
    return _parse_hostport(entry, scheme, hostport)


def _never_sent_fix(scheme: str, rest: str) -> str:
    why = f"browsers never send an Origin with the {scheme}: scheme ({NEVER_SENT_SCHEMES[scheme]})"
    page = _PAGE_SCHEMES.get(scheme)
    if page is not None:
        hostport = re.split(r"[/?#]", rest, maxsplit=1)[0].lower()
        return f"{why}; write the page's origin, e.g. '{page}://{hostport}'"
    return f"{why}; list the origin of the page that calls this API"


def raw_literal(text: str) -> str:
    """``text`` as a Python raw string literal, for copy-paste into a fix."""
    if "'" not in text and not text.endswith("\\"):
        return f"r'{text}'"
    return repr(text)


def _is_url_with_path(text: str) -> bool:
    """'https://a.com/x?y' is a URL pasted by mistake, not a regex."""
    scheme, sep, rest = text.partition("://")
    cut = min((i for i in (rest.find(c) for c in "/?#") if i != -1), default=len(rest))
    return bool(sep) and _REGEX_HINTS.search(scheme + rest[:cut]) is None and cut < len(rest)


#: A regex port: ``:\d+``, ``:[0-9]+``, ``:\d{4}``, ``(:\d+)?`` and the like.
_PORT_REGEX = re.compile(r"\(?:(?:\\d|\[0-9\])(?:[+*]|\{\d*(?:,\d*)?\})\)?\??\$?")


def _scheme_fix(text: str) -> str:
    """A loopback host is a development server, plain http; any other gets https first."""
    host = text.partition("]")[0] + "]" if text.startswith("[") else text.partition(":")[0]
    first, second = ("http", "https") if is_loopback_host(host.lower()) else ("https", "http")
    return f"an origin needs a scheme; write '{first}://{text}' (or '{second}://{text}')"


def _glob_hint(text: str) -> str:
    scheme, sep, rest = text.partition("://")
    port = _PORT_REGEX.search(rest)
    if sep and port and port.end() == len(rest):
        host = rest[: port.start()].replace("\\.", ".")
        if host and not _REGEX_HINTS.search(host) and _SCHEME.fullmatch(scheme.lstrip("^")):
            return f", or use the port pattern '{scheme.lstrip('^')}://{host}:*' (any port)"
    for prefix in (r".*\.", ".*", r"[^.]+\.", r"(.*\.)?"):
        marker = "://" + prefix
        if marker in text:
            scheme, _, rest = text.partition(marker)
            if not _REGEX_HINTS.search(rest.replace("\\.", ".")):
                return f", or use the subdomain pattern '{scheme}://*.{rest.replace(chr(92), '')}'"
    return ""


def _parse_hostport(entry: str, scheme: str, hostport: str) -> OriginSpec:
    if hostport.startswith("["):
        if "]" not in hostport:
            raise _fail("E101", entry, "malformed IPv6 host (missing ']')")
        host, _, after = hostport.partition("]")
        host += "]"
        port_text = after[1:] if after.startswith(":") else None
        if after and not after.startswith(":"):
            raise _fail("E101", entry, "malformed IPv6 host")
    else:
        host, colon, port_text_raw = hostport.partition(":")
        port_text = port_text_raw if colon else None
    if host.isascii():
        host = host.lower()
    else:
        try:
            ascii_host = host.encode("idna").decode("ascii")
        except UnicodeError:
            ascii_host = "xn--..."
        raise _fail(
            "E101",
            entry,
            f"browsers send the host in ASCII (punycode); write '{scheme}://{ascii_host}'",
        )
    any_port = False
    port: int | None = None
    if port_text is not None:
        if port_text == "*":
            any_port = True
        elif port_text.isdigit() and port_text.isascii() and int(port_text) <= 65535:
            port = int(port_text)
            if port == DEFAULT_PORTS.get(scheme):
                port = None
        else:
            raise _fail("E101", entry, f"{port_text!r} is not a port (0-65535 or '*')")
    subdomains = False
    if host.startswith("*."):
        subdomains = True
        host = host[2:]
    if "*" in host:
        raise _fail(
            "E105",
            entry,
            "'*' may only stand for whole leftmost labels ('https://*.example.com') "
            "or for the port ('http://localhost:*')",
        )
    if not host or _HOST.fullmatch(host) is None:
        raise _fail("E101", entry, f"{host!r} is not a valid host")
    _check_ip_spelling(entry, scheme, host, subdomains, port_text)
    if subdomains and is_public_suffix(host):
        raise _fail(
            "E106",
            entry,
            f"'*.{host}' covers sites of unrelated owners ({host} is a public suffix); "
            f"list your own origins instead, e.g. '{scheme}://your-site.{host}'",
        )
    if not subdomains and not any_port:
        suffix = f":{port}" if port is not None else ""
        return ExactOrigin(f"{scheme}://{host}{suffix}")
    return HostPattern(scheme, host, subdomains, any_port, port)


def _check_ip_spelling(
    entry: str, scheme: str, host: str, subdomains: bool, port_text: str | None
) -> None:
    """Refuse an IP address no browser writes that way (E101): it never matches."""
    if subdomains and is_ip_literal(host):
        raise _fail("E101", entry, f"'*.' needs a domain name, and {host!r} is an IP address")
    try:
        canonical = browser_ip_host(host)
    except ValueError as exc:
        raise _fail("E101", entry, f"{host!r} can never match: {exc}") from None
    if canonical is not None and canonical != host:
        port = "" if port_text is None else f":{port_text}"
        raise _fail(
            "E101",
            entry,
            f"browsers write this address as {canonical}, so {host!r} never matches; "
            f"write '{scheme}://{canonical}{port}'",
        )


def find_unescaped_dots(pattern: str) -> frozenset[int]:
    """Indexes of '.' that match any character where a literal dot was likely meant.

    A dot followed by a quantifier (``.*``, ``.+``, ``.?``, ``.{``) is deliberate;
    dots inside ``[...]`` or after a backslash are literal.
    """
    i, n, in_class = 0, len(pattern), False
    found: set[int] = set()
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            if pattern[i + 1 : i + 2] == "]":
                i += 1
        elif ch == "." and pattern[i + 1 : i + 2] not in ("*", "+", "?", "{"):
            found.add(i)
        i += 1
    return frozenset(found)


# -- matching --------------------------------------------------------------------

_NO_PORTS: frozenset[int | None] = frozenset()
# Origins no real configuration should admit: a regex matching any of them
# admits arbitrary sites.
_PROBES = (
    "https://crossorigin-probe.attacker-7f3a.net",
    "http://crossorigin-probe.attacker-7f3a.net",
    "https://crossorigin-probe.attacker-7f3a.net:8443",
    "https://evil.com",
    "http://evil.com",
    "https://attacker.net",
)


def matches_everything(spec: OriginSpec) -> bool:
    """True if ``spec`` is ``*`` or a pattern that admits arbitrary origins."""
    return isinstance(spec, AnyOrigin) or catch_all_example(spec) is not None


def catch_all_example(spec: OriginSpec) -> str | None:
    """An unrelated origin a regex admits (so it admits arbitrary sites), else None."""
    if isinstance(spec, RegexOrigin):
        return next((p for p in _PROBES if spec.pattern.fullmatch(p)), None)
    return None


def _fits_dns(origin: str) -> bool:
    """The host of a checked origin has no label over 63 characters and at most 253 in all."""
    return len(origin) <= MAX_LABEL_LENGTH or fits_dns_limits(split_origin(origin)[1])


class OriginMatcher:
    """Answers "is this checked origin allowed?" with lookups computed once.

    Cost for an exact origin is one set lookup whatever the list size; host
    patterns cost one dict lookup per label of the request host.
    """

    __slots__ = ("_callables", "_exact", "_hosts", "_regexes", "any", "has_callables")

    def __init__(self, specs: Iterable[OriginSpec]):
        specs = tuple(specs)
        self.any = any(isinstance(s, AnyOrigin) for s in specs)
        self._exact = frozenset(s.origin for s in specs if isinstance(s, ExactOrigin))
        hosts: dict[tuple[str, str, bool], set[int | None] | None] = {}
        for s in specs:
            if isinstance(s, HostPattern):
                key = (s.scheme, s.host, s.subdomains)
                if s.any_port or hosts.get(key, set()) is None:
                    hosts[key] = None
                else:
                    ports = hosts.setdefault(key, set())
                    assert ports is not None
                    ports.add(s.port)
        self._hosts = {k: (None if v is None else frozenset(v)) for k, v in hosts.items()}
        self._regexes = tuple(s.pattern for s in specs if isinstance(s, RegexOrigin))
        self._callables = tuple(s.predicate for s in specs if isinstance(s, PredicateOrigin))
        #: True if some origin can only be decided by asking a callable, every time (an
        #: attribute, not a property: the ASGI layers read it on every request).
        self.has_callables = bool(self._callables)

    @property
    def exact(self) -> frozenset[str]:
        return self._exact

    @property
    def dynamic(self) -> bool:
        """True if anything beyond exact strings is configured."""
        return bool(self._hosts or self._regexes or self._callables)

    def is_exact(self, origin: str) -> bool:
        """True if ``origin`` is one of the configured exact origins."""
        return origin in self._exact

    def matches(self, origin: str) -> bool:
        """Match a request origin already checked by ``is_serialized_origin``."""
        return self.matches_fixed(origin) or self.ask(origin)

    def matches_fixed(self, origin: str) -> bool:
        """Match against everything but the callables: the same answer every time."""
        if origin in self._exact:
            return True
        if (self._hosts or self._regexes) and not _fits_dns(origin):
            return False  # no page has such a host: patterns never grant it
        if self._hosts:
            scheme, host, port = split_origin(origin)
            if DEFAULT_PORTS.get(scheme) == port:
                port = None
            hosts = self._hosts
            allowed = hosts.get((scheme, host, False), _NO_PORTS)
            if allowed is None or port in allowed:
                return True
            dot = host.find(".")
            while dot != -1:
                allowed = hosts.get((scheme, host[dot + 1 :], True), _NO_PORTS)
                if allowed is None or port in allowed:
                    return True
                dot = host.find(".", dot + 1)
        return any(pattern.fullmatch(origin) for pattern in self._regexes)

    def ask(self, origin: str) -> bool:
        """Ask the callables (a raising one counts as a refusal, and is logged).

        An async callable cannot be awaited here (WSGI): its coroutine, always truthy,
        must not grant, so it counts as a refusal and is logged."""
        for predicate in self._callables:
            try:
                answer: object = predicate(origin)
                if type(answer) is not bool and isawaitable(answer):  # a bool: no ABC check
                    _close(answer)
                    logger.error(
                        "origins callable %r is async, which only crossorigin.quart awaits; "
                        "origin refused",
                        predicate,
                    )
                    continue
                if answer:
                    return True
            except Exception:
                # A failing allow-list lookup must not turn into a 500 or a grant.
                logger.exception("origins callable %r raised; origin refused", predicate)
        return False

    async def ask_async(self, origin: str) -> bool:
        """:meth:`ask`, awaiting the answer of an async callable (Quart)."""
        for predicate in self._callables:
            try:
                answer: object = predicate(origin)
                if isawaitable(answer):
                    answer = await answer
                if answer:
                    return True
            except Exception:
                logger.exception("origins callable %r raised; origin refused", predicate)
        return False


def _close(answer: object) -> None:
    """Close a coroutine that will not be awaited, so Python does not warn about it."""
    close = getattr(answer, "close", None)
    if callable(close):
        close()
