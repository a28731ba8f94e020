"""The preprocessors that keep grading going when students break their notebooks.

Unit tests: a hand-made gradebook (tests/support/gradebook.py) and, for the crash, one real
kernel; no nbgrader run.
"""

from __future__ import annotations

import nbformat
import pytest
from nbformat import NotebookNode
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from nbgrader.api import Gradebook
from nbgrader.converters import GenerateAssignment
from nbgrader.nbgraderformat import ValidationError
from nbgrader.preprocessors import CheckCellMetadata, OverwriteCells, SaveAutoGrades, SaveCells
from traitlets.config.loader import PyFileConfigLoader

from diplomacy_course.grading.kernel_deaths import kernel_died_in
from diplomacy_course.grading.preprocessors import (
    CapOutputSize,
    CheckCellMetadataOnce,
    CrashSafeExecute,
    PreloadedSaveAutoGrades,
    RobustOverwriteCells,
    SingleCommitSaveCells,
    mark_unrun_after_crash,
)
from tests.support.gradebook import ASSIGNMENT, CELLS, NOTEBOOK, make_gradebook, source_notebook
from tests.support.queries import count_queries

# ------------------------------------------------------------------ RobustOverwriteCells


@pytest.fixture
def resources(tmp_path) -> dict:
    url = make_gradebook(tmp_path / "gradebook.db")
    return {"nbgrader": {"notebook": NOTEBOOK, "assignment": ASSIGNMENT, "db_url": url}}


def _grade_ids(notebook) -> list[str]:
    return [c.metadata["nbgrader"]["grade_id"] for c in notebook.cells if "nbgrader" in c.metadata]


def _without(*grade_ids: str):
    notebook = source_notebook()
    notebook.cells = [c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") not in grade_ids]
    return notebook


def _overwrite(notebook, resources, preprocessor=RobustOverwriteCells):
    return preprocessor(add_missing_cells=True).preprocess(notebook, resources)[0]


def test_nbgrader_alone_crashes_when_an_answer_and_its_test_are_deleted(resources):
    """Why RobustOverwriteCells exists: nbgrader's own preprocessor gives up on the whole submission."""
    with pytest.raises(KeyError):
        _overwrite(_without("answer", "test_x"), resources, OverwriteCells)


def test_a_deleted_answer_and_test_are_put_back_without_crashing(resources):
    notebook = _overwrite(_without("answer", "test_x"), resources)
    assert sorted(_grade_ids(notebook)) == ["essay", "test_x", "test_y"]
    restored = notebook.cells[_grade_ids(notebook).index("test_x")]
    assert restored.source.endswith(CELLS["test_x"][4]), "the restored test runs the instructor's code"
    assert restored.metadata["nbgrader"]["points"] == CELLS["test_x"][2]


def test_a_missing_test_goes_back_right_after_its_answer(resources):
    notebook = _overwrite(_without("test_y"), resources)
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in notebook.cells]
    assert ids.index("test_y") == ids.index("essay") + 1


def test_a_renamed_grade_id_becomes_an_ordinary_cell_and_the_original_returns(resources):
    notebook = source_notebook()
    renamed = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "test_y")
    renamed.metadata["nbgrader"]["grade_id"] = "test_y_copy"
    notebook = _overwrite(notebook, resources)
    assert "nbgrader" not in renamed.metadata, "the renamed cell is no longer graded"
    assert _grade_ids(notebook) == list(CELLS), "the original test is back, in its place"


def test_an_untouched_notebook_keeps_its_cells(resources):
    notebook = _overwrite(source_notebook(), resources)
    assert _grade_ids(notebook) == list(CELLS)
    assert len(notebook.cells) == len(source_notebook().cells)


def test_overwriting_looks_cells_up_in_the_same_few_queries_however_many_cells(resources):
    """The per-cell lookups come from a query per kind of cell, not from two queries per cell."""
    queries = []
    for notebook in (_without("answer", "essay", "test_y"), source_notebook()):
        with count_queries() as counted:
            RobustOverwriteCells(add_missing_cells=False).preprocess(notebook, resources)
        queries.append(counted.selects)
    assert queries[0] == queries[1], f"SELECTs for one nbgrader cell, then for four: {queries}"


