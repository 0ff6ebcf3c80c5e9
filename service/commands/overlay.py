"""``retrogait overlay VIDEO -o OUT.mp4``: the clip with the subject's skeleton drawn on it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from service.commands.progress import progress_bar
from vision.overlay import render_overlay
from vision.sequence import PoseSequence
from vision.video import VideoError, probe


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "overlay",
        help="draw the subject's skeleton on a video (browser-playable .mp4 or .webm)",
        description="Detect the subject's pose in VIDEO and write a copy with the skeleton drawn "
        "on it: left side orange, right side blue, uncertain landmarks grey.",
    )
    parser.add_argument("video", type=Path, help="input video (mp4, mov, avi, webm, mkv)")
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        default=None,
        help="output file, .mp4 (H.264) or .webm (VP9); default: VIDEO's name with .overlay.mp4",
    )
    parser.add_argument(
        "--pose",
        type=Path,
        default=None,
        metavar="POSE.npz",
        help="use landmarks saved by `retrogait pose` instead of detecting them",
    )
    parser.add_argument(
        "--max-side",
        type=int,
        default=1280,
        metavar="PX",
        help="shrink the output so its longer side is at most PX pixels "
        "(0: keep the original size; default 1280)",
    )
    parser.add_argument("--no-time", action="store_true", help="do not print the time on frames")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(func=run, native_logs=True)


def run(args: argparse.Namespace) -> int:
    output = args.output or args.video.with_name(f"{args.video.stem}.overlay.mp4")
    try:
        probe(args.video)  # a bad file is reported before the pose model loads
        if args.pose is not None:
            try:
                seq = PoseSequence.load(args.pose)
            except (OSError, ValueError, KeyError) as exc:
                print(
                    f"retrogait overlay: cannot read landmarks from {args.pose}: {exc}",
                    file=sys.stderr,
                )
                return 2
        else:
            from vision.pipeline import NoPersonError, extract_pose

            with progress_bar("pose", args.quiet) as update:
                try:
                    seq = extract_pose(args.video, progress=update)
                except NoPersonError as exc:
                    print(f"retrogait overlay: {exc}", file=sys.stderr)
                    return 2
        labels = (
            None
            if args.no_time
            else {int(f): f"{t:.2f} s" for f, t in zip(seq.frame_index, seq.t_s, strict=True)}
        )
        with progress_bar("overlay", args.quiet) as update:
            render_overlay(
                args.video,
                seq,
                output,
                labels=labels,
                progress=update,
                max_side=args.max_side or None,
            )
    except VideoError as exc:
        print(f"retrogait overlay: {exc}", file=sys.stderr)
        return 2
    print(output)
    return 0
