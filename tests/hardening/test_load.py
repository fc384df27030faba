"""Load, faults and threads.

- gunicorn with ``sync`` and ``gthread`` workers on loopback (a free port, started
  and stopped by the test) under a bounded run from a threaded Python client: a mix
  of allowed, refused and garbage origins and of repeated ``Origin`` lines, actual
  requests and preflights, and a
  stream of distinct paths that churns the path caches. Zero errors (no connection
  failure, no 5xx, no traceback in the server log), zero wrong grants, and worker
  memory flat between the end of a warm-up and the end of the run (RSS from /proc,
  reported in the terminal summary).
- In-process thread-safety: the policy is immutable, and the caches (the
  remembered path policies, ``Policy.answers``) stay correct and
  bounded when 8 threads hammer them with distinct paths and origins.
"""

from __future__ import annotations

import dataclasses
import http.client
import importlib.util
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask

from crossorigin import CORS, build_policy
from crossorigin.core import decide, paths
from crossorigin.core.decide import Reason, decide_actual
from crossorigin.flask_ext.extension import CORSState

from . import load_app
from .support import STATS, record_max

TESTS_DIR = Path(__file__).resolve().parent.parent
DATA = TESTS_DIR / "data"

WARMUP_REQUESTS = 1000
RUN_REQUESTS = 5000
RUN_SECONDS = 30.0
CLIENT_THREADS = 8
#: Cache size in the workers, so that distinct paths evict many times during the run.
LOAD_CACHE_SIZE = 128
#: Allowed RSS growth per worker between the end of the warm-up and the end of the run.
RSS_GROWTH_LIMIT_KB = 6 * 1024

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads worker memory from /proc"
)


# -- the server -----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def worker_pids(master: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rpartition(")")[2].split()[1])
        if ppid == master:
            found.append(int(entry))
    return sorted(found)


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError(f"no VmRSS for {pid}")


@dataclasses.dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    log: Path
    workers: list[int]


@contextmanager
def gunicorn(worker_class: str, tmp_path: Path) -> Iterator[Server]:
    log = tmp_path / f"gunicorn-{worker_class}.log"
    for _attempt in range(3):
        port = free_port()
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--worker-class",
            worker_class,
            "--threads",
            "4",
            "--chdir",
            str(TESTS_DIR),
            "--error-logfile",
            str(log),
            "--log-level",
            "warning",
            "--graceful-timeout",
            "5",
            "hardening.load_app:app",
        ]
        process = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "CROSSORIGIN_LOAD_CACHE_SIZE": str(LOAD_CACHE_SIZE)},
        )
        try:
            workers = _wait_ready(process, port)
        except Exception:
            _stop(process)
            if process.returncode not in (None, 0) and "Address already in use" in _read(log):
                continue  # lost the race for the port; try another
            raise
        try:
            yield Server(process, port, log, workers)
        finally:
            _stop(process)
        return
    raise AssertionError("gunicorn did not start: " + _read(log)[-2000:])


def _read(path: Path) -> str:
    return path.read_text(errors="replace") if path.exists() else ""


