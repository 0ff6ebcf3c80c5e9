"""Gait analysis against synthetic walkers with exact truth (landmark level, fast)."""

from __future__ import annotations

import numpy as np
import pytest

from vision.analysis import AnalysisOptions, analyze_sequence
from vision.gait.agreement import match_events
from vision.gait.scale import FloorCalibration
from vision.result import Event, result_from_dict
from vision.synthetic import Stumble, WalkParams, simulate_walk
from vision.synthetic.camera import floor_calibration, view_camera
from vision.synthetic.landmarks import LandmarkNoise, landmark_sequence


def _walk(view: str = "side", noise: LandmarkNoise | None = None, seed: int = 3, **kw):
    truth = simulate_walk(WalkParams(n_steps=8, **kw))
    cam = view_camera(truth.joints, float(truth.facing_deg[0]), view)
    seq = landmark_sequence(truth, cam, noise or LandmarkNoise(), seed=seed)
    return truth, cam, seq


def _two_point(cam, truth) -> FloorCalibration:
    x0 = float(truth.steps[0]["footprint"][0])
    two = floor_calibration(cam, (x0, x0 + 3.0 * truth.travel_sign))["two_point"]
    return FloorCalibration(tuple(map(tuple, two["image_px"])), distance_m=two["distance_m"])


@pytest.mark.parametrize("direction", ["backward", "forward"])
def test_side_view_direction_steps_and_length(direction):
    truth, cam, seq = _walk(direction=direction)
    res = analyze_sequence(seq, AnalysisOptions(calibration=_two_point(cam, truth)))
    assert res.metrics.walk_direction == direction
    assert [s.direction for s in res.segments] == ["standing", direction, "standing"]
    assert res.metrics.step_count == len(truth.steps)
    assert res.scale.method == "floor_calibration"
    assert res.metrics.step_length_m.mean == pytest.approx(truth.step_length_m, abs=0.03)
    assert res.metrics.cadence_spm == pytest.approx(truth.cadence_spm, abs=2.0)
    truth_flex = float(np.mean(truth.trunk_flexion_deg))
    assert res.metrics.trunk_flexion_deg.mean == pytest.approx(truth_flex, abs=2.0)


@pytest.mark.parametrize("direction", ["backward", "forward"])
def test_contacts_found_in_both_directions(direction):
    truth, _, seq = _walk(direction=direction)
    res = analyze_sequence(seq)
    ref = [Event(**e) for e in truth.events]
    # Every contact found, none extra. Timing: over bench/accuracy.py's 20 side and oblique walks
    # the per-walk medians range 0.6-1.9 frames (their median is under one), so a single walk is
    # held to a frame and a half.
    contacts = match_events(res.events, ref, "contact", tolerance_s=0.1)
    lifts = match_events(res.events, ref, "lift", tolerance_s=0.1)
    assert contacts.recall == 1.0 and contacts.precision == 1.0
    assert contacts.median_abs_error_s() <= 1.5 / seq.fps
    assert lifts.recall >= 0.85 and lifts.precision >= 0.85
    # Never swapped: a contact is not reported where the truth has a lift.
    swapped = match_events(
        res.events,
        [Event(**{**e.__dict__, "type": "contact"}) for e in ref if e.type == "lift"],
        "contact",
        tolerance_s=0.03,
    )
    assert len(swapped.matched) <= 1
    assert contacts.feet_consistent()


def test_leg_label_swaps_are_repaired():
    noise = LandmarkNoise(swap_fraction=0.15)
    truth, _, seq = _walk(direction="backward", noise=noise)
    res = analyze_sequence(seq)
    assert res.extras["leg_label_swaps_repaired_frames"] > 0
    assert res.metrics.step_count == len(truth.steps)
    feet = [e.foot for e in res.events if e.type == "contact"]
    assert all(a != b for a, b in zip(feet, feet[1:], strict=False))


@pytest.mark.parametrize("view", ["front", "back"])
def test_frontal_views_are_classified_and_direction_found(view):
    truth, _, seq = _walk(view=view, direction="backward")
    res = analyze_sequence(seq)
    assert res.extras["view"] == view
    assert res.metrics.walk_direction == "backward"
    # Without a floor homography, lengths along the line of sight are not guessed.
    assert res.metrics.step_length_m.mean is None
    assert any("4-point floor calibration" in w for w in res.quality.warnings)


def test_time_reversed_forward_walk_reads_backward():
    _, _, seq = _walk(direction="forward")
    assert analyze_sequence(seq.reversed()).metrics.walk_direction == "backward"


