"""In-process benchmark: the same Flask app bare, with flask-cors, with crossorigin.

    .venv/bin/python benchmarks/bench.py            # full run (3 to 5 minutes)
    .venv/bin/python benchmarks/bench.py --quick    # a few seconds per case, smaller flood
    .venv/bin/python benchmarks/bench.py --case simple --case seed --no-memory

Each request is a direct WSGI call, ``app(environ_copy, start_response)``, with the
body consumed and ``close()`` called; no sockets. For every case the apps are timed in
the same run, interleaved, in batches: in each batch bare and crossorigin run back to
back (which goes first alternates) and the others before or after the pair, every app
for about the same CPU time. The others are flask-cors and a floor: the bare app inside
a middleware that only appends two fixed headers (``append-only``), the least any CORS
middleware costs. The table shows the median microseconds per
request over the batches, and the ratios as the median of the per-batch ratios (the
two sides of a ratio ran moments apart, so a slow moment of a shared machine hits
both). "co/bare middle half" is the interquartile range of the per-batch
crossorigin/bare ratios; when it is wide the case runs more batches (up to 3x).

Then a flood of distinct random Origin values and of distinct random paths runs
through crossorigin under tracemalloc: traced memory and RSS at checkpoints must
stay flat once the bounded caches are full.

Timing is not a test: targets print PASS or MISS and the exit status is 0 either way.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import random
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol, TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cases import (
    CASES,
    LIBS,
    SEED_ORIGINS,
    Case,
    Request,
    build_app,
    case_app,
)
from werkzeug.test import EnvironBuilder

WSGIApp = Callable[[dict[str, Any], Any], Iterable[bytes]]

# -- WSGI plumbing ---------------------------------------------------------------------

#: The fourth app of every case: the bare app inside :class:`AppendOnly`.
FLOOR = "append-only"
_FLOOR_HEADERS = [("Access-Control-Allow-Origin", "*"), ("Vary", "Origin")]


class AppendOnly:
    """The least a CORS middleware does on every response: wrap ``start_response`` (a
    closure per request) and append two fixed headers. Timed beside the others as a
    floor: what any middleware costs before it reads the request."""

    def __init__(self, wsgi_app: Any):
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        def appending(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            headers += _FLOOR_HEADERS
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, appending)  # type: ignore[no-any-return]


def floor_app() -> Any:
    """The bare app inside :class:`AppendOnly`."""
    app = build_app("bare", None)
    app.wsgi_app = AppendOnly(app.wsgi_app)  # type: ignore[method-assign]
    return app


_last: list[Any] = [None, None]


def _write(data: bytes) -> None:  # the legacy write() callable; Flask never uses it
    pass


def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
    _last[0] = status
    _last[1] = headers
    return _write


def make_environ(req: Request) -> dict[str, Any]:
    builder = EnvironBuilder(
        path=req.path,
        method=req.method,
        headers=list(req.headers),
        base_url="http://localhost",
    )
    try:
        environ: dict[str, Any] = builder.get_environ()
    finally:
        builder.close()
    return environ


def call(app: WSGIApp, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
    """One request: status, headers and body."""
    it = app(environ.copy(), start_response)
    try:
        body = b"".join(it)
    finally:
        close = getattr(it, "close", None)
        if close is not None:
            close()
    return _last[0], list(_last[1]), body


#: The clock batches are timed with: the thread's CPU time by default, which a
#: shared, oversubscribed machine inflates far less than wall time (time spent
#: descheduled is not counted); ``--clock wall`` for wall time.
CLOCKS: dict[str, Callable[[], int]] = {
    "cpu": time.thread_time_ns,
    "wall": time.perf_counter_ns,
}
_clock: list[Callable[[], int]] = [time.thread_time_ns]


def use_clock(name: str) -> None:
    """Time the batches from now on with ``CLOCKS[name]``."""
    _clock[0] = CLOCKS[name]


def current_clock() -> Callable[[], int]:
    return _clock[0]


def serve(app: WSGIApp, environ: dict[str, Any], n: int) -> None:
    """``n`` back-to-back requests, each on a copy of ``environ``, bodies read and closed."""
    copy = environ.copy
    respond = start_response
    for _ in range(n):
        it = app(copy(), respond)
        for _chunk in it:
            pass
        close = getattr(it, "close", None)
        if close is not None:
            close()


def time_calls(app: WSGIApp, environ: dict[str, Any], n: int) -> float:
    """Microseconds per request over ``n`` back-to-back requests."""
    clock = current_clock()
    t0 = clock()
    serve(app, environ, n)
    return (clock() - t0) / n / 1000.0


# -- timing ----------------------------------------------------------------------------


@dataclass
class Result:
    case: Case
    us: dict[str, float | None]  # median microseconds per request, per library
    ratio_bare: float | None  # crossorigin / bare, median of per-batch ratios
    ratio_fc: float | None  # crossorigin / flask-cors, median of per-batch ratios
    ratio_floor: float  # append-only / bare, median of per-batch ratios
    spread: tuple[float, float]  # quartiles of the per-batch crossorigin / bare ratios
    check: str  # "" or what was wrong with a response
    batches: int  # how many batches ran (more than asked when the run was disturbed)


def quartiles(values: list[float]) -> tuple[float, float]:
    """First and third quartile (the middle half of the values)."""
    if len(values) < 4:
        return min(values), max(values)
    q = statistics.quantiles(values, n=4)
    return q[0], q[2]


def check_responses(case: Case, apps: dict[str, WSGIApp], environ: dict[str, Any]) -> str:
    """Make sure each app answers the way the case expects before timing it."""
    problems = []
    for lib, app in apps.items():
        status, headers, _ = call(app, environ)
        names = {n.lower() for n, _ in headers}
        has_acao = "access-control-allow-origin" in names
        want = lib == FLOOR or (case.granted and lib != "bare")
        if not status.startswith("200"):
            problems.append(f"{lib}: status {status}")
        if has_acao != want:
            problems.append(f"{lib}: ACAO {'present' if has_acao else 'missing'}")
    return "; ".join(problems)


#: A spread of the per-batch crossorigin/bare ratios (third minus first quartile)
#: above this makes a case run more batches.
MAX_SETTLED_WIDTH = 0.05


def ratios(samples: dict[str, list[float]], lib: str, other: str) -> list[float]:
    """The per-batch ratios of ``lib``'s times to ``other``'s."""
    return [c / o for c, o in zip(samples[lib], samples[other], strict=True)]


def spread_width(spread: tuple[float, float]) -> float:
    return spread[1] - spread[0]


def warmed_up(n: int, elapsed: float, batch_seconds: float) -> bool:
    """Whether ``n`` calls that took ``elapsed`` seconds are enough to size a batch from
    (else the warm-up doubles ``n``, from 8)."""
    return elapsed >= batch_seconds / 4 or n >= 1 << 20


def batch_size(n: int, elapsed: float, batch_seconds: float) -> int:
    """Calls per batch, for about ``batch_seconds`` per batch."""
    return max(3, round(n * batch_seconds / max(elapsed, 1e-9)))


def interleaved_orders(others: list[str]) -> list[list[str]]:
    """The orders the batches run the apps in, in turn: bare and crossorigin back to back
    (in alternating order), so the two sides of a ratio see the same moment of the
    machine; the others before or after the pair, each pair of them both ways round."""
    turned = others[::-1]
    return [
        ["bare", "crossorigin", *others],
        [*turned, "crossorigin", "bare"],
        ["crossorigin", "bare", *turned],
        [*others, "bare", "crossorigin"],
    ]


def more_batches(samples: dict[str, list[float]], done: int, batches: int) -> bool:
    """Whether to run another batch: until ``batches`` have run, and while the per-batch
    crossorigin/bare ratios are widely spread (a disturbed run) up to three times as many,
    so that the median settles."""
    if done < batches:
        return True
    spread = quartiles(ratios(samples, "crossorigin", "bare"))
    return done < 3 * batches and spread_width(spread) > MAX_SETTLED_WIDTH


def bench_case(case: Case, batches: int, batch_seconds: float) -> Result:
    apps: dict[str, WSGIApp] = {}
    for lib in LIBS:
        app = case_app(lib, case)
        if app is not None:
            apps[lib] = app
    apps[FLOOR] = floor_app()
    environ = make_environ(case.request)
    check = check_responses(case, apps, environ)

    # Warm up (first-request work, caches, memos) and size each app's batch so
    # that every app runs about ``batch_seconds`` per batch.
    sizes: dict[str, int] = {}
    for lib, wsgi_app in apps.items():
        n = 8
        while True:
            elapsed = time_calls(wsgi_app, environ, n) * n / 1e6
            if warmed_up(n, elapsed, batch_seconds):
                break
            n *= 2
        sizes[lib] = batch_size(n, elapsed, batch_seconds)

    # flask-cors and the floor run before or after the pair of bare and crossorigin.
    orders = interleaved_orders([lib for lib in apps if lib not in ("bare", "crossorigin")])
    samples: dict[str, list[float]] = {lib: [] for lib in apps}
    done = 0
    while more_batches(samples, done, batches):
        for lib in orders[done % len(orders)]:
            gc.collect()
            samples[lib].append(time_calls(apps[lib], environ, sizes[lib]))
        done += 1

    us: dict[str, float | None] = {lib: None for lib in (*LIBS, FLOOR)}
    for lib, values in samples.items():
        us[lib] = statistics.median(values)

    to_bare = ratios(samples, "crossorigin", "bare")
    to_fc = ratios(samples, "crossorigin", "flask-cors") if "flask-cors" in samples else None
    return Result(
        case,
        us,
        statistics.median(to_bare),
        None if to_fc is None else statistics.median(to_fc),
        statistics.median(ratios(samples, FLOOR, "bare")),
        quartiles(to_bare),
        check,
        done,
    )


# -- output ----------------------------------------------------------------------------


def fmt_us(value: float | None) -> str:
    if value is None:
        return "n/a"
    if value >= 1000:
        return f"{value:,.0f}"
    return f"{value:.1f}"


def fmt_ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def fmt_spread(spread: tuple[float, float]) -> str:
    return f"{spread[0]:.2f} to {spread[1]:.2f}"


def table_note(note: str, ran: int, batches: int, check: str) -> str:
    """A case's note in the table, after what went wrong: a failed check, more batches."""
    if ran > batches:
        note = f"{ran} batches (a disturbed moment); {note}"
    if check:
        note = f"CHECK FAILED: {check}; {note}"
    return note


