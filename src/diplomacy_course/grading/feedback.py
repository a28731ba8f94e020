"""Feedback students can read without learning the hidden tests.

nbgrader's feedback shows each test cell as it was run, hidden tests included
(nbgrader#917, #1363). ``HideHiddenTests`` runs inside nbgrader's own
``generate_feedback`` (it is added to its preprocessors in nbgrader_config.py):
it drops every hidden-test region from the cell's source. A failure raised by
a line of a hidden region is replaced by a message that says a hidden check
failed without saying which; a failure raised by a visible assertion keeps its
message, with the hidden lines IPython quotes around it left out.
"""

from __future__ import annotations

import re

from nbgrader.preprocessors import NbGraderPreprocessor

from diplomacy_course.core import catalog

HIDDEN_REGION = re.compile(r"[ \t]*###\s*BEGIN HIDDEN TESTS.*?###\s*END HIDDEN TESTS[^\n]*\n?", re.DOTALL)
# A region's own marker lines, which IPython quotes as context around a failing visible line.
HIDDEN_MARKER = re.compile(r"###\s*(?:BEGIN|END) HIDDEN TESTS")
ANSI = re.compile(r"\x1b\[[0-9;]*m")
# IPython marks the line that raised with an arrow and its number: "----> 7 assert ..."
RAISING_LINE = re.compile(r"^\s*-+>\s*(\d+)", re.MULTILINE)
PLACEHOLDER = "# (hidden tests ran here; they are not shown)\n"
HIDDEN_FAILURE = (
    "A hidden test in this cell failed: it compares your result with the values the data "
    "gives. Re-read the question, check your result on the data, and ask in office hours."
)
HIDDEN_OUTPUT = "(output of hidden tests removed)\n"
# The same three texts for a translated edition of an assignment (nbgrader assignment "a1-id").
FEEDBACK_TEXTS = {
    "en": (PLACEHOLDER, HIDDEN_FAILURE, HIDDEN_OUTPUT),
    "id": (
        "# (tes tersembunyi dijalankan di sini, tetapi tidak ditampilkan)\n",
        "Sebuah tes tersembunyi di sel ini gagal: tes itu membandingkan hasil Anda dengan nilai yang "
        "dihasilkan oleh data. Bacalah kembali pertanyaannya, periksa hasil Anda pada data, dan "
        "tanyakan pada jam konsultasi.",
        "(keluaran tes tersembunyi dihapus)\n",
    ),
}


def language_of(assignment_id: str) -> str:
    """The language of an nbgrader assignment: ``a1-id`` is the Indonesian edition of ``a1``."""
    if catalog.english_id(assignment_id) == assignment_id:
        return "en"
    return assignment_id.rpartition("-")[2]


def _hidden_lines(source: str) -> set[str]:
    return {
        line.strip() for region in HIDDEN_REGION.findall(source) for line in region.splitlines()[1:-1] if line.strip()
    }


def _hidden_line_numbers(source: str) -> set[int]:
    """1-based numbers of the cell's lines inside a hidden-test region, markers included."""
    numbers: set[int] = set()
    for region in HIDDEN_REGION.finditer(source):
        first = source.count("\n", 0, region.start()) + 1
        numbers.update(range(first, first + region.group(0).rstrip("\n").count("\n") + 1))
    return numbers


def _plain(text: str) -> str:
    return ANSI.sub("", text)


def _mentions_hidden(output, hidden: set[str]) -> bool:
    text = _plain("\n".join(output.get("traceback", [])) + output.get("evalue", "") + output.get("text", ""))
    return any(line in text for line in hidden)


def _raising_line(output) -> int | None:
    """The line of the test cell that raised: the arrow (``---->  7``) of the traceback's first frame.

    The first frame is the cell itself; later frames are the student's functions it called.
    """
    for entry in output.get("traceback", []):
        arrow = RAISING_LINE.search(_plain(entry))
        if arrow:
            return int(arrow.group(1))
    return None


def _failed_in_hidden_test(output, cell_source: str, hidden: set[str]) -> bool:
    line = _raising_line(output)
    if line is None:  # no frame to read (an unusual kernel): be safe, treat any quoted hidden line as hidden
        return _mentions_hidden(output, hidden)
    return line in _hidden_line_numbers(cell_source)


def _without_hidden_lines(traceback: list[str], hidden: set[str]) -> list[str]:
    """The traceback with every context line that quotes a hidden test, or a region's marker, left out."""
    return [
        "\n".join(
            line
            for line in _plain(entry).splitlines()
            if not any(h in line for h in hidden) and not HIDDEN_MARKER.search(line)
        )
        for entry in traceback
    ]


def strip_hidden(cell, language: str = "en") -> None:
    """Remove hidden tests from a cell's source and any output that quotes them.

    A failure raised by a hidden line becomes a message that says only that a hidden test failed;
    a failure raised by a visible assertion keeps its own message (the coaching), and only the
    hidden lines IPython quotes around it are dropped.
    """
    hidden = _hidden_lines(cell.source)
    if not hidden:
        return
    placeholder, hidden_failure, hidden_output = FEEDBACK_TEXTS[language]
    executed = cell.source
    cell.source = HIDDEN_REGION.sub(lambda _: placeholder, cell.source)
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            if _failed_in_hidden_test(output, executed, hidden):
                output["ename"], output["evalue"] = "HiddenTestFailure", hidden_failure
                output["traceback"] = [f"HiddenTestFailure: {hidden_failure}"]
            else:
                output["traceback"] = _without_hidden_lines(output.get("traceback", []), hidden)
        elif _mentions_hidden(output, hidden):
            output["text"] = hidden_output


class HideHiddenTests(NbGraderPreprocessor):
    """An nbgrader feedback preprocessor: no hidden test source reaches a student."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code":
            assignment = (resources.get("nbgrader") or {}).get("assignment", "")
            strip_hidden(cell, language_of(assignment))
        return cell, resources
