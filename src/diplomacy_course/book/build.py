"""Building the book's editions with Jupyter Book 1.x and Sphinx, strictly and with a data-aware cache.

Each edition (``LANGUAGES``) is a sphinx-build of the same sources with its language; the
Indonesian text comes from the gettext catalogs in book/locales (see ``book.editions``).

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
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from diplomacy_course.book.editions import EDITION_NAMES, EDITION_TITLES, LOCALES
from diplomacy_course.core import locations
from diplomacy_course.core.nbgrader_runner import environment
from diplomacy_course.plotting import EDITIONS_VARIABLE, LANGUAGES

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


def sphinx_conf_dir(root: Path) -> Path:
    """Write the Sphinx configuration that Jupyter Book derives from _config.yml and _toc.yml.

    Jupyter Book 1.x cannot pass a language to Sphinx, so the book is built with sphinx-build on
    the conf.py that ``jupyter-book config sphinx`` writes (its documented route to plain Sphinx).
    It writes conf.py into the book's root; it is moved under _build so no stray copy is read."""
    out = _build_dir(root) / "sphinx"
    out.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [_tool("jupyter-book"), "config", "sphinx", str(root)],
        cwd=root, env=environment(), capture_output=True, text=True,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"jupyter-book config sphinx failed:\n{done.stderr}")
    conf = out / "conf.py"
    (root / "conf.py").replace(conf)
    with conf.open("a", encoding="utf-8") as handle:
        handle.write(_absolute_paths(root))
    return out


def _absolute_paths(root: Path) -> str:
    """Settings that the extensions read relative to conf.py's folder, which is now under _build."""
    root = root.resolve()
    bibfiles = [str(root / name) for name in _bibfiles(root)]
    return (
        "\n# Added by diplomacy_course.book.build: paths from the book's root, wherever conf.py is.\n"
        f"bibtex_bibfiles = {bibfiles!r}\n"
        f"nb_execution_cache_path = {str(_cache_dir(root))!r}\n"
        f"locale_dirs = {[str(_build_dir(root) / 'locales')]!r}\n"
    )


def _tool(name: str) -> str:
    return str(Path(sys.executable).parent / name)


def stage_catalogs(root: Path) -> Path:
    """Copy the catalogs under _build, where Sphinx compiles them (no .mo in the sources): run
    it before any ``sphinx_command``, whose configuration reads the catalogs from there.

    Copies keep their times and compiled catalogs stay, so an unchanged catalog is not compiled
    again and its page is not rebuilt; catalogs deleted from the sources are deleted here too."""
    source, target = root / LOCALES, _build_dir(root) / "locales"
    target.mkdir(parents=True, exist_ok=True)
    wanted = {p.relative_to(source) for p in source.rglob("*.po")} if source.is_dir() else set()
    for old in target.rglob("*.[pm]o"):
        if old.relative_to(target).with_suffix(".po") not in wanted:
            old.unlink()
    for name in wanted:
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / name, target / name)
    return target


def sphinx_command(root: Path, conf: Path, lang: str, *, builder: str = "html", strict: bool = True) -> list[str]:
    """sphinx-build for one edition (or the gettext catalogs), sharing the one execution cache."""
    work = _build_dir(root) / "editions" / lang
    out = work / builder
    command = [_tool("sphinx-build"), "-b", builder, "-c", str(conf), "-d", str(work / f"doctrees-{builder}")]
    command += ["-D", f"language={lang}", "-D", f"html_title={EDITION_TITLES[lang]}"]
    if strict:
        command += ["-W", "-n", "--keep-going"]
    return [*command, str(root), str(out)]


def _bibfiles(root: Path) -> list[str]:
    config = yaml.safe_load((root / "_config.yml").read_text("utf-8")) or {}
    return list(config.get("bibtex_bibfiles") or [])


def _run_sphinx(command: list[str], root: Path, quiet: bool) -> int:
    env = {**environment(), EDITIONS_VARIABLE: ",".join(LANGUAGES)}
    return subprocess.run(command, cwd=root, env=env, stdout=subprocess.DEVNULL if quiet else None).returncode


