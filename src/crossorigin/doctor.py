"""``crossorigin doctor URL --origin O``: what a browser would make of a live server's answers.

The command line over :mod:`crossorigin.probe`: it sends what a browser sends with the
stdlib HTTP client (:func:`~crossorigin.probe.http_transport`) and prints the report. The
server can be anything, crossorigin or not, behind any proxy: the point is to see what
actually arrives, duplicate headers and redirects included. Stdlib only, like the core
and the probe, so the doctor runs where Flask is absent.

Exit codes: 0 allowed, 1 blocked, 2 usage error or no answer from the server.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import IO

from .probe import (
    DEFAULT_TIMEOUT,
    DOCTOR_CODES,
    DoctorError,
    Exchange,
    Received,
    Report,
    Transport,
    build_request,
    hints_for,
    http_transport,
    installed_version,
    parse_header,
    render_text,
    run,
    to_json,
    use_color,
)

# The probe's names stay importable from here for code written against crossorigin.doctor;
# their home is crossorigin.probe.
__all__ = [
    "DOCTOR_CODES",
    "DoctorError",
    "Exchange",
    "Received",
    "Report",
    "Transport",
    "build_parser",
    "build_request",
    "hints_for",
    "http_transport",
    "installed_version",
    "main",
    "parse_header",
    "render_text",
    "run",
    "to_json",
    "use_color",
]

EXIT_USAGE = 2


# --- the command line ---------------------------------------------------------------------


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not value > 0:
        raise argparse.ArgumentTypeError("the timeout must be more than 0 seconds")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="crossorigin",
        description="Cross-origin diagnostics from the crossorigin Flask extension.",
    )
    parser.add_argument("--version", action="version", version=f"crossorigin {installed_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    doctor = commands.add_parser(
        "doctor",
        help="send a browser's CORS requests to a live server and say what would break",
        description=(
            "Send the preflight (when a browser would) and the request to URL as a page on "
            "ORIGIN would, judge the answers as a browser does, and print every failed step "
            "with its fix. Exit status: 0 allowed, 1 blocked, 2 usage error or no answer."
        ),
    )
    doctor.add_argument("url", metavar="URL", help="absolute http(s) URL the page fetches")
    doctor.add_argument(
        "--origin", required=True, help="the page's origin, e.g. http://localhost:3000"
    )
    doctor.add_argument("--method", default="GET", help="the fetch() method (default: GET)")
    doctor.add_argument(
        "--header",
        "-H",
        action="append",
        default=[],
        metavar="'NAME[: VALUE]'",
        help="a request header the page sets; repeatable (a bare Content-Type means JSON)",
    )
    doctor.add_argument(
        "--credentials", action="store_true", help="the page uses credentials: 'include'"
    )
    doctor.add_argument("--json", action="store_true", help="print one JSON object")
    doctor.add_argument(
        "--timeout",
        type=_positive_float,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"per-request timeout (default: {DEFAULT_TIMEOUT:g})",
    )
    doctor.add_argument(
        "--strict",
        action="store_true",
        help="apply the Fetch rule browsers have not shipped: '*' never covers Authorization",
    )
    return parser


def _write(stream: IO[str], text: str) -> None:
    try:
        stream.write(text)
        stream.flush()
    except BrokenPipeError:  # pragma: no cover - e.g. piped into head
        pass


def main(argv: Sequence[str] | None = None) -> int:
    """``crossorigin doctor ...``; returns the exit status (0 allowed, 1 blocked, 2 usage)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse printed the usage error (or --help)
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    try:
        request = build_request(
            args.url,
            origin=args.origin,
            method=args.method,
            headers=args.header,
            credentials=args.credentials,
        )
        report = run(request, http_transport(args.timeout), strict=args.strict)
    except DoctorError as exc:
        if args.json:
            _write(sys.stdout, json.dumps({"error": str(exc), "exit_code": EXIT_USAGE}) + "\n")
        _write(sys.stderr, f"crossorigin doctor: error: {exc}\n")
        return EXIT_USAGE
    if args.json:
        _write(sys.stdout, json.dumps(to_json(report), indent=2) + "\n")
    else:
        _write(sys.stdout, render_text(report, color=use_color(sys.stdout)))
    return report.exit_code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
