"""Release basics: licences, citation, changelog, and one version that `course version` prints."""

from __future__ import annotations

import re
import tomllib

import pytest
import yaml
from typer.testing import CliRunner

from tests.support.course import REPO

# What CFF 1.2.0 requires of a citation file and of each of its references.
CFF_REQUIRED = ("cff-version", "message", "title", "authors")
REFERENCE_REQUIRED = ("type", "title", "authors")
OUR_LICENCES = {"MIT", "CC-BY-4.0"}


@pytest.fixture(scope="module")
def project_version() -> str:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


@pytest.fixture(scope="module")
def citation() -> dict:
    return yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))


def test_the_version_is_written_once_in_pyproject():
    """Nowhere else in the package may a version be typed in (it is read from the metadata)."""
    typed_in = re.compile(r"""__version__\s*=\s*["']\d+\.\d+""")
    assert [p for p in (REPO / "src").rglob("*.py") if typed_in.search(p.read_text(encoding="utf-8"))] == []


def test_course_version_prints_the_pyproject_version(project_version):
    from diplomacy_course.cli import app

    result = CliRunner().invoke(app, ["version"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == project_version


def test_the_package_reports_the_pyproject_version(project_version):
    import diplomacy_course

    assert diplomacy_course.__version__ == project_version


def test_the_citation_file_has_what_cff_1_2_0_requires(citation):
    assert citation["cff-version"] == "1.2.0"
    assert [key for key in CFF_REQUIRED if not citation.get(key)] == []
    for author in citation["authors"]:
        assert author.get("name") or author.get("family-names"), f"an author without a name: {author}"
    for reference in citation.get("references", []):
        missing = [key for key in REFERENCE_REQUIRED if not reference.get(key)]
        assert missing == [], f"reference {reference.get('title')!r} lacks {missing}"


def test_the_citation_names_the_package_version_and_our_licences(citation, project_version):
    assert citation["version"] == project_version
    assert set(citation["license"]) == OUR_LICENCES
    data = [r for r in citation["references"] if r["type"] == "data"]
    assert [r["license"] for r in data] == ["CC-BY-4.0"], "the dataset is cited once, under CC BY 4.0"


def test_the_licence_files_match_what_the_readme_promises():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "Code: MIT. Book text and data: CC BY 4.0." in readme
    code = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert code.startswith("MIT License") and "WITHOUT WARRANTY OF ANY KIND" in code
    content = (REPO / "LICENSE-CONTENT.md").read_text(encoding="utf-8")
    assert "https://creativecommons.org/licenses/by/4.0/legalcode" in content
    assert tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["license"] == "MIT"


def test_the_changelog_keeps_an_unreleased_section_or_one_for_this_version(project_version):
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## \[([^\]]+)\]", changelog, flags=re.MULTILINE)
    assert headings, "CHANGELOG.md has no version section"
    assert headings[0] in ("Unreleased", project_version), f"the newest section is {headings[0]!r}"
    assert "### " in changelog, "sections list their changes under Added / Changed / Fixed ..."
