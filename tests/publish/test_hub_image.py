"""The student image suffices: every chapter and every assignment solution runs in it.

The environment is built from the student export alone, as repo2docker builds the hub's image
(``binder/requirements.txt``, then ``binder/postBuild``; see ``tests/support/student_env.py``),
and each file runs in a kernel of that environment. A chapter that imports something only the
instructor environment has, or a solution that needs a missing package, fails here.

This file runs before ``test_hub_term.py`` (pytest takes files in name order), so the term finds
the image built, as a hub finds its image built before a term begins; the term's own time is the
term's. Run alone, the term builds the image itself (``student_environment`` is cached either way).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from diplomacy_course.core import catalog
from diplomacy_course.publish.student_export import export
from tests.support.course import REPO, toc_files
from tests.support.student_env import clean_environment, student_environment

pytestmark = [pytest.mark.slow, pytest.mark.hub]

DRIVER = Path(__file__).resolve().parents[1] / "support" / "student_execute.py"
CHAPTERS = [f"{name}.md" for name in toc_files(REPO) if name.startswith("book/chapters/")]


@pytest.fixture(scope="module")
def student_repo(tmp_path_factory) -> Path:
    return export(tmp_path_factory.mktemp("student-image") / "student", REPO)


@pytest.fixture(scope="module")
def student_env(student_repo) -> Path:
    return student_environment(student_repo)


def _execute(env_dir: Path, files: list[Path], home: Path) -> dict[str, dict]:
    home.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [str(env_dir / "bin" / "python"), str(DRIVER), *map(str, files)],
        env=clean_environment(env_dir, HOME=str(home), MPLBACKEND="Agg"),
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    results = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return {r["path"]: r for r in results}


def test_the_student_environment_holds_no_instructor_tool(student_env):
    """Built from binder/requirements.txt alone: the instructor's book and grading tools are absent."""
    for tool in ("jupyter-book", "pytest", "playwright", "ruff"):
        assert not (student_env / "bin" / tool).exists(), f"{tool} is in the student environment"
    for tool in ("jupyter-lab", "jupytext", "jupyterhub-singleuser", "python"):
        assert (student_env / "bin" / tool).exists(), f"{tool} is missing from the student environment"


def test_every_chapter_runs_in_the_student_environment(student_env, student_repo, tmp_path):
    chapters = [student_repo / chapter for chapter in CHAPTERS]
    assert len(chapters) >= 7 and all(c.is_file() for c in chapters)
    results = _execute(student_env, chapters, tmp_path / "home")
    assert set(results) == {str(c) for c in chapters}
    for chapter in chapters:
        result = results[str(chapter)]
        assert result["python"] and Path(result["python"]).parent == student_env / "bin", result
        assert result["error"] is None, f"{chapter.name} fails in the student environment:\n{result['error']}"


def test_every_solution_runs_in_the_student_environment(student_env, student_repo, tmp_path, authored_assignments):
    """Each solution notebook runs beside its released data, as a student's finished notebook would."""
    notebooks = []
    for assignment in authored_assignments:
        folder = tmp_path / assignment.id
        shutil.copytree(student_repo / "assignments" / assignment.id, folder)
        shutil.copyfile(assignment.source_dir(REPO) / assignment.notebook, folder / assignment.notebook)
        notebooks.append(folder / assignment.notebook)
    assert {a.id for a in authored_assignments} == set(catalog.ASSIGNMENTS)
    results = _execute(student_env, notebooks, tmp_path / "home")
    for notebook in notebooks:
        result = results[str(notebook)]
        assert result["python"] and Path(result["python"]).parent == student_env / "bin", result
        assert result["error"] is None, f"{notebook.parent.name}'s solution fails:\n{result['error']}"
