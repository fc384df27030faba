"""Instructions per request, counted by Valgrind (callgrind): the bench.py cases, noise-free.

    .venv/bin/python benchmarks/instructions.py                 # the cases with a target
    .venv/bin/python benchmarks/instructions.py --all           # every case
    .venv/bin/python benchmarks/instructions.py --case seed --requests 2000

Wall time on a shared machine moves by 1 to 2% from run to run, which is as much as
the targets leave. An instruction count does not move with the machine's load: each
app of a case (bare Flask, flask-cors, crossorigin and the append-only floor, as in
bench.py) runs once with no measured request and once with ``--requests`` of them, under
``valgrind --tool=callgrind``, and the difference divided by the number of requests is
its count per request. Every run has the same hash seed and, where ``setarch -R``
exists, the same memory layout; the garbage collector is off while the requests run
(when it runs depends on every allocation before it, which makes a count jump by a
thousand or two from one change to the next). The same source counts the same within a
few hundred; a change elsewhere can still move every app's count by about 1% (memory
layout), so compare the apps of a case within one run, as the ratios do.

An instruction is not a microsecond: a request's own code runs with colder caches than
the rest of Flask's, and wall-time ratios in bench.py run about 1.5 times as far from
1.00 as these. This is the measure to compare two versions of the code by; bench.py
is the one to read the cost from. Needs Valgrind (``apt-get install valgrind``).
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench import (
    FLOOR,
    TARGETS,
    call,
    dist_version,
    floor_app,
    git_commit,
    load_average,
    make_environ,
    select_cases,
    serve,
)
from cases import CASES, LIBS, Case, case_app, find_case

#: The apps of a case, in the table's order.
APPS = (*LIBS, FLOOR)
_COLLECTED = re.compile(r"Collected : (\d+)")


def run_requests(lib: str, tag: str, requests: int) -> None:
    """The child: build ``lib``'s app for case ``tag``, warm it up, then run ``requests``
    requests with the garbage collector off."""
    case = find_case(tag)
    app = floor_app() if lib == FLOOR else case_app(lib, case)
    if app is None:
        raise SystemExit(f"{lib} cannot express the case {case.name!r}")
    environ = make_environ(case.request)
    for _ in range(50):  # first-request work, remembered maps, specialised bytecode
        call(app, environ)
    gc.collect()
    gc.disable()
    serve(app, environ, requests)


def count(lib: str, tag: str, requests: int) -> int:
    """Instructions of one child run, as callgrind counts them."""
    command = [
        "valgrind",
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        sys.executable,
        str(Path(__file__).resolve()),
        "--run",
        lib,
        tag,
        str(requests),
    ]
    if shutil.which("setarch"):
        command = ["setarch", "-R", *command]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    found = _COLLECTED.search(done.stderr)
    if done.returncode != 0 or found is None:
        tail = "\n".join(done.stderr.splitlines()[-5:])
        raise RuntimeError(f"{lib} {tag}: the run failed:\n{tail}")
    return int(found.group(1))


def per_request(lib: str, tag: str, requests: int) -> float:
    """Instructions per request: a run with ``requests`` requests less one with none."""
    return (count(lib, tag, requests) - count(lib, tag, 0)) / requests


@dataclass
class Counted:
    case: Case
    counts: dict[str, float | None]  # instructions per request, per app

    def ratio(self, lib: str, other: str = "bare") -> float | None:
        a, b = self.counts.get(lib), self.counts.get(other)
        return None if a is None or b is None else a / b


def measure(cases: list[Case], requests: int, jobs: int) -> list[Counted]:
    """Every app of every case, ``jobs`` runs at a time."""
    tasks = []
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for case in cases:
            tag = case.tags[-1]
            for lib in APPS:
                if lib == "flask-cors" and case.flask_cors is None:
                    continue  # flask-cors cannot express the case
                tasks.append((case, lib, pool.submit(per_request, lib, tag, requests)))
        results = {case.name: Counted(case, dict.fromkeys(APPS)) for case in cases}
        for case, lib, future in tasks:
            results[case.name].counts[lib] = future.result()
            print(f"  counted: {case.name}, {lib}", file=sys.stderr, flush=True)
    return list(results.values())


def fmt_k(value: float | None) -> str:
    return "n/a" if value is None else f"{value / 1000:,.1f}k"


def fmt_r(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def print_table(results: list[Counted]) -> None:
    print(
        "| case | bare | flask-cors | crossorigin | co - bare | co/bare | co/flask-cors "
        f"| {FLOOR}/bare |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        co, bare = r.counts["crossorigin"], r.counts["bare"]
        extra = "n/a" if co is None or bare is None else f"{(co - bare) / 1000:+,.1f}k"
        print(
            f"| {r.case.name} | {fmt_k(bare)} | {fmt_k(r.counts['flask-cors'])} | {fmt_k(co)} "
            f"| {extra} | {fmt_r(r.ratio('crossorigin'))} "
            f"| {fmt_r(r.ratio('crossorigin', 'flask-cors'))} | {fmt_r(r.ratio(FLOOR))} |"
        )


def print_targets(results: list[Counted]) -> None:
    print("\nTargets, in instructions (a MISS never fails the process):")
    for tag, label, limit in TARGETS:
        for r in results:
            ratio = r.ratio("crossorigin")
            if tag in r.case.tags and ratio is not None:
                verdict = "PASS" if ratio <= limit else "MISS"
                print(f"  {verdict}  {label:<44} {r.case.name}: {ratio:.3f}")
    below = [r.ratio("crossorigin", "flask-cors") for r in results]
    compared = [v for v in below if v is not None]
    verdict = "PASS" if all(v < 1.0 for v in compared) else "MISS"
    print(f"  {verdict}  below flask-cors ({sum(v < 1.0 for v in compared)}/{len(compared)} cases)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--case",
        action="append",
        default=[],
        help="the case with this tag, or the cases whose name contains it (repeatable)",
    )
    parser.add_argument("--all", action="store_true", help="every case, not only the targets")
    parser.add_argument("--requests", type=int, default=1000, help="measured requests per run")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="runs at a time")
    parser.add_argument("--run", nargs=3, metavar=("LIB", "CASE", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.run:
        lib, tag, requests = args.run
        run_requests(lib, tag, int(requests))
        return 0
    if shutil.which("valgrind") is None:
        print("instructions.py needs Valgrind: apt-get install valgrind", file=sys.stderr)
        return 2
    targeted = {tag for tag, _, _ in TARGETS}
    cases = select_cases(CASES, args.case)
    if not args.all and not args.case:
        cases = [c for c in cases if targeted & set(c.tags)]
    load = load_average()
    print(f"crossorigin instruction counts, commit {git_commit()}")
    print(
        f"Flask {dist_version('flask')}, Werkzeug {dist_version('werkzeug')}, "
        f"flask-cors {dist_version('flask-cors')}, Python {sys.version.split()[0]}; "
        f"callgrind, {args.requests:,} requests per run less a run with none, GC off"
        + (f"; load average {load:.2f} (counts do not depend on it)" if load is not None else "")
    )
    print()
    results = measure(cases, args.requests, max(1, args.jobs))
    print_table(results)
    print_targets(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
