"""The benchmark measures what it says: every case's apps answer as the case expects."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import bench
import cases


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