def _wait_ready(process: subprocess.Popen[bytes], port: int) -> list[int]:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"gunicorn exited with {process.returncode}")
        workers = worker_pids(process.pid)
        if len(workers) == 2:
            try:
                status, _ = request(port, "GET", "/public/x", [])
            except OSError:
                status = 0
            if status == 200:
                return workers
        time.sleep(0.1)
    raise AssertionError("gunicorn did not become ready in 20 s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def request(
    port: int, method: str, path: str, headers: list[tuple[str, str]]
) -> tuple[int, dict[str, list[str]]]:
    """One raw HTTP/1.1 request on a new connection (values are sent as-is, a name may
    repeat)."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers]
    raw = ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(raw)
        response = http.client.HTTPResponse(sock, method=method)
        response.begin()
        response.read()
        found: dict[str, list[str]] = {}
        for name, value in response.getheaders():
            found.setdefault(name.lower(), []).append(value)
        return response.status, found


# -- the load -------------------------------------------------------------------------

ALLOWED = ("https://app.example.com", "https://a.example.com", "http://localhost:3000")
REFUSED = ("https://evil.test", "null", "https://example.com.evil.net", "http://app.example.com")


def garbage_origins() -> list[str]:
    """Corpus values a raw HTTP client can frame (no CR/LF, no NUL) and gunicorn accepts
    as one header line."""
    values = [json.loads(line) for line in (DATA / "hostile_origins.txt").read_text().splitlines()]
    return [v for v in values if not any(c in v for c in "\r\n\x00") and len(v) < 4000]


@dataclasses.dataclass(frozen=True)
class Plan:
    method: str
    path: str
    origin: str
    kind: str  # allowed, refused, garbage or repeated
    second: str = ""  # with "repeated": a second Origin line

    def headers(self) -> list[tuple[str, str]]:
        headers = [("Origin", self.origin)]
        if self.second:
            headers.append(("Origin", self.second))
        if self.method == "OPTIONS":
            headers.append(("Access-Control-Request-Method", "PUT"))
            headers.append(("Access-Control-Request-Headers", "content-type,x-trace"))
        return headers


def plans(count: int, seed: int, garbage: list[str]) -> list[Plan]:
    rng = random.Random(seed)
    out = []
    for i in range(count):
        kind = rng.choices(("allowed", "refused", "garbage", "repeated"), (8, 5, 5, 2))[0]
        second = ""
        if kind == "allowed":
            origin = rng.choice(ALLOWED)
        elif kind == "refused":
            origin = rng.choice(REFUSED)
        elif kind == "garbage":
            origin = rng.choice(garbage)
        else:  # two Origin lines; the server joins them, so never a grant
            origin = rng.choice(ALLOWED)
            second = rng.choice((origin, *ALLOWED, *REFUSED))
        path = rng.choices(
            ("/api/items", "/api/folder", "/public/x", f"/api/items/{seed}-{i}"), (5, 1, 1, 3)
        )[0]
        method = "OPTIONS" if rng.random() < 0.25 else "GET"
        out.append(Plan(method, path, origin, kind, second))
    return out


def check(plan: Plan, status: int, headers: dict[str, list[str]]) -> str | None:
    """None if the response is right, else what is wrong."""
    if status >= 500:
        return f"{status} for {plan}"
    acao = headers.get("access-control-allow-origin", [])
    if status == 400 and plan.kind == "garbage" and not acao:
        return None  # gunicorn refused the raw header line itself
    if len(acao) > 1:
        return f"{len(acao)} ACAO headers for {plan}"
    vary = [t.strip().lower() for v in headers.get("vary", []) for t in v.split(",")]
    if plan.path.startswith("/public/"):
        return None if acao == ["*"] else f"public path got ACAO {acao} for {plan}"
    if vary.count("origin") != 1:
        return f"Vary {headers.get('vary')} for {plan}"
    # HTTP parsing drops the spaces and tabs around a field value (RFC 9110 §5.5), and
    # the server joins repeated lines with a comma.
    origin = plan.origin.strip(" \t") + ("," + plan.second if plan.second else "")
    allowed = load_app.API_PATTERN.fullmatch(origin) is not None
    if plan.kind == "allowed" and not allowed:
        return f"test plan error: {plan}"
    if allowed:
        if acao != [origin] or headers.get("access-control-allow-credentials") != ["true"]:
            return f"allowed origin not granted: {plan} -> {acao}"
    elif acao or "access-control-allow-credentials" in headers:
        return f"WRONG GRANT {acao} for {plan}"
    return None


def run(port: int, work: list[Plan], deadline: float) -> tuple[list[str], int]:
    problems: list[str] = []
    refused_by_server = 0
    lock = threading.Lock()

    def one(plan: Plan) -> None:
        nonlocal refused_by_server
        if time.monotonic() > deadline:
            with lock:
                problems.append("time limit reached")
            return
        try:
            status, headers = request(port, plan.method, plan.path, plan.headers())
        except Exception as exc:  # a failure to talk to the server is an error
            with lock:
                problems.append(f"{type(exc).__name__}: {exc} for {plan}")
            return
        problem = check(plan, status, headers)
        with lock:
            if status == 400:
                refused_by_server += 1
            if problem:
                problems.append(problem)

    with ThreadPoolExecutor(CLIENT_THREADS) as pool:
        list(pool.map(one, work))
    return problems, refused_by_server


@pytest.mark.skipif(importlib.util.find_spec("gunicorn") is None, reason="needs gunicorn")
@pytest.mark.parametrize("worker_class", ["sync", "gthread"])
def test_gunicorn_under_load_makes_no_errors_no_wrong_grants_and_stays_flat(
    worker_class: str, tmp_path: Path
) -> None:
    garbage = garbage_origins()
    with gunicorn(worker_class, tmp_path) as server:
        start = time.monotonic()
        deadline = start + RUN_SECONDS
        problems, _ = run(server.port, plans(WARMUP_REQUESTS, 1, garbage), deadline)
        assert problems == []
        before = {pid: rss_kb(pid) for pid in server.workers}
        problems, by_server = run(server.port, plans(RUN_REQUESTS, 2, garbage), deadline)
        after = {pid: rss_kb(pid) for pid in server.workers}
        elapsed = time.monotonic() - start
        assert worker_pids(server.process.pid) == server.workers, "a worker was restarted"
    log = _read(server.log)
    assert problems == [], problems[:20]
    assert "Traceback" not in log and "Error handling request" not in log, log[-3000:]
    total = WARMUP_REQUESTS + RUN_REQUESTS
    STATS[f"gunicorn {worker_class}"] = (
        f"{total} requests (about {total * 3 // 10} distinct paths, caches of {LOAD_CACHE_SIZE}) "
        f"in {elapsed:.1f} s ({total / elapsed:.0f}/s, {CLIENT_THREADS} client "
        f"threads), {by_server} garbage lines refused by gunicorn itself (400); worker RSS "
        + ", ".join(f"{before[p] / 1024:.1f} -> {after[p] / 1024:.1f} MiB" for p in server.workers)
    )
    assert elapsed <= RUN_SECONDS
    for pid in server.workers:
        growth = after[pid] - before[pid]
        record_max(f"gunicorn {worker_class} worker RSS growth", growth / 1024, "{:.2f} MiB")
        assert growth <= RSS_GROWTH_LIMIT_KB, f"worker {pid} grew by {growth} kB"


# -- threads, in process ----------------------------------------------------------------

THREADS = 8


@contextmanager
def busy_switching() -> Iterator[None]:
    """Switch threads as often as possible, to make races likely."""
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(old)


def hammer(work: Callable[[int], list[str]]) -> list[str]:
    barrier = threading.Barrier(THREADS)
    results: list[list[str]] = [[] for _ in range(THREADS)]

    def runner(index: int) -> None:
        barrier.wait()
        try:
            results[index] = work(index)
        except Exception as exc:  # reported, not swallowed
            results[index] = [f"{type(exc).__name__}: {exc}"]

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(THREADS)]
    with busy_switching():
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    return [problem for found in results for problem in found]


def test_policy_is_immutable() -> None:
    policy = build_policy({"origins": ["https://a.com"], "methods": ["GET"]})
    with pytest.raises(dataclasses.FrozenInstanceError):
        policy.credentials = True  # type: ignore[misc]
    with pytest.raises(TypeError):
        policy.options["origins"] = "*"  # type: ignore[index]
    assert isinstance(policy.methods, frozenset) and isinstance(policy.allow_headers, frozenset)


def rng_path(index: int, i: int) -> str:
    shapes = (
        f"/api/x{index}-{i}",
        f"/api/v1/admin/{index}/{i}",
        f"/api/v{i % 3}/items/{index}-{i}",
        f"/public/{index}/{i}",
        "/exact",
        f"/other/{index}/{i}",
    )
    return shapes[(index + i) % len(shapes)]


def test_path_policies_are_correct_under_threads_with_evictions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A small remembered-path bound makes the threads evict all the time."""
    monkeypatch.setattr(paths, "PATH_CACHE_SIZE", 64)
    app = Flask(__name__)
    CORS(
        app,
        resources={
            "/api/*": {"origins": ["https://a.example.com"]},
            "/public/*": {"origins": "*"},
        },
    )
    state = app.extensions["cors"]
    assert isinstance(state, CORSState)
    api = state.resolve(None, "/api/x")
    public = state.resolve(None, "/public/x")
    assert api is not None and public is not None and api is not public

    def work(index: int) -> list[str]:
        problems = []
        for i in range(3000):
            path = rng_path(index, i)
            want = (
                api if path.startswith("/api/") else public if path.startswith("/public/") else None
            )
            if state.for_path(path) is not want:
                problems.append(f"{path}: wrong policy")
        return problems

    assert hammer(work) == []


