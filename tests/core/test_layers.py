"""The package's layering rule (stated in src/diplomacy_course/__init__.py), checked on every import;
and what its entry points may load when imported."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.course import REPO

PACKAGE = REPO / "src" / "diplomacy_course"
# What each part of the package may import from the course's own code, besides itself.
ALLOWED = {
    "core": set(),
    "plotting": set(),
    "data": {"core"},
    "book": {"core", "plotting", "data"},
    "grading": {"core", "plotting", "data"},
    "publish": {"core", "plotting", "data", "book"},
    "cli": {"core", "plotting", "data", "book", "grading", "publish"},
    "__init__": set(),
}


def _part(module: Path) -> str:
    relative = module.relative_to(PACKAGE)
    return relative.parts[0].removesuffix(".py")


def _course_imports(module: Path) -> set[str]:
    """The top-level parts of diplomacy_course that a module imports, at any depth in the file."""
    parts = set()
    for node in ast.walk(ast.parse(module.read_text("utf-8"))):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            pieces = name.split(".")
            if pieces[0] == "diplomacy_course" and len(pieces) > 1 and pieces[1] != "__version__":
                parts.add(pieces[1])
    return parts


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_every_part_of_the_package_has_a_rule():
    assert {_part(m) for m in MODULES} <= set(ALLOWED)


@pytest.mark.parametrize("module", MODULES, ids=lambda m: str(m.relative_to(PACKAGE)))
def test_imports_follow_the_layers(module):
    part = _part(module)
    forbidden = _course_imports(module) - ALLOWED[part] - {part}
    assert not forbidden, f"{module.relative_to(PACKAGE)} ({part}) imports {sorted(forbidden)}"


def test_the_rule_catches_an_upward_import(tmp_path):
    planted = tmp_path / "planted.py"
    planted.write_text("from diplomacy_course.grading.autograde import autograde_class\n")
    assert _course_imports(planted) - ALLOWED["book"] == {"grading"}


# Libraries that a module must not load when it is imported, only when it is used: every command
# imports the command line (pandas would add 0.2 s to `./course --help`), and autograde starts its
# nbgrader workers before the grader's own process pays for nbgrader (0.6 s), nbformat (70 ms) or
# jupyter_client (45 ms), so that these overlap.
LOADED_ON_USE = {
    "diplomacy_course.cli": ("pandas", "nbgrader"),
    "diplomacy_course.grading.autograde": ("nbgrader", "nbformat", "jupyter_client"),
}


@pytest.mark.parametrize("module", sorted(LOADED_ON_USE))
def test_importing_does_not_load_what_is_only_needed_on_use(module):
    libraries = LOADED_ON_USE[module]
    code = f"import sys, {module}; print(' '.join(name for name in {libraries!r} if name in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert not loaded, f"importing {module} loads {loaded}"
