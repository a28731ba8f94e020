"""Returning feedback: who gets it through the exchange, who through the LMS, and who is not done.

nbgrader's ``release_feedback`` finds each student's copy in the exchange by a secret their
``submit`` left beside the notebook (``submission_secret.txt``, carried into the feedback
folder). A submission imported from an LMS download has no such secret, and nbgrader stops
the whole release at the first one; those students are left out of the exchange release
and listed, so their HTML can be uploaded to the LMS instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

from diplomacy_course.core import locations, nbgrader_runner
from diplomacy_course.core.catalog import Assignment

EXCHANGE_SECRET = "submission_secret.txt"


@dataclass(frozen=True)
class FeedbackRelease:
    through_exchange: list[str]
    through_lms: dict[str, Path]  # student -> folder with their HTML feedback


def feedback_folders(assignment: Assignment, root: Path) -> dict[str, Path]:
    """Each student's generated feedback folder for the assignment."""
    feedback = locations.grading_dir(root) / "feedback"
    return {p.parent.name: p for p in sorted(feedback.glob(f"*/{assignment.id}")) if any(p.glob("*.html"))}


def release_feedback(assignment: Assignment, root: Path) -> FeedbackRelease:
    """Release to the exchange the feedback of students who submitted there; list the others."""
    folders = feedback_folders(assignment, root)
    if not folders:
        raise FileNotFoundError(f"No feedback for {assignment.id} yet: run `./course feedback {assignment.id}` first.")
    exchange_students = [s for s, folder in folders.items() if (folder / EXCHANGE_SECRET).is_file()]
    lms_students = {s: folder for s, folder in folders.items() if s not in exchange_students}
    if exchange_students:
        nbgrader_runner.check_exchange(locations.exchange_root())
        args = ["release_feedback", assignment.id]
        if lms_students:
            args.append(f"--CourseDirectory.student_id_exclude={','.join(sorted(lms_students))}")
        nbgrader_runner.run(args, root)
    return FeedbackRelease(exchange_students, lms_students)


def ungraded_written_answers(db_url: str, assignment_id: str) -> list[str]:
    """Students whose submission still has written answers nobody has graded (they count as 0)."""
    nbgrader_runner.check_gradebook(db_url)
    with Gradebook(db_url) as gradebook:
        try:
            assignment = gradebook.find_assignment(assignment_id)
        except MissingEntry:
            raise FileNotFoundError(
                f"The gradebook has no {assignment_id}: release it and run `./course autograde {assignment_id}` first."
            ) from None
        return sorted(s.student.id for s in assignment.submissions if s.needs_manual_grade)
