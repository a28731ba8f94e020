"""The grader's rubric: one printable page per assignment, built from its source notebook.

For every manually graded cell (nbgrader ``grade`` and ``solution``, the written answers) the page
shows the question as students read it, its points, its **Graded on** criteria and the rubric with
the model answer that the source notebook keeps between nbgrader's mark-scheme delimiters. The page
is one self-contained HTML file (inline CSS with print rules; no script, font, image or style sheet
fetched from anywhere), written under the git-ignored grading workspace (``grading/rubrics/``),
never into the release, the book or the student export. It carries ``RUBRIC_MARK`` so that the leak
check (``publish/leaks.py``) recognises a copy of it anywhere it could be published, and the
mark-scheme lines themselves are kept line by line so that the leak check's search for instructor-only
lines finds them too.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat
from markdown_it import MarkdownIt

from diplomacy_course.core import catalog, locations

MARK_SCHEME = re.compile(r"=+\s*BEGIN MARK SCHEME\s*=+\n?(.*?)\n?=+\s*END MARK SCHEME\s*=+", re.DOTALL)
HEADING = re.compile(r"^#{1,4}\s+\S", re.MULTILINE)
GRADED_ON = re.compile(r"^\*\*Graded on\*\*.*?(?=\n\s*\n|\Z)", re.MULTILINE | re.DOTALL)


@dataclass(frozen=True)
class WrittenAnswer:
    """One manually graded cell and what a grader needs beside it."""

    grade_id: str
    points: float
    question: str  # Markdown, as students read it (heading, task and criteria)
    graded_on: str  # the question's "Graded on" paragraph (Markdown), "" if it has none
    rubric: str  # the mark scheme: levels and model answer (plain text, line by line)


def _nbgrader(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def is_manually_graded(cell) -> bool:
    meta = _nbgrader(cell)
    return bool(meta.get("grade")) and bool(meta.get("solution"))


def _question_cells(cells, answer_index: int) -> list[str]:
    """The markdown from the question's heading down to the answer cell (code cells left out)."""
    start = answer_index - 1
    while start > 0 and not (cells[start].cell_type == "markdown" and HEADING.search(cells[start].source)):
        start -= 1
    return [
        c.source.strip()
        for c in cells[start:answer_index]
        if c.cell_type == "markdown" and not _nbgrader(c).get("solution")
    ]


def _from_heading(text: str) -> str:
    """Drop a part heading above the question's own ("## Part C" before "### W1")."""
    headings = list(HEADING.finditer(text))
    return text[headings[-1].start() :] if headings else text


def written_answers(notebook) -> list[WrittenAnswer]:
    """Every manually graded cell of a source notebook, in notebook order."""
    found = []
    for index, cell in enumerate(notebook.cells):
        if not is_manually_graded(cell):
            continue
        meta = _nbgrader(cell)
        parts = _question_cells(notebook.cells, index)
        if parts:
            parts[0] = _from_heading(parts[0])
        question = "\n\n".join(parts)
        graded_on = GRADED_ON.search(question)
        if graded_on:  # shown once, in its own box
            question = (question[: graded_on.start()] + question[graded_on.end() :]).strip()
        schemes = [m.group(1).strip("\n") for m in MARK_SCHEME.finditer(cell.source)]
        found.append(
            WrittenAnswer(
                grade_id=meta["grade_id"],
                points=float(meta.get("points", 0)),
                question=question,
                graded_on=graded_on.group(0).strip() if graded_on else "",
                rubric="\n\n".join(schemes),
            )
        )
    return found


CSS = """
:root { color-scheme: light; }
body { font-family: Georgia, "Times New Roman", serif; font-size: 11pt; line-height: 1.35;
       max-width: 48em; margin: 1.5em auto; padding: 0 1em; color: #000; background: #fff; }
h1 { font-size: 16pt; margin: 0 0 0.2em; }
h2 { font-size: 13pt; margin: 0; }
.banner { border: 2px solid #000; padding: 0.3em 0.6em; font-weight: bold; margin: 0.5em 0 1em; }
.summary { margin: 0 0 1em; }
section.answer { border-top: 1px solid #777; padding-top: 0.6em; margin-top: 0.8em; break-inside: avoid-page; }
.meta { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 9pt; color: #333; }
.question { font-size: 10pt; color: #222; }
.question h1, .question h2, .question h3, .question h4 { font-size: 11pt; margin: 0.4em 0 0.2em; }
.criteria { background: #f2f2f2; border-left: 4px solid #555; padding: 0.2em 0.6em; }
.rubric { font-size: 10pt; margin: 0.3em 0; border: 1px dashed #555; padding: 0 0.6em; }
.rubric p { margin: 0.35em 0; }
.missing { color: #a00; font-weight: bold; }
table { border-collapse: collapse; font-size: 9pt; }
td, th { border: 1px solid #999; padding: 0.1em 0.3em; }
@page { size: A4; margin: 14mm 14mm 16mm; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  .question { font-size: 9pt; }
  section.answer { break-inside: avoid; page-break-inside: avoid; }
  a { color: #000; text-decoration: none; }
}
"""