def target_verdict(ratio: float, spread: tuple[float, float], limit: float) -> tuple[str, str]:
    """PASS or MISS for a crossorigin/bare ratio against ``limit``, and for a MISS whose
    middle half of the batches reaches below ``limit``, a remark saying so ("" else)."""
    if ratio <= limit:
        return "PASS", ""
    if spread[0] <= limit:
        return "MISS", f"middle half of the batches {fmt_spread(spread)}: within noise"
    return "MISS", ""


def print_table(results: list[Result], batches: int) -> None:
    head = (
        "| case | bare µs | flask-cors µs | crossorigin µs | co/bare | co/flask-cors "
        f"| co/bare middle half | {FLOOR}/bare | notes |"
    )
    print(head)
    print("| --- | ---: | ---: | ---: | ---: | ---: | :---: | ---: | --- |")
    for r in results:
        note = table_note(r.case.note, r.batches, batches, r.check)
        print(
            f"| {r.case.name} | {fmt_us(r.us['bare'])} | {fmt_us(r.us['flask-cors'])} "
            f"| {fmt_us(r.us['crossorigin'])} | {fmt_ratio(r.ratio_bare)} "
            f"| {fmt_ratio(r.ratio_fc)} | {fmt_spread(r.spread)} "
            f"| {fmt_ratio(r.ratio_floor)} | {note} |"
        )


