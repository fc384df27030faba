"""In-process ASGI benchmark: the same app bare, with its usual CORS library, with crossorigin.

    .venv/bin/python benchmarks/asgi_bench.py            # about a minute
    .venv/bin/python benchmarks/asgi_bench.py --quick    # a few seconds per case
    .venv/bin/python benchmarks/asgi_bench.py --case simple --case preflight

A stack is one framework with three apps of the same routes as ``cases.py``: bare, with
the framework's usual CORS library, and with crossorigin. Starlette: Starlette's
``CORSMiddleware`` and ``crossorigin.asgi.CORSMiddleware``, each wrapping the app.
Quart: quart-cors and ``crossorigin.quart.CORS`` (skipped when those are not installed).

Each request is one call of the ASGI app, ``await app(scope_copy, receive, send)``, on a
scope prepared once, in one event loop: no sockets, no HTTP client. The batches are
timed and interleaved as in ``bench.py`` (bare and crossorigin back to back, which goes
first alternating, the others before or after the pair; thread CPU time; medians of the
per-batch times and ratios; a disturbed case runs more batches). The others are the
comparison and a floor: the bare app inside a middleware that only appends two fixed
headers to every response, the least any CORS middleware does.

Timing is not a test: targets print PASS or MISS and the exit status is 0 either way.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import importlib
import importlib.util
import statistics
import sys
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench import (
    add_timing_arguments,
    apply_timing_arguments,
    batch_size,
    current_clock,
    dist_version,
    fmt_ratio,
    fmt_spread,
    fmt_us,
    interleaved_orders,
    load_average,
    more_batches,
    print_header,
    quartiles,
    ratios,
    select_cases,
    table_note,
    target_verdict,
    warmed_up,
)
from cases import MISS_ORIGIN, SEED_METHODS, SEED_ORIGINS, Request

Message = MutableMapping[str, Any]
Scope = dict[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Message]], Any], Awaitable[None]]

# -- what each app is configured with ---------------------------------------------------


@dataclass(frozen=True)
class Config:
    """The CORS configuration of a case, which each stack writes in each library's terms."""

    origins: tuple[str, ...]
    methods: tuple[str, ...] = tuple(SEED_METHODS)
    allow_headers: tuple[str, ...] = ("Content-Type",)


@dataclass(frozen=True)
class AsgiCase:
    """One case: the request, the configuration, what the CORS libraries must answer.

    ``granted``: the CORS libraries send ``Access-Control-Allow-Origin``. Every CORS
    library answers 200; so does the bare app, but to ``OPTIONS`` with its framework's
    own answer (:attr:`Stack.options_status`)."""

    name: str
    request: Request
    config: Config
    granted: bool
    note: str = ""
    tags: tuple[str, ...] = field(default=())


_SEED = Config(tuple(SEED_ORIGINS))
_TEN_THOUSAND = Config(tuple(f"https://app{i}.example.com" for i in range(10_000)))

CASES: tuple[AsgiCase, ...] = (
    AsgiCase(
        name="simple GET, listed origin",
        request=Request(headers=(("Origin", SEED_ORIGINS[1]),)),
        config=_SEED,
        granted=True,
        note="the seed article's three origins; request from the 2nd",
        tags=("simple",),
    ),
    AsgiCase(
        name="GET, unlisted origin",
        request=Request(headers=(("Origin", MISS_ORIGIN),)),
        config=_SEED,
        granted=False,
        note="the same apps; refused: no Access-Control-Allow-Origin",
        tags=("unlisted",),
    ),
    AsgiCase(
        name="preflight",
        request=Request(
            method="OPTIONS",
            headers=(
                ("Origin", SEED_ORIGINS[1]),
                ("Access-Control-Request-Method", "PUT"),
                ("Access-Control-Request-Headers", "content-type"),
            ),
        ),
        config=_SEED,
        granted=True,
        note="bare: the app's own answer to OPTIONS (Starlette 405: the route lists no "
        "OPTIONS; Quart 200, as Flask)",
        tags=("preflight",),
    ),
    AsgiCase(
        name="exact origins 10,000 (hit)",
        request=Request(headers=(("Origin", "https://app5000.example.com"),)),
        config=_TEN_THOUSAND,
        granted=True,
        note="hit = the middle entry of the list",
        tags=("exact-10000", "exact-10000-hit"),
    ),
    AsgiCase(
        name="exact origins 10,000 (miss)",
        request=Request(headers=(("Origin", MISS_ORIGIN),)),
        config=_TEN_THOUSAND,
        granted=False,
        note="a miss scans a list",
        tags=("exact-10000-miss",),
    ),
)


