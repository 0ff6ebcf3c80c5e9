"""Change over visits: published MDCs at, below and above; measured repeatability; comparability."""

from __future__ import annotations

import math

import numpy as np
import pytest
from assess_results import make_steps, walk
from scipy.stats import t as student_t

from vision.assess import compare_visits
from vision.assess.change import standard_error

# (condition, threshold s, kind, source word): the published smallest real change of the 3MBWT.
PUBLISHED_3MBWT = [
    ("multiple_sclerosis", 1.69, "published MDC", "Söke"),
    ("knee_replacement", 2.94, "published SRD", "Unver"),
    ("parkinsons", 2.13, "published MDC", "2023"),
]


@pytest.mark.parametrize(("condition", "mdc", "kind", "source"), PUBLISHED_3MBWT)
@pytest.mark.parametrize(
    ("offset", "verdict"),
    [(-0.01, "within measurement noise"), (0.0, "real change"), (0.01, "real change")],
)
def test_3mbwt_published_change(condition, mdc, kind, source, offset, verdict):
    earlier, later = walk(test_3mbwt_s=8.0), walk(test_3mbwt_s=8.0 - (mdc + offset))
    c = compare_visits(earlier, later, condition=condition).get("test_3mbwt_s")
    assert c.verdict == verdict
    assert (c.threshold, c.threshold_kind, c.unit) == (mdc, kind, "s")
    assert source in c.source
    assert c.direction == ("better" if verdict == "real change" else None)


def test_3mbwt_slower_is_worse():
    c = compare_visits(
        walk(test_3mbwt_s=5.0), walk(test_3mbwt_s=7.0), condition="multiple_sclerosis"
    ).get("test_3mbwt_s")
    assert (c.verdict, c.direction, c.change) == ("real change", "worse", 2.0)


def test_3mbwt_without_published_mdc_says_design_choice():
    c = compare_visits(walk(test_3mbwt_s=6.0), walk(test_3mbwt_s=5.0)).get("test_3mbwt_s")
    assert c.verdict == "within measurement noise"
    assert c.threshold_kind == "design choice" and "smallest published MDC" in c.source


@pytest.mark.parametrize(
    ("later", "verdict", "direction"),
    [
        (0.60, "within measurement noise", None),
        (0.61, "real change", "better"),
        (0.62, "real change", "better"),
        (0.39, "real change", "worse"),
    ],
)
def test_stroke_speed_mdc(later, verdict, direction):
    c = compare_visits(walk(speed_mps=0.50), walk(speed_mps=later), condition="stroke").get(
        "speed_mps"
    )
    assert (c.verdict, c.direction, c.threshold) == (verdict, direction, 0.11)
    assert "DeMark" in c.source


def _speed_se(steps, speed, scale_pct):
    per_step = np.array([s.length_m / s.duration_s for s in steps])
    se = per_step.std(ddof=1) / math.sqrt(len(per_step))
    return math.hypot(se, speed * scale_pct / 100)


def test_speed_change_uses_the_walks_own_repeatability():
    steps1 = make_steps(12, jitter_s=0.05, jitter_m=0.04)
    steps2 = make_steps(14, jitter_s=0.03, jitter_m=0.02)
    # No scale error here, so the threshold does not move with the later speed.
    a = walk(steps=steps1, speed_mps=0.70, scale_pct=0.0)
    se1, se2 = _speed_se(steps1, 0.70, 0.0), _speed_se(steps2, 0.70, 0.0)
    # Welch: 11 and 13 degrees of freedom, Student's t in place of the normal's 1.96.
    df = (se1**2 + se2**2) ** 2 / (se1**4 / 11 + se2**4 / 13)
    expected = student_t.ppf(0.975, df) * math.hypot(se1, se2)
    assert expected / math.hypot(se1, se2) > 2.1  # a dozen steps: t, not 1.96
    for later, verdict in (
        (0.70 + 0.99 * expected, "within measurement noise"),
        (0.70 + 1.01 * expected, "real change"),
    ):
        c = compare_visits(a, walk(steps=steps2, speed_mps=later, scale_pct=0.0)).get("speed_mps")
        assert c.threshold == pytest.approx(expected, abs=1e-4)
        assert c.threshold_kind == "measured repeatability"
        assert "no published MDC" in c.source
        assert c.verdict == verdict