TARGETS: tuple[tuple[str, str, float], ...] = (
    # (case tag, label, max crossorigin/bare)
    ("simple", "simple GET <= 1.05 x bare", 1.05),
    ("preflight", "preflight <= 1.00 x bare", 1.00),
    ("exact-10000", "10,000 exact origins <= 1.05 x bare", 1.05),
    ("resources-1000", "1,000 resource patterns <= 1.05 x bare", 1.05),
    ("callable", "callable origins <= 1.08 x bare", 1.08),
    ("decorator", "@cross_origin alone <= 1.08 x bare", 1.08),
    ("decorator-app", "@cross_origin with CORS(app) <= 1.05 x bare", 1.05),
    ("decorator-elsewhere", "a decorated view elsewhere <= 1.05 x bare", 1.05),
)


def print_targets(results: list[Result]) -> None:
    print("\nTargets (ratios from this run; a MISS never fails the process):")
    for tag, label, limit in TARGETS:
        for r in results:
            if tag in r.case.tags and r.ratio_bare is not None:
                verdict, within = target_verdict(r.ratio_bare, r.spread, limit)
                within = f" ({within})" if within else ""
                print(f"  {verdict}  {label:<44} {r.case.name}: {r.ratio_bare:.2f}{within}")
    misses = [r for r in results if r.ratio_fc is not None and r.ratio_fc >= 1.0]
    n_fc = sum(1 for r in results if r.ratio_fc is not None)
    verdict = "PASS" if not misses else "MISS"
    print(f"  {verdict}  below flask-cors in every case ({n_fc - len(misses)}/{n_fc} cases)")
    for r in misses:
        print(f"          not below flask-cors: {r.case.name}: {r.ratio_fc:.2f}")


