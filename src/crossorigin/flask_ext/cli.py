"""``flask cors routes|check|explain``: the app's CORS policies, listed, checked and explained.

Flask loads this group as a CLI plugin (the ``flask.commands`` entry point ``cors``), so
``flask --app X cors ...`` works in any project that installs crossorigin. The app is
loaded by each command, not by the group, so ``flask cors check`` can report a
configuration error raised while the app is created instead of dying with a traceback.

The commands and their tables only: the policy linter is :mod:`crossorigin.core.lint`;
where a policy comes from and the in-process run of ``explain`` are
:mod:`crossorigin.flask_ext.inspect`, shared with :mod:`crossorigin.testing`.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import textwrap
from operator import itemgetter
from typing import Any, Literal, cast

import click
from flask import Flask, current_app
from flask.cli import ScriptInfo

from ..core.errors import ConfigError
from ..core.headers import SAFELISTED_METHODS
from ..core.lint import Finding, check_policy
from ..probe import (
    DoctorError,
    build_request,
    installed_version,
    render_text,
    to_json,
    use_color,
)
from .decorator import decorated_views
from .extension import PolicySource, collecting_config_errors, shown_path
from .inspect import (
    base_url,
    errors_as_responses,
    explain_request,
    governing_policy,
    policy_sources,
    route_rows,
    sample_path,
)

__all__ = [
    "Finding",
    "check_app",
    "check_policy",
    "cors",
    "findings_json",
    "format_findings",
    "format_table",
    "output_width",
]

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


#: Columns are never cut below this many characters (a header wider than its column is
#: cut without dots: ``Allow-M``).
MIN_COLUMN = 7
#: The line under a table whose cells were cut.
CUT_NOTE = "(cells cut with ... to fit {width} columns; --wide or --json for the whole)"


def output_width(wide: bool = False) -> int | None:
    """Columns to fit: ``COLUMNS``, else the terminal's, else 80 when not a terminal;
    ``None`` (no limit) with ``--wide``."""
    if wide:
        return None
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if sys.stdout.isatty():
        return shutil.get_terminal_size((80, 24)).columns
    return 80


def _cut(cell: str, width: int) -> str:
    return cell if len(cell) <= width else cell[: max(width - 3, 0)] + "..."


def format_table(headers: list[str], rows: list[list[str]], width: int | None = None) -> list[str]:
    """``flask routes`` layout: computed widths, a dashed rule under the header.

    With ``width``, the widest columns are narrowed (never below :data:`MIN_COLUMN`, the
    first never below its header) and
    their cells cut with ``...`` until each line fits, and :data:`CUT_NOTE` follows.
    """
    table = [headers, *rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(headers))]
    full = list(widths)
    if width is not None:
        # the first column names the row: never cut below its header
        floors = [max(len(headers[0]), MIN_COLUMN)] + [MIN_COLUMN] * (len(widths) - 1)
        excess = sum(widths) + 2 * (len(widths) - 1) - width
        while excess > 0:
            widest = max(range(len(widths)), key=lambda i: widths[i] - floors[i])
            if widths[widest] <= floors[widest]:
                break  # as narrow as it goes
            widths[widest] -= 1
            excess -= 1
        table = [
            [h[:w] for h, w in zip(headers, widths, strict=True)],
            *([_cut(c, w) for c, w in zip(row, widths, strict=True)] for row in rows),
        ]
    table.insert(1, ["-" * w for w in widths])
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in table
    ]
    if widths != full:
        lines.append(CUT_NOTE.format(width=width))
    return lines


# --- flask cors check ---------------------------------------------------------------------


def _route_findings(app: Flask, sources: list[PolicySource]) -> list[Finding]:
    """Problems between routes and policies: methods refused, patterns covering nothing."""
    used = set()
    found: list[Finding] = []
    for rule in app.url_map.iter_rules():
        source = governing_policy(app, sample_path(rule), rule.endpoint)
        if source is None:
            continue
        used.add((source.kind, source.name, source.pattern))
        # Only methods that need a preflight: methods= governs preflights alone.
        refused = sorted(
            m
            for m in (rule.methods or set()) - SAFELISTED_METHODS - {"OPTIONS"}
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


def _wrapped_chain(view: Any) -> list[Any]:
    """``view`` and every function under it through ``__wrapped__``."""
    chain = [view]
    while hasattr(chain[-1], "__wrapped__") and len(chain) < 32:
        chain.append(chain[-1].__wrapped__)
    return chain


def _decorator_findings(app: Flask) -> list[Finding]:
    """``@cross_origin`` above ``@app.route``: the route got the view before the decorator
    wrapped it, so the decorator's policy never applies."""
    endpoints = {id(view): endpoint for endpoint, view in app.view_functions.items()}
    reached = {id(f) for view in app.view_functions.values() for f in _wrapped_chain(view)}
    found: list[Finding] = []
    for wrapper in decorated_views():
        if id(wrapper) in reached:
            continue
        routed = [endpoints[id(f)] for f in _wrapped_chain(wrapper)[1:] if id(f) in endpoints]
        if not routed:
            continue
        view = _wrapped_chain(wrapper)[-1]
        code = getattr(view, "__code__", None)
        place = "" if code is None else f" ({shown_path(code.co_filename)}:{code.co_firstlineno})"
        found.append(
            Finding(
                "error",
                "decorator-above-route",
                f"decorator on {routed[0]}{place}",
                f"@cross_origin is above the route decorator of {routed[0]}, so Flask routes "
                "to the undecorated view and this policy never applies; decorators apply "
                "bottom-up: put @cross_origin(...) below @app.route(...)",
            )
        )
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
    findings += _decorator_findings(app)
    return sorted(findings), len(sources)


