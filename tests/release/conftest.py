"""The release build: sdist and wheel (``python -m build``) and the docs site (Sphinx).

Each is built once per test session into a temporary directory. Every test here is marked
``release``; ``./scripts/test.sh`` runs them with the rest.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.release)


def run(
    *args: str | Path, cwd: Path = ROOT, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """Run a command; fail the test with its output when it fails."""
    result = subprocess.run(
        [str(arg) for arg in args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(
            f"{' '.join(map(str, args))} exited {result.returncode}\n"
            f"--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}",
            pytrace=False,
        )
    return result


@pytest.fixture(scope="session")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory with the sdist and the wheel, built from this checkout."""
    out = tmp_path_factory.mktemp("dist")
    run(sys.executable, "-m", "build", "--outdir", out, ROOT)
    return out


@pytest.fixture(scope="session")
def wheel(dist: Path) -> Path:
    (found,) = dist.glob("crossorigin-*-py3-none-any.whl")
    return found


@pytest.fixture(scope="session")
def sdist(dist: Path) -> Path:
    (found,) = dist.glob("crossorigin-*.tar.gz")
    return found


@pytest.fixture(scope="session")
def docs_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The docs site, built with warnings as errors (as ./scripts/docs.sh builds it)."""
    try:
        import myst_parser  # noqa: F401
        import pallets_sphinx_themes  # noqa: F401
        import quart  # noqa: F401  (the API page documents crossorigin.quart)
        import sphinx  # noqa: F401
    except ImportError as error:
        pytest.fail(f"{error}: install the extras: pip install -e '.[dev,docs,quart]'")
    out = tmp_path_factory.mktemp("docs") / "html"
    doctrees = out.parent / "doctrees"
    run(
        sys.executable, "-m", "sphinx", "-W", "--keep-going", "-b", "html",
        "-d", doctrees, ROOT / "docs", out,
    )  # fmt: skip
    return out