# -- memory flood ------------------------------------------------------------------------


def _rss_kib() -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def _cache_sizes(app: Any) -> str:
    """Sizes of crossorigin's caches, read-only, for the report."""
    state = app.extensions.get("cors")
    parts = []
    path_cache = getattr(state, "paths", None)
    if path_cache is not None:
        parts.append(f"path cache {len(path_cache)}")
    table = getattr(state, "table", None)
    if table is not None:
        policy_answers = sum(len(p.answers) for _, p in table.entries)
        parts.append(f"policy answers {policy_answers}")
    return ", ".join(parts)


def _flood_app() -> Any:
    """crossorigin with exact origins, subdomain patterns and resource patterns at once."""
    origins = [*SEED_ORIGINS, *(f"https://app{i}.example.com" for i in range(1000))]
    origins += [f"https://*.tenant{i}.example.com" for i in range(100)]
    resources: dict[str, dict[str, Any]] = {f"/r{i}/*": {} for i in range(100)}
    resources["/api/*"] = {}
    return build_app("crossorigin", {"origins": origins, "resources": resources})


def _random_origin(rng: random.Random, i: int) -> str:
    token = f"{i:x}{rng.getrandbits(40):x}"
    kind = i % 5
    if kind == 0:
        return f"https://{token}.tenant{rng.randrange(100)}.example.com"  # granted by pattern
    if kind == 1:
        return f"https://{token}.example.net"  # well-formed, refused
    if kind == 2:
        return f"http://{token}.example.com:{rng.randrange(1, 65536)}"  # refused, with port
    if kind == 3:
        return f"HTTPS://{token.upper()}.EXAMPLE.COM"  # not serialized: invalid-origin
    return f"https://{token}.example.com/{token}"  # a path: invalid-origin


