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
"""

from __future__ import annotations

import json
import traceback

from nbclient.exceptions import DeadKernelError
from nbformat.notebooknode import NotebookNode
from nbgrader.api import MissingEntry
from nbgrader.nbgraderformat import MetadataValidator, ValidationError
from nbgrader.preprocessors import CheckCellMetadata, Execute, NbGraderPreprocessor, OverwriteCells
from traitlets import Integer

KERNEL_DIED = (
    "KernelDied",
    "The kernel stopped while running this cell (it exited, crashed or ran out "
    "of memory). Cells after it were not run.",
)
NOT_RUN = ("NotRun", "Not run: the kernel stopped in an earlier cell.")


class RobustOverwriteCells(OverwriteCells):
    _known_ids: set[str] | None = None  # the notebook's grade ids in the gradebook, read on first need

    def preprocess(self, nb, resources):
        self._known_ids = None  # a new notebook
        return super().preprocess(nb, resources)

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
        if self._known_ids is None:  # one query a notebook, not one a cell
            try:
                source = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
            except MissingEntry:
                self._known_ids = set()
            else:
                self._known_ids = {cell.name for cell in source.source_cells}
        return grade_id in self._known_ids

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
