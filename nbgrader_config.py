"""nbgrader configuration for this repository's layout.

- ``solutions/<assignment>/``   nbgrader's *source*: solutions, hidden tests, rubrics (never published)
- ``assignments/<assignment>/`` nbgrader's *release*: what students get (generated, committed)
- ``grading/``                  git-ignored workspace for student data: submissions, autograded
                                copies, feedback and the gradebook

Instructors normally go through ``./course`` (see ``./course --help``), which runs nbgrader
with this file; plain ``nbgrader`` commands run from the repository root use it too.
"""

import os

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

here = os.path.dirname(os.path.abspath(__file__))
grading = os.environ.get("COURSE_GRADING_DIR", os.path.join(here, "grading"))
os.makedirs(grading, exist_ok=True)  # a fresh clone has no workspace yet; the gradebook goes here

c.CourseDirectory.course_id = "digital-diplomacy-by-the-numbers"
c.CourseDirectory.root = here
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "assignments"
# Student data lives in the git-ignored grading workspace (relative paths are joined to root).
c.CourseDirectory.submitted_directory = os.path.relpath(os.path.join(grading, "submitted"), here)
c.CourseDirectory.autograded_directory = os.path.relpath(os.path.join(grading, "autograded"), here)
c.CourseDirectory.feedback_directory = os.path.relpath(os.path.join(grading, "feedback"), here)
c.CourseDirectory.solution_directory = os.path.relpath(os.path.join(grading, "solution"), here)
c.CourseDirectory.db_url = os.environ.get(
    "COURSE_GRADEBOOK_URL", "sqlite:///" + os.path.join(grading, "gradebook.db")
)
# The exchange students fetch from and submit to (a shared volume on a multi-user hub).
c.Exchange.root = os.environ.get("COURSE_EXCHANGE_ROOT", "/srv/nbgrader/exchange")
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "*.md.bak"]

# A runaway cell is interrupted after this many seconds and graded as failed; the notebook
# goes on with its next cell (nbgrader's default timeout is 30 s; the solutions take a few).
c.Execute.timeout = int(os.environ.get("COURSE_CELL_TIMEOUT", "60"))
c.Execute.interrupt_on_timeout = True
# Grade cells a student deleted are put back from the source, and score zero.
c.OverwriteCells.add_missing_cells = True
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}

# The course's own exporter: one row per student with each assignment's score and the total.
c.ExportApp.plugin_class = "diplomacy_course.grading.export.LmsCsvExportPlugin"

# Feedback never shows hidden tests (nbgrader#917, #1363): see diplomacy_course.grading.feedback.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "diplomacy_course.grading.feedback.HideHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]

# Autograde with preprocessors that survive deleted or renamed cells and dying kernels
# (see diplomacy_course.grading.robust_preprocessors); otherwise nbgrader's own pipeline.
c.Autograde.sanitize_preprocessors = [
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "diplomacy_course.grading.robust_preprocessors.RobustOverwriteCells",
    "nbgrader.preprocessors.CheckCellMetadata",
]
c.Autograde.autograde_preprocessors = [
    "diplomacy_course.grading.robust_preprocessors.CrashSafeExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "diplomacy_course.grading.robust_preprocessors.CapOutputSize",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
