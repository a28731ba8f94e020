"""A term on a real JupyterHub, driven in Chromium the way students click through it.

The hub is JupyterHub with configurable-http-proxy (npm), dummy authentication and a local
spawner (``tests/support/hub.py``); the single-user servers run in the student environment
built from the student repository alone (``tests/support/student_env.py``); the course is set
up as the instructor guide's deployment section says (``tests/support/term.py``). Then:

1. a student opens a chapter page of the built book, presses the launch button, logs in, and
   the chapter opens as a notebook in JupyterLab and runs to the end; she edits it and saves;
2. she opens A1 from the book's assignment page, answers it, presses **Validate** and submits
   from the *Assignments* tab; a second student submits a wrong answer;
3. the grader runs ``course collect``, ``course autograde`` and ``course feedback --release``;
4. each student fetches feedback in the *Assignments* tab and sees their own score, without any
   hidden test; the second student's score is lower;
5. the instructor changes the chapter and exports again; the student launches it again and
   nbgitpuller merges the change without losing her own edit.

On a failure the test keeps, in its output folder, a screenshot of every open page and the
tail of the hub's log, and names them in the failure message.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import re
import shutil
import threading
import time
from pathlib import Path

import pytest

from diplomacy_course.core import catalog
from tests.support.browser import require_chromium
from tests.support.course import REPO, cell_scores, skip_or_fail
from tests.support.hub import PASSWORD, Hub, free_port, proxy_command
from tests.support.student_env import student_environment
from tests.support.term import Course
from tests.support.variants import hidden_test_lines, read

pytestmark = [pytest.mark.slow, pytest.mark.hub, pytest.mark.browser]

STUDENTS = ("amira", "budi")
GRADER = "grader"
CHAPTER = "book/chapters/01-digital-coinage"
A1 = catalog.get("a1")
STUDENT_EDIT = "my_note = 'kept across pulls'"
INSTRUCTOR_EDIT = "A sentence the instructor added after the term began."
WRONG_ANSWER = "def drop_repulled(df):\n    return df.copy()\n"
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")  # a submission's time in the Assignments tab
SECONDS = 1000  # Playwright counts milliseconds


STUDENT_NBGRADER_CONFIG = """\
import os
c = get_config()  # noqa: F821
c.Exchange.root = {exchange!r}
c.CourseDirectory.student_id = os.environ["JUPYTERHUB_USER"]
"""


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def tools():
    require_chromium()
    if proxy_command() is None:
        skip_or_fail("configurable-http-proxy is not installed (npm install -g configurable-http-proxy)")


@pytest.fixture
def term(tools, tmp_path):
    """The course, its student repository and environment, the book on a web server, and the hub."""
    port = free_port()
    course = Course(folder=tmp_path / "term", hub_url=f"http://127.0.0.1:{port}").set_up()
    course.course("release", "a1", "--to-exchange")
    # The nbgrader exchange every account shares (on a real hub: /srv/nbgrader/exchange, nbgrader's default).
    settings = tmp_path / "jupyter-config"
    settings.mkdir()
    # Every server here runs as one Unix user, so each names its student by the hub's user name, as
    # nbgrader does by itself for Zero to JupyterHub's `jovyan` user.
    (settings / "nbgrader_config.py").write_text(STUDENT_NBGRADER_CONFIG.format(exchange=str(course.exchange)))
    hub = Hub(
        folder=tmp_path / "hub",
        student_env=student_environment(course.student_repo),
        users=[*STUDENTS, GRADER],
        extra_environment={"JUPYTER_CONFIG_PATH": str(settings), "MPLBACKEND": "Agg"},
        port=port,
    )
    book = course.build_book_page()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(book)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        hub.start()
        yield course, hub, f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        left = hub.stop()
        assert not hub.marked_pids(), f"processes left behind: {hub.marked_pids()}"
        print(f"hub stopped; {len(left)} process(es) needed killing by pid after the hub exited")


# ---------------------------------------------------------------- what a student does


def launch_from_book(context, book_url: str, path: str, link_name: str | None = None):
    """Open a page of the book and press its launch button (a chapter) or link (an assignment).

    Returns the browser tab the hub opened in (the theme's launch buttons open a new tab)."""
    page = context.new_page()
    page.goto(f"{book_url}/{path}")
    if link_name:
        link = page.get_by_role("link", name=link_name)
    else:
        page.locator(".dropdown-launch-buttons button").first.click()
        link = page.locator(".dropdown-launch-buttons a", has_text="JupyterHub")
    if link.get_attribute("target") == "_blank":
        with context.expect_page() as opened:
            link.click()
        page.close()
        page = opened.value
    else:
        link.click()
    page.set_default_timeout(60 * SECONDS)
    return page


def log_in_if_asked(page, user: str) -> None:
    page.wait_for_load_state()
    if "/hub/login" in page.url:
        page.locator("#username_input").fill(user)
        page.locator("#password_input").fill(PASSWORD)
        page.locator("#login_submit").click()


def wait_for_notebook(page, file_name: str):
    """The notebook opened in JupyterLab (after the spawn and nbgitpuller's pull); its panel."""
    page.wait_for_url(re.compile(r"/lab/tree/"), timeout=180 * SECONDS)
    tab = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text=file_name)
    tab.first.wait_for(timeout=120 * SECONDS)
    panel = page.locator(".jp-NotebookPanel:visible")
    panel.locator(".jp-Cell").first.wait_for(timeout=60 * SECONDS)
    panel.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for(timeout=120 * SECONDS)
    return panel


