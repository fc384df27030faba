#!/usr/bin/env bash
# Run the demo: the article's Flask API on http://localhost:5000 and a page on
# http://localhost:3000 that shows why each cross-origin request is allowed or blocked.
#
#   ./scripts/demo.sh [--api-port N] [--page-port N] [--quiet]
#   DEMO_API_PORT=8000 DEMO_PAGE_PORT=8080 ./scripts/demo.sh
#
# Sets up what it needs on a fresh Debian machine with Python 3.11: creates .venv when
# missing and installs crossorigin into it (pip install -e .). Ctrl-C stops both servers.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}

if [ ! -x .venv/bin/python ]; then
    if ! command -v "$PYTHON" >/dev/null 2>&1; then
        echo "demo: $PYTHON not found; install Python 3.10 or later: sudo apt-get install -y python3 python3-venv" >&2
        exit 1
    fi
    echo "demo: creating .venv ..." >&2
    if ! "$PYTHON" -m venv .venv >/dev/null 2>&1; then
        rm -rf .venv
        if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
            echo "demo: installing the Debian package python3-venv ..." >&2
            export DEBIAN_FRONTEND=noninteractive
            apt-get update -qq >/dev/null
            apt-get install -y -qq python3-venv >/dev/null
            "$PYTHON" -m venv .venv
        else
            echo "demo: '$PYTHON -m venv' failed; install it: sudo apt-get install -y python3-venv" >&2
            exit 1
        fi
    fi
fi

# Install crossorigin (editable) unless this checkout's copy is already importable.
if ! .venv/bin/python - <<'PY' >/dev/null 2>&1
import os, sys
from importlib.util import find_spec
flask, crossorigin = find_spec("flask"), find_spec("crossorigin")
here = os.path.realpath("src/crossorigin/__init__.py")
sys.exit(not (flask and crossorigin and os.path.realpath(crossorigin.origin) == here))
PY
then
    echo "demo: installing crossorigin into .venv (pip install -e .) ..." >&2
    .venv/bin/python -m pip install -q --disable-pip-version-check -e .
fi

exec .venv/bin/python -m demo "$@"
