"""Stumble and fall detection: none on normal walks (synthetic in every view, real clips), found
on synthetic stumbles and falls."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from vision.gait.stumbles import StumbleOptions, detect_stumbles, hip_height_body_heights
from vision.sequence import PoseSequence
from vision.synthetic import Stumble, WalkParams, simulate_walk
from vision.synthetic.camera import view_camera
from vision.synthetic.landmarks import LandmarkNoise, landmark_sequence

VIDEOS = Path(__file__).resolve().parents[1].parent / "shared" / "videos"
VIEWS = ("side", "front", "back", "oblique")


def _walk(view: str, seed: int = 1, **kw) -> PoseSequence:
    truth = simulate_walk(WalkParams(n_steps=8, **kw))
    cam = view_camera(truth.joints, float(truth.facing_deg[0]), view)
    return landmark_sequence(truth, cam, LandmarkNoise.blazepose_like(), seed=seed)


def _stumbles(seq: PoseSequence, options: StumbleOptions | None = None) -> list[dict]:
    post = seq.filled(0.25).smoothed(6.0)
    return detect_stumbles(
        post.xy,
        post.t_s,
        post.frame_index,
        options or StumbleOptions(),
        visibility=post.visibility,
        frame_size=(seq.width, seq.height),
    )


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize(
    "walk",
    [
        {"direction": "backward"},
        {"direction": "forward"},
        # Brisk: long steps lower the hips at double support far more than a slow walk does.
        {"direction": "forward", "cadence_spm": 120.0, "step_length_m": 0.7},
    ],
)
def test_normal_walks_have_no_stumbles(view, walk):
    for seed in (1, 2):
        assert _stumbles(_walk(view, seed=seed, **walk)) == [], (view, walk, seed)


@pytest.mark.parametrize("seed", [1, 2])
def test_side_view_stumble_is_found_when_it_happens(seed):
    found = _stumbles(_walk("side", seed=seed, stumble=Stumble(t_s=3.0, drop_m=0.12)))
    assert len(found) == 1
    s = found[0]
    assert s["kind"] == "stumble"
    assert 3.0 <= s["t_s"] <= 3.3
    # 12 cm of a 1.70 m person is 0.07 body heights below the walking level.
    assert s["drop_body_heights"] == pytest.approx(0.12 / 1.70, abs=0.02)


@pytest.mark.parametrize("view", VIEWS)
def test_fall_is_found_and_called_a_fall_in_every_view(view):
    for seed in (1, 2):
        found = _stumbles(_walk(view, seed=seed, stumble=Stumble(t_s=3.0, fall=True)))
        assert [s["kind"] for s in found] == ["fall"], (view, seed, found)
        assert 3.0 <= found[0]["t_s"] <= 3.5
        assert found[0]["drop_body_heights"] > 0.15


def test_hip_height_ignores_perspective_of_a_walk_toward_the_camera():
    # Front view backward walk: the person comes from far to near, so the hips' image y drifts
    # and the apparent size grows; hips over the floor in body heights must stay level.
    seq = _walk("front", direction="backward")
    xy = seq.filled(0.25).smoothed(6.0).xy
    hh = hip_height_body_heights(xy, seq.fps)
    walking = slice(int(1.5 * seq.fps), -int(1.5 * seq.fps))
    spread = np.nanpercentile(hh[walking], 95) - np.nanpercentile(hh[walking], 5)
    assert spread < 0.06


def test_threshold_is_honoured():
    seq = _walk("side", stumble=Stumble(t_s=3.0, drop_m=0.12))
    assert _stumbles(seq, StumbleOptions(drop_body_heights=0.2)) == []


def test_too_short_or_empty_input_gives_no_stumbles():
    nan = np.full((2, 33, 2), np.nan, dtype=np.float32)
    assert detect_stumbles(nan, np.array([0.0, 0.033]), np.array([0, 1])) == []
    seq = _walk("side")
    blank = np.full_like(seq.xy, np.nan)
    assert detect_stumbles(blank, seq.t_s, seq.frame_index) == []


# --- real clips (pose from the real model: slow) -------------------------------------------

REAL_CLIPS = (
    "backward_walk_side_demo4.mp4",  # forward, pause, backward, leaves the frame
    "forward_walk_side_labeled.mp4",  # leaves the frame at the end
    "two_people_side_occluded.mp4",  # walker passes behind a tree
    "forward_walk_oblique_overlay.avi",  # walks out of the picture at the left
)


@pytest.mark.slow
@pytest.mark.parametrize("clip", REAL_CLIPS)
def test_real_walks_have_no_stumbles(clip):
    path = VIDEOS / clip
    if not path.exists():
        pytest.skip(f"real test clip {clip} not available")
    from vision.pipeline import extract_pose

    seq = extract_pose(path)
    assert _stumbles(seq) == []
