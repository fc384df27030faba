"""The Python examples in README.md and docs/*.md run, so they stay true.

Each page's ```python blocks run in order in one namespace (a later block may use the
app of an earlier one), like a doctest file. A block that is a fragment (it needs an app
the page does not build, or imports the reader's own module) is marked with the line
``<!-- not-run -->`` just before its fence; keep those few.
"""

from __future__ import annotations

import re
import sys
import types
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
NOT_RUN = "<!-- not-run -->"
FENCE = re.compile(r"^(?P<indent> *)(?P<fence>`{3,}|~{3,})(?P<info>[^`\n]*)$")


@dataclass(frozen=True)
class Block:
    page: Path
    line: int  # of the opening fence, 1-based
    language: str
    code: str
    not_run: bool


def blocks(page: Path) -> list[Block]:
    """The fenced code blocks of a Markdown page."""
    lines = page.read_text(encoding="utf-8").splitlines()
    found: list[Block] = []
    index = 0
    while index < len(lines):
        opening = FENCE.match(lines[index])
        if not opening:
            index += 1
            continue
        fence, indent = opening["fence"], len(opening["indent"])
        language = opening["info"].strip().split(" ")[0]
        body: list[str] = []
        end = index + 1
        while end < len(lines) and not lines[end].strip().startswith(fence):
            body.append(lines[end][indent:])
            end += 1
        before = next((line.strip() for line in reversed(lines[:index]) if line.strip()), "")
        found.append(Block(page, index + 1, language, "\n".join(body) + "\n", before == NOT_RUN))
        index = end + 1
    return found


def python_blocks(page: Path) -> list[Block]:
    return [block for block in blocks(page) if block.language in ("python", "py")]


def test_the_examples_are_found() -> None:
    every = [block for page in PAGES for block in python_blocks(page)]
    run = [block for block in every if not block.not_run]
    assert len(run) >= 8
    not_run = [f"{b.page.name}:{b.line}" for b in every if b.not_run]
    assert len(not_run) <= len(run) // 2, f"most examples run; fragments: {not_run}"


def test_a_marker_stands_only_before_a_python_block() -> None:
    for page in PAGES:
        lines = page.read_text(encoding="utf-8").splitlines()
        marked = {i + 1 for i, line in enumerate(lines) if line.strip() == NOT_RUN}
        python = {block.line for block in python_blocks(page) if block.not_run}
        for marker in marked:
            after = next(n for n in range(marker + 1, len(lines) + 1) if lines[n - 1].strip())
            assert after in python, f"{page.name}:{marker}: {NOT_RUN} before no python block"


@pytest.mark.parametrize(
    "page",
    [page for page in PAGES if any(not b.not_run for b in python_blocks(page))],
    ids=lambda page: str(page.relative_to(ROOT)),
)
def test_the_python_examples_of_the_page_run(page: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    name = "docs_example_" + re.sub(r"\W", "_", page.stem)
    module = types.ModuleType(name)
    module.__file__ = str(page)
    monkeypatch.setitem(sys.modules, name, module)
    monkeypatch.chdir(page.parent)
    for block in python_blocks(page):
        if block.not_run:
            continue
        where = f"{page.relative_to(ROOT)}:{block.line}"
        code = compile(block.code, where, "exec")
        try:
            exec(code, module.__dict__)
        except Exception as error:  # the failing block named, with the original traceback
            raise AssertionError(f"the example at {where} fails: {error!r}") from error
