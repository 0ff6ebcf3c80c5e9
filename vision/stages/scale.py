"""Stage 5: pixels to metres, and the conditions that decide what the walk measures
(:mod:`vision.capabilities`)."""

from __future__ import annotations

from dataclasses import dataclass

from vision.capabilities import Conditions
from vision.findings import Finding, finding
from vision.gait.direction import DirectionAnalysis
from vision.gait.foot_floor import HEEL_POINT_HEIGHT_FRACTION, TOE_POINT_HEIGHT_FRACTION
from vision.gait.scale import ScaleModel, estimate_scale
from vision.stages.options import AnalysisOptions
from vision.stages.prepare import Prepared
from vision.stages.walk import FootEvents

# Scale method -> the finding that says what its metres rest on.
_SCALE_FINDINGS = {
    "world_landmarks": "scale.world_landmarks",
    "subject_height": "scale.subject_height",
    "none": "scale.none",
}


@dataclass(frozen=True)
class ScaleStage:
    """Stage 5, pixels to metres; ``findings``: what the metres rest on."""

    model: ScaleModel
    findings: tuple[Finding, ...]


def measure_scale(
    prep: Prepared, direction: DirectionAnalysis, opts: AnalysisOptions
) -> ScaleStage:
    """Stage 5 (see :class:`ScaleStage`)."""
    post, seq = prep.posture_seq, prep.seq
    model = estimate_scale(
        post.xy,
        post.world,
        opts.calibration,
        opts.height_cm,
        image_size=(seq.width, seq.height),
        heel_height_fraction=HEEL_POINT_HEIGHT_FRACTION.get(direction.view, 0.0),
        toe_height_fraction=TOE_POINT_HEIGHT_FRACTION.get(direction.view, 0.0),
    )
    code = _SCALE_FINDINGS.get(model.method)
    found = () if code is None else (finding(code, uncertainty_pct=model.uncertainty_pct),)
    return ScaleStage(model, found)


def conditions_of(
    prep: Prepared, direction: DirectionAnalysis, feet: FootEvents, scale: ScaleModel
) -> Conditions:
    """What decides the metrics measured (:mod:`vision.capabilities`)."""
    return Conditions(
        view=direction.view,
        facing_sure=direction.facing_sure,
        floor_plane=scale.homography is not None,
        steps_by_motion=feet.by_motion,
        scale_method=scale.method,
        camera_moved=prep.camera_moved,
    )
