"""Reading results back out of the class gradebook."""

from __future__ import annotations

from dataclasses import dataclass

from nbgrader.api import Gradebook, MissingEntry


@dataclass(frozen=True)
class StudentScore:
    student_id: str
    score: float | None  # None: no graded submission
    max_score: float
    needs_manual_grade: bool


def class_scores(db_url: str, assignment_id: str, student_ids: list[str]) -> list[StudentScore]:
    with Gradebook(db_url) as gb:
        max_score = gb.find_assignment(assignment_id).max_score
        return [_student_score(gb, assignment_id, s, max_score) for s in student_ids]


def _student_score(gb: Gradebook, assignment_id: str, student_id: str, max_score: float) -> StudentScore:
    try:
        submission = gb.find_submission(assignment_id, student_id)
    except MissingEntry:
        return StudentScore(student_id, None, max_score, False)
    return StudentScore(student_id, submission.score, max_score, submission.needs_manual_grade)


def cell_scores(db_url: str, assignment_id: str) -> list[dict]:
    """One record per (student, graded cell): the raw material of item analysis."""
    records = []
    with Gradebook(db_url) as gb:
        assignment = gb.find_assignment(assignment_id)
        for submission in assignment.submissions:
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    records.append({
                        "student_id": submission.student.id, "notebook": notebook.name,
                        "question": grade.name, "score": grade.score, "max_score": grade.max_score,
                        # test cells are code; written answers are markdown, graded by hand
                        "autograded": grade.cell.cell_type == "code",
                    })
    return records
