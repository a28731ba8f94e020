"""The instructor guide and the README show only commands and options that `course` has."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from diplomacy_course.cli import app
from tests.support.course import REPO

DOCUMENTS = ("book/appendices/instructor-guide.md", "README.md")
SCRIPT_ONLY = {"test"}  # handled by the ./course script itself, not the course command


def _shown_commands() -> list[tuple[str, list[str]]]:
    commands = []
    for document in DOCUMENTS:
        for block in re.findall(r"```bash\n(.*?)```", (REPO / document).read_text(), re.DOTALL):
            for line in block.splitlines():
                words = line.split("#")[0].split()
                if words[:1] == ["./course"] and len(words) > 1 and words[1] not in SCRIPT_ONLY:
                    commands.append((document, words[1:]))
    return commands


def _command_path(words: list[str]) -> list[str]:
    """The command (and sub-command of a group such as `data`) before its arguments."""
    return words[:2] if words[0] == "data" else words[:1]


@pytest.mark.parametrize("document, words", _shown_commands(), ids=lambda v: " ".join(v) if isinstance(v, list) else v)
def test_documented_command_and_options_exist(document, words):
    path = _command_path(words)
    result = CliRunner().invoke(app, [*path, "--help"], terminal_width=200)
    assert result.exit_code == 0, f"{document}: `./course {' '.join(path)}` is not a command"
    for option in (w.split("=")[0] for w in words if w.startswith("--")):
        assert option in result.output, f"{document}: `./course {' '.join(path)}` has no option {option}"


def test_the_guide_walks_the_whole_cycle():
    shown = {" ".join(_command_path(words)) for _, words in _shown_commands()}
    cycle = {"release", "collect", "roster-template", "zip-collect", "autograde", "feedback", "export"}
    assert cycle <= shown, f"not shown in the guide or README: {sorted(cycle - shown)}"
