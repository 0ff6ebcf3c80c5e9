"""The camera behind a floor homography, and step lengths from raised foot points."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from vision.analysis import AnalysisOptions, analyze_sequence
from vision.gait.floor_camera import camera_from_homography
from vision.gait.scale import HEEL_POINT_HEIGHT_FRACTION, FloorCalibration, estimate_scale
from vision.synthetic import WalkParams, simulate_walk
from vision.synthetic.camera import floor_calibration, look_at, view_camera
from vision.synthetic.landmarks import LandmarkNoise, landmark_sequence


def _scene(view: str, direction: str = "backward", **kw):
    truth = simulate_walk(WalkParams(direction=direction, n_steps=8, **kw))
    cam = view_camera(truth.joints, float(truth.facing_deg[0]), view)
    x0 = float(truth.steps[0]["footprint"][0])
    marks = floor_calibration(cam, (x0, x0 + 3.0 * truth.travel_sign))["homography"]
    cal = FloorCalibration(tuple(map(tuple, marks["image_px"])),
                           floor_m=tuple(map(tuple, marks["floor_m"])))  # fmt: skip
    return truth, cam, cal, np.asarray(marks["matrix"])


@pytest.mark.parametrize("view", ["side", "oblique", "front", "back"])
def test_camera_recovered_from_floor_homography(view):
    _, cam, _, hom = _scene(view)
    fc = camera_from_homography(hom, (cam.width, cam.height))
    assert fc is not None
    assert fc.focal_px == pytest.approx(cam.focal_px, rel=1e-4)
    np.testing.assert_allclose(fc.centre_m, cam.position_m, atol=1e-3)
    # A point 5 cm above the floor lands under itself, where the homography overshoots.
    pts = np.array([[1.0, 0.1, 0.05], [1.7, -0.1, 0.05]])
    px, _ = cam.project(pts)
    np.testing.assert_allclose(fc.at_height(px, 0.05), pts[:, :2], atol=1e-4)
    flat = np.column_stack([px, np.ones(2)]) @ hom.T
    overshoot = np.linalg.norm(flat[:, :2] / flat[:, 2:] - pts[:, :2], axis=1)
    assert overshoot.min() > 0.03


def test_camera_looking_straight_down_is_not_recovered():
    # The floor seen face-on: a homography with no perspective fixes no focal length.
    cam = look_at(np.array([0.0, 0.0, 3.0]), np.array([0.001, 0.0, 0.0]), 800.0)
    floor = np.array([[-0.5, -0.5, 0.0], [-0.5, 0.5, 0.0], [0.5, 0.5, 0.0], [0.5, -0.5, 0.0]])
    px, _ = cam.project(floor)
    import cv2

    hom = cv2.getPerspectiveTransform(px.astype(np.float32), floor[:, :2].astype(np.float32))
    assert camera_from_homography(hom, (cam.width, cam.height)) is None


def test_subject_height_measured_through_the_recovered_camera():
    truth, cam, cal, _ = _scene("oblique")
    seq = landmark_sequence(truth, cam, LandmarkNoise(), seed=2)
    scale = estimate_scale(seq.image, seq.world, cal, image_size=(seq.width, seq.height),
                           heel_height_fraction=0.02)  # fmt: skip
    assert scale.camera is not None
    assert scale.estimated_height_m == pytest.approx(truth.body_height_m, rel=0.12)
    assert scale.foot_height_m == pytest.approx(0.02 * scale.estimated_height_m)
    given = estimate_scale(seq.image, seq.world, cal, height_cm=170.0,
                           image_size=(seq.width, seq.height), heel_height_fraction=0.02)
    assert given.foot_height_m == pytest.approx(0.034)


@pytest.mark.parametrize("view", ["oblique", "front", "back"])
def test_step_length_through_a_homography_with_raised_heel_points(view):
    """Heel points raised as BlazePose raises them: the homography alone reads every step
    long; placing them at their height above the floor reads the truth."""
    truth, cam, cal, _ = _scene(view, step_length_m=0.45)
    noise = replace(LandmarkNoise.none(), foot_offset_fraction=0.016,
                    frontal_heel_offset_fraction=0.022)  # fmt: skip
    seq = landmark_sequence(truth, cam, noise, seed=1)
    res = analyze_sequence(seq, AnalysisOptions(calibration=cal))
    assert res.metrics.step_length_m.mean == pytest.approx(truth.step_length_m, abs=0.01)
    assert res.metrics.speed_mps == pytest.approx(truth.speed_mps, rel=0.05)

    # Without the camera the same heel points stretch each step by C / (C - h).
    uncorrected = estimate_scale(seq.image, seq.world, cal)
    assert uncorrected.camera is None
    fc = camera_from_homography(uncorrected.homography, (seq.width, seq.height))
    h = HEEL_POINT_HEIGHT_FRACTION[view] * truth.body_height_m
    assert fc.height_m / (fc.height_m - h) > 1.02


def test_step_length_excludes_step_width():
    """Footprints zig-zag by the step width; steps are measured along the walking line."""
    truth, cam, cal, _ = _scene("oblique", step_length_m=0.3, step_width_m=0.25)
    seq = landmark_sequence(truth, cam, LandmarkNoise.none(), seed=1)
    res = analyze_sequence(seq, AnalysisOptions(calibration=cal))
    # Exact heels sit on the floor, so the heel-height correction shortens them by a little.
    assert res.metrics.step_length_m.mean == pytest.approx(0.3, abs=0.015)
    assert res.metrics.step_length_m.mean < np.hypot(0.3, 0.25) - 0.05
