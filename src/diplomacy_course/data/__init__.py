"""The fictional Maritiman foreign ministry's simulated data.

- ``parameters``: every simulation number, with its source;
- ``simulate``: the seeded generator (``generate_all``, ``write_all``);
- ``load``: ``load_table(name)`` with the right dtypes, for the book and the tests;
- ``schema``: pandera schemas and cross-table checks (``validate_dir``);
- ``cli``: ``course data generate`` and ``course data validate``.
"""

from diplomacy_course.data.load import TABLES, load_table

__all__ = ["TABLES", "load_table"]
