"""``retrogait analyze VIDEO --json OUT.json``: the main job from the command line.

Prints a short summary with units; the full result document goes to ``--json``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def register(subparsers: argparse._SubParsersAction) -> None:
    from vision.gait.events import DEFAULT_DETECTOR, DEFAULT_FRONTAL_DETECTOR, REGISTRY
    from vision.pose import POSE_BACKENDS

    parser = subparsers.add_parser(
        "analyze",
        help="measure gait, posture and sway of a (backward) walk in a video",
        description="Detect the walker in VIDEO, split the walk into backward/forward/standing "
        "segments, find foot contacts and lifts, and report steps, cadence, speed, posture, "
        "sway, scores, feedback and fall-risk flags.",
    )
    parser.add_argument(
        "video",
        type=Path,
        nargs="?",
        default=None,
        help="input video (mp4, mov, avi, webm, mkv); a floor calibration "
        "VIDEO_STEM.calibration.json beside it is used when --calibration "
        "is not given",
    )
    parser.add_argument(
        "--pose",
        type=Path,
        default=None,
        metavar="POSE.npz",
        help="analyse landmarks saved by `retrogait pose` instead of running the "
        "pose model on VIDEO",
    )
    parser.add_argument(
        "--json",
        type=Path,
        default=None,
        metavar="OUT.json",
        help="write the full result document here",
    )
    parser.add_argument(
        "--height-cm",
        type=float,
        default=None,
        metavar="H",
        help="the subject's height in cm (for metres without a floor calibration)",
    )
    parser.add_argument(
        "--calibration",
        default=None,
        metavar="X1,Y1,X2,Y2,METRES",
        help="floor calibration: two floor points in pixels and their distance in metres (the "
        "first on the start line, toward the 3 m line), or X1,Y1,...,X4,Y4,LENGTH_M,WIDTH_M "
        "for a floor rectangle (points 1-2 on the start line, 4-3 LENGTH_M further on)",
    )
    parser.add_argument(
        "--protocol",
        choices=["3mbwt"],
        default=None,
        help="time a clinical test: 3mbwt = 3 m backward walk test (needs --calibration)",
    )
    parser.add_argument(
        "--population",
        default="general_adult",
        help="population preset for fall-risk cut-offs (default general_adult)",
    )
    parser.add_argument(
        "--detector",
        choices=sorted(REGISTRY),
        default=None,
        help=f"foot event detector (default: {DEFAULT_DETECTOR} from the side, "
        f"{DEFAULT_FRONTAL_DETECTOR} from the front or back)",
    )
    parser.add_argument(
        "--backend",
        choices=POSE_BACKENDS,
        default="tasks",
        help="pose backend: tasks (MediaPipe Tasks, default) or onnx (ONNX Runtime); "
        "the same networks",
    )
    parser.add_argument(
        "--workers",
        type=_positive_int,
        default=1,
        metavar="N",
        help="processes sharing the video, each analysing a stretch of it (default 1)",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress or summary")
    parser.set_defaults(func=run)


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _sidecar(video: Path | None) -> tuple[Any, str | None, Path | None]:
    """(calibration, protocol, path) from ``VIDEO_STEM.calibration.json`` beside the video."""
    from vision.gait.scale import FloorCalibration, calibration_sidecar

    if video is None:
        return None, None, None
    path = calibration_sidecar(video)
    if not path.is_file():
        return None, None, None
    try:
        doc = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise ValueError(f"{path}: not a readable calibration document ({exc})") from None
    if not isinstance(doc, dict):
        raise ValueError(f"{path}: expected a JSON object with points_px and distance_m")
    return FloorCalibration.from_dict(doc), doc.get("protocol"), path


def run(args: argparse.Namespace) -> int:
    from vision.analysis import AnalysisOptions
    from vision.gait.scale import CalibrationError, FloorCalibration

    if args.video is None and args.pose is None:
        print("retrogait analyze: give a VIDEO or --pose POSE.npz", file=sys.stderr)
        return 2
    notes: list[str] = []
    try:
        calibration = FloorCalibration.parse(args.calibration) if args.calibration else None
        protocol = args.protocol
        if calibration is None:
            calibration, side_protocol, side_path = _sidecar(args.video)
            if calibration is not None:
                protocol = protocol or side_protocol
                notes.append(
                    f"floor calibration from {side_path}"
                    + (f" (protocol {protocol})" if protocol else "")
                )
        options = AnalysisOptions(
            height_cm=args.height_cm,
            calibration=calibration,
            protocol=protocol,
            population=args.population,
            event_detector=args.detector,
        )
        options.validate()
    except (CalibrationError, ValueError) as exc:
        print(f"retrogait analyze: {exc}", file=sys.stderr)
        return 2
    if protocol == "3mbwt" and calibration is None:
        print(
            "retrogait analyze: --protocol 3mbwt needs --calibration (start line and 3 m line)",
            file=sys.stderr,
        )
        return 2
    if not args.quiet:
        for note in notes:
            print(f"using {note}", file=sys.stderr)

    from vision.pipeline import ExtractOptions, NoPersonError, analyze_pose, analyze_video
    from vision.pose import PoseOptions
    from vision.sequence import PoseSequence
    from vision.video import VideoError

    progress = None if args.quiet else _progress_printer()
    try:
        if args.pose is not None:
            try:
                seq = PoseSequence.load(args.pose)
            except (OSError, ValueError, KeyError) as exc:
                print(
                    f"retrogait analyze: cannot read pose file {args.pose}: {exc}", file=sys.stderr
                )
                return 2
            result = analyze_pose(seq, options)
        else:
            extract = ExtractOptions(pose=PoseOptions(backend=args.backend), workers=args.workers)
            result = analyze_video(args.video, options, progress, extract)
    except (VideoError, NoPersonError) as exc:
        print(f"\nretrogait analyze: {exc}", file=sys.stderr)
        return 2
    result.quality.warnings.extend(f"used {n}" for n in notes)
    doc = result.to_dict()
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(doc, indent=1))
    if not args.quiet:
        print(summary_text(doc))
    return 0


def _progress_printer():
    last = [-1]

    def update(fraction: float) -> None:
        pct = int(100 * min(max(fraction, 0.0), 1.0))
        if pct != last[0] and pct % 10 == 0:
            last[0] = pct
            print(f"\ranalysing: {pct:3d}%", end="", file=sys.stderr, flush=True)
        if fraction >= 1.0:
            print(file=sys.stderr)

    return update


def _fmt(value: Any, unit: str, nd: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{nd}f} {unit}"


def summary_text(doc: dict[str, Any]) -> str:
    """A few lines a person reads: the walk, its steps and the main numbers with units."""
    m, sc = doc["metrics"], doc["scale"]
    segs = (
        ", ".join(
            f"{s['direction']} {s['start_s']:.1f}-{s['end_s']:.1f} s ({s['view']})"
            for s in doc["segments"]
        )
        or "none"
    )
    lines = [
        f"walk: {m['walk_direction'] or 'not found'}; segments: {segs}",
        f"steps: {m['step_count']}   cadence: {_fmt(m['cadence_spm'], 'steps/min', 1)}   "
        f"speed: {_fmt(m['speed_mps'], 'm/s')}",
        f"step length: {_fmt(m['step_length_m']['mean'], 'm')}   "
        f"step time: {_fmt(m['step_time_s']['mean'], 's')}   "
        f"double support: {_fmt(m['double_support_pct'], '%', 1)}",
        f"stride time SD: {_fmt(m['stride_time_sd_ms'], 'ms', 0)}   "
        f"step-length asymmetry: {_fmt(m['step_length_asymmetry_pct'], '%', 1)}",
        f"trunk flexion: mean {_fmt(m['trunk_flexion_deg']['mean'], 'deg', 1)}, "
        f"max {_fmt(m['trunk_flexion_deg']['max'], 'deg', 1)}   "
        f"head pitch: {_fmt(m['head_pitch_deg']['mean'], 'deg', 1)}",
        f"scale: {sc['method']}"
        + (f" (+-{sc['uncertainty_pct']:.0f}%)" if sc.get("uncertainty_pct") else ""),
    ]
    if m.get("test_3mbwt_s") is not None:
        lines.append(f"3 m backward walk test: {m['test_3mbwt_s']:.2f} s")
    risk = doc.get("fall_risk") or {}
    if risk.get("level") and risk["level"] != "undetermined":
        lines.append(f"fall risk ({risk.get('population')}): {risk['level']}")
    for w in (doc.get("quality") or {}).get("warnings", []):
        lines.append(f"note: {w}")
    return "\n".join(lines)
