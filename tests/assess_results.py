"""Hand-built analysis results for the assessment tests (the gait analysis is tested elsewhere)."""

from __future__ import annotations

from typing import Any

from vision.result import (
    AnalysisResult,
    MeanMax,
    MeanSdCv,
    Metrics,
    PoseSummary,
    Scale,
    Segment,
    Step,
    VideoSummary,
)


def make_steps(
    n: int,
    step_s: float = 0.6,
    length_m: float = 0.40,
    jitter_s: float = 0.0,
    jitter_m: float = 0.0,
    start_s: float = 1.0,
) -> list[Step]:
    """``n`` alternating right/left steps; strides alternate ``jitter`` longer and shorter."""
    steps, t = [], start_s
    for i in range(n):
        sign = 1.0 if i % 4 < 2 else -1.0  # each foot alternates long and short strides
        dur = step_s + sign * jitter_s
        steps.append(
            Step("right" if i % 2 == 0 else "left", round(t, 4), dur, length_m + sign * jitter_m)
        )
        t += dur
    return steps


def walk(**overrides: Any) -> AnalysisResult:
    """A brisk, upright backward walk of 12 steps, floor-calibrated, then ``overrides``.

    Keys of :class:`Metrics` go to the metrics (``trunk_flexion_deg``/``trunk_lateral_lean_deg``
    as (mean, max) tuples, ``step_length_m`` as (mean, sd, cv_pct)); ``coverage``, ``fps``,
    ``scale_method``, ``scale_pct``, ``steps``, ``extras`` and ``segments`` set the rest.
    """
    fps = overrides.pop("fps", 30.0)
    coverage = overrides.pop("coverage", 0.97)
    steps = overrides.pop("steps", make_steps(12))
    scale = Scale(
        overrides.pop("scale_method", "floor_calibration"), 0.0025, overrides.pop("scale_pct", 2.0)
    )
    extras = overrides.pop("extras", {"stumbles": []})
    segments = overrides.pop("segments", [Segment(1.0, 8.2, "backward", "side")])
    metrics = dict(
        walk_direction="backward",
        step_count=len(steps),
        cadence_spm=100.0,
        speed_mps=0.9,
        step_length_m=(0.45, 0.03, 6.7),
        stride_time_sd_ms=40.0,
        step_length_asymmetry_pct=4.0,
        double_support_pct=28.0,
        trunk_flexion_deg=(5.0, 12.0),
        trunk_lateral_lean_deg=(1.0, 3.0),
        head_pitch_deg=10.0,
        sway_ml_body_heights=0.018,
        test_3mbwt_s=None,
    )
    metrics.update({k: overrides.pop(k) for k in list(overrides) if k in metrics})
    if overrides:
        raise TypeError(f"unknown overrides: {sorted(overrides)}")
    m = Metrics(
        walk_direction=metrics["walk_direction"],
        step_count=metrics["step_count"],
        cadence_spm=metrics["cadence_spm"],
        speed_mps=metrics["speed_mps"],
        step_length_m=MeanSdCv(*metrics["step_length_m"]),
        stride_time_sd_ms=metrics["stride_time_sd_ms"],
        step_length_asymmetry_pct=metrics["step_length_asymmetry_pct"],
        double_support_pct=metrics["double_support_pct"],
        trunk_flexion_deg=MeanMax(*metrics["trunk_flexion_deg"]),
        trunk_lateral_lean_deg=MeanMax(*metrics["trunk_lateral_lean_deg"]),
        sway_ml_body_heights=metrics["sway_ml_body_heights"],
        test_3mbwt_s=metrics["test_3mbwt_s"],
    )
    m.head_pitch_deg.mean = metrics["head_pitch_deg"]
    n_frames = int(10 * fps)
    return AnalysisResult(
        video=VideoSummary(fps, n_frames, 10.0, 1280, 720),
        pose=PoseSummary("mediapipe", "pose_landmarker_full", int(coverage * n_frames), coverage),
        segments=segments,
        steps=steps,
        metrics=m,
        scale=scale,
        extras=extras,
    )