# -- the stacks --------------------------------------------------------------------------


@dataclass(frozen=True)
class Stack:
    """A framework: ``build(lib, config)`` makes its app bare (``config`` None), with
    ``comparison`` (its usual CORS library) or with crossorigin, same routes each time."""

    name: str
    comparison: str
    build: Callable[[str, Config | None], ASGIApp]
    versions: str
    #: The bare app's status for an ``OPTIONS`` request its routes do not list.
    options_status: int


def starlette_app(lib: str, config: Config | None) -> ASGIApp:
    """``cases.py``'s routes on Starlette, wrapped in ``lib``'s CORS middleware."""
    from starlette.applications import Starlette
    from starlette.middleware.cors import CORSMiddleware as StarletteCORS
    from starlette.requests import Request as StarletteRequest
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    from crossorigin.asgi import CORSMiddleware

    async def data(request: StarletteRequest) -> JSONResponse:
        return JSONResponse({"message": "CORS is working", "status": "success"})

    async def item(request: StarletteRequest) -> JSONResponse:
        return JSONResponse({"item": request.path_params["n"]})

    app = Starlette(
        routes=[
            Route("/api/data", data, methods=["GET", "POST", "PUT", "DELETE"]),
            Route("/r{n:int}/item", item),
        ]
    )
    if lib == "bare" or config is None:
        return app
    if lib == "starlette-cors":
        return StarletteCORS(
            app,
            allow_origins=list(config.origins),
            allow_methods=list(config.methods),
            allow_headers=list(config.allow_headers),
        )
    assert lib == "crossorigin", lib
    return CORSMiddleware(
        app,
        origins=list(config.origins),
        methods=list(config.methods),
        allow_headers=list(config.allow_headers),
    )


def quart_app(lib: str, config: Config | None) -> ASGIApp:
    """``cases.py``'s routes on Quart, with quart-cors or ``crossorigin.quart.CORS``.

    Imported by name: Quart and quart-cors are optional here."""
    quart: Any = importlib.import_module("quart")
    app = quart.Quart("bench")

    async def data() -> Any:
        return quart.jsonify(message="CORS is working", status="success")

    async def item(n: int) -> Any:
        return quart.jsonify(item=n)

    app.add_url_rule("/api/data", "data", data, methods=["GET", "POST", "PUT", "DELETE"])
    app.add_url_rule("/r<int:n>/item", "item", item)
    if lib == "bare" or config is None:
        return cast(ASGIApp, app)
    if lib == "quart-cors":
        cors = importlib.import_module("quart_cors").cors
        app = cors(
            app,
            allow_origin=list(config.origins),
            allow_methods=list(config.methods),
            allow_headers=list(config.allow_headers),
        )
        return cast(ASGIApp, app)
    assert lib == "crossorigin", lib
    importlib.import_module("crossorigin.quart").CORS(
        app,
        origins=list(config.origins),
        methods=list(config.methods),
        allow_headers=list(config.allow_headers),
    )
    return cast(ASGIApp, app)


class AppendOnly:
    """The least a CORS middleware does on every response: wrap ``send`` and append two
    fixed headers to the response's start. Timed beside the others as a floor."""

    __slots__ = ("app",)

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        def appending(message: Message) -> Any:
            if message["type"] == "http.response.start":
                message = dict(message)
                message["headers"] = [*message.get("headers", ()), *_FIXED]
            return send(message)

        await self.app(scope, receive, appending)


_FIXED = ((b"access-control-allow-origin", b"*"), (b"vary", b"Origin"))

#: The reference column: the bare app inside :class:`AppendOnly`.
FLOOR = "append-only"


def stacks() -> tuple[list[Stack], list[str]]:
    """The stacks that can run here, and a line for each that cannot."""
    found = [
        Stack(
            "Starlette",
            "starlette-cors",
            starlette_app,
            f"Starlette {dist_version('starlette')}",
            options_status=405,
        )
    ]
    skipped = []
    if importlib.util.find_spec("crossorigin.quart") is None:
        skipped.append("Quart skipped: crossorigin.quart not installed")
    elif importlib.util.find_spec("quart_cors") is None:
        skipped.append("Quart skipped: quart-cors not installed")
    else:
        versions = f"Quart {dist_version('quart')}, quart-cors {dist_version('quart-cors')}"
        found.append(Stack("Quart", "quart-cors", quart_app, versions, options_status=200))
    return found, skipped


