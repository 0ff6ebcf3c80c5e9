"""Sliding is not stepping: feet moved along the floor give no steps and say so; a shuffle with
small but real lifts keeps its steps."""

from __future__ import annotations

import pytest

from vision.analysis import analyze_sequence
from vision.finding_texts import CATALOGUE
from vision.synthetic import WalkParams, simulate_walk
from vision.synthetic.camera import view_camera
from vision.synthetic.gaits import shuffling_walk, sliding_walk
from vision.synthetic.landmarks import LandmarkNoise, landmark_sequence

SLID = CATALOGUE["events.feet_slid"][1].split(":")[0]


def _analyse(params: WalkParams, view: str):
    truth = simulate_walk(params)
    cam = view_camera(truth.joints, float(truth.facing_deg[0]), view)
    seq = landmark_sequence(truth, cam, LandmarkNoise.blazepose_like(), seed=7)
    return truth, analyze_sequence(seq)


@pytest.mark.parametrize("view", ["side", "oblique"])
@pytest.mark.parametrize("direction", ["backward", "forward"])
def test_a_sliding_walk_takes_no_steps_and_says_so(direction, view):
    truth, res = _analyse(sliding_walk(WalkParams(direction=direction, n_steps=8)), view)
    assert len(truth.steps) == 9  # the walker did travel, foot by foot
    assert res.metrics.step_count == 0
    assert res.metrics.cadence_spm is None
    assert res.extras["event_checks"]["slid"] >= 6
    assert any(w.startswith(SLID) for w in res.quality.warnings)
    assert res.extras["metric_quality"]["cadence_spm"]["grade"] == "poor"


@pytest.mark.parametrize("step_length_m", [0.15, 0.25])
@pytest.mark.parametrize("view", ["side", "oblique"])
@pytest.mark.parametrize("direction", ["backward", "forward"])
def test_a_shuffling_walk_keeps_its_steps(direction, view, step_length_m):
    params = WalkParams(direction=direction, n_steps=8, cadence_spm=90.0)
    truth, res = _analyse(shuffling_walk(params, step_length_m), view)
    assert res.extras["event_checks"]["slid"] == 0
    assert not any(w.startswith(SLID) for w in res.quality.warnings)
    assert abs(res.metrics.step_count - len(truth.steps)) <= 1
    assert res.metrics.cadence_spm == pytest.approx(90.0, abs=3.0)
