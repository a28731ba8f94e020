"""A minimal binding to Landlock, the Linux security module that lets a process fence itself in.

Written here rather than taken from PyPI because the sandbox needs what the packages there do
not cover yet: network rules (ABI 4) and scopes (ABI 6: no signals to, and no abstract unix
sockets of, processes outside the sandbox). Everything here is the kernel's documented ABI
(include/uapi/linux/landlock.h); the three system calls have the same numbers on every
architecture.
"""

from __future__ import annotations

import ctypes
import os
from dataclasses import dataclass, field

_CREATE_RULESET, _ADD_RULE, _RESTRICT_SELF = 444, 445, 446
_CREATE_RULESET_VERSION = 1
_RULE_PATH_BENEATH, _RULE_NET_PORT = 1, 2

# File system rights (ABI 1 unless noted).
EXECUTE = 1 << 0
WRITE_FILE = 1 << 1
READ_FILE = 1 << 2
READ_DIR = 1 << 3
REMOVE_DIR = 1 << 4
REMOVE_FILE = 1 << 5
MAKE_CHAR = 1 << 6
MAKE_DIR = 1 << 7
MAKE_REG = 1 << 8
MAKE_SOCK = 1 << 9
MAKE_FIFO = 1 << 10
MAKE_BLOCK = 1 << 11
MAKE_SYM = 1 << 12
REFER = 1 << 13  # ABI 2
TRUNCATE = 1 << 14  # ABI 3
IOCTL_DEV = 1 << 15  # ABI 5
ALL_FS = (1 << 16) - 1
FILE_ONLY = EXECUTE | WRITE_FILE | READ_FILE | TRUNCATE | IOCTL_DEV  # what a rule on a file may grant

READ = READ_FILE | READ_DIR | EXECUTE
READ_WRITE = ALL_FS & ~(MAKE_CHAR | MAKE_BLOCK | IOCTL_DEV)

# Network rights (ABI 4) and scopes (ABI 6).
BIND_TCP = 1 << 0
CONNECT_TCP = 1 << 1
SCOPE_ABSTRACT_UNIX_SOCKET = 1 << 0
SCOPE_SIGNAL = 1 << 1

REQUIRED_ABI = 6  # Linux 6.12: scopes are what keeps student code away from the grader's processes

_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long


class _RulesetAttr(ctypes.Structure):
    _fields_ = [
        ("handled_access_fs", ctypes.c_uint64),
        ("handled_access_net", ctypes.c_uint64),
        ("scoped", ctypes.c_uint64),
    ]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


class _NetPortAttr(ctypes.Structure):
    _fields_ = [("allowed_access", ctypes.c_uint64), ("port", ctypes.c_uint64)]


class LandlockError(OSError):
    pass


def _syscall(number: int, *args) -> int:
    result = _libc.syscall(number, *args)
    if result < 0:
        error = ctypes.get_errno()
        raise LandlockError(error, f"landlock system call {number} failed: {os.strerror(error)}")
    return result


def abi_version() -> int:
    """The Landlock ABI this kernel offers; 0 when Landlock is missing or disabled at boot."""
    try:
        return _syscall(_CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(_CREATE_RULESET_VERSION))
    except LandlockError:
        return 0


@dataclass
class Ruleset:
    """Paths with their rights, the TCP ports the process may bind, and nothing else."""

    paths: list[tuple[str, int]] = field(default_factory=list)
    bind_ports: list[int] = field(default_factory=list)

    def allow(self, path: str, rights: int) -> None:
        if os.path.exists(path):
            self.paths.append((path, rights))

    def restrict_self(self) -> None:
        """Apply the rules to this thread and everything it starts later; irreversible.

        Call while single-threaded (Landlock fences only the calling thread) and after
        PR_SET_NO_NEW_PRIVS. Every file right, TCP bind and connect, signals and abstract unix
        sockets are denied except what the rules allow."""
        attr = _RulesetAttr(ALL_FS, BIND_TCP | CONNECT_TCP, SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL)
        ruleset = _syscall(
            _CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(ctypes.sizeof(attr)), ctypes.c_uint32(0)
        )
        try:
            for path, rights in self.paths:
                self._add_path(ruleset, path, rights)
            for port in self.bind_ports:
                rule = _NetPortAttr(BIND_TCP, port)
                _syscall(_ADD_RULE, ruleset, _RULE_NET_PORT, ctypes.byref(rule), ctypes.c_uint32(0))
            _syscall(_RESTRICT_SELF, ruleset, ctypes.c_uint32(0))
        finally:
            os.close(ruleset)

    @staticmethod
    def _add_path(ruleset: int, path: str, rights: int) -> None:
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
        try:
            if not os.path.isdir(path):
                rights &= FILE_ONLY
            rule = _PathBeneathAttr(rights, fd)
            _syscall(_ADD_RULE, ruleset, _RULE_PATH_BENEATH, ctypes.byref(rule), ctypes.c_uint32(0))
        finally:
            os.close(fd)
