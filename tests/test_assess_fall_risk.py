"""Fall-risk screening: every cut-off at, just below and just above it; undetermined cases."""

from __future__ import annotations

import pytest
from assess_results import make_steps, walk

from vision.assess import AssessOptions, apply_assessment, assess
from vision.result import result_from_dict


def risk(result, **options):
    return assess(result, AssessOptions(**options)).fall_risk


def reason(fall_risk, rule):
    found = [r for r in fall_risk.reasons if r.rule == rule]
    assert found, f"no {rule} reason in {[r.rule for r in fall_risk.reasons]}"
    return found[0]


# (preset, seconds, expected level): at, just below and just above every 3MBWT cut-off.
TEST_3MBWT_CASES = [
    ("community_older_adults", 4.49, "moderate"),
    ("community_older_adults", 4.50, "high"),
    ("community_older_adults", 4.51, "high"),
    ("community_older_adults", 2.99, "low"),
    ("community_older_adults", 3.00, "low"),
    ("community_older_adults", 3.01, "moderate"),
    ("older_adults", 5.49, "low"),
    ("older_adults", 5.50, "high"),
    ("older_adults", 5.51, "high"),
    ("nursing_home", 8.14, "low"),
    ("nursing_home", 8.15, "high"),
    ("nursing_home", 8.16, "high"),
    ("parkinsons", 4.19, "low"),
    ("parkinsons", 4.20, "high"),
    ("parkinsons", 4.21, "high"),
    ("general_adult", 4.49, "moderate"),
    ("general_adult", 4.50, "high"),
    ("general_adult", 3.00, "low"),
    ("general_adult", 3.01, "moderate"),
]


@pytest.mark.parametrize(("population", "seconds", "level"), TEST_3MBWT_CASES)
def test_3mbwt_cutoffs(population, seconds, level):
    fr = risk(walk(test_3mbwt_s=seconds), population=population, protocol="3mbwt")
    assert fr.level == level
    assert fr.population == population
    r = reason(fr, "test_3mbwt")
    assert r.outcome == level and r.value == seconds and r.unit == "s"
    assert r.uncertainty is not None and r.uncertainty > 0


@pytest.mark.parametrize(
    ("other", "borderline"),
    [
        ({"time_if_short_s": 4.9}, True),
        ({"time_if_past_s": 3.9}, False),
        ({"time_if_short_s": 4.4}, False),
        ({}, False),
    ],
)
def test_3mbwt_foot_at_the_line_across_a_cut_off_is_borderline(other, borderline):
    """A foot resting at the 3 m line leaves the time a step later (or earlier) had it rested
    on the line's other side; a cut-off between the two makes the verdict borderline, and the
    note says why. The outcome still follows the time as read."""
    result = walk(test_3mbwt_s=4.2, extras={"stumbles": [], "test_3mbwt": {"time_s": 4.2, **other}})
    scored = apply_assessment(
        result, AssessOptions(population="community_older_adults", protocol="3mbwt")
    )
    r = reason(scored.fall_risk, "test_3mbwt")
    assert r.outcome == "moderate"  # 3.0-4.5 s as read
    listed = "test_3mbwt" in scored.extras["assessment"]["borderline_rules"]
    assert listed is borderline and r.borderline is borderline
    assert ("4.90 s, across the cut-off of 4.5 s" in r.note) is borderline


@pytest.mark.parametrize(
    ("population", "source_word", "design_choice"),
    [
        ("community_older_adults", "Carter", False),
        ("older_adults", "Polo-Ferrero", False),
        ("nursing_home", "Kapan", False),
        ("parkinsons", "Carter", False),
        ("general_adult", "design choice", True),
    ],
)
def test_3mbwt_reason_names_its_source(population, source_word, design_choice):
    r = reason(risk(walk(test_3mbwt_s=9.0), population=population), "test_3mbwt")
    assert source_word in r.source
    assert r.design_choice is design_choice


