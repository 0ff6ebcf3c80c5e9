"""Forward and backward walks of one recording, measured alike and set side by side.

Clinicians often start a session with a forward walk: backward speed and step length relative to
the same person's forward walk show how much confidence and balance walking backward costs. Each
direction present is measured by the same step and posture code as the main walk
(:func:`~vision.gait.steps.analyze_steps`, :func:`~vision.gait.posture.summarise_posture`), over
the events nearest its own segments; the main walk's entry is the main metrics' own summary, so
the two never disagree.

    >>> comparison = compare_walks(readings, main="backward", main_walk=(steps, posture))
    ... # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from vision.findings import message
from vision.gait.direction import DirectionAnalysis
from vision.gait.direction_labels import WALKS
from vision.gait.posture import PostureOptions, PostureSeries, PostureSummary, summarise_posture
from vision.gait.scale import ScaleModel
from vision.gait.steps import StepOptions, StepSummary, analyze_steps
from vision.gait.walk_bounds import nearest_walks
from vision.result import (
    Comparison,
    Event,
    ForwardNorm,
    MeanMax,
    MeanSd,
    MeanSdCv,
    WalkMetrics,
    WalkRatios,
)
from vision.stats import rounded

# Published forward-walking speeds (DOMAIN.md), shown as context beside a forward walk only.
FORWARD_NORMS: tuple[ForwardNorm, ...] = (
    ForwardNorm("men 40-49 years", 1.43, "Bohannon 2011"),
    ForwardNorm("women 80-99 years", 0.94, "Bohannon 2011"),
    ForwardNorm(
        "below this: high risk of adverse outcomes (older adults)",
        1.0,
        "Studenski et al., JAMA 2011",
    ),
)


@dataclass(frozen=True)
class ComparisonOptions:
    """Attributes:
    min_steps: a walk of fewer steps is not measured (its first and last steps, gait
        initiation and the closing step, would be all of it); design choice.
    """

    min_steps: int = 4


@dataclass(frozen=True)
class WalkReadings:
    """What every walk of the recording is measured from (the main walk's own inputs).

    Attributes:
        events: contact/lift events of the whole recording, time order.
        direction: the recording's segments, per-frame labels, view and facing certainty.
        feet: (T, 2, >=2, 2) footprint points px, as the main walk's steps use them.
        t_s: (T,) frame times, seconds.
        scale: the main walk's pixels-to-metres model.
        walk_axis_px: (2,) unit travel direction in the image.
        posture: per-frame posture angles.
        bouts_s: (start, end) s of the recording's bouts with the standing around them, as
            :func:`~vision.gait.steps.analyze_steps` takes them for the main walk.
    """

    events: list[Event]
    direction: DirectionAnalysis
    feet: np.ndarray
    t_s: np.ndarray
    scale: ScaleModel
    walk_axis_px: np.ndarray
    posture: PostureSeries
    step_options: StepOptions = field(default_factory=StepOptions)
    posture_options: PostureOptions = field(default_factory=PostureOptions)
    bouts_s: tuple[tuple[float, float], ...] = ()


def compare_walks(
    readings: WalkReadings,
    main: str | None,
    main_walk: tuple[StepSummary, PostureSummary],
    options: ComparisonOptions = ComparisonOptions(),
) -> Comparison:
    """Both walking directions measured alike, and backward over forward.

    Args:
        readings: the recording's events, direction analysis, feet, scale and posture.
        main: the main walk's direction (its metrics are the result's main metrics).
        main_walk: the main walk's step summary and posture summary, as the metrics used them.
    """
    reasons: dict[str, str] = {}
    summaries: dict[str, StepSummary] = {}
    walks: dict[str, WalkMetrics | None] = {}
    for way in WALKS:
        measured = _measure(readings, way, main, main_walk, options)
        if isinstance(measured, str):
            walks[way] = None
            reasons[way] = measured
        else:
            summaries[way] = measured[0]
            walks[way] = walk_metrics(*measured, _walking_s(readings.direction, way))
    ratios = None
    if "forward" in summaries and "backward" in summaries:
        ratios = walk_ratios(summaries["backward"], summaries["forward"])
    else:
        reasons["backward_to_forward"] = message("comparison.missing_walk")
    return Comparison(
        forward=walks["forward"],
        backward=walks["backward"],
        backward_to_forward=ratios,
        reasons=reasons,
        forward_norms=list(FORWARD_NORMS) if walks["forward"] is not None else [],
    )


def _measure(
    readings: WalkReadings,
    way: str,
    main: str | None,
    main_walk: tuple[StepSummary, PostureSummary],
    options: ComparisonOptions,
) -> tuple[StepSummary, PostureSummary] | str:
    """The step and posture summaries of walking ``way``, or the reason there are none."""
    d = readings.direction
    if not d.facing_sure:
        return message("comparison.direction_unsure")
    if not any(g.direction == way for g in d.segments):
        code = "comparison.not_backward" if way == "backward" else "comparison.not_seen"
        return message(code, direction=way)
    if way == main:
        steps, posture = main_walk
    elif d.view in ("front", "back"):
        return message("comparison.frontal_view", direction=way, view=d.view)
    else:
        nearest = nearest_walks(readings.events, d.segments)
        own = [e for e, g in zip(readings.events, nearest, strict=True) if g and g.direction == way]
        steps = analyze_steps(
            own,
            readings.feet,
            readings.t_s,
            readings.scale,
            readings.walk_axis_px,
            readings.step_options,
            bouts_s=readings.bouts_s,
        )
        rows = d.label == way
        posture = summarise_posture(readings.posture, rows, readings.t_s, readings.posture_options)
    if len(steps.steps) < options.min_steps:
        return message(
            "comparison.too_few_steps",
            direction=way,
            steps=len(steps.steps),
            min_steps=options.min_steps,
        )
    return steps, posture


def walk_fields(steps: StepSummary, posture: PostureSummary) -> dict[str, Any]:
    """The metrics every walk reports, rounded as the result reports them (lengths and speed
    null without metres): keyword arguments of :class:`~vision.result.WalkMetrics` and
    :class:`~vision.result.Metrics` alike."""
    m = steps.metric
    return {
        "step_count": len(steps.steps),
        "cadence_spm": rounded(steps.cadence_spm),
        "speed_mps": rounded(steps.speed) if m else None,
        "step_length_m": MeanSdCv(
            mean=rounded(steps.step_length_mean) if m else None,
            sd=rounded(steps.step_length_sd) if m else None,
            cv_pct=rounded(steps.step_length_cv_pct),
        ),
        "step_time_s": MeanSd(
            mean=rounded(steps.step_time_mean_s), sd=rounded(steps.step_time_sd_s)
        ),
        "stride_time_sd_ms": rounded(steps.stride_time_sd_ms),
        "step_length_asymmetry_pct": rounded(steps.step_length_asymmetry_pct),
        "double_support_pct": rounded(steps.double_support_pct),
        "trunk_flexion_deg": MeanMax(
            mean=rounded(posture.trunk_flexion_mean_deg),
            max=rounded(posture.trunk_flexion_max_deg),
        ),
    }


def walk_metrics(steps: StepSummary, posture: PostureSummary, walking_s: float) -> WalkMetrics:
    """One walk's metrics (see :func:`walk_fields`) and how long it walked, seconds."""
    return WalkMetrics(walking_s=rounded(walking_s, 2), **walk_fields(steps, posture))


def walk_ratios(backward: StepSummary, forward: StepSummary) -> WalkRatios:
    """Backward over forward speed, mean step length and cadence. Both walks share one scale,
    so the ratios hold in body heights as in metres (and do not carry the scale's error)."""
    return WalkRatios(
        speed_ratio=_ratio(backward.speed, forward.speed),
        step_length_ratio=_ratio(backward.step_length_mean, forward.step_length_mean),
        cadence_ratio=_ratio(backward.cadence_spm, forward.cadence_spm),
    )


def _walking_s(direction: DirectionAnalysis, way: str) -> float:
    return sum(g.end_s - g.start_s for g in direction.segments if g.direction == way)


def _ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or not np.isfinite(a) or not np.isfinite(b) or b <= 0:
        return None
    return round(float(a / b), 3)
