"""``flask cors routes|check|explain``: the app's CORS policies, listed, checked and explained.

Flask loads this group as a CLI plugin (the ``flask.commands`` entry point ``cors``), so
``flask --app X cors ...`` works in any project that installs crossorigin. The app is
loaded by each command, not by the group, so ``flask cors check`` can report a
configuration error raised while the app is created instead of dying with a traceback.

The commands and their tables only: where a policy comes from and the in-process run
of ``explain`` are :mod:`crossorigin.flask_ext.inspect`, shared with
:mod:`crossorigin.testing`.
"""

from __future__ import annotations

import ipaddress
import json
import re
import sys
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, Literal, cast

import click
from flask import Flask, current_app
from flask.cli import ScriptInfo

from ..core.errors import ConfigError
from ..core.origin_regex import UnsampledRegex, regex_holes
from ..core.origins import (
    AnyOrigin,
    ExactOrigin,
    HostPattern,
    OriginSpec,
    RegexOrigin,
    catch_all_example,
    parse_origin_entry,
    split_origin,
)
from ..core.policy import Policy
from ..probe import DoctorError, build_request, render_text, to_json, use_color
from .extension import PolicySource, collecting_config_errors
from .inspect import (
    base_url,
    errors_as_responses,
    explain_request,
    governing_policy,
    policy_sources,
    route_rows,
    sample_path,
)

__all__ = ["Finding", "check_app", "check_policy", "cors", "format_findings", "format_table"]

#: Chromium's cap on Access-Control-Max-Age; larger values buy nothing in Chrome.
MAX_AGE_CAP = 7200


# --- flask cors routes --------------------------------------------------------------------

ROUTE_COLUMNS = (
    "Endpoint",
    "Methods",
    "Rule",
    "Origins",
    "Allow-Methods",
    "Allow-Headers",
    "Credentials",
    "Max-Age",
    "Source",
)
SORTS = ("endpoint", "methods", "rule", "match", "origins", "source")


def format_table(headers: list[str], rows: list[list[str]]) -> list[str]:
    """``flask routes`` layout: computed widths, a dashed rule under the header."""
    table = [headers, *rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(headers))]
    table.insert(1, ["-" * w for w in widths])
    return [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in table
    ]


# --- flask cors check ---------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Finding:
    """One problem ``flask cors check`` reports; errors sort before warnings."""

    level: Literal["error", "warning"]
    code: str
    where: str
    message: str


#: Schemes no browser ever sends in an Origin header, with why.
NEVER_SENT_SCHEMES = {
    "file": "file: pages send Origin: null",
    "data": "data: documents send Origin: null",
    "about": "about: documents send Origin: null or their creator's origin",
    "blob": "blob: URLs send their creator's origin",
    "javascript": "javascript: URLs run with the page's origin",
    "ws": "WebSocket handshakes carry the page's http(s) origin",
    "wss": "WebSocket handshakes carry the page's http(s) origin",
    "ftp": "browsers no longer load ftp: pages",
}


def is_loopback(host: str) -> bool:
    """localhost, *.localhost, 127.0.0.0/8 and [::1]: http there is fine with credentials."""
    host = host.strip("[]")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _whatwg_ipv4(host: str) -> str | None:
    """The WHATWG URL parser's IPv4 reading (``127.1``, ``0x7f.0.0.1``), or None."""
    numbers: list[int] = []
    parts = host.split(".")
    if len(parts) > 4:
        return None
    for part in parts:
        base, digits = 10, part
        if part[:2].lower() == "0x":
            base, digits = 16, part[2:]
        elif len(part) > 1 and part.startswith("0"):
            base, digits = 8, part[1:]
        try:
            numbers.append(int(digits, base) if digits else 0)
        except ValueError:
            return None
    if any(n > 255 for n in numbers[:-1]) or numbers[-1] >= 256 ** (5 - len(numbers)):
        return None
    value = numbers[-1] + sum(n * 256 ** (3 - i) for i, n in enumerate(numbers[:-1]))
    return str(ipaddress.IPv4Address(value))


def _host_never_sent(host: str) -> str | None:
    """Why no browser sends this host as written (it normalises IP addresses), or None."""
    if host.startswith("["):
        try:
            canonical = f"[{ipaddress.IPv6Address(host[1:-1]).compressed}]"
        except ValueError:
            return "it is not an IPv6 address"
        return None if canonical == host else f"browsers write this address as {canonical}"
    last = host.rpartition(".")[2]
    if not (
        last.isdigit() or (last[:2] == "0x" and all(c in "0123456789abcdef" for c in last[2:]))
    ):
        return None  # a domain name
    canonical4 = _whatwg_ipv4(host)
    if canonical4 is None:
        return "it is not a valid IPv4 address, so no page can have it"
    return None if canonical4 == host else f"browsers write this address as {canonical4}"