def test_six_seconds_community_is_high_with_carter_source():
    fr = risk(walk(test_3mbwt_s=6.0), population="community_older_adults", protocol="3mbwt")
    assert fr.level == "high"
    r = reason(fr, "test_3mbwt")
    assert "Carter" in r.source and r.cutoff == 4.5


@pytest.mark.parametrize(
    ("speed", "outcome", "level"),
    [(0.59, "moderate", "moderate"), (0.60, "not_flagged", "low"), (0.61, "not_flagged", "low")],
)
def test_backward_speed_cutoff_fritz(speed, outcome, level):
    fr = risk(walk(speed_mps=speed))
    r = reason(fr, "backward_speed")
    assert (r.outcome, r.cutoff) == (outcome, 0.6)
    assert "Fritz" in r.source
    assert fr.level == level


@pytest.mark.parametrize(("speed", "level"), [(0.99, "moderate"), (1.0, "low"), (1.01, "low")])
def test_forward_speed_cutoff_studenski(speed, level):
    fr = risk(walk(walk_direction="forward", speed_mps=speed), protocol="forward")
    assert fr.level == level
    assert "Studenski" in reason(fr, "forward_speed").source


@pytest.mark.parametrize(
    ("sd_ms", "outcome", "level"),
    [
        (105.9, "not_flagged", "low"),
        (106.0, "moderate", "moderate"),
        (106.1, "moderate", "moderate"),
    ],
)
def test_stride_time_sd_cutoff_hausdorff(sd_ms, outcome, level):
    fr = risk(walk(stride_time_sd_ms=sd_ms))
    r = reason(fr, "stride_time_sd")
    assert (r.outcome, r.cutoff, r.unit) == (outcome, 106.0, "ms")
    assert "Hausdorff" in r.source and "forward walking" in r.note
    assert fr.level == level


@pytest.mark.parametrize(("n_steps", "evaluated"), [(7, False), (8, True), (9, True)])
def test_stride_variability_needs_six_strides(n_steps, evaluated):
    # 7 alternating steps give 3 + 2 = 5 same-foot strides, 8 give 6.
    fr = risk(walk(steps=make_steps(n_steps), stride_time_sd_ms=150.0))
    r = reason(fr, "stride_time_sd")
    if evaluated:
        assert r.outcome == "moderate"
    else:
        assert r.outcome == "undetermined" and "at least 6" in r.note
        assert fr.level == "low"  # the speed rule still places the walk


@pytest.mark.parametrize(("coverage", "level"), [(0.59, "undetermined"), (0.60, "low")])
def test_pose_coverage_cutoff(coverage, level):
    fr = risk(walk(coverage=coverage))
    assert fr.level == level
    if level == "undetermined":
        r = reason(fr, "pose_coverage")
        assert r.outcome == "undetermined" and "59%" in r.note and r.design_choice


@pytest.mark.parametrize(("n_steps", "level"), [(3, "undetermined"), (4, "low"), (5, "low")])
def test_too_few_steps(n_steps, level):
    fr = risk(walk(steps=make_steps(n_steps)))
    assert fr.level == level
    if level == "undetermined":
        assert "only 3 steps" in reason(fr, "step_count").note


def test_forward_walk_where_backward_expected_is_undetermined():
    fr = risk(
        walk(walk_direction="forward", test_3mbwt_s=6.0),
        protocol="3mbwt",
        population="community_older_adults",
    )
    assert fr.level == "undetermined"
    r = reason(fr, "walk_direction")
    assert (r.value, r.cutoff) == ("forward", "backward")
    assert "needs a backward walk" in r.note


def test_no_walk_is_undetermined():
    fr = risk(walk(walk_direction=None))
    assert fr.level == "undetermined"
    assert "no walking was detected" in reason(fr, "walk_direction").note


def test_no_metric_scale_is_undetermined_with_reason():
    fr = risk(walk(scale_method="none", speed_mps=0.9))
    assert fr.level == "undetermined"
    assert reason(fr, "backward_speed").outcome == "undetermined"
    assert (
        "neither the 3 m backward walk test time nor a metric walking speed"
        in reason(fr, "measurable_rule").note
    )