# ------------------------------------------------------------------ PreloadedSaveAutoGrades


def _graded_notebook():
    """s1's notebook after execution: test_x failed, test_y passed, the answer left as released."""
    notebook = source_notebook()
    for cell in notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "test_x":
            cell.outputs = [new_output("error", ename="AssertionError", evalue="", traceback=[])]
    return notebook


def _save(db_url: str, preprocessor, notebook=None) -> None:
    """Save s1's grades with ``preprocessor``, over a manual score given earlier."""
    with Gradebook(db_url) as gb:
        gb.find_grade("test_y", NOTEBOOK, ASSIGNMENT, "s1").manual_score = 0.5
        gb.db.commit()
    resources = {"nbgrader": {"notebook": NOTEBOOK, "assignment": ASSIGNMENT, "student": "s1", "db_url": db_url}}
    preprocessor().preprocess(notebook or _graded_notebook(), resources)


def _recorded(db_url: str) -> dict:
    """(student, cell) -> (auto score, needs manual grading, auto comment), for s1 and s2."""
    with Gradebook(db_url) as gb:
        submissions = [gb.find_submission_notebook(NOTEBOOK, ASSIGNMENT, s) for s in ("s1", "s2")]
        fields = ("auto_score", "needs_manual_grade", "auto_comment")
        return {
            (n.student.id, row.name): tuple(getattr(row, field, None) for field in fields)
            for n in submissions
            for row in [*n.grades, *n.comments]
        }


def test_preloaded_grades_are_saved_exactly_as_nbgrader_saves_them(tmp_path):
    ours, theirs = make_gradebook(tmp_path / "ours.db"), make_gradebook(tmp_path / "theirs.db")
    _save(ours, PreloadedSaveAutoGrades)
    _save(theirs, SaveAutoGrades)
    ours, theirs = _recorded(ours), _recorded(theirs)
    assert ours == theirs
    assert ours[("s1", "test_x")][0] == 0, "a failed test"
    assert ours[("s1", "test_y")][:2] == (1.0, True), "a passed test with a manual score: to review"
    assert ours[("s2", "test_x")][0] is None, "another student's grades are left alone"


def test_saving_grades_takes_the_same_few_queries_however_many_cells(tmp_path):
    queries = []
    for name, notebook in (("one of each", _without("essay", "test_y")), ("all", _graded_notebook())):
        db_url = make_gradebook(tmp_path / f"{name}.db")
        with count_queries() as counted:
            _save(db_url, PreloadedSaveAutoGrades, notebook)
        queries.append(counted.selects)
        assert counted.cells_loaded_one_at_a_time == 0
    assert queries[0] == queries[1], f"SELECTs for an answer and a test, then for four cells: {queries}"


# ------------------------------------------------------------------ SingleCommitSaveCells


def _revised_source() -> NotebookNode:
    """The instructor's notebook after a revision: every graded cell is worth one point more, and
    every nbgrader cell's source has changed."""
    notebook = source_notebook()
    for cell in notebook.cells[1:]:
        cell.source += "  # revised"
        if "points" in cell.metadata["nbgrader"]:
            cell.metadata["nbgrader"]["points"] += 1
    return notebook


def _record_cells(db_url: str, preprocessor) -> None:
    resources = {"nbgrader": {"notebook": NOTEBOOK, "assignment": ASSIGNMENT, "db_url": db_url}}
    preprocessor().preprocess(_revised_source(), resources)


def _release_records(db_url: str) -> dict:
    with Gradebook(db_url) as gb:
        notebook = gb.find_notebook(NOTEBOOK, ASSIGNMENT)
        return {
            "source": {c.name: (c.cell_type, c.locked, c.source, c.checksum) for c in notebook.source_cells},
            "graded": {c.name: (c.cell_type, c.max_score) for c in notebook.grade_cells},
            "solution": sorted(c.name for c in notebook.solution_cells),
        }


