"""Building the book with Jupyter Book 1.x, strictly and with a data-aware cache.

Jupyter Book's execution cache keys on a notebook's code cells only
(jupyter-book#705): a chapter whose dataset changed would keep its old
figures. Before each build, every chapter's cache record is dropped when a
dataset file that the chapter reads (a ``load_table("name")`` call) changed
since the last build.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

from diplomacy_course.core import locations
from diplomacy_course.core.nbgrader_runner import environment

TABLE_CALL = re.compile(r"""load_table\(\s*["'](\w+)["']""")
STAMPS = "data-stamps.json"


def _build_dir(root: Path) -> Path:
    return root / "_build"


def _cache_dir(root: Path) -> Path:
    return _build_dir(root) / ".jupyter_cache"


def tables_read_by(chapter: Path) -> list[str]:
    return sorted(set(TABLE_CALL.findall(chapter.read_text(encoding="utf-8"))))


def data_fingerprint(tables: list[str], root: Path) -> str:
    digest = hashlib.sha256()
    for table in tables:
        for path in sorted(locations.datasets_dir(root).glob(f"{table}.csv*")):
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def _executable_pages(root: Path) -> list[Path]:
    return sorted(p for p in locations.book_dir(root).rglob("*.md") if TABLE_CALL.search(p.read_text("utf-8")))


def invalidate_stale_executions(root: Path) -> list[Path]:
    """Drop cached executions of pages whose datasets changed; return those pages."""
    stamp_file = _build_dir(root) / STAMPS
    old = json.loads(stamp_file.read_text()) if stamp_file.is_file() else {}
    new = {str(p.relative_to(root)): data_fingerprint(tables_read_by(p), root) for p in _executable_pages(root)}
    stale = [root / page for page, stamp in new.items() if old.get(page) not in (None, stamp)]
    if stale and _cache_dir(root).is_dir():
        _forget_cached(stale, root)
    stamp_file.parent.mkdir(parents=True, exist_ok=True)
    stamp_file.write_text(json.dumps(new, indent=1, sort_keys=True))
    return stale


def _forget_cached(pages: list[Path], root: Path) -> None:
    from jupyter_cache import get_cache

    cache = get_cache(str(_cache_dir(root)))
    wanted = {str(p.resolve()) for p in pages}
    for record in cache.list_cache_records():
        if str(Path(record.uri).resolve()) in wanted:
            cache.remove_cache(record.pk)


def build_book(root: Path | None = None, *, strict: bool = True, quiet: bool = False) -> Path:
    """Build the HTML book into _build/html; any warning or execution error fails it.

    ``quiet`` keeps Sphinx's progress off the terminal (benchmarks); errors still show."""
    root = root or locations.repo_root()
    invalidate_stale_executions(root)
    command = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(root), "--path-output", str(root)]
    if strict:
        command += ["-W", "-n", "--keep-going"]
    done = subprocess.run(command, cwd=root, env=environment(), stdout=subprocess.DEVNULL if quiet else None)
    if done.returncode != 0:
        raise RuntimeError(
            f"The book build failed (exit {done.returncode}); the messages above say which page. "
            f"Execution reports are in {_build_dir(root) / 'html' / 'reports'}."
        )
    return locations.built_book_dir(root)