def test_model_prior_scale_does_not_carry_a_verdict():
    fr = risk(walk(scale_method="world_landmarks", test_3mbwt_s=6.0))
    assert fr.level == "undetermined"
    assert "'world_landmarks' scale" in reason(fr, "test_3mbwt").note


def test_3mbwt_protocol_without_test_time_is_undetermined():
    fr = risk(walk(test_3mbwt_s=None), protocol="3mbwt")
    assert fr.level == "undetermined"
    assert "3 m line" in reason(fr, "test_3mbwt").note


def test_indicator_alone_places_risk_without_scale():
    # No scale, so no rule can rule risk out, but a measured indicator still counts.
    fr = risk(walk(scale_method="none", stride_time_sd_ms=130.0))
    assert fr.level == "moderate"


def test_two_indicators_make_high_risk():
    fr = risk(walk(speed_mps=0.5, stride_time_sd_ms=120.0))
    assert fr.level == "high"
    r = reason(fr, "indicator_count")
    assert r.design_choice and r.value == 2


def test_indicator_raises_a_low_test_result_to_moderate():
    fr = risk(walk(test_3mbwt_s=2.5, speed_mps=0.55), population="community_older_adults")
    assert reason(fr, "test_3mbwt").outcome == "low"
    assert fr.level == "moderate"


@pytest.mark.parametrize(
    ("prior_fall", "level"), [(True, "moderate"), (False, "low"), (None, "low")]
)
def test_prior_fall(prior_fall, level):
    fr = risk(walk(), prior_fall=prior_fall)
    assert fr.level == level
    rules = [r.rule for r in fr.reasons]
    assert ("prior_fall" in rules) is (prior_fall is not None)


def test_stumble_is_an_indicator():
    fr = risk(walk(extras={"stumbles": [{"t_s": 3.2, "frame": 96, "drop_body_heights": 0.08}]}))
    assert fr.level == "moderate"
    r = reason(fr, "stumble")
    assert r.value == 1 and "3.2 s" in r.note and r.design_choice


def test_borderline_value_says_so():
    scored = apply_assessment(
        walk(test_3mbwt_s=4.55),
        AssessOptions(population="community_older_adults", protocol="3mbwt"),
    )
    r = reason(scored.fall_risk, "test_3mbwt")
    assert r.outcome == "high"
    assert "within the measurement uncertainty" in r.note and r.borderline
    assert scored.extras["assessment"]["borderline_rules"] == ["test_3mbwt"]
    clear = apply_assessment(
        walk(test_3mbwt_s=5.5), AssessOptions(population="community_older_adults", protocol="3mbwt")
    )
    assert not reason(clear.fall_risk, "test_3mbwt").borderline
    assert clear.extras["assessment"]["borderline_rules"] == []
    # The uncertainty grows with the scale's: 2 frames + 2 % of 4.55 s.
    assert r.uncertainty == pytest.approx(2 / 30 + 0.02 * 4.55, abs=1e-3)


def test_result_document_round_trip_keeps_reason_detail():
    opts = AssessOptions(population="parkinsons", protocol="3mbwt", prior_fall=True)
    scored = apply_assessment(walk(test_3mbwt_s=5.0), opts)
    doc = scored.to_dict()
    assert doc["extras"]["assessment"]["population"] == "parkinsons"
    assert doc["extras"]["assessment"]["protocol"] == "3mbwt"
    assert "screening aid" in doc["extras"]["assessment"]["statement"]
    back = result_from_dict(doc)
    assert back.fall_risk == scored.fall_risk


def test_apply_assessment_leaves_the_input_alone():
    original = walk(test_3mbwt_s=6.0)
    before = original.to_dict()
    apply_assessment(original, AssessOptions(population="community_older_adults"))
    assert original.to_dict() == before


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"population": "teenagers"}, "known presets"),
        ({"protocol": "6mwt"}, "known protocols"),
        ({"max_cues": 0}, "max_cues"),
    ],
)
def test_bad_options_are_refused_clearly(kwargs, message):
    with pytest.raises(ValueError, match=message):
        AssessOptions(**kwargs)
