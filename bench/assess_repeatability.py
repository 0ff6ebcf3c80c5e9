"""Is the "measured repeatability" of visit comparisons calibrated?

    python bench/assess_repeatability.py [--repeats N] [--variability CV] [--view VIEW]

Walks the same synthetic person N times (fresh step-to-step variation and landmark noise each
time; nothing about the person changes), analyses each walk, and prints per metric:

* ratio = SD of the metric across the repeats / RMS standard error that
  :func:`vision.assess.change.standard_error` predicts from one walk. Near 1: one walk's own
  spread predicts how much a repeat differs; above 1: the prediction is too small, so change
  verdicts would be too eager.
* false = fraction of pairs of repeats that :func:`vision.assess.compare_visits` calls a
  "real change" (no change exists, so about 5 % is the aim of a 95 % threshold).
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from vision.analysis import AnalysisOptions, analyze_sequence  # noqa: E402
from vision.assess import compare_visits  # noqa: E402
from vision.assess.change import standard_error  # noqa: E402
from vision.assess.scores import metric_value  # noqa: E402
from vision.gait.scale import FloorCalibration  # noqa: E402
from vision.synthetic import WalkParams, simulate_walk  # noqa: E402
from vision.synthetic.camera import floor_calibration, view_camera  # noqa: E402
from vision.synthetic.landmarks import LandmarkNoise, landmark_sequence  # noqa: E402

METRICS = ("speed_mps", "cadence_spm", "step_length_m.mean", "stride_time_sd_ms")


def one_walk(seed: int, variability: float, view: str = "side"):
    params = WalkParams(
        direction="backward",
        n_steps=12,
        step_length_m=0.4,
        cadence_spm=100.0,
        step_variability=variability,
        seed=seed,
    )
    truth = simulate_walk(params)
    cam = view_camera(truth.joints, float(truth.facing_deg[0]), view)
    seq = landmark_sequence(truth, cam, LandmarkNoise(), seed=seed)
    if view != "side":  # a two-point calibration scales only a side view
        return analyze_sequence(seq, AnalysisOptions())
    x0 = float(truth.steps[0]["footprint"][0])
    two = floor_calibration(cam, (x0, x0 + 3.0 * truth.travel_sign))["two_point"]
    cal = FloorCalibration(tuple(map(tuple, two["image_px"])), distance_m=two["distance_m"])
    return analyze_sequence(seq, AnalysisOptions(calibration=cal))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=12)
    ap.add_argument(
        "--variability",
        type=float,
        default=0.05,
        help="step length and time coefficient of variation (fraction)",
    )
    ap.add_argument(
        "--view",
        choices=("side", "front", "back"),
        default="side",
        help="front and back: cadence from the trunk's sway, with its own SE",
    )
    args = ap.parse_args(argv)
    walks = [one_walk(seed, args.variability, args.view) for seed in range(args.repeats)]
    pairs = list(itertools.combinations(walks, 2))
    verdicts = [compare_visits(a, b) for a, b in pairs]
    print(
        f"{args.repeats} repeats of one synthetic backward walker, {args.view} view, step CV "
        f"{100 * args.variability:.0f} %, {len(pairs)} pairs"
    )
    print(f"{'metric':<22}{'mean':>9}{'SD across':>11}{'RMS SE':>9}{'ratio':>8}{'false':>8}")
    for m in METRICS:
        values = np.array([v for v in (metric_value(w, m) for w in walks) if v is not None])
        ses = np.array([s for s in (standard_error(m, w) for w in walks) if s is not None])
        if len(values) < 3 or len(ses) == 0:
            print(f"{m:<22}  not measured in enough walks")
            continue
        sd = float(np.std(values, ddof=1))
        rms = float(np.sqrt(np.mean(ses**2)))
        judged = [v.get(m).verdict for v in verdicts]
        false = sum(j == "real change" for j in judged) / max(
            sum(j != "not comparable" for j in judged), 1
        )
        print(f"{m:<22}{values.mean():>9.3f}{sd:>11.4f}{rms:>9.4f}{sd / rms:>8.2f}{false:>8.0%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
