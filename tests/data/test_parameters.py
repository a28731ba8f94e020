"""Every number the simulator uses lives in data/parameters.py, named and with its source."""

from __future__ import annotations

import ast

from tests.support.course import REPO

SIMULATOR = REPO / "src" / "diplomacy_course" / "data" / "simulate.py"
# Numbers that are not modelling choices: units, positions in a tuple, Saturday's weekday number,
# and the bisection's step count.
NOT_PARAMETERS = {
    0: "zero, first index",
    1: "one, second index",
    2: "halves, third index, squares",
    3: "languages' position in a COUNTRIES entry",
    5: "Saturday in pandas' day_of_week (Monday = 0)",
    24: "hours in a day",
    40: "bisection steps (any number past ~30 gives the same float)",
    60: "minutes in an hour",
    365: "days in a year",
    365.25: "days in an average year",
}


def _hard_coded_numbers(path) -> list[tuple[int, float]]:
    """(line, value) of every number in the module that is not in NOT_PARAMETERS."""
    return [
        (node.lineno, node.value)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and type(node.value) in (int, float) and node.value not in NOT_PARAMETERS
    ]


def test_the_simulator_hard_codes_no_model_number():
    assert _hard_coded_numbers(SIMULATOR) == [], "move these (line, value) into data/parameters.py with a source"


def test_the_check_sees_a_planted_number(tmp_path):
    planted = tmp_path / "simulate.py"
    text = SIMULATOR.read_text(encoding="utf-8").replace("def _days()", "def _days(weekend_factor=0.37)", 1)
    planted.write_text(text, encoding="utf-8")
    assert [value for _, value in _hard_coded_numbers(planted)] == [0.37]
