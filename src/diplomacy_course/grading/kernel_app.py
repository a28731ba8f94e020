"""A warm grading kernel's application: ipykernel's, reading a command line only the first time.

Every kernel the warm server forks gets the same options but for its connection file. Reading
them, traitlets first builds an argument parser for every option of IPython and ipykernel, which
took 10-15 ms of each kernel's CPU. The server reads the options once, before it forks
(``GradingKernelApp.read_once``); each kernel then starts from a copy of what was read and adds its
own connection file, as ``-f`` would have. Any other command line is read the usual way.
"""

from __future__ import annotations

import sys
from copy import deepcopy
from typing import ClassVar

from ipykernel.kernelapp import IPKernelApp
from traitlets.config import Config

CONNECTION_FILE_FLAG = "-f"  # as the kernelspec gives it: ["-f", "{connection_file}"]


def split_connection_file(argv: list[str]) -> tuple[str | None, tuple[str, ...]]:
    """The connection file and the other options; (None, ()) unless it is given once, as ``-f PATH``."""
    if argv.count(CONNECTION_FILE_FLAG) != 1 or argv[-1] == CONNECTION_FILE_FLAG:
        return None, ()
    at = argv.index(CONNECTION_FILE_FLAG)
    return argv[at + 1], (*argv[:at], *argv[at + 2 :])


class GradingKernelApp(IPKernelApp):
    """IPKernelApp, taking its options from ``read_once`` when it has read them already."""

    _read: ClassVar[dict[tuple[str, ...], tuple[Config, list[str]]]] = {}  # options -> (config, extra arguments)

    @classmethod
    def read_once(cls, argv: list[str]) -> None:
        """Read a kernel's options (all but its connection file), unless read before. In the
        server, before it forks: a command line that will not read (a typo, ``--help``) is left
        for the kernel to report, since it must never end the server."""
        connection_file, options = split_connection_file(argv)
        if connection_file is None or options in cls._read:
            return
        reader = IPKernelApp()  # not the process's application: nothing of it outlives this
        try:
            reader.parse_command_line(list(options))
        except (Exception, SystemExit):  # noqa: BLE001 (the kernel reads it again, and says why)
            return
        cls._read[options] = (deepcopy(reader.cli_config), list(reader.extra_args))

    def parse_command_line(self, argv: list[str] | None = None) -> None:
        argv = list(sys.argv[1:] if argv is None else argv)
        connection_file, options = split_connection_file(argv)
        if options not in self._read:
            super().parse_command_line(argv)
            return
        # What traitlets' own parse_command_line ends with, given what its parser returned.
        config, extra_args = self._read[options]
        self.argv = argv
        self.cli_config = deepcopy(config)
        self.cli_config.IPKernelApp.connection_file = connection_file  # what the -f alias sets
        self.update_config(self.cli_config)
        self.extra_args = list(extra_args)
