"""Instructor tooling on top of nbgrader: release, autograde, feedback, export, checks."""
