"""Scores 0-100: anchors, missing metrics, and monotonicity (a worse metric never scores better)."""

from __future__ import annotations

import dataclasses

import pytest
from assess_results import make_steps, walk
from hypothesis import given, settings
from hypothesis import strategies as st

from vision.assess import AssessOptions, assess
from vision.assess.scores import ANCHORS, Anchor, component_score, compute_scores

SUBS = ("overall", "posture", "steps", "balance")

# Plausible ranges of every scored metric (units as in the metric names).
RANGES = {
    "trunk_flexion_deg": (-30.0, 60.0),
    "trunk_flexion_max": (0.0, 80.0),
    "trunk_lateral_lean_deg": (-20.0, 20.0),
    "head_pitch_deg": (-40.0, 60.0),
    "speed_mps": (0.05, 1.6),
    "step_length_mean": (0.05, 0.8),
    "step_length_cv": (0.0, 50.0),
    "step_length_asymmetry_pct": (0.0, 60.0),
    "stride_time_sd_ms": (5.0, 250.0),
    "sway_ml_body_heights": (0.0, 0.15),
    "double_support_pct": (10.0, 80.0),
    "stumbles": (0, 3),
}
# metric -> how to make it worse by d >= 0
WORSEN = {
    "trunk_flexion_deg": lambda x, d: x + d if x >= 0 else x - d,
    "trunk_flexion_max": lambda x, d: x + d,
    "trunk_lateral_lean_deg": lambda x, d: x + d if x >= 0 else x - d,
    "head_pitch_deg": lambda x, d: x + d if x >= 0 else x - d,
    "speed_mps": lambda x, d: max(x - d, 0.0),
    "step_length_mean": lambda x, d: max(x - d, 0.0),
    "step_length_cv": lambda x, d: x + d,
    "step_length_asymmetry_pct": lambda x, d: x + d,
    "stride_time_sd_ms": lambda x, d: x + d,
    "sway_ml_body_heights": lambda x, d: x + d / 100.0,
    "double_support_pct": lambda x, d: x + d,
    "stumbles": lambda x, d: x + int(d > 1.0),
}


def build(v: dict) -> object:
    stumble = {"t_s": 2.0, "frame": 60, "drop_body_heights": 0.1}
    return walk(
        trunk_flexion_deg=(v["trunk_flexion_deg"], v["trunk_flexion_max"]),
        trunk_lateral_lean_deg=(v["trunk_lateral_lean_deg"], abs(v["trunk_lateral_lean_deg"])),
        head_pitch_deg=v["head_pitch_deg"],
        speed_mps=v["speed_mps"],
        step_length_m=(v["step_length_mean"], 0.03, v["step_length_cv"]),
        step_length_asymmetry_pct=v["step_length_asymmetry_pct"],
        stride_time_sd_ms=v["stride_time_sd_ms"],
        sway_ml_body_heights=v["sway_ml_body_heights"],
        double_support_pct=v["double_support_pct"],
        extras={"stumbles": [stumble] * int(v["stumbles"])},
    )


def _value(name: str):
    lo, hi = RANGES[name]
    if isinstance(lo, int):
        return st.integers(lo, hi)
    return st.floats(lo, hi, allow_nan=False)


walks = st.fixed_dictionaries({name: _value(name) for name in RANGES})


@pytest.mark.parametrize("metric", sorted(WORSEN))
@settings(max_examples=60, deadline=None)
@given(base=walks, delta=st.floats(0.0, 30.0))
def test_a_worse_metric_never_gives_a_better_score(metric, base, delta):
    worse = dict(base, **{metric: WORSEN[metric](base[metric], delta)})
    before, after = compute_scores(build(base)), compute_scores(build(worse))
    for name in SUBS:
        b, a = getattr(before, name), getattr(after, name)
        assert b is not None and a is not None
        assert 0.0 <= a <= 100.0
        assert a <= b, f"{metric} worse by {delta} raised {name} from {b} to {a}"


