"""The one place the service calls the vision library for a job: options in, result document and
artefact files out. Keeping it here lets the job runner stay ignorant of vision's internals.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from vision.result import result_from_dict
from vision.video import VideoError

POSE_FILE = "pose.npz"
OVERLAY_FILE = "overlay.mp4"


class UserVideoError(Exception):
    """The video cannot be analysed for a reason the user can act on (message says which)."""


def analysis_options(options: dict[str, Any]) -> Any:
    """``vision.analysis.AnalysisOptions`` from the stored request options (unknown keys and
    ``None`` values are left to the library's defaults)."""
    from vision.analysis import AnalysisOptions

    names = {f.name for f in dataclasses.fields(AnalysisOptions)}
    return AnalysisOptions(**{k: v for k, v in options.items() if k in names and v is not None})


def analyse(
    video: Path, options: dict[str, Any], out_dir: Path, progress: Callable[[float], None]
) -> tuple[dict[str, Any], Path | None]:
    """Analyse ``video``; returns the result document and the saved pose sequence (or None).

    Raises :class:`UserVideoError` for videos the library refuses with a reason.
    """
    from vision import pipeline

    opts = analysis_options(options)
    user_errors: tuple[type[Exception], ...] = (VideoError,)
    if hasattr(pipeline, "NoPersonError"):
        user_errors += (pipeline.NoPersonError,)
    pose_path = out_dir / POSE_FILE
    try:
        # Pose once, saved for the overlay, then the gait analysis on that sequence.
        seq = pipeline.extract_pose(video, progress=lambda f: progress(0.85 * f))
        seq.save(pose_path)
        result = _analyse_pose(pipeline, seq, opts)
        progress(0.9)
    except user_errors as exc:
        raise UserVideoError(str(exc)) from exc
    doc = result.to_dict()
    result_from_dict(doc)  # the stored document must read back as the contract says
    return doc, pose_path


def _analyse_pose(pipeline: Any, seq: Any, opts: Any) -> Any:
    """Gait analysis and assessment of an extracted pose sequence (what ``analyze_video`` does
    after pose extraction)."""
    analyze_pose = getattr(pipeline, "analyze_pose", None)
    if analyze_pose is not None:
        return analyze_pose(seq, opts)
    from vision.analysis import analyze_sequence

    result = analyze_sequence(seq, opts)
    assess = getattr(pipeline, "_assess", None)  # until the pipeline exposes analyze_pose
    return assess(result, opts) if assess is not None else result


def render_overlay(video: Path, pose_path: Path, out_dir: Path) -> Path | None:
    """Write the annotated overlay video next to the pose file; None if overlays are not built."""
    try:
        overlay = importlib.import_module("vision.overlay")
    except ModuleNotFoundError:
        return None
    from vision.sequence import PoseSequence

    out = out_dir / OVERLAY_FILE
    overlay.render_overlay(video, PoseSequence.load(pose_path), out)
    return out
