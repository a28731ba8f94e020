"""The GitHub Actions workflows: CI runs .ci/run; main is built and published on GitHub Pages."""

from __future__ import annotations

import pytest
import yaml


def _workflow(repo, name: str) -> dict:
    workflow = yaml.safe_load((repo / ".github" / "workflows" / name).read_text())
    workflow["on"] = workflow.pop(True, workflow.get("on"))  # YAML 1.1 reads the key `on` as true
    return workflow


def _steps(job: dict) -> list[dict]:
    return job.get("steps", [])


def _uses(step: dict) -> str:
    return step.get("uses", "").split("@")[0]


@pytest.fixture
def publish(repo):
    return _workflow(repo, "publish.yml")


def test_publish_runs_on_pushes_to_main(publish):
    assert publish["on"]["push"]["branches"] == ["main"]


def test_publish_builds_the_book_and_uploads_it_for_pages(publish):
    steps = _steps(publish["jobs"]["build"])
    assert any(s.get("run", "").strip() == "./course build" for s in steps)
    pages = [s for s in steps if _uses(s) == "actions/upload-pages-artifact"]
    assert [s["with"]["path"] for s in pages] == ["_build/html"]


def test_publish_deploys_after_the_build(publish):
    deploy = publish["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"
    assert [_uses(s) for s in _steps(deploy)] == ["actions/deploy-pages"]
    assert publish["permissions"]["pages"] == "write" and publish["permissions"]["id-token"] == "write"


def test_a_failed_build_keeps_its_execution_reports(publish):
    steps = _steps(publish["jobs"]["build"])
    build = next(i for i, s in enumerate(steps) if s.get("run", "").strip() == "./course build")
    reports = [s for s in steps[build + 1 :] if _uses(s) == "actions/upload-artifact"]
    assert [(s["if"], s["with"]["path"]) for s in reports] == [("failure()", "_build/html/reports")]


def test_ci_runs_the_ci_script_as_root_on_debian_for_pushes_and_pull_requests(repo):
    ci = _workflow(repo, "ci.yml")
    assert "push" in ci["on"] and "pull_request" in ci["on"]
    (job,) = ci["jobs"].values()
    runs = [s["run"].strip() for s in _steps(job) if "run" in s]
    # Root either from sudo on the runner or from a Debian container (root by default).
    on_debian_as_root = "bookworm" in str(job.get("container", "")) and "bash .ci/run" in runs
    assert on_debian_as_root or "sudo bash .ci/run" in runs
