"""The sdist and the wheel: metadata, twine's check, and the wheel in a fresh virtualenv."""

from __future__ import annotations

import email
import email.policy
import os
import re
import subprocess
import sys
import tarfile
import venv
import zipfile
from email.message import Message
from pathlib import Path

import pytest
from packaging.requirements import Requirement

import crossorigin

from .conftest import ROOT, run


def wheel_metadata(wheel: Path) -> Message:
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        return email.message_from_bytes(archive.read(name), policy=email.policy.compat32)


def test_twine_check_strict_passes_on_the_sdist_and_the_wheel(sdist: Path, wheel: Path) -> None:
    result = run(sys.executable, "-m", "twine", "check", "--strict", sdist, wheel)
    assert result.stdout.count("PASSED") == 2, result.stdout


def test_the_version_is_the_one_in_crossorigin_init(wheel: Path, sdist: Path) -> None:
    assert wheel_metadata(wheel)["Version"] == crossorigin.__version__
    assert wheel.name == f"crossorigin-{crossorigin.__version__}-py3-none-any.whl"
    assert sdist.name == f"crossorigin-{crossorigin.__version__}.tar.gz"


def test_the_runtime_dependencies_are_flask_and_publicsuffixlist_only(wheel: Path) -> None:
    requirements = [Requirement(line) for line in wheel_metadata(wheel).get_all("Requires-Dist")]
    runtime = {req.name.lower() for req in requirements if req.marker is None}
    assert runtime == {"flask", "publicsuffixlist"}


def test_quart_and_its_server_are_the_quart_extra(wheel: Path) -> None:
    requirements = [Requirement(line) for line in wheel_metadata(wheel).get_all("Requires-Dist")]
    quart = {
        req.name.lower()
        for req in requirements
        if req.marker is not None
        and req.marker.evaluate({"extra": "quart"})
        and not req.marker.evaluate({"extra": ""})
    }
    assert quart == {"quart", "hypercorn"}


def test_the_metadata_has_license_classifiers_urls_and_python_versions(wheel: Path) -> None:
    meta = wheel_metadata(wheel)
    assert meta["License-Expression"] == "MIT"
    assert meta["Requires-Python"] == ">=3.10"
    classifiers = set(meta.get_all("Classifier"))
    for classifier in (
        "Framework :: Flask",
        "Typing :: Typed",
        "License :: OSI Approved :: MIT License",
        "Operating System :: OS Independent",
        "Development Status :: 3 - Alpha",
    ):
        assert classifier in classifiers
    versions = {c.rsplit(" ", 1)[1] for c in classifiers if re.fullmatch(r".*:: 3\.\d+", c)}
    assert versions == {"3.10", "3.11", "3.12", "3.13"}  # what noxfile.py tests
    urls = dict(line.split(", ", 1) for line in meta.get_all("Project-URL"))
    assert {"Documentation", "Changes", "Source"} <= set(urls)
    assert all(url.startswith("https://") for url in urls.values())


