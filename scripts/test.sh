#!/usr/bin/env bash
# Run every test: lint, types, unit, Flask and headless-Chromium suites on the main Python
# (3.11, in .venv), the release build (sdist and wheel, twine check, the wheel in a fresh
# venv), the docs site (sphinx-build -W) and its examples, then the non-browser suites on
# every other CPython from 3.10 to 3.13 that the machine has (nox; missing ones are skipped
# and named).
# Sets up what it needs on a fresh Debian machine with Python 3.11.
# Extra arguments go to pytest, and then only the main Python runs.
set -euo pipefail
cd "$(dirname "$0")/.."
export PIP_DISABLE_PIP_VERSION_CHECK=1
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[dev,docs,quart]'
# Browser tests fail with an install hint when Chromium is missing; the rest still run.
scripts/ensure-chromium.sh || true
.venv/bin/ruff check src tests benchmarks docs/conf.py docs/_ext noxfile.py
.venv/bin/ruff format --check src tests benchmarks docs/conf.py docs/_ext noxfile.py
.venv/bin/mypy
.venv/bin/pytest "$@"
if [ "$#" -eq 0 ]; then
    .venv/bin/nox
else
    echo "test.sh: arguments given, so only the main Python ran; ./scripts/test.sh alone runs 3.10-3.13" >&2
fi
