"""How long each table takes to load with pandas, and how much memory it needs.

Run: ``.venv/bin/python -m benchmarks.bench_load_data``. Each measurement runs in a
fresh Python process, so the peak resident memory (``ru_maxrss``) belongs to that
table alone (it includes the interpreter and pandas themselves: the "baseline"
row shows how much). Goals: every table under 2 s, all tables together under
300 MB. The script prints figures; it does not assert.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from pathlib import Path

RUNS = 5
REPO = Path(__file__).resolve().parents[1]

CHILD = """
import json, resource, sys, time
from diplomacy_course.data.load import load_table
names = {names!r}
times = []
for _ in range({runs}):
    start = time.perf_counter()
    frames = [load_table(name) for name in names]
    times.append(time.perf_counter() - start)
rows = sum(len(f) for f in frames)
memory = sum(int(f.memory_usage(deep=True).sum()) for f in frames)
peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"times": times, "rows": rows, "frame_bytes": memory, "peak_kb": peak_kb}}))
"""


def measure(names: list[str], runs: int = RUNS) -> dict:
    code = CHILD.format(names=names, runs=runs)
    # from the repository root, where load_table() finds datasets/ wherever the script was started
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    from diplomacy_course.data.load import TABLES

    print(f"{'table':<12}{'rows':>9}{'median s':>10}{'in-memory MB':>14}{'peak RSS MB':>13}")
    baseline = measure([], runs=1)
    print(f"{'(baseline)':<12}{0:>9}{0:>10.3f}{0:>14.1f}{baseline['peak_kb'] / 1024:>13.1f}")
    for name in [*TABLES, "ALL"]:
        result = measure(list(TABLES) if name == "ALL" else [name])
        median = statistics.median(result["times"])
        print(
            f"{name:<12}{result['rows']:>9,}{median:>10.3f}{result['frame_bytes'] / 1e6:>14.1f}"
            f"{result['peak_kb'] / 1024:>13.1f}"
        )


if __name__ == "__main__":
    main()
