"""Regex origins probed from their own syntax tree.

:func:`regex_samples` builds strings a regex fully matches from the tree the
stdlib's own parser gives (``re._parser`` from Python 3.11, ``sre_parse`` before),
and the probes change those samples the way an attacker would: another scheme,
a label after the host, another top-level domain, a sibling under the same
public suffix. A regex the sampler cannot build strings for raises
:class:`UnsampledRegex`, so that a check which cannot run is never mistaken
for one that passed.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from typing import Any

from .hosts import is_ip_literal, is_loopback_host, public_suffix
from .origins import MAX_ORIGIN_LENGTH, is_serialized_origin, split_origin


def _stdlib_parser() -> tuple[Any, Any]:
    try:
        return importlib.import_module("re._parser"), importlib.import_module("re._constants")
    except ImportError:  # Python 3.10
        return importlib.import_module("sre_parse"), importlib.import_module("sre_constants")


_PARSER, _C = _stdlib_parser()

#: Bounds on the strings built per regex: choices kept per node, samples in all.
_MAX_CHOICES = 16
_MAX_SAMPLES = 64
#: Letters, digits, then the other characters an origin can hold.
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_DIGITS = "0123456789"
_OTHERS = "-._:/[]+"


class UnsampledRegex(ValueError):
    """The regex uses something the sampler cannot build strings for (a back-reference)."""


def regex_samples(pattern: re.Pattern[str]) -> list[str]:
    """Strings ``pattern`` fully matches, at most 64: for each branch, each class
    (a letter and a digit) and each repeat (the fewest iterations, one and two
    more), one sample varying that part alone.

    Raises :class:`UnsampledRegex` for back-references and conditionals; any other
    failure is a bug and propagates.
    """
    tree = _PARSER.parse(pattern.pattern, pattern.flags)
    fold = bool(pattern.flags & re.IGNORECASE)
    samples = _sample_seq(list(tree), fold)
    return [s for s in dict.fromkeys(samples) if pattern.fullmatch(s)]


def _sample_seq(items: list[Any], fold: bool) -> list[str]:
    """The first choice of every item, then each other choice of one item at a time."""
    choices = [_sample_item(op, arg, fold) for op, arg in items]
    if any(not c for c in choices):
        return []  # a part no origin can contain: no sample through here
    base = [c[0] for c in choices]
    out = ["".join(base)]
    for i, options in enumerate(choices):
        for option in options[1:]:
            out.append("".join(base[:i]) + option + "".join(base[i + 1 :]))
            if len(out) >= _MAX_SAMPLES:
                break
    # Longer strings are never origins a request can carry: not worth building on.
    return [s for s in out if len(s) <= MAX_ORIGIN_LENGTH]


def _sample_item(op: Any, arg: Any, fold: bool) -> list[str]:
    c = _C
    if op is c.LITERAL:
        char = chr(arg)
        return [char.lower() if fold else char]
    if op is c.NOT_LITERAL:
        return ["b" if arg == ord("a") else "a", "1" if arg == ord("0") else "0"]
    if op is c.ANY:
        return ["a", "0"]
    if op is c.IN:
        return _class_samples(arg, fold)
    if op is c.BRANCH:
        alternatives = [_sample_seq(list(alt), fold) for alt in arg[1]]
        firsts = [alt[0] for alt in alternatives if alt]
        rests = [s for alt in alternatives for s in alt[1:]]
        return list(dict.fromkeys(firsts + rests))[:_MAX_SAMPLES]
    if op is c.SUBPATTERN:
        _, add_flags, del_flags, body = arg
        if add_flags & re.IGNORECASE:
            fold = True
        elif del_flags & re.IGNORECASE:
            fold = False
        return _sample_seq(list(body), fold)
    if op is getattr(c, "ATOMIC_GROUP", None):
        return _sample_seq(list(arg), fold)
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
        low, high, body = arg
        once = _sample_seq(list(body), fold)
        counts = [n for n in (low, low + 1, low + 2) if n <= high]
        if not once:
            return [""] if low == 0 else []
        # The fewest iterations of the first choice first: the base of the sample.
        pairs = [(once[0], counts[0])] + [(s, n) for n in counts for s in once if n]
        fit = [s * n for s, n in pairs if len(s) * n <= MAX_ORIGIN_LENGTH]
        return list(dict.fromkeys(fit))[:_MAX_CHOICES]
    if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
        return [""]  # anchors and look-arounds: samples are checked with fullmatch
    raise UnsampledRegex(f"{str(op).lower()} in a regex origin cannot be checked")


def _class_samples(items: list[Any], fold: bool) -> list[str]:
    negate = bool(items) and items[0][0] is _C.NEGATE
    admitted = [
        ch
        for group in (_LETTERS, _DIGITS, _OTHERS)
        for ch in group
        if _in_class(items, ch, fold) is not negate
    ]
    letter = next((ch for ch in admitted if ch in _LETTERS), None)
    digit = next((ch for ch in admitted if ch in _DIGITS), None)
    found = [ch for ch in (letter, digit) if ch is not None]
    return found or admitted[:1]


def _in_class(items: list[Any], char: str, fold: bool) -> bool:
    c = _C
    codes = {ord(char), ord(char.upper())} if fold else {ord(char)}
    for op, arg in items:
        if op is c.LITERAL and arg in codes:
            return True
        if op is c.RANGE and any(arg[0] <= code <= arg[1] for code in codes):
            return True
        if op is c.CATEGORY and _in_category(arg, char):
            return True
    return False


def _in_category(category: Any, char: str) -> bool:
    c = _C
    word = char.isalnum() or char == "_"
    return {
        c.CATEGORY_DIGIT: char.isdigit(),
        c.CATEGORY_NOT_DIGIT: not char.isdigit(),
        c.CATEGORY_WORD: word,
        c.CATEGORY_NOT_WORD: not word,
        c.CATEGORY_SPACE: char.isspace(),
        c.CATEGORY_NOT_SPACE: not char.isspace(),
    }.get(category, False)


# -- probes ------------------------------------------------------------------------

#: Appended to a sample (and to its host, before a port): a host that goes on.
_HOST_EXTENSIONS = (
    ".crossorigin-probe.example",
    "crossorigin-probe.example",
    ".evil",
    ".0123",
    "x.evil",
    "0.0123",
)
_OPEN_END = re.compile(r"(?:\.\*\??|\.\+\??|\\S\*|\\S\+|\[\^/\]\*|\[\^/\]\+)(?:\$|\\Z)?$")


def without_open_end(pattern: str) -> str:
    """The pattern without a trailing ``.*``-style open end, for the fix in a message."""
    return _OPEN_END.sub("", pattern)


def _extensions(sample: str) -> list[str]:
    out = [sample + suffix for suffix in _HOST_EXTENSIONS]
    if is_serialized_origin(sample):
        scheme, host, port = split_origin(sample)
        if port is not None:
            out += [f"{scheme}://{host}{suffix}:{port}" for suffix in _HOST_EXTENSIONS]
    return out


def host_extension(pattern: re.Pattern[str]) -> str | None:
    """An origin the regex admits that extends one of its own matches past the host.

    ``https://app\\.example\\.com.*`` admits ``https://app.example.com.evil.net``;
    ``https://app\\.example\\.com(\\.[a-z]+)*`` admits ``https://app.example.com.evil``.
    None when nothing extends. Raises :class:`UnsampledRegex` (see :func:`regex_samples`).
    """
    for sample in regex_samples(pattern):
        for probe in _extensions(sample):
            if pattern.fullmatch(probe):
                return probe
    return None


@dataclass(frozen=True)
class RegexHole:
    """An origin a regex admits that an attacker can obtain, and which rule it breaks.

    ``kind`` is ``"insecure"`` (plain http off the machine), ``"past-host"``
    (a label after the host, or another top-level domain) or ``"public-suffix"``
    (another registrable name under the same public suffix).
    """

    kind: str
    origin: str
    #: The sample of the regex's own matches that was changed into ``origin``.
    sample: str
    #: The public suffix for ``"public-suffix"``, else "".
    suffix: str = ""


def regex_holes(pattern: re.Pattern[str]) -> list[RegexHole]:
    """The first hole of each kind found in the regex's samples, in kind order.

    Loopback hosts and IP literals have no public suffix or top-level domain to
    escape to, and plain http on loopback is allowed. Raises :class:`UnsampledRegex`.
    """
    found: dict[str, RegexHole] = {}
    for sample in regex_samples(pattern):
        for hole in _sample_holes(pattern, sample):
            found.setdefault(hole.kind, hole)
    order = ("insecure", "past-host", "public-suffix")
    return sorted(found.values(), key=lambda hole: order.index(hole.kind))


def _sample_holes(pattern: re.Pattern[str], sample: str) -> list[RegexHole]:
    holes = [
        RegexHole("past-host", p, sample) for p in _extensions(sample) if pattern.fullmatch(p)
    ][:1]
    if not is_serialized_origin(sample):
        return holes
    scheme, host, port = split_origin(sample)
    if is_loopback_host(host):
        return holes
    tail = "" if port is None else f":{port}"
    # ws: is never an Origin (a WebSocket handshake carries the page's http(s) origin)
    plain = f"http://{host}{tail}"
    insecure = sample if scheme == "http" else (plain if pattern.fullmatch(plain) else None)
    if insecure is not None:
        holes.append(RegexHole("insecure", insecure, sample))
    labels = host.split(".")
    if is_ip_literal(host) or len(labels) < 2:
        return holes  # an intranet name or an address: nothing to register
    for other in (f"{host[: -len(labels[-1])]}evil", f"{host}x", f"{host}x.evil"):
        if pattern.fullmatch(f"{scheme}://{other}{tail}"):
            holes.append(RegexHole("past-host", f"{scheme}://{other}{tail}", sample))
            break
    suffix = public_suffix(host)
    if suffix is None:
        return holes
    if suffix == host:  # the host itself is a public suffix: its first label varies
        head, own = [], labels[0]
        suffix = host[len(own) + 1 :]
    else:
        head = labels[: -suffix.count(".") - 2]
        own = labels[len(head)]
    for sibling in _siblings(own):
        other = ".".join([*head, sibling, suffix])
        if pattern.fullmatch(f"{scheme}://{other}{tail}"):
            holes.append(RegexHole("public-suffix", f"{scheme}://{other}{tail}", sample, suffix))
            break
    return holes


def _siblings(label: str) -> list[str]:
    """Registrable labels an attacker might get next to ``label``."""
    candidates = [
        f"evil{label}",
        f"evil-{label}",
        f"{label}evil",
        f"{label}-evil",
        f"0{label}",
        f"{label}0",
        "attackersibling",
        "attacker-sibling",
        "0123456789",
    ]
    return [c for c in candidates if c != label]
