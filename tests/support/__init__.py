"""Helpers shared by the tests and the benchmarks: copying the course, submitting notebooks,
building answer variants and hostile submissions from a solution's nbgrader metadata.

- ``course``: a private copy of the course, submissions, gradebook reads, the book's pages;
- ``variants``: reading solution notebooks and writing answer variants;
- ``hostile_bank``: broken and hostile submissions with the score each should earn.
"""
