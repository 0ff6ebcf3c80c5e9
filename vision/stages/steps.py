"""Stages 7-8: the steps and bouts of the main walk, and their cadence."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vision.capabilities import Conditions, findings_for, withheld, withhold_steps
from vision.findings import Finding
from vision.gait.bouts import BoutSpan, bout_events, summarise_bouts, walking_bouts
from vision.gait.direction import DirectionAnalysis
from vision.gait.foot_floor import footprint_points
from vision.gait.frontal_cadence import FrontalCadence, settle_frontal_cadence
from vision.gait.rhythm import SwayRhythm, sway_rhythm
from vision.gait.scale import ScaleModel
from vision.gait.steps import StepSummary, analyze_steps
from vision.result import Bout
from vision.stages.options import AnalysisOptions
from vision.stages.prepare import Prepared
from vision.stages.walk import FootEvents, MainWalk, frontal


@dataclass(frozen=True)
class StepsStage:
    """Stage 7, the main walk's steps and every bout's.

    Attributes:
        summary: the main walk's steps and their summary, without what the view cannot measure
            (:mod:`vision.capabilities`).
        bouts: each bout of walking, summarised the same way.
        spans: the bouts' spans.
        feet: (T, 2, >=2, 2) px, the points that place each foot on the floor.
        scale: the scale those points are measured with.
        findings: what the view withholds, then the steps' own.
    """

    summary: StepSummary
    bouts: list[Bout]
    spans: list[BoutSpan]
    feet: np.ndarray
    scale: ScaleModel
    findings: tuple[Finding, ...]

    @property
    def rest_s(self) -> tuple[tuple[float, float], ...]:
        """Each bout's resting span (s)."""
        return tuple(b.rest_s for b in self.spans)


@dataclass(frozen=True)
class CadenceStage:
    """Stage 8, the cadence settled (from the front or back, against the trunk's sway).

    Attributes:
        rhythm: the trunk's sway rhythm over the longest main walk; None from the side or
            without one.
        settled: the reading taken, and the steps with that cadence.
    """

    rhythm: SwayRhythm | None
    settled: FrontalCadence

    @property
    def steps(self) -> StepSummary:
        """The main walk's steps with the settled cadence."""
        return self.settled.steps

    @property
    def findings(self) -> tuple[Finding, ...]:
        """Which reading was taken and what disagreed."""
        return self.settled.findings


def count_steps(
    feet: FootEvents,
    direction: DirectionAnalysis,
    main: MainWalk,
    scale: ScaleModel,
    conditions: Conditions,
    t_s: np.ndarray,
    opts: AnalysisOptions,
) -> StepsStage:
    """Stage 7 (see :class:`StepsStage`)."""
    step_feet, step_scale = footprint_points(feet.tracks.feet, scale, direction.view)
    spans = walking_bouts(direction.segments, direction.facing, t_s, opts.steps.max_step_s)
    rest_s = tuple(b.rest_s for b in spans)
    axis = main.walk_axis
    steps = analyze_steps(main.events, step_feet, t_s, step_scale, axis, opts.steps, rest_s)
    unmeasured = withheld(conditions, readings_only=True)
    bouts = summarise_bouts(
        spans,
        bout_events([] if feet.depth_unreliable else feet.events, direction.segments, spans),
        step_feet,
        t_s,
        step_scale,
        axis,
        opts.steps,
        limit=lambda s: withhold_steps(s, unmeasured),
    )
    found = findings_for(conditions, "steps")
    if not feet.depth_unreliable:
        found += steps.findings
    summary = withhold_steps(steps, unmeasured)
    return StepsStage(summary, bouts, spans, step_feet, step_scale, tuple(found))


def settle_cadence(
    prep: Prepared,
    direction: DirectionAnalysis,
    main: MainWalk,
    steps: StepsStage,
    feet: FootEvents,
    opts: AnalysisOptions,
) -> CadenceStage:
    """Stage 8 (see :class:`CadenceStage`). The sway's period is read over the longest walk,
    the steps counted over every walk."""
    longest = max(main.walks, key=lambda g: g.end_s - g.start_s, default=None)
    rhythm = (
        sway_rhythm(prep.base.xy, prep.t_s, (longest.start_s, longest.end_s), opts.rhythm)
        if frontal(direction) and longest is not None
        else None
    )
    walking_s = sum(g.end_s - g.start_s for g in main.walks)
    settled = settle_frontal_cadence(
        steps.summary, rhythm, walking_s, direction.view, feet.by_motion
    )
    return CadenceStage(rhythm, settled)
