"""A real JupyterHub on the loopback interface, for a term driven in a browser.

The hub (from the course's ``.venv``, which holds ``binder/requirements.txt``) runs with
``configurable-http-proxy`` from npm, its shared-password authenticator (one password, only the
listed accounts may log in), and JupyterHub's ``SimpleLocalProcessSpawner``: every user's server
runs as the user running the tests, with a home folder of its own under the test's folder (no Unix accounts are needed,
so the test runs the same on a laptop and in CI as root). The single-user servers come from
the student environment (``tests/support/student_env.py``), as the student image would.

Every process the hub starts inherits a marker variable; :meth:`Hub.stop` stops the hub and
then ends, by pid, every process that still carries the marker (proxy, servers, kernels), so
nothing is left behind even when the hub died or a step failed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.processes import left_after, live_processes
from tests.support.student_env import SYSTEM_PATH

MARKER = "COURSE_HUB_TEST_RUN"
PASSWORD = "a-term-on-a-real-hub"  # the shared-password authenticator's one password (8+ characters)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def proxy_command() -> str | None:
    return shutil.which("configurable-http-proxy")


CONFIG = """\
# Written by tests/support/hub.py for one test run.
c = get_config()  # noqa: F821
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.ConfigurableHTTPProxy.command = [{proxy!r}]
c.ConfigurableHTTPProxy.pid_file = {proxy_pid!r}
c.JupyterHub.db_url = "sqlite:///{folder}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = {cookie!r}
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = {password!r}
c.Authenticator.allowed_users = {users!r}
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {homes!r} + "/{{username}}"
c.Spawner.cmd = [{singleuser!r}]
c.Spawner.args = {args!r}
c.Spawner.default_url = "/lab"
c.Spawner.env_keep = ["LANG", "LC_ALL"]
c.Spawner.environment = {environment!r}
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 180
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True
"""


@dataclass
class Hub:
    folder: Path
    student_env: Path
    users: list[str]
    extra_environment: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> Path:
        return self.folder / "jupyterhub.log"

    @property
    def homes(self) -> Path:
        return self.folder / "home"

    def home(self, user: str) -> Path:
        return self.homes / user

    def write_config(self) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.homes.mkdir(exist_ok=True)
        for user in self.users:
            self.home(user).mkdir(exist_ok=True)
        environment = {
            "PATH": f"{self.student_env / 'bin'}:{SYSTEM_PATH}",
            "PYTHONNOUSERSITE": "1",
            MARKER: self.run_id,
            **self.extra_environment,
        }
        config = self.folder / "jupyterhub_config.py"
        config.write_text(
            CONFIG.format(
                port=self.port,
                hub_port=free_port(),
                api_port=free_port(),
                proxy=proxy_command(),
                proxy_pid=str(self.folder / "proxy.pid"),
                folder=self.folder,
                cookie=str(self.folder / "cookie_secret"),
                password=PASSWORD,
                users=set(self.users),
                homes=str(self.homes),
                singleuser=str(self.student_env / "bin" / "jupyterhub-singleuser"),
                # A server run as root must say so (CI runs as root); a student's image never does.
                args=["--allow-root"] if os.geteuid() == 0 else [],
                environment=environment,
            )
        )
        return config

    def start(self, timeout: float = 60) -> Hub:
        config = self.write_config()
        hub_bin = Path(sys.executable).parent
        env = {**os.environ, "PATH": f"{hub_bin}:{os.environ['PATH']}", MARKER: self.run_id}
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [str(hub_bin / "jupyterhub"), "-f", str(config)],
                cwd=self.folder,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterHub exited ({self.process.returncode}):\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/hub/health", timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"JupyterHub did not answer within {timeout} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 60) -> str:
        if not self.log.is_file():
            return "(no hub log)"
        return "\n".join(self.log.read_text("utf-8", "replace").splitlines()[-lines:])

    def marked_pids(self) -> list[int]:
        """Every live process started for this run (the hub, proxy, servers and kernels)."""
        needle = f"{MARKER}={self.run_id}".encode()
        return live_processes(lambda process: needle in (process / "environ").read_bytes().split(b"\0"))

    def stop(self, grace: float = 15) -> list[int]:
        """Stop the hub (it stops the servers and proxy), then kill any marked process left; return those."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(grace)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)
        left = self.marked_pids()
        for pid in left:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        left_after(self.marked_pids, wait=10)
        return left
