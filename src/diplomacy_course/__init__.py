"""Digital Diplomacy by the Numbers: the course's own code.

- ``data``: the fictional ministry's simulated data and its schema;
- ``plotting``: the shared, colour-blind-safe figure style of book and course;
- ``grading``: instructor tooling on top of nbgrader (release, autograde,
  feedback, export, leak check, item analysis);
- ``cli``: the ``course`` command that ties them together.
"""

__version__ = "0.1.0"
