"""Grading a class on top of nbgrader: autograde (warm, sandboxed kernels), the preprocessors
nbgrader runs, the gradebook, feedback, LMS collection and export, item analysis."""
