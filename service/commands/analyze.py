"""``retrogait analyze VIDEO --json OUT.json``: the main job from the command line.

Every input is checked before the pose model loads (a bad one costs a second, not a minute):
one line on standard error and exit code 2. Prints a summary with units (see
:mod:`service.commands.summary`); the full result document goes to ``--json`` (``-``: stdout).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from service.commands.lazy_choices import (
    LazyChoices,
    event_detectors,
    populations,
    timed_protocols,
)
from service.commands.pose_args import add_pose_options, pose_problem
from vision.findings import Finding, finding

# Stated in --help without importing the presets (a test holds it equal to the library's).
DEFAULT_POPULATION = "general_adult"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "analyze",
        help="measure gait, posture and sway of a (backward) walk in a video",
        description="Detect the walker in VIDEO, split the walk into backward/forward/standing "
        "segments, find foot contacts and lifts, and report steps, cadence, speed, posture, "
        "sway, scores, feedback and fall-risk flags.",
    )
    _add_inputs(parser)
    _add_measurement_options(parser)
    _add_run_options(parser)
    parser.set_defaults(func=run, native_logs=True)


def _add_inputs(parser: argparse.ArgumentParser) -> None:
    """What is analysed (a video or saved landmarks) and where the result document goes."""
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
        help="write the full result document here ('-': to standard output, instead of the "
        "summary)",
    )


def _add_measurement_options(parser: argparse.ArgumentParser) -> None:
    """What the analysis is told about the subject, the floor, the test and the population."""
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
        choices=LazyChoices(timed_protocols),
        default=None,
        metavar="PROTOCOL",
        help="time a clinical test, one of: %(choices)s (3mbwt = 3 m backward walk test; "
        "needs --calibration or a calibration file beside the video)",
    )
    parser.add_argument(
        "--population",
        choices=LazyChoices(populations),
        default=None,
        metavar="POPULATION",
        help="population whose published cut-offs the fall-risk screen uses, one of: "
        f"%(choices)s (default: {DEFAULT_POPULATION})",
    )
    parser.add_argument(
        "--detector",
        choices=LazyChoices(event_detectors),
        default=None,
        metavar="DETECTOR",
        help="foot event detector, one of: %(choices)s (default: the one suited to the camera "
        "view)",
    )


def _add_run_options(parser: argparse.ArgumentParser) -> None:
    """How the pose model runs and how much the command prints."""
    add_pose_options(parser)
    parser.add_argument(
        "--workers",
        type=_positive_int,
        default=1,
        metavar="N",
        help="processes sharing the video, each analysing a stretch of it (default 1)",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress or summary")


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


class InputError(ValueError):
    """An input that cannot work: the message is the one line the user sees."""


def _options(args: argparse.Namespace, notes: list[Finding]) -> Any:
    """Validated :class:`~vision.analysis.AnalysisOptions` from the command line and the floor
    calibration file beside the video (its use is appended to ``notes``).

    The calibration is read before the analysis module is imported: a malformed one is reported
    without that slow import.
    """
    from vision.gait.scale import CalibrationError, FloorCalibration

    try:
        calibration = FloorCalibration.parse(args.calibration) if args.calibration else None
        protocol = args.protocol
        if calibration is None:
            calibration, side_protocol, side_path = _sidecar(args.video)
            if calibration is not None:
                protocol = protocol or side_protocol
                if protocol:
                    notes.append(
                        finding(
                            "input.sidecar_calibration_protocol",
                            path=str(side_path),
                            protocol=protocol,
                        )
                    )
                else:
                    notes.append(finding("input.sidecar_calibration", path=str(side_path)))
        if calibration is not None:
            calibration.validate()
        if protocol == "3mbwt" and calibration is None:
            raise InputError("--protocol 3mbwt needs --calibration (start line and 3 m line)")

        from vision.analysis import AnalysisOptions

        options = AnalysisOptions(
            height_cm=args.height_cm,
            calibration=calibration,
            protocol=protocol,
            event_detector=args.detector,
            # Not given: the library's default preset applies.
            **({"population": args.population} if args.population else {}),
        )
        options.validate()
    except (CalibrationError, ValueError) as exc:
        raise InputError(str(exc)) from None
    return options


def _check_files(args: argparse.Namespace) -> None:
    """The input files exist and are what they claim, and the result can be written."""
    from vision.video import VideoError, probe

    if args.video is None and args.pose is None:
        raise InputError("give a VIDEO or --pose POSE.npz")
    if args.pose is not None and not args.pose.is_file():
        raise InputError(f"pose file not found: {args.pose}")
    if args.pose is None:
        try:
            probe(args.video)
        except VideoError as exc:
            raise InputError(str(exc)) from None
        problem = pose_problem(args)
        if problem is not None:
            raise InputError(problem)
    if args.json is not None and str(args.json) != "-":
        if args.json.is_dir():
            raise InputError(
                f"--json {args.json} is a folder; give a file name such as result.json"
            )
        # Minutes of analysis must not end in a result that cannot be saved.
        folder = next(p for p in args.json.absolute().parents if p.exists())
        if not folder.is_dir():
            raise InputError(f"--json {args.json}: {folder} is a file, not a folder")
        if not os.access(folder, os.W_OK):
            raise InputError(f"--json {args.json}: cannot write in {folder}")


def run(args: argparse.Namespace) -> int:
    notes: list[Finding] = []
    try:
        _check_files(args)  # first: it needs no more than the video decoder's import
        options = _options(args, notes)
    except InputError as exc:
        return _fail(str(exc))

    from service.commands.progress import progress_bar
    from vision.pipeline import ExtractOptions, NoPersonError, analyze_pose, analyze_video
    from vision.pose import ModelNotFoundError, PoseOptions
    from vision.sequence import PoseSequence
    from vision.video import VideoError

    try:
        if args.pose is not None:
            try:
                seq = PoseSequence.load(args.pose)
            except (OSError, ValueError, KeyError) as exc:
                return _fail(f"cannot read pose file {args.pose}: {exc}")
            result = analyze_pose(seq, options)
        else:
            pose = PoseOptions(backend=args.backend, device=args.device)
            extract = ExtractOptions(pose=pose, workers=args.workers)
            with progress_bar(f"analysing {args.video.name}", args.quiet) as update:
                result = analyze_video(args.video, options, update, extract)
    except (VideoError, NoPersonError, ModelNotFoundError) as exc:
        return _fail(str(exc))
    result.quality.warnings.extend(n.message for n in notes)
    result.quality.findings.extend(n.to_dict() for n in notes)
    return _write(result.to_dict(), args)


def _write(doc: dict[str, Any], args: argparse.Namespace) -> int:
    """The result document to ``--json`` (a file, or stdout for ``-``), the summary to stdout."""
    from service.commands.summary import summary_text

    to_stdout = args.json is not None and str(args.json) == "-"
    text = json.dumps(doc, indent=1)
    if to_stdout:
        sys.stdout.write(text + "\n")
        return 0
    if args.json is not None:
        try:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(text)
        except OSError as exc:
            return _fail(f"cannot write {args.json}: {exc.strerror or exc}", code=1)
    if not args.quiet:
        print(summary_text(doc))
    return 0


def _fail(message: str, code: int = 2) -> int:
    """One line on standard error (a multi-line library message is joined), then ``code``."""
    print(f"retrogait analyze: {' '.join(message.split())}", file=sys.stderr)
    return code
