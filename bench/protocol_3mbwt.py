"""How well the 3 m backward walk test is timed: ``python bench/protocol_3mbwt.py``.

    python bench/protocol_3mbwt.py [--pose-dir DIR] [--seeds N] [-v]

Synthetic backward walks that pass 3 m (two walks: long and fast from a 1 s stand, shorter and
slower from a 1.5 s stand), seen from the side, obliquely, from the front and from the back,
through pose-model-like landmark noise (leg-label swaps, lost frames, a wild first detection)
at two jitter sizes (0.2 % and 0.7 % of body height per landmark, the latter the size of
``LandmarkNoise.blazepose_like``) and two frame rates, each timed with the test's own start and
3 m lines marked as a user would (two points from the side, the taped rectangle elsewhere).
Prints, per frame rate and jitter: how many were timed, the median and worst absolute error of
the time (s), the share within 0.2 s, and how many said a foot rested at the line (with how often
that result's other time was the nearer one); then the start's and the stop's errors over all;
then the rendered sample clip through the pose model (``--pose-dir`` caches its pose).
"""

from __future__ import annotations

import argparse
import sys
import warnings
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from accuracy import _test_lines, sample_cases, timed_3mbwt  # noqa: E402  (bench/ is the script's folder)

from vision.analysis import AnalysisOptions  # noqa: E402
from vision.synthetic import WalkParams, simulate_walk  # noqa: E402
from vision.synthetic.camera import view_camera  # noqa: E402
from vision.synthetic.landmarks import LandmarkNoise, landmark_sequence  # noqa: E402

WALKS = {
    "long-fast": dict(step_length_m=0.55, cadence_spm=115.0),
    "short-slow": dict(step_length_m=0.45, cadence_spm=90.0, stand_before_s=1.5),
}
VIEWS = ("side", "oblique", "front", "back")


@dataclass
class Timed:
    label: str
    error_s: float  # found minus true time; NaN: not timed
    start_error_s: float
    stop_error_s: float
    other_nearer: bool | None  # a foot at the line: was the other time nearer? None: no flag


def time_walk(seq, cal, truth: dict, label: str) -> Timed:
    test, err, nearer = timed_3mbwt(seq, AnalysisOptions(), cal, truth["time_s"])
    if not np.isfinite(err):
        return Timed(label, np.nan, np.nan, np.nan, None)
    return Timed(
        label, err, test["start_s"] - truth["start_s"], test["stop_s"] - truth["stop_s"], nearer
    )


def synthetic(seeds: int) -> dict[str, list[Timed]]:
    groups: dict[str, list[Timed]] = {}
    for fps in (30.0, 60.0):
        for jitter in (0.002, 0.007):
            key = f"{fps:.0f} fps, jitter {100 * jitter:.1f} %"
            for walk, kw in WALKS.items():
                for view in VIEWS:
                    for seed in range(1, seeds + 1):
                        p = WalkParams(direction="backward", n_steps=8, seed=seed, **kw)
                        truth = simulate_walk(p, fps=fps)
                        cam = view_camera(truth.joints, float(truth.facing_deg[0]), view)
                        noise = replace(LandmarkNoise.blazepose_like(), jitter_fraction=jitter)
                        seq = landmark_sequence(truth, cam, noise, seed=seed)
                        cal = _test_lines(cam, truth.test_3mbwt, view)
                        label = f"{key} {walk} {view} seed {seed}"
                        groups.setdefault(key, []).append(
                            time_walk(seq, cal, truth.test_3mbwt, label)
                        )
    return groups


def summary(label: str, rows: list[Timed]) -> str:
    err = np.array([r.error_s for r in rows])
    timed = np.isfinite(err)
    a = np.abs(err[timed])
    flagged = [r for r in rows if r.other_nearer is not None]
    if not a.size:
        return f"{label:24s} {len(rows):3d} walks, none timed"
    return (
        f"{label:24s} {len(rows):3d} walks, timed {timed.sum():3d}; |error| median "
        f"{np.median(a):.3f} s, worst {a.max():.3f} s, within 0.2 s {np.mean(a <= 0.2):.0%}; "
        f"foot at the line {len(flagged)} (other time nearer "
        f"{sum(r.other_nearer for r in flagged)})"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pose-dir", type=Path, default=None, help="pose cache of the sample clip")
    ap.add_argument("--seeds", type=int, default=3, help="noise seeds per walk and view")
    ap.add_argument("-v", action="store_true", help="list walks more than 0.2 s off")
    args = ap.parse_args()
    warnings.simplefilter("ignore", RuntimeWarning)
    groups = synthetic(args.seeds)
    for key, rows in groups.items():
        print(summary(key, rows))
    every = [r for rows in groups.values() for r in rows]
    for part in ("start", "stop"):
        e = np.array([getattr(r, f"{part}_error_s") for r in every])
        e = e[np.isfinite(e)]
        print(
            f"  {part} vs truth over {e.size} timed walks: |error| median "
            f"{np.median(np.abs(e)):.3f} s, worst {np.abs(e).max():.3f} s, "
            f"signed median {np.median(e):+.3f} s"
        )
    if args.v:
        for r in every:
            if not abs(r.error_s) <= 0.2:
                print(
                    f"    {r.label}: {r.error_s:+.3f} s (start {r.start_error_s:+.3f}, stop "
                    f"{r.stop_error_s:+.3f}, foot at the line: {r.other_nearer is not None})"
                )
    rendered = [c for c in sample_cases(args.pose_dir) if c.test_3mbwt_s is not None]
    for c in rendered:
        truth = {"time_s": c.test_3mbwt_s, "start_s": np.nan, "stop_s": np.nan}
        r = time_walk(c.seq, c.test_calibration, truth, c.name)
        print(f"{c.name} (rendered, through the pose model): error {r.error_s:+.3f} s")


if __name__ == "__main__":
    main()
