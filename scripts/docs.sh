#!/usr/bin/env bash
# Build the documentation site (Sphinx, the Pallets theme) into docs/_build/html.
# Warnings are errors, as in ./scripts/test.sh. Extra arguments go to sphinx-build.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[docs,quart]'
.venv/bin/python -m sphinx -W --keep-going -b html docs docs/_build/html "$@"
echo "docs: built; open file://$PWD/docs/_build/html/index.html"
