"""Stages 9-11: posture, sway and the timed protocol."""

from __future__ import annotations

from dataclasses import dataclass

from vision.capabilities import Conditions, findings_for, withheld, withhold_posture
from vision.findings import Finding
from vision.gait.direction import DirectionAnalysis
from vision.gait.posture import PostureSeries, PostureSummary, posture_series, summarise_posture
from vision.gait.protocols import TimedTest, compute_test_3mbwt
from vision.gait.scale import ScaleModel
from vision.gait.sway import SwaySummary, analyze_sway
from vision.stages.options import AnalysisOptions
from vision.stages.prepare import Prepared
from vision.stages.walk import FootEvents, MainWalk


@dataclass(frozen=True)
class PostureStage:
    """Stage 9, posture per frame and over the main walk.

    Attributes:
        series: per-frame angles (deg).
        summary: their summary over the main walk, without what the view cannot measure.
        findings: what the view withholds.
    """

    series: PostureSeries
    summary: PostureSummary
    findings: tuple[Finding, ...]


def read_posture(
    prep: Prepared,
    direction: DirectionAnalysis,
    main: MainWalk,
    conditions: Conditions,
    opts: AnalysisOptions,
) -> PostureStage:
    """Stage 9 (see :class:`PostureStage`)."""
    post = prep.posture_seq
    series = posture_series(post.xy, post.world, direction.facing, direction.view, opts.posture)
    summary = summarise_posture(series, main.rows, prep.t_s, opts.posture)
    summary = withhold_posture(summary, withheld(conditions, readings_only=True))
    return PostureStage(series, summary, tuple(findings_for(conditions, "posture")))


def subject_height_m(opts: AnalysisOptions, scale: ScaleModel) -> float | None:
    """The subject's height (m): entered, or from a floor calibration; None otherwise."""
    if opts.height_cm:
        return opts.height_cm / 100.0
    return scale.estimated_height_m if scale.method == "floor_calibration" else None


def measure_sway(
    prep: Prepared,
    direction: DirectionAnalysis,
    main: MainWalk,
    posture: PostureStage,
    scale: ScaleModel,
    opts: AnalysisOptions,
) -> SwaySummary:
    """Stage 10, sway per stride over the main walk (its findings are its own)."""
    return analyze_sway(
        prep.posture_seq.xy,
        prep.t_s,
        main.events,
        direction.view,
        posture.series.trunk_flexion_deg,
        subject_height_m(opts, scale),
    )


def time_protocol(
    prep: Prepared, feet: FootEvents, main: MainWalk, scale: ScaleModel, opts: AnalysisOptions
) -> TimedTest | None:
    """Stage 11, the timed test the options name; None for a free walk."""
    if opts.protocol != "3mbwt":
        return None
    return compute_test_3mbwt(
        feet.tracks.feet, feet.body, prep.t_s, main.events, scale, opts.protocol_options
    )