def _regex_problems(spec: RegexOrigin, credentials: bool) -> list[tuple[str, str, str]]:
    """Heuristics for origin regexes: never-matching, insecure or look-alike matches."""
    found: list[tuple[str, str, str]] = []
    pattern = spec.pattern
    shown = f"re.compile({pattern.pattern!r})"
    if not pattern.flags & re.IGNORECASE:
        literal = re.sub(r"\\.|\[[^\]]*\]|\(\?P?<[^>]*>|\(\?[a-zA-Z]+[):]", "", pattern.pattern)
        upper = sorted({c for c in literal if c.isascii() and c.isupper()})
        if upper:
            found.append(
                (
                    "warning",
                    "origin-may-never-match",
                    f"origins entry {shown} has upper-case {''.join(upper)}, but browsers send "
                    "origins in lower case, so that part never matches; write it in lower case",
                )
            )
    if pattern.pattern.rstrip("$").endswith("/"):
        found.append(
            (
                "warning",
                "origin-may-never-match",
                f"origins entry {shown} ends with '/', but an Origin never has a path or a "
                "trailing slash, so it never matches; drop the slash",
            )
        )
    try:
        holes = regex_holes(pattern)
    except UnsampledRegex:
        holes = []  # refused at start-up with credentials (E110); nothing to show here
    lookalikes = [hole.origin for hole in holes if hole.kind != "insecure"]
    wide = catch_all_example(spec)
    if wide is not None:
        lookalikes.insert(0, wide)
    if lookalikes:
        found.append(
            (
                "warning",
                "broad-origin",
                f"origins entry {shown} also matches {lookalikes[0]}; anchor each host "
                r"label, e.g. re.compile(r'https://([a-z0-9-]+\.)*example\.com')",
            )
        )
    plain = [hole.origin for hole in holes if hole.kind == "insecure"]
    if credentials and plain:
        found.append(("warning", "insecure-origin", _insecure_message(shown, plain[0])))
    return found


def _insecure_message(entry: str, example: str) -> str:
    return (
        f"origins entry {entry} admits plain-http {example} with supports_credentials=True: "
        "anyone on the network path can serve a page there and read your users' data; "
        "use https (http is fine for localhost)"
    )


def _origin_problems(spec: OriginSpec, entry: Any, policy: Policy) -> list[tuple[str, str, str]]:
    shown = repr(entry)
    credentials = policy.credentials
    if isinstance(spec, RegexOrigin):
        return _regex_problems(spec, credentials)
    if isinstance(spec, AnyOrigin):
        if policy.allow_private_network:
            return [
                (
                    "warning",
                    "broad-origin",
                    "origins='*' with allow_private_network=True lets any website on the "
                    "internet reach this private-network service; list the origins instead",
                )
            ]
        return []
    if isinstance(spec, ExactOrigin):
        scheme, host, _ = split_origin(spec.origin)
        subdomains = any_port = False
    elif isinstance(spec, HostPattern):
        scheme, host = spec.scheme, spec.host
        subdomains, any_port = spec.subdomains, spec.any_port
    else:
        return []  # a callable: nothing to inspect
    found: list[tuple[str, str, str]] = []
    if scheme in NEVER_SENT_SCHEMES:
        found.append(
            (
                "error",
                "origin-never-matches",
                f"origins entry {shown} can never match: {NEVER_SENT_SCHEMES[scheme]}",
            )
        )
    elif not subdomains and (why := _host_never_sent(host)):
        found.append(
            ("error", "origin-never-matches", f"origins entry {shown} can never match: {why}")
        )
    if credentials and scheme == "http" and not is_loopback(host):
        found.append(("warning", "insecure-origin", _insecure_message(shown, f"http://{host}")))
    if credentials and subdomains and not is_loopback(host):
        found.append(
            (
                "warning",
                "broad-origin",
                f"origins entry {shown} with supports_credentials=True trusts every subdomain "
                f"of {host}, including forgotten, taken-over or XSS-prone ones, to read your "
                "users' data; list the subdomains you use",
            )
        )
    if credentials and any_port and not is_loopback(host):
        found.append(
            (
                "warning",
                "broad-origin",
                f"origins entry {shown} with supports_credentials=True trusts every service on "
                f"any port of {host}; list the ports you use",
            )
        )
    return found


