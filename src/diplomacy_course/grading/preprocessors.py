"""nbgrader preprocessors that survive what students do to notebooks.

Configured in nbgrader_config.py in place of nbgrader's own, so plain
``nbgrader autograde`` and ``./course autograde`` grade alike:

- ``RobustOverwriteCells``: nbgrader's OverwriteCells crashes the whole
  submission when a student deleted a test cell *and* the answer before it
  (KeyError in add_missing_grade_cells) or renamed a grade id (KeyError
  'grade_id'). Here a cell with an unknown grade id becomes an ordinary,
  ungraded cell, and every missing grade cell is put back after the nearest
  earlier cell that is still there.
- ``CrashSafeExecute``: when the kernel dies (``os._exit``, a segfault, the
  out-of-memory killer), nbclient raises and nbgrader discards the notebook;
  worse, cells never run carry no error and would count as passed
  (nbgrader#427). Here the cell that killed the kernel and every code cell
  after it get an error output, so the notebook is graded: what ran before the
  crash keeps its points, nothing after it earns any.
- ``CapOutputSize``: nbgrader's LimitOutput counts lines, so one line of a
  hundred megabytes passes; here every text output of a cell, and an error's
  message and traceback, is cut to a size a grader can still open.
- ``CheckCellMetadataOnce``: nbgrader's CheckCellMetadata, which re-checks the
  JSON schema itself for every cell of every notebook (0.15 s a pass, two passes
  a notebook); here a cell's metadata is checked once per process, since every
  student's copy of a cell carries the same.
- ``SingleCommitSaveCells``: nbgrader's SaveCells commits after each cell it
  records when an assignment is released, and SQLite waits for the disk at every
  commit (300 waits for A1, about 0.1 s at the start of every autograde run).
  Here a notebook's cells are recorded in one transaction, which also keeps a
  release that fails part-way from leaving the notebook half-recorded.
- ``PreloadedSaveAutoGrades`` (and ``RobustOverwriteCells``): nbgrader's own, but
  their per-cell gradebook lookups are answered from a few queries a notebook
  (``NotebookGradebook``), not two joined queries a cell: on a PostgreSQL
  gradebook each query is a round trip to the server.
"""

from __future__ import annotations

import json
import traceback
from functools import cached_property, partial

from nbclient.exceptions import DeadKernelError
from nbformat.notebooknode import NotebookNode
from nbgrader.api import Comment, Grade, Gradebook, GradeCell, MissingEntry, TaskCell
from nbgrader.nbgraderformat import MetadataValidator, ValidationError
from nbgrader.preprocessors import (
    CheckCellMetadata,
    Execute,
    NbGraderPreprocessor,
    OverwriteCells,
    SaveAutoGrades,
    SaveCells,
)
from traitlets import Integer

from diplomacy_course.grading.gradebook import rows_by_cell_name
from diplomacy_course.grading.kernel_deaths import KERNEL_DIED, NOT_RUN


