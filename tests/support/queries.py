"""Counting the SQL a piece of code sends to its databases (any SQLAlchemy engine)."""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field

import sqlalchemy.event
from sqlalchemy.engine import Engine

# How SQLAlchemy loads one cell of a grade or comment that was read without it.
_ONE_CELL = re.compile(r"FROM base_cell\s+WHERE base_cell\.id = ", re.IGNORECASE)


@dataclass
class Counted:
    statements: list[str] = field(default_factory=list)

    @property
    def selects(self) -> int:
        return sum(1 for statement in self.statements if statement.lstrip().upper().startswith("SELECT"))

    @property
    def cells_loaded_one_at_a_time(self) -> int:
        return sum(1 for statement in self.statements if _ONE_CELL.search(statement))


@contextlib.contextmanager
def count_queries():
    """Yield a Counted that, until the block ends, records every statement sent by any engine."""
    counted = Counted()

    def count(conn, cursor, statement, parameters, context, executemany):
        counted.statements.append(statement)

    sqlalchemy.event.listen(Engine, "before_cursor_execute", count)
    try:
        yield counted
    finally:
        sqlalchemy.event.remove(Engine, "before_cursor_execute", count)