def test_speed_standard_error_adds_the_scale_uncertainty():
    steps = make_steps(12, jitter_s=0.05, jitter_m=0.04)
    r = walk(steps=steps, speed_mps=0.8, scale_pct=5.0)
    assert standard_error("speed_mps", r) == pytest.approx(_speed_se(steps, 0.8, 5.0))
    assert standard_error("speed_mps", r) > standard_error(
        "speed_mps", walk(steps=steps, speed_mps=0.8, scale_pct=0.0)
    )


def test_steadier_walks_detect_smaller_changes():
    noisy = compare_visits(
        walk(steps=make_steps(12, jitter_s=0.08, jitter_m=0.06)),
        walk(steps=make_steps(12, jitter_s=0.08, jitter_m=0.06)),
    )
    steady = compare_visits(
        walk(steps=make_steps(12, jitter_s=0.01, jitter_m=0.01)),
        walk(steps=make_steps(12, jitter_s=0.01, jitter_m=0.01)),
    )
    for metric in ("speed_mps", "cadence_spm"):
        assert steady.get(metric).threshold < noisy.get(metric).threshold


def test_stride_time_sd_standard_error():
    r = walk(stride_time_sd_ms=60.0)  # 12 steps: 10 strides
    assert standard_error("stride_time_sd_ms", r) == pytest.approx(60.0 / math.sqrt(18))


def test_cadence_change_has_no_better_direction():
    a = walk(cadence_spm=90.0, steps=make_steps(12, jitter_s=0.01))
    b = walk(cadence_spm=110.0, steps=make_steps(12, jitter_s=0.01))
    c = compare_visits(a, b).get("cadence_spm")
    assert c.verdict == "real change" and c.direction is None


def test_no_step_data_and_no_published_value_is_not_comparable():
    c = compare_visits(walk(steps=[], step_count=12), walk(steps=[], step_count=12)).get(
        "speed_mps"
    )
    assert c.verdict == "not comparable" and "per-step data missing" in c.note


def test_trunk_flexion_uses_a_stated_design_choice():
    c = compare_visits(
        walk(trunk_flexion_deg=(20.0, 30.0)), walk(trunk_flexion_deg=(8.0, 15.0))
    ).get("trunk_flexion_deg.mean")
    assert (c.verdict, c.direction, c.threshold) == ("real change", "better", 5.0)
    assert c.threshold_kind == "design choice" and "Stenum" in c.source


def test_different_directions_are_not_compared():
    change = compare_visits(walk(), walk(walk_direction="forward"))
    assert all(c.verdict == "not comparable" for c in change.changes)
    assert "differ in direction" in change.notes[0]


def test_a_changed_scale_is_noted():
    change = compare_visits(walk(), walk(scale_method="subject_height"))
    assert any("scale was set differently" in n for n in change.notes)


def test_unmeasured_metric_is_not_comparable():
    c = compare_visits(walk(test_3mbwt_s=None), walk(test_3mbwt_s=5.0)).get("test_3mbwt_s")
    assert c.verdict == "not comparable" and c.change is None


def test_unknown_condition_is_refused():
    with pytest.raises(ValueError, match="known: general"):
        compare_visits(walk(), walk(), condition="flu")


def test_visit_change_is_json_ready():
    doc = compare_visits(walk(test_3mbwt_s=6.0), walk(test_3mbwt_s=4.0)).to_dict()
    assert doc["condition"] == "general"
    assert {c["metric"] for c in doc["changes"]} >= {"test_3mbwt_s", "speed_mps"}


def test_only_steady_steps_set_the_repeatability():
    steps = make_steps(12, jitter_s=0.02, jitter_m=0.02)
    details = [
        {
            "foot": s.foot,
            "t_contact_s": s.t_contact_s,
            "duration_s": s.duration_s,
            "length_m": s.length_m,
            "steady": True,
        }
        for s in steps
    ]
    plain = walk(steps=steps, extras={"step_details": details})
    # A first step from standing and a closing step (feet side by side) are not steady walking.
    details_more = [
        dict(details[0], duration_s=0.2, length_m=None, steady=False),
        *details,
        dict(details[-1], duration_s=0.6, length_m=0.07, steady=False),
    ]
    more = walk(steps=steps, extras={"step_details": details_more})
    for metric in ("speed_mps", "cadence_spm"):
        assert standard_error(metric, more) == pytest.approx(standard_error(metric, plain))
    counted = walk(
        steps=steps, extras={"step_details": [dict(d, steady=True) for d in details_more]}
    )
    assert standard_error("speed_mps", counted) > standard_error("speed_mps", plain)


