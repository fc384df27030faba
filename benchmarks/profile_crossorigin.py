"""Where crossorigin's time goes on one case: py-spy, pyinstrument and a breakdown.

    .venv/bin/pip install py-spy pyinstrument          # profilers, not project dependencies
    .venv/bin/python benchmarks/profile_crossorigin.py --case simple --tool py-spy
    .venv/bin/python benchmarks/profile_crossorigin.py --case seed --tool pyinstrument
    .venv/bin/python benchmarks/profile_crossorigin.py --case simple --tool breakdown
    .venv/bin/python benchmarks/profile_crossorigin.py --case simple --tool ablation

``py-spy`` samples this script in ``--loop`` mode (the crossorigin app answering the
case's request over and over) and prints, for every frame under
``src/crossorigin`` and the Flask/Werkzeug frames it calls, the inclusive share of
samples and that share converted to microseconds per request. ``pyinstrument``
prints its call tree. ``breakdown`` times each function crossorigin runs per request
on its own (timeit, best of several repeats, CPU time) and the whole app next to the
bare app, so the sum of the parts can be checked against the measured overhead.
``ablation`` times, interleaved, the bare app, the bare app behind a pass-through
middleware, behind a middleware that appends one fixed header, with an
``after_request`` hook that sets one fixed header, crossorigin and flask-cors: the
floor any CORS layer of each shape pays, next to what crossorigin pays.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
from collections import Counter
from logging import INFO
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench import make_environ, start_response, time_calls  # noqa: E402
from cases import case_app, find_case  # noqa: E402


def loop(case_tag: str, seconds: float) -> None:
    """Answer the case's request with crossorigin for ``seconds``; print µs/request."""
    case = find_case(case_tag)
    app = case_app("crossorigin", case)
    assert app is not None
    environ = make_environ(case.request)
    t_cpu = time.thread_time()
    n = _drive(app, environ, seconds)
    cpu = time.thread_time() - t_cpu
    print(f"{n} requests, {cpu / n * 1e6:.2f} µs CPU per request", flush=True)


def _drive(app: Any, environ: dict[str, Any], seconds: float) -> int:
    n = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        for _ in range(500):
            it = app(environ.copy(), start_response)
            for _chunk in it:
                pass
            close = getattr(it, "close", None)
            if close is not None:
                close()
        n += 500
    return n


def _is_interesting(frame: str) -> bool:
    return "crossorigin/" in frame or "flask_cors" in frame


def py_spy(case_tag: str, seconds: float, rate: int, top: int = 12) -> None:
    exe = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "profile.raw"
        cmd = [
            exe,
            "record",
            "--rate",
            str(rate),
            "--format",
            "raw",
            "--nolineno",
            "--output",
            str(raw),
            "--",
            sys.executable,
            str(Path(__file__).resolve()),
            "--case",
            case_tag,
            "--loop",
            str(seconds),
        ]
        out = subprocess.run(cmd, capture_output=True, text=True, check=False)
        per_request = None
        for line in out.stdout.splitlines():
            print(line)
            if "µs CPU per request" in line:
                per_request = float(line.split(",")[1].split()[0])
        if not raw.exists():
            print(out.stderr)
            raise SystemExit("py-spy wrote no profile (ptrace not permitted? run as root)")
        inclusive: Counter[str] = Counter()
        self_time: Counter[str] = Counter()
        total = 0
        for line in raw.read_text().splitlines():
            stack, _, count_text = line.rpartition(" ")
            if not stack:
                continue
            count = int(count_text)
            frames = stack.split(";")
            # Only samples inside the request loop (skip imports and start-up).
            if not any(f.startswith("_drive (") for f in frames):
                continue
            total += count
            for frame in set(frames):
                inclusive[frame] += count
            self_time[frames[-1]] += count
    print(f"\n{total} samples in the request loop; µs/request = share x {per_request} µs")
    print(f"{'incl %':>7} {'incl µs':>8} {'self %':>7}  function (file)")
    others = 0
    for frame, count in inclusive.most_common():
        if "profile_crossorigin" in frame:
            continue
        if not _is_interesting(frame):
            # Context: the biggest Flask / Werkzeug frames, then only crossorigin's.
            others += 1
            if others > top:
                continue
        share = count / total
        us = f"{share * per_request:8.2f}" if per_request else "       ?"
        print(f"{share:7.1%} {us} {self_time[frame] / total:7.1%}  {_short(frame)}")


