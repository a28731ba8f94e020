"""The leak check: nothing instructors-only may reach what students or readers see.

It looks in published trees (the release, the built book, a student export)
for two kinds of leak:

- nbgrader's region markers (solution, hidden tests, mark scheme), which must
  never survive a release;
- a grader's rubric page (``course rubric``), by the mark it carries (``RUBRIC_MARK``);
- the *content* of those regions: each distinctive line of a solution, hidden
  test or rubric in ``solutions/`` is searched for verbatim, so that a copy-paste
  without the markers is caught too.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from pathlib import Path

from diplomacy_course.core.locations import RUBRIC_MARK

MARKERS = (
    "BEGIN SOLUTION",
    "END SOLUTION",
    "BEGIN HIDDEN TESTS",
    "END HIDDEN TESTS",
    "BEGIN MARK SCHEME",
    "END MARK SCHEME",
)
REGION = re.compile(
    r"(?:###|<!--)?\s*BEGIN (SOLUTION|HIDDEN TESTS|MARK SCHEME)\s*(?:-->)?(.*?)"
    r"(?:###|<!--)?\s*END \1",
    re.DOTALL,
)
# Lines shorter than this are too common to prove a leak ("return rate", "df.head()").
MIN_SECRET_LENGTH = 28
SCANNED_SUFFIXES = {".ipynb", ".md", ".html", ".txt", ".py", ".json", ".js", ".csv", ".tex", ".xml"}


@dataclass(frozen=True)
class Leak:
    path: Path
    what: str

    def __str__(self) -> str:
        return f"{self.path}: {self.what}"


def _normalise(line: str) -> str:
    return " ".join(line.split())


def _cell_sources(notebook: Path) -> list[str]:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in cells]


def secret_lines(solutions_root: Path) -> set[str]:
    """Distinctive lines inside solution, hidden-test and mark-scheme regions."""
    secrets: set[str] = set()
    public: set[str] = set()
    for notebook in sorted(solutions_root.glob("*/*.ipynb")):
        for source in _cell_sources(notebook):
            inside = {_normalise(line) for m in REGION.finditer(source) for line in m.group(2).splitlines()}
            outside = {_normalise(line) for line in REGION.sub("", source).splitlines()}
            secrets |= inside
            public |= outside
    # A line that also appears outside every region (a shared import) is not a secret.
    return {s for s in secrets - public if len(s) >= MIN_SECRET_LENGTH and s not in MARKERS}


def _published_files(tree: Path):
    for path in sorted(tree.rglob("*")):
        if path.is_file() and path.suffix in SCANNED_SUFFIXES and ".jupyter_cache" not in path.parts:
            yield path


def _rubric_page(path: Path) -> bool:
    """A page written by ``course rubric`` (its mark sits in a meta tag and in its banner)."""
    return path.suffix == ".html" and RUBRIC_MARK in path.read_text(encoding="utf-8", errors="replace")


def _searchable_text(path: Path) -> str:
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".ipynb":
        text = "\n".join(_cell_sources(path))
    elif path.suffix == ".html":
        text = html.unescape(re.sub(r"<[^>]+>", "", text))
    return "\n".join(_normalise(line) for line in text.splitlines())


def scan(trees: list[Path], solutions_root: Path) -> list[Leak]:
    """Every leak found in the given published trees (missing trees are skipped)."""
    secrets = secret_lines(solutions_root)
    leaks = []
    for tree in trees:
        if not tree.exists():
            continue
        for path in _published_files(tree):
            text = _searchable_text(path)
            if _rubric_page(path):
                leaks.append(Leak(path, "a grader's rubric page (course rubric): model answers"))
            leaks += [Leak(path, f"nbgrader marker {m!r}") for m in MARKERS if m in text]
            leaks += [Leak(path, f"instructor-only line {s!r}") for s in secrets if s in text]
    return leaks
