"""Bouts and turns: an out-and-back walk is two bouts with a turn between, pooled in the metrics."""

from __future__ import annotations

import numpy as np
import pytest

from vision.analysis import AnalysisOptions, analyze_sequence
from vision.gait.bouts import walking_bouts
from vision.result import AnalysisResult, Segment, result_from_dict

STEPS_EACH_WAY = 8


def _out_and_back(direction: str) -> tuple[AnalysisResult, object]:
    from vision.synthetic import WalkParams, simulate_walk
    from vision.synthetic.camera import view_camera
    from vision.synthetic.landmarks import LandmarkNoise, landmark_sequence

    params = WalkParams(direction=direction, n_steps=STEPS_EACH_WAY, turning=True)
    truth = simulate_walk(params)
    cam = view_camera(truth.joints, float(truth.facing_deg[0]), "side")
    seq = landmark_sequence(truth, cam, LandmarkNoise.blazepose_like(), seed=7)
    return analyze_sequence(seq, AnalysisOptions(height_cm=170)), (params, truth)


@pytest.fixture(scope="module", params=["backward", "forward"])
def out_and_back(request):
    return request.param, *_out_and_back(request.param)


def test_the_turn_is_its_own_segment_between_the_walks(out_and_back):
    direction, result, (_, truth) = out_and_back
    turn = next(s for s in truth.segments if s["direction"] == "turning")
    found = [s for s in result.segments if s.direction == "turning"]
    assert len(found) == 1
    assert found[0].start_s == pytest.approx(turn["start_s"], abs=0.3)
    assert found[0].end_s == pytest.approx(turn["end_s"], abs=0.3)
    walks = [s.direction for s in result.segments if s.direction in ("forward", "backward")]
    assert set(walks) == {direction}


def test_each_way_is_a_bout_and_the_metrics_pool_them(out_and_back):
    direction, result, (params, _) = out_and_back
    assert [b.direction for b in result.bouts] == [direction, direction]
    # Each way: the steps and the closing step (the turn's steps are the turn's).
    assert [b.step_count for b in result.bouts] == [STEPS_EACH_WAY + 1] * 2
    assert result.metrics.step_count == 2 * (STEPS_EACH_WAY + 1)
    true_speed = params.step_length_m * params.cadence_spm / 60.0
    for bout in result.bouts:
        assert bout.cadence_spm == pytest.approx(params.cadence_spm, abs=2.0)
        assert bout.speed_mps == pytest.approx(true_speed, rel=0.05)
        assert bout.step_length_m == pytest.approx(params.step_length_m, abs=0.02)
    # Before the bouts were pooled, a walk across a turn had no speed (or a net ~0 one).
    assert result.metrics.speed_mps == pytest.approx(true_speed, rel=0.05)
    speeds = [b.speed_mps for b in result.bouts]
    assert min(speeds) - 1e-3 <= result.metrics.speed_mps <= max(speeds) + 1e-3
    assert result.metrics.cadence_spm == pytest.approx(params.cadence_spm, abs=2.0)


def test_bouts_travel_in_the_result_document(out_and_back):
    _, result, _ = out_and_back
    doc = result.to_dict()
    assert set(doc["bouts"][0]) == {
        "start_s",
        "end_s",
        "direction",
        "step_count",
        "cadence_spm",
        "speed_mps",
        "step_length_m",
    }
    assert result_from_dict(doc).bouts == result.bouts


def _seg(a: float, b: float, direction: str) -> Segment:
    return Segment(start_s=a, end_s=b, direction=direction, view="side")  # type: ignore[arg-type]


def test_walks_join_across_lost_pose_but_not_across_a_turn_standing_or_a_new_facing():
    t = np.arange(0, 20, 0.1)
    facing = np.where(t < 10, 1, -1)
    segments = [
        _seg(0.0, 3.0, "forward"),
        _seg(3.8, 6.0, "forward"),  # pose lost 0.8 s: the same bout
        _seg(6.1, 7.0, "standing"),
        _seg(7.1, 9.0, "forward"),  # after standing: a new bout
        _seg(11.0, 14.0, "forward"),  # facing the other way (left the picture, came back)
        _seg(14.1, 15.0, "turning"),
        _seg(15.1, 18.0, "backward"),
    ]
    bouts = walking_bouts(segments, facing, t)
    assert [(b.start_s, b.end_s, b.direction) for b in bouts] == [
        (0.0, 6.0, "forward"),
        (7.1, 9.0, "forward"),
        (11.0, 14.0, "forward"),
        (15.1, 18.0, "backward"),
    ]
    # Feet rest on their footprints through the standing beside a bout, not through a turn.
    assert bouts[0].rest_s == (0.0, 7.0)
    assert bouts[1].rest_s == (6.1, 9.0)
    assert bouts[2].rest_s == (11.0, 14.0)


def test_the_summary_lists_each_bout_with_units(out_and_back):
    from service.commands.summary import summary_text

    direction, result, _ = out_and_back
    lines = [
        line for line in summary_text(result.to_dict()).splitlines() if line.startswith("bout")
    ]
    assert len(lines) == 2
    assert all(direction in line and "steps/min" in line and "m/s" in line for line in lines)
