"""The non-browser test suites on every CPython from 3.10 to 3.13 that this machine has.

``./scripts/test.sh`` runs the whole suite on the main Python (3.11) in ``.venv`` and then
``nox``, which runs the non-browser suites on the other versions (``tests-3.10``,
``tests-3.12``, ``tests-3.13``). ``nox -s tests-3.11`` runs the main one too.

Interpreters are looked up in pyenv's ``~/.pyenv/versions/3.X.*/bin`` (the newest patch
release) and then on ``PATH``; a version with no interpreter is skipped, and said so.
"""

from __future__ import annotations

import glob
import os
import shutil
import sys

import nox

VERSIONS = ("3.10", "3.11", "3.12", "3.13")
#: Run by ./scripts/test.sh itself, with the browser suites.
MAIN = "3.11"

nox.options.default_venv_backend = "venv"
nox.options.reuse_venv = "yes"
nox.options.error_on_missing_interpreters = True


def _patch(path: str) -> tuple[int, ...]:
    version = path.split(os.sep)[-3].split(".")
    return tuple(int(part) if part.isdigit() else -1 for part in version)


def _find(version: str) -> str | None:
    """The directory holding ``python3.X`` for ``version``, or None."""
    root = os.path.expanduser(os.environ.get("PYENV_ROOT", "~/.pyenv"))
    found = sorted(glob.glob(os.path.join(root, "versions", f"{version}.*", "bin")), key=_patch)
    for bin_dir in reversed(found):
        if os.access(os.path.join(bin_dir, f"python{version}"), os.X_OK):
            return bin_dir
    on_path = shutil.which(f"python{version}")
    if on_path and "shims" not in on_path.split(os.sep):
        return os.path.dirname(on_path)
    return None


FOUND = {version: bin_dir for version in VERSIONS if (bin_dir := _find(version))}
SKIPPED = [version for version in VERSIONS if version not in FOUND]
# nox finds "python3.X" on PATH: put each interpreter found first.
os.environ["PATH"] = os.pathsep.join([*FOUND.values(), os.environ.get("PATH", "")])
print(
    "nox: CPython found: "
    + (", ".join(f"{version} ({bin_dir})" for version, bin_dir in FOUND.items()) or "none")
    + (("; skipped, no interpreter found: " + ", ".join(SKIPPED)) if SKIPPED else "; none skipped"),
    file=sys.stderr,
)

OTHERS = [version for version in FOUND if version != MAIN]
nox.options.sessions = [f"tests-{version}" for version in OTHERS] or ["skipped"]


@nox.session(python=list(FOUND) or list(VERSIONS))
def tests(session: nox.Session) -> None:
    """The non-browser suites on one CPython (no demo page, no release build)."""
    session.env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    session.install("-q", "-e", ".[dev,quart]")
    session.run(
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "-m",
        "not browser and not release",
        "--ignore",
        "tests/demo",
        "--ignore",
        "tests/browser",
        *session.posargs,
    )


@nox.session(python=False)
def skipped(session: nox.Session) -> None:
    """Stands in when no CPython other than the main one was found."""
    session.log("no CPython other than %s found; skipped: %s", MAIN, ", ".join(SKIPPED))