@settings(max_examples=150, deadline=None)
@given(
    base=walks,
    metrics=st.sets(st.sampled_from(sorted(WORSEN)), min_size=2),
    delta=st.floats(0.0, 30.0),
)
def test_several_worse_metrics_never_give_a_better_score(base, metrics, delta):
    worse = dict(base, **{m: WORSEN[m](base[m], delta) for m in metrics})
    before, after = compute_scores(build(base)), compute_scores(build(worse))
    for name in SUBS:
        assert getattr(after, name) <= getattr(before, name)


@given(anchor=st.sampled_from(ANCHORS), u=st.floats(0.0, 1.0), v=st.floats(0.0, 1.0))
def test_component_score_is_monotone_between_its_anchors(anchor, u, v):
    lo, hi = sorted((u, v))
    x_better = anchor.good + lo * (anchor.bad - anchor.good)
    x_worse = anchor.good + hi * (anchor.bad - anchor.good)
    assert component_score(anchor, x_worse) <= component_score(anchor, x_better)


@pytest.mark.parametrize("anchor", ANCHORS, ids=lambda a: a.metric)
def test_component_anchors_give_100_50_and_0(anchor: Anchor):
    assert component_score(anchor, anchor.good) == pytest.approx(100.0)
    assert component_score(anchor, anchor.bad) == pytest.approx(0.0)
    assert component_score(anchor, (anchor.good + anchor.bad) / 2) == pytest.approx(50.0)
    beyond = anchor.bad + (anchor.bad - anchor.good)
    assert component_score(anchor, beyond) == 0.0


def test_fritz_speed_scores_50():
    speed = next(a for a in ANCHORS if a.metric == "speed_mps")
    assert component_score(speed, 0.6) == pytest.approx(50.0)
    assert "Fritz" in speed.basis


def test_leaning_either_way_costs_the_same():
    forward, back = (
        compute_scores(walk(trunk_flexion_deg=(20.0, 25.0))),
        compute_scores(walk(trunk_flexion_deg=(-20.0, 25.0))),
    )
    assert forward.posture == back.posture < 100


def test_ideal_walk_scores_100_everywhere():
    s = compute_scores(walk(speed_mps=1.0, step_length_m=(0.5, 0.025, 5.0)))
    assert (s.overall, s.posture, s.steps, s.balance) == (100.0, 100.0, 100.0, 100.0)


def test_metric_distances_need_a_scale():
    # Without a scale, slow speed and short steps cannot lower the steps score.
    slow = walk(scale_method="none", speed_mps=0.2, step_length_m=(0.1, 0.02, 6.7))
    components = assess(slow).components
    assert {c.metric for c in components}.isdisjoint({"speed_mps", "step_length_m.mean"})
    assert compute_scores(slow).steps == compute_scores(walk(scale_method="none")).steps


def test_stride_variability_needs_six_strides():
    few = walk(steps=make_steps(7), stride_time_sd_ms=200.0)
    assert compute_scores(few).balance == 100.0
    enough = walk(steps=make_steps(8), stride_time_sd_ms=200.0)
    assert compute_scores(enough).balance < 100.0


def test_unmeasured_metrics_are_left_out_not_guessed():
    bare = walk(
        head_pitch_deg=None, trunk_flexion_deg=(None, None), trunk_lateral_lean_deg=(None, None)
    )
    assert compute_scores(bare).posture is None
    assert compute_scores(bare).overall is not None


def test_no_scores_for_a_walk_that_cannot_be_measured():
    a = assess(walk(coverage=0.3))
    assert dataclasses.astuple(a.scores) == (None, None, None, None)
    assert a.summary["scores_not_computed"]


def test_scores_are_stored_with_population_and_protocol():
    a = assess(walk(), AssessOptions(population="nursing_home", protocol="free_backward"))
    assert a.summary["population"] == "nursing_home"
    assert a.summary["protocol"] == "free_backward"
    assert {c["metric"] for c in a.summary["score_components"]} >= {"speed_mps"}
