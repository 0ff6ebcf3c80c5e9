"""Coaching feedback: evidence behind every cue, safety first, limits, and the live-coach helper."""

from __future__ import annotations

import pytest
from assess_results import make_steps, walk

from vision.assess import CUES, AssessOptions, FormMetrics, assess, live_cue, session_start_cue
from vision.assess.feedback import FORM_LIMITS
from vision.result import Segment

STUMBLE = {"t_s": 3.2, "frame": 96, "drop_body_heights": 0.09}


def cues(result, **options):
    return assess(result, AssessOptions(**options)).feedback


def codes(result, **options):
    return [f.code for f in cues(result, **options)]


def test_trunk_flexion_cue_quotes_the_walk():
    [first, *_] = cues(walk(trunk_flexion_deg=(18.0, 27.0)))
    assert first.code == "trunk_flexion" and first.severity == "advice"
    assert first.message.startswith("Trunk leaned forward 18 degrees on average (up to 27)")
    assert "stand tall" in first.message
    assert first.evidence["trunk_flexion_deg.mean"] == 18.0
    assert first.evidence["segments"][0]["start_frame"] == 30  # 1.0 s at 30 fps


def test_posture_cue_names_the_frames_when_a_series_is_given():
    t_s = [round(0.1 * i, 1) for i in range(100)]  # a thinned series, 10 samples/s
    flexion = [5.0] * 30 + [25.0] * 20 + [5.0] * 50  # beyond 15 deg from 3.0 s to 4.9 s
    flexion[95] = 40.0  # after the walk segment (1.0-8.2 s): not evidence
    series = {"t_s": t_s, "trunk_flexion_deg": flexion}
    result = walk(trunk_flexion_deg=(16.0, 25.0), extras={"stumbles": [], "series": series})
    f = cues(result)[0]
    frames = f.evidence["frames"]
    assert (frames["first_frame"], frames["last_frame"]) == (90, 147)  # 3.0 s and 4.9 s at 30 fps
    assert frames["fraction_of_walk"] == pytest.approx(20 / 73, abs=1e-3)
    assert "beyond 15 degrees in frames 90-147" in f.message


def test_stumble_outranks_form_and_risk():
    result = walk(trunk_flexion_deg=(30.0, 40.0), speed_mps=0.4, extras={"stumbles": [STUMBLE]})
    got = cues(result)
    assert [f.code for f in got][:2] == ["stumble", "fall_risk_flag"]
    assert got[0].severity == "alert"
    assert "3.2 s (frame 96):" in got[0].message and "0.09 body heights" in got[0].message
    assert "trunk_flexion" in [f.code for f in got]


def test_stumbles_make_one_alert_that_the_cue_limit_never_cuts():
    two = [STUMBLE, dict(STUMBLE, t_s=5.0, frame=150)]
    got = cues(walk(trunk_flexion_deg=(30.0, 40.0), extras={"stumbles": two}), max_cues=1)
    assert [f.code for f in got] == ["stumble"]
    assert "3.2 s (frame 96) and 1 more" in got[0].message
    assert [s["frame"] for s in got[0].evidence["stumbles"]] == [96, 150]


def test_fall_risk_flag_states_it_is_a_screening_aid():
    f = cues(walk(test_3mbwt_s=6.0), population="community_older_adults", protocol="3mbwt")[0]
    assert f.code == "fall_risk_flag" and f.severity == "warning"
    assert "3 m backward walk test 6.00 s, cut-off 4.5 s" in f.message
    assert "screening aid, not a diagnosis" in f.message
    assert "Carter" in f.evidence["rules"][0]["source"]


def test_low_risk_gives_no_flag():
    assert "fall_risk_flag" not in codes(
        walk(test_3mbwt_s=2.8), population="community_older_adults"
    )


def test_form_cues_are_ordered_by_how_far_from_good():
    result = walk(trunk_flexion_deg=(35.0, 45.0), step_length_asymmetry_pct=16.0)
    assert codes(result)[:2] == ["trunk_flexion", "uneven_steps"]
    result = walk(trunk_flexion_deg=(16.0, 20.0), step_length_asymmetry_pct=29.0)
    assert codes(result)[:2] == ["uneven_steps", "trunk_flexion"]