def check_policy(policy: Policy) -> list[tuple[str, str, str]]:
    """``(level, code, message)`` for every risky or dead part of one valid policy."""
    found: list[tuple[str, str, str]] = []
    for entry in policy.options.get("origins", ()):
        found += _origin_problems(parse_origin_entry(entry), entry, policy)
    if policy.any_header and "authorization" not in policy.allow_headers:
        found.append(
            (
                "warning",
                "authorization-via-wildcard",
                "allow_headers='*' also admits Authorization (crossorigin echoes the requested "
                "names), although the Fetch standard keeps Authorization out of '*': list "
                "'Authorization' next to '*' if the API relies on it, or list only the "
                "headers you accept",
            )
        )
    if policy.max_age is not None and policy.max_age > MAX_AGE_CAP:
        found.append(
            (
                "warning",
                "max-age-above-cap",
                f"max_age={policy.max_age} is more than browsers honour (Chromium caps it at "
                f"{MAX_AGE_CAP}, Firefox at 86400, Safari at 600 seconds); use at most "
                f"{MAX_AGE_CAP}",
            )
        )
    unreadable = [h for h in policy.expose_headers if h.lower() in ("set-cookie", "set-cookie2")]
    if unreadable:
        found.append(
            (
                "warning",
                "expose-never-readable",
                f"expose_headers lists {', '.join(unreadable)}, which browsers never let a "
                "page read; remove it",
            )
        )
    return found


def _route_findings(app: Flask, sources: list[PolicySource]) -> list[Finding]:
    """Problems between routes and policies: methods refused, patterns covering nothing."""
    used = set()
    found: list[Finding] = []
    for rule in app.url_map.iter_rules():
        source = governing_policy(app, sample_path(rule), rule.endpoint)
        if source is None:
            continue
        used.add((source.kind, source.name, source.pattern))
        refused = sorted(
            m
            for m in (rule.methods or set()) - {"HEAD", "OPTIONS"}
            if not source.policy.allows_method(m)
        )
        if refused:
            found.append(
                Finding(
                    "warning",
                    "route-method-refused",
                    source.label,
                    f"route {rule.rule} ({rule.endpoint}) accepts {', '.join(refused)}, but its "
                    "CORS policy does not allow "
                    + ("it" if len(refused) == 1 else "them")
                    + ", so cross-origin pages are refused; add "
                    + ("it" if len(refused) == 1 else "them")
                    + " to methods= if pages should call it",
                )
            )
    found += [
        Finding(
            "warning",
            "resource-unused",
            source.label,
            f"resource pattern {source.pattern!r} covers no route"
            + (f" of blueprint {source.name}" if source.kind == "blueprint" else "")
            + " (other policies govern them, or the pattern has a typo)",
        )
        for source in sources
        if source.kind != "decorator" and (source.kind, source.name, source.pattern) not in used
    ]
    return found


def check_app(app: Flask) -> tuple[list[Finding], int]:
    """Every finding over all the app's policies (sorted), and the number of policies."""
    sources = policy_sources(app)
    grouped: dict[tuple[str, str, str], list[str]] = {}
    for source in sources:
        for level, code, message in check_policy(source.policy):
            grouped.setdefault((level, code, message), []).append(source.label)
    findings = [
        Finding(cast(Literal["error", "warning"], level), code, ", ".join(where), message)
        for (level, code, message), where in grouped.items()
    ]
    findings += _route_findings(app, sources)
    return sorted(findings), len(sources)


def format_findings(findings: list[Finding]) -> list[str]:
    """Two lines per finding: level, code and message; then where it applies."""
    width = max((len(f.code) for f in findings), default=0)
    lines: list[str] = []
    for f in findings:
        lines.append(f"{f.level:<7}  {f.code:<{width}}  {f.message}")
        lines.append(f"{'':<7}  {'':<{width}}  in: {f.where}")
    return lines


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


# --- the commands -----------------------------------------------------------------------------


def _load_app(ctx: click.Context) -> Flask:
    """The app of an enclosing app context, or the one Flask's ScriptInfo loads."""
    if current_app:
        app: Flask = cast(Any, current_app)._get_current_object()
        return app
    return ctx.ensure_object(ScriptInfo).load_app()


def _load_or_exit(ctx: click.Context) -> Flask:
    try:
        return _load_app(ctx)
    except ConfigError as exc:
        click.echo(f"Error: {exc}", err=True)
        ctx.exit(1)


