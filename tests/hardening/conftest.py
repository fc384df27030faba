"""Hardening suite set-up: the ``--long`` switch and a summary of measured numbers.

The default (CI) profile keeps the whole suite within a few minutes on two cores.
``--long`` (or ``CROSSORIGIN_HARDENING=long`` in the environment, which also works
when the suite is collected from the repository root) runs at least 100,000
examples per property test.
"""

from __future__ import annotations

import os

import pytest

from .support import ENV_VAR, STATS


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--long",
        action="store_true",
        default=False,
        help=f"hardening suite: run >= 100,000 examples per property (same as {ENV_VAR}=long)",
    )


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("--long", default=False):
        os.environ[ENV_VAR] = "long"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not STATS:
        return
    terminalreporter.section("crossorigin hardening measurements")
    for key in sorted(STATS):
        terminalreporter.write_line(f"{key}: {STATS[key]}")
