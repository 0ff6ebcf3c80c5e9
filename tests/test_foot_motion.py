"""The picture's change around each foot, and the steps timed from it (front and back views)."""

from __future__ import annotations

import numpy as np
import pytest

from vision.foot_motion import by_picture_side, foot_motion, grey, where_camera_still
from vision.gait.events.foot_motion import MotionOptions, find_swings, motion_events, stride_time_s
from vision.landmarks import IDX, L_ANKLE, L_KNEE, NUM_LANDMARKS, R_ANKLE, R_KNEE
from vision.sequence import PoseSequence

FPS = 30.0


def _legs(left_x: float, right_x: float, y: float = 400.0) -> np.ndarray:
    """(33, 2) landmarks with two upright legs, shank 100 px, feet at ``left_x``/``right_x``."""
    xy = np.full((NUM_LANDMARKS, 2), np.nan)
    for x, knee, ankle, heel, toe in (
        (left_x, L_KNEE, L_ANKLE, "left_heel", "left_foot_index"),
        (right_x, R_KNEE, R_ANKLE, "right_heel", "right_foot_index"),
    ):
        xy[knee] = (x, y - 100)
        xy[ankle] = (x, y)
        xy[IDX[heel]] = (x - 5, y + 10)
        xy[IDX[toe]] = (x + 5, y + 10)
    return xy


def test_only_the_foot_whose_box_changes_moves():
    previous = np.zeros((600, 800, 3), np.uint8)
    current = previous.copy()
    current[395:415, 190:210] = 200  # a shoe appears at the left foot (x 200)
    current[100:120, 590:610] = 200  # and something far above the right foot: not its box
    m = foot_motion(previous, current, _legs(200, 600))
    # 20x20 changed in a 51x61 box, and the 3x3 blur spreads it one pixel further each way
    assert m[0] == pytest.approx(22 * 22 / (51 * 61))
    assert m[1] == 0.0


def test_a_foot_without_points_or_outside_the_picture_is_not_measured():
    frame = np.zeros((600, 800, 3), np.uint8)
    xy = _legs(200, 600)
    xy[IDX["right_heel"]] = np.nan
    assert np.isnan(foot_motion(frame, frame, xy)[1])
    assert np.isnan(foot_motion(frame, frame, _legs(-500, 2000))).all()


@pytest.mark.parametrize(
    "box", [(100, 50, 160, 130), (0, 0, 40, 30), (760, 570, 800, 600), (0, 200, 800, 201)]
)
def test_a_box_of_grey_reads_as_the_whole_frame_does_there(box):
    # Only the feet's boxes are turned grey: the values must be the whole frame's, at the
    # picture's edges too, or the motion would depend on where a foot stands.
    rgb = np.random.default_rng(3).integers(0, 256, (600, 800, 3), dtype=np.uint8)
    x0, y0, x1, y1 = box
    np.testing.assert_array_equal(grey(rgb, box), grey(rgb)[y0:y1, x0:x1])


def test_frames_where_the_camera_moved_are_dropped():
    motion = np.ones((4, 2))
    camera = np.zeros((4, 3))
    camera[2:, 1] = 5.0  # the background shifted 5 px into frame 2, then stayed
    out = where_camera_still(motion, camera)
    assert np.isnan(out[2]).all() and np.isfinite(out[[0, 1, 3]]).all()
    assert np.isfinite(where_camera_still(motion, None)).all()


def _walk(
    n_steps: int = 6,
    step_s: float = 0.6,
    swing_s: float = 0.4,
    start_s: float = 0.5,
    tail_s: float = 1.0,
) -> tuple[np.ndarray, np.ndarray, list[tuple[str, float, float]]]:
    """(T, 2) motion of alternating swings (right first), its times, and each swing's
    (foot, start_s, end_s)."""
    t = np.arange(0, start_s + n_steps * step_s + tail_s, 1 / FPS)
    m = np.zeros((len(t), 2))
    swings = []
    for k in range(n_steps):
        f = (k + 1) % 2
        a = start_s + k * step_s
        b = a + swing_s
        on = (t >= a) & (t < b)
        m[on, f] = 0.2
        swings.append((("left", "right")[f], a, b))
    return m, t, swings


def test_a_contact_comes_a_tenth_of_the_stride_before_the_foot_stops_moving():
    m, t, truth = _walk()
    events = motion_events(m, t, np.arange(len(t)), MotionOptions(loading_fraction=0.09))
    contacts = [e for e in events if e.type == "contact"]
    lifts = [e for e in events if e.type == "lift"]
    assert [e.foot for e in contacts] == [foot for foot, _, _ in truth]
    stride = 2 * 0.6
    for e, (_, _, b) in zip(contacts, truth, strict=True):
        assert e.t_s == pytest.approx(b - 0.09 * stride, abs=0.5 / FPS)
    for e, (_, a, _) in zip(lifts, truth, strict=True):
        assert e.t_s == pytest.approx(a, abs=1 / FPS)


def test_blips_and_a_pause_before_landing_do_not_make_steps():
    m, t, truth = _walk()
    i = int(round((truth[2][2] - 0.1) * FPS))  # a 2-frame near stop just before a landing
    f = 0 if truth[2][0] == "left" else 1
    m[i : i + 2, f] = 0.0
    quiet = int(round((truth[2][2] + 0.25) * FPS))
    m[quiet, 1 - f] = 0.3  # a one-frame blip in the other foot's box while both stand
    swings = find_swings(m, t)
    assert len(swings) == len(truth)
    assert sum(e.type == "contact" for e in motion_events(m, t, np.arange(len(t)))) == len(truth)


