"""Digital Diplomacy by the Numbers: the course's own code, in layers.

- ``core``: the course's model: locations, the assignment catalog, releasing an
  assignment, running nbgrader, and how commands report;
- ``plotting``: the shared, colour-blind-safe figure style of book and course;
- ``data``: the fictional ministry's simulated data and its schema;
- ``book``: building the Jupyter Book, its Sphinx fixes and its hub launch links;
- ``grading``: autograding a class on top of nbgrader, feedback, export, item analysis;
- ``publish``: the leak check and the student-facing export;
- ``cli``: the ``course`` command that puts the packages' commands together.

The layering rule (tests/core/test_layers.py checks it): ``core`` and ``plotting``
import nothing else of the course; ``data`` imports only them; ``book``, ``grading``
and ``publish`` may import ``core``, ``plotting`` and ``data`` but not each other,
except that ``publish`` may import ``book``; only ``cli`` imports everything.
"""


def __getattr__(name: str) -> str:
    """``__version__``, read when asked for: importlib.metadata costs every process that imports
    the package (each grading kernel's launcher among them) about 0.1 s."""
    if name != "__version__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    # The version is written once, in pyproject.toml; the installed package's metadata carries it.
    try:
        return version("diplomacy-course")
    except PackageNotFoundError:  # imported from a source tree that was never installed
        return "0+unknown"
