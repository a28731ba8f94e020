"""Counting the SQL a piece of code sends to its databases (any SQLAlchemy engine)."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import sqlalchemy.event
from sqlalchemy.engine import Engine


@dataclass
class Counted:
    selects: int = 0
    others: int = 0


@contextlib.contextmanager
def count_queries():
    """Yield a Counted that, until the block ends, counts every statement sent by any engine."""
    counted = Counted()

    def count(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            counted.selects += 1
        else:
            counted.others += 1

    sqlalchemy.event.listen(Engine, "before_cursor_execute", count)
    try:
        yield counted
    finally:
        sqlalchemy.event.remove(Engine, "before_cursor_execute", count)