def test_a_cadence_read_from_the_sway_brings_its_own_standard_error():
    # From the front or back the cadence is the sway's, and the contacts there are the less sure
    # reading: their wildly varying step times must not set the smallest real change.
    ragged = make_steps(12, jitter_s=0.15)
    sway = {"stride_s": 1.2, "cadence_spm": 100.0, "explained": 0.8, "cadence_se_spm": 0.9}
    a = walk(steps=ragged, extras={"stumbles": [], "sway_rhythm": sway})
    assert standard_error("cadence_spm", a) == pytest.approx(0.9)
    assert standard_error("cadence_spm", walk(steps=ragged)) > 5.0  # the contacts' own
    b = walk(steps=ragged, cadence_spm=104.0, extras={"stumbles": [], "sway_rhythm": sway})
    c = compare_visits(a, b).get("cadence_spm")
    assert c.threshold == pytest.approx(1.96 * math.hypot(0.9, 0.9), abs=1e-4)  # no df given
    assert c.verdict == "real change"


def test_a_cadence_read_from_the_contacts_keeps_their_standard_error_beside_a_sway():
    # From the front or back, contacts timed from the feet's motion give the cadence where the
    # sway agrees with them: the error is then the contacts' own, not the sway's.
    ragged = make_steps(12, jitter_s=0.15)
    sway = {"stride_s": 1.2, "cadence_spm": 100.0, "explained": 0.8, "cadence_se_spm": 0.9}
    by_contacts = walk(
        steps=ragged,
        extras={
            "stumbles": [],
            "sway_rhythm": sway,
            "metrics_more": {"cadence_source": "contacts"},
        },
    )
    by_sway = walk(
        steps=ragged,
        extras={"stumbles": [], "sway_rhythm": sway, "metrics_more": {"cadence_source": "sway"}},
    )
    assert standard_error("cadence_spm", by_contacts) == pytest.approx(
        standard_error("cadence_spm", walk(steps=ragged))
    )
    assert standard_error("cadence_spm", by_sway) == pytest.approx(0.9)


def test_a_sway_read_over_few_strides_widens_the_threshold():
    # Four whole strides give three durations: the SE itself is unsure, and the normal's 1.96
    # called a change real too often (bench/assess_repeatability.py, front view: 11 % of pairs
    # of repeats of one walker, against 7 % with Student's t).
    def sway(df):
        return {
            "stumbles": [],
            "sway_rhythm": {
                "stride_s": 1.2,
                "cadence_spm": 100.0,
                "explained": 0.8,
                "cadence_se_spm": 0.9,
                "cadence_se_df": df,
            },
        }

    few = compare_visits(walk(extras=sway(2.0)), walk(extras=sway(2.0), cadence_spm=103.0))
    c = few.get("cadence_spm")
    assert c.threshold == pytest.approx(student_t.ppf(0.975, 4.0) * math.hypot(0.9, 0.9), abs=1e-4)
    assert c.verdict == "within measurement noise"  # 3 steps/min: under 2.78 x 1.27
    many = compare_visits(walk(extras=sway(200.0)), walk(extras=sway(200.0), cadence_spm=103.0))
    assert many.get("cadence_spm").verdict == "real change"


def test_a_sway_too_short_for_a_standard_error_gives_none():
    sway = {"stride_s": 1.2, "cadence_spm": 100.0, "explained": 0.8, "cadence_se_spm": None}
    assert standard_error("cadence_spm", walk(extras={"stumbles": [], "sway_rhythm": sway})) is None


def test_a_short_sway_is_not_compared_and_says_why():
    # Cadence from the sway of a walk under three whole strides has no standard error: the
    # contacts' step times (from the front or back, the unsure reading) do not stand in.
    sway = {
        "stumbles": [],
        "sway_rhythm": {
            "stride_s": 1.2,
            "cadence_spm": 100.0,
            "explained": 0.8,
            "cadence_se_spm": None,
        },
    }
    c = compare_visits(walk(extras=sway), walk(extras=sway, cadence_spm=120.0)).get("cadence_spm")
    assert c.verdict == "not comparable" and "fewer than three whole strides" in c.note
