"""Whole-server benchmark: gunicorn (2 sync workers) + a load generator on loopback.

    .venv/bin/python benchmarks/server_bench.py             # 10 s per app per case
    .venv/bin/python benchmarks/server_bench.py --quick     # 4 s per app per case
    .venv/bin/python benchmarks/server_bench.py --seconds 20 --case simple

The three apps of ``cases.py`` (bare, flask-cors, crossorigin) are started at once,
each as its own gunicorn on a free loopback port, and loaded in turn: the time per
app is split into rounds and the rounds are interleaved (bare, flask-cors,
crossorigin, bare, ...), so a busy moment of a shared machine is spread over all
three. Requests/s is the total over the rounds; p99 is the median of the rounds'
p99. The load generator is ``wrk`` when it is on PATH (Debian: ``apt-get install
wrk``), else a small threaded Python client (slower: it measures less of the
server). Every server is stopped at the end, also on Ctrl-C or an error.

Timing is not a test: this prints numbers and exits 0.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from cases import LIBS, Case, find_case  # noqa: E402

DEFAULT_CASES = ("simple", "preflight", "seed")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Server:
    lib: str
    case: str
    port: int
    proc: subprocess.Popen[bytes]
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def start_server(lib: str, case: str, workers: int, logdir: Path) -> Server:
    port = free_port()
    log = logdir / f"gunicorn-{lib}-{case}.log"
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--bind",
        f"127.0.0.1:{port}",
        "--pythonpath",
        str(HERE),
        "--log-level",
        "warning",
        "--backlog",
        "512",
        f"cases:create_app({lib!r}, {case!r})",
    ]
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=HERE)
    return Server(lib, case, port, proc, log)


def wait_ready(server: Server, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise RuntimeError(
                f"gunicorn for {server.lib} exited ({server.proc.returncode}):\n"
                + server.log.read_text(errors="replace")[-2000:]
            )
        try:
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=2)
            conn.request("GET", "/api/data")
            conn.getresponse().read()
            conn.close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"gunicorn for {server.lib} on port {server.port} did not answer")


def stop_server(server: Server) -> None:
    if server.proc.poll() is not None:
        return
    server.proc.send_signal(signal.SIGTERM)  # gunicorn: graceful stop of master + workers
    try:
        server.proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.proc.kill()
        server.proc.wait(timeout=5)


# -- load generators -----------------------------------------------------------------------


@dataclass
class Round:
    requests: int
    seconds: float
    p99_ms: float
    errors: int = 0
    non_2xx: int = 0


_WRK_LATENCY = re.compile(r"^\s*99%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
_WRK_TOTAL = re.compile(r"(\d+) requests in ([\d.]+)(us|ms|s|m)")
_WRK_ERRORS = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
_WRK_NON2XX = re.compile(r"Non-2xx or 3xx responses: (\d+)")
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _lua_script(case: Case, directory: Path) -> Path:
    lines = [f'wrk.method = "{case.request.method}"', f'wrk.path = "{case.request.path}"']
    for name, value in case.request.headers:
        lines.append(f'wrk.headers["{name}"] = "{value}"')
    path = directory / f"{case.tags[0]}.lua"
    path.write_text("\n".join(lines) + "\n")
    return path


def run_wrk(url: str, case: Case, seconds: float, connections: int, tmp: Path) -> Round:
    cmd = [
        "wrk",
        "--threads",
        "1",
        "--connections",
        str(connections),
        "--duration",
        f"{max(1, round(seconds))}s",
        "--latency",
        "--script",
        str(_lua_script(case, tmp)),
        url,
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=seconds + 30)
    text = out.stdout
    total = _WRK_TOTAL.search(text)
    p99 = _WRK_LATENCY.search(text)
    if total is None or p99 is None:
        raise RuntimeError(f"cannot read wrk output:\n{text}\n{out.stderr}")
    errors = _WRK_ERRORS.search(text)
    non2xx = _WRK_NON2XX.search(text)
    return Round(
        requests=int(total.group(1)),
        seconds=float(total.group(2)) * _UNITS[total.group(3)] / 1000.0,
        p99_ms=float(p99.group(1)) * _UNITS[p99.group(2)],
        # wrk counts gunicorn's sync-worker close after each response as a read
        # error on some kernels; only connect errors and timeouts are real.
        errors=int(errors.group(1)) + int(errors.group(4)) if errors else 0,
        non_2xx=int(non2xx.group(1)) if non2xx else 0,
    )


def run_python_client(url: str, case: Case, seconds: float, connections: int) -> Round:
    """A small threaded client: one request per connection (gunicorn sync closes)."""
    host, port = url.removeprefix("http://").split(":")
    headers = dict(case.request.headers)
    latencies: list[list[float]] = [[] for _ in range(connections)]
    counts = [0] * connections
    errors = [0] * connections
    non2xx = [0] * connections
    deadline = time.perf_counter() + seconds

    def worker(i: int) -> None:
        while time.perf_counter() < deadline:
            t0 = time.perf_counter()
            try:
                conn = http.client.HTTPConnection(host, int(port), timeout=10)
                conn.request(case.request.method, case.request.path, headers=headers)
                resp = conn.getresponse()
                resp.read()
                conn.close()
            except OSError:
                errors[i] += 1
                continue
            latencies[i].append(time.perf_counter() - t0)
            counts[i] += 1
            if not 200 <= resp.status < 400:
                non2xx[i] += 1

    t_start = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t_start
    all_lat = sorted(x for lat in latencies for x in lat)
    p99 = all_lat[min(len(all_lat) - 1, int(len(all_lat) * 0.99))] * 1000 if all_lat else 0.0
    return Round(sum(counts), elapsed, p99, sum(errors), sum(non2xx))


# -- main ----------------------------------------------------------------------------------


@dataclass
class Totals:
    rounds: list[Round] = field(default_factory=list)

    @property
    def rps(self) -> float:
        return sum(r.requests for r in self.rounds) / sum(r.seconds for r in self.rounds)

    @property
    def p99(self) -> float:
        return statistics.median(r.p99_ms for r in self.rounds)

    @property
    def problems(self) -> str:
        errors = sum(r.errors for r in self.rounds)
        non2xx = sum(r.non_2xx for r in self.rounds)
        parts = []
        if errors:
            parts.append(f"{errors} socket errors")
        if non2xx:
            parts.append(f"{non2xx} non-2xx")
        return ", ".join(parts)


def bench_case(
    case_tag: str, seconds: float, rounds: int, connections: int, workers: int, tmp: Path
) -> dict[str, Totals]:
    case = find_case(case_tag)
    libs = [lib for lib in LIBS if lib == "bare" or getattr(case, lib.replace("-", "_"))]
    servers: list[Server] = []
    results = {lib: Totals() for lib in libs}
    use_wrk = shutil.which("wrk") is not None
    try:
        for lib in libs:
            servers.append(start_server(lib, case_tag, workers, tmp))
        for server in servers:
            wait_ready(server)
        per_round = seconds / rounds
        for r in range(rounds):
            order = servers[r % len(servers) :] + servers[: r % len(servers)]
            for server in order:
                if use_wrk:
                    result = run_wrk(server.url, case, per_round, connections, tmp)
                else:
                    result = run_python_client(server.url, case, per_round, connections)
                results[server.lib].rounds.append(result)
    finally:
        for server in servers:
            stop_server(server)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="4 s per app per case")
    parser.add_argument("--seconds", type=float, help="load time per app per case (default 10)")
    parser.add_argument("--rounds", type=int, help="interleaved rounds (default 4, quick 2)")
    parser.add_argument("--connections", type=int, default=4, help="concurrent connections")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument(
        "--case",
        action="append",
        default=[],
        help=f"case tags from cases.py (default: {', '.join(DEFAULT_CASES)})",
    )
    args = parser.parse_args(argv)
    seconds = args.seconds or (4.0 if args.quick else 10.0)
    args.rounds = args.rounds or (2 if args.quick else 4)
    case_tags = args.case or list(DEFAULT_CASES)

    tool = shutil.which("wrk")
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    load = os.getloadavg()[0]
    print(f"crossorigin server benchmark, {now}, {os.cpu_count()} CPUs, load average {load:.2f}")
    print(
        f"gunicorn {args.workers} sync workers per app on 127.0.0.1; load: "
        f"{'wrk (1 thread)' if tool else 'threaded Python client'}, "
        f"{args.connections} connections, {seconds:g} s per app per case in {args.rounds} "
        "interleaved rounds\n"
    )
    print(
        "| case | bare req/s | flask-cors req/s | crossorigin req/s | co/bare | co/flask-cors "
        "| bare p99 ms | flask-cors p99 ms | crossorigin p99 ms | problems |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    with tempfile.TemporaryDirectory(prefix="crossorigin-bench-") as tmpdir:
        for tag in case_tags:
            res = bench_case(
                tag, seconds, args.rounds, args.connections, args.workers, Path(tmpdir)
            )
            co = res["crossorigin"]

            def rps(lib: str, res: dict[str, Totals] = res) -> str:
                return f"{res[lib].rps:,.0f}" if lib in res else "n/a"

            def p99(lib: str, res: dict[str, Totals] = res) -> str:
                return f"{res[lib].p99:.1f}" if lib in res else "n/a"

            def ratio(lib: str, res: dict[str, Totals] = res, co: Totals = co) -> str:
                # Throughput ratio, inverted so that < 1 means crossorigin costs less.
                return f"{res[lib].rps / co.rps:.2f}" if lib in res else "n/a"

            problems = "; ".join(f"{lib}: {t.problems}" for lib, t in res.items() if t.problems)
            print(
                f"| {find_case(tag).name} | {rps('bare')} | {rps('flask-cors')} "
                f"| {rps('crossorigin')} | {ratio('bare')} | {ratio('flask-cors')} "
                f"| {p99('bare')} | {p99('flask-cors')} | {p99('crossorigin')} | {problems} |",
                flush=True,
            )
    print(
        "\nco/bare and co/flask-cors compare time per request (the inverse of the req/s "
        "ratio): below 1.00 means crossorigin served more requests per second."
    )
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
