"""How well BlazePose sees the synthetic walkers: ``python bench/synthetic_pose_accuracy.py``.

For each sample clip in sample_videos/ prints the fraction of frames with a pose, the median and
90th-percentile distance of hips, knees, ankles and heels from the rendered truth (fractions of
body height, left/right matched either way), the fraction of frames whose legs came out swapped,
and how far above the true heel BlazePose puts its heel point.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from vision.landmarks import IDX  # noqa: E402
from vision.pipeline import extract_pose  # noqa: E402
from vision.synthetic.camera import Camera  # noqa: E402


def main() -> int:
    samples = sorted((ROOT / "sample_videos").glob("*.mp4"))
    for video in samples:
        doc = json.loads(video.with_name(video.stem + ".truth.json").read_text())
        seq = extract_pose(video)
        cam = Camera.from_dict(doc["camera"])
        joints = np.asarray(doc["joints"])
        mid = 0.5 * (joints[:, IDX["left_hip"]] + joints[:, IDX["right_hip"]])
        hpx = cam.focal_px * doc["params"]["body_height_m"] / cam.to_camera(mid)[:, 2]
        ok = seq.has_pose.copy()
        ok[0] = False
        fi = seq.frame_index[ok]
        pred, true = seq.image[ok, :, :2], np.asarray(doc["image_joints_px"])[fi]
        line = [f"{video.stem:22s} pose {seq.coverage:6.1%}"]
        swaps = None
        for part in ("hip", "knee", "ankle", "heel"):
            a, b = IDX[f"left_{part}"], IDX[f"right_{part}"]
            d = np.linalg.norm(pred[:, [a, b]] - true[:, [a, b]], axis=-1).mean(1)
            s = np.linalg.norm(pred[:, [b, a]] - true[:, [a, b]], axis=-1).mean(1)
            err = np.minimum(d, s) / hpx[fi]
            if part == "knee":
                swaps = float(np.mean(s < d))
            line.append(f"{part} {np.median(err):.3f}/{np.percentile(err, 90):.3f}")
        heel_up = (true[:, IDX["left_heel"], 1] - pred[:, IDX["left_heel"], 1]) / hpx[fi]
        line.append(f"legs swapped {swaps:.0%}  heel raised {np.median(heel_up):+.3f}")
        print("  ".join(line), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