def _publish_edition(root: Path, lang: str) -> None:
    """Copy an edition's HTML to _build/html/<lang> (its build folder keeps myst-nb's files out)."""
    target = locations.built_book_dir(root) / lang
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(_build_dir(root) / "editions" / lang / "html", target)


def _keep_reports(root: Path, lang: str) -> Path:
    """Execution reports where CI looks for them (_build/html/reports), by edition."""
    reports = _build_dir(root) / "editions" / lang / "html" / "reports"
    target = locations.built_book_dir(root) / "reports" / lang
    if reports.is_dir():
        shutil.copytree(reports, target, dirs_exist_ok=True)
    return target


CHOOSER = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<meta http-equiv="refresh" content="3; url={default}/index.html">
<script>
// Readers whose browser prefers Indonesian go to the Indonesian edition, everyone else to English.
var wanted = (navigator.languages || [navigator.language || ""]).join(",").toLowerCase();
location.replace((/(^|,)(id|in)(-|,|$)/.test(wanted) ? "id" : "{default}") + "/index.html");
</script>
</head>
<body>
<main>
<h1>{title}</h1>
<ul>
{links}
</ul>
</main>
</body>
</html>
"""


def write_chooser(root: Path) -> Path:
    """_build/html/index.html: sends the reader to the edition in their browser's language."""
    links = "\n".join(
        f'<li><a href="{lang}/index.html" hreflang="{lang}" lang="{lang}">'
        f"{EDITION_TITLES[lang]} ({EDITION_NAMES[lang]})</a></li>"
        for lang in LANGUAGES
    )
    index = locations.built_book_dir(root) / "index.html"
    index.parent.mkdir(parents=True, exist_ok=True)
    index.write_text(CHOOSER.format(title=EDITION_TITLES[LANGUAGES[0]], default=LANGUAGES[0], links=links), "utf-8")
    return index


def build_book(root: Path | None = None, *, strict: bool = True, quiet: bool = False) -> Path:
    """Build every edition of the HTML book into _build/html/<lang>; any warning or execution error fails it.

    The first edition executes the pages (or reuses the cache); the others reuse its cache, so
    each code cell runs once per build. ``quiet`` keeps Sphinx's progress off the terminal."""
    root = root or locations.repo_root()
    invalidate_stale_executions(root)
    conf = sphinx_conf_dir(root)
    stage_catalogs(root)
    for lang in LANGUAGES:
        code = _run_sphinx(sphinx_command(root, conf, lang, strict=strict), root, quiet)
        if code != 0:
            reports = _keep_reports(root, lang)
            raise RuntimeError(
                f"The book build failed in its {EDITION_NAMES[lang]} edition (exit {code}); the messages above "
                f"say which page. Execution reports are in {reports}."
            )
        _publish_edition(root, lang)
    write_chooser(root)
    return locations.built_book_dir(root)


def extract_messages(root: Path | None = None, *, quiet: bool = False) -> Path:
    """The book's message templates (.pot, one per page) in _build/editions/en/gettext."""
    root = root or locations.repo_root()
    conf = sphinx_conf_dir(root)
    stage_catalogs(root)
    command = sphinx_command(root, conf, LANGUAGES[0], builder="gettext", strict=False)
    if _run_sphinx(command, root, quiet) != 0:
        raise RuntimeError("Extracting the book's messages failed; the messages above say why.")
    return Path(command[-1])


def update_catalogs(root: Path | None = None, *, quiet: bool = False) -> Path:
    """Merge new and changed messages into book/locales (new ones empty, changed ones fuzzy)."""
    root = root or locations.repo_root()
    templates = extract_messages(root, quiet=quiet)
    for lang in LANGUAGES[1:]:
        done = subprocess.run(
            [_tool("sphinx-intl"), "update", "-p", str(templates), "-d", str(root / LOCALES), "-l", lang, "-w", "100"],
            cwd=root, capture_output=quiet,
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError("sphinx-intl could not update the catalogs; the messages above say why.")
    return root / LOCALES
