"""The class gradebook: merging a worker's copy into it, and reading results back out.

nbgrader's SQLite gradebook is not safe for concurrent writers, so each
autograde worker writes to its own copy of the class gradebook (taken before
it starts, so nbgrader sees any manual grades and keeps them), and the copies'
rows for that worker's students are written back here, one worker at a time.
"""

from __future__ import annotations

import contextlib
import warnings
from dataclasses import dataclass

from nbgrader.api import Comment, Grade, Gradebook, MissingEntry
from sqlalchemy.exc import SAWarning
from sqlalchemy.orm import joinedload

MANUAL_GRADE_FIELDS = ("manual_score", "extra_credit")


@contextlib.contextmanager
def _class_gradebook(url: str):
    """The class gradebook, without the warnings SQLAlchemy 2 gives for every new submission.

    nbgrader's ``add_submission`` builds a submission's notebooks, grades and comments through
    relationships before it adds them to the session; SQLAlchemy 2 no longer adds such objects on
    its own and says so ("not in session, add operation ... will not proceed"), but nbgrader adds
    them itself straight afterwards. On the instructor's terminal the warning reads like a failure."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"Object of type <\w+> not in session", category=SAWarning)
        with Gradebook(url) as gradebook:
            yield gradebook


def merge_submissions(worker_db_url: str, class_db_url: str, assignment_id: str, student_ids: list[str]) -> list[str]:
    """Copy the given students' submissions from the worker's gradebook; return who was merged."""
    merged = []
    with Gradebook(worker_db_url) as worker, _class_gradebook(class_db_url) as klass:
        for student_id in student_ids:
            try:
                submission = worker.find_submission(assignment_id, student_id)
            except MissingEntry:
                continue
            _merge_one(submission, worker, klass, assignment_id, student_id)
            merged.append(student_id)
    return merged


def rows_by_cell_name(gradebook: Gradebook, table, submitted_notebook_id: str) -> dict:
    """A submitted notebook's grades or comments (``table``) by cell name, with their cells, in one
    query (its ``grades`` relationship would take another query for each row's cell)."""
    rows = gradebook.db.query(table).options(joinedload(table.cell)).filter(table.notebook_id == submitted_notebook_id)
    return {row.name: row for row in rows}


def _merge_one(submission, worker: Gradebook, klass: Gradebook, assignment_id: str, student_id: str) -> None:
    klass.update_or_create_student(student_id)
    klass.update_or_create_submission(
        assignment_id, student_id, timestamp=submission.timestamp, extension=submission.extension
    )
    for notebook in submission.notebooks:
        target_nb = klass.find_submission_notebook(notebook.name, assignment_id, student_id)
        target_nb.flagged = notebook.flagged
        target_nb.late_submission_penalty = notebook.late_submission_penalty
        grades = rows_by_cell_name(klass, Grade, target_nb.id)
        for name, grade in rows_by_cell_name(worker, Grade, notebook.id).items():
            _merge_grade(grade, grades[name])
        comments = rows_by_cell_name(klass, Comment, target_nb.id)
        for name, comment in rows_by_cell_name(worker, Comment, notebook.id).items():
            target = comments[name]
            target.auto_comment = comment.auto_comment
            if target.manual_comment is None:
                target.manual_comment = comment.manual_comment
    klass.db.commit()


def _merge_grade(source, target) -> None:
    """The worker's automatic score; a grader's manual score in the class gradebook always wins
    (it may have been entered while this run was grading), and what is graded stays graded."""
    target.auto_score = source.auto_score
    if target.manual_score is None:
        for field in MANUAL_GRADE_FIELDS:
            setattr(target, field, getattr(source, field))
        target.needs_manual_grade = source.needs_manual_grade
    else:
        target.needs_manual_grade = False


def has_submission(db_url: str, assignment_id: str, student_id: str) -> bool:
    """Has the gradebook a submission of the assignment by the student?"""
    with Gradebook(db_url) as gb:
        try:
            gb.find_submission(assignment_id, student_id)
        except MissingEntry:
            return False
    return True


def record_ungradable(class_db_url: str, assignment_id: str, student_ids: list[str]) -> None:
    """Give students whose submission nbgrader could not grade (no notebook, unreadable file) a
    submission that scores zero and is flagged for a grader; grades already there are kept."""
    if not student_ids:
        return
    with _class_gradebook(class_db_url) as klass:
        for student_id in student_ids:
            klass.update_or_create_student(student_id)
            submission = klass.update_or_create_submission(assignment_id, student_id)
            for notebook in submission.notebooks:
                notebook.flagged = True
        klass.db.commit()


def flag_submissions(class_db_url: str, assignment_id: str, student_ids: list[str]) -> None:
    """Flag graded submissions for a grader to look at (e.g. their notebook ended its kernel)."""
    if not student_ids:
        return
    with Gradebook(class_db_url) as klass:
        for student_id in student_ids:
            for notebook in klass.find_submission(assignment_id, student_id).notebooks:
                notebook.flagged = True
        klass.db.commit()


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
                    records.append(
                        {
                            "student_id": submission.student.id,
                            "notebook": notebook.name,
                            "question": grade.name,
                            "score": grade.score,
                            "max_score": grade.max_score,
                            # test cells are code; written answers are markdown, graded by hand
                            "autograded": grade.cell.cell_type == "code",
                        }
                    )
    return records
