"""Submissions generated from a solution notebook: one wrong answer, or hostile changes.

Questions are found from nbgrader's metadata, not hand-picked: an answer cell
(a code cell with ``solution: true``) owns the autograded test cells that follow
it, up to the next answer cell.
"""

from __future__ import annotations

import ast
import copy
from dataclasses import dataclass

import nbformat

STUB = "# YOUR CODE HERE\nraise NotImplementedError()"


@dataclass(frozen=True)
class Question:
    answer_cell: int
    test_cells: tuple[int, ...]

    def grade_ids(self, notebook) -> set[str]:
        return {notebook.cells[i].metadata.nbgrader["grade_id"] for i in self.test_cells}


def _nbgrader(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def is_answer(cell) -> bool:
    return cell.cell_type == "code" and _nbgrader(cell).get("solution", False)


def is_autograded_test(cell) -> bool:
    meta = _nbgrader(cell)
    return cell.cell_type == "code" and meta.get("grade", False) and not meta.get("solution", False)


def questions(notebook) -> list[Question]:
    found, current, tests = [], None, []
    for index, cell in enumerate(notebook.cells):
        if is_answer(cell):
            if current is not None and tests:
                found.append(Question(current, tuple(tests)))
            current, tests = index, []
        elif is_autograded_test(cell) and current is not None:
            tests.append(index)
    if current is not None and tests:
        found.append(Question(current, tuple(tests)))
    return found


def defined_names(source: str) -> list[str]:
    """Top-level names an answer cell defines (functions, classes, variables)."""
    names = []
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.append(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names += [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]
    return names


def with_answer(notebook, question: Question, how: str):
    """A copy of the notebook whose answer to ``question`` alone is wrong.

    how="stub": the answer is left as released (raises NotImplementedError);
    how="wrong_value": the answer runs, then every name it defines is replaced by
    a function or value that returns nothing useful, and any figure it drew is closed.
    """
    changed = copy.deepcopy(notebook)
    cell = changed.cells[question.answer_cell]
    if how == "stub":
        cell.source = STUB
    elif how == "wrong_value":
        sabotage = [
            f"{name} = (lambda *args, **kwargs: None) if callable({name}) else None"
            for name in defined_names(cell.source)
        ]
        assert sabotage, f"answer cell {question.answer_cell} defines no name to get wrong"
        undo_figures = "import matplotlib.pyplot as _plt\n_plt.close('all')"
        cell.source = cell.source + "\n\n" + "\n".join(sabotage) + "\n" + undo_figures
    else:
        raise ValueError(how)
    return changed


def read(path):
    return nbformat.read(path, as_version=4)


def write(notebook, path) -> None:
    nbformat.write(notebook, path)
