"""Stage 12, the result: metrics assembled once through :mod:`vision.capabilities`, the
comparison walk, the evidence's grades, and every stage's findings in order."""

from __future__ import annotations

from dataclasses import dataclass

from vision.capabilities import Conditions, withheld, withhold_metrics
from vision.findings import Finding, messages
from vision.gait.bounds import WalkValues
from vision.gait.comparison import WalkReadings, compare_walks, walk_fields
from vision.gait.direction import DirectionAnalysis
from vision.gait.direction_labels import WALKS
from vision.gait.protocols import TimedTest
from vision.gait.quality import Evidence, evidence_findings
from vision.gait.steps import StepSummary
from vision.gait.sway import SwaySummary, detect_stumbles
from vision.result import (
    AnalysisResult,
    Mean,
    MeanMax,
    Metrics,
    PoseSummary,
    Quality,
    Scale,
    VideoSummary,
)
from vision.sequence import PoseSequence
from vision.stages.body import PostureStage
from vision.stages.extras import extras_document, mean_step_length_bh
from vision.stages.options import AnalysisOptions
from vision.stages.prepare import Prepared
from vision.stages.scale import ScaleStage
from vision.stages.steps import CadenceStage, StepsStage
from vision.stages.walk import FootEvents, MainWalk, facing_findings
from vision.stats import rounded


@dataclass(frozen=True)
class Stages:
    """Every stage's result, for the result's assembly."""

    prep: Prepared
    direction: DirectionAnalysis
    feet: FootEvents
    scale: ScaleStage
    main: MainWalk
    steps: StepsStage
    cadence: CadenceStage
    posture: PostureStage
    sway: SwaySummary
    test: TimedTest | None
    conditions: Conditions

    @property
    def findings(self) -> tuple[Finding, ...]:
        """The stages' findings, in the order the user reads them."""
        return (
            *self.prep.findings,
            *self.feet.findings,
            *self.scale.findings,
            *facing_findings(self.direction),
            *self.main.findings,
            *self.steps.findings,
            *self.cadence.findings,
            *self.posture.findings,
            *self.sway.findings,
            *(self.test.findings if self.test is not None else ()),
        )


def summary_result(
    seq: PoseSequence, opts: AnalysisOptions, findings: tuple[Finding, ...]
) -> AnalysisResult:
    """The result with what the video, the pose and the findings say, and nothing measured."""
    result = AnalysisResult(
        video=VideoSummary(
            fps=float(seq.fps),
            frame_count=int(seq.meta.get("frames_decoded", len(seq))),
            duration_s=round(len(seq) / seq.fps, 4) if seq.fps else 0.0,
            width=int(seq.width),
            height=int(seq.height),
        ),
        pose=PoseSummary(
            backend=str(seq.meta.get("backend", "unknown")),
            model=str(seq.meta.get("model", "unknown")),
            frames_with_pose=int(seq.has_pose.sum()),
            coverage=round(seq.coverage, 4),
        ),
        quality=Quality(warnings=messages(findings), findings=[f.to_dict() for f in findings]),
    )
    result.fall_risk.population = opts.population
    return result


def assemble_result(seq: PoseSequence, opts: AnalysisOptions, s: Stages) -> AnalysisResult:
    """Stage 12 (see the module docstring); ``seq`` as given to the analysis."""
    steps, posture, scale = s.cadence.steps, s.posture.summary, s.scale.model
    metrics = assemble_metrics(s)
    evidence = Evidence(
        s.feet.checks,
        len(steps.steps),
        s.direction.view,
        s.direction.facing_sure,
        scale.method,
        values=WalkValues(
            speed_mps=metrics.speed_mps,
            step_length_body_heights=mean_step_length_bh(steps),
            cadence_spm=metrics.cadence_spm,
            body_height_m=scale.estimated_height_m,
        ),
    )
    result = summary_result(seq, opts, (*s.findings, *evidence_findings(evidence)))
    result.events = s.feet.events
    result.segments = s.direction.segments
    result.bouts = s.steps.bouts
    result.steps = steps.result_steps()
    result.scale = Scale(
        method=scale.method,
        metres_per_pixel=scale.metres_per_pixel,
        uncertainty_pct=scale.uncertainty_pct,
    )
    result.metrics = metrics
    readings = WalkReadings(
        s.feet.events,
        s.direction,
        s.steps.feet,
        s.prep.t_s,
        s.steps.scale,
        s.main.walk_axis,
        s.posture.series,
        opts.steps,
        opts.posture,
        bouts_s=s.steps.rest_s,
    )
    result.comparison = compare_walks(readings, s.main.direction, (steps, posture))
    base = s.prep.base
    stumbles = detect_stumbles(
        s.prep.posture_seq.xy,
        base.t_s,
        base.frame_index,
        opts.stumbles,
        visibility=base.visibility,
        frame_size=s.prep.picture,
    )
    result.extras = extras_document(s, evidence, stumbles, opts)
    return result


def assemble_metrics(s: Stages) -> Metrics:
    """The walk's metrics from the stages' results, null where :mod:`vision.capabilities` says
    the view or a condition does not measure them."""
    steps: StepSummary = s.cadence.steps
    posture, sway = s.posture.summary, s.sway
    walk = s.direction.walk_direction
    measured = Metrics(
        walk_direction=walk,
        **walk_fields(steps, posture),
        trunk_lateral_lean_deg=MeanMax(
            mean=rounded(posture.lateral_lean_mean_deg), max=rounded(posture.lateral_lean_max_deg)
        ),
        head_pitch_deg=Mean(mean=rounded(posture.head_pitch_mean_deg)),
        sway_ml_m=rounded(sway.ml_m),
        sway_ml_body_heights=rounded(sway.ml_body_heights),
        test_3mbwt_s=rounded(s.test.time_s if s.test is not None else None),
    )
    unmeasured = withheld(s.conditions)
    if walk not in WALKS:  # standing, or nothing: no direction a facing could swap
        unmeasured.pop("walk_direction", None)
    return withhold_metrics(measured, unmeasured)