@click.group("cors")
def cors() -> None:
    """Inspect the app's CORS policies (crossorigin)."""


@cors.command("routes")
@click.option(
    "--sort",
    "-s",
    type=click.Choice(SORTS),
    default="endpoint",
    help="Column to sort routes by; 'match' is the order Flask matches them.",
)
@click.option("--all-methods", is_flag=True, help="Show HEAD and OPTIONS methods.")
@click.pass_context
def routes_command(ctx: click.Context, sort: str, all_methods: bool) -> None:
    """Show every route with its CORS policy and where that policy comes from."""
    app = _load_or_exit(ctx)
    rows = route_rows(app, all_methods=all_methods)
    if not rows:
        click.echo("No routes were registered.")
        return
    if not any(covered for _, covered in rows):
        click.echo("No route is covered by a CORS policy: add CORS(app) or @cross_origin.")
        return
    headers = list(ROUTE_COLUMNS)
    if len(rows[0][0]) > len(headers):
        headers.insert(2, "Host" if app.url_map.host_matching else "Subdomain")
    cells = [row for row, _ in rows]
    if sort != "match":
        cells.sort(key=itemgetter(headers.index(sort.capitalize())))
    for line in format_table(headers, cells):
        click.echo(line)


@cors.command("check")
@click.option("--strict", is_flag=True, help="Exit with status 1 on warnings too.")
@click.pass_context
def check_command(ctx: click.Context, strict: bool) -> None:
    """Check the CORS configuration: errors exit with status 1, for CI."""
    refused: list[ConfigError] = []
    try:
        with collecting_config_errors() as refused:
            app = _load_app(ctx)
    except ConfigError as exc:
        refused += exc.all
    if refused:
        findings = [
            Finding(
                "error",
                f"crossorigin.{error.id}",
                "loading the app",
                error.headline.removeprefix(f"crossorigin.{error.id}: "),
            )
            for error in refused
        ]
        for line in format_findings(findings):
            click.echo(line)
        click.echo(
            f"{_count(len(findings), 'error', 'errors')}: the app cannot start with this "
            "CORS configuration"
        )
        ctx.exit(1)
    findings, policies = check_app(app)
    if not policies:
        click.echo("No CORS policy is configured: add CORS(app) or @cross_origin.")
        return
    for line in format_findings(findings):
        click.echo(line)
    errors = sum(f.level == "error" for f in findings)
    warnings = len(findings) - errors
    checked = _count(policies, "CORS policy", "CORS policies")
    if not findings:
        click.echo(f"No problems found in {checked}.")
        return
    click.echo(
        f"{_count(errors, 'error', 'errors')}, {_count(warnings, 'warning', 'warnings')} "
        f"in {checked}"
    )
    if errors or (strict and warnings):
        ctx.exit(1)


@cors.command("explain")
@click.option("--origin", required=True, help="The page's origin, e.g. http://localhost:3000.")
@click.option("--method", default="GET", show_default=True, help="The fetch() method.")
@click.option(
    "--header",
    "-H",
    "headers",
    multiple=True,
    metavar="'NAME[: VALUE]'",
    help="A request header the page sets; repeatable. A bare Content-Type means JSON.",
)
@click.option("--credentials", is_flag=True, help="The page uses credentials: 'include'.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--strict", is_flag=True, help="'*' never covers Authorization (the Fetch rule).")
@click.argument("path")
@click.pass_context
def explain_command(
    ctx: click.Context,
    origin: str,
    method: str,
    headers: tuple[str, ...],
    credentials: bool,
    as_json: bool,
    strict: bool,
    path: str,
) -> None:
    """Run a browser's requests for PATH in-process and explain the verdict.

    Sends the preflight (when a browser would) and then the request itself through the
    test client: the view runs, so use a development database. Exit status: 0 allowed,
    1 blocked.
    """
    if not path.startswith("/"):
        raise click.BadParameter("must start with '/', e.g. /api/data", param_hint="PATH")
    app = _load_or_exit(ctx)
    try:
        request = build_request(
            base_url(app) + path,
            origin=origin,
            method=method,
            headers=headers,
            credentials=credentials,
        )
    except DoctorError as exc:
        raise click.UsageError(str(exc)) from None
    with errors_as_responses(app):
        report = explain_request(app, request, strict=strict)
    if as_json:
        click.echo(json.dumps(to_json(report), indent=2))
    else:
        color = use_color(sys.stdout)
        click.echo(render_text(report, color=color), nl=False, color=color)
    ctx.exit(report.exit_code)
