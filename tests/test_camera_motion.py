"""The camera's own motion: measured from the background, undone before the gait analysis."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pytest

from vision import landmarks as lm
from vision.analysis import analyze_sequence
from vision.camera_motion import (
    LOG_ZOOM,
    SHIFT_X,
    SHIFT_Y,
    CameraMotionTracker,
    camera_move,
    compose,
    frame_boxes,
    inside_frame,
    stabilised,
)
from vision.sequence import PoseSequence
from vision.synthetic import WalkParams, simulate_walk
from vision.synthetic.camera import view_camera
from vision.synthetic.landmarks import LandmarkNoise, landmark_sequence

VIDEOS = Path(__file__).resolve().parents[1].parent / "shared" / "videos"
W, H = 640, 360


def _scene(seed: int = 3) -> np.ndarray:
    """A textured backdrop larger than the frame, so a camera can pan and zoom over it."""
    rng = np.random.default_rng(seed)
    noise = rng.integers(0, 255, (H * 2, W * 2), dtype=np.uint8)
    tex = cv2.GaussianBlur(cv2.resize(noise, None, fx=1, fy=1), (0, 0), 2.5)
    return cv2.cvtColor(cv2.normalize(tex, None, 0, 255, cv2.NORM_MINMAX), cv2.COLOR_GRAY2RGB)


def _frame(
    scene: np.ndarray, zoom: float, shift: tuple[float, float], person_x: float
) -> tuple[np.ndarray, tuple[float, float, float, float]]:
    """The backdrop seen by a camera mapping backdrop point p (relative to the backdrop's
    centre-aligned frame) to zoom * p + shift, with a bright striped "person" at ``person_x``
    that moves on its own."""
    m = np.array([[zoom, 0.0, shift[0] - zoom * W / 2], [0.0, zoom, shift[1] - zoom * H / 2]])
    img = cv2.warpAffine(scene, m, (W, H), flags=cv2.INTER_LINEAR)
    x0, y0, x1, y1 = person_x - 30, 60.0, person_x + 30, 330.0
    img[int(y0) : int(y1), int(x0) : int(x1)] = 230
    img[int(y0) : int(y1) : 12, int(x0) : int(x1)] = (
        20  # stripes: features that move with the person
    )
    return img, (x0, y0, x1, y1)


def test_the_background_gives_the_cameras_pan_and_zoom_and_not_the_persons_motion():
    scene = _scene()
    tracker = CameraMotionTracker()
    for k in range(40):
        zoom = 1.0 + 0.004 * k  # the camera closes in: 17% over the clip
        shift = (-3.0 * k, 0.5 * k)  # and pans
        img, box = _frame(scene, zoom, shift, person_x=200 + 6 * k)
        total = tracker.update(img, [box])
    # A point at i0 in the first frame (zoom 1, no shift) is at zoom * i0 + shift in frame k.
    z = 1.0 + 0.004 * 39
    want_shift = np.array([-3.0 * 39, 0.5 * 39])
    assert total[LOG_ZOOM] == pytest.approx(np.log(z), abs=0.005)
    assert total[[SHIFT_X, SHIFT_Y]] == pytest.approx(want_shift, abs=2.5)


def test_a_still_camera_stays_still_while_the_person_walks_past():
    scene = _scene()
    tracker = CameraMotionTracker()
    track = np.array([tracker.update(*_one(scene, k)) for k in range(60)])
    move = camera_move(track, W)
    assert not move.moved and move.zoom < 0.003 and move.shift < 0.003, move


def _one(scene: np.ndarray, k: int) -> tuple[np.ndarray, list]:
    img, box = _frame(scene, 1.0, (0.0, 0.0), person_x=100 + 7 * k)
    return img, [box]


def test_a_frame_with_nobody_found_keeps_the_motion_before_it():
    """A walker entering before the pose model finds them is not background."""
    scene = _scene()
    tracker = CameraMotionTracker()
    tracker.update(*_one(scene, 0))
    img, _ = _frame(scene, 1.0, (0.0, 0.0), person_x=400)
    assert tracker.update(img, []) == pytest.approx(np.zeros(3))


def test_composing_and_undoing_a_camera_track():
    a, b = np.array([0.1, 5.0, -2.0]), np.array([-0.05, 1.0, 3.0])
    ab = compose(a, b)
    p = np.array([10.0, 20.0])
    via = np.exp(b[0]) * (np.exp(a[0]) * p + a[1:]) + b[1:]
    assert np.exp(ab[0]) * p + ab[1:] == pytest.approx(via)
    xy = np.broadcast_to(np.exp(ab[0]) * p + ab[1:], (1, lm.NUM_LANDMARKS, 2))
    z = np.full((1, lm.NUM_LANDMARKS), np.exp(ab[0]) * 4.0)
    back_xy, back_z = stabilised(xy, z, ab[None])
    assert back_xy[0] == pytest.approx(np.broadcast_to(p, (lm.NUM_LANDMARKS, 2)))
    assert back_z[0] == pytest.approx(4.0)


def test_what_is_in_the_picture_follows_the_camera():
    """Once the camera's motion is undone, the picture is a box that moves over the first
    frame's background: a foot past the first frame's right edge is in view after a pan right."""
    track = np.array([[0.0, 0.0, 0.0], [0.0, -100.0, 0.0], [np.log(2.0), -W / 2, -H / 2]])
    boxes = frame_boxes(track, W, H)
    assert boxes[0] == pytest.approx([0, 0, W, H])
    assert boxes[1] == pytest.approx([100, 0, W + 100, H])
    assert boxes[2] == pytest.approx([W / 4, H / 4, 3 * W / 4, 3 * H / 4])  # zoomed in 2x
    pts = np.array([[[W + 50.0, 100.0]], [[W + 50.0, 100.0]], [[W / 2, H / 2]]])
    assert inside_frame(pts, boxes)[:, 0].tolist() == [False, True, True]
    assert inside_frame(pts, (W, H))[:, 0].tolist() == [False, False, True]
    # A margin is a share of each frame's own box.
    assert not inside_frame(np.array([[[W / 4 + 5.0, H / 2]]]), boxes[2:], margin=0.05)[0, 0]


def test_camera_track_is_kept_by_slicing_reversing_and_saving(tmp_path):
    seq = PoseSequence.empty(5, 30.0, W, H)
    track = np.arange(15, dtype=float).reshape(5, 3)
    seq = replace(seq, camera=track)
    assert seq.slice(1, 3).camera == pytest.approx(track[1:3])
    assert seq.reversed().camera == pytest.approx(track[::-1])
    assert PoseSequence.load(seq.save(tmp_path / "s.npz")).camera == pytest.approx(track)
    assert (
        PoseSequence.load(PoseSequence.empty(2, 30.0, W, H).save(tmp_path / "n.npz")).camera is None
    )
    with pytest.raises(ValueError, match="camera"):
        replace(seq, camera=track[:3])


def test_a_walk_filmed_by_a_camera_that_pans_along_with_the_walker():
    """A camera panning to keep a side-view walker in the middle of the picture: in the image the
    walker hardly travels and their planted feet slide backward. Measured against the background
    they walk again, with every step."""
    truth = simulate_walk(WalkParams(n_steps=8, direction="backward"))
    cam = view_camera(truth.joints, float(truth.facing_deg[0]), "side")
    seq = landmark_sequence(truth, cam, LandmarkNoise.blazepose_like(), seed=3)
    pelvis_x = seq.xy[:, [lm.L_HIP, lm.R_HIP], 0].mean(axis=1)
    seen = np.isfinite(pelvis_x)
    rows = np.arange(len(seq))
    # The pan that keeps the pelvis where it started (smooth through frames without pose).
    follow = np.interp(rows, rows[seen], pelvis_x[seen]) - pelvis_x[seen][0]
    panned = replace(seq, image=seq.image.copy())
    panned.xy[:, :, 0] -= follow[:, None]
    track = np.zeros((len(seq), 3))
    track[:, SHIFT_X] = -follow  # a backdrop point slides the other way as the camera pans

    fooled = analyze_sequence(panned)
    assert fooled.metrics.walk_direction != "backward" or fooled.metrics.step_count < 6
    res = analyze_sequence(replace(panned, camera=track))
    assert res.metrics.walk_direction == "backward"
    assert res.metrics.step_count == len(truth.steps)
    assert any("the camera moved" in w for w in res.quality.warnings)
    assert res.extras["camera_motion"]["moved"] is True


@pytest.mark.slow
def test_a_phone_following_a_walker_is_seen_to_move_and_a_camera_on_a_stand_is_not():
    crowd = VIDEOS / "forward_walk_back_view_handheld_crowd.mp4"
    still = VIDEOS / "forward_walk_side_labeled.mp4"
    if not crowd.exists() or not still.exists():
        pytest.skip("real test clips not available")
    from vision.pipeline import extract_pose

    seq = extract_pose(crowd)
    move = camera_move(seq.camera, seq.width)
    assert move.moved and move.zoom > 0.3, move
    assert not camera_move(extract_pose(still).camera, 1920).moved

    # She walks away from the camera throughout, pausing at shelves; the phone closing in on
    # her made her grow, which read as walking backward toward it.
    def backward_s(res) -> float:
        return sum(g.end_s - g.start_s for g in res.segments if g.direction == "backward")

    fixed = analyze_sequence(seq)
    # Unknown camera motion, and so no reading of the feet's motion in the picture either (a
    # moving camera swamps it).
    before = analyze_sequence(replace(seq, camera=None, foot_motion=None))
    assert fixed.metrics.walk_direction == "forward"
    assert backward_s(fixed) < 0.6 * backward_s(before), (backward_s(fixed), backward_s(before))
    assert any("the camera moved" in w for w in fixed.quality.warnings)


@pytest.mark.slow
def test_a_rendered_walk_filmed_by_a_following_camera_end_to_end(tmp_path):
    """Pixels to result: a backward side walk on a taped 3 m course, filmed by a camera that pans
    to keep the walker in the middle (the course's marks given as they lie in the first frame).
    The pan is found from the room behind the walker and undone: every step, the direction and
    the step length on the floor come out as if the camera had stood still."""
    from vision.analysis import AnalysisOptions
    from vision.gait.agreement import match_events
    from vision.gait.scale import FloorCalibration
    from vision.pipeline import extract_pose
    from vision.result import Event
    from vision.synthetic.clips import ClipSpec, make_clip

    spec = ClipSpec(
        WalkParams(
            direction="backward", distance_m=3.0, stand_before_s=0.6, stand_after_s=0.6, seed=4
        ),
        view="side",
        floor_lines=True,
        follow_s=1.0,
    )
    doc = make_clip(spec, tmp_path / "follow.mp4")
    pan = np.array(doc["camera_pan_px"])
    assert np.ptp(pan) > 0.3 * spec.width  # the camera really pans
    two = doc["floor_calibration"]["two_point"]
    opts = AnalysisOptions(
        calibration=FloorCalibration(tuple(map(tuple, two["image_px"])), two["distance_m"])
    )
    seq = extract_pose(tmp_path / "follow.mp4")
    assert camera_move(seq.camera, seq.width).moved
    # The background's shift is the pan, to a few pixels (the picture moves right: the room left).
    n = min(len(pan), len(seq))
    assert np.abs(seq.camera[:n, SHIFT_X] + (pan[:n] - pan[0])).max() < 8.0

    res = analyze_sequence(seq, opts)
    truth = [Event(**e) for e in doc["events"]]
    contacts = match_events(res.events, truth, "contact", 0.1)
    assert res.metrics.walk_direction == "backward"
    assert res.metrics.step_count == len(doc["steps"])
    assert contacts.precision >= 0.8 and contacts.recall >= 0.8, contacts
    assert abs(res.metrics.step_length_m.mean - doc["step_length_m"]) < 0.03
    # Taken as it is filmed, the pan moves the planted feet: the floor lengths are off.
    still = analyze_sequence(replace(seq, camera=None), opts)
    assert abs(still.metrics.step_length_m.mean - doc["step_length_m"]) > 0.1
