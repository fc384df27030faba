"""Host facts: loopback, and IP addresses as browsers write them."""

from __future__ import annotations

import ipaddress

import pytest

from crossorigin.core.hosts import browser_ip_host, is_ip_literal, is_loopback_host, whatwg_ipv6


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("localhost", True),
        ("app.localhost", True),
        ("127.0.0.1", True),
        ("127.255.0.9", True),
        ("[::1]", True),
        ("[0:0:0:0:0:0:0:1]", True),  # any spelling of ::1
        ("[::2]", False),
        ("128.0.0.1", False),
        ("127.0.0.1.example.com", False),
        ("localhost.example.com", False),
        ("example.com", False),
        ("127.999.0.1", False),
    ],
)
def test_loopback_hosts(host: str, loopback: bool) -> None:
    assert is_loopback_host(host) is loopback


@pytest.mark.parametrize(
    ("host", "written"),
    [
        ("example.com", None),
        ("app.example.com", None),
        ("127.0.0.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("0x7f.0.0.1", "127.0.0.1"),
        ("0X7F.1", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("1.2.65535", "1.2.255.255"),
        ("0x", "0.0.0.0"),
        ("[::1]", "[::1]"),
        ("[0:0:0:0:0:0:0:1]", "[::1]"),
        ("[::ffff:127.0.0.1]", "[::ffff:7f00:1]"),
        ("[2001:db8:0:0:1:0:0:1]", "[2001:db8::1:0:0:1]"),
    ],
)
def test_ip_addresses_are_written_as_browsers_write_them(host: str, written: str | None) -> None:
    assert browser_ip_host(host) == written
    assert is_ip_literal(host) is (written is not None)


@pytest.mark.parametrize(
    "host",
    ["1.2.3.4.5", "256.1.1.1", "app.123", "08.1.1.1", "1.2.65536", "4294967296", "-1.0.0.1",
     "1_0.0.0.1", "a.0x1g.1", "[::1::2]", "[example]"],
)  # fmt: skip
def test_hosts_browsers_read_as_addresses_but_cannot_parse(host: str) -> None:
    with pytest.raises(ValueError, match=r"not a valid IPv4 address|not an IPv6 address"):
        browser_ip_host(host)


@pytest.mark.parametrize(
    ("address", "written"),
    [
        ("::ffff:127.0.0.1", "::ffff:7f00:1"),
        ("::1", "::1"),
        ("::", "::"),
        ("1:0:0:1:0:0:0:1", "1:0:0:1::1"),
        ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"),
        ("0:0:1:0:0:0:0:0", "0:0:1::"),
        ("1:0:2:3:4:5:6:7", "1:0:2:3:4:5:6:7"),
    ],
)
def test_ipv6_is_written_as_the_url_standard_writes_it_on_every_python(
    address: str, written: str
) -> None:
    """Never the dotted form Python 3.13's ipaddress gives IPv4-mapped addresses."""
    assert whatwg_ipv6(ipaddress.IPv6Address(address)) == written