def menu(page, top: str, item: str) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{top}$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(f"^{re.escape(item)}$")).first.click()


def run_all(page, panel) -> None:
    """Run > Run All Cells once the kernel is ready, then wait until every code cell has run.

    A cell that fails stops the run: the kernel goes idle with cells never run, and the test fails."""
    page.locator(".jp-StatusBar-Widget", has_text=re.compile(r"\| Idle")).first.wait_for(timeout=120 * SECONDS)
    menu(page, "Run", "Run All Cells")
    prompts = panel.locator(".jp-CodeCell .jp-InputPrompt")
    idle = panel.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']")
    started, idle_since = time.monotonic(), None
    while time.monotonic() - started < 240:
        shown = [p.strip() for p in prompts.all_text_contents()]
        if shown and all(re.fullmatch(r"\[\d+\]:", p) for p in shown):
            return
        waiting = "[*]:" not in shown and idle.count() > 0
        idle_since = (idle_since or time.monotonic()) if waiting else None
        if idle_since and time.monotonic() - idle_since > 20:
            break  # idle for 20 s with cells never run: a cell failed and stopped the run
        time.sleep(1)
    errors = panel.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    raise AssertionError(f"the notebook did not run to the end; errors shown: {errors.all_text_contents()[:3]}")


def set_cell(page, cell, text: str, markdown: bool = False) -> None:
    """Replace a cell's text as a student would: select all of it in the editor and paste the new text."""
    cell.scroll_into_view_if_needed()
    if markdown:
        cell.dblclick()
    editor = cell.locator(".cm-content")
    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(text)
    page.keyboard.press("Escape")


def save(page) -> None:
    page.keyboard.press("Control+s")
    current = page.locator(".jp-MainAreaWidget .lm-TabBar-tab.lm-mod-current, .lm-DockPanel-tabBar .lm-mod-current")
    current.first.wait_for()
    page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current.jp-mod-dirty").wait_for(
        state="detached", timeout=30 * SECONDS
    )


def answers(wrong: bool) -> dict[int, tuple[str, bool]]:
    """Cell index -> (text, is markdown) for every answer cell, from the solution (as a student would write it)."""
    source = json.loads((A1.source_dir(REPO) / A1.notebook).read_text("utf-8"))
    filled = {}
    for index, cell in enumerate(source["cells"]):
        meta = cell["metadata"].get("nbgrader", {})
        if not meta.get("solution"):
            continue
        text = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            text = "An answer written by the student, in her own words."
        else:
            text = "\n".join(
                line
                for line in text.splitlines()
                if "### BEGIN SOLUTION" not in line and "### END SOLUTION" not in line
            )
            if wrong and meta.get("grade_id") == "drop_repulled":
                text = WRONG_ANSWER
        filled[index] = (text, cell["cell_type"] == "markdown")
    return filled


def answer_a1(page, panel, *, wrong: bool) -> None:
    cells = panel.locator(".jp-WindowedPanel-viewport > .jp-Cell")
    for index, (text, markdown) in answers(wrong).items():
        set_cell(page, cells.nth(index), text, markdown)
    save(page)


def open_assignments_tab(page):
    menu(page, "Nbgrader", "Assignment List")
    tab = page.locator("#nbgrader-assignment-list, .nbgrader-AssignmentList").first
    tab.wait_for(timeout=60 * SECONDS)
    return tab


# ---------------------------------------------------------------- the term


def test_a_term_on_a_real_hub(term, browser, tmp_path):
    course, hub, book_url = term
    pages = {}
    try:
        _the_term(course, hub, book_url, browser, pages)
    except BaseException as failure:
        artifacts = tmp_path / "artifacts"
        artifacts.mkdir(exist_ok=True)
        for name, page in pages.items():
            with contextlib.suppress(Exception):  # a closed page has no screenshot; the others still count
                page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)
        (artifacts / "hub-log-tail.txt").write_text(hub.log_tail(200))
        if hub.log.is_file():
            shutil.copyfile(hub.log, artifacts / "jupyterhub.log")
        raise AssertionError(
            f"{failure}\n\nWhat the students saw: {artifacts} (screenshots, hub log)\nHub log tail:\n{hub.log_tail(40)}"
        ) from failure


