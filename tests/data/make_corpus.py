"""Generate the hostile-input corpus used by tests/hardening/test_corpus.py.

Writes three files next to this script, one value per line, each line a JSON string
(so CR, LF, NUL and other control characters survive a text file and a diff):

- ``hostile_origins.txt``: values for the ``Origin`` request header;
- ``hostile_methods.txt``: values for the request method and for
  ``Access-Control-Request-Method``;
- ``hostile_request_headers.txt``: values for ``Access-Control-Request-Headers``.

The output is deterministic (no randomness), so ``python tests/data/make_corpus.py
--check`` can tell whether the committed files are current. Values are kept as
WSGI sees them: text in which each character stands for one byte (latin-1), plus
some characters above U+00FF that only a non-conforming server would hand over.

Run from the repository root::

    .venv/bin/python tests/data/make_corpus.py          # (re)write the files
    .venv/bin/python tests/data/make_corpus.py --check  # exit 1 if they are stale
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path

HERE = Path(__file__).resolve().parent

#: Origins the corpus policies allow; mutations of them are the interesting cases.
BASES = (
    "https://app.example.com",
    "http://localhost:3000",
    "https://api.example.org",
    "http://127.0.0.1:8080",
    "http://[::1]:5000",
    "https://x.example.com",
)

CONTROLS = [chr(c) for c in range(0x20)] + ["\x7f"]
KB8 = 8192


def _unique(values: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for value in values:
        seen.setdefault(value, None)
    return list(seen)


def _mutations(origin: str) -> list[str]:
    """Ways a hostile client or a broken proxy bends one origin."""
    scheme, _, hostport = origin.partition("://")
    host = hostport.rsplit(":", 1)[0] if not hostport.endswith("]") else hostport
    if hostport.startswith("[") and "]:" in hostport:
        host = hostport.split("]:", 1)[0] + "]"
    out = [
        origin.upper(),
        origin.title(),
        scheme.upper() + "://" + hostport,
        origin + "/",
        origin + "//",
        origin + "/path",
        origin + "?q=1",
        origin + "#frag",
        origin + ".",
        origin + ".evil.net",
        origin + ".evil.net:443",
        origin + "evil.com",
        origin + "_.evil.net",
        origin + "`.evil.net",
        origin + "%60.evil.net",
        origin + "@evil.com",
        origin + ":",
        origin + ":443",
        origin + ":80",
        origin + ":0",
        origin + ":65536",
        origin + ":99999",
        origin + ":-1",
        origin + ":00443",
        " " + origin,
        origin + " ",
        "\t" + origin,
        origin + "\t",
        origin + ", https://evil.com",
        origin + ",https://evil.com",
        "https://evil.com, " + origin,
        origin + ", " + origin,
        origin + " " + origin,
        origin + "," * 1024,
        origin + "\r\nX-Injected: 1",
        origin + "\r\n\r\n<script>alert(1)</script>",
        origin + "\rContent-Type: text/html; charset=UTF-7",
        origin + "\nSet-Cookie: a=b",
        origin + "\x00",
        origin + "\x00.evil.net",
        "\x00" + origin,
        origin + "\x1b[31mred\x1b[0m",
        origin + "\u2028",
        origin + "\u202e",
        origin + "\u200b",
        "\ufeff" + origin,
        origin.replace(".", "%2e"),
        origin.replace(".", "\u3002"),  # ideographic full stop
        origin.replace(".", "X"),  # the unescaped-dot regex bait
        origin.replace("://", ":/"),
        origin.replace("://", ":///"),
        origin.replace("://", "://user@"),
        origin.replace("://", "://user:pass@"),
        origin.replace("://", "://evil.com@"),
        origin.replace("://", "://evil.com#@"),
        origin.replace("://", "%3A%2F%2F"),
        scheme + "://evil-" + hostport,
        scheme + "://evil" + hostport,
        scheme + "://" + hostport.replace(host, host + "\\@evil.com", 1),
        "//" + hostport,
        hostport,
        ("http" if scheme == "https" else "https") + "://" + hostport,
        "ws://" + hostport,
        "file://" + hostport,
    ]
    for char in CONTROLS:
        out.append(origin + char)
        out.append(scheme + "://" + char + hostport)
        out.append(origin[: len(origin) // 2] + char + origin[len(origin) // 2 :])
    return out


def hostile_origins() -> list[str]:
    values: list[str] = []
    for base in BASES:
        values += _mutations(base)
    values += [
        # empty, blank and null-ish
        "",
        " ",
        "\t",
        "\r\n",
        "null",
        "NULL",
        "Null",
        " null",
        "null ",
        "null\x00",
        "null, null",
        "nul",
        "undefined",
        "*",
        "'*'",
        "https://*",
        "https://*.example.com",
        # not a serialized origin at all
        "https://",
        "https://:443",
        "https:",
        "https",
        "://app.example.com",
        "data:",
        "data:text/html,<script>alert(1)</script>",
        "javascript:alert(1)",
        "about:blank",
        "file://",
        "file:///etc/passwd",
        "chrome-extension://abcdefghijklmnop",
        "moz-extension://1234",
        "blob:https://app.example.com/uuid",
        # non-ASCII, punycode and homoglyphs (and their latin-1 mojibake)
        "https://exämple.com",
        "https://exÃ¤mple.com",
        "https://xn--exmple-cua.com",
        "https://XN--EXMPLE-CUA.COM",
        "https://\u0430pp.example.com",  # Cyrillic a
        "https://\uff41\uff50\uff50.example.com",  # fullwidth
        "https://app.example.com\u0307",
        "https://app.ex\u00adample.com",  # soft hyphen
        "https://\u0430\u0440\u0440.example.com",
        "https://app.example.co\u1d0d",
        "https://😀.example.com",
        "https://app.example.com" + "é" * 100,
        # IPv6 and IPv4 forms
        "http://[::1]",
        "http://[::1]:8080",
        "http://[0:0:0:0:0:0:0:1]",
        "http://[::FFFF:127.0.0.1]",
        "http://[::ffff:7f00:1]",
        "http://[::1",
        "http://::1",
        "http://[::1]]",
        "http://[]",
        "http://[fe80::1%25eth0]",
        "http://[fe80::1%eth0]",
        "http://[::1]:65536",
        "http://[::1]x",
        "http://[g::1]",
        "http://2130706433",
        "http://0x7f.0.0.1",
        "http://0177.0.0.1",
        "http://127.1",
        "http://127.0.0.1.",
        "http://127.000.000.001",
        "http://localhost:3000:3000",
        "http://localhost::3000",
        "http://localhost:\uff13\uff10\uff10\uff10",
        "http://localhost:+3000",
        "http://localhost: 3000",
        "http://localhost:30 00",
        "http://localhost:0x0bb8",
        "http://localhost:3000e0",
        "http://localhost:" + "9" * 100,
        "http://localhost:" + "0" * 300 + "3000",
        # overlong values (8 kB and around the 300-character cap)
        "https://" + "a" * KB8 + ".com",
        "https://" + "a." * (KB8 // 2) + "com",
        "https://app.example.com" + " " * KB8,
        "https://app.example.com" + "/" * KB8,
        "https://app.example.com" + "\r\n" * (KB8 // 2),
        "https://app.example.com" + "\x00" * KB8,
        "é" * KB8,
        "\x1b" * KB8,
        "https://" + "a" * 280 + ".com",
        "https://" + "a" * 292 + ".com",
        "https://" + "a" * 293 + ".com",
        "https://" + "a" * 300 + ".com",
        "https://" + ".".join(["a" * 63] * 4) + ".com",
        # comma-joined lists and the 1,024-comma case (rs/cors adversarial input)
        "," * 1024,
        ", " * 1024,
        "https://app.example.com" + ",https://evil.com" * 200,
        ",".join(BASES),
        ", ".join(BASES),
        " ,".join(BASES),
        # regular-expression bait: catastrophic shapes and metacharacters
        "https://" + "a" * 50 + "!",
        "https://" + "a-" * 120 + ".com",
        "https://" + "a." * 140 + "!",
        "https://(a+)+.example.com",
        "https://app.example.com$",
        "^https://app.example.com",
        "https://app.example.com|https://evil.com",
        "https://.*",
        "https://app\\.example\\.com",
        # PortSwigger "broken parser" payloads
        "https://app.example.com.attacker.com",
        "https://app.example.computer",
        "foo@evil-host:80@app.example.com",
        "https://evil-host%09app.example.com",
        "https://app.example.com%09.evil.net",
        "https://app.example.com\t.evil.net",
        "https://evil.com\\app.example.com",
        "https://evil.com/app.example.com",
        "https://evil.com?app.example.com",
        "https://evil.com#app.example.com",
    ]
    return _unique(values)


def hostile_methods() -> list[str]:
    base = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD", "PROPFIND"]
    values: list[str] = []
    for method in base:
        values += [
            method.lower(),
            method.title(),
            " " + method,
            method + " ",
            method + "\r\n",
            method + "\r\nX-Injected: 1",
            method + "\x00",
            method + "\x1b[2J",
            method + ",",
            method + ", DELETE",
            method + ",DELETE",
            method[:1] + " " + method[1:],
            method + "/",
            method + ";",
            method + "é",
            method + "\u0130",
            "\ufeff" + method,
        ]
        for char in CONTROLS:
            values.append(method + char)
    values += [
        "",
        " ",
        ",",
        "," * 1024,
        ", " * 1024,
        "*",
        "**",
        "CONNECT",
        "connect",
        "TRACE",
        "trace",
        "TRACK",
        "Track",
        "GËT",
        "\uff27\uff25\uff34",
        "M-SEARCH",
        "!#$%&'*+-.^_`|~",
        "X" * 64,
        "X" * 65,
        "X" * 1000,
        "A" * KB8,
        "a" * KB8,
        "\x00" * KB8,
        "GET" + "\r\n" * 100,
        "G\x00ET",
        "GET\tPOST",
        '"GET"',
        "'GET'",
        "GET POST",
        "get,post,put,patch,delete",
        "😀",
        "po\u017ft",  # LATIN SMALL LETTER LONG S: upper() gives "POST"
        "opt\u0131ons",  # LATIN SMALL LETTER DOTLESS I: upper() gives "OPTIONS"
        "\u0261et",
    ]
    return _unique(values)


def hostile_request_headers() -> list[str]:
    names = ["x-a", "authorization", "content-type", "x-custom"]
    values: list[str] = []
    for name in names:
        values += [
            name.upper(),
            name.title(),
            " " + name,
            name + " ",
            "\t" + name + "\t",
            name + ",",
            "," + name,
            name + ",," + name,
            name + ", " + name,
            name + "," * 1024,
            "," * 1024 + name,
            name + "\r\n",
            name + "\r\nX-Injected: 1",
            name + "\x00",
            name + "\x1b[31m",
            name + ":",
            name + ": 1",
            name + ";",
            name + "=",
            name + "/",
            name + "é",
            name + "\u2028",
            '"' + name + '"',
            name + " " + name,
            name.replace("-", " "),
            name + "*",
            "*",
        ]
        for char in CONTROLS:
            values.append(name + char)
            values.append(char + name)
    values += [
        "",
        " ",
        "\t",
        ",",
        "," * 1024,
        ", " * 1024,
        " ," * 1024,
        ",".join(["x-a"] * 1024),
        ",".join(f"x-h{i}" for i in range(1000)),
        ", ".join(f"X-H{i}" for i in range(600)),
        "x-" + "a" * (KB8 - 2),
        "x-" + "a" * (KB8 - 1),
        "x-" + "a" * KB8,
        "x-a," + "x" * KB8,
        "é" * KB8,
        "\x00" * KB8,
        "\r\n" * (KB8 // 2),
        "x-a,x-b,authorization,content-type",
        "X-A,X-B,AUTHORIZATION,CONTENT-TYPE",
        "cookie",
        "set-cookie",
        "origin",
        "access-control-allow-origin",
        "!#$%&'*+-.^_`|~",
        "x-a\tx-b",
        "x-a x-b",
        "x-a;x-b",
        "x-😀",
        "\uff58-a",
    ]
    return _unique(values)


FILES = {
    "hostile_origins.txt": hostile_origins,
    "hostile_methods.txt": hostile_methods,
    "hostile_request_headers.txt": hostile_request_headers,
}


def render(values: list[str]) -> str:
    return "".join(json.dumps(value) + "\n" for value in values)


def load(name: str) -> list[str]:
    """Read one corpus file back (used by the tests)."""
    text = (HERE / name).read_text(encoding="ascii")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for name, make in FILES.items():
        content = render(make())
        path = HERE / name
        if check:
            if not path.exists() or path.read_text(encoding="ascii") != content:
                stale.append(name)
        else:
            path.write_text(content, encoding="ascii")
            print(f"{path.relative_to(HERE.parent.parent)}: {content.count(chr(10))} values")
    if stale:
        print("stale: " + ", ".join(stale) + "; run tests/data/make_corpus.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
