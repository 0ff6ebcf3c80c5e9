"""The view read from rendered walks toward and away from the camera, 0-40 degrees off its axis.

Each walk (forward and backward, filmed from in front of the person and from behind, the camera
turned ``--angles`` degrees off the walking line) is rendered by the synthetic walker and read
by the pose model, then analysed. Up to about 30 degrees the view should read front or back
(from the path walked, not the shoulders' width alone); at 40, oblique. Printed per walk: the
view found and expected, the steps found and true, the walking direction and the fall-risk
level (the subject's height entered); then how many views were right. Clips and poses are
kept in ``--pose-dir/view_angles`` and reused.

    python bench/view_angles.py --pose-dir POSE_DIR
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from vision.analysis import AnalysisOptions, analyze_sequence
from vision.assess import AssessOptions, assess
from vision.synthetic.clips import ClipSpec, make_clip, truth_path_for
from vision.synthetic.params import WalkParams

SEEN_FROM = {"front": 0.0, "back": 180.0}
# Off the walking line by more than this (degrees), a walk is an oblique view.
FRONTAL_WITHIN_DEG = 30.0


def rendered(out: Path, name: str, spec: ClipSpec) -> tuple[Path, dict]:
    """The clip ``out/<name>.mp4`` and its truth, rendered when not there yet."""
    clip, truth = out / f"{name}.mp4", out / f"{name}.truth.json"
    if not truth.exists():
        tmp = out / f"tmp-{os.getpid()}-{name}.mp4"
        make_clip(spec, tmp)
        os.replace(tmp, clip)
        os.replace(truth_path_for(tmp), truth)
    return clip, json.loads(truth.read_text())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pose-dir", type=Path, required=True, help="folder for clips and poses")
    ap.add_argument("--angles", type=float, nargs="+", default=[0.0, 20.0, 30.0, 40.0])
    args = ap.parse_args()
    from cases import pose_cached  # bench/cases.py, beside this script

    out = args.pose_dir / "view_angles"
    out.mkdir(parents=True, exist_ok=True)
    right = total = 0
    print(f"{'walk':34s} {'view found/expected':22s} {'steps':>7s}  {'direction':18s} fall risk")
    for direction in ("forward", "backward"):
        for seen_from, base in SEEN_FROM.items():
            for off in args.angles:
                name = f"{direction}_{seen_from}_{off:g}deg"
                walk = WalkParams(direction=direction, n_steps=8, stand_before_s=0.6, seed=11)
                spec = ClipSpec(walk, azimuth_deg=base + off, outfit="blue")
                clip, truth = rendered(out, name, spec)
                seq = pose_cached(clip, out / f"{name}.npz")
                res = analyze_sequence(seq, AnalysisOptions(height_cm=170))
                protocol = "forward" if direction == "forward" else "free_backward"
                risk = assess(res, AssessOptions(protocol=protocol)).fall_risk.level
                view = res.extras.get("view")
                expected = seen_from if abs(off) <= FRONTAL_WITHIN_DEG else "oblique"
                right += view == expected
                total += 1
                print(
                    f"{name:34s} {view}/{expected:14s} {res.metrics.step_count:3d}/"
                    f"{len(truth['steps']):<3d}  {res.metrics.walk_direction}/{direction:9s} {risk}"
                )
    print(f"view right on {right}/{total} walks")


if __name__ == "__main__":
    main()
