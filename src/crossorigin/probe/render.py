"""A report for a person (text, coloured on a terminal) or for a machine (JSON)."""

from __future__ import annotations

import os
from importlib import metadata
from typing import IO, Any

from ..core.fetchcheck import Failure, normalize_method
from .session import Cause, Report

__all__ = ["following", "installed_version", "render_text", "safe", "to_json", "use_color"]

_STYLES = {"red": "31", "green": "32", "yellow": "33", "bold": "1", "dim": "2"}


def installed_version() -> str:
    """The installed distribution's version, which ``--version`` prints (its metadata is
    built from ``crossorigin.__version__``)."""
    try:
        return metadata.version("crossorigin")
    except metadata.PackageNotFoundError:  # pragma: no cover - not installed
        return "unknown"


def use_color(stream: IO[str]) -> bool:
    """Colour only for a terminal, and never with NO_COLOR set (https://no-color.org)."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _paint(text: str, color: bool, *styles: str) -> str:
    if not color or not styles:
        return text
    codes = ";".join(_STYLES[s] for s in styles)
    return f"\x1b[{codes}m{text}\x1b[0m"


def safe(value: str) -> str:
    """A server-supplied value made safe for a terminal: no escapes, no line breaks."""
    return value if value.isprintable() else ascii(value)[1:-1]


def _relevant(name: str) -> bool:
    lower = name.lower()
    return lower.startswith("access-control-") or lower in ("vary", "location", "x-cors-decision")


def following(cause: Cause) -> str:
    """The failures that only follow from ``cause``, folded into one line of codes."""
    codes = ", ".join(f.code for f in cause.consequences)
    count = len(cause.consequences)
    return f"+ {count} that {'follows' if count == 1 else 'follow'} from it: {codes}"


def _failure_line(item: Failure, label: str, color: bool, style: str) -> str:
    return f"  {_paint(label, color, style)} [{item.stage}] {item.code}: {safe(item.message)}"


def render_text(report: Report, *, color: bool = False) -> str:
    """The report for a person: each step, then the verdict, the fix, each cause (the
    failures that follow from it folded under it), the reason and the hints."""
    req = report.request
    lines = [
        _paint(f"{normalize_method(req.method)} {safe(req.url)}", color, "bold"),
        f"  from origin {safe(req.origin)}, credentials {req.credentials}; "
        + ("a preflight is needed" if report.preflight_needed else "no preflight is needed"),
        "",
    ]
    for number, step in enumerate(report.exchanges, 1):
        lines.append(f"{number}. {step.stage}: {step.method} {safe(step.url)}")
        lines.extend(_paint(f"   > {n}: {safe(v)}", color, "dim") for n, v in step.sent)
        got = step.received
        lines.append(f"   < {got.status} {safe(got.reason)}")
        shown = [(n, v) for n, v in got.headers if _relevant(n)]
        lines.extend(f"   < {safe(n)}: {safe(v)}" for n, v in shown)
        if len(got.headers) > len(shown):
            lines.append(
                _paint(f"     ({len(got.headers) - len(shown)} other headers)", color, "dim")
            )
        if step.failures and got.body.strip():
            lines.append(f"   body: {safe(' '.join(got.body.split())[:200])}")
        if step.passed:
            lines.append("   " + _paint("passed", color, "green"))
        else:
            codes = ", ".join(f.code for f in step.failures)
            lines.append("   " + _paint(f"failed: {codes}", color, "red"))
    if report.exchanges:
        lines.append("")
    if report.allowed:
        readable = ", ".join(sorted(report.readable_headers)) or "(none)"
        status = f" (status {report.exchanges[-1].received.status})" if report.exchanges else ""
        lines.append(
            _paint("ALLOWED", color, "green", "bold")
            + f"  the page can read the response{status}; readable headers: {readable}"
        )
    else:
        lines.append(
            _paint("BLOCKED", color, "red", "bold")
            + '  the page\'s fetch() rejects with "TypeError: Failed to fetch"'
        )
    # The cause and its fix first: crossorigin's own fix when it refused, else the root
    # failure, whose message ends with what the server must send.
    lines.extend(f"  fix:     {safe(fix)}" for fix in report.fixes)
    for cause in report.causes:
        lines.append(_failure_line(cause.failure, "error  ", color, "red"))
        if cause.consequences:
            lines.append(_paint(f"          {following(cause)}", color, "dim"))
    lines.extend(_failure_line(w, "warning", color, "yellow") for w in report.warnings)
    if report.policy:
        lines.append(f"  policy:  {safe(report.policy)}")
    if report.reason:
        lines.append(f"  reason:  {safe(report.reason)} ({report.reason_source})")
    lines.extend(f"  hint:    {hint}" for hint in report.hints)
    return "\n".join(lines) + "\n"


def _failure_json(item: Failure) -> dict[str, str]:
    return {"code": item.code, "stage": item.stage, "message": item.message}


def to_json(report: Report) -> dict[str, Any]:
    """The report for a machine: every field of the text output, and the raw headers."""
    req = report.request
    return {
        "verdict": "allowed" if report.allowed else "blocked",
        "allowed": report.allowed,
        "exit_code": report.exit_code,
        "request": {
            "url": req.url,
            "origin": req.origin,
            "method": req.method,
            "headers": [list(pair) for pair in req.headers],
            "credentials": req.credentials,
        },
        "preflight_needed": report.preflight_needed,
        "exchanges": [
            {
                "stage": step.stage,
                "method": step.method,
                "url": step.url,
                "sent": [list(pair) for pair in step.sent],
                "status": step.received.status,
                "status_text": step.received.reason,
                "headers": [list(pair) for pair in step.received.headers],
                "decision": step.decision,
                "passed": step.passed,
                "failures": [_failure_json(f) for f in step.failures],
                "warnings": [_failure_json(w) for w in step.warnings],
            }
            for step in report.exchanges
        ],
        "failures": [_failure_json(f) for f in report.failures],
        "causes": [
            {
                "code": cause.failure.code,
                "consequences": [f.code for f in cause.consequences],
            }
            for cause in report.causes
        ],
        "warnings": [_failure_json(w) for w in report.warnings],
        "readable_headers": sorted(report.readable_headers),
        "policy": report.policy,
        "reason": report.reason,
        "reason_source": report.reason_source or None,
        "fixes": list(report.fixes),
        "hints": list(report.hints),
    }