def format_findings(findings: list[Finding], width: int | None = None) -> list[str]:
    """Level, code and message, then where it applies; with ``width``, the message and the
    ``in:`` line are wrapped to it, under the message's column."""
    code_width = max((len(f.code) for f in findings), default=0)
    indent = " " * (7 + 2 + code_width + 2)
    lines: list[str] = []
    for f in findings:
        first = f"{f.level:<7}  {f.code:<{code_width}}  "
        for text, lead in ((f.message, first), (f"in: {f.where}", indent)):
            if width is None or len(lead) + len(text) <= width:
                lines.append(lead + text)
                continue
            lines += textwrap.wrap(
                text,
                width=max(width, len(indent) + 20),
                initial_indent=lead,
                subsequent_indent=indent,
                break_long_words=False,
                break_on_hyphens=False,
            )
    return lines


def findings_json(findings: list[Finding]) -> list[dict[str, str]]:
    return [
        {"level": f.level, "code": f.code, "where": f.where, "message": f.message} for f in findings
    ]


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
@click.version_option(installed_version(), prog_name="crossorigin", message="%(prog)s %(version)s")
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
@click.option("--wide", is_flag=True, help="Do not cut cells to fit the terminal.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per route.")
@click.pass_context
def routes_command(
    ctx: click.Context, sort: str, all_methods: bool, wide: bool, as_json: bool
) -> None:
    """Show every route with its CORS policy and where that policy comes from."""
    app = _load_or_exit(ctx)
    rows = route_rows(app, all_methods=all_methods)
    headers = list(ROUTE_COLUMNS)
    if rows and len(rows[0][0]) > len(headers):
        headers.insert(2, "Host" if app.url_map.host_matching else "Subdomain")
    cells = [row for row, _ in rows]
    if sort != "match":
        cells.sort(key=itemgetter(headers.index(sort.capitalize())))
    if as_json:
        keys = [h.lower() for h in headers]
        click.echo(json.dumps([dict(zip(keys, row, strict=True)) for row in cells], indent=2))
        return
    if not rows:
        click.echo("No routes were registered.")
        return
    if not any(covered for _, covered in rows):
        click.echo("No route is covered by a CORS policy: add CORS(app) or @cross_origin.")
        return
    for line in format_table(headers, cells, output_width(wide)):
        click.echo(line)


def _print_findings(
    findings: list[Finding], summary: str, exit_code: int, *, wide: bool, as_json: bool
) -> None:
    """The findings and the summary line as text fitted to the terminal, or as JSON."""
    if as_json:
        data = {"findings": findings_json(findings), "summary": summary, "exit_code": exit_code}
        click.echo(json.dumps(data, indent=2))
        return
    for line in format_findings(findings, output_width(wide)):
        click.echo(line)
    click.echo(summary)


@cors.command("check")
@click.option("--strict", is_flag=True, help="Exit with status 1 on warnings too.")
@click.option("--wide", is_flag=True, help="Do not wrap messages to fit the terminal.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
def check_command(ctx: click.Context, strict: bool, wide: bool, as_json: bool) -> None:
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
                error.where or "loading the app",
                error.headline.removeprefix(f"crossorigin.{error.id}: "),
            )
            for error in refused
        ]
        summary = (
            f"{_count(len(findings), 'error', 'errors')}: the app cannot start with this "
            "CORS configuration"
        )
        _print_findings(findings, summary, 1, wide=wide, as_json=as_json)
        ctx.exit(1)
    findings, policies = check_app(app)
    errors = sum(f.level == "error" for f in findings)
    warnings = len(findings) - errors
    checked = _count(policies, "CORS policy", "CORS policies")
    if not policies and not findings:
        summary = "No CORS policy is configured: add CORS(app) or @cross_origin."
    elif not findings:
        summary = f"No problems found in {checked}."
    else:
        summary = (
            f"{_count(errors, 'error', 'errors')}, {_count(warnings, 'warning', 'warnings')} "
            f"in {checked}"
        )
    exit_code = 1 if errors or (strict and warnings) else 0
    _print_findings(findings, summary, exit_code, wide=wide, as_json=as_json)
    ctx.exit(exit_code)


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
