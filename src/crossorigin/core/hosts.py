"""Host facts: loopback hosts, IP literals, DNS length limits and public suffixes.

Public suffixes come from the Public Suffix List (ICANN and private sections) as
shipped by the ``publicsuffixlist`` package. It is imported and parsed on first
use only, which is when a subdomain wildcard or a regex origin is checked: a
configuration of exact origins never loads it.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from publicsuffixlist import PublicSuffixList

#: RFC 1035: at most 63 octets per label and 253 for the whole name (no final dot).
MAX_LABEL_LENGTH = 63
MAX_NAME_LENGTH = 253


def is_loopback_host(host: str) -> bool:
    """localhost, *.localhost, 127.0.0.0/8 and [::1]: traffic that never leaves the machine."""
    if host == "localhost" or host.endswith(".localhost") or host == "[::1]":
        return True
    parts = host.split(".")
    return len(parts) == 4 and parts[0] == "127" and all(p.isdigit() for p in parts)


def is_ip_literal(host: str) -> bool:
    """A bracketed IPv6 address or a host whose last label is numeric (an IPv4 address)."""
    return host.startswith("[") or host.rpartition(".")[2].isdigit()


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
