"""The import arrows between crossorigin's parts, read from the source of every module.

core <- probe <- {doctor, flask_ext.inspect} <- {flask_ext.cli, testing}; the Flask
middleware (the rest of flask_ext) and the ASGI middleware (asgi) need only the core; the
Quart extension (quart) reuses the core, the ASGI helpers and the Flask rule of which
policy governs a view (Quart shares Flask's app core). Nothing else imports Quart.
Nothing imports a command-line module (doctor, flask_ext.cli) or testing: only the entry
points load them. core, probe, doctor and asgi use the standard library alone (and
publicsuffixlist, for the public-suffix rules), so ``crossorigin doctor`` runs without
Flask.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

import crossorigin

SRC = Path(crossorigin.__file__).parent

#: Which parts each part may import (besides itself).
ALLOWED: dict[str, set[str]] = {
    "core": set(),
    "probe": {"core"},
    "doctor": {"core", "probe"},
    "middleware": {"core"},
    "inspect": {"core", "probe", "middleware"},
    "cli": {"core", "probe", "middleware", "inspect"},
    "testing": {"core", "probe", "inspect"},
    "package": {"core", "middleware"},
    "asgi": {"core"},
    "quart": {"core", "asgi", "middleware"},
}
STDLIB_ONLY = ("core", "probe", "doctor", "asgi")
#: The one runtime dependency besides Flask, for the public-suffix rules (core.hosts).
NOT_FLASK = {"publicsuffixlist"}


def module_names() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path in sorted(SRC.rglob("*.py")):
        parts = ["crossorigin", *path.relative_to(SRC).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = module_names()


def part_of(module: str) -> str:
    if module == "crossorigin":
        return "package"
    if module.startswith("crossorigin.core"):
        return "core"
    if module.startswith("crossorigin.probe"):
        return "probe"
    if module == "crossorigin.flask_ext.inspect":
        return "inspect"
    if module == "crossorigin.flask_ext.cli":
        return "cli"
    if module.startswith("crossorigin.flask_ext"):
        return "middleware"
    if module.startswith("crossorigin.quart"):
        return "quart"
    return module.removeprefix("crossorigin.")  # doctor, testing


def imported(module: str) -> set[str]:
    """Every module ``module`` imports, absolute, anywhere in its source (functions too)."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            found.add(base)
            # "from . import flask_ext" imports a module, not a name
            found.update(f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in MODULES)
    return found


def test_every_module_is_in_a_known_part() -> None:
    assert {part_of(name) for name in MODULES} == set(ALLOWED)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_follow_the_arrows(module: str) -> None:
    part = part_of(module)
    internal = {name for name in imported(module) if name.split(".")[0] == "crossorigin"}
    wrong = sorted(name for name in internal if part_of(name) not in ALLOWED[part] | {part})
    assert not wrong, f"{module} ({part}) must not import {wrong}"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if part_of(m) in STDLIB_ONLY))
def test_core_probe_and_doctor_use_the_standard_library_alone(module: str) -> None:
    external = {name.split(".")[0] for name in imported(module)} - {"crossorigin"}
    assert external <= set(sys.stdlib_module_names) | {"__future__"} | NOT_FLASK, module


def test_the_arrows_are_read_from_relative_imports() -> None:
    assert "crossorigin.probe" in imported("crossorigin.doctor")
    assert "crossorigin.flask_ext" in imported("crossorigin")
    assert "crossorigin.core.fetchcheck" in imported("crossorigin.probe.session")
    assert "flask" in imported("crossorigin.flask_ext.inspect")


#: What the browser-side oracle may share with the rest of the core: names and facts,
#: never the policy or the decision, so it cannot repeat a server-side misreading.
FETCHCHECK_SHARES = {"crossorigin.core.headers", "crossorigin.core.hosts"}


@pytest.mark.parametrize(
    "module", sorted(m for m in MODULES if m.startswith("crossorigin.core.fetchcheck"))
)
def test_the_fetch_oracle_is_independent_of_the_server_side(module: str) -> None:
    internal = {name for name in imported(module) if name.startswith("crossorigin.")}
    outside = {name for name in internal if not name.startswith("crossorigin.core.fetchcheck")}
    assert outside <= FETCHCHECK_SHARES, module


@pytest.mark.parametrize("module", sorted(m for m in MODULES if part_of(m) != "quart"))
def test_only_the_quart_extension_imports_quart(module: str) -> None:
    external = {name.split(".")[0] for name in imported(module)}
    assert not external & {"quart", "hypercorn"}, module


def test_import_crossorigin_and_the_flask_extension_leave_quart_unloaded() -> None:
    import subprocess

    code = (
        "import sys, crossorigin, crossorigin.flask_ext, crossorigin.asgi; "
        "assert 'quart' not in sys.modules, sorted(m for m in sys.modules if 'quart' in m)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
