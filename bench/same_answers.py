"""Where the ONNX backend's landmarks part from the Tasks backend's, and how far they could agree.

Both backends run on every frame of each clip, the ONNX detector scheduled as the Tasks graph
schedules its own (``detect_interval_s=0``: every frame while fewer than ``num_poses`` people
are tracked). Each person ONNX finds is compared with the nearest person Tasks finds, point by
point, in pixels. Printed per clip (real clips first, then the samples), as median / 95th
percentile with the number of person-frames:

* all points, then split by where the ONNX backend took the person's region from: a detection
  in this very frame, or the previous frame's landmarks alone (tracking; the detector found
  nobody there, as when the walker leaves the picture or hides, or two people are tracked).
  Tasks does not say where it took its region from: where the backends track different numbers
  of people, one may detect where the other tracks;
* all points split into those both backends mark visible (visibility >= 0.5) and the others;
* the visible points of the person-frames read from a detection;
* the ONNX backend against itself with each region moved ``--move-px`` (default 0.01 px) in a
  random direction: how much a difference far below what two runtimes' arithmetic gives moves
  the answer. The two runtimes' detector outputs differ by up to a few thousandths of a pixel
  of its 224-px input (``models/README.md``), a few hundredths of a pixel of a 1080p frame.

    python bench/same_answers.py [--videos DIR] [--move-px 0.01] [CLIP ...]
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from vision.pose import MediaPipePoseEstimator, PoseOptions
from vision.pose import blazepose as bp
from vision.pose.base import PersonPose
from vision.pose.onnx import OnnxOptions, OnnxPoseEstimator
from vision.video import iter_frames

ROOT = Path(__file__).resolve().parents[1]
VIDEOS = ROOT.parent / "shared" / "videos"
SAMPLES = ROOT / "sample_videos"
VIDEO_SUFFIXES = {".mp4", ".avi", ".mov", ".mkv", ".webm"}


class _Recording(OnnxPoseEstimator):
    """The ONNX backend noting, per frame, the region each person was read from and whether
    the detector gave that region in this frame."""

    def __init__(self) -> None:
        super().__init__(PoseOptions(), OnnxOptions(detect_interval_s=0.0, threads=1))
        self.regions: list[tuple[bp.Rect, PersonPose]] = []
        self.detected: list[bp.Rect] = []

    def detect(self, rgb: np.ndarray) -> list[bp.Rect]:
        found = super().detect(rgb)
        self.detected += found
        return found

    def landmarks(self, rgb: np.ndarray, roi: bp.Rect) -> tuple[PersonPose, bp.Rect] | None:
        out = super().landmarks(rgb, roi)
        if out is not None:
            self.regions.append((roi, out[0]))
        return out


@dataclass
class _Gaps:
    """Pixel distances per group, each a list of (33,) arrays (one per person-frame)."""

    groups: dict[str, list[np.ndarray]] = field(default_factory=dict)

    def add(self, name: str, values: np.ndarray) -> None:
        self.groups.setdefault(name, []).append(values)

    def summary(self, name: str) -> str:
        parts = self.groups.get(name, [])
        if not parts:
            return f"{'-':>17s}"
        v = np.concatenate(parts)
        return f"{np.median(v):5.2f} /{np.percentile(v, 95):6.2f} ({len(parts):3d})"


def compare(clip: Path, move_px: float, seed: int = 0) -> _Gaps:
    """The gaps of ``clip``, grouped as the module doc says."""
    rng = np.random.default_rng(seed)
    gaps = _Gaps()
    onnx = _Recording()
    with MediaPipePoseEstimator(PoseOptions()) as tasks, onnx:
        for frame in iter_frames(clip):
            onnx.regions, onnx.detected = [], []
            theirs = tasks.estimate(frame.rgb, frame.t_s)
            ours = onnx.estimate(frame.rgb, frame.t_s)
            used = {id(person): roi for roi, person in onnx.regions}
            h, w = frame.rgb.shape[:2]
            for person in ours if theirs else []:
                other = min(theirs, key=lambda p: np.median(np.linalg.norm(p.xy - person.xy, 1)))
                gap = np.linalg.norm(other.xy - person.xy, axis=1)
                roi = used[id(person)]
                fresh = any(roi is r for r in onnx.detected)
                seen = (other.visibility >= 0.5) & (person.visibility >= 0.5)
                gaps.add("all", gap)
                gaps.add("detected" if fresh else "tracked", gap)
                gaps.add("visible", gap[seen])
                gaps.add("hidden", gap[~seen])
                if fresh:
                    gaps.add("detected+visible", gap[seen])
                dx, dy = move_px * np.array([np.cos(a := rng.uniform(0, 2 * np.pi)), np.sin(a)])
                moved = replace(roi, x_center=roi.x_center + dx / w, y_center=roi.y_center + dy / h)
                again = OnnxPoseEstimator.landmarks(onnx, frame.rgb, moved)
                if again is not None:
                    gaps.add("moved", np.linalg.norm(again[0].xy - person.xy, axis=1))
    return gaps


def clips(videos: Path, named: list[Path]) -> list[Path]:
    """``named``, or the real clips in ``videos`` then the samples, in name order."""
    if named:
        return named
    real = sorted(p for p in videos.glob("*") if p.suffix in VIDEO_SUFFIXES)
    return real + sorted(SAMPLES.glob("*.mp4"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("clips", type=Path, nargs="*", help="clips (default: all, see --videos)")
    ap.add_argument("--videos", type=Path, default=VIDEOS, help="folder of the real clips")
    ap.add_argument("--move-px", type=float, default=0.01, help="region moved this far, px")
    args = ap.parse_args()
    groups = ("all", "detected", "tracked", "visible", "hidden", "detected+visible", "moved")
    print("median / 95th percentile px (person-frames); 'moved': ONNX against itself, its")
    print(f"region moved {args.move_px:g} px")
    print(f"{'clip':42s} " + " ".join(f"{g:>19s}" for g in groups))
    for clip in clips(args.videos, args.clips):
        gaps = compare(clip, args.move_px)
        print(f"{clip.name:42s} " + " ".join(f"{gaps.summary(g):>19s}" for g in groups), flush=True)


if __name__ == "__main__":
    main()
