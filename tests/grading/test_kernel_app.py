"""A warm kernel's options are read once by the server, and come out as ipykernel reads them."""

from __future__ import annotations

import pytest
from ipykernel.kernelapp import IPKernelApp

from diplomacy_course.grading import kernel_app
from diplomacy_course.grading.kernel_app import GradingKernelApp
from tests.support.kernels import KernelLab

OPTIONS = [
    "--HistoryManager.hist_file=:memory:",
    "--IPythonKernel._execute_sleep=0",
    "--IPKernelApp.exec_files=/somewhere/first_cell.py",
]


def kernel_argv(connection_file: str) -> list[str]:
    return ["-f", connection_file, *OPTIONS]


@pytest.fixture
def nothing_read_yet(monkeypatch):
    monkeypatch.setattr(GradingKernelApp, "_read", {})


@pytest.fixture
def parsers_built(monkeypatch) -> list[list[str]]:
    """The command lines traitlets builds its argument parser for."""
    built: list[list[str]] = []
    create_loader = IPKernelApp._create_loader

    def counting(self, argv, *args, **kwargs):
        built.append(list(argv))
        return create_loader(self, argv, *args, **kwargs)

    monkeypatch.setattr(IPKernelApp, "_create_loader", counting)
    return built


def test_a_kernel_after_the_first_takes_its_options_from_the_server_with_its_own_connection_file(
    nothing_read_yet, parsers_built
):
    GradingKernelApp.read_once(kernel_argv("/run/kernel-1.json"))
    assert len(parsers_built) == 1

    app = GradingKernelApp()
    app.parse_command_line(kernel_argv("/run/kernel-2.json"))

    assert len(parsers_built) == 1, "the second kernel built traitlets' parser again"
    control = IPKernelApp()
    control.parse_command_line(kernel_argv("/run/kernel-2.json"))
    assert app.cli_config == control.cli_config
    assert app.extra_args == control.extra_args
    assert app.connection_file == "/run/kernel-2.json"
    assert app.exec_files == ["/somewhere/first_cell.py"]


def test_other_options_and_command_lines_without_a_connection_file_are_read_the_usual_way(
    nothing_read_yet, parsers_built
):
    GradingKernelApp.read_once(kernel_argv("/run/kernel-1.json"))
    GradingKernelApp().parse_command_line(["-f", "/run/kernel-2.json", "--IPythonKernel._execute_sleep=1"])
    GradingKernelApp().parse_command_line(OPTIONS)
    assert len(parsers_built) == 3


def test_a_command_line_that_will_not_read_never_ends_the_server(nothing_read_yet):
    GradingKernelApp.read_once(["-f", "/run/kernel-1.json", "--help"])
    GradingKernelApp.read_once(["-f", "/run/kernel-1.json", "--NoSuchApp.option"])
    assert GradingKernelApp._read == {}


@pytest.mark.parametrize(
    ("argv", "split"),
    [
        (["-f", "/k.json", "--a=1"], ("/k.json", ("--a=1",))),
        (["--a=1", "-f", "/k.json"], ("/k.json", ("--a=1",))),
        (["--a=1", "-f"], (None, ())),
        (["-f", "/k.json", "-f", "/other.json"], (None, ())),
        (["--a=1"], (None, ())),
    ],
)
def test_the_connection_file_is_only_taken_from_a_single_dash_f(argv, split):
    assert kernel_app.split_connection_file(argv) == split


SETTINGS = (
    "app = get_ipython().kernel.parent\n"
    "print(type(app).__name__, app.connection_file.endswith('.json'), get_ipython().history_manager.hist_file,\n"
    "      len(type(app)._read))  # command lines the server had read before it forked this kernel"
)


def test_warm_kernels_one_after_the_other_run_with_the_kernelspecs_options(tmp_path):
    lab = KernelLab(tmp_path, "warm").setup()
    try:
        first, second = lab.run(SETTINGS), lab.run(SETTINGS)
    finally:
        lab.close()
    for outcome in (first, second):
        assert outcome.error is None, outcome
        assert outcome.stdout.split() == ["GradingKernelApp", "True", ":memory:", "1"], outcome.stdout
