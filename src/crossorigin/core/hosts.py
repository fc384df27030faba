"""Host facts: loopback hosts, IP addresses as browsers write them, DNS length limits
and public suffixes.

Public suffixes come from the Public Suffix List (ICANN and private sections) as
shipped by the ``publicsuffixlist`` package. It is imported and parsed on first
use only, which is when a subdomain wildcard or a regex origin is checked: a
configuration of exact origins never loads it.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from publicsuffixlist import PublicSuffixList

#: The schemes of pages that fetch, with their default port: an origin or URL with
#: that port is written without it.
DEFAULT_PORTS = {"http": 80, "https": 443}

#: RFC 1035: at most 63 octets per label and 253 for the whole name (no final dot).
MAX_LABEL_LENGTH = 63
MAX_NAME_LENGTH = 253


def is_loopback_host(host: str) -> bool:
    """localhost, *.localhost, 127.0.0.0/8 and [::1] (in any spelling): traffic that
    never leaves the machine, so plain http there is fine."""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    if not is_ip_literal(host):
        return False
    address = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def is_ip_literal(host: str) -> bool:
    """True if a browser reads ``host`` as an IP address: a bracketed IPv6 address, or
    a last label of digits or of ``0x`` and hex digits (WHATWG "ends in a number")."""
    if host.startswith("["):
        return True
    last = host.rpartition(".")[2]
    if last[:2].lower() == "0x":
        return all(c in _HEX_DIGITS for c in last[2:])
    return last.isdigit()


_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")
_DIGITS = {10: frozenset("0123456789"), 8: frozenset("01234567"), 16: _HEX_DIGITS}


def _ipv4_number(part: str) -> int | None:
    """One part of a WHATWG IPv4 address: decimal, octal (``0`` prefix) or hex (``0x``)."""
    base, digits = 10, part
    if part[:2].lower() == "0x":
        base, digits = 16, part[2:]
    elif len(part) > 1 and part.startswith("0"):
        base, digits = 8, part[1:]
    if not part or not set(digits) <= _DIGITS[base]:
        return None
    return int(digits, base) if digits else 0


def _whatwg_ipv4(host: str) -> str | None:
    """The WHATWG URL parser's reading of an IPv4 host (``127.1``, ``0x7f.0.0.1``,
    ``2130706433`` are all ``127.0.0.1``), or None where it refuses the host."""
    parts = host.split(".")
    if len(parts) > 4:
        return None
    numbers = [_ipv4_number(part) for part in parts]
    if None in numbers:
        return None
    *head, last = [n for n in numbers if n is not None]
    if any(n > 255 for n in head) or last >= 256 ** (4 - len(head)):
        return None
    value = last + sum(n * 256 ** (3 - i) for i, n in enumerate(head))
    return str(ipaddress.IPv4Address(value))


def whatwg_ipv6(address: ipaddress.IPv6Address) -> str:
    """The WHATWG URL serialisation: eight hex pieces, the first longest run of two or
    more zero pieces as ``::``. Never dotted IPv4, unlike ``ipaddress`` on Python 3.13."""
    pieces = [int.from_bytes(address.packed[i : i + 2], "big") for i in range(0, 16, 2)]
    start, length = -1, 1
    i = 0
    while i < 8:
        if pieces[i] == 0:
            j = i
            while j < 8 and pieces[j] == 0:
                j += 1
            if j - i > length:
                start, length = i, j - i
            i = j
        else:
            i += 1
    text = [format(p, "x") for p in pieces]
    if start < 0:
        return ":".join(text)
    return ":".join(text[:start]) + "::" + ":".join(text[start + length :])


def browser_ip_host(host: str) -> str | None:
    """``host`` as a browser writes it when it is an IP address, None for a domain name.

    Browsers rewrite addresses (``127.1`` and ``0x7f.0.0.1`` become ``127.0.0.1``,
    ``[0:0:0:0:0:0:0:1]`` becomes ``[::1]``), so only that spelling is ever sent in an
    Origin. Raises ``ValueError`` (saying why) for a host a browser reads as an
    address but cannot parse, such as ``256.1.1.1`` or ``app.123``: no page has it.
    """
    if not is_ip_literal(host):
        return None
    if host.startswith("["):
        try:
            return f"[{whatwg_ipv6(ipaddress.IPv6Address(host[1:-1]))}]"
        except ValueError:
            raise ValueError("it is not an IPv6 address") from None
    canonical = _whatwg_ipv4(host)
    if canonical is None:
        raise ValueError("it is not a valid IPv4 address, so no page can have it")
    return canonical


def fits_dns_limits(host: str) -> bool:
    """True if no label is over 63 characters and the name is at most 253."""
    if len(host) <= MAX_LABEL_LENGTH:
        return True
    return len(host) <= MAX_NAME_LENGTH and all(
        len(label) <= MAX_LABEL_LENGTH for label in host.split(".")
    )


@lru_cache(maxsize=1)
def _suffix_list() -> PublicSuffixList:
    from publicsuffixlist import PublicSuffixList  # imported on first use only

    return PublicSuffixList()


def public_suffix(host: str) -> str | None:
    """The longest public suffix ending ``host`` (``github.io`` for ``a.github.io``).

    Unlisted top-level labels count as public suffixes, as browsers treat them.
    None for loopback hosts and IP literals, which no one registers.
    """
    if not host or is_loopback_host(host) or is_ip_literal(host):
        return None
    return _suffix_list().publicsuffix(host)


def is_public_suffix(host: str) -> bool:
    """True if ``host`` is a suffix under which unrelated parties register names.

    ``com``, ``io``, ``co.uk``, ``uk.com``, ``github.io``, ``a.run.app`` are;
    ``example.com`` and ``localhost`` are not.
    """
    return public_suffix(host) == host
