"""The fictional Maritiman foreign ministry's simulated data.

- ``parameters``: every simulation number, with its source;
- ``simulate``: the seeded generator (``generate_all``, ``write_all``);
- ``load``: ``load_table(name)`` with the right dtypes, for the book and the tests;
- ``schema``: pandera schemas and cross-table checks (``validate_dir``);
- ``cli``: ``course data generate`` and ``course data validate``.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the real names for type checkers; at run time, __getattr__ below
    from diplomacy_course.data.load import TABLES, load_table

__all__ = ["TABLES", "load_table"]


def __getattr__(name: str):
    """``load``'s names, imported on first use: they bring pandas (0.2 s), which the course's
    command line, importing ``data.cli`` for every command, should not pay for."""
    if name in __all__:
        from diplomacy_course.data import load

        return getattr(load, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
