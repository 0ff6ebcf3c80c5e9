"""Cadence from the trunk's side-to-side sway (vision.gait.rhythm) and its use from the front and
back (vision.analysis)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from vision import landmarks as lm
from vision.analysis import AnalysisOptions, analyze_sequence
from vision.gait.rhythm import RhythmOptions, sway_rhythm
from vision.synthetic import WalkParams, simulate_walk
from vision.synthetic.camera import view_camera
from vision.synthetic.landmarks import LandmarkNoise, landmark_sequence

FPS = 30.0
TRUNK = (lm.L_SHOULDER, lm.R_SHOULDER, lm.L_HIP, lm.R_HIP)


def _trunk_moving(x: np.ndarray) -> np.ndarray:
    """(T, 33, 3) image landmarks whose trunk points all sit at image x ``x`` (T,) pixels."""
    image = np.zeros((x.size, lm.NUM_LANDMARKS, 3))
    image[:, list(TRUNK), 0] = x[:, None]
    return image


def _sway(t: np.ndarray, stride_s: float, harmonic: float = 0.0, seed: int = 0) -> np.ndarray:
    """A walk drifting across the picture (pixels) with a sway of one cycle per stride, some
    of its second harmonic, and a pose model's jitter."""
    rng = np.random.default_rng(seed)
    phase = 2 * np.pi * t / stride_s
    return (
        300
        + 40 * t
        + 6 * t**2
        + 8 * np.sin(phase)
        + harmonic * 8 * np.sin(2 * phase + 1)
        + rng.normal(0, 2.0, t.size)
    )


def test_stride_read_from_a_drifting_sway():
    t = np.arange(0, 6, 1 / FPS)
    r = sway_rhythm(_trunk_moving(_sway(t, 1.1)), t, (0.0, 6.0))
    assert r is not None
    assert r.stride_s == pytest.approx(1.1, rel=0.01)
    assert r.cadence_spm == pytest.approx(120 / 1.1, rel=0.01)
    assert r.steps_over(4 * 1.1) == pytest.approx(8.0, rel=0.01)  # two steps per stride


def test_a_second_harmonic_does_not_halve_the_stride():
    # The weight shifts over double support put a second harmonic in the sway; the stride is
    # still the fundamental's period, not the harmonic's.
    t = np.arange(0, 6, 1 / FPS)
    r = sway_rhythm(_trunk_moving(_sway(t, 1.3, harmonic=0.6)), t, (0.0, 6.0))
    assert r is not None and r.stride_s == pytest.approx(1.3, rel=0.01)


def test_jitter_alone_has_no_rhythm():
    t = np.arange(0, 6, 1 / FPS)
    x = 300 + 40 * t + np.random.default_rng(1).normal(0, 2.0, t.size)
    assert sway_rhythm(_trunk_moving(x), t, (0.0, 6.0)) is None


def test_a_walk_shorter_than_two_strides_has_no_rhythm():
    t = np.arange(0, 6, 1 / FPS)
    image = _trunk_moving(_sway(t, 1.1))
    assert sway_rhythm(image, t, (1.0, 3.5)) is None  # 1.5 s left once trimmed
    assert sway_rhythm(image, t, (1.0, 3.5), RhythmOptions(trim_s=0.0)) is not None


def test_frames_without_a_pose_are_bridged():
    t = np.arange(0, 6, 1 / FPS)
    image = _trunk_moving(_sway(t, 1.1))
    image[60:66] = np.nan
    r = sway_rhythm(image, t, (0.0, 6.0))
    assert r is not None and r.stride_s == pytest.approx(1.1, rel=0.01)


def _scrambled_feet_depth(seq, seed: int = 0):
    """The walk with the feet's depth replaced by a wandering guess (the pose model's depth of
    the feet seen from behind follows the truth with a correlation of only about 0.4)."""
    rng = np.random.default_rng(seed)
    out = replace(seq, image=seq.image.copy())
    feet = [lm.L_HEEL, lm.L_TOE, lm.R_HEEL, lm.R_TOE, lm.L_ANKLE, lm.R_ANKLE]
    scale = float(np.nanstd(out.z[:, feet]))
    kernel = np.hanning(9) / np.hanning(9).sum()
    for j in feet:
        wander = np.convolve(rng.normal(0, 3 * scale, len(out)), kernel, mode="same")
        out.z[:, j] = out.z[:, j] + wander
    return out


