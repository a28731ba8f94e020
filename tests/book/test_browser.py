"""The built book in a real browser: Debian's headless Chromium driven by Playwright.

Every page of the table of contents, in each edition (English, Indonesian), is loaded from a
loopback web server and checked for console errors, broken images, a usable phone layout and
serious accessibility violations; the language switcher, the search page and the JupyterHub
launch links are checked too.

The book comes from the ``built_book`` fixture (a full strict build), or from the folder
named by COURSE_BUILT_BOOK (an already built ``_build/html``) to skip rebuilding while
working on these tests.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from diplomacy_course.core import catalog
from diplomacy_course.plotting import LANGUAGES
from tests.support.course import REPO, toc_files

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}

# Console errors that come from the theme, not from the book, each with the reason it is harmless.
KNOWN_CONSOLE_NOISE = {
    "Got invalid theme mode": "pydata-sphinx-theme logs it before its stored light/dark preference exists",
    "Identifier 'THEBE_JS_URL' has already been declared": "sphinx-thebe 0.3.1 adds its inline settings script "
    "twice under Sphinx 7.4, and the second `const` throws; thebe is off in this book (launch_buttons.thebe: "
    "false), so nothing uses it",
}
# Requests that may fail, each with the reason.
KNOWN_MISSING = {
    "/favicon.ico": "the browser asks for a favicon the book does not define (_config.yml has no html.favicon)",
}
# Serious or critical axe-core rules the theme breaks and we cannot fix from the book (rule id: reason).
KNOWN_THEME_VIOLATIONS: dict[str, str] = {}
GLOSSARY_TERM = "amplification"  # a term defined in book/appendices/glossary.md
# Every page in every edition: (edition, page) pairs, as "id/book/welcome".
EDITION_PAGES = [f"{lang}/{page}" for lang in LANGUAGES for page in toc_files(REPO)]


def executable_pages() -> list[str]:
    """Pages that are MyST notebooks (a kernelspec in the front matter): they get a launch button."""
    sources = [REPO / f"{p}.md" for p in toc_files(REPO)]
    return [
        str(s.relative_to(REPO).with_suffix(""))
        for s in sources
        if s.is_file() and "kernelspec:" in s.read_text("utf-8").split("\n---", 1)[0]
    ]


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def book(request) -> Path:
    override = os.environ.get("COURSE_BUILT_BOOK")
    if override:
        return Path(override)
    return request.getfixturevalue("built_book")


@pytest.fixture(scope="session")
def site(book):
    """The built book on a loopback HTTP server with a free port."""
    handler = functools.partial(QuietHandler, directory=str(book))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep the test output readable
        pass


@pytest.fixture
def page_in(browser, site):
    """open(path, viewport=None) -> (page, problems): a page loaded offline, with what went wrong."""
    contexts = []

    def open_page(path: str, viewport: dict | None = None):
        context = browser.new_context(viewport=viewport) if viewport else browser.new_context()
        contexts.append(context)
        page = context.new_page()
        problems: list[str] = []
        # The book is tested as served, offline: any request outside the site is refused.
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(site) else route.abort())
        page.on(
            "console",
            lambda m: (
                m.type == "error"
                and _unexplained_console(m, site)
                and problems.append(f"console: {m.text} ({m.location.get('url')})")
            ),
        )
        page.on("pageerror", lambda e: not _known_noise(str(e)) and problems.append(f"page error: {e}"))
        page.on(
            "response",
            lambda r: (
                r.status >= 400
                and urlsplit(r.url).path not in KNOWN_MISSING
                and problems.append(f"HTTP {r.status}: {r.url}")
            ),
        )
        response = page.goto(f"{site}/{path}", wait_until="load")
        assert response is not None and response.ok, f"{path} did not load"
        return page, problems

    yield open_page
    for context in contexts:
        context.close()


def _known_noise(text: str) -> bool:
    return any(noise in text for noise in KNOWN_CONSOLE_NOISE)


def _unexplained_console(message, site: str) -> bool:
    if _known_noise(message.text):
        return False
    url = message.location.get("url", "")
    if url and not url.startswith(site):
        return False  # a request the test itself blocked (external resource)
    if "net::ERR_FAILED" in message.text:
        return False  # likewise, reported without a location
    return urlsplit(url).path not in KNOWN_MISSING


# ---------------------------------------------------------------- every page


@pytest.mark.parametrize("toc_page", EDITION_PAGES)
def test_page_loads_without_console_errors(page_in, toc_page):
    page, problems = page_in(f"{toc_page}.html")
    page.wait_for_load_state("networkidle")
    assert problems == []


@pytest.mark.parametrize("toc_page", EDITION_PAGES)
def test_every_image_loads(page_in, toc_page):
    page, _ = page_in(f"{toc_page}.html")
    broken = page.evaluate("""async () => {
        const images = Array.from(document.images);
        images.forEach(i => { i.loading = "eager"; });  // lazy images would never load off-screen
        await Promise.all(images.map(i => i.complete ? null : new Promise(r => { i.onload = i.onerror = r; })));
        return images.filter(i => i.naturalWidth === 0).map(i => i.getAttribute("src"));
    }""")
    assert broken == []


@pytest.mark.parametrize("toc_page", EDITION_PAGES)
def test_phone_layout_has_no_horizontal_scroll(page_in, toc_page):
    page, _ = page_in(f"{toc_page}.html", viewport=PHONE)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"the page is {overflow}px wider than a phone screen"
    main = page.locator("main#main-content article")
    assert main.is_visible(), "the main content is hidden at phone width"
    box = main.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 1


@pytest.mark.parametrize("toc_page", EDITION_PAGES)
def test_no_serious_accessibility_violation(page_in, toc_page):
    from axe_playwright_python.sync_playwright import Axe

    page, _ = page_in(f"{toc_page}.html")
    violations = Axe().run(page).response["violations"]
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}"
        for v in violations
        if v["impact"] in ("serious", "critical") and v["id"] not in KNOWN_THEME_VIOLATIONS
    ]
    assert serious == []


# ---------------------------------------------------------------- search and launch links


def test_mathematics_renders_offline(page_in):
    """MathJax is served by the site itself, so formulas are typeset with every other host refused."""
    page, problems = page_in("id/book/chapters/05-monologue-to-dialogue.html")
    page.wait_for_selector("mjx-container", state="attached", timeout=20_000)
    assert page.locator("mjx-container").count() >= 1
    assert problems == []


def test_search_finds_a_glossary_term(page_in):
    assert GLOSSARY_TERM in (REPO / "book/appendices/glossary.md").read_text("utf-8")
    page, _ = page_in(f"en/search.html?q={GLOSSARY_TERM}")
    hit = page.locator("ul.search li a[href*='appendices/glossary']").first
    hit.wait_for(state="attached", timeout=30_000)


def _assert_launches(href: str, repo_path: str) -> None:
    """The link pulls the student repository _config.yml names, at main, and opens repo_path in JupyterLab.

    Expected values come from _config.yml itself, not from the code that writes the links."""
    config = yaml.safe_load((REPO / "_config.yml").read_text())
    hub, repository = config["launch_buttons"]["jupyterhub_url"], config["course"]["student_repository"]["url"]
    clone_folder = repository.rstrip("/").removesuffix(".git").rsplit("/", 1)[-1]
    url = urlsplit(href)
    query = {key: values[0] for key, values in parse_qs(url.query).items()}
    assert f"{url.scheme}://{url.netloc}" == hub.rstrip("/")
    assert url.path == "/hub/user-redirect/git-pull"
    assert query == {"repo": repository, "branch": "main", "urlpath": f"lab/tree/{clone_folder}/{repo_path}"}
    assert (REPO / repo_path).is_file(), f"the link opens {repo_path}, which is not in the repository"


@pytest.mark.parametrize("toc_page", executable_pages())
def test_chapter_launch_button_opens_it_on_the_hub(page_in, toc_page):
    page, _ = page_in(f"en/{toc_page}.html")
    button = page.locator("a[href*='/hub/user-redirect/git-pull']")
    assert button.count() == 1, "no JupyterHub launch button (or several)"
    _assert_launches(button.get_attribute("href"), f"{toc_page}.md")


@pytest.mark.parametrize("assignment", list(catalog.ASSIGNMENTS))
def test_assignment_page_launch_link_opens_the_release(page_in, assignment):
    page, _ = page_in("en/book/assignments.html")
    link = page.get_by_role("link", name=f"Open {assignment.upper()} on JupyterHub")
    assert link.count() == 1
    _assert_launches(link.get_attribute("href"), f"assignments/{assignment}/{catalog.get(assignment).notebook}")


# ---------------------------------------------------------------- the two editions


@pytest.mark.parametrize("toc_page", EDITION_PAGES)
def test_switcher_opens_the_same_page_in_the_other_edition(page_in, toc_page):
    lang, page_name = toc_page.split("/", 1)
    page, _ = page_in(f"{toc_page}.html")
    assert page.locator("html").get_attribute("lang") == lang
    switcher = page.locator("nav.edition-switcher a")
    assert switcher.count() == len(LANGUAGES) - 1
    other = switcher.first.get_attribute("hreflang")
    switcher.first.click()
    page.wait_for_load_state("load")
    assert page.url.endswith(f"/{other}/{page_name}.html")
    assert page.locator("html").get_attribute("lang") == other


@pytest.mark.parametrize("preferred, edition", [("id-ID", "id"), ("en-GB", "en"), ("fr-FR", "en")])
def test_the_front_door_sends_readers_to_their_language(browser, site, preferred, edition):
    context = browser.new_context(locale=preferred)
    try:
        page = context.new_page()
        page.goto(f"{site}/index.html")
        page.wait_for_url(f"**/{edition}/book/welcome.html", timeout=15_000)
        assert page.locator("html").get_attribute("lang") == edition
    finally:
        context.close()
