"""The benchmark measures what it says: every case's apps answer as the case expects."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import asgi_bench
import bench
import cases
import instructions


@pytest.mark.parametrize("case", cases.CASES, ids=lambda c: c.name)
def test_each_case_grants_exactly_what_it_says_in_every_library(case: cases.Case) -> None:
    apps: dict[str, bench.WSGIApp] = {}
    for lib in cases.LIBS:
        app = cases.case_app(lib, case)
        if app is not None:
            apps[lib] = app
    assert "bare" in apps and "crossorigin" in apps
    assert bench.check_responses(case, apps, bench.make_environ(case.request)) == ""


def test_a_wrong_answer_is_reported_before_timing() -> None:
    case = cases.find_case("exact-10-hit")
    bare = cases.build_app("bare", None)
    refusing = cases.build_app("crossorigin", {"origins": ["https://other.example.com"]})
    apps: dict[str, bench.WSGIApp] = {"bare": bare, "crossorigin": refusing}
    problem = bench.check_responses(case, apps, bench.make_environ(case.request))
    assert problem == "crossorigin: ACAO missing"


def test_quartiles_are_the_middle_half() -> None:
    assert bench.quartiles([1.0, 2.0, 3.0]) == (1.0, 3.0)
    low, high = bench.quartiles([float(v) for v in range(1, 101)])
    assert 25 <= low <= 26 and 75 <= high <= 76


# -- the ASGI benchmark -------------------------------------------------------------------

ASGI_STACKS, ASGI_SKIPPED = asgi_bench.stacks()


@pytest.mark.parametrize("stack", ASGI_STACKS, ids=lambda s: s.name)
@pytest.mark.parametrize("case", asgi_bench.CASES, ids=lambda c: c.name)
def test_each_asgi_case_grants_exactly_what_it_says_in_every_library(
    stack: asgi_bench.Stack, case: asgi_bench.AsgiCase
) -> None:
    apps = asgi_bench.case_apps(stack, case)
    assert list(apps) == ["bare", stack.comparison, "crossorigin"]
    scope = asgi_bench.make_scope(case.request)
    assert asyncio.run(asgi_bench.check_responses(stack, case, apps, scope)) == ""


def test_a_wrong_asgi_answer_is_reported_before_timing() -> None:
    stack = ASGI_STACKS[0]
    case = next(c for c in asgi_bench.CASES if "simple" in c.tags)
    refusing = asgi_bench.Config(origins=("https://other.example.com",))
    apps = {"bare": stack.build("bare", None), "crossorigin": stack.build("crossorigin", refusing)}
    scope = asgi_bench.make_scope(case.request)
    problem = asyncio.run(asgi_bench.check_responses(stack, case, apps, scope))
    assert problem == "crossorigin: ACAO missing"


def test_the_asgi_preflight_is_answered_by_the_cors_libraries_not_the_app() -> None:
    stack = ASGI_STACKS[0]
    case = next(c for c in asgi_bench.CASES if "preflight" in c.tags)
    scope = asgi_bench.make_scope(case.request)
    for lib, app in asgi_bench.case_apps(stack, case).items():
        answer = asyncio.run(asgi_bench.call(app, scope))
        expected = stack.options_status if lib == "bare" else 200
        assert answer.status == expected, lib
        if lib != "bare":
            assert "PUT" in answer.headers["access-control-allow-methods"], lib


def test_a_stack_that_cannot_run_says_why() -> None:
    names = [s.name for s in ASGI_STACKS]
    assert "Starlette" in names
    if "Quart" not in names:
        [line] = ASGI_SKIPPED
        assert line.startswith("Quart skipped: ") and line.endswith(" not installed")


def test_the_instruction_count_child_runs_every_app_of_a_case() -> None:
    for lib in (*cases.LIBS, bench.FLOOR):
        assert instructions.main(["--run", lib, "seed", "2"]) == 0


def test_the_instruction_count_child_refuses_an_app_the_case_cannot_build() -> None:
    with pytest.raises(SystemExit, match="flask-cors cannot express"):
        instructions.run_requests("flask-cors", "callable", 1)


def test_instruction_targets_compare_the_exact_ratio(capsys: pytest.CaptureFixture[str]) -> None:
    simple = cases.find_case("simple")
    counted = instructions.Counted(
        simple, {"bare": 100_000.0, "flask-cors": 150_000.0, "crossorigin": 105_001.0}
    )
    instructions.print_targets([counted])
    out = capsys.readouterr().out
    assert "MISS  simple GET <= 1.05 x bare" in out and "1.050" in out
    assert "PASS  below flask-cors (1/1 cases)" in out
    counted.counts["crossorigin"] = 105_000.0
    instructions.print_targets([counted])
    assert "PASS  simple GET <= 1.05 x bare" in capsys.readouterr().out