def test_cue_count_is_capped():
    bad = walk(
        trunk_flexion_deg=(35.0, 45.0),
        trunk_lateral_lean_deg=(9.0, 12.0),
        head_pitch_deg=40.0,
        step_length_asymmetry_pct=25.0,
        sway_ml_body_heights=0.06,
    )
    assert len(cues(bad, max_cues=3)) == 3
    assert len(cues(bad, max_cues=10)) == 5


# (override, value at the limit, just beyond it, code): at the limit no cue, beyond it a cue.
LIMIT_CASES = [
    ("trunk_flexion_deg", (15.0, 20.0), (15.1, 20.0), "trunk_flexion"),
    ("trunk_flexion_deg", (-10.0, 5.0), (-10.1, 5.0), "trunk_extension"),
    ("trunk_lateral_lean_deg", (5.0, 6.0), (5.1, 6.0), "lateral_lean"),
    ("trunk_lateral_lean_deg", (-5.0, 6.0), (-5.1, 6.0), "lateral_lean"),
    ("head_pitch_deg", 25.0, 25.1, "head_pitch"),
    ("step_length_asymmetry_pct", 15.0, 15.1, "uneven_steps"),
    ("stride_time_sd_ms", 80.0, 80.1, "uneven_rhythm"),
    ("sway_ml_body_heights", 0.04, 0.0401, "sway"),
    ("step_length_m", (0.25, 0.03, 6.0), (0.249, 0.03, 6.0), "short_steps"),
    (
        "extras",
        {"metrics_more": {"looking_back_fraction": 0.25, "looking_back_s": 1.8}},
        {"metrics_more": {"looking_back_fraction": 0.26, "looking_back_s": 1.9}},
        "looking_back",
    ),
    (
        "extras",
        {"metrics_more": {"arm_swing_deg": 10.0}},
        {"metrics_more": {"arm_swing_deg": 9.9}},
        "arm_swing",
    ),
]


def test_every_form_limit_is_covered():
    assert {c[3] for c in LIMIT_CASES} == {limit.code for limit in FORM_LIMITS}


@pytest.mark.parametrize(
    ("key", "at", "beyond", "code"), LIMIT_CASES, ids=[c[3] for c in LIMIT_CASES]
)
def test_form_limits_at_and_beyond(key, at, beyond, code):
    assert code not in codes(walk(**{key: at}))
    got = [f for f in cues(walk(**{key: beyond})) if f.code == code]
    assert len(got) == 1
    assert got[0].evidence, "a cue without evidence"


def test_posture_cues_say_which_way():
    leaning = walk(trunk_lateral_lean_deg=(-8.0, 10.0))
    [lean] = [f for f in cues(leaning) if f.code == "lateral_lean"]
    assert "tilted 8 degrees to your left" in lean.message
    [head] = [f for f in cues(walk(head_pitch_deg=32.0)) if f.code == "head_pitch"]
    assert "tipped down 32 degrees" in head.message


def test_looking_back_cue_quotes_the_time():
    more = {"looking_back_fraction": 0.4, "looking_back_s": 2.9}
    [f] = [f for f in cues(walk(extras={"metrics_more": more})) if f.code == "looking_back"]
    assert "for 2.9 s (40 % of the walk)" in f.message and "glance back only briefly" in f.message


def test_uneven_steps_cue_gives_each_foot():
    steps = make_steps(12, length_m=0.40)
    for s in steps:
        s.length_m = 0.46 if s.foot == "right" else 0.34
    f = next(
        f
        for f in cues(walk(steps=steps, step_length_asymmetry_pct=30.0))
        if f.code == "uneven_steps"
    )
    assert "left 0.34 m, right 0.46 m" in f.message
    assert len(f.evidence["steps"]) == 12


def test_uneven_rhythm_cue_names_fastest_and_slowest_strides():
    result = walk(steps=make_steps(12, jitter_s=0.08), stride_time_sd_ms=92.0)
    f = next(f for f in cues(result) if f.code == "uneven_rhythm")
    assert "92 ms over 10 strides" in f.message
    # Steps of 0.68, 0.68, 0.52, 0.52 s ... make strides of 1.36 s and 1.04 s (and 1.20 s).
    assert "(from 1.04 s at" in f.message and "to 1.36 s at" in f.message
    assert len(f.evidence["stride_times_s"]) == 10


