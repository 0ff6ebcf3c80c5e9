"""Physiological bounds: a value no walk has is graded poor, said, and places no fall risk."""

from __future__ import annotations

import pytest

from vision.analysis import AnalysisOptions, analyze_sequence
from vision.assess import AssessOptions, assess
from vision.gait.bounds import WalkingBounds, WalkValues, outside_bounds
from vision.gait.plausible import EventChecks, PlausibilityOptions
from vision.gait.quality import Evidence, evidence_findings, grade_metrics

TYPICAL = WalkValues(
    speed_mps=0.9, step_length_body_heights=0.33, cadence_spm=105.0, body_height_m=1.7
)


def test_a_typical_walk_is_inside_every_bound():
    assert outside_bounds(TYPICAL) == {}
    assert outside_bounds(WalkValues()) == {}  # nothing measured, nothing judged


@pytest.mark.parametrize(
    ("values", "name"),
    [
        (WalkValues(speed_mps=705.0), "speed"),
        (WalkValues(speed_mps=0.01), "speed"),
        (WalkValues(step_length_body_heights=0.9), "step_length"),
        (WalkValues(cadence_spm=300.0), "cadence"),
        (WalkValues(cadence_spm=12.0), "cadence"),
        (WalkValues(body_height_m=700.0), "body_height"),
    ],
)
def test_values_no_walk_has_are_outside(values, name):
    assert set(outside_bounds(values)) == {name}


def test_the_most_cadence_follows_the_least_step_time():
    bounds = WalkingBounds(plausibility=PlausibilityOptions(min_step_s=0.5))
    assert bounds.cadence_spm[1] == pytest.approx(120.0)
    assert set(outside_bounds(WalkValues(cadence_spm=130.0), bounds)) == {"cadence"}


def _evidence(values: WalkValues) -> Evidence:
    return Evidence(EventChecks(), 8, "side", True, "floor_calibration", values=values)


def test_grades_fall_with_the_bound_that_is_broken():
    assert {q.grade for q in grade_metrics(_evidence(TYPICAL)).values()} == {"good"}
    fast = grade_metrics(_evidence(WalkValues(speed_mps=9.0, cadence_spm=110.0)))
    assert fast["speed_mps"].grade == "poor" and "speed_implausible" in fast["speed_mps"].reasons
    assert fast["cadence_spm"].grade == "good" and fast["step_length_m"].grade == "good"
    giant = grade_metrics(_evidence(WalkValues(body_height_m=400.0)))
    assert giant["step_length_m"].grade == giant["test_3mbwt_s"].grade == "poor"
    assert giant["cadence_spm"].grade == "good"  # timing does not rest on the scale
    doubled = grade_metrics(_evidence(WalkValues(cadence_spm=260.0)))
    assert {doubled[m].grade for m in ("step_count", "cadence_spm", "speed_mps")} == {"poor"}
    found = evidence_findings(_evidence(WalkValues(speed_mps=9.0)))
    assert [f.code for f in found] == ["bounds.speed_implausible"]
    assert "9 m/s" in found[0].message and "0.05-3 m/s" in found[0].message
    assert found[0].evidence["speed_value"] == 9.0


def _walk(metres_factor: float):
    from vision.gait.scale import FloorCalibration
    from vision.synthetic import WalkParams, simulate_walk
    from vision.synthetic.camera import floor_calibration, view_camera
    from vision.synthetic.landmarks import LandmarkNoise, landmark_sequence

    params = WalkParams(direction="backward", n_steps=8)
    truth = simulate_walk(params)
    cam = view_camera(truth.joints, float(truth.facing_deg[0]), "side")
    seq = landmark_sequence(truth, cam, LandmarkNoise.blazepose_like(), seed=7)
    x0 = float(truth.steps[0]["footprint"][0])
    two = floor_calibration(cam, (x0, x0 + 3.0 * params.travel_sign))["two_point"]
    cal = FloorCalibration(tuple(map(tuple, two["image_px"])), two["distance_m"] * metres_factor)
    return analyze_sequence(seq, AnalysisOptions(calibration=cal))


def test_a_calibration_off_by_a_factor_gives_no_confident_fall_risk():
    opts = AssessOptions(protocol="free_backward")
    right = _walk(1.0)
    assert not any("implausible" in " ".join(q["reasons"]) for q in _grades(right))
    assert assess(right, opts).fall_risk.level != "undetermined"

    wrong = _walk(100.0)  # 300 m entered for 3 m
    assert wrong.metrics.speed_mps > 3.0
    quality = wrong.extras["metric_quality"]
    assert quality["speed_mps"]["grade"] == "poor"
    assert "speed_implausible" in quality["speed_mps"]["reasons"]
    assert "body_height_implausible" in quality["step_length_m"]["reasons"]
    assert quality["cadence_spm"]["grade"] == "good"
    assert any("outside what people walk at" in w for w in wrong.quality.warnings)
    risk = assess(wrong, opts).fall_risk
    assert risk.level == "undetermined"
    rule = next(r for r in risk.reasons if r.rule == "plausible_values")
    assert "m/s" in rule.note and rule.design_choice
    scored = {c.metric for c in assess(wrong, opts).components}
    assert "speed_mps" not in scored and "step_length_m.mean" not in scored


def _grades(result) -> list[dict]:
    return list(result.extras["metric_quality"].values())