def test_a_release_records_a_notebooks_cells_as_nbgrader_does(tmp_path):
    ours, theirs = make_gradebook(tmp_path / "ours.db"), make_gradebook(tmp_path / "theirs.db")
    _record_cells(ours, SingleCommitSaveCells)
    _record_cells(theirs, SaveCells)
    recorded = _release_records(ours)
    assert recorded == _release_records(theirs)
    assert recorded["graded"]["test_x"] == ("code", 3.0), "the revision was recorded"


def test_a_release_that_fails_part_way_leaves_the_notebooks_cells_as_they_were(tmp_path, monkeypatch):
    """nbgrader commits after each cell: a failure at the third source cell would leave the new
    points and two new sources recorded beside the old ones."""
    db_url = make_gradebook(tmp_path / "gradebook.db")
    before = _release_records(db_url)
    record_source_cell = Gradebook.update_or_create_source_cell

    def fail_at_the_third(gradebook, name, *args, **kwargs):
        if name == list(CELLS)[2]:
            raise RuntimeError("the disk is full")
        return record_source_cell(gradebook, name, *args, **kwargs)

    monkeypatch.setattr(Gradebook, "update_or_create_source_cell", fail_at_the_third)
    with pytest.raises(RuntimeError, match="the disk is full"):
        _record_cells(db_url, SingleCommitSaveCells)
    monkeypatch.undo()
    assert _release_records(db_url) == before


def test_the_course_releases_with_nbgraders_pipeline_but_one_commit_a_notebook(repo):
    config = PyFileConfigLoader("nbgrader_config.py", path=str(repo)).load_config()
    ours = config.GenerateAssignment.preprocessors
    single_commit = f"{SingleCommitSaveCells.__module__}.{SingleCommitSaveCells.__name__}"
    assert ours.count(single_commit) == 1 and SaveCells not in ours
    assert [SaveCells if step == single_commit else step for step in ours] == GenerateAssignment.preprocessors.default()


# ------------------------------------------------------------------ CrashSafeExecute


def _code_notebook(*sources: str):
    notebook = new_notebook(cells=[new_markdown_cell("# Crash"), *(new_code_cell(s) for s in sources)])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return notebook


def _error_names(cell) -> list[str]:
    return [o.ename for o in cell.get("outputs", []) if o.output_type == "error"]


def test_cells_after_a_kernel_death_are_marked_and_the_notebook_is_kept():
    notebook = _code_notebook("print('before')", "import os\nos._exit(1)", "x = 1", "y = 2")
    result, _ = CrashSafeExecute(timeout=60).preprocess(notebook, {})
    errors = [_error_names(cell) for cell in result.cells]
    assert errors == [[], [], ["KernelDied"], ["NotRun"], ["NotRun"]]
    assert result.cells[1].outputs[0].text == "before\n", "what ran before the crash keeps its output"


def test_marking_skips_markdown_and_keeps_earlier_outputs():
    notebook = _code_notebook("a = 1", "crash()", "b = 2")
    notebook.cells.insert(3, new_markdown_cell("text"))
    notebook.cells[2].outputs = [new_output("stream", name="stdout", text="partial\n")]
    mark_unrun_after_crash(notebook, 2)
    assert [_error_names(c) for c in notebook.cells] == [[], [], ["KernelDied"], [], ["NotRun"]]
    assert notebook.cells[2].outputs[0].text == "partial\n"
    nbformat.validate(notebook)