def test_the_wheel_holds_the_package_the_license_and_the_type_marker(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "crossorigin/py.typed" in names
    assert "crossorigin/testing.py" in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert not [n for n in names if n.startswith(("tests/", "docs/", "demo/"))]


def test_the_sdist_holds_what_rebuilds_and_tests_the_package(sdist: Path) -> None:
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    for name in ("pyproject.toml", "LICENSE", "CHANGES.md", "README.md", "docs/conf.py"):
        assert name in names
    assert "src/crossorigin/__init__.py" in names
    assert not [n for n in names if n.startswith((".venv/", ".nox/", "docs/_build/"))]


# The first snippet of the article in shared/reference (1. The Quick Fix), as printed,
# with ``from flask_cors import CORS`` changed to ``from crossorigin import CORS``.
FIRST_SNIPPET = """\
from flask import Flask, jsonify
from crossorigin import CORS
app = Flask(__name__)
# Enable CORS globally for all routes and origins
CORS(app)
@app.route('/api/data')
def get_data():
    return jsonify({"message": "CORS is working perfectly!", "status": "success"})
if __name__ == '__main__':
    app.run(debug=True, port=5000)
"""

EXERCISE = """\
import importlib.metadata, json, os, sys
import crossorigin
from snippet import app

here = os.path.realpath(crossorigin.__file__)
assert here.startswith(os.path.realpath(sys.prefix)), here  # the wheel, not the checkout
assert importlib.metadata.version("crossorigin") == crossorigin.__version__

client = app.test_client()
response = client.get("/api/data", headers={"Origin": "http://localhost:3000"})
assert response.status_code == 200
assert response.headers["Access-Control-Allow-Origin"] == "*"
assert response.get_json() == {"message": "CORS is working perfectly!", "status": "success"}

preflight = client.options("/api/data", headers={
    "Origin": "http://localhost:3000",
    "Access-Control-Request-Method": "PUT",
    "Access-Control-Request-Headers": "content-type",
})
assert preflight.status_code == 200
assert preflight.headers["Access-Control-Allow-Origin"] == "*"
assert "PUT" in preflight.headers["Access-Control-Allow-Methods"]

from crossorigin.testing import assert_cors_allowed
assert_cors_allowed(client, "/api/data", origin="https://app.example.com", method="PUT",
                    headers=["Content-Type"])
print("snippet ok", crossorigin.__version__)
"""


def test_the_wheel_installs_into_a_fresh_venv_and_runs_the_first_snippet(
    wheel: Path, tmp_path: Path
) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    run(python, "-m", "pip", "install", "-q", "--disable-pip-version-check", wheel)
    work = tmp_path / "work"
    work.mkdir()
    (work / "snippet.py").write_text(FIRST_SNIPPET)
    (work / "exercise.py").write_text(EXERCISE)
    environ = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    result = subprocess.run(
        [str(python), "exercise.py"],
        cwd=work,
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == f"snippet ok {crossorigin.__version__}"
    # Only the runtime dependencies came along.
    listed = run(python, "-m", "pip", "list", "--format=freeze", cwd=work).stdout.lower()
    assert "flask-cors" not in listed
    assert "publicsuffixlist==" in listed


def test_the_snippet_above_is_the_article_first_snippet() -> None:
    """Where shared/reference is beside the checkout, compare with the article itself."""
    candidates = [
        ROOT.parent / "shared" / "reference" / "000_ecdbfe6b5d12baca.txt",
        Path("/work/shared/reference/000_ecdbfe6b5d12baca.txt"),
    ]
    article = next((path for path in candidates if path.is_file()), None)
    if article is None:
        pytest.skip("shared/reference is not beside this checkout")
    text = article.read_text(encoding="utf-8")
    printed = FIRST_SNIPPET.replace("from crossorigin import CORS", "from flask_cors import CORS")
    flat = [line.strip() for line in printed.splitlines()]
    article_lines = [line.strip() for line in text.splitlines()]
    start = article_lines.index(flat[0])
    assert article_lines[start : start + len(flat)] == flat


# -- the package index page: the README as long description ----------------------------

LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE_DEFINITION = re.compile(r"^\s*\[[^\]]+\]:\s*(\S+)", re.MULTILINE)
HTML_ATTRIBUTE = re.compile(r"""\b(?:src|href)\s*=\s*["']([^"']+)["']""")


def long_description(wheel: Path) -> str:
    payload = wheel_metadata(wheel).get_payload()
    assert isinstance(payload, str)
    return payload


def test_the_long_description_is_the_readme_as_markdown(wheel: Path) -> None:
    meta = wheel_metadata(wheel)
    assert meta["Description-Content-Type"] == "text/markdown"
    assert long_description(wheel).strip() == (ROOT / "README.md").read_text().strip()


def test_every_link_and_image_on_the_package_index_page_is_absolute(wheel: Path) -> None:
    text = long_description(wheel)
    text_without_code = re.sub(r"```.*?```", "", text, flags=re.DOTALL)
    targets = (
        LINK.findall(text_without_code)
        + REFERENCE_DEFINITION.findall(text_without_code)
        + HTML_ATTRIBUTE.findall(text_without_code)
    )
    assert targets, "the README links to the docs"
    relative = [t for t in targets if not t.startswith("https://")]
    assert relative == [], "relative links break on the package index page"


def test_the_readme_docs_links_point_at_pages_the_docs_build(wheel: Path) -> None:
    docs = "https://crossorigin.readthedocs.io/en/latest/"
    for target in LINK.findall(long_description(wheel)):
        if target.startswith(docs):
            page = target.removeprefix(docs).split("#")[0]
            if page in ("", "index.html"):
                continue
            source = page.removesuffix(".html")
            assert (ROOT / "docs" / f"{source}.md").exists() or (
                ROOT / "docs" / f"{source}.rst"
            ).exists(), target
        elif target.startswith("https://raw.githubusercontent.com/crossorigin/crossorigin/"):
            path = target.split("/", 6)[6]  # https://raw.githubusercontent.com/o/r/branch/path
            assert (ROOT / path).exists(), target
