"""How long ``retrogait analyze`` takes to refuse a bad input (the target: under 1 s).

Runs the command as a fresh process for each bad input (a missing file, a text file named .mp4,
an unknown population, a malformed calibration) several times, and prints the median and worst
wall time of each, their ratio to the 1 s target, and a plain ``python -c pass`` start for
scale. The load average is printed too: on a busy machine the figures mean little.

Usage: ``python bench/cli_errors.py [--repeats 5]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "sample_videos" / "backward_side_3m.mp4"
TARGET_S = 1.0


def _cases(tmp: Path) -> dict[str, list[str]]:
    text = tmp / "notes.mp4"
    text.write_text("not a video\n")
    return {
        "missing file": ["analyze", str(tmp / "missing.mp4")],
        "not a video": ["analyze", str(text)],
        "unknown population": ["analyze", str(SAMPLE), "--population", "teenagers"],
        "bad calibration": ["analyze", str(SAMPLE), "--calibration", "1,2,3"],
    }


def _wall_s(argv: list[str]) -> float:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=REPO, env=env, capture_output=True, stdin=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    if argv[1:3] == ["-m", "service.cli"] and done.returncode != 2:
        raise SystemExit(f"{argv}: exit {done.returncode}, expected 2")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    start = [_wall_s([sys.executable, "-c", "pass"]) for _ in range(args.repeats)]
    print(f"python start: median {statistics.median(start):.3f} s")
    with tempfile.TemporaryDirectory() as tmp:
        for name, cli_args in _cases(Path(tmp)).items():
            times = [
                _wall_s([sys.executable, "-m", "service.cli", *cli_args])
                for _ in range(args.repeats)
            ]
            median = statistics.median(times)
            print(
                f"{name:>20}: median {median:.3f} s, worst {max(times):.3f} s, "
                f"median/target {median / TARGET_S:.2f}"
            )


if __name__ == "__main__":
    main()