@pytest.mark.parametrize("view", ["front", "back"])
def test_cadence_from_the_front_and_back_does_not_rest_on_the_feet(view):
    """With the feet's depth scrambled the contacts are wrong (17 and 18 steps for 11), and
    before the sway was read the cadence was theirs: 26 and 38 steps/min too high here."""
    truth = simulate_walk(WalkParams(direction="backward", n_steps=10, cadence_spm=96.0))
    cam = view_camera(truth.joints, float(truth.facing_deg[0]), view)
    seq = _scrambled_feet_depth(
        landmark_sequence(truth, cam, LandmarkNoise.blazepose_like(), seed=7)
    )
    res = analyze_sequence(seq, AnalysisOptions())
    assert res.extras["view"] == view
    assert res.metrics.cadence_spm == pytest.approx(truth.cadence_spm, abs=2.0)
    assert res.metrics.step_time_s.mean == pytest.approx(60 / res.metrics.cadence_spm, abs=1e-3)
    assert res.extras["sway_rhythm"]["cadence_spm"] == pytest.approx(
        res.metrics.cadence_spm, abs=0.01
    )
    assert res.metrics.step_count >= len(truth.steps) + 3
    # The walk's ends, found partly from the feet, are a little off too.
    assert abs(res.extras["metrics_more"]["step_count_by_rhythm"] - len(truth.steps)) <= 1
    assert any("trunk's side-to-side sway" in w for w in res.quality.warnings)
    assert any("the walk's time at the sway's cadence" in w for w in res.quality.warnings)


def test_side_views_keep_the_contacts_cadence():
    # From the side the sway is along the line of sight: nothing to read.
    truth = simulate_walk(WalkParams(direction="backward", n_steps=8))
    cam = view_camera(truth.joints, float(truth.facing_deg[0]), "side")
    res = analyze_sequence(
        landmark_sequence(truth, cam, LandmarkNoise.blazepose_like(), seed=7), AnalysisOptions()
    )
    assert res.extras["sway_rhythm"] is None
    assert res.extras["metrics_more"]["step_count_by_rhythm"] is None
    assert res.metrics.cadence_spm == pytest.approx(truth.cadence_spm, abs=2.0)
    assert not any("sway" in w and "cadence" in w for w in res.quality.warnings)


def test_a_drift_slower_than_any_stride_is_not_a_rhythm():
    # A hand-held camera's slow swing, 4 s per cycle: its best fit lies at the longest stride
    # looked for, which is the range's end, not a walking rhythm.
    t = np.arange(0, 8, 1 / FPS)
    x = 300 + 25 * np.sin(2 * np.pi * t / 4.0) + np.random.default_rng(2).normal(0, 2.0, t.size)
    assert sway_rhythm(_trunk_moving(x), t, (0.0, 8.0)) is None


def test_the_step_estimate_covers_every_walk_of_the_main_direction():
    # Backward away from the camera, a turn, backward back toward it: two backward walks, and
    # the steps are counted over both (the estimate once covered only the longer: 9 for 18).
    truth = simulate_walk(WalkParams(direction="backward", n_steps=8, turning=True))
    cam = view_camera(truth.joints, float(truth.facing_deg[0]), "front")
    res = analyze_sequence(
        landmark_sequence(truth, cam, LandmarkNoise.blazepose_like(), seed=7), AnalysisOptions()
    )
    assert sum(g.direction == "backward" for g in res.segments) == 2
    assert res.metrics.step_count == 18
    assert res.extras["metrics_more"]["step_count_by_rhythm"] == 18
    assert not any("the walk's time at the sway's cadence" in w for w in res.quality.warnings)


def _front_walk(seed: int, variability: float, n_steps: int = 10):
    params = WalkParams(
        direction="backward",
        n_steps=n_steps,
        cadence_spm=(88.0, 100.0, 112.0)[seed % 3],
        step_variability=variability,
        seed=seed,
    )
    truth = simulate_walk(params)
    cam = view_camera(truth.joints, float(truth.facing_deg[0]), "front")
    seq = landmark_sequence(truth, cam, LandmarkNoise.blazepose_like(), seed=seed)
    walk = (params.stand_before_s, float(seq.t_s[-1]) - params.stand_after_s)
    return params, sway_rhythm(seq.image, seq.t_s, walk)


def test_the_cadence_standard_error_covers_the_persons_cadence():
    # Steps varying by 4%: a walk's mean cadence falls off the person's by about 1.5 steps/min,
    # which the fit of the sway alone (its SE about 0.5) would call impossible.
    errors, ses = [], []
    for seed in range(16):
        params, r = _front_walk(seed, 0.04)
        assert r is not None and r.cadence_se_spm is not None
        errors.append(r.cadence_spm - params.cadence_spm)
        ses.append(r.cadence_se_spm)
    z = np.abs(errors) / np.asarray(ses)
    assert np.mean(z <= 1.96) >= 0.8
    assert 0.5 < np.std(errors) / np.mean(ses) < 1.5


def test_fewer_than_three_strides_give_no_standard_error():
    t = np.arange(0, 4.0, 1 / FPS)  # 3 s once trimmed: two whole strides of 1.1 s
    r = sway_rhythm(_trunk_moving(_sway(t, 1.1)), t, (0.0, 4.0))
    assert r is not None and r.cadence_se_spm is None
