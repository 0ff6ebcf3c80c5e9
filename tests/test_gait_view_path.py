"""The view from the path: a walk toward or away from the camera, up to about 30 degrees off its
axis, is a front or back view whatever the shoulders' apparent width; further off, oblique."""

from __future__ import annotations

import pytest

from vision.analysis import AnalysisOptions, analyze_sequence
from vision.synthetic import WalkParams, simulate_walk
from vision.synthetic.camera import view_camera
from vision.synthetic.landmarks import LandmarkNoise, landmark_sequence

# The camera's azimuth from the way the person faces: 0 in front of them, 180 behind.
SEEN_FROM = {"front": 0.0, "back": 180.0}


def _view(direction: str, seen_from: str, off_deg: float) -> tuple[str, int]:
    truth = simulate_walk(WalkParams(direction=direction, n_steps=8))
    cam = view_camera(
        truth.joints, float(truth.facing_deg[0]), azimuth_deg=SEEN_FROM[seen_from] + off_deg
    )
    seq = landmark_sequence(truth, cam, LandmarkNoise.blazepose_like(), seed=3)
    result = analyze_sequence(seq, AnalysisOptions(height_cm=170))
    return result.extras["view"], result.metrics.step_count


@pytest.mark.parametrize("off_deg", [0.0, 10.0, -20.0, 30.0])
@pytest.mark.parametrize("seen_from", ["front", "back"])
@pytest.mark.parametrize("direction", ["forward", "backward"])
def test_a_walk_along_the_cameras_axis_is_front_or_back(direction, seen_from, off_deg):
    # Forward from the front and backward from behind come toward the camera; the others go
    # away from it.
    view, steps = _view(direction, seen_from, off_deg)
    assert view == seen_from
    assert steps == 9


@pytest.mark.parametrize("seen_from", ["front", "back"])
@pytest.mark.parametrize("direction", ["forward", "backward"])
def test_forty_degrees_off_the_axis_is_oblique(direction, seen_from):
    assert _view(direction, seen_from, 40.0)[0] == "oblique"


@pytest.mark.parametrize("direction", ["forward", "backward"])
def test_an_entered_height_does_not_measure_an_oblique_walk(direction):
    """Seen at an angle, a walk of 0.40 m steps reads about a third short on an entered height
    alone: its distances are graded poor and said so, and the speed places no fall risk (it
    read "moderate" for this healthy walk before)."""
    from vision.assess import AssessOptions, assess

    truth = simulate_walk(WalkParams(direction=direction, n_steps=8))
    cam = view_camera(truth.joints, float(truth.facing_deg[0]), "oblique")
    seq = landmark_sequence(truth, cam, LandmarkNoise.blazepose_like(), seed=7)
    result = analyze_sequence(seq, AnalysisOptions(height_cm=170))
    assert result.metrics.step_length_m.mean < 0.35  # the foreshortening this guards against
    quality = result.extras["metric_quality"]
    for name in ("step_length_m", "speed_mps"):
        assert quality[name]["grade"] == "poor"
        assert "scale_across_only" in quality[name]["reasons"]
    assert quality["cadence_spm"]["grade"] == "good"
    assert any("oblique view" in w and "mark the floor" in w for w in result.quality.warnings)
    protocol = "free_backward" if direction == "backward" else "forward"
    risk = assess(result, AssessOptions(protocol=protocol)).fall_risk
    assert risk.level == "undetermined"
