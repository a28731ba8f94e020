"""The few Linux process calls the sandbox needs that Python's os module does not offer."""

from __future__ import annotations

import ctypes
import os

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000

MS_NOSUID = 0x2
MS_NODEV = 0x4
MS_BIND = 0x1000
MS_REC = 0x4000
MS_PRIVATE = 0x40000

PR_SET_PDEATHSIG = 1
PR_SET_KEEPCAPS = 8
PR_CAPBSET_DROP = 24
PR_SET_NO_NEW_PRIVS = 38
PR_CAP_AMBIENT = 47
PR_CAP_AMBIENT_RAISE = 2
PR_CAP_AMBIENT_CLEAR_ALL = 4

CAP_DAC_OVERRIDE = 1
CAP_DAC_READ_SEARCH = 2
_CAPABILITY_VERSION_3 = 0x20080522

_libc = ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> int:
    if result < 0:
        error = ctypes.get_errno()
        raise OSError(error, f"{what}: {os.strerror(error)}")
    return result


def unshare(flags: int) -> None:
    _check(_libc.unshare(ctypes.c_int(flags)), "unshare")


def mount(source: str | None, target: str, fstype: str | None, flags: int, options: str | None = None) -> None:
    """mount(2): ``source`` on ``target`` (or, with MS_PRIVATE and no source, a change of propagation)."""

    def text(value: str | None) -> bytes | None:
        return os.fsencode(value) if value is not None else None

    result = _libc.mount(text(source), text(target), text(fstype), ctypes.c_ulong(flags), text(options))
    _check(result, f"mount {fstype or source or ''} on {target}")


def prctl(option: int, arg2: int = 0) -> None:
    _check(_libc.prctl(option, ctypes.c_ulong(arg2), 0, 0, 0), f"prctl({option})")


def last_capability() -> int:
    with open("/proc/sys/kernel/cap_last_cap") as f:
        return int(f.read())


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


def keep_only_capabilities(keep: tuple[int, ...], last_cap: int) -> None:
    """Drop every capability but ``keep`` from the bounding, ambient and current sets."""
    drop_from_bounding_set(keep, last_cap)
    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL)
    set_capabilities(keep)


def drop_from_bounding_set(keep: tuple[int, ...], last_cap: int) -> None:
    """No later exec can regain a capability outside ``keep``."""
    for cap in range(last_cap + 1):
        if cap not in keep:
            prctl(PR_CAPBSET_DROP, cap)


def set_capabilities(keep: tuple[int, ...], *, inheritable: bool = False) -> None:
    mask = 0
    for cap in keep:
        mask |= 1 << cap
    header = _CapHeader(_CAPABILITY_VERSION_3, 0)
    data = (_CapData * 2)()
    data[0].effective = data[0].permitted = mask & 0xFFFFFFFF
    data[1].effective = data[1].permitted = mask >> 32
    if inheritable:
        data[0].inheritable, data[1].inheritable = data[0].permitted, data[1].permitted
    _check(_libc.capset(ctypes.byref(header), data), "capset")


def enter_new_user_namespace() -> None:
    """unshare(CLONE_NEWUSER), keeping our own uid and gid inside, with no supplementary groups."""
    uid, gid = os.geteuid(), os.getegid()  # before: unmapped, they read as 65534 inside
    unshare(CLONE_NEWUSER)
    for name, text in (("uid_map", f"{uid} {uid} 1"), ("setgroups", "deny"), ("gid_map", f"{gid} {gid} 1")):
        with open(f"/proc/self/{name}", "w") as f:
            f.write(text)


def raise_ambient(caps: tuple[int, ...]) -> None:
    for cap in caps:
        _check(_libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, ctypes.c_ulong(cap), 0, 0), "raise ambient capability")
