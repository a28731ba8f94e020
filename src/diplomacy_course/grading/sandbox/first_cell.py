"""The sandbox's second seccomp filter, which a kernel loads just before it runs its first cell.

Socket buffers are the kernel's memory, which no limit of the process counts (RLIMIT_DATA counts
its own writable memory only): a notebook that filled 392 unix socket pairs, each with its
buffer raised to 4 MB, held 3 GB past its limit, and with more pairs it could have taken all the
machine has. The first filter (``syscalls``) cannot refuse ``socketpair``: it is loaded before
the kernel starts, and asyncio makes a pair for every event loop, the kernel's threads included.
Once those loops run, a notebook has no need of a new pair. So before the first cell this filter
refuses ``socketpair``, and buffers larger than the system's default (``SO_SNDBUF``,
``SO_RCVBUF`` and their ``FORCE`` forms), in every thread of the kernel (TSYNC) and whatever it
starts. If the filter cannot be loaded, the kernel ends rather than run the cell unfenced.

The kernel runs this file itself (IPython's ``exec_files``), warm or cold; a cold kernel cannot
import the course, so the file uses the standard library and pyseccomp only, and leaves nothing
in the notebook's namespace.
"""


def _fence_before_first_cell() -> None:
    import errno
    import os
    import socket

    import pyseccomp as seccomp

    so_sndbufforce, so_rcvbufforce = 32, 33  # not in Python's socket module

    def fence() -> None:
        rules = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
        rules.set_attr(seccomp.Attr.CTL_TSYNC, 1)  # every thread of the kernel, not only this one
        refuse = seccomp.ERRNO(errno.EPERM)
        rules.add_rule(refuse, "socketpair")
        for option in (socket.SO_SNDBUF, socket.SO_RCVBUF, so_sndbufforce, so_rcvbufforce):
            level, name = seccomp.Arg(1, seccomp.EQ, socket.SOL_SOCKET), seccomp.Arg(2, seccomp.EQ, option)
            rules.add_rule(refuse, "setsockopt", level, name)
        rules.load()

    def before_first_cell() -> None:
        shell.events.unregister("pre_execute", before_first_cell)
        try:
            fence()
        except BaseException as error:  # noqa: BLE001 (no cell may run without it)
            os.write(2, f"the kernel could not load its second seccomp filter: {error!r}\n".encode())
            os._exit(1)

    shell = get_ipython()  # type: ignore[name-defined]  # noqa: F821 (run by IPython, which defines it)
    shell.events.register("pre_execute", before_first_cell)  # before every cell, silent ones too


_fence_before_first_cell()
del _fence_before_first_cell
