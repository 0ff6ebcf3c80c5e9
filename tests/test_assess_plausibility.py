"""Plausibility checks: contradictory whole-walk metrics are not judged, and the result says why."""

from __future__ import annotations

import pytest
from assess_results import walk

from vision.assess import AssessOptions, apply_assessment, assess
from vision.result import MeanSd

# Mean step 0.5 m at 120 steps/min: speed should be about 1.0 m/s.
STEPS = dict(step_length_m=(0.5, 0.03, 6.0), cadence_spm=120.0)


@pytest.mark.parametrize(
    ("speed", "judged"), [(0.5, True), (0.499, False), (1.5, True), (1.501, False), (0.02, False)]
)
def test_speed_must_agree_with_steps_and_cadence(speed, judged):
    fr = assess(walk(speed_mps=speed, **STEPS)).fall_risk
    rule = next(r for r in fr.reasons if r.rule == "backward_speed")
    if judged:
        assert rule.outcome in ("moderate", "not_flagged")
    else:
        assert rule.outcome == "undetermined" and rule.design_choice
        assert "disagrees with step length x cadence (1.00 m/s)" in rule.note


def with_step_time(step_s: float, **kw):
    r = walk(**kw)
    r.metrics.step_time_s = MeanSd(step_s, 0.05)
    return r


@pytest.mark.parametrize(("sd_ms", "judged"), [(240.0, True), (241.0, False)])
def test_stride_variability_must_look_like_walking(sd_ms, judged):
    # Steps of 0.6 s make strides of 1.2 s: 240 ms is a CV of 20 %.
    result = with_step_time(0.6, stride_time_sd_ms=sd_ms)
    rule = next(r for r in assess(result).fall_risk.reasons if r.rule == "stride_time_sd")
    assert (rule.outcome != "undetermined") is judged
    codes = [f.code for f in assess(result).feedback]
    assert ("uneven_rhythm" in codes) is judged


def test_mixed_recording_is_not_flagged_on_contradictory_numbers():
    # What a recording that walks forward then backward gave before its metrics were split:
    # near-zero net speed from 0.65 m steps at 100 steps/min, and 780 ms stride-time SD.
    result = with_step_time(
        0.6,
        speed_mps=0.0155,
        step_length_m=(0.65, 0.45, 68.0),
        cadence_spm=99.6,
        stride_time_sd_ms=780.0,
    )
    scored = apply_assessment(result, AssessOptions(population="community_older_adults"))
    assert scored.fall_risk.level == "undetermined"
    problems = scored.extras["assessment"]["plausibility_problems"]
    assert len(problems) == 2
    assert all(p in scored.quality.warnings for p in problems)
    found = {f["code"]: f for f in scored.quality.findings}
    assert found["plausibility.speed_mismatch"]["message"] == problems[0]
    assert found["plausibility.speed_mismatch"]["evidence"]["speed_mps"] == 0.0155
    assert found["plausibility.stride_variability"]["severity"] == "warning"
    assert "uneven_rhythm" not in [f.code for f in scored.feedback]


def test_the_analysis_own_stride_cv_is_preferred():
    result = with_step_time(
        0.6, stride_time_sd_ms=120.0, extras={"metrics_more": {"stride_time_cv_pct": 25.0}}
    )
    rule = next(r for r in assess(result).fall_risk.reasons if r.rule == "stride_time_sd")
    assert rule.outcome == "undetermined" and "25 %" in rule.note


def one_odd_stride(sd_without_one_ms: float):
    """A walk whose strides vary by 190 ms, and by ``sd_without_one_ms`` without the stride
    ending at 6.6 s, far off the others (what the gait analysis reports in ``metrics_more``)."""
    more = {
        "n_strides": 6,
        "stride_time_sd_without_outlier_ms": sd_without_one_ms,
        "stride_outlier_t_s": 6.6,
    }
    return with_step_time(0.65, stride_time_sd_ms=190.0, extras={"metrics_more": more})


def test_one_odd_stride_does_not_flag_the_walk():
    # A contact misplaced as the feet come together at the end of a walk: five steady strides
    # and one short one lift the SD over the fallers' 106 ms.
    scored = apply_assessment(one_odd_stride(40.0))
    rule = next(r for r in scored.fall_risk.reasons if r.rule == "stride_time_sd")
    assert rule.outcome == "undetermined" and rule.design_choice
    assert "by 40 ms without the stride ending at 6.6 s" in rule.note
    found = {f["code"]: f for f in scored.quality.findings}
    assert found["plausibility.one_stride_decides"]["evidence"]["without_ms"] == 40.0
    assert rule.note in scored.extras["assessment"]["plausibility_problems"]
    # The coaching cue (80 ms) rests on that stride too.
    assert "uneven_rhythm" not in [f.code for f in scored.feedback]


def test_variability_across_strides_still_flags_the_walk():
    scored = apply_assessment(one_odd_stride(150.0))
    rule = next(r for r in scored.fall_risk.reasons if r.rule == "stride_time_sd")
    assert rule.outcome == "moderate"
    assert "plausibility.one_stride_decides" not in [f["code"] for f in scored.quality.findings]
    assert "uneven_rhythm" in [f.code for f in scored.feedback]


def test_the_cue_needs_its_own_limit_without_the_odd_stride():
    # Without the odd stride the SD is under the fallers' 106 ms but still over the cue's 80 ms:
    # the risk rule abstains, the rhythm cue stands.
    scored = apply_assessment(one_odd_stride(90.0))
    rule = next(r for r in scored.fall_risk.reasons if r.rule == "stride_time_sd")
    assert rule.outcome == "undetermined"
    assert "uneven_rhythm" in [f.code for f in scored.feedback]


def test_without_the_odd_stride_but_within_a_frame_of_the_limit_the_flag_stands():
    # 100 ms is within the SD's uncertainty at 30 fps (one frame over sqrt 6, 13.6 ms) of the
    # fallers' 106 ms: leaving the stride out does not clearly clear the walk.
    scored = apply_assessment(one_odd_stride(100.0))
    rule = next(r for r in scored.fall_risk.reasons if r.rule == "stride_time_sd")
    assert rule.outcome == "moderate"
    assert "plausibility.one_stride_decides" not in [f["code"] for f in scored.quality.findings]
