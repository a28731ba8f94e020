"""Grading a class on top of nbgrader: autograde (warm, sandboxed kernels), the preprocessors
nbgrader runs, the gradebook, feedback, LMS collection and export, item analysis."""

from diplomacy_course.core.nbgrader_main import skip_unused_slow_imports

# Every grading command imports nbgrader, and with it a 2 s import it never uses (see there).
skip_unused_slow_imports()
