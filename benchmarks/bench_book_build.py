"""Book build times: a clean build, a rebuild with no change, a rebuild after editing one chapter.

Runs on a copy of the repository (without _build) so the working tree's cache is
untouched, and prints the times and the ratios to the clean build (goal: a
no-change rebuild under 15% of the clean build). Repeats the rebuilds --repeat
times and reports medians, since this machine is noisy.

    .venv/bin/python -m benchmarks.bench_book_build [--repeat 3] [--chapter book/chapters/03-time-and-audience.md]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from diplomacy_course.book.build import build_book
from tests.support.course import copy_course

REPO = Path(__file__).resolve().parents[1]


def timed_build(root: Path) -> float:
    start = time.perf_counter()
    build_book(root, strict=True, quiet=True)
    return time.perf_counter() - start


def edit_prose(chapter: Path, round_number: int) -> None:
    """Edit the page's text but not its code (an HTML comment at the end), as an author's fix would."""
    chapter.write_text(chapter.read_text() + f"\n<!-- benchmark edit {round_number} -->\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--chapter", default="book/chapters/03-time-and-audience.md")
    args = parser.parse_args()
    root = copy_course(Path(tempfile.mkdtemp(prefix="bench-book-")) / "course")
    clean = timed_build(root)
    unchanged, edited = [], []
    for round_number in range(args.repeat):
        unchanged.append(timed_build(root))
        edit_prose(root / args.chapter, round_number)
        edited.append(timed_build(root))
    no_change, one_chapter = statistics.median(unchanged), statistics.median(edited)
    print(f"clean build:                  {clean:7.1f} s")
    print(
        f"rebuild, no change (median):  {no_change:7.1f} s  = {no_change / clean:6.1%} of clean  runs: "
        + ", ".join(f"{t:.1f}" for t in unchanged)
    )
    print(
        f"rebuild, one chapter edited:  {one_chapter:7.1f} s  = {one_chapter / clean:6.1%} of clean  runs: "
        + ", ".join(f"{t:.1f}" for t in edited)
    )
    shutil.rmtree(root.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