def test_without_scale_metres_are_null_with_warning():
    _, _, seq = _walk(direction="backward")
    seq.world[:] = np.nan  # no world landmarks, no height, no calibration
    res = analyze_sequence(seq)
    assert res.scale.method == "none"
    assert res.metrics.step_length_m.mean is None and res.metrics.speed_mps is None
    assert res.extras["metrics_more"]["step_length_body_heights_mean"] > 0.1
    assert any("no scale" in w for w in res.quality.warnings)


def test_subject_height_scale_is_close():
    truth, _, seq = _walk(direction="backward", noise=LandmarkNoise.none())
    res = analyze_sequence(seq, AnalysisOptions(height_cm=100 * truth.body_height_m))
    assert res.scale.method == "subject_height"
    assert res.metrics.step_length_m.mean == pytest.approx(truth.step_length_m, rel=0.12)


def test_stumble_is_flagged_and_normal_walk_is_not():
    _, _, seq = _walk(direction="backward", stumble=Stumble(t_s=3.0, drop_m=0.15))
    stumbles = analyze_sequence(seq).extras["stumbles"]
    assert len(stumbles) >= 1 and abs(stumbles[0]["t_s"] - 3.0) < 0.4
    _, _, calm = _walk(direction="backward")
    assert analyze_sequence(calm).extras["stumbles"] == []


def test_result_document_round_trips_and_has_series():
    _, _, seq = _walk(direction="backward")
    doc = analyze_sequence(seq).to_dict()
    again = result_from_dict(doc).to_dict()
    assert again == doc
    series = doc["extras"]["series"]
    assert len(series["t_s"]) == len(series["trunk_flexion_deg"]) <= 600


@pytest.mark.parametrize("direction", ["backward", "forward"])
def test_a_lean_seen_at_an_angle_reads_as_from_the_side(direction):
    """30 degrees off the side the image shows tan(lean) * cos(30 deg): a 15 degree lean read
    off the image alone is 13 degrees. The world landmarks say how far off the side the camera
    is, and the lean and head pitch are read as from the side."""
    for view in ("side", "oblique"):
        truth, _, seq = _walk(
            view,
            LandmarkNoise.blazepose_like(),
            seed=4,
            direction=direction,
            trunk_flexion_deg=15.0,
        )
        res = analyze_sequence(seq)
        assert res.metrics.trunk_flexion_deg.mean == pytest.approx(15.0, abs=0.8), view


@pytest.mark.parametrize("view", ["side", "oblique", "front", "back"])
def test_an_angle_the_camera_does_not_see_is_not_measured(view):
    """Trunk flexion and head pitch lie along the line of sight from the front or back, and
    part of the lean to the side does from an oblique camera: there they would rest on the pose
    model's depth (7-8 deg off for flexion on the rendered front walks), so they are null with
    a warning saying why. The angles the picture shows are given."""
    truth, _, seq = _walk(
        view,
        LandmarkNoise.blazepose_like(),
        direction="backward",
        trunk_flexion_deg=10.0,
        lateral_lean_deg=4.0,
    )
    res = analyze_sequence(seq)
    m, warnings = res.metrics, res.quality.warnings
    sagittal_seen = view in ("side", "oblique")
    lateral_seen = view != "oblique"
    assert (m.trunk_flexion_deg.mean is not None) == sagittal_seen
    assert (m.head_pitch_deg.mean is not None) == sagittal_seen
    assert (m.trunk_lateral_lean_deg.mean is not None) == lateral_seen
    # Side only: from an oblique camera a lean to the side adds to the forward lean seen.
    if view == "side":
        assert m.trunk_flexion_deg.mean == pytest.approx(10.0, abs=2.0)
    if not sagittal_seen:
        assert any(
            f"trunk flexion and head pitch are not measured from this {view} view" in w
            for w in warnings
        ), warnings
    if lateral_seen:
        assert m.trunk_lateral_lean_deg.mean == pytest.approx(4.0, abs=2.0)
    else:
        assert any(
            "lean to the side is not measured from this oblique view" in w for w in warnings
        ), warnings
    series = res.extras["series"]
    assert all(v is None for v in series["trunk_flexion_deg"]) != sagittal_seen
    # Steps from behind rest on the pose model's depth of the feet: the result says how poorly
    # that depth did on the rendered back walks.
    behind = any(
        "steps seen from behind are timed by the pose model's depth" in w for w in warnings
    )
    assert behind == (view == "back")
    assert any("found less reliably" in w for w in warnings) == (view == "front")
