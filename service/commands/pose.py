"""``retrogait pose VIDEO -o landmarks.npz [--csv FILE]``: the subject's landmarks from a video."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from service.commands.pose_args import add_pose_options, pose_problem
from service.commands.progress import progress_bar


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "pose",
        help="extract the walking subject's pose landmarks from a video",
        description="Detect everyone's BlazePose landmarks, follow the person who walks, and save "
        "their landmark time series (npz with JSON metadata; optionally CSV).",
    )
    p.add_argument("video", type=Path, help="video file (mp4, mov, avi, webm, mkv)")
    p.add_argument("-o", "--output", type=Path, help="output .npz (default: VIDEO.landmarks.npz)")
    p.add_argument("--csv", type=Path, help="also write a CSV, one row per frame")
    p.add_argument("--people", type=int, default=2, help="most people detected per frame")
    add_pose_options(p)
    p.set_defaults(func=run, native_logs=True)


def run(args: argparse.Namespace) -> int:
    from vision.pipeline import ExtractOptions, NoPersonError, extract_pose
    from vision.pose import ModelNotFoundError, PoseOptions
    from vision.video import VideoError, probe

    out = args.output or args.video.with_suffix(".landmarks.npz")
    pose = PoseOptions(num_poses=args.people, backend=args.backend, device=args.device)
    opts = ExtractOptions(pose=pose)
    try:
        probe(args.video)  # a bad file is reported before the pose model loads
        problem = pose_problem(args)
        if problem is not None:
            print(f"error: {problem}", file=sys.stderr)
            return 2
        with progress_bar(f"pose {args.video.name}") as update:
            seq = extract_pose(args.video, opts, progress=update)
    except (VideoError, NoPersonError, ModelNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    path = seq.save(out)
    print(
        f"{path}: {len(seq)} frames, subject's pose in {seq.coverage:.0%} of them "
        f"({seq.fps:.2f} fps, {seq.width}x{seq.height})"
    )
    others = seq.meta.get("others_seen", [])
    if others:
        print(f"other people seen: {len(others)} (not analysed)")
    if args.csv:
        print(f"{seq.to_csv(args.csv)}: CSV written")
    return 0
