"""``nbgrader``'s own command line, started without a two-second import it never uses.

nbformat imports jsonschema, whose format checkers import ``rfc3987_syntax`` when it is installed
(jupyter-events pulls it in); that module compiles some forty Lark grammars at import, 1.5-4 s
on our CI machine, for every nbgrader process (jsonschema#1428). Neither nbformat nor nbgrader
checks the ``iri`` formats those grammars serve, so nbgrader processes started by the course
skip that module; jsonschema then leaves those two format checkers out, and nothing else changes.

    python -m diplomacy_course.core.nbgrader_main ARGS   # exactly ``nbgrader ARGS``
"""

import sys


def skip_unused_slow_imports() -> None:
    """Make ``import rfc3987_syntax`` fail (jsonschema expects and tolerates that)."""
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


def main() -> None:
    skip_unused_slow_imports()
    from nbgrader.apps.nbgraderapp import main as nbgrader

    nbgrader()


if __name__ == "__main__":
    main()