def _short(frame: str) -> str:
    name, _, where = frame.partition(" (")
    where = where.rstrip(")")
    for marker in ("site-packages/", "/src/"):
        if marker in where:
            where = where.split(marker, 1)[1]
    return f"{name} ({where})"


def pyinstrument_tree(case_tag: str, seconds: float) -> None:
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0001)
    profiler.start()
    loop(case_tag, seconds)
    profiler.stop()
    print(profiler.output_text(unicode=True, color=False, show_all=False, short_mode=False))


# -- breakdown ---------------------------------------------------------------------------


def _best(stmt: Any, number: int = 20_000, repeat: int = 7) -> float:
    timer = timeit.Timer(stmt, timer=time.thread_time)
    return min(timer.repeat(repeat=repeat, number=number)) / number * 1e6


def breakdown(case_tag: str) -> None:
    """Time every crossorigin step of the request path for ``case_tag`` on its own."""
    from crossorigin.core.decide import decide_actual
    from crossorigin.core.header_list import apply_decision, only_appends
    from crossorigin.flask_ext.middleware import cors_middleware
    from crossorigin.flask_ext.response import (
        debug_enabled,
        decide_environ,
        is_preflight_environ,
        logger,
    )

    case = find_case(case_tag)
    co = case_app("crossorigin", case)
    bare = case_app("bare", case)
    assert co is not None and bare is not None
    environ = make_environ(case.request)
    state = co.extensions.get("cors")
    if state is None:
        print(f"{case.name}: no CORS(app) middleware to break down; use --tool py-spy")
        return

    # The response headers the view produces, as crossorigin's start_response sees them.
    seen: list[Any] = []

    def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        seen.append(list(headers))
        return lambda data: None

    it = bare(environ.copy(), capture)
    b"".join(it)
    getattr(it, "close", lambda: None)()
    view_headers: list[tuple[str, str]] = seen[-1]

    env = environ.copy()
    co(env.copy(), capture)  # the first request of this shape fills the remembered maps

    def starts_response(environ: Any, start_response: Any) -> list[bytes]:
        start_response("200 OK", list(view_headers))
        return []

    lean = cors_middleware(starts_response, state, co.config)
    policy = state.for_response(env)
    if policy is None:
        print(f"{case.name}: the request's path is not covered")
        return
    decision = decide_environ(policy, env)

    def sink(status: str, headers: Any, exc_info: Any = None) -> None:
        return None

    rows: list[tuple[str, float | None]] = []

    def row(label: str, stmt: Any) -> None:
        rows.append((label, _best(stmt)))

    def heading(label: str) -> None:
        rows.append((label, None))

    row("environ.copy() (harness, both sides)", environ.copy)
    heading("per request:")
    row("middleware.py is_preflight_environ (OPTIONS only)", lambda: is_preflight_environ(env))
    row("resolve.py CORSState.for_response", lambda: state.for_response(env))
    row("response.py decide_environ (remembered answer)", lambda: decide_environ(policy, env))
    row(
        "response.py debug_enabled (app.config['DEBUG'])",
        lambda: debug_enabled(policy, co.config["DEBUG"]),
    )
    row("logger.isEnabledFor(INFO) (refusals only)", lambda: logger.isEnabledFor(INFO))
    row(
        f"header_list.py only_appends ({len(view_headers)} view headers)",
        lambda: only_appends(view_headers, decision, False),
    )
    row(
        f"middleware.py cors_middleware, whole, around an app that only starts a response "
        f"({len(view_headers)} view headers, list copy included)",
        lambda: lean(env, sink),  # type: ignore[arg-type]
    )
    row("list(view headers) (copy for the line above)", lambda: list(view_headers))
    heading("the first request of a shape, and every request under a callable:")
    row("decide.py decide_actual", lambda: decide_actual(policy, "GET", env.get("HTTP_ORIGIN")))
    row(
        f"header_list.py apply_decision ({len(view_headers)} view headers, general path)",
        lambda: apply_decision(list(view_headers), decision),
    )

    print(
        f"case: {case.name}; decision: {decision.reason.value}, headers {decision.headers}, "
        f"vary {decision.vary!r}"
    )
    print(f"{'µs':>7}  step (best of 7 x 20,000, CPU time)")
    for label, us in rows:
        print(f"{label}" if us is None else f"{us:7.3f}  {label}")

    samples_co, samples_bare = [], []
    for _ in range(9):
        samples_bare.append(time_calls(bare, environ, 2000))
        samples_co.append(time_calls(co, environ, 2000))
    mb, mc = statistics.median(samples_bare), statistics.median(samples_co)
    print(
        f"\nwhole request, median of 9 x 2,000 (interleaved): bare {mb:.2f} µs, "
        f"crossorigin {mc:.2f} µs, overhead {mc - mb:+.2f} µs ({mc / mb:.3f}x)"
    )


