"""Standing still and the first movement after it, on hand-made point tracks (body heights)."""

from __future__ import annotations

import numpy as np
import pytest

from vision.gait.first_movement import first_movement, standing_still

FPS = 30.0
MOVE = dict(least_bh=0.01, noise_factor=3.5, hold_s=0.15)


def _tracks(n_still: int, n_move: int = 45, jitter: float = 0.004, seed: int = 0) -> np.ndarray:
    """(T, 5, 2): pelvis, left heel and toe, right heel and toe; standing for ``n_still`` rows,
    then the left foot steps 0.25 body heights back over 0.4 s and the pelvis follows."""
    rng = np.random.default_rng(seed)
    place = np.array([[0.0, 0.5], [-0.02, 1.0], [0.06, 1.0], [0.02, 1.01], [0.1, 1.01]])
    pts = np.repeat(place[None], n_still + n_move, axis=0)
    ramp = np.clip((np.arange(n_move) / FPS) / 0.4, 0.0, 1.0)
    pts[n_still:, 1:3, 0] -= 0.25 * ramp[:, None]
    pts[n_still:, 0, 0] -= 0.12 * ramp
    return pts + rng.normal(0.0, jitter, pts.shape)


def test_still_start_and_first_movement_found_to_a_frame():
    pts = _tracks(60)
    ok = np.ones(len(pts), bool)
    still = standing_still(pts, ok, FPS, 0.5, 0.025)
    assert still is not None and still[0] <= 2
    assert 55 <= still[1] <= 70  # the stretch ends once the foot has gone
    moved = first_movement(pts, ok, still, FPS, **MOVE)
    assert moved is not None and abs(moved - 60) <= 2


def test_leg_label_swaps_and_lost_frames_are_not_a_movement():
    pts = _tracks(90, seed=1)
    swapped = pts.copy()
    for a in (10, 40, 70):  # the pose model calls the left foot right for a few frames
        swapped[a : a + 6, 1:3], swapped[a : a + 6, 3:5] = pts[a : a + 6, 3:5], pts[a : a + 6, 1:3]
    ok = np.ones(len(pts), bool)
    ok[[25, 26, 55]] = False
    swapped[~ok] = np.nan
    still = standing_still(swapped, ok, FPS, 0.5, 0.025)
    assert still is not None and still[0] <= 2 and still[1] >= 85
    moved = first_movement(swapped, ok, still, FPS, **MOVE)
    assert moved is not None and abs(moved - 90) <= 2


@pytest.mark.parametrize("fps", [30.0, 60.0])
def test_standing_is_a_place_kept_at_any_frame_rate(fps):
    """The same jitter per frame at twice the frame rate doubles a speed between frames, not a
    distance from a place."""
    n = int(2.0 * fps)
    rng = np.random.default_rng(3)
    pts = np.zeros((n, 5, 2)) + rng.normal(0.0, 0.005, (n, 5, 2))
    assert standing_still(pts, np.ones(n, bool), fps, 0.5, 0.025) == (0, n)


def test_a_long_wait_is_read_in_one_pass():
    """Ten minutes of standing before the walk: found whole, and the step after it."""
    pts = _tracks(18000, seed=2)
    ok = np.ones(len(pts), bool)
    still = standing_still(pts, ok, FPS, 0.5, 0.025)
    assert still is not None and still[0] <= 2 and still[1] >= 17990
    assert abs(first_movement(pts, ok, still, FPS, **MOVE) - 18000) <= 2


def test_no_stillness_no_stretch():
    walking = np.cumsum(np.full((60, 5, 2), 0.01), axis=0)
    assert standing_still(walking, np.ones(60, bool), FPS, 0.5, 0.025) is None
