"""How well BlazePose sees the synthetic walkers: ``python bench/synthetic_pose_accuracy.py``.

    python bench/synthetic_pose_accuracy.py [--clips DIR ...] [--pose-dir DIR]

For each rendered clip (``sample_videos/*.mp4`` and any ``--clips`` folder of clips with their
``.truth.json``, e.g. the walks bench/accuracy.py renders into ``--pose-dir/rendered``) prints
the view, the fraction of frames with a pose, the median and 90th-percentile distance of hips,
knees, ankles and heels from the rendered truth (fractions of body height, left/right matched
either way), the fraction of frames whose legs came out swapped, and how high above the floor
the detected heel and toe points sit while the foot rests.

That height is the one on the vertical through the true resting heel (toe) whose image is the
detected point (either leg's, the nearer), as a fraction of body height, median over resting
frames: the quantity :data:`vision.gait.foot_floor.HEEL_POINT_HEIGHT_FRACTION` rests on.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from accuracy import pose_cached  # noqa: E402  (bench/ is the script's folder)

from vision.landmarks import IDX  # noqa: E402
from vision.sequence import PoseSequence  # noqa: E402
from vision.synthetic.camera import Camera  # noqa: E402

HEIGHTS_M = np.linspace(-0.1, 0.3, 401)


def resting_point_height(
    seq: PoseSequence, cam: Camera, joints: np.ndarray, part: str, body_height_m: float
) -> float:
    """Median height (fraction of body height) above the true resting ``part`` point at which
    the vertical through it projects onto the detected point; NaN if never seen resting."""
    found = []
    for side in ("left", "right"):
        p = joints[seq.frame_index, IDX[f"{side}_{part}"]]
        still = np.r_[False, np.linalg.norm(np.diff(p, axis=0), axis=1) < 1e-3]
        for i in np.flatnonzero(still[: len(seq)] & seq.has_pose):
            line = np.column_stack([np.full((len(HEIGHTS_M), 2), p[i, :2]), HEIGHTS_M])
            px, _ = cam.project(line)
            best = min(
                (float(d.min()), float(HEIGHTS_M[d.argmin()]))
                for d in (
                    np.linalg.norm(px - seq.xy[i, IDX[f"{s}_{part}"]], axis=1)
                    for s in ("left", "right")
                )
            )
            if best[0] < 15.0:  # px: the detected point really lies on this vertical
                found.append(best[1] - p[i, 2])
    return float(np.median(found)) / body_height_m if found else float("nan")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--clips",
        type=Path,
        action="append",
        default=[],
        help="another folder of rendered clips with truth JSON",
    )
    ap.add_argument(
        "--pose-dir",
        type=Path,
        default=None,
        help="folder of saved pose sequences <clip-stem>.npz (read and written)",
    )
    args = ap.parse_args(argv)
    videos = [
        v
        for d in [ROOT / "sample_videos", *args.clips]
        for v in sorted(d.glob("*.mp4"))
        if v.with_name(v.stem + ".truth.json").exists()
    ]
    for video in videos:
        doc = json.loads(video.with_name(video.stem + ".truth.json").read_text())
        seq = pose_cached(video, args.pose_dir / f"{video.stem}.npz" if args.pose_dir else None)
        cam = Camera.from_dict(doc["camera"])
        joints = np.asarray(doc["joints"])
        h_m = doc["params"]["body_height_m"]
        mid = 0.5 * (joints[:, IDX["left_hip"]] + joints[:, IDX["right_hip"]])
        hpx = cam.focal_px * h_m / cam.to_camera(mid)[:, 2]
        ok = seq.has_pose.copy()
        ok[0] = False
        fi = seq.frame_index[ok]
        pred, true = seq.xy[ok], np.asarray(doc["image_joints_px"])[fi]
        line = [f"{video.stem:20s} {doc['view']:8s} pose {seq.coverage:6.1%}"]
        swaps = None
        for part in ("hip", "knee", "ankle", "heel"):
            a, b = IDX[f"left_{part}"], IDX[f"right_{part}"]
            d = np.linalg.norm(pred[:, [a, b]] - true[:, [a, b]], axis=-1).mean(1)
            s = np.linalg.norm(pred[:, [b, a]] - true[:, [a, b]], axis=-1).mean(1)
            err = np.minimum(d, s) / hpx[fi]
            if part == "knee":
                swaps = float(np.mean(s < d))
            line.append(f"{part} {np.median(err):.3f}/{np.percentile(err, 90):.3f}")
        heel = resting_point_height(seq, cam, joints, "heel", h_m)
        toe = resting_point_height(seq, cam, joints, "foot_index", h_m)
        line.append(f"legs swapped {swaps:.0%}  resting heel {heel:+.3f} toe {toe:+.3f}")
        print("  ".join(line), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
