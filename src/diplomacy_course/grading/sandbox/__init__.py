"""The grading sandbox: what the Linux kernel enforces around every graded notebook.

``kernel`` starts one kernel in it, ``landlock`` and ``syscalls`` are its file, network, scope
and system-call fences, ``linux`` the process calls Python lacks, ``probe`` checks a machine.
"""
