"""The camera behind a floor homography, and step lengths from raised foot points."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from vision.analysis import AnalysisOptions, analyze_sequence
from vision.gait.floor_camera import camera_from_homography
from vision.gait.foot_floor import HEEL_POINT_HEIGHT_FRACTION, footprint_points
from vision.gait.scale import FloorCalibration, estimate_scale
from vision.landmarks import IDX
from vision.synthetic import WalkParams, simulate_walk
from vision.synthetic.camera import floor_calibration, look_at, view_camera
from vision.synthetic.landmarks import LandmarkNoise, landmark_sequence


def _scene(view: str, direction: str = "backward", **kw):
    truth = simulate_walk(WalkParams(direction=direction, n_steps=8, **kw))
    cam = view_camera(truth.joints, float(truth.facing_deg[0]), view)
    x0 = float(truth.steps[0]["footprint"][0])
    marks = floor_calibration(cam, (x0, x0 + 3.0 * truth.travel_sign))["homography"]
    cal = FloorCalibration(
        tuple(map(tuple, marks["image_px"])), floor_m=tuple(map(tuple, marks["floor_m"]))
    )
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
    scale = estimate_scale(
        seq.image, seq.world, cal, image_size=(seq.width, seq.height), heel_height_fraction=0.02
    )
    assert scale.camera is not None
    assert scale.estimated_height_m == pytest.approx(truth.body_height_m, rel=0.12)
    assert scale.heel_height_m == pytest.approx(0.02 * scale.estimated_height_m)
    given = estimate_scale(
        seq.image,
        seq.world,
        cal,
        height_cm=170.0,
        image_size=(seq.width, seq.height),
        heel_height_fraction=0.02,
    )
    assert given.heel_height_m == pytest.approx(0.034)


@pytest.mark.parametrize("view", ["oblique", "front", "back"])
def test_step_length_through_a_homography_with_raised_heel_points(view):
    """Heel points raised as BlazePose raises them (the noise model's measured offsets, no
    jitter): the homography alone puts them too far from the camera; placing them at their
    height above the floor reads the truth."""
    truth, cam, cal, _ = _scene(view, step_length_m=0.45)
    seq = landmark_sequence(truth, cam, replace(LandmarkNoise(), jitter_fraction=0.0), seed=1)
    res = analyze_sequence(seq, AnalysisOptions(calibration=cal))
    assert res.metrics.step_length_m.mean == pytest.approx(truth.step_length_m, abs=0.01)
    assert res.metrics.speed_mps == pytest.approx(truth.speed_mps, rel=0.05)
    if view != "oblique":
        # Each step's length rests on the contacts' timing, too loose from the front or back.
        assert all(s.length_m is None for s in res.steps)
        assert res.metrics.step_length_asymmetry_pct is None
        assert res.metrics.step_length_m.sd is None and res.metrics.step_length_m.cv_pct is None
        assert any("only the mean step length" in w for w in res.quality.warnings)

    # The first and last resting heel: their distance on the floor, with and without the camera.
    corrected = estimate_scale(
        seq.image,
        seq.world,
        cal,
        image_size=(seq.width, seq.height),
        heel_height_fraction=HEEL_POINT_HEIGHT_FRACTION[view],
    )
    plain = estimate_scale(seq.image, seq.world, cal)
    assert corrected.camera is not None and plain.camera is None
    rows = [int(np.searchsorted(truth.t_s, s["t_contact_s"])) + 3 for s in truth.steps[1:-1]]
    feet = [IDX[f"{s['foot']}_heel"] for s in truth.steps[1:-1]]
    ends = [(rows[0], feet[0]), (rows[-1], feet[-1])]
    true_d = np.linalg.norm(np.subtract(*[truth.joints[r, k, :2] for r, k in ends]))
    px = np.array([seq.xy[r, k] for r, k in ends])
    for scale, lo, hi in ((corrected, -0.01, 0.01), (plain, 0.03, 1.0)):
        d = np.linalg.norm(np.subtract(*scale.floor_m(px)))
        assert lo < d - true_d < hi


def test_step_length_excludes_step_width():
    """Footprints zig-zag by the step width; steps are measured along the walking line."""
    truth, cam, cal, _ = _scene("oblique", step_length_m=0.3, step_width_m=0.25)
    seq = landmark_sequence(truth, cam, LandmarkNoise.none(), seed=1)
    res = analyze_sequence(seq, AnalysisOptions(calibration=cal))
    # Exact heels sit on the floor, so the heel-height correction shortens them by a little.
    assert res.metrics.step_length_m.mean == pytest.approx(0.3, abs=0.015)
    assert res.metrics.step_length_m.mean < np.hypot(0.3, 0.25) - 0.05


def test_footprints_from_the_front_or_back_sit_between_heel_and_toe():
    """A foot seen end-on: the pose model draws heel and toe together along the line of sight
    (here each 4 px toward the other in the picture; on the rendered back walks the heel was
    drawn 5-10 px toward the toe). The heel alone then lands centimetres off its place on the
    floor; the midpoint of the two, lifted to their mean height, stays on the foot's midpoint."""
    truth, cam, cal, _ = _scene("back")
    seq = landmark_sequence(truth, cam, LandmarkNoise.blazepose_like(), seed=7)
    scale = estimate_scale(
        seq.image,
        seq.world,
        cal,
        height_cm=170.0,
        image_size=(cam.width, cam.height),
        heel_height_fraction=0.052,
        toe_height_fraction=0.014,
    )
    heel_m = np.array([2.0, 0.07, 0.052 * 1.7])
    toe_m = np.array([2.0 - 0.22 * truth.travel_sign, 0.07, 0.014 * 1.7])  # toes face away
    seen, _ = cam.project(np.stack([heel_m, toe_m]))
    pull = 4.0 * (seen[1] - seen[0]) / np.linalg.norm(seen[1] - seen[0])
    drawn = np.stack([seen[0] + pull, seen[1] - pull])
    feet = np.tile(drawn, (3, 2, 1, 1))  # (T, 2 feet, [heel, toe], 2)

    moved, lifted = footprint_points(feet, scale, "back")
    middle = 0.5 * (heel_m[:2] + toe_m[:2])
    np.testing.assert_allclose(lifted.floor_m(moved[0, :1, 0]), [middle], atol=0.01)
    assert np.linalg.norm(scale.floor_m(feet[0, :1, 0])[0] - heel_m[:2]) > 0.03
    # At an angle, the foot is partly end-on: the midpoint too.
    angled, _ = footprint_points(feet, scale, "oblique")
    np.testing.assert_allclose(angled, moved)
    # From the side the heel is the footprint, as it is.
    same, kept = footprint_points(feet, scale, "side")
    assert same is feet and kept is scale
