"""Grading kernels started as nbgrader starts them (jupyter_client and a kernelspec), to attack.

``KernelLab`` is a small world: a submission folder, things a submission must not reach beside
it (a secret file standing for the solutions and gradebook, another student's folder, a TCP
port, a unix socket, an abstract socket, a victim process), and a way to run code in a
``course-grader`` kernel (sandboxed, warm or cold) or, as the control, in a plain ipykernel.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager, KernelManager
from nbclient import NotebookClient
from nbformat import NotebookNode
from nbformat.v4 import new_code_cell, new_notebook

from diplomacy_course.grading import kernel_launcher, warm_kernels
from diplomacy_course.grading.autograde import KERNEL_NAME, KERNEL_SHUTDOWN, install_grader_kernel
from diplomacy_course.grading.kernel_client import QuickKernelManager
from diplomacy_course.grading.sandbox.kernel import Limits, kernel_environment

SECRET = "hidden-test-answer-42"
GRADER_TOKEN = "grader-token-do-not-leak"


@dataclass
class Outcome:
    stdout: str
    error: str | None  # the exception name, if the code raised
    died: bool = False
    shown: list[str] = field(default_factory=list)  # the MIME types of what it displayed


@dataclass
class KernelLab:
    base: Path
    mode: str  # "warm", "cold" or "plain" (no sandbox: the control)
    wall_seconds: int = 60
    disk_mb: int = Limits.disk_mb
    sandbox: bool = True  # False: the course's kernel as with autograde --no-sandbox
    server: subprocess.Popen | None = None
    address: str | None = None
    listeners: list = field(default_factory=list)

    @property
    def workdir(self) -> Path:
        return self.base / "submitted" / "student" / "a1"

    @property
    def secret_file(self) -> Path:
        return self.base / "solutions" / "a1" / "answers.txt"

    @property
    def other_student(self) -> Path:
        return self.base / "submitted" / "other" / "a1"

    def setup(self) -> KernelLab:
        for folder in (self.workdir, self.secret_file.parent, self.other_student, *self._run_folders()):
            folder.mkdir(parents=True, exist_ok=True)
        (self.workdir / "data.csv").write_text("a,b\n1,2\n")
        self.secret_file.write_text(SECRET)
        (self.other_student / "work.ipynb").write_text(SECRET)
        self._kernelspec()
        if self.mode == "warm":
            self._start_server()
        return self

    def _run_folders(self) -> list[Path]:
        return [self.base / n for n in ("scratch", "logs", "mplconfig", "home")]

    def _kernelspec(self) -> None:
        if self.mode != "plain":  # the course's, as course autograde installs it
            install_grader_kernel(self.base)
            return
        spec = self.base / "jupyter" / "kernels" / KERNEL_NAME
        spec.mkdir(parents=True, exist_ok=True)
        argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]  # as plain nbgrader starts it
        (spec / "kernel.json").write_text(json.dumps({"argv": argv, "display_name": "g", "language": "python"}))

    def _start_server(self) -> None:
        self.address = f"course-test-{os.getpid()}-{id(self)}"
        env = kernel_environment(str(self.base / "home"), str(self.base / "mplconfig"))
        self.server = subprocess.Popen(
            warm_kernels.server_command(self.address),
            stdout=subprocess.PIPE,
            env=env,
            start_new_session=True,
        )
        assert self.server.stdout is not None
        assert self.server.stdout.readline().strip() == b"ready"

    def environment(self) -> dict[str, str]:
        """What nbgrader's environment would hold: the grader's secrets among the course's settings."""
        env = {
            **os.environ,
            "JUPYTER_PATH": str(self.base / "jupyter"),
            "JUPYTERHUB_API_TOKEN": GRADER_TOKEN,
            "COURSE_GRADEBOOK_URL": f"postgresql://grader:{GRADER_TOKEN}@db/gradebook",
            kernel_launcher.SCRATCH_ENV: str(self.base / "scratch"),
            kernel_launcher.MPLCONFIG_ENV: str(self.base / "mplconfig"),
            kernel_launcher.LOG_ENV: str(self.base / "logs"),
            kernel_launcher.WALL_ENV: str(self.wall_seconds),
            kernel_launcher.DISK_ENV: str(self.disk_mb),
            kernel_launcher.SANDBOX_ENV: "on" if self.sandbox else "off",
        }
        if self.address:
            env[kernel_launcher.SOCKET_ENV] = self.address
        return env

    def kernel_specs(self) -> KernelSpecManager:
        """Where jupyter_client finds this lab's ``course-grader`` kernelspec."""
        return KernelSpecManager(kernel_dirs=[str(self.base / "jupyter" / "kernels")])

    def notebook_client(self, sources: list[str]) -> NotebookClient:
        """A notebook of these code cells in the submission folder, to run through nbclient as
        graders do: the course's kernels with the kernel manager and stop course autograde gives
        nbgrader, plain ipykernel with jupyter_client's own, stopped gracefully, as plain nbgrader."""
        plain = self.mode == "plain"
        manager = (AsyncKernelManager if plain else QuickKernelManager)(
            kernel_name=KERNEL_NAME, kernel_spec_manager=self.kernel_specs()
        )
        return NotebookClient(
            new_notebook(cells=[new_code_cell(source) for source in sources]),
            km=manager,
            shutdown_kernel="graceful" if plain else KERNEL_SHUTDOWN,
            resources={"metadata": {"path": str(self.workdir)}},
        )

    def execute(self, client: NotebookClient, log=None) -> NotebookNode:
        """Run a notebook_client's notebook in a fresh kernel with the grader's environment."""
        return client.execute(env=self.environment(), stderr=log)

    def start_kernel(self) -> KernelManager:
        """A fresh kernel in the submission folder, started as nbgrader starts one; the caller
        shuts it down."""
        manager = KernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=self.kernel_specs())
        self._start(manager)
        return manager

    def run(self, code: str, timeout: float = 60) -> Outcome:
        """Run code in a fresh kernel in the submission folder; the kernel is shut down after."""
        manager = self.start_kernel()
        client = manager.client()
        client.start_channels()
        try:
            client.wait_for_ready(timeout=60)
            return _execute(client, code, timeout)
        finally:
            client.stop_channels()
            manager.shutdown_kernel(now=True)

    def _start(self, manager: KernelManager) -> None:
        settings = {"cwd": str(self.workdir), "env": self.environment()}
        if self.mode != "plain":  # the course's kernels write to their log folder themselves
            manager.start_kernel(**settings)
            return
        with open(self.base / "logs" / "plain-kernels.log", "ab") as log:  # not the terminal
            manager.start_kernel(**settings, stderr=log)

    def tcp_listener(self) -> int:
        listener = socket.create_server(("127.0.0.1", 0))
        self.listeners.append(listener)
        return listener.getsockname()[1]

    def unix_listener(self, abstract: bool = False) -> str:
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        name = (
            f"\0course-test-{os.getpid()}-{len(self.listeners)}"
            if abstract
            else str(self.base / f"grader-{len(self.listeners)}.sock")
        )
        listener.bind(name)
        listener.listen(1)
        self.listeners.append(listener)
        return name

    def close(self) -> None:
        for listener in self.listeners:
            listener.close()
        if self.server:
            self.server.terminate()
            self.server.wait(timeout=30)


def _execute(client, code: str, timeout: float) -> Outcome:
    message_id = client.execute(code)
    stdout, error, shown = [], None, []
    while True:
        try:
            message = client.get_iopub_msg(timeout=timeout)
        except Exception:  # noqa: BLE001 (queue.Empty: the kernel went silent, i.e. it died)
            return Outcome("".join(stdout), error, died=True, shown=shown)
        if message["parent_header"].get("msg_id") != message_id:
            continue
        kind, content = message["msg_type"], message["content"]
        if kind == "stream":
            stdout.append(content["text"])
        elif kind == "error":
            error = content["ename"]
        elif kind == "display_data":
            shown.extend(content["data"])
        elif kind == "status" and content["execution_state"] == "idle":
            return Outcome("".join(stdout), error, shown=shown)


def run_in_new_lab(base: Path, code: str, mode: str = "warm", **options) -> Outcome:
    """Set up a lab in ``base``, run ``code`` in one fresh kernel, and close the lab again."""
    lab = KernelLab(base, mode, **options).setup()
    try:
        return lab.run(code)
    finally:
        lab.close()
