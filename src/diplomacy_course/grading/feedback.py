"""Feedback students can read without learning the hidden tests.

nbgrader's feedback shows each test cell as it was run, hidden tests included
(nbgrader#917, #1363). ``HideHiddenTests`` runs inside nbgrader's own
``generate_feedback`` (it is added to its preprocessors in nbgrader_config.py):
it drops every hidden-test region from the cell's source and, when a failure's
traceback would quote a hidden line, replaces it with a message that says a
hidden check failed without saying which.
"""

from __future__ import annotations

import re

from nbgrader.preprocessors import NbGraderPreprocessor

HIDDEN_REGION = re.compile(r"[ \t]*###\s*BEGIN HIDDEN TESTS.*?###\s*END HIDDEN TESTS[^\n]*\n?", re.DOTALL)
ANSI = re.compile(r"\x1b\[[0-9;]*m")
PLACEHOLDER = "# (hidden tests ran here; they are not shown)\n"
HIDDEN_FAILURE = (
    "A hidden test in this cell failed: it compares your result with the values the data "
    "gives. Re-read the question, check your result on the data, and ask in office hours."
)


def _hidden_lines(source: str) -> set[str]:
    return {
        line.strip() for region in HIDDEN_REGION.findall(source) for line in region.splitlines()[1:-1] if line.strip()
    }


def _mentions_hidden(output, hidden: set[str]) -> bool:
    text = ANSI.sub("", "\n".join(output.get("traceback", [])) + output.get("evalue", "") + output.get("text", ""))
    return any(line in text for line in hidden)


def strip_hidden(cell) -> None:
    """Remove hidden tests from a cell's source and any output that quotes them."""
    hidden = _hidden_lines(cell.source)
    if not hidden:
        return
    cell.source = HIDDEN_REGION.sub(PLACEHOLDER, cell.source)
    for output in cell.get("outputs", []):
        if _mentions_hidden(output, hidden):
            if output.get("output_type") == "error":
                output["ename"], output["evalue"] = "HiddenTestFailure", HIDDEN_FAILURE
                output["traceback"] = [f"HiddenTestFailure: {HIDDEN_FAILURE}"]
            else:
                output["text"] = "(output of hidden tests removed)\n"


class HideHiddenTests(NbGraderPreprocessor):
    """An nbgrader feedback preprocessor: no hidden test source reaches a student."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code":
            strip_hidden(cell)
        return cell, resources
