"""Feedback attributes a failure to the line that raised it, run through a real kernel.

A visible assertion that fails right before hidden-test lines keeps its own message
(IPython quotes the hidden lines around it as context, and those must be left out);
a failing hidden line is reported only as "a hidden test failed".
"""

from __future__ import annotations

import json

import nbformat
import pytest
from nbclient import NotebookClient

from diplomacy_course.grading.feedback import HIDDEN_FAILURE, strip_hidden

VISIBLE_MESSAGE = "count questions only, not every comment"
HIDDEN_LINES = ["assert _answer == 3, 'secret_expected_value_three'", "assert _answer > 0"]


def _test_cell(visible_condition: str) -> str:
    return "\n".join(
        [
            '"""A visible check, then hidden ones right after it."""',
            "_answer = answer()",
            f"assert {visible_condition}, {VISIBLE_MESSAGE!r}",
            "### BEGIN HIDDEN TESTS",
            *HIDDEN_LINES,
            "### END HIDDEN TESTS",
        ]
    )


def _executed(answer: int, visible_condition: str):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell(f"def answer():\n    return {answer}"),
        nbformat.v4.new_code_cell(_test_cell(visible_condition)),
    ]
    NotebookClient(notebook, timeout=60, kernel_name="python3", allow_errors=True).execute()
    return notebook.cells[1]


@pytest.mark.parametrize("answer", [0, -2])
def test_a_failing_visible_test_keeps_its_message_and_hides_the_hidden_lines(answer):
    cell = _executed(answer, visible_condition="_answer != 0 and _answer >= 1")
    strip_hidden(cell)
    (error,) = [o for o in cell.outputs if o.output_type == "error"]
    shown = json.dumps(error) + cell.source
    assert error.ename == "AssertionError" and error.evalue == VISIBLE_MESSAGE
    assert VISIBLE_MESSAGE in shown and HIDDEN_FAILURE not in shown
    assert "secret_expected_value_three" not in shown and "_answer > 0" not in cell.source
    assert "HIDDEN TESTS" not in json.dumps(error), "the traceback quotes a hidden region's marker"


def test_a_failing_hidden_test_says_only_that_a_hidden_test_failed():
    cell = _executed(5, visible_condition="_answer != 0")
    strip_hidden(cell)
    (error,) = [o for o in cell.outputs if o.output_type == "error"]
    shown = json.dumps(error) + cell.source
    assert error.evalue == HIDDEN_FAILURE
    assert "secret_expected_value_three" not in shown and "_answer == 3" not in shown


def test_a_passing_cell_keeps_no_trace_of_its_hidden_tests():
    cell = _executed(3, visible_condition="_answer != 0")
    strip_hidden(cell)
    assert not [o for o in cell.outputs if o.output_type == "error"]
    assert "BEGIN HIDDEN TESTS" not in cell.source and "secret_expected_value_three" not in cell.source
