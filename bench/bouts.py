"""Recordings of several passes: how much of each is analysed, and every bout's measures.

The ``forward_*_side_bouts.mp4`` recordings (one walker, passes with exits, re-entries and a
turn, a reflection in a glass cabinet behind) are analysed whole and, as a physiotherapist's
trials look, with their first pass repeated after the walker is out of the picture for
``--absence-s`` seconds. Printed per clip: the share of the frames where the walker is in view
(tests/data/bouts_in_view.csv) in which the subject is followed, the segments, every bout
(direction, steps, cadence, speed, step length) and the pooled metrics. The pose is read from
``--pose-dir/<stem>.frames.pkl`` (every person detected, per frame) when present, else the pose
model is run (and its detections saved there).

    python bench/bouts.py --videos ../shared/videos --pose-dir POSE_DIR
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import pickle
from pathlib import Path

import numpy as np

from vision.analysis import AnalysisOptions, analyze_sequence
from vision.pipeline import ExtractOptions, detect_people, sequence_from_frames
from vision.pose import FramePoses, MediaPipePoseEstimator

ROOT = Path(__file__).resolve().parents[1]
IN_VIEW = ROOT / "tests" / "data" / "bouts_in_view.csv"


def in_view_spans() -> dict[str, list[tuple[int, int]]]:
    """Frames [start, stop) where each clip's walker is in view."""
    out: dict[str, list[tuple[int, int]]] = {}
    with IN_VIEW.open(newline="") as f:
        for row in csv.DictReader(f):
            out.setdefault(row["clip"], []).append(
                (int(row["start_frame"]), int(row["stop_frame"]))
            )
    return out


def detections(clip: Path, pose_dir: Path | None) -> tuple[list[FramePoses], float, int, int]:
    """Everyone the pose model finds in each frame of ``clip`` (cached in ``pose_dir``)."""
    cached = pose_dir / f"{clip.stem}.frames.pkl" if pose_dir else None
    if cached is not None and cached.exists():
        with cached.open("rb") as f:
            d = pickle.load(f)
        return d["frames"], d["fps"], d["width"], d["height"]
    opts = ExtractOptions()
    estimator = MediaPipePoseEstimator(opts.pose)
    try:
        frames, fps, width, height = detect_people(clip, estimator, opts)
    finally:
        estimator.close()
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        with cached.open("wb") as f:
            pickle.dump({"frames": frames, "fps": fps, "width": width, "height": height}, f)
    return frames, fps, width, height


def second_trial(frames: list[FramePoses], stop: int, fps: float, absence_s: float):
    """The frames up to ``stop``, nobody for ``absence_s``, then the same frames again."""
    first = frames[:stop]
    n, gap = len(first), int(round(absence_s * fps))
    empty = [FramePoses(index=n + i, t_s=(n + i) / fps, people=()) for i in range(gap)]
    again = [
        dataclasses.replace(f, index=n + gap + i, t_s=(n + gap + i) / fps)
        for i, f in enumerate(first)
    ]
    return first + empty + again


def report(name: str, frames, fps: float, size: tuple[int, int], spans) -> None:
    seq = sequence_from_frames(frames, fps, *size)
    in_view = np.zeros(len(seq), bool)
    for a, b in spans:
        in_view[a:b] = True
    res = analyze_sequence(seq, AnalysisOptions(height_cm=170))
    m = res.metrics
    print(
        f"{name}: followed in {100 * seq.has_pose[in_view].mean():.1f} % of {in_view.sum()} "
        f"frames in view; {len(res.bouts)} bouts; pooled {m.step_count} steps, cadence "
        f"{_f(m.cadence_spm)} steps/min, speed {_f(m.speed_mps, 3)} m/s, step length "
        f"{_f(m.step_length_m.mean, 3)} m"
    )
    segs = ", ".join(f"{g.direction} {g.start_s:.2f}-{g.end_s:.2f}" for g in res.segments)
    print(f"    segments: {segs}")
    for b in res.bouts:
        print(
            f"    bout {b.start_s:6.2f}-{b.end_s:6.2f} s {b.direction:8s} {b.step_count:2d} steps, "
            f"cadence {_f(b.cadence_spm)}, speed {_f(b.speed_mps, 3)}, "
            f"length {_f(b.step_length_m, 3)}"
        )


def _f(v: float | None, nd: int = 1) -> str:
    return "-" if v is None else f"{v:.{nd}f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--videos", type=Path, required=True, help="folder of the shared real clips")
    ap.add_argument("--pose-dir", type=Path, default=None, help="folder of cached detections")
    ap.add_argument("--absence-s", type=float, default=5.0, help="time out of the picture, s")
    args = ap.parse_args()
    for stem, spans in in_view_spans().items():
        clip = args.videos / f"{stem}.mp4"
        if not clip.exists():
            print(f"({stem} not found under {args.videos}: skipped)")
            continue
        frames, fps, width, height = detections(clip, args.pose_dir)
        report(stem, frames, fps, (width, height), spans)
        stop = spans[0][1]
        twice = second_trial(frames, stop, fps, args.absence_s)
        n, gap = stop, len(twice) - 2 * stop
        view = [(spans[0][0], stop), (n + gap + spans[0][0], n + gap + stop)]
        report(
            f"{stem}, first pass twice, {args.absence_s:g} s apart",
            twice,
            fps,
            (width, height),
            view,
        )


if __name__ == "__main__":
    main()
