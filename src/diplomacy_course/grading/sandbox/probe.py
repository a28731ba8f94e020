"""Can this machine run the grading sandbox? Answered by trying, before any notebook is graded.

Each missing feature is named with how to get it; autograde refuses to grade without them unless
the instructor asks for ``--no-sandbox`` (unsafe) explicitly.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import traceback

from diplomacy_course.grading.sandbox import landlock

ADVICE = {
    "landlock": (
        f"Landlock ABI {landlock.REQUIRED_ABI} or newer (Linux 6.12+, with 'landlock' in the lsm= boot list; "
        "check /sys/kernel/security/lsm)"
    ),
    "seccomp": "libseccomp (Debian/Ubuntu package libseccomp2) and the pyseccomp package",
    "namespaces": (
        "unprivileged user namespaces (sysctl user.max_user_namespaces > 0; on Ubuntu 24.04+ also "
        "kernel.apparmor_restrict_unprivileged_userns=0; in a container or Kubernetes pod, allow "
        "unshare, e.g. seccomp profile Unconfined or a user-namespaced pod) — or run the grader as root"
    ),
    "mounts": (
        "tmpfs and overlayfs mounts in a mount namespace of the kernel's own (Linux 5.11+ for a grader that "
        "is not root; in a container or Kubernetes pod, a seccomp profile or user-namespaced pod that allows "
        "mount, as for unshare), with the grading folder on a file system overlayfs can read (ext4, xfs, btrfs, NFS)"
    ),
}


def problems(folder: str | None = None) -> list[str]:
    """What keeps the sandbox from working here, as sentences an instructor can act on. ``folder``:
    where notebooks will be graded (its file system must take the kernels' throwaway copies)."""
    if not sys.platform.startswith("linux") or not hasattr(os, "pidfd_open"):
        return ["the grading sandbox needs Linux 6.12 or newer (pidfd, namespaces, Landlock, seccomp)"]
    found = []
    abi = landlock.abi_version()
    if abi < landlock.REQUIRED_ABI:
        found.append(f"Landlock ABI {abi} here; needs {ADVICE['landlock']}")
    try:
        import pyseccomp  # noqa: F401
    except (ImportError, OSError) as error:
        found.append(f"seccomp unavailable ({error}); needs {ADVICE['seccomp']}")
    if not found:
        failure = _trial(folder)
        if failure:
            found.append(failure)
    return found


def _trial(folder: str | None) -> str | None:
    """Enter the namespaces and every fence in a throw-away process; say what failed, if anything."""
    trial_folder = tempfile.mkdtemp(prefix=".sandbox-probe-", dir=folder)
    try:
        return _trial_in(trial_folder)
    finally:
        shutil.rmtree(trial_folder, ignore_errors=True)


def _trial_in(trial_folder: str) -> str | None:
    from diplomacy_course.grading.sandbox import kernel, linux, syscalls

    workdir, scratch = os.path.join(trial_folder, "submission"), os.path.join(trial_folder, "scratch")
    os.mkdir(workdir)
    os.mkdir(scratch)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        stage = "namespaces"
        try:
            kernel._enter_namespaces()
            stage = "mounts"
            kernel.throwaway_folders(workdir, scratch, disk_mb=1)
            stage = "the sandboxed process"
            inner = os.fork()
            if inner == 0:
                linux.prctl(linux.PR_SET_NO_NEW_PRIVS, 1)
                landlock.Ruleset().restrict_self()
                syscalls.install()
                os._exit(0)
            _, status = os.waitpid(inner, 0)
            if os.waitstatus_to_exitcode(status) != 0:
                raise RuntimeError("Landlock or seccomp could not be applied")
            os._exit(0)
        except BaseException as error:  # noqa: BLE001 (reported through the pipe)
            advice = ADVICE.get(stage, ADVICE["landlock"])
            message = f"{stage}: {error}; needs {advice}\n{traceback.format_exc(limit=1)}"
            os.write(write_end, message.encode())
            os._exit(1)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        report = pipe.read().decode(errors="replace").strip()
    os.waitpid(pid, 0)
    return report or None


def main() -> None:
    found = problems()
    print("\n".join(found) if found else "The grading sandbox works on this machine.")
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