def test_short_steps_cue_names_the_shortest_step():
    steps = make_steps(10, length_m=0.22)
    steps[4].length_m = 0.15
    f = next(
        f
        for f in cues(walk(steps=steps, step_length_m=(0.213, 0.02, 9.0)))
        if f.code == "short_steps"
    )
    assert f.severity == "info"
    assert "shortest 0.15 m" in f.message and f.evidence["shortest_step"]["index"] == 4


def test_good_walk_gets_praise_backed_by_numbers():
    [f] = cues(walk())
    assert f.code == "good_form"
    assert f.message.startswith("Upright trunk (5 degrees) and even steps (4 % apart)")


def test_no_measurement_no_cue():
    bare = walk(
        trunk_flexion_deg=(None, None),
        trunk_lateral_lean_deg=(None, None),
        head_pitch_deg=None,
        step_length_asymmetry_pct=None,
        stride_time_sd_ms=None,
        sway_ml_body_heights=None,
        step_length_m=(None, None, None),
        speed_mps=None,
        extras={},
    )
    assert cues(bare) == []


def test_forward_walk_gets_a_redo_cue_not_coaching():
    got = cues(walk(walk_direction="forward", trunk_flexion_deg=(30.0, 40.0)))
    assert [f.code for f in got] == ["wrong_direction"]
    assert "forward walk, not a backward one" in got[0].message


def test_a_walk_of_unsure_direction_gets_a_redo_cue_not_coaching():
    got = cues(
        walk(
            walk_direction=None,
            trunk_flexion_deg=(30.0, 40.0),
            segments=[Segment(1.0, 8.2, "forward", "back")],
            extras={"stumbles": [], "view": "back", "facing_agreement": 0.62},
        )
    )
    assert [f.code for f in got] == ["direction_unsure"]
    assert "from this back view" in got[0].message and "from the side" in got[0].message
    assert got[0].evidence["facing_agreement"] == 0.62
    # Standing only (no walking seen): nothing to say about a direction.
    still = walk(
        walk_direction=None,
        segments=[Segment(0.0, 5.0, "standing", "back")],
        steps=[],
        extras={"stumbles": [], "view": "back"},
    )
    assert "direction_unsure" not in [f.code for f in cues(still)]


def test_every_cue_code_has_a_text():
    results = [
        walk(trunk_flexion_deg=(30.0, 40.0), extras={"stumbles": [STUMBLE]}),
        walk(walk_direction="forward"),
        walk(),
    ]
    for r in results:
        for f in cues(r, max_cues=10):
            assert f.code in CUES and f.severity == CUES[f.code].severity


# Live coaching helper.


def test_live_stumble_stops_coaching():
    f = live_cue(FormMetrics(stumble=True, trunk_flexion_deg=40.0))
    assert (f.code, f.severity) == ("stumble_stop", "alert")
    assert "coaching is paused" in f.message


def test_live_lost_person_is_an_alert():
    assert live_cue(FormMetrics(person_visible=False)).code == "person_lost"


@pytest.mark.parametrize(
    ("flexion", "code"), [(15.0, None), (15.1, "trunk_flexion"), (-10.1, "trunk_extension")]
)
def test_live_trunk_cue(flexion, code):
    f = live_cue(FormMetrics(trunk_flexion_deg=flexion))
    assert (f.code if f else None) == code


def test_live_picks_the_worst_fault_and_needs_strides_for_rhythm():
    m = FormMetrics(
        trunk_flexion_deg=16.0, sway_ml_body_heights=0.065, stride_time_sd_ms=300.0, strides=3
    )
    assert live_cue(m).code == "sway"
    assert live_cue(FormMetrics(stride_time_sd_ms=300.0, strides=6)).code == "uneven_rhythm"
    assert live_cue(FormMetrics(trunk_flexion_deg=3.0)) is None


def test_live_session_opens_with_clear_space():
    f = session_start_cue()
    assert f.code == "clear_space" and "clear the space behind you" in f.message
