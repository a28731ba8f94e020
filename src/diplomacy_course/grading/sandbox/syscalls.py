"""The seccomp filter of the grading sandbox: system calls student code has no use for.

Landlock and the namespaces are the boundary; this filter takes away the kernel interfaces that
could undermine them or that no notebook needs: debugging other processes, new namespaces or
mounts, opening files by handle (which skips path checks), kernel keyrings, BPF, io_uring,
every socket but TCP and the netlink route socket that lists network interfaces (Landlock
governs TCP; unix, UDP and raw sockets it does not), and memory that the memory limit
(RLIMIT_DATA, which counts private memory only) would not count: shared anonymous mappings,
memfd files and System V shared memory. ``socketpair`` stays allowed here: asyncio makes a pair
for each of the kernel's event loops, after this filter is loaded. A second filter
(``first_cell``) refuses it, and larger socket buffers, once those loops run.
"""

from __future__ import annotations

import errno
import socket

import pyseccomp as seccomp

DENIED = (
    "ptrace",
    "process_vm_readv",
    "process_vm_writev",
    "kcmp",
    "pidfd_getfd",
    "open_by_handle_at",
    "name_to_handle_at",
    "bpf",
    "perf_event_open",
    "userfaultfd",
    "keyctl",
    "add_key",
    "request_key",
    "unshare",
    "setns",
    "mount",
    "umount2",
    "pivot_root",
    "chroot",
    "open_tree",
    "move_mount",
    "fsopen",
    "fsconfig",
    "fsmount",
    "fspick",
    "mount_setattr",
    "io_uring_setup",
    "io_uring_enter",
    "io_uring_register",
    "init_module",
    "finit_module",
    "delete_module",
    "kexec_load",
    "kexec_file_load",
    "reboot",
    "swapon",
    "swapoff",
    "acct",
    "quotactl",
    "syslog",
    "personality",
    "memfd_create",
    "memfd_secret",
    "shmget",
)
_NAMESPACE_FLAGS = (
    0x00020000,  # CLONE_NEWNS
    0x02000000,  # CLONE_NEWCGROUP
    0x04000000,  # CLONE_NEWUTS
    0x08000000,  # CLONE_NEWIPC
    0x10000000,  # CLONE_NEWUSER
    0x20000000,  # CLONE_NEWPID
    0x40000000,  # CLONE_NEWNET
)
_TCP_FAMILIES = (socket.AF_INET, socket.AF_INET6)  # 2 and 10
_NETLINK, _NETLINK_ROUTE = 16, 0  # reading the interface list (libzmq asks before binding)
_SOCKET_TYPE_MASK = 0xF  # the type without SOCK_NONBLOCK and SOCK_CLOEXEC
_MAP_SHARED, _MAP_ANONYMOUS = 0x01, 0x20  # MAP_SHARED_VALIDATE (0x03) has the MAP_SHARED bit too


def _deny_sockets_but_tcp(rules: seccomp.SyscallFilter) -> None:
    refuse = seccomp.ERRNO(errno.EACCES)
    # seccomp only compares numbers: families 0-1, 3, 4-7, 8-9, 11, 12-15 and above 16 are refused
    # one comparison at a time, leaving 2 (AF_INET), 10 (AF_INET6) and 16 (netlink).
    for family in (0, 1, 3, 11):
        rules.add_rule(refuse, "socket", seccomp.Arg(0, seccomp.EQ, family))
    for mask, value in ((0xFFFFFFFC, 4), (0xFFFFFFFE, 8), (0xFFFFFFFC, 12)):
        rules.add_rule(refuse, "socket", seccomp.Arg(0, seccomp.MASKED_EQ, mask, value))
    rules.add_rule(refuse, "socket", seccomp.Arg(0, seccomp.GT, _NETLINK))
    rules.add_rule(refuse, "socket", seccomp.Arg(0, seccomp.EQ, _NETLINK), seccomp.Arg(2, seccomp.NE, _NETLINK_ROUTE))
    for family in _TCP_FAMILIES:  # stream sockets only: no UDP, raw or ICMP
        for kind in (0, socket.SOCK_DGRAM, socket.SOCK_RAW, 4, socket.SOCK_SEQPACKET, 6, 10):
            rules.add_rule(
                refuse,
                "socket",
                seccomp.Arg(0, seccomp.EQ, family),
                seccomp.Arg(1, seccomp.MASKED_EQ, _SOCKET_TYPE_MASK, kind),
            )


def install() -> None:
    """Load the filter into this process (inherited by all its children); needs no_new_privs."""
    rules = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
    for name in DENIED:
        try:
            rules.add_rule(seccomp.ERRNO(errno.EPERM), name)
        except (RuntimeError, ValueError, OSError):  # not a system call on this architecture
            continue
    # clone3 passes its flags in memory, where seccomp cannot look: ENOSYS makes libc fall back
    # to clone, whose flags it can check.
    rules.add_rule(seccomp.ERRNO(errno.ENOSYS), "clone3")
    for flag in _NAMESPACE_FLAGS:
        rules.add_rule(seccomp.ERRNO(errno.EPERM), "clone", seccomp.Arg(0, seccomp.MASKED_EQ, flag, flag))
    _deny_sockets_but_tcp(rules)
    # Shared memory backed by no file: outside RLIMIT_DATA, so a notebook could take all of the
    # machine's memory. Shared mappings of files stay allowed (its files are in its own tmpfs).
    shared_anonymous = _MAP_SHARED | _MAP_ANONYMOUS
    rules.add_rule(
        seccomp.ERRNO(errno.EPERM), "mmap", seccomp.Arg(3, seccomp.MASKED_EQ, shared_anonymous, shared_anonymous)
    )
    rules.load()
