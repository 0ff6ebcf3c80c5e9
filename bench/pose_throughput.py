"""Pose throughput on one clip, measured in one run (ratios are what to compare: the machine is
shared and its absolute speed varies).

Prints decode-only frames/s, decode+pose frames/s through retrogait's pipeline (PyAV decode,
downscale to --max-side, MediaPipe Tasks, subject tracking, the camera's motion from the
background), their ratio, the same pipeline without the camera's motion (what following the
background costs), and the throughput ratio against a plain per-frame MediaPipe loop (OpenCV
decode at full size, one detect_for_video per frame) over the same frames with the same model and
number of poses.

    python bench/pose_throughput.py [CLIP] [--frames N] [--max-side PX] [--backend tasks|onnx]

With ``--whole``, whole processes instead, one run each: ``retrogait analyze CLIP`` with each pose
backend, in one process and in two (``--workers 2``), against the plain loop above with one pose
(the loop a user would write), printing wall seconds, the ratio of wall times, times real time
and peak memory (RSS) of each process.

    python bench/pose_throughput.py --whole [CLIP ...]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import cv2
import mediapipe as mp
from mediapipe.tasks.python.core.base_options import BaseOptions
from mediapipe.tasks.python.vision import PoseLandmarker, PoseLandmarkerOptions, RunningMode

from vision.pipeline import ExtractOptions, extract_pose
from vision.pose import PoseOptions, create_estimator, default_model_path
from vision.video import iter_frames, probe

DEFAULT_CLIP = (
    Path(__file__).resolve().parents[2] / "shared" / "videos" / "backward_walk_side_demo4.mp4"
)


def decode_only(clip: Path, frames: int, max_side: int | None) -> float:
    start = time.perf_counter()
    n = 0
    for frame in iter_frames(clip, max_side=max_side):
        if frame.index >= frames:
            break
        n += 1
    return n / (time.perf_counter() - start)


def ours(
    clip: Path,
    frames: int,
    max_side: int | None,
    num_poses: int,
    camera_motion: bool = True,
    backend: str = "tasks",
) -> tuple[float, float]:
    opts = ExtractOptions(
        pose=PoseOptions(num_poses=num_poses, backend=backend),
        max_side=max_side,
        max_frames=frames,
    )
    if not camera_motion:
        opts = replace(opts, camera_motion=None)
    # The model is loaded before the clock starts, as for the plain loop below.
    estimator = create_estimator(opts.pose)
    try:
        start = time.perf_counter()
        seq = extract_pose(clip, opts, estimator=estimator)
        elapsed = time.perf_counter() - start
    finally:
        estimator.close()
    return len(seq) / elapsed, seq.coverage


def plain_loop(clip: Path, frames: int, num_poses: int) -> tuple[float, float]:
    options = PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(default_model_path())),
        running_mode=RunningMode.VIDEO,
        num_poses=num_poses,
    )
    landmarker = PoseLandmarker.create_from_options(options)
    cap = cv2.VideoCapture(str(clip))
    fps = cap.get(cv2.CAP_PROP_FPS) or 30.0
    start = time.perf_counter()
    n = found = 0
    while n < frames:
        ok, bgr = cap.read()
        if not ok:
            break
        image = mp.Image(
            image_format=mp.ImageFormat.SRGB, data=cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
        )
        result = landmarker.detect_for_video(image, int(n * 1000 / fps))
        found += bool(result.pose_landmarks)
        n += 1
    elapsed = time.perf_counter() - start
    landmarker.close()
    cap.release()
    return n / elapsed, found / max(n, 1)


# Runs a command and prints its peak RSS (KB) and exit code. The command is started from this
# small process rather than from the bench: a new process's ru_maxrss starts at its parent's
# high-water mark, so a child of a large bench process would report the bench's memory.
_LAUNCHER = (
    "import os, subprocess, sys\n"
    "p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
    "_, status, usage = os.wait4(p.pid, 0)\n"
    "print(usage.ru_maxrss, os.waitstatus_to_exitcode(status))\n"
)


def run_process(command: list[str]) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB) of ``command`` run to completion in its own process.

    The peak is the largest of the command's process and its worker processes.
    """
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _LAUNCHER, *command], capture_output=True, text=True, check=True
    )
    wall = time.perf_counter() - start
    maxrss_kb, code = (int(v) for v in done.stdout.split())
    if code != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
    return wall, maxrss_kb / 1024.0


def whole(clips: list[Path]) -> None:
    """Whole ``retrogait analyze`` processes against the plain loop (one pose), per clip."""
    for clip in clips:
        duration = probe(clip).duration_s
        loop = [sys.executable, __file__, str(clip), "--plain-loop", "--poses", "1"]
        base_wall, base_rss = run_process(loop)
        print(f"clip: {clip.name} ({duration:.1f} s of video)")
        print(
            f"  plain MediaPipe loop (1 pose): {base_wall:6.1f} s  "
            f"{duration / base_wall:5.2f}x real time  peak RSS {base_rss:5.0f} MB"
        )
        for backend, workers in (("tasks", 1), ("tasks", 2), ("onnx", 1), ("onnx", 2)):
            command = [sys.executable, "-m", "service.cli", "analyze", str(clip), "-q"]
            wall, rss = run_process([*command, "--backend", backend, "--workers", str(workers)])
            print(
                f"  retrogait analyze --backend {backend:5s} --workers {workers}: {wall:6.1f} s  "
                f"{duration / wall:5.2f}x real time  peak RSS {rss:5.0f} MB  "
                f"ratio to plain loop {wall / base_wall:5.2f}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("clips", nargs="*", type=Path, default=[DEFAULT_CLIP])
    parser.add_argument("--frames", type=int, default=240)
    parser.add_argument("--max-side", type=int, default=1280)
    parser.add_argument("--poses", type=int, default=2)
    parser.add_argument("--backend", choices=["tasks", "onnx"], default="tasks")
    parser.add_argument("--whole", action="store_true", help="whole processes (see above)")
    parser.add_argument("--plain-loop", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    for clip in args.clips:
        if not clip.is_file():
            raise SystemExit(f"clip not found: {clip}")
    if args.plain_loop:
        plain_loop(args.clips[0], 10**9, args.poses)
        return
    if args.whole:
        whole(args.clips)
        return
    clip = args.clips[0]
    dec = decode_only(clip, args.frames, args.max_side)
    our_fps, our_cov = ours(clip, args.frames, args.max_side, args.poses, backend=args.backend)
    still_fps, _ = ours(
        clip, args.frames, args.max_side, args.poses, camera_motion=False, backend=args.backend
    )
    base_fps, base_cov = plain_loop(clip, args.frames, args.poses)
    print(
        f"clip: {clip.name}, {args.frames} frames, up to {args.poses} people, "
        f"max side {args.max_side} px, backend {args.backend}"
    )
    print(f"decode only:                     {dec:7.1f} frames/s")
    print(f"decode + pose + tracking (ours): {our_fps:7.1f} frames/s  pose in {our_cov:.0%}")
    print(f"... without the camera's motion: {still_fps:7.1f} frames/s")
    print(f"plain per-frame MediaPipe loop:  {base_fps:7.1f} frames/s  pose in {base_cov:.0%}")
    print(f"ratio ours / without camera:     {our_fps / still_fps:7.3f}")
    print(f"ratio ours / decode-only:        {our_fps / dec:7.3f}")
    print(f"ratio ours / plain loop:         {our_fps / base_fps:7.3f}")


if __name__ == "__main__":
    main()
