"""Forward and backward walks of one recording measured alike (the comparison walk)."""

from __future__ import annotations

from pathlib import Path

import pytest

from vision.analysis import analyze_sequence
from vision.findings import message
from vision.gait.comparison import FORWARD_NORMS
from vision.result import result_from_dict
from vision.synthetic import WalkParams, simulate_walk
from vision.synthetic.camera import view_camera
from vision.synthetic.landmarks import LandmarkNoise, landmark_sequence

DEMO = (
    Path(__file__).resolve().parents[1].parent
    / "shared"
    / "videos"
    / "backward_walk_side_demo4.mp4"
)
SHARED = ("step_count", "cadence_spm", "speed_mps", "stride_time_sd_ms", "double_support_pct")


def _analysed(direction: str):
    truth = simulate_walk(WalkParams(n_steps=8, direction=direction))
    cam = view_camera(truth.joints, float(truth.facing_deg[0]), "side")
    return analyze_sequence(landmark_sequence(truth, cam, LandmarkNoise(), seed=3))


def _same_as_main(result, walk) -> None:
    """The main walk's entry is the main metrics, number for number."""
    m = result.metrics
    for key in SHARED:
        assert getattr(walk, key) == getattr(m, key), key
    assert walk.step_length_m == m.step_length_m
    assert walk.step_time_s == m.step_time_s
    assert walk.trunk_flexion_deg == m.trunk_flexion_deg


def test_forward_only_walk_is_measured_and_says_it_is_not_backward():
    res = _analysed("forward")
    comp = res.comparison
    assert res.metrics.walk_direction == "forward"
    assert comp.forward is not None and comp.forward.step_count >= 6
    assert comp.forward.speed_mps is None or comp.forward.speed_mps > 0
    _same_as_main(res, comp.forward)
    assert comp.backward is None
    assert comp.reasons["backward"] == message("comparison.not_backward")
    assert "not a backward walk" in comp.reasons["backward"]
    assert comp.backward_to_forward is None
    assert comp.reasons["backward_to_forward"] == message("comparison.missing_walk")
    # Forward norms travel with a forward walk, labelled by their source.
    assert comp.forward_norms == list(FORWARD_NORMS)
    assert {n.source for n in comp.forward_norms} == {
        "Bohannon 2011",
        "Studenski et al., JAMA 2011",
    }


def test_backward_only_walk_has_no_forward_entry_and_no_norms():
    res = _analysed("backward")
    comp = res.comparison
    assert comp.backward is not None
    _same_as_main(res, comp.backward)
    assert comp.forward is None
    assert comp.reasons["forward"] == "no forward walking was seen in this recording"
    assert comp.backward_to_forward is None and comp.forward_norms == []


def test_comparison_survives_the_json_document():
    res = _analysed("forward")
    doc = res.to_dict()
    assert doc["comparison"]["backward"] is None
    assert doc["comparison"]["forward"]["step_count"] == res.comparison.forward.step_count
    assert result_from_dict(doc).comparison == res.comparison


@pytest.mark.slow
def test_demo_clip_compares_its_forward_and_backward_walks():
    if not DEMO.exists():
        pytest.skip(f"real test clip {DEMO.name} not available")
    from vision.pipeline import extract_pose

    res = analyze_sequence(extract_pose(DEMO))
    comp = res.comparison
    assert res.metrics.walk_direction == "backward"
    assert comp.forward is not None and comp.backward is not None
    _same_as_main(res, comp.backward)
    # Frames 25-165 forward, 190-345 backward (MANIFEST.md): a few steps each way.
    assert comp.forward.step_count >= 5 and comp.backward.step_count >= 5
    ratios = comp.backward_to_forward
    assert ratios is not None and comp.reasons == {}
    # Backward walking is slower with shorter steps at a similar cadence (DOMAIN.md).
    assert ratios.speed_ratio is not None and 0.4 < ratios.speed_ratio < 1.0
    assert ratios.step_length_ratio is not None and 0.4 < ratios.step_length_ratio < 1.0
    assert ratios.cadence_ratio is not None and 0.8 < ratios.cadence_ratio < 1.2
    assert ratios.speed_ratio == pytest.approx(
        comp.backward.speed_mps / comp.forward.speed_mps, abs=0.002
    )
