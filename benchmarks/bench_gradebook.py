"""Opening nbgrader's Gradebook on a server gradebook: nbgrader's own way against grading's.

nbgrader opens a Gradebook nine times for each notebook it autogrades, and each one makes a new
SQLAlchemy engine and, on PostgreSQL, a new connection (a login and a new process on the server),
then asks the server's catalog whether nbgrader's tables are there. ``course autograde`` lends one
engine per gradebook to all of them, keeps its connections and looks for the tables once
(``nbgrader_worker.shared_database_engines``). This opens and closes a Gradebook the given number
of times each way (each also asks whether the course is there, as every Gradebook does), in
alternating rounds, and prints the median milliseconds per Gradebook, the ratio and the number
of connections each way made to the server.

    .venv/bin/python -m benchmarks.bench_gradebook --url postgresql+psycopg2://USER@HOST/DB
                                                   [--opens 90] [--repeats 5]

The database may be empty (nbgrader creates its tables) or a class gradebook (nothing is
written to it but the tables and course row nbgrader itself adds). It prints figures; nothing
here is asserted by the test suite.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import time

import sqlalchemy.event
from nbgrader.api import Gradebook
from sqlalchemy.engine import Engine

from diplomacy_course.core.nbgrader_worker import shared_database_engines


class ConnectionCount:
    """New connections any engine of this process makes to a database, while counting."""

    def __init__(self) -> None:
        self.made = 0
        sqlalchemy.event.listen(Engine, "connect", self._count)

    def _count(self, _connection, _record) -> None:
        self.made += 1


def open_gradebooks(url: str, opens: int) -> float:
    """Seconds per Gradebook opened, queried once and closed."""
    start = time.perf_counter()
    for _ in range(opens):
        with Gradebook(url):  # its constructor checks the course's row, as every Gradebook's does
            pass
    return (time.perf_counter() - start) / opens


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="a PostgreSQL gradebook (SQLAlchemy URL)")
    parser.add_argument("--opens", type=int, default=90, help="Gradebooks a round (nine a notebook)")
    parser.add_argument("--repeats", type=int, default=5)
    options = parser.parse_args()

    open_gradebooks(options.url, 1)  # tables and course row, once, outside the timing
    connections = ConnectionCount()
    ways = {"nbgrader": contextlib.nullcontext, "course": shared_database_engines}
    seconds: dict[str, list[float]] = {way: [] for way in ways}
    made: dict[str, int] = dict.fromkeys(ways, 0)
    for _ in range(options.repeats):
        for way, lending in ways.items():
            before = connections.made
            with lending():
                seconds[way].append(open_gradebooks(options.url, options.opens))
            made[way] += connections.made - before
    for way in ways:
        rounds = " ".join(f"{s * 1000:.2f}" for s in seconds[way])
        print(
            f"{way:9s} median {statistics.median(seconds[way]) * 1000:6.2f} ms a Gradebook (rounds: {rounds}); "
            f"{made[way] / options.repeats:.0f} connections a round of {options.opens}"
        )
    ratio = statistics.median(seconds["nbgrader"]) / statistics.median(seconds["course"])
    print(f"ratio nbgrader/course: {ratio:.2f}x")


if __name__ == "__main__":
    main()
