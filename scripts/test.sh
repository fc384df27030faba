#!/usr/bin/env bash
# Run every test: lint, types, unit, Flask and headless-Chromium suites.
# Sets up what it needs on a fresh Debian machine with Python 3.11.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[dev]'
# Browser tests fail with an install hint when Chromium is missing; the rest still run.
scripts/ensure-chromium.sh || true
.venv/bin/ruff check src tests benchmarks
.venv/bin/ruff format --check src tests benchmarks
.venv/bin/mypy
.venv/bin/pytest "$@"
