"""The one place the service calls the vision library for a job: options in, result document and
artefact files out. Keeping it here lets the job runner stay ignorant of vision's internals.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from service.api.schemas import ResultDocument
from vision.video import VideoError

if TYPE_CHECKING:
    from vision.analysis import AnalysisOptions
    from vision.result import AnalysisResult
    from vision.sequence import PoseSequence

POSE_FILE = "pose.npz"
OVERLAY_FILE = "overlay.mp4"


class UserVideoError(Exception):
    """The video cannot be analysed for a reason the user can act on (message says which)."""


def in_user_terms(message: str, stored: Path, display_name: str) -> str:
    """``message`` with the stored file's name replaced by the one the user uploaded (the library
    names the file it read, such as ``video.mp4`` in the analysis folder, which the user never
    saw)."""
    return message.replace(stored.name, display_name or "the upload")


def analysis_options(options: dict[str, Any]) -> AnalysisOptions:
    """``vision.analysis.AnalysisOptions`` from the stored request options (unknown keys and
    ``None`` values are left to the library's defaults). The floor calibration arrives as JSON:
    ``{"image_px": [[x, y], ...], "distance_m": 3.0}`` or with ``"floor_m"`` for 4 points.

    Raises ``ValueError`` (with the library's message) for options that cannot work.
    """
    from vision.analysis import PROTOCOLS, AnalysisOptions
    from vision.gait.scale import FloorCalibration

    names = {f.name for f in dataclasses.fields(AnalysisOptions)}
    kwargs = {k: v for k, v in options.items() if k in names and v is not None}
    if kwargs.get("protocol") not in PROTOCOLS:
        # The gait analysis knows only timed protocols; a free walk is its default (None).
        kwargs.pop("protocol", None)
    cal = kwargs.get("calibration")
    if cal is not None:
        if not isinstance(cal, dict) or "image_px" not in cal:
            raise ValueError('calibration needs "image_px": 2 or 4 [x, y] floor points')
        try:
            kwargs["calibration"] = FloorCalibration(
                image_px=_floor_points(cal["image_px"]),
                distance_m=None if cal.get("distance_m") is None else float(cal["distance_m"]),
                floor_m=None if cal.get("floor_m") is None else _floor_points(cal["floor_m"]),
            )
        except (TypeError, ValueError) as exc:
            raise ValueError(f"calibration points must be [x, y] number pairs ({exc})") from exc
    opts = AnalysisOptions(**kwargs)
    opts.validate()
    return opts


def _floor_points(raw: Any) -> tuple[tuple[float, float], ...]:
    """``[[x, y], ...]`` from JSON as numbers. A point that is not a pair is passed on as it is:
    the calibration's own check refuses it, with the message users get everywhere else."""
    points = tuple(tuple(float(c) for c in p) for p in raw)
    return cast(tuple[tuple[float, float], ...], points)


def analyse(
    video: Path,
    options: dict[str, Any],
    out_dir: Path,
    progress: Callable[[float], None],
    display_name: str = "",
) -> tuple[dict[str, Any], Path]:
    """Analyse ``video``; returns the result document and the saved pose sequence's path.

    Raises :class:`UserVideoError` for videos the library refuses with a reason, the file named
    ``display_name`` (the name it was uploaded with).
    """
    from vision import pipeline

    opts = analysis_options(options)
    pose_path = out_dir / POSE_FILE
    try:
        # Pose once, saved for the overlay, then the gait analysis on that sequence.
        # max_frames: set only by `retrogait batch --max-frames` (the API does not take it).
        extract = pipeline.ExtractOptions(max_frames=options.get("max_frames"))
        seq = pipeline.extract_pose(video, extract, progress=lambda f: progress(0.85 * f))
        seq.save(pose_path)
        result = analyse_pose(seq, opts, options)
        progress(0.9)
    except (VideoError, pipeline.NoPersonError) as exc:
        raise UserVideoError(in_user_terms(str(exc), video, display_name)) from exc
    doc = result.to_dict()
    # A document the API could not serve must fail the job here, not every later GET.
    ResultDocument.model_validate(doc)
    return doc, pose_path


def analyse_pose(
    seq: PoseSequence, opts: AnalysisOptions, options: dict[str, Any]
) -> AnalysisResult:
    """Gait analysis and assessment with the population and protocol the user chose (the
    assessment knows protocols, such as a forward comparison walk, that the gait analysis does
    not need to)."""
    from vision import pipeline
    from vision.assess import AssessOptions

    assess = AssessOptions(
        population=opts.population, protocol=options.get("protocol") or "free_backward"
    )
    return pipeline.analyze_pose(seq, opts, assess)


def render_overlay(video: Path, pose_path: Path, out_dir: Path) -> Path:
    """Write the annotated overlay video next to the pose file; returns its path."""
    from vision.overlay import render_overlay as draw_overlay
    from vision.sequence import PoseSequence

    out = out_dir / OVERLAY_FILE
    draw_overlay(video, PoseSequence.load(pose_path), out)
    return out