def test_requests_from_threads_get_their_own_answers() -> None:
    origins = [f"https://t{i}.example.com" for i in range(THREADS)]
    app = Flask(__name__)

    @app.route("/api/items/<item>")
    def item(item: str) -> str:
        return item

    CORS(app, origins=[*origins[: THREADS // 2], "https://*.example.org"])

    def work(index: int) -> list[str]:
        client = app.test_client()
        problems = []
        for i in range(300):
            origin = origins[index] if i % 2 else f"https://u{index}-{i}.example.org"
            allowed = index < THREADS // 2 or origin.endswith(".example.org")
            response = client.get(f"/api/items/{index}-{i}", headers={"Origin": origin})
            acao = response.headers.getlist("Access-Control-Allow-Origin")
            if acao != ([origin] if allowed else []):
                problems.append(f"{origin} got {acao}")
            if response.get_data(as_text=True) != f"{index}-{i}":
                problems.append("body mixed up")
        return problems

    assert hammer(work) == []


def test_policy_answers_are_correct_under_threads_with_evictions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A small ``Policy.answers`` bound makes the threads evict all the time."""
    monkeypatch.setattr(decide, "ANSWER_CACHE_SIZE", 64)
    exact = [f"https://e{i}.example.com" for i in range(50)]
    policy = build_policy(
        {"origins": [*exact, "https://*.example.org"], "supports_credentials": True}
    )
    sizes: list[int] = []

    def work(index: int) -> list[str]:
        problems = []
        for i in range(4000):
            choice = (index + i) % 5
            if choice == 0:
                origin, allowed = exact[(index * 7 + i) % len(exact)], True
            elif choice == 1:
                origin, allowed = f"https://n{index}-{i}.example.org", True
            elif choice == 2:
                origin, allowed = f"https://n{index}-{i % 50}.example.org", True  # repeats
            elif choice == 3:
                origin, allowed = f"https://n{index}-{i}.evil.test", False
            else:
                origin, allowed = f"bad\r\n{index}-{i}", False
            decision = decide_actual(policy, "GET", origin)
            headers = dict(decision.headers)
            if headers.get("Access-Control-Allow-Origin") != (origin if allowed else None):
                problems.append(f"{origin!r}: {headers.get('Access-Control-Allow-Origin')!r}")
            if allowed and headers.get("Access-Control-Allow-Credentials") != "true":
                problems.append(f"{origin!r}: no credentials")
            if not allowed and decision.reason is Reason.ALLOWED:
                problems.append(f"{origin!r}: allowed")
            sizes.append(len(policy.answers))
        return problems

    assert hammer(work) == []
    assert max(sizes) <= 64 + THREADS
    STATS["Policy.answers under 8 threads (limit 64)"] = f"max {max(sizes)}"
