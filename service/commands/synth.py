"""``retrogait synth OUT.mp4 [options]``: render a synthetic walker with exact ground truth."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from service.commands.progress import progress_bar


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "synth",
        help="render a synthetic walking person with exact ground truth",
        description="Simulate a walk (planted feet, exact events and steps), film it with a "
        "virtual camera in a room and write OUT plus OUT.truth.json (joints, events, steps, "
        "3 m walk test timing, camera, projected truth and floor calibration).",
    )
    p.add_argument("output", type=Path, help="video to write (.mp4, .webm, .mov, .mkv, .avi)")
    p.add_argument("--view", choices=["side", "front", "back", "oblique"], default="side")
    p.add_argument(
        "--azimuth-deg",
        type=float,
        help="camera angle from the person's facing "
        "direction, counter-clockwise from above (0 front, 90 left side, 180 back); "
        "overrides --view",
    )
    p.add_argument(
        "--distance-m",
        type=float,
        help="camera distance from the middle of the walk "
        "(default: just far enough to keep the whole walk in frame)",
    )
    p.add_argument("--direction", choices=["backward", "forward"], default="backward")
    p.add_argument("--step-length-m", type=float, default=0.40)
    p.add_argument("--cadence-spm", type=float, default=100.0, help="steps per minute")
    p.add_argument("--steps", type=int, default=6, help="full steps (a closing step follows)")
    p.add_argument(
        "--distance",
        type=float,
        dest="walk_distance_m",
        help="walk this many metres instead of --steps",
    )
    p.add_argument("--height-m", type=float, default=1.70, help="body height")
    p.add_argument(
        "--limp",
        type=float,
        default=0.0,
        help="step asymmetry a (0-0.5): one side's steps longer by a, the other's shorter by a",
    )
    p.add_argument("--limp-side", choices=["left", "right"], default="right")
    p.add_argument(
        "--variability",
        type=float,
        default=0.0,
        help="coefficient of variation of step length and time (fraction)",
    )
    p.add_argument("--lean-deg", type=float, default=4.0, help="forward trunk lean")
    p.add_argument("--lateral-lean-deg", type=float, default=0.0)
    p.add_argument("--sway-m", type=float, default=0.03, help="mediolateral hip sway, peak to peak")
    p.add_argument("--stand-before-s", type=float, default=1.0)
    p.add_argument("--stand-after-s", type=float, default=1.0)
    p.add_argument("--turn", action="store_true", help="turn 180 degrees and walk back")
    p.add_argument("--stumble-s", type=float, help="stumble (sudden hip drop) at this time")
    p.add_argument("--fall", action="store_true", help="the stumble ends in a fall")
    p.add_argument(
        "--floor-lines", action="store_true", help="tape the start and 3 m lines on the floor"
    )
    p.add_argument("--outfit", choices=["blue", "red", "green", "grey"], default="blue")
    p.add_argument(
        "--follow-s",
        type=float,
        help="the camera pans to keep the walker in the "
        "middle of the picture, smoothed over this many seconds (default: still)",
    )
    p.add_argument("--fps", type=float, default=30.0)
    p.add_argument("--size", default="960x540", help="WIDTHxHEIGHT pixels")
    p.add_argument("--seed", type=int, default=0, help="seed of step variability and room")
    p.set_defaults(func=run)


def spec_from_args(args: argparse.Namespace):
    """The :class:`vision.synthetic.clips.ClipSpec` the arguments describe."""
    from vision.synthetic import Stumble, WalkParams
    from vision.synthetic.clips import ClipSpec
    from vision.synthetic.room import RoomStyle

    try:
        width, height = (int(v) for v in args.size.lower().split("x"))
    except ValueError as exc:
        raise ValueError(f"--size must look like 960x540, got {args.size!r}") from exc
    stumble = None
    if args.stumble_s is not None:
        stumble = Stumble(t_s=args.stumble_s, fall=args.fall)
    elif args.fall:
        raise ValueError("--fall needs --stumble-s (when the fall happens)")
    walk = WalkParams(
        body_height_m=args.height_m,
        step_length_m=args.step_length_m,
        cadence_spm=args.cadence_spm,
        trunk_flexion_deg=args.lean_deg,
        lateral_lean_deg=args.lateral_lean_deg,
        sway_ml_m=args.sway_m,
        step_variability=args.variability,
        asymmetry=args.limp,
        limp_side=args.limp_side,
        stumble=stumble,
        stand_before_s=args.stand_before_s,
        stand_after_s=args.stand_after_s,
        direction=args.direction,
        n_steps=args.steps,
        distance_m=args.walk_distance_m,
        turning=args.turn,
        seed=args.seed,
    )
    walk.validate()
    if args.follow_s is not None and args.follow_s <= 0:
        raise ValueError(f"--follow-s must be positive seconds, got {args.follow_s}")
    return ClipSpec(
        walk=walk,
        view=args.view,
        azimuth_deg=args.azimuth_deg,
        distance_m=args.distance_m,
        outfit=args.outfit,
        floor_lines=args.floor_lines,
        fps=args.fps,
        width=width,
        height=height,
        room=RoomStyle(seed=args.seed),
        follow_s=args.follow_s,
    )


def run(args: argparse.Namespace) -> int:
    from vision.synthetic.clips import make_clip, truth_path_for
    from vision.video import VideoError

    try:
        spec = spec_from_args(args)
        with progress_bar(f"synth {args.output.name}") as update:
            doc = make_clip(spec, args.output, progress=update)
    except (ValueError, VideoError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    test = doc.get("test_3mbwt")
    print(
        f"{args.output}: {doc['video']['frame_count']} frames, {len(doc['steps'])} steps, "
        f"{doc['direction']} walk, cadence {doc['cadence_spm'] or 0:.1f} steps/min"
        + (f", 3 m test {test['time_s']:.2f} s" if test else "")
    )
    print(f"{truth_path_for(args.output)}: truth written")
    return 0
