"""The course set up for a term on a local hub: instructor clone, student repository, book, exchange.

Everything follows the instructor guide's *Deploying on JupyterHub* section: the clone's
``_config.yml`` names the hub and the student repository, ``course launch-links`` rewrites the
assignment page, ``course student-export`` writes what is committed to the student repository
(here a local git repository that nbgitpuller pulls through a ``file://`` URL), the student
environment is built from that repository, and ``course release a1 --to-exchange`` puts A1 in
the exchange, a local folder shared by every account.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from diplomacy_course.book import build
from tests.support.course import copy_course

GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Course instructor",
    "GIT_AUTHOR_EMAIL": "instructor@example.edu",
    "GIT_COMMITTER_NAME": "Course instructor",
    "GIT_COMMITTER_EMAIL": "instructor@example.edu",
}


@dataclass
class Course:
    folder: Path
    hub_url: str

    @property
    def clone(self) -> Path:
        """The instructor repository, in the grader account's home folder."""
        return self.folder / "home" / "grader" / "course"

    @property
    def student_repo(self) -> Path:
        """The published student repository (what nbgitpuller pulls)."""
        return self.folder / "published" / "digital-diplomacy-by-the-numbers-student"

    @property
    def student_repo_url(self) -> str:
        return self.student_repo.as_uri()

    @property
    def exchange(self) -> Path:
        return self.folder / "exchange"

    @property
    def book(self) -> Path:
        return self.clone / "_build" / "editions" / "en" / "html"

    def course(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        """An instructor command, as `./course ARGS` runs it in the clone."""
        venv_bin = Path(sys.executable).parent
        env = {
            **os.environ,
            "PATH": f"{venv_bin}:{os.environ['PATH']}",
            "COURSE_ROOT": str(self.clone),
            "COURSE_EXCHANGE_ROOT": str(self.exchange),
        }
        done = subprocess.run(
            [str(venv_bin / "course"), *args], cwd=self.clone, env=env, capture_output=True, text=True, timeout=600
        )
        if check and done.returncode != 0:
            raise AssertionError(f"course {' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        return done

    def git(self, *args: str) -> str:
        done = subprocess.run(
            ["git", *args],
            cwd=self.student_repo,
            env={**os.environ, **GIT_IDENTITY},
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout

    def set_up(self) -> Course:
        copy_course(self.clone)
        self.exchange.mkdir(parents=True)
        self.exchange.chmod(0o1777)
        config = self.clone / "_config.yml"
        text = config.read_text("utf-8")
        text = text.replace('jupyterhub_url: "https://hub.example.edu"', f'jupyterhub_url: "{self.hub_url}"')
        text = re.sub(
            r"(student_repository:\n\s+url: )\S+", lambda m: m.group(1) + self.student_repo_url, text, count=1
        )
        assert text.count(self.hub_url) == 2 and self.student_repo_url in text, "the test could not edit _config.yml"
        config.write_text(text, "utf-8")
        self.course("launch-links")
        self.student_repo.mkdir(parents=True)
        self.git("init", "--quiet", "--initial-branch=main")
        self.publish("Student materials for the term")
        return self

    def publish(self, message: str) -> None:
        """`course student-export` into a new folder, then commit it as the student repository's new state."""
        exports = self.folder / "exports"
        exports.mkdir(exist_ok=True)
        export = exports / f"export-{len(list(exports.iterdir()))}"
        self.course("student-export", str(export))
        for old in self.student_repo.iterdir():
            if old.name != ".git":
                shutil.rmtree(old) if old.is_dir() else old.unlink()
        shutil.copytree(export, self.student_repo, dirs_exist_ok=True)
        self.git("add", "--all")
        self.git("commit", "--quiet", "-m", message)

    def build_book_page(self) -> Path:
        """The English edition of the clone's book, its pages not executed (the launch buttons need no outputs)."""
        conf = build.sphinx_conf_dir(self.clone)
        build.stage_catalogs(self.clone)
        command = build.sphinx_command(self.clone, conf, "en", strict=False)
        command[-2:-2] = ["-D", "nb_execution_mode=off", "-q"]
        venv_bin = Path(sys.executable).parent
        env = {**os.environ, "PATH": f"{venv_bin}:{os.environ['PATH']}", "COURSE_ROOT": str(self.clone)}
        done = subprocess.run(command, cwd=self.clone, env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr[-3000:]
        return self.book
