"""Assessment of synthetic walkers analysed end to end (landmarks -> gait analysis -> assessment).

Walkers come from :mod:`vision.synthetic` (landmark mode: the truth seen through a camera with
pose-estimator-like jitter), are analysed by :func:`vision.analysis.analyze_sequence` and assessed
here, so these tests check that the assessment works on what the analysis really produces.
"""

from __future__ import annotations

import pytest

from vision.analysis import AnalysisOptions, analyze_sequence
from vision.assess import AssessOptions, apply_assessment, assess
from vision.gait.scale import FloorCalibration
from vision.synthetic import WalkParams, simulate_walk
from vision.synthetic.camera import floor_calibration, view_camera
from vision.synthetic.landmarks import LandmarkNoise, landmark_sequence

BRISK = dict(step_length_m=0.5, cadence_spm=110.0, trunk_flexion_deg=3.0, sway_ml_m=0.03)
CAUTIOUS = dict(
    step_length_m=0.2,
    cadence_spm=70.0,
    trunk_flexion_deg=25.0,
    sway_ml_m=0.12,
    step_variability=0.12,
    stance_fraction=0.72,
    lateral_lean_deg=6.0,
)


def analysed(
    view: str = "side", noise: LandmarkNoise | None = None, protocol: str | None = None, **params
):
    """Simulate, 'pose-estimate' and analyse one backward walk, floor-calibrated at 3 m."""
    truth = simulate_walk(WalkParams(direction="backward", **params))
    cam = view_camera(truth.joints, float(truth.facing_deg[0]), view)
    seq = landmark_sequence(truth, cam, LandmarkNoise() if noise is None else noise, seed=3)
    if truth.test_3mbwt is not None:
        lines = (truth.test_3mbwt["start_line_x_m"], truth.test_3mbwt["end_line_x_m"])
    else:
        x0 = float(truth.steps[0]["footprint"][0])
        lines = (x0, x0 + 3.0 * truth.travel_sign)
    two = floor_calibration(cam, lines)["two_point"]
    cal = FloorCalibration(tuple(map(tuple, two["image_px"])), distance_m=two["distance_m"])
    return truth, analyze_sequence(seq, AnalysisOptions(calibration=cal, protocol=protocol))


@pytest.fixture(scope="module")
def side_pair():
    return analysed(n_steps=10, **BRISK)[1], analysed(n_steps=10, **CAUTIOUS)[1]


def test_cautious_walker_scores_worse_on_every_sub_score(side_pair):
    brisk, cautious = (assess(r) for r in side_pair)
    for name in ("overall", "posture", "steps", "balance"):
        b, c = getattr(brisk.scores, name), getattr(cautious.scores, name)
        assert b is not None and c is not None, name
        assert c < b - 10, f"{name}: cautious {c} vs brisk {b}"


def test_cautious_walker_is_flagged_and_coached(side_pair):
    brisk, cautious = (assess(r) for r in side_pair)
    assert brisk.fall_risk.level == "low"
    assert cautious.fall_risk.level in ("moderate", "high")
    flagged = {r.rule for r in cautious.fall_risk.reasons if r.outcome in ("moderate", "high")}
    assert "backward_speed" in flagged  # 0.2 m x 70 / 60 s = 0.23 m/s, well under 0.6 m/s
    codes = [f.code for f in cautious.feedback]
    assert codes[0] == "fall_risk_flag"
    assert "trunk_flexion" in codes
    flexion = next(f for f in cautious.feedback if f.code == "trunk_flexion")
    assert "Trunk leaned forward 2" in flexion.message  # about 25 degrees, measured
    assert flexion.evidence["frames"]["fraction_of_walk"] > 0.5
    assert [f.code for f in brisk.feedback] == ["good_form"]


def test_six_second_3mbwt_is_high_risk_for_community_older_adults():
    truth, result = analysed(
        protocol="3mbwt", step_length_m=0.37, cadence_spm=100.0, distance_m=4.0
    )
    assert truth.test_3mbwt["time_s"] == pytest.approx(6.0, abs=0.3)
    assert result.metrics.test_3mbwt_s == pytest.approx(truth.test_3mbwt["time_s"], abs=0.2)
    scored = apply_assessment(
        result, AssessOptions(population="community_older_adults", protocol="3mbwt")
    )
    assert scored.fall_risk.level == "high"
    rule = next(r for r in scored.fall_risk.reasons if r.rule == "test_3mbwt")
    assert rule.outcome == "high" and rule.cutoff == 4.5 and "Carter" in rule.source
    assert scored.extras["assessment"]["protocol"] == "3mbwt"
    # The same walk under the nursing-home preset (8.15 s) is not high on the test.
    nursing = assess(result, AssessOptions(population="nursing_home", protocol="3mbwt"))
    assert next(r for r in nursing.fall_risk.reasons if r.rule == "test_3mbwt").outcome == "low"


def test_forward_walk_offered_as_backward_is_undetermined():
    truth = simulate_walk(WalkParams(direction="forward", n_steps=8))
    cam = view_camera(truth.joints, float(truth.facing_deg[0]), "side")
    result = analyze_sequence(landmark_sequence(truth, cam, LandmarkNoise(), seed=3))
    a = assess(result)
    assert a.fall_risk.level == "undetermined"
    assert a.fall_risk.reasons[0].rule == "walk_direction"
    assert [f.code for f in a.feedback] == ["wrong_direction"]