class NotebookGradebook(Gradebook):
    """nbgrader's Gradebook for the preprocessors of one notebook (and one student's submission of
    it): the lookups they make for every cell are answered from one query per kind of cell, made
    on first need. Lookups of other notebooks, and names not found, go to nbgrader's own queries
    (which raise MissingEntry as before)."""

    def __init__(self, db_url: str, notebook: str, assignment: str, student: str | None = None):
        super().__init__(db_url)
        # nbgrader commits after each cell; the rows read once must stay loaded (only this
        # notebook's preprocessor writes them meanwhile), or each would be read again.
        self.db().expire_on_commit = False  # the session (self.db is its thread-local registry)
        self._notebook_key = (notebook, assignment)
        self._submission_key = (notebook, assignment, student)
        self._tables: dict[str, dict] = {}

    def _preloaded(self, table: str, key: tuple, name: str, load):
        if key not in (self._notebook_key, self._submission_key):
            return None
        if table not in self._tables:
            self._tables[table] = load()
        return self._tables[table].get(name)

    @cached_property
    def _source_notebook(self):
        return self.find_notebook(*self._notebook_key)

    @cached_property
    def _submission(self):
        return self.find_submission_notebook(*self._submission_key)

    def _source_cells(self) -> dict:
        return {cell.name: cell for cell in self._source_notebook.source_cells}

    def _graded_cells(self) -> dict:
        """Grade and task cells by name, queried by kind so that each row comes whole."""
        notebook_id = self._source_notebook.id
        by_kind = (self.db.query(kind).filter(kind.notebook_id == notebook_id) for kind in (TaskCell, GradeCell))
        return {cell.name: cell for cells in by_kind for cell in cells}

    def _submission_rows(self, table) -> dict:
        """The submission's grades or comments by cell name (a notebook's grade ids are unique)."""
        return rows_by_cell_name(self, table, self._submission.id)

    def find_source_cell(self, name, notebook, assignment):
        found = self._preloaded("source", (notebook, assignment), name, self._source_cells)
        return found or super().find_source_cell(name, notebook, assignment)

    def find_graded_cell(self, name, notebook, assignment):
        found = self._preloaded("graded", (notebook, assignment), name, self._graded_cells)
        return found or super().find_graded_cell(name, notebook, assignment)

    def find_grade(self, grade_cell, notebook, assignment, student):
        rows = partial(self._submission_rows, Grade)
        found = self._preloaded("grades", (notebook, assignment, student), grade_cell, rows)
        return found or super().find_grade(grade_cell, notebook, assignment, student)

    def find_comment(self, solution_cell, notebook, assignment, student):
        rows = partial(self._submission_rows, Comment)
        found = self._preloaded("comments", (notebook, assignment, student), solution_cell, rows)
        return found or super().find_comment(solution_cell, notebook, assignment, student)


def _open_notebook_gradebook(preprocessor, resources, *, of_student: bool) -> NotebookGradebook:
    """What nbgrader's gradebook preprocessors set before their cells, with a NotebookGradebook in
    place of a plain one."""
    info = resources["nbgrader"]
    preprocessor.notebook_id, preprocessor.assignment_id = info["notebook"], info["assignment"]
    preprocessor.db_url = info["db_url"]
    student = None
    if of_student:
        student = preprocessor.student_id = info["student"]
    preprocessor.gradebook = NotebookGradebook(preprocessor.db_url, info["notebook"], info["assignment"], student)
    return preprocessor.gradebook


class SingleCommitSaveCells(SaveCells):
    """nbgrader's SaveCells (what a release records of a notebook's cells), in one transaction
    rather than one commit per cell."""

    def _create_notebook(self, nb):
        session = self.gradebook.db()  # the session nbgrader's gradebook commits through
        session.commit = session.flush  # nbgrader's commit after each cell only sends its rows
        try:
            super()._create_notebook(nb)
        except BaseException:
            session.rollback()
            raise
        finally:
            del session.commit
        session.commit()


class PreloadedSaveAutoGrades(SaveAutoGrades):
    def preprocess(self, nb, resources):
        with _open_notebook_gradebook(self, resources, of_student=True):
            return super(SaveAutoGrades, self).preprocess(nb, resources)  # nbgrader's, past its opening


class RobustOverwriteCells(OverwriteCells):
    def preprocess(self, nb, resources):
        # nbgrader's own, but with a NotebookGradebook.
        with _open_notebook_gradebook(self, resources, of_student=False):
            nb, resources = super(OverwriteCells, self).preprocess(nb, resources)
            if self.add_missing_cells:
                nb, resources = self.add_missing_grade_cells(nb, resources)
                nb, resources = self.add_missing_task_cells(nb, resources)
        return nb, resources

    def preprocess_cell(self, cell, resources, cell_index):
        nbgrader = cell.metadata.get("nbgrader")
        if nbgrader is not None and not self._is_known(nbgrader.get("grade_id")):
            self.log.warning(
                "Cell %s has an unknown grade id %r: graded as an ordinary cell", cell_index, nbgrader.get("grade_id")
            )
            del cell.metadata["nbgrader"]
            return cell, resources
        return super().preprocess_cell(cell, resources, cell_index)

    def _is_known(self, grade_id) -> bool:
        try:
            self.gradebook.find_source_cell(grade_id, self.notebook_id, self.assignment_id)
        except MissingEntry:
            return False
        return True

    def add_missing_grade_cells(self, nb, resources):
        source_nb = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
        source_cells = {cell.name: cell for cell in source_nb.source_cells}
        order = [cell.name for cell in source_nb.source_cells]
        solution_ids = {cell.name for cell in source_nb.solution_cells}
        for grade_cell in source_nb.grade_cells:
            if grade_cell.name in _grade_ids(nb):
                continue
            self.log.warning("Missing grade cell %s: adding it back", grade_cell.name)
            restored = self.missing_cell_transform(
                source_cells[grade_cell.name], grade_cell.max_score, is_solution=grade_cell.name in solution_ids
            )
            nb.cells.insert(_position_after_predecessor(nb, order, grade_cell.name), restored)
        return nb, resources


