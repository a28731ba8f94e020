"""nbgrader configuration for this repository's layout.

- ``solutions/<assignment>/``   nbgrader's *source*: solutions, hidden tests, rubrics (never published)
- ``assignments/<assignment>/`` nbgrader's *release*: what students get (generated, committed)
- ``grading/``                  git-ignored workspace for student data: submissions, autograded
                                copies, feedback and the gradebook

Instructors normally go through ``./course`` (see ``./course --help``), which runs nbgrader
with this file; plain ``nbgrader`` commands run from the repository root use it too.
"""

import os
from pathlib import Path

from nbgrader.converters import GenerateAssignment
from nbgrader.preprocessors import SaveCells

from diplomacy_course.core import catalog, locations

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

root = Path(__file__).resolve().parent
grading = locations.grading_dir(root)
grading.mkdir(parents=True, exist_ok=True)  # a fresh clone has no workspace yet; the gradebook goes here

c.CourseDirectory.course_id = locations.COURSE_ID
c.CourseDirectory.root = str(root)
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "assignments"
# Student data lives in the git-ignored grading workspace (relative paths are joined to root).
for step in ("submitted", "autograded", "feedback", "solution"):
    setattr(c.CourseDirectory, f"{step}_directory", os.path.relpath(grading / step, root))
c.CourseDirectory.db_url = locations.gradebook_url(root)
# The exchange students fetch from and submit to (a shared volume on a multi-user hub).
c.Exchange.root = str(locations.exchange_root())
# locales: an assignment's Indonesian catalog (solutions/<a>/locales/) is for instructors, not students.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "*.md.bak", "locales"]

# A runaway cell is interrupted after this many seconds and graded as failed; the notebook
# goes on with its next cell (nbgrader's default timeout is 30 s; the solutions take a few).
c.Execute.timeout = locations.cell_timeout()
c.Execute.interrupt_on_timeout = True
# A notebook's JSON is checked once, after the last preprocessor, not after every one of them.
c.Exporter.optimistic_validation = True
# Grade cells a student deleted are put back from the source, and score zero.
c.OverwriteCells.add_missing_cells = True
# Stubs where solutions were, in the language of the release being made (./course release says
# which; plain nbgrader releases in English).
release_language = os.environ.get(catalog.RELEASE_LANGUAGE_ENV, "en")
c.ClearSolutions.code_stub = {"python": catalog.CODE_STUB[release_language]}
c.ClearSolutions.text_stub = catalog.TEXT_STUB[release_language]

# The course's own exporter: one row per student with each assignment's score and the total.
c.ExportApp.plugin_class = "diplomacy_course.grading.export.LmsCsvExportPlugin"

# Feedback never shows hidden tests (nbgrader#917, #1363): see diplomacy_course.grading.feedback.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "diplomacy_course.grading.feedback.HideHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]

# Autograde with preprocessors that survive deleted or renamed cells and dying kernels
# (see diplomacy_course.grading.preprocessors); otherwise nbgrader's own pipeline.
c.Autograde.sanitize_preprocessors = [
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "diplomacy_course.grading.preprocessors.RobustOverwriteCells",
    "diplomacy_course.grading.preprocessors.CheckCellMetadataOnce",
]
c.Autograde.autograde_preprocessors = [
    "diplomacy_course.grading.preprocessors.CrashSafeExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "diplomacy_course.grading.preprocessors.CapOutputSize",
    "diplomacy_course.grading.preprocessors.PreloadedSaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "diplomacy_course.grading.preprocessors.CheckCellMetadataOnce",
]
# A release records each notebook's cells in the gradebook in one transaction (nbgrader commits
# after each cell); otherwise nbgrader's own pipeline.
c.GenerateAssignment.preprocessors = [
    "diplomacy_course.grading.preprocessors.SingleCommitSaveCells" if step is SaveCells else step
    for step in GenerateAssignment.preprocessors.default()
]