def _markdown(text: str) -> str:
    # html=False: raw HTML in a question is shown as text, never run or fetched.
    return MarkdownIt("commonmark", {"html": False}).enable("table").render(text)


# A line that starts a new part of a mark scheme; any other line continues the one above it.
RUBRIC_ITEM = re.compile(r"^\s*(?:[-*]\s|(?:Full marks|Partial|Zero)\b|\w+ rubric\b)")


def _rubric_blocks(rubric: str) -> str:
    """The mark scheme as paragraphs (one per level or point), its hard line breaks reflowed.

    Each source line stays whole on its paragraph's line, so the leak check's search for rubric
    lines still finds a copy of this page.
    """
    blocks: list[str] = []
    for line in rubric.splitlines():
        if not line.strip():
            continue
        if blocks and not RUBRIC_ITEM.match(line):
            blocks[-1] += " " + line.strip()
        else:
            blocks.append(line.strip())
    return "\n".join(f"<p>{html.escape(block)}</p>" for block in blocks)


def _section(answer: WrittenAnswer) -> str:
    points = f"{answer.points:g} point{'s' if answer.points != 1 else ''}"
    criteria = (
        f'<div class="criteria">{_markdown(answer.graded_on)}</div>'
        if answer.graded_on
        else '<p class="missing">This question states no "Graded on" criteria for students.</p>'
    )
    rubric = (
        f'<div class="rubric">{_rubric_blocks(answer.rubric)}</div>'
        if answer.rubric
        else '<p class="missing">No mark scheme in the source notebook.</p>'
    )
    return (
        f'<section class="answer" id="{html.escape(answer.grade_id)}">\n'
        f"<h2>{html.escape(answer.grade_id)} · {points}</h2>\n"
        f'<p class="meta">grade id: {html.escape(answer.grade_id)} · points: {answer.points:g}</p>\n'
        f"<h3>Graded on (what students read)</h3>\n{criteria}\n"
        f"<h3>Rubric and model answer (graders only)</h3>\n{rubric}\n"
        f'<details open><summary>The question as students read it</summary><div class="question">'
        f"{_markdown(answer.question)}</div></details>\n"
        "</section>"
    )


def render(assignment: catalog.Assignment, answers: list[WrittenAnswer], source: str) -> str:
    """The rubric page: self-contained HTML, with print styles."""
    total = sum(a.points for a in answers)
    title = f"{assignment.id.upper()} · {assignment.title}: grader's rubric"
    sections = "\n".join(_section(a) for a in answers)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="robots" content="noindex, nofollow">
<meta name="{locations.RUBRIC_MARK}" content="instructors only">
<title>{html.escape(title)}</title>
<style>{CSS}</style>
</head>
<body>
<h1>{html.escape(title)}</h1>
<p class="banner">{locations.RUBRIC_MARK}: for graders only. Never publish this page, or copy it into
assignments/, the book or the student export: it holds the model answers.</p>
<p class="summary">{len(answers)} written answers graded by hand, {total:g} points in all.
Generated from {html.escape(source)}.</p>
{sections}
</body>
</html>
"""


def rubric_path(assignment: catalog.Assignment, root: Path | None = None) -> Path:
    return locations.rubrics_dir(root) / f"{assignment.id}-rubric.html"


def write_rubric(assignment: catalog.Assignment, root: Path | None = None) -> Path:
    """Write the assignment's rubric page into grading/rubrics/ and return its path."""
    root = root or locations.repo_root()
    source = assignment.source_dir(root) / assignment.notebook
    if not source.is_file():
        raise FileNotFoundError(f"No source notebook for {assignment.id}: {source} is missing.")
    answers = written_answers(nbformat.read(source, as_version=4))
    path = rubric_path(assignment, root)
    published = [locations.release_dir(root), locations.book_dir(root), locations.built_book_dir(root)]
    if any(path.resolve().is_relative_to(p.resolve()) for p in published):
        raise ValueError(f"{path} is inside a published folder; set COURSE_GRADING_DIR elsewhere.")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(assignment, answers, str(source.relative_to(root))), encoding="utf-8")
    return path
