"""Configured origin entries and request Origin values."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from crossorigin.core.errors import OriginError
from crossorigin.core.hosts import is_public_suffix
from crossorigin.core.origins import (
    AnyOrigin,
    ExactOrigin,
    HostPattern,
    OriginMatcher,
    PredicateOrigin,
    RegexOrigin,
    find_unescaped_dots,
    is_serialized_origin,
    matches_everything,
    parse_origin_entry,
    split_origin,
)


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("http://localhost:3000/", "http://localhost:3000"),
        ("HTTP://LocalHost:3000", "http://localhost:3000"),
        ("https://app.example.com:443", "https://app.example.com"),
        ("http://app.example.com:80", "http://app.example.com"),
        ("https://app.example.com:8443", "https://app.example.com:8443"),
        ("  https://a.com  ", "https://a.com"),
        ("http://127.0.0.1:5173", "http://127.0.0.1:5173"),
        ("http://[::1]:3000", "http://[::1]:3000"),
        ("http://[::1]", "http://[::1]"),
        ("chrome-extension://abcdef", "chrome-extension://abcdef"),
    ],
)
def test_exact_origins_are_normalised_to_what_browsers_send(entry: str, expected: str) -> None:
    assert parse_origin_entry(entry) == ExactOrigin(expected)


@pytest.mark.parametrize(
    ("entry", "error_id", "fix"),
    [
        ("example.com", "E101", "'https://example.com'"),
        ("localhost:3000", "E101", "write 'http://localhost:3000' (or 'https://localhost:3000')"),
        ("127.0.0.1:5000", "E101", "write 'http://127.0.0.1:5000' (or 'https://"),
        ("example.com:8443", "E101", "write 'https://example.com:8443' (or 'http://"),
        ("://a.com", "E101", "scheme"),
        ("1http://a.com", "E101", "scheme"),
        ("https://a.com/app", "E102", "'https://a.com'"),
        ("https://a.com/?q=1", "E102", "'https://a.com'"),
        ("https://a.com?q=1", "E102", "'https://a.com'"),
        ("https://a.com#top", "E102", "'https://a.com'"),
        ("https://user:pw@A.com", "E102", "'https://a.com'"),
        ("null", "E103", "real origins"),
        ("https://a.com, https://b.com", "E101", "origins=['https://a.com', 'https://b.com']"),
        ("NULL", "E103", "real origins"),
        (r"https://.*\.example\.com", "E104", r"re.compile(r'https://.*\.example\.com')"),
        (r"https://.*\.example\.com", "E104", "'https://*.example.com'"),
        (r"^https://a\.com$", "E104", "re.compile("),
        (r"https://(.*\.)?example\.com", "E104", "'https://*.example.com'"),
        ("https://a.*.com", "E104", "re.compile("),
        ("https://*example.com", "E105", "whole leftmost labels"),
        ("https://app*.example.com", "E105", "whole leftmost labels"),
        ("https://app.*", "E104", "re.compile("),
        ("https://*.com", "E106", "public suffix"),
        ("https://*.co.uk", "E106", "public suffix"),
        ("https://*.github.io", "E106", "public suffix"),
        ("https://*.herokuapp.com", "E106", "public suffix"),
        ("https://*.trycloudflare.com", "E106", "public suffix"),
        ("https://*.a.run.app", "E106", "public suffix"),
        ("https://*.ondigitalocean.app", "E106", "public suffix"),
        ("https://*.replit.app", "E106", "public suffix"),
        ("https://*.uk.com", "E106", "public suffix"),
        ("https://bücher.de", "E101", "'https://xn--bcher-kva.de'"),
        ("https://a.com:99999", "E101", "port"),
        ("https://" + "\u00e9" * 70 + ".com", "E101", "xn--..."),
        (r"https://.*\.example\.(com|net)", "E104", "re.compile("),
        (r"http://localhost:\d+", "E104", "'http://localhost:*'"),
        (r"http://localhost:[0-9]+", "E104", "'http://localhost:*'"),
        (r"^http://localhost(:\d{4})?$", "E104", "'http://localhost:*'"),
        (r"http://127\.0\.0\.1:\d+", "E104", "'http://127.0.0.1:*'"),
        ("https://a.com:http", "E101", "port"),
        ("https://a..com", "E101", "host"),
        ("https://", "E101", "host"),
        ("https://[::1", "E101", "IPv6"),
        ("https://[::1]x", "E101", "IPv6"),
        (42, "E108", "string"),
        (b"https://a.com", "E108", "string"),
        (re.compile(rb"https://a\.com"), "E108", "str patterns"),
        (re.compile(r"https://api.example.com"), "E107", r"r'https://api\.example\.com'"),
        ("https://it's.com", "E101", "host"),
    ],
)
def test_bad_entries_are_refused_with_the_fix(entry: object, error_id: str, fix: str) -> None:
    with pytest.raises(OriginError) as info:
        parse_origin_entry(entry)
    assert info.value.id == error_id
    assert fix in str(info.value)
    assert isinstance(info.value, ValueError)


def test_patterns_and_special_entries() -> None:
    assert parse_origin_entry("*") == AnyOrigin()
    assert parse_origin_entry("https://*.example.com") == HostPattern(
        "https", "example.com", True, False, None
    )
    assert parse_origin_entry("http://localhost:*") == HostPattern(
        "http", "localhost", False, True, None
    )
    assert parse_origin_entry("https://*.example.com:443") == HostPattern(
        "https", "example.com", True, False, None
    )
    assert parse_origin_entry("http://*.localhost:*") == HostPattern(
        "http", "localhost", True, True, None
    )
    regex = re.compile(r"https://[a-z]+\.example\.com")
    assert parse_origin_entry(regex) == RegexOrigin(regex)

    def allow(origin: str) -> bool:
        return origin == "https://db.example"

    assert parse_origin_entry(allow) == PredicateOrigin(allow)


def test_raw_literal_falls_back_to_repr() -> None:
    from crossorigin.core.origins import raw_literal

    assert raw_literal(r"a\.b") == r"r'a\.b'"
    assert raw_literal("it's") == '"it\'s"'
    assert raw_literal("a\\") == repr("a\\")


@pytest.mark.parametrize(
    ("host", "public"),
    [
        ("com", True),
        ("co.uk", True),
        ("com.au", True),
        ("github.io", True),
        ("io", True),
        ("uk.com", True),
        ("a.run.app", True),
        ("trycloudflare.com", True),
        ("ondigitalocean.app", True),
        ("localhost", False),
        ("app.localhost", False),
        ("127.0.0.1", False),
        ("[::1]", False),
        ("example.com", False),
        ("example.co.uk", False),
        ("bbc.uk", False),
        ("a.github.io", False),
    ],
)
def test_public_suffixes(host: str, public: bool) -> None:
    assert is_public_suffix(host) is public


def test_the_public_suffix_list_is_loaded_only_for_wildcard_and_regex_origins() -> None:
    script = """if True:
        import sys
        import crossorigin
        from crossorigin.core.policy import build_policy
        build_policy({"origins": ["https://a.example.com", "http://localhost:3000"],
                      "supports_credentials": True})
        assert "publicsuffixlist" not in sys.modules, "loaded for exact origins"
        build_policy({"origins": ["https://*.example.com"]})
        assert "publicsuffixlist" in sys.modules, "not loaded for a wildcard"
    """
    subprocess.run([sys.executable, "-c", script], check=True)


@pytest.mark.parametrize(
    ("pattern", "dots"),
    [
        (r"https://api.example.com", {11, 19}),
        (r"https://.*\.example\.com", set()),
        (r"https://[a-z.]+\.example\.com", set()),
        (r"https://[]a.]+\.x\.com", set()),
        (r"https://a\.b.?c", set()),
        (r"https://a.{2}", set()),
        (r"https://a.+", set()),
    ],
)
def test_unescaped_dots_are_found(pattern: str, dots: set[int]) -> None:
    assert find_unescaped_dots(pattern) == dots


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("http://localhost:3000", True),
        ("https://a.example.com", True),
        ("http://127.0.0.1:5000", True),
        ("http://[::1]:8080", True),
        ("http://[2001:db8::1]", True),
        ("https://xn--bcher-kva.de", True),
        ("http://my_host:1", True),
        ("http://a.com:0", True),
        ("http://a.com:65535", True),
        ("http://a.com:65536", False),
        ("http://a.com:99999", False),
        ("http://a.com:080", False),
        ("http://a.com:", False),
        ("null", False),
        ("", False),
        ("HTTP://a.com", False),
        ("http://A.com", False),
        ("http://a.com/", False),
        ("http://a.com/path", False),
        ("http://a.com\r\nX-Injected: 1", False),
        ("http://a.com\x00", False),
        ("http://a.com, http://b.com", False),
        ("http://a.com http://b.com", False),
        ("http://user@a.com", False),
        ("http://bücher.de", False),
        ("http://a%2ecom", False),
        ("http://[::G]", False),
        ("//a.com", False),
        ("a.com", False),
        ("http://" + "a" * 300 + ".com", False),
        ("http://" + "a" * 10_000, False),
    ],
)
def test_request_origins_follow_the_fetch_grammar(value: str, valid: bool) -> None:
    assert is_serialized_origin(value) is valid


@pytest.mark.parametrize(
    ("origin", "parts"),
    [
        ("http://a.com", ("http", "a.com", None)),
        ("http://a.com:8080", ("http", "a.com", 8080)),
        ("http://[::1]", ("http", "[::1]", None)),
        ("http://[::1]:3000", ("http", "[::1]", 3000)),
    ],
)
def test_split_origin(origin: str, parts: tuple[str, str, int | None]) -> None:
    assert split_origin(origin) == parts


def _matcher(*entries: object) -> OriginMatcher:
    return OriginMatcher(parse_origin_entry(e) for e in entries)


@pytest.mark.parametrize(
    ("entries", "origin", "allowed"),
    [
        (["https://*.example.com"], "https://a.example.com", True),
        (["https://*.example.com"], "https://a.b.example.com", True),
        (["https://*.example.com"], "https://example.com", False),
        (["https://*.example.com"], "https://evil-example.com", False),
        (["https://*.example.com"], "https://example.com.evil.net", False),
        (["https://*.example.com"], "http://a.example.com", False),
        (["https://*.example.com"], "https://a.example.com:8443", False),
        (["https://*.example.com"], "https://a.example.com:443", True),
        (["https://*.example.com:8443"], "https://a.example.com:8443", True),
        (["https://*.example.com:8443"], "https://a.example.com", False),
        (["https://*.example.com:8443", "https://*.example.com"], "https://a.example.com", True),
        (["https://*.example.com", "https://*.example.com:*"], "https://a.example.com:1", True),
        (["https://*.example.com:*", "https://*.example.com"], "https://a.example.com:1", True),
        (["http://localhost:*"], "http://localhost:3000", True),
        (["http://localhost:*"], "http://localhost", True),
        (["http://localhost:*"], "https://localhost:3000", False),
        (["http://localhost:*"], "http://a.localhost:3000", False),
        (["http://localhost:3000"], "http://localhost:3000", True),
        (["http://localhost:3000"], "http://localhost:3001", False),
        ([re.compile(r"https://[a-z]+\.example\.com")], "https://abc.example.com", True),
        ([re.compile(r"https://[a-z]+\.example\.com")], "https://abc.example.com.evil", False),
        ([re.compile(r"https://.*\.example\.com")], "https://x.example.com.evil.net", False),
        ([lambda o: o.endswith(".tenant.test")], "https://a.tenant.test", True),
        ([lambda o: False], "https://a.tenant.test", False),
    ],
)
def test_matching(entries: list[object], origin: str, allowed: bool) -> None:
    assert _matcher(*entries).matches(origin) is allowed


LABEL_63 = "a" * 63
LABEL_64 = "a" * 64


def _name(length: int) -> str:
    """A host name under example.com of exactly ``length`` characters, labels under 64."""
    middle = ".".join(["b" * 60] * 3)
    return "b" * (length - len(middle) - len(".example.com") - 1) + f".{middle}.example.com"


NAME_253, NAME_254 = _name(253), _name(254)
LABELS = re.compile(r"https://([a-z0-9]+\.)*example\.com")


@pytest.mark.parametrize(
    ("entries", "origin", "allowed"),
    [
        (["https://*.example.com"], f"https://{LABEL_63}.example.com", True),
        (["https://*.example.com"], f"https://{LABEL_64}.example.com", False),
        (["https://*.example.com"], f"https://x.{LABEL_64}.example.com", False),
        (["https://*.example.com"], f"https://{NAME_253}", True),
        (["https://*.example.com"], f"https://{NAME_254}", False),
        ([LABELS], f"https://{LABEL_63}.example.com", True),
        ([LABELS], f"https://{LABEL_64}.example.com", False),
        ([LABELS], f"https://{NAME_254}", False),
        ([re.compile(r"https://[a-z]+\.example\.com:\d+")], f"https://{LABEL_64}.example.com:1",
         False),
        # An exact entry is matched as written; a callable still decides for itself.
        ([f"https://{LABEL_64}.example.com"], f"https://{LABEL_64}.example.com", True),
        (["https://*.example.com", lambda o: True], f"https://{LABEL_64}.example.com", True),
    ],
)  # fmt: skip
def test_patterns_never_grant_a_host_over_the_dns_length_limits(
    entries: list[object], origin: str, allowed: bool
) -> None:
    assert is_serialized_origin(origin)
    assert _matcher(*entries).matches(origin) is allowed


def test_a_failing_callable_refuses_and_logs(caplog: pytest.LogCaptureFixture) -> None:
    def lookup(origin: str) -> bool:
        raise RuntimeError("database down")

    matcher = _matcher(lookup, lambda o: o == "https://b.test")
    with caplog.at_level("ERROR", logger="crossorigin"):
        assert matcher.matches("https://a.test") is False
        assert matcher.matches("https://b.test") is True
    assert "database down" in caplog.text


def test_matcher_facts() -> None:
    exact = _matcher("https://a.com", "https://b.com")
    assert exact.exact == frozenset({"https://a.com", "https://b.com"})
    assert exact.is_exact("https://a.com")
    assert not exact.dynamic
    assert not exact.any
    assert _matcher("https://*.a.com").dynamic
    assert _matcher("*").any


def test_catch_all_patterns_are_recognised() -> None:
    assert matches_everything(AnyOrigin())
    assert matches_everything(RegexOrigin(re.compile(".*")))
    assert matches_everything(RegexOrigin(re.compile(r"https?://.*")))
    assert not matches_everything(RegexOrigin(re.compile(r"https://.*\.example\.com")))
    assert not matches_everything(ExactOrigin("https://a.com"))


def test_spec_text_writes_entries_back() -> None:
    from crossorigin.core.origins import spec_text

    def allow(origin: str) -> bool:
        return True

    for entry in [
        "https://a.com",
        "https://*.a.com",
        "http://localhost:*",
        "https://*.a.com:8443",
        "*",
    ]:
        assert spec_text(parse_origin_entry(entry)) == entry
    assert spec_text(parse_origin_entry(re.compile(r"https://a\.com"))) == (
        "re.compile('https://a\\\\.com')"
    )
    assert spec_text(parse_origin_entry(allow)).endswith("allow")


@pytest.mark.parametrize(
    ("pattern", "admits", "fix"),
    [
        (r"https://app\.example\.com.*", "https://app.example.com.crossorigin-probe.example",
         r"re.compile(r'https://app\.example\.com')"),
        (r"https://app\.example\.com.+?$", "https://app.example.coma.crossorigin-probe.example",
         r"re.compile(r'https://app\.example\.com')"),
        (r"https://app\.example\.com[^/]*", "https://app.example.com.crossorigin-probe.example",
         r"re.compile(r'https://app\.example\.com')"),
        (r"https://app\.example\.com\S+\Z", "https://app.example.coma.crossorigin-probe.example",
         r"re.compile(r'https://app\.example\.com')"),
        (r"https://a\.example\.com|https://b\.example\.com.*",
         "https://b.example.com.crossorigin-probe.example", "end it at the host"),
        (r"https://app\.example\.com(\.[a-z]+)*", "https://app.example.com.evil",
         "end it at the host"),
        (r"https://app\.example\.com[\w.]*", "https://app.example.com.evil",
         "end it at the host"),
        (r"https://app\.example\.com(\.[0-9]+)?", "https://app.example.com.0123",
         "end it at the host"),
        (r"https://app\.example\.com(\.[a-z]+)?:\d+", "https://app.example.com.evil:0",
         "end it at the host"),
    ],
)  # fmt: skip
def test_regex_that_lets_the_origin_go_on_past_the_host_is_refused(
    pattern: str, admits: str, fix: str
) -> None:
    with pytest.raises(OriginError) as info:
        parse_origin_entry(re.compile(pattern))
    assert info.value.id == "E109"
    assert re.compile(pattern).fullmatch(admits), "the probe shown really is admitted"
    assert repr(admits) in str(info.value)
    assert fix in str(info.value)


@pytest.mark.parametrize(
    "pattern",
    [
        r"https://.*\.example\.com",
        r"https://(www\.)?example\.com(:\d+)?",
        r"https?://localhost:\d+",
        r"https://[^.]+\.example\.com",
        r"https://[a-z0-9-]{1,63}\.example\.com",
        r"https://(?P<t>[a-z]+)\.example\.com",
        r"https://(?=app)[a-z]+\.example\.com",
        r"https://(?!admin)[a-z]+\.example\.com",
        r"^https://app\.example\.com$",
        r"https://[\D][\W]?[\s]?[\d]+\.example\.com",
        r"https://[^a]\.example\.com",
        r"https://app\.example\.com/?",
        r"(?i)https://APP\.example\.com",
        r"https://\x61pp\.example\.com",
        r"https://a[^a]?\.example\.com",
        r"https://a*?b\.example\.com",
        # Only letters, digits and "_" may follow: no registrable host can be built.
        r"https://(?:[a-z]+\.)?example\.com\w*",
    ],
)
def test_regexes_that_end_at_the_host_are_accepted(pattern: str) -> None:
    assert parse_origin_entry(re.compile(pattern)) == RegexOrigin(re.compile(pattern))


def test_regex_samples_match_and_refuse_what_they_cannot_build() -> None:
    from crossorigin.core.origin_regex import UnsampledRegex, host_extension, regex_samples

    for pattern in (r"https://(a|bb)\.example\.com", r"https://[^a-z0-9\-.:/_A~ ]\.test"):
        compiled = re.compile(pattern)
        assert all(compiled.fullmatch(s) for s in regex_samples(compiled))
    assert regex_samples(re.compile(r"https://(a|bb)x\.example\.com")) == [
        "https://ax.example.com",
        "https://bbx.example.com",
    ]
    # A class gives a letter and a digit; a repeat the fewest iterations, one and two more.
    assert regex_samples(re.compile(r"https://[a-z0-9]+\.example\.com")) == [
        "https://a.example.com",
        "https://0.example.com",
        "https://aa.example.com",
        "https://00.example.com",
        "https://aaa.example.com",
        "https://000.example.com",
    ]
    assert regex_samples(re.compile(r"x[^a]")) == ["xb", "x0"]
    assert regex_samples(re.compile(r"(?i)https://[A-Z]\.example\.com")) == [
        "https://a.example.com"
    ]
    # No origin can hold a character outside this class: nothing to sample, nothing admitted.
    assert regex_samples(re.compile(r"https://[^a-z0-9\-.:/_A~\[\]+ ]\.test")) == []
    # A back-reference or a conditional group cannot be sampled: that is said, never hidden.
    for pattern in (r"https://(a)\1\.example\.com.*", r"https://(a)?(?(1)b|c)\.example\.com"):
        with pytest.raises(UnsampledRegex):
            regex_samples(re.compile(pattern))
        with pytest.raises(UnsampledRegex):
            host_extension(re.compile(pattern))
        # Without credentials it is accepted; with credentials it is E110 (test_policy.py).
        assert parse_origin_entry(re.compile(pattern)) == RegexOrigin(re.compile(pattern))
    # A catch-all is left to the any-origin rules (E301 with credentials), not E109.
    assert parse_origin_entry(re.compile(".*")) == RegexOrigin(re.compile(".*"))


def test_a_regex_sample_is_at_most_64_strings() -> None:
    from crossorigin.core.origin_regex import regex_samples

    pattern = re.compile(r"https://" + r"[a-z0-9]?" * 100 + r"\.example\.com")
    samples = regex_samples(pattern)
    assert 0 < len(samples) <= 64
    # Strings longer than any request origin are not built, however many repeats are asked.
    assert regex_samples(re.compile(r"https://(a{300}){100000}\.com")) == []
    assert regex_samples(re.compile(r"https://(aaaa|b){80}\.com"))[0] == f"https://{'b' * 80}.com"