def _the_term(course: Course, hub: Hub, book_url: str, browser, pages: dict) -> None:
    started = time.monotonic()
    first, second = STUDENTS
    clone = course.student_repo.name

    # 1. The first student opens a chapter from the book, runs it and edits it.
    contexts = {student: browser.new_context() for student in STUDENTS}
    page = pages[first] = launch_from_book(contexts[first], book_url, f"{CHAPTER}.html")
    log_in_if_asked(page, first)
    chapter = wait_for_notebook(page, Path(CHAPTER).name + ".md")
    run_all(page, chapter)
    first_cell = chapter.locator(".jp-Cell").first
    first_cell.click()
    page.keyboard.press("Escape")
    page.keyboard.press("b")  # a new cell below the first, in command mode
    set_cell(page, chapter.locator(".jp-Cell").nth(1), STUDENT_EDIT)
    save(page)
    pulled_chapter = hub.home(first) / clone / f"{CHAPTER}.md"
    assert STUDENT_EDIT in pulled_chapter.read_text("utf-8"), "the student's edit was not saved into the chapter"

    # 2. Both students answer A1; the first validates; both submit from the Assignments tab.
    for student, wrong in ((first, False), (second, True)):
        if student in pages:
            pages[student].close()  # one JupyterLab tab per student, as in a browser with one workspace
        page = pages[student] = launch_from_book(
            contexts[student], book_url, "book/assignments.html", link_name="Open A1 on JupyterHub"
        )
        log_in_if_asked(page, student)
        notebook = wait_for_notebook(page, A1.notebook)
        answer_a1(page, notebook, wrong=wrong)
        if not wrong:
            notebook.locator(".validate-button").first.click()  # nbgrader's Validate, in the notebook's toolbar
            dialog = page.locator(".jp-Dialog")
            dialog.get_by_text("Success! Your notebook passes all the tests.").wait_for(timeout=180 * SECONDS)
            dialog.get_by_role("button", name="OK").click()
        assignments = open_assignments_tab(page)
        assignments.locator("#fetched_assignments_list").get_by_role("button", name="Submit").first.click()
        submitted = assignments.locator("#submitted_assignments_list").get_by_text(TIMESTAMP)
        submitted.first.wait_for(timeout=60 * SECONDS)

    # 3. The grader collects, autogrades and returns feedback.
    collected = course.course("collect", "a1")
    assert "2 students have a submission" in collected.stdout + collected.stderr, collected.stderr
    course.course("autograde", "a1")
    course.course("feedback", "a1", "--release")
    hidden = hidden_test_lines(read(A1.source_dir(REPO) / A1.notebook), min_length=20)
    assert hidden, "A1 has no hidden test to look for"

    # 4. Each student fetches feedback and sees their own score, without hidden tests.
    scores = {}
    for student in STUDENTS:
        page = pages[student]
        assignments = open_assignments_tab(page)
        assignments.locator("#submitted_assignments_list").get_by_role("button", name="Fetch Feedback").first.click()
        # "(view feedback)" opens the feedback folder in the file browser; the report is the HTML file there.
        assignments.get_by_text("(view feedback)").first.click()
        page.locator(".jp-DirListing-item", has_text=f"{A1.notebook_id}.html").first.dblclick()
        report = page.frame_locator(".jp-HTMLViewer iframe").first.locator("body")
        report.get_by_text(re.compile(r"Score:")).first.wait_for(timeout=60 * SECONDS)
        text = report.inner_text()
        match = re.search(r"Score:\s*([\d.]+)\s*/\s*([\d.]+)", text)
        assert match, f"{student}'s feedback shows no score"
        scores[student] = float(match.group(1))
        shown = [line for line in hidden if line in text]
        assert not shown, f"{student}'s feedback shows hidden tests: {shown[:3]}"
    assert scores[second] < scores[first], scores
    for student in STUDENTS:  # the score each student saw is the gradebook's
        graded = cell_scores(course.clone, A1, student)
        assert scores[student] == pytest.approx(sum(s for s, _, _ in graded.values())), (student, graded)

    # 5. The instructor changes the chapter and exports again; the student launches it again.
    source = course.clone / f"{CHAPTER}.md"
    source.write_text(source.read_text("utf-8").rstrip("\n") + f"\n\n{INSTRUCTOR_EDIT}\n", "utf-8")
    course.publish("Chapter 1: an added sentence")
    pages[first].close()
    page = pages[first] = launch_from_book(contexts[first], book_url, f"{CHAPTER}.html")
    chapter = wait_for_notebook(page, Path(CHAPTER).name + ".md")
    merged = pulled_chapter.read_text("utf-8")
    assert INSTRUCTOR_EDIT in merged, "nbgitpuller did not bring the instructor's change"
    assert STUDENT_EDIT in merged, "nbgitpuller lost the student's own edit"
    chapter.get_by_text(INSTRUCTOR_EDIT).wait_for()
    chapter.get_by_text("kept across pulls").first.wait_for()
    print(f"the term took {time.monotonic() - started:.0f} s in the browser; scores {scores}")