@pytest.mark.parametrize("tail", [0.9, 1.1])
def test_a_weak_swing_near_the_level_is_one_swing_timed_where_it_passes_the_level(tail):
    """From the front or back (feet apart in the picture), a first swing from standing that
    moves little: strong for 4 frames (too short to be a swing alone), then hovering near the
    level (a quarter of the typical swing's motion) until it lands. Whether the hover sits a
    tenth below the level or a tenth above (the level moves that much when the picture moves by
    a pixel), it is one swing, and it ends where the motion last passes the level."""
    m, t, truth = _walk()
    _, a, b = truth[0]
    i, j = int(round(a * FPS)), int(round(b * FPS))
    level = 0.25 * 0.2
    m[i + 4 : j, 1] = tail * level
    if tail < 1:  # from the side no run is held through a dip: the first swing is lost
        assert len(find_swings(m, t)) == len(truth) - 1
    swings = find_swings(m, t, feet_apart=True)
    assert len(swings) == len(truth)
    first = swings[0]
    assert first.foot == "right" and first.start == i and first.stop == j
    last_above = i + 3 if tail < 1 else j - 1
    assert t[last_above] < first.fall_s <= t[last_above + 1]


def test_the_swinging_foot_passing_beside_the_standing_one_is_not_its_swing():
    """The closing step from the front or back brings the swinging foot right beside the
    standing one, whose box then changes too, inside the swing's own run: walking has one foot
    in the air at a time, so that is not a swing of the standing foot. From the side the feet
    cross each other's boxes at every step, and the rule is not applied."""
    m, t, truth = _walk()
    foot, a, b = truth[-1]
    f = ("left", "right").index(foot)
    m[int(round((b - 0.2) * FPS)) : int(round(b * FPS)), 1 - f] = 0.2
    assert len(find_swings(m, t, feet_apart=True)) == len(truth)
    assert len(find_swings(m, t)) == len(truth) + 1
    contacts = [e for e in motion_events(m, t, np.arange(len(t)), feet_apart=True)]
    assert [e.foot for e in contacts if e.type == "contact"] == [x for x, _, _ in truth]


def test_a_swing_cut_by_the_clip_or_a_missing_frame_has_no_event_at_that_end():
    m, t, truth = _walk(start_s=0.0)
    swings = find_swings(m, t)
    assert np.isnan(swings[0].rise_s) and np.isfinite(swings[0].fall_s)
    end = int(round(truth[-1][2] * FPS))
    m[end, :] = np.nan
    last = find_swings(m, t)[-1]
    assert np.isnan(last.fall_s)


def test_stride_time_from_the_swings_ends():
    m, t, _ = _walk(step_s=0.55)
    swings = find_swings(m, t)
    assert stride_time_s(swings, 9.0) == pytest.approx(1.1, abs=1 / FPS)
    assert stride_time_s(swings[:2], 9.0) == pytest.approx(1.1, abs=1 / FPS)
    assert stride_time_s(swings[:1], 9.0) == 9.0


def test_foot_motion_travels_with_the_sequence(tmp_path):
    n = 5
    motion = np.arange(2 * n, dtype=float).reshape(n, 2)
    seq = PoseSequence.empty(n, FPS, 640, 480)
    seq.foot_motion = motion
    loaded = PoseSequence.load(seq.save(tmp_path / "s.npz"))
    np.testing.assert_array_equal(loaded.foot_motion, motion)
    np.testing.assert_array_equal(seq.slice(1, 3).foot_motion, motion[1:3])
    rev = seq.reversed().foot_motion
    # The change into reversed frame 1 (original frame 3) is the original's change into frame 4.
    assert np.isnan(rev[0]).all()
    np.testing.assert_array_equal(rev[1], motion[4])
    np.testing.assert_array_equal(rev[4], motion[1])
    with pytest.raises(ValueError, match="foot_motion"):
        PoseSequence(
            t_s=seq.t_s,
            frame_index=seq.frame_index,
            image=seq.image,
            world=seq.world,
            visibility=seq.visibility,
            fps=FPS,
            width=640,
            height=480,
            foot_motion=np.zeros((n, 3)),
        )


def _walk_seen_from_behind(left_x: np.ndarray, right_x: np.ndarray) -> np.ndarray:
    return np.stack([_legs(lx, rx) for lx, rx in zip(left_x, right_x, strict=True)])


def test_brief_label_swaps_from_the_front_or_back_are_undone():
    # Left foot at x 300, right at 330 (a step's width apart, shank 100 px); the pose model swaps
    # their labels in frames 20-23, and each label's box then measured the other foot.
    n = 60
    left_x, right_x = np.full(n, 300.0), np.full(n, 330.0)
    left_x[20:24], right_x[20:24] = 330.0, 300.0
    xy = _walk_seen_from_behind(left_x, right_x)
    motion = np.column_stack([np.linspace(0, 0.5, n), np.zeros(n)])
    out = by_picture_side(motion, xy, FPS)
    assert np.array_equal(out[20:24], motion[20:24][:, ::-1])
    assert np.array_equal(
        np.delete(out, np.s_[20:24], axis=0), np.delete(motion, np.s_[20:24], axis=0)
    )


def test_feet_too_close_to_order_and_a_turn_keep_their_labels():
    n = 90
    left_x, right_x = np.full(n, 300.0), np.full(n, 330.0)
    left_x[10:13] = 334.0  # 4 px the wrong way round: under a tenth of a shank, unsure
    left_x[45:], right_x[45:] = 330.0, 300.0  # the walker turns: sides change for good
    motion = np.column_stack([np.linspace(0, 0.5, n), np.zeros(n)])
    out = by_picture_side(motion, _walk_seen_from_behind(left_x, right_x), FPS)
    # Each frame's order is the majority of its own window, on either side of the turn (a
    # majority over the whole walk would swap one half).
    assert np.array_equal(out, motion)