def _random_path(rng: random.Random, i: int) -> str:
    token = f"{i:x}{rng.getrandbits(40):x}"
    kind = i % 4
    if kind == 0:
        return f"/r{rng.randrange(100)}/{token}"  # covered
    if kind == 1:
        return f"/api/{token}"  # covered
    if kind == 2:
        return f"/other/{token}"  # not covered
    return f"/caf\xc3\xa9/{token}"  # UTF-8 in WSGI's latin-1 form


def memory_flood(count: int) -> list[str]:
    """Flood crossorigin; return report lines, the last one the verdict."""
    app = _flood_app()
    base = make_environ(Request(headers=(("Origin", "https://app1.example.com"),)))
    rng = random.Random(1234)
    lines = []
    verdicts = []
    checkpoints = 4
    for label, field_name, make in (
        ("Origin", "HTTP_ORIGIN", _random_origin),
        ("path", "PATH_INFO", _random_path),
    ):
        gc.collect()
        tracemalloc.start()
        # Warm up with a few fixed requests so first-request work is not counted.
        for _ in range(200):
            call(app, base)
        gc.collect()
        start_mem = tracemalloc.get_traced_memory()[0]
        start_rss = _rss_kib()
        marks: list[tuple[int, int, int | None, str]] = []
        first_snapshot: tracemalloc.Snapshot | None = None
        t0 = time.perf_counter()
        step = count // checkpoints
        copy = base.copy
        for i in range(count):
            environ = copy()
            environ[field_name] = make(rng, i)
            it = app(environ, start_response)
            for _chunk in it:
                pass
            close = getattr(it, "close", None)
            if close is not None:
                close()
            if (i + 1) % step == 0:
                gc.collect()
                marks.append(
                    (i + 1, tracemalloc.get_traced_memory()[0], _rss_kib(), _cache_sizes(app))
                )
                if first_snapshot is None:
                    first_snapshot = tracemalloc.take_snapshot()
        last_snapshot = tracemalloc.take_snapshot()
        elapsed = time.perf_counter() - t0
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        mib = 1024 * 1024
        lines.append(
            f"{count:,} distinct random {label} values through crossorigin "
            f"({elapsed:.1f} s under tracemalloc); caches now: {_cache_sizes(app)}"
        )
        lines.append(
            f"  before (tracing from app built + 200 warm-up requests): traced "
            f"{start_mem / mib:.2f} MiB, RSS {(start_rss or 0) / 1024:.1f} MiB"
        )
        for n, mem, rss, caches in marks:
            lines.append(
                f"  {n:>7,}: traced +{(mem - start_mem) / mib:5.2f} MiB, "
                f"RSS {(rss or 0) / 1024:6.1f} MiB (+{((rss or 0) - (start_rss or 0)) / 1024:4.1f})"
                f"; {caches}"
            )
        lines.append(f"  peak traced +{(peak - start_mem) / mib:.2f} MiB")
        if first_snapshot is not None:
            largest = last_snapshot.compare_to(first_snapshot, "filename")[:3]
            where = ", ".join(
                f"{_short_path(stat.traceback[0].filename)} {stat.size_diff / 1024:+.0f} KiB"
                for stat in largest
            )
            lines.append(f"  largest changes from the first checkpoint to the last: {where}")
        # Flat: once the bounded caches have filled (first quarter), later
        # checkpoints stay within 2 MiB of the first one.
        first = marks[0][1]
        growth = max(mem for _, mem, _, _ in marks[1:]) - first
        verdicts.append((label, growth))
    ok = all(growth < 2 * 1024 * 1024 for _, growth in verdicts)
    summary = ", ".join(f"{label} +{growth / 1024:.0f} KiB" for label, growth in verdicts)
    lines.append(
        f"{'PASS' if ok else 'MISS'}  memory flat after the first quarter (< 2 MiB): {summary} "
        "(what remains is the fill level of the bounded caches at that moment)"
    )
    return lines