def _grade_ids(nb) -> dict[str, int]:
    return {
        cell.metadata["nbgrader"]["grade_id"]: index
        for index, cell in enumerate(nb.cells)
        if "grade_id" in cell.metadata.get("nbgrader", {})
    }


def _position_after_predecessor(nb, order: list[str], name: str) -> int:
    present = _grade_ids(nb)
    for earlier in reversed(order[: order.index(name)]):
        if earlier in present:
            return present[earlier] + 1
    return 0


def _error_output(ename: str, evalue: str) -> NotebookNode:
    return NotebookNode(output_type="error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


class CrashSafeExecute(Execute):
    def preprocess(self, nb, resources=None, km=None):
        self._running_cell = None
        try:
            return super().preprocess(nb, resources, km=km)
        except DeadKernelError:
            self.log.warning("The kernel died in cell %s; later cells are marked as not run", self._running_cell)
            mark_unrun_after_crash(nb, self._running_cell or 0)
            return nb, resources

    def preprocess_cell(self, cell, resources, index):
        self._running_cell = index
        return super().preprocess_cell(cell, resources, index)


def mark_unrun_after_crash(nb, crashed_index: int) -> None:
    for index, cell in enumerate(nb.cells[crashed_index:], start=crashed_index):
        if cell.cell_type != "code":
            continue
        ename, evalue = KERNEL_DIED if index == crashed_index else NOT_RUN
        cell.outputs = [*cell.get("outputs", []), _error_output(ename, evalue)]


class CapOutputSize(NbGraderPreprocessor):
    max_chars = Integer(100_000, help="Most characters kept of each text output of a cell.").tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                output["text"] = self._cap(output["text"])
            if output.get("output_type") == "error":  # raise ValueError(huge) repeats huge in both
                output["evalue"] = self._cap(output.get("evalue", ""))
                output["traceback"] = [self._cap(line) for line in output.get("traceback", [])]
            for mime, value in output.get("data", {}).items():
                if isinstance(value, str) and mime.startswith("text/"):
                    output["data"][mime] = self._cap(value)
        return cell, resources

    def _cap(self, text: str) -> str:
        if len(text) <= self.max_chars:
            return text
        return text[: self.max_chars] + f"\n... [output cut: {len(text):,} characters in all]\n"


class _RememberingValidator(MetadataValidator):
    """nbgrader's metadata check, which depends only on a cell's type and nbgrader metadata:
    cells found valid once are not checked again."""

    def __init__(self) -> None:
        super().__init__()
        self._valid: set[str] = set()

    def validate_cell(self, cell) -> None:
        key = json.dumps([cell.cell_type, cell.metadata.get("nbgrader")], sort_keys=True)
        if key not in self._valid:
            super().validate_cell(cell)
            self._valid.add(key)


_VALIDATOR = _RememberingValidator()


class CheckCellMetadataOnce(CheckCellMetadata):
    def preprocess(self, nb, resources):
        try:
            _VALIDATOR.validate_nb(nb)  # still checks grade ids are unique in this notebook
        except ValidationError:
            self.log.error(traceback.format_exc())
            message = "Notebook failed to validate; the nbgrader metadata may be corrupted."
            self.log.error(message)
            raise ValidationError(message) from None
        return nb, resources