class _PassThrough:
    """The cheapest middleware shaped like crossorigin's: a closure around start_response."""

    def __init__(self, wsgi_app: Any):
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        def wrapped(status: str, headers: Any, exc_info: Any = None) -> Any:
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, wrapped)


class _FixedHeader(_PassThrough):
    """The floor for any CORS middleware: append one precomputed header, decide nothing."""

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        def wrapped(status: str, headers: Any, exc_info: Any = None) -> Any:
            headers.append(("Access-Control-Allow-Origin", "*"))
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, wrapped)


def ablation(case_tag: str, batches: int = 25, n: int = 1500) -> None:
    """bare, bare + pass-through middleware, bare + fixed-header middleware,
    bare + after_request hook adding a fixed header, crossorigin: interleaved."""
    case = find_case(case_tag)
    environ = make_environ(case.request)
    variants: dict[str, Any] = {}
    variants["bare"] = case_app("bare", case)
    app = case_app("bare", case)
    assert app is not None
    app.wsgi_app = _PassThrough(app.wsgi_app)  # type: ignore[method-assign]
    variants["+ pass-through middleware"] = app
    app = case_app("bare", case)
    assert app is not None
    app.wsgi_app = _FixedHeader(app.wsgi_app)  # type: ignore[method-assign]
    variants["+ fixed-header middleware"] = app
    app = case_app("bare", case)
    assert app is not None

    @app.after_request
    def add(resp: Any) -> Any:
        resp.headers["Access-Control-Allow-Origin"] = "*"
        return resp

    variants["+ fixed-header after_request"] = app
    variants["crossorigin"] = case_app("crossorigin", case)
    variants["flask-cors"] = case_app("flask-cors", case)
    variants = {k: v for k, v in variants.items() if v is not None}
    for v in variants.values():
        time_calls(v, environ, 500)
    samples: dict[str, list[float]] = {k: [] for k in variants}
    names = list(variants)
    for b in range(batches):
        for name in names[b % len(names) :] + names[: b % len(names)]:
            samples[name].append(time_calls(variants[name], environ, n))
    base = samples["bare"]
    print(f"case: {case.name}; {batches} interleaved batches of {n} requests, CPU time")
    print(f"{'µs':>7} {'vs bare':>8}  variant")
    for name, values in samples.items():
        ratio = statistics.median(v / b for v, b in zip(values, base, strict=True))
        delta = statistics.median(v - b for v, b in zip(values, base, strict=True))
        print(f"{statistics.median(values):7.2f} {delta:+8.2f}  {name} ({ratio:.3f}x)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--case", default="simple", help="case tag from cases.py")
    parser.add_argument(
        "--tool", choices=("py-spy", "pyinstrument", "breakdown", "ablation"), default="breakdown"
    )
    parser.add_argument("--seconds", type=float, default=8.0, help="profiling time")
    parser.add_argument("--rate", type=int, default=1000, help="py-spy samples per second")
    parser.add_argument("--loop", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.loop is not None:
        loop(args.case, args.loop)
    elif args.tool == "py-spy":
        py_spy(args.case, args.seconds, args.rate)
    elif args.tool == "ablation":
        ablation(args.case)
    elif args.tool == "pyinstrument":
        pyinstrument_tree(args.case, args.seconds)
    else:
        breakdown(args.case)
    return 0


if __name__ == "__main__":
    sys.exit(main())