def test_the_grader_reads_back_the_mark_and_only_the_mark(tmp_path):
    marked, failed = _code_notebook("a = 1", "crash()"), _code_notebook("a = 1", "b = c")
    mark_unrun_after_crash(marked, 2)
    failed.cells[2].outputs = [new_output("error", ename="NameError", evalue="name 'c' is not defined", traceback=[])]
    files = {"marked": marked, "failed": failed}  # an ordinary error is not a kernel death
    for name, notebook in files.items():
        nbformat.write(notebook, tmp_path / f"{name}.ipynb")
    (tmp_path / "broken.ipynb").write_text('{"cells": [ not json')
    (tmp_path / "no-cells.ipynb").write_text("{}")
    names = ["marked", "failed", "broken", "no-cells", "missing"]
    found = {name: kernel_died_in(tmp_path / f"{name}.ipynb") for name in names}
    assert found == {"marked": True, "failed": False, "broken": False, "no-cells": False, "missing": False}


# ------------------------------------------------------------------ CapOutputSize


def test_long_text_outputs_are_cut_and_say_how_long_they_were():
    image = "iVBORw0KGgo" * 1000
    cell = new_code_cell("...")
    cell.outputs = [
        new_output("stream", name="stdout", text="x" * 5000),
        new_output("execute_result", data={"text/plain": "y" * 300, "text/html": "<p>z</p>", "image/png": image}),
    ]
    CapOutputSize(max_chars=200).preprocess_cell(cell, {}, 0)
    stream, result = cell.outputs
    assert stream.text.startswith("x" * 200) and "x" * 201 not in stream.text
    assert "5,000 characters" in stream.text
    assert result.data["text/plain"].startswith("y" * 200) and "300 characters" in result.data["text/plain"]
    assert result.data["text/html"] == "<p>z</p>", "short outputs stay as they are"
    assert result.data["image/png"] == image, "images are not text and are not cut"


def test_an_output_of_exactly_the_limit_is_kept_whole():
    cell = new_code_cell("...")
    cell.outputs = [new_output("stream", name="stdout", text="x" * 200)]
    CapOutputSize(max_chars=200).preprocess_cell(cell, {}, 0)
    assert cell.outputs[0].text == "x" * 200


def test_a_huge_exception_message_is_cut_too():
    """raise ValueError("x" * 10**8) puts the message in the error's value and its traceback."""
    message = "x" * 5000
    cell = new_code_cell("...")
    cell.outputs = [
        new_output("error", ename="ValueError", evalue=message, traceback=["Traceback", f"ValueError: {message}"])
    ]
    CapOutputSize(max_chars=200).preprocess_cell(cell, {}, 0)
    error = cell.outputs[0]
    assert len(error.evalue) < 300 and "5,000 characters" in error.evalue
    assert error.traceback[0] == "Traceback" and len(error.traceback[1]) < 300
    assert error.ename == "ValueError"


# ------------------------------------------------------------------ CheckCellMetadataOnce


def _broken_copies():
    """Notebooks nbgrader must refuse, each after a valid copy of the same cells was accepted."""
    duplicate = source_notebook()
    graded = [c for c in duplicate.cells if "nbgrader" in c.metadata]
    graded[1].metadata["nbgrader"]["grade_id"] = graded[0].metadata["nbgrader"]["grade_id"]
    no_points = source_notebook()
    grade_cell = next(c for c in no_points.cells if c.metadata.get("nbgrader", {}).get("grade"))
    del grade_cell.metadata["nbgrader"]["points"]
    bad_type = source_notebook()
    next(c for c in bad_type.cells if "nbgrader" in c.metadata).metadata["nbgrader"]["locked"] = "yes"
    return {"duplicate grade id": duplicate, "grade cell without points": no_points, "schema type": bad_type}


@pytest.mark.parametrize("case", list(_broken_copies()))
def test_metadata_checked_once_still_refuses_what_nbgrader_refuses(case):
    CheckCellMetadataOnce().preprocess(source_notebook(), {})  # the valid copy, remembered
    broken = _broken_copies()[case]
    with pytest.raises(ValidationError):
        CheckCellMetadata().preprocess(nbformat.from_dict(broken), {})
    with pytest.raises(ValidationError):
        CheckCellMetadataOnce().preprocess(broken, {})