# -- ASGI plumbing -----------------------------------------------------------------------


def make_scope(req: Request) -> dict[str, Any]:
    """The HTTP scope a server would pass for ``req`` (host ``localhost``)."""
    headers = [(b"host", b"localhost")]
    headers += [(n.lower().encode("latin-1"), v.encode("latin-1")) for n, v in req.headers]
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": req.method,
        "scheme": "http",
        "path": req.path,
        "raw_path": req.path.encode("ascii"),
        "root_path": "",
        "query_string": b"",
        "headers": headers,
        "server": ("localhost", 80),
        "client": ("127.0.0.1", 50000),
        "state": {},
    }


_REQUEST: Message = {"type": "http.request", "body": b"", "more_body": False}
_DISCONNECT: Message = {"type": "http.disconnect"}


class Receiver:
    """``receive`` for one request: the (empty) body, then a disconnect."""

    __slots__ = ("sent",)

    def __init__(self) -> None:
        self.sent = False

    async def __call__(self) -> Message:
        if self.sent:
            return dict(_DISCONNECT)
        self.sent = True
        return dict(_REQUEST)


async def _discard(message: Message) -> None:
    pass


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


async def call(app: ASGIApp, scope: Scope) -> Answer:
    """One request: status, headers (by lower-case name) and body."""
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    await app(dict(scope), Receiver(), send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    headers = {
        bytes(n).decode("latin-1").lower(): bytes(v).decode("latin-1") for n, v in start["headers"]
    }
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return Answer(start["status"], headers, body)


async def time_calls(app: ASGIApp, scope: Scope, n: int) -> float:
    """Microseconds per request over ``n`` back-to-back requests."""
    copy = scope.copy
    send = _discard
    clock = current_clock()
    t0 = clock()
    for _ in range(n):
        await app(copy(), Receiver(), send)
    return (clock() - t0) / n / 1000.0


# -- timing ------------------------------------------------------------------------------


@dataclass
class Result:
    stack: Stack
    case: AsgiCase
    us: dict[str, float]  # median microseconds per request, per library
    ratio_bare: float  # crossorigin / bare, median of per-batch ratios
    ratio_other: float  # crossorigin / the comparison, median of per-batch ratios
    ratio_floor: float  # append-only / bare, median of per-batch ratios
    spread: tuple[float, float]  # quartiles of the per-batch crossorigin / bare ratios
    check: str
    batches: int


def libs(stack: Stack) -> tuple[str, str, str]:
    return ("bare", stack.comparison, "crossorigin")


def case_apps(stack: Stack, case: AsgiCase) -> dict[str, ASGIApp]:
    return {lib: stack.build(lib, None if lib == "bare" else case.config) for lib in libs(stack)}


def timed_apps(stack: Stack, case: AsgiCase) -> dict[str, ASGIApp]:
    """:func:`case_apps`, and the floor: the bare app inside :class:`AppendOnly`."""
    return {**case_apps(stack, case), FLOOR: AppendOnly(stack.build("bare", None))}


async def check_responses(
    stack: Stack, case: AsgiCase, apps: dict[str, ASGIApp], scope: Scope
) -> str:
    """Make sure each app answers the way the case expects before timing it."""
    problems = []
    for lib, app in apps.items():
        answer = await call(app, scope)
        own_options = lib == "bare" and case.request.method == "OPTIONS"
        want_status = stack.options_status if own_options else 200
        want_acao = case.granted and lib != "bare"
        if answer.status != want_status:
            problems.append(f"{lib}: status {answer.status}")
        if ("access-control-allow-origin" in answer.headers) != want_acao:
            problems.append(f"{lib}: ACAO {'missing' if want_acao else 'present'}")
    return "; ".join(problems)


async def bench_case(stack: Stack, case: AsgiCase, batches: int, batch_seconds: float) -> Result:
    apps = timed_apps(stack, case)
    scope = make_scope(case.request)
    check = await check_responses(stack, case, case_apps(stack, case), scope)
    sizes: dict[str, int] = {}
    for lib, app in apps.items():  # warm up, and size each app's batch
        n = 8
        while True:
            elapsed = await time_calls(app, scope, n) * n / 1e6
            if warmed_up(n, elapsed, batch_seconds):
                break
            n *= 2
        sizes[lib] = batch_size(n, elapsed, batch_seconds)
    other = stack.comparison
    orders = interleaved_orders([other, FLOOR])
    samples: dict[str, list[float]] = {lib: [] for lib in apps}
    done = 0
    while more_batches(samples, done, batches):
        for lib in orders[done % len(orders)]:
            gc.collect()
            samples[lib].append(await time_calls(apps[lib], scope, sizes[lib]))
        done += 1
    to_bare = ratios(samples, "crossorigin", "bare")
    return Result(
        stack,
        case,
        {lib: statistics.median(values) for lib, values in samples.items()},
        statistics.median(to_bare),
        statistics.median(ratios(samples, "crossorigin", other)),
        statistics.median(ratios(samples, FLOOR, "bare")),
        quartiles(to_bare),
        check,
        done,
    )


# -- output ------------------------------------------------------------------------------


def print_table(stack: Stack, results: list[Result], batches: int) -> None:
    other = stack.comparison
    print(f"{stack.name} ({stack.versions})\n")
    print(
        f"| case | bare µs | {other} µs | crossorigin µs | co/bare | co/{other} "
        f"| co/bare middle half | {FLOOR}/bare | notes |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | :---: | ---: | --- |")
    for r in results:
        note = table_note(r.case.note, r.batches, batches, r.check)
        print(
            f"| {r.case.name} | {fmt_us(r.us['bare'])} | {fmt_us(r.us[other])} "
            f"| {fmt_us(r.us['crossorigin'])} | {fmt_ratio(r.ratio_bare)} "
            f"| {fmt_ratio(r.ratio_other)} | {fmt_spread(r.spread)} "
            f"| {fmt_ratio(r.ratio_floor)} | {note} |"
        )


TARGETS: tuple[tuple[str, str, float], ...] = (
    # (case tag, label, max crossorigin/bare)
    ("simple", "simple GET <= 1.05 x bare", 1.05),
    ("preflight", "preflight <= 1.00 x the app's OPTIONS", 1.00),
    ("exact-10000-hit", "10,000 exact origins <= 1.05 x bare", 1.05),
)


def print_targets(stack: Stack, results: list[Result]) -> None:
    print(f"\nTargets, {stack.name} (ratios from this run; a MISS never fails the process):")
    for tag, label, limit in TARGETS:
        for r in results:
            if tag in r.case.tags:
                verdict, within = target_verdict(r.ratio_bare, r.spread, limit)
                print(f"  {verdict}  {label:<42} {r.case.name}: {r.ratio_bare:.2f}")
                if within:
                    print(f"        ({within})")
    slower = [r for r in results if r.ratio_other >= 1.0]
    verdict = "PASS" if not slower else "MISS"
    below = f"{len(results) - len(slower)}/{len(results)}"
    print(f"  {verdict}  below {stack.comparison} in every case ({below})")
    for r in slower:
        print(f"          not below {stack.comparison}: {r.case.name}: {r.ratio_other:.2f}")


# -- main --------------------------------------------------------------------------------


def header(args: argparse.Namespace, found: list[Stack]) -> None:
    versions = ", ".join(
        [*(s.versions for s in found), f"crossorigin {dist_version('crossorigin')}"]
    )
    how = "in-process ASGI calls in one event loop, no sockets"
    print_header("crossorigin ASGI benchmark", versions, args, how)


async def run(args: argparse.Namespace) -> None:
    found, skipped = stacks()
    header(args, found)
    for line in skipped:
        print(line)
    if skipped:
        print()
    cases = select_cases(CASES, args.case)
    for stack in found:
        results = []
        for case in cases:
            results.append(await bench_case(stack, case, args.batches, args.batch_ms / 1000))
            print(f"  measured: {stack.name}: {case.name}", file=sys.stderr, flush=True)
        print_table(stack, results, args.batches)
        print_targets(stack, results)
        print()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_timing_arguments(parser)
    args = parser.parse_args(argv)
    apply_timing_arguments(args)
    asyncio.run(run(args))
    load = load_average()
    if load is not None:
        print(f"load average at the end: {load:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