def _short_path(filename: str) -> str:
    for marker in ("site-packages/", "/src/", "/lib/python"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


# -- main ------------------------------------------------------------------------------


def dist_version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def git_commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
            cwd=Path(__file__).resolve().parent,
        )
        return out.stdout.strip() or "unknown"
    except OSError:
        return "unknown"


def load_average() -> float | None:
    """The one-minute load average, where the system tells it."""
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else None


def print_header(title: str, versions: str, args: argparse.Namespace, how: str) -> None:
    """The lines above the tables: what ran, when, where, on what, how it was timed."""
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    load = load_average()
    print(f"{title}, {now}, commit {git_commit()}")
    load_text = f", load average {load:.2f}" if load is not None else ""
    print(
        f"Python {platform.python_version()} on {platform.platform()}, "
        f"{os.cpu_count()} CPUs{load_text}"
    )
    print(versions)
    print(
        f"{args.batches} interleaved batches of ~{args.batch_ms:g} ms per app per case, "
        f"{args.clock} clock; {how}\n"
    )


def add_timing_arguments(parser: argparse.ArgumentParser) -> None:
    """--quick, --batches, --batch-ms, --case and --clock."""
    parser.add_argument("--quick", action="store_true", help="fewer, shorter batches")
    parser.add_argument("--batches", type=int, help="batches per case (default 30, quick 9)")
    parser.add_argument("--batch-ms", type=float, help="ms per app per batch (default 30)")
    parser.add_argument(
        "--case",
        action="append",
        default=[],
        help="only the case with this tag, or the cases whose name contains it (repeatable)",
    )
    parser.add_argument(
        "--clock",
        choices=sorted(CLOCKS),
        default="cpu",
        help="cpu: the thread's CPU time (default; robust on a shared machine); wall: wall time",
    )


def apply_timing_arguments(args: argparse.Namespace) -> None:
    """Fills in the defaults of --batches and --batch-ms, and uses the --clock asked for."""
    args.batches = args.batches or (9 if args.quick else 30)
    args.batch_ms = args.batch_ms or (15.0 if args.quick else 30.0)
    use_clock(args.clock)


class Tagged(Protocol):
    """A case of this benchmark or of another: a name and tags."""

    @property
    def name(self) -> str: ...

    @property
    def tags(self) -> tuple[str, ...]: ...


TaggedCase = TypeVar("TaggedCase", bound=Tagged)


def select_cases(cases: Iterable[TaggedCase], wanted: list[str]) -> list[TaggedCase]:
    """The cases with one of ``wanted`` as a tag or in their name (all when it is empty)."""
    return [c for c in cases if not wanted or any(k in c.name or k in c.tags for k in wanted)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_timing_arguments(parser)
    parser.add_argument("--no-memory", action="store_true", help="skip the memory flood")
    parser.add_argument(
        "--flood", type=int, help="distinct values per flood (default 100,000, quick 20,000)"
    )
    args = parser.parse_args(argv)
    apply_timing_arguments(args)
    args.flood = args.flood or (20_000 if args.quick else 100_000)

    versions = (
        f"Flask {dist_version('flask')}, Werkzeug {dist_version('werkzeug')}, "
        f"flask-cors {dist_version('flask-cors')}, crossorigin {dist_version('crossorigin')}"
    )
    print_header("crossorigin benchmark", versions, args, "in-process WSGI calls, no sockets")
    cases = select_cases(CASES, args.case)
    results = []
    for case in cases:
        results.append(bench_case(case, args.batches, args.batch_ms / 1000))
        print(f"  measured: {case.name}", file=sys.stderr, flush=True)
    print_table(results, args.batches)
    print_targets(results)
    if not args.no_memory:
        print()
        for line in memory_flood(args.flood):
            print(line)
    load = load_average()
    if load is not None:
        print(f"\nload average at the end: {load:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
