"""Which reading gives the cadence from the front or back (vision.gait.frontal_cadence)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from vision.gait.frontal_cadence import settle_frontal_cadence
from vision.gait.rhythm import SwayRhythm
from vision.gait.steps import StepRecord, StepSummary, cadence_standard_error


def _steps(n: int, cadence_spm: float) -> StepSummary:
    step_s = 60.0 / cadence_spm
    records = [
        StepRecord(
            "left" if i % 2 else "right",
            1.0 + i * step_s,
            30 + 17 * i,
            step_s,
            None,
            None,
            0,
            steady=0 < i < n - 1,
        )
        for i in range(n)
    ]
    return StepSummary(
        steps=records, cadence_spm=cadence_spm, step_time_mean_s=step_s, step_time_sd_s=0.02
    )


def _rhythm(cadence_spm: float, se_spm: float | None = None) -> SwayRhythm:
    return SwayRhythm(
        stride_s=120.0 / cadence_spm, cadence_spm=cadence_spm, explained=0.8, cadence_se_spm=se_spm
    )


def test_contacts_timed_by_the_feet_motion_keep_their_cadence_where_the_sway_agrees():
    steps = _steps(9, 96.5)
    out = settle_frontal_cadence(steps, _rhythm(93.6), 9 * 60 / 96.5, "front", True)
    warnings = out.warnings
    assert out.source == "contacts" and out.steps is steps
    assert steps.cadence_spm == 96.5 and steps.step_time_sd_s == 0.02
    assert out.steps_by_rhythm == 9  # 5.6 s at 93.6 steps/min
    assert any("read from the foot contacts" in w and "94 steps/min" in w for w in warnings)
    assert not any("may be off" in w or "missed" in w for w in warnings)


@pytest.mark.parametrize(("by_motion", "counted"), [(False, 96.5), (True, 110.0), (True, None)])
def test_otherwise_the_sway_gives_the_cadence(by_motion, counted):
    """Contacts timed by the pose model's depth of the feet, contacts 17 % off the sway (steps
    missed or found twice), or no contacts' cadence at all: the sway's cadence is taken."""
    steps = replace(_steps(9, 96.5), cadence_spm=counted)
    out = settle_frontal_cadence(steps, _rhythm(94.0), 5.6, "back", by_motion)
    warnings = out.warnings
    assert out.source == "sway"
    assert out.steps.cadence_spm == 94.0
    assert out.steps.step_time_mean_s == pytest.approx(60 / 94.0)
    assert out.steps.step_time_sd_s is None
    # The contacts' own summary is left as it was: a new one carries the sway's cadence.
    assert steps.cadence_spm == counted and steps.step_time_sd_s == 0.02
    assert any("trunk's side-to-side sway" in w for w in warnings)
    assert any("may have been missed" in w for w in warnings) == (counted == 110.0)


def test_of_two_agreeing_readings_the_more_precise_is_taken():
    """A contact missed or split by the feet's motion scatters the step times: their cadence
    then has a larger standard error than the sway's, and the sway's cadence is taken."""
    steady, ragged = _steps(9, 96.0), _steps(9, 96.0)
    for k, s in enumerate(ragged.steps):
        s.duration_s *= 1.3 if k % 3 == 1 else 0.85
    assert cadence_standard_error([s.duration_s for s in steady.steps if s.steady])[0] == 0.0
    assert cadence_standard_error([s.duration_s for s in ragged.steps if s.steady])[0] > 2.0
    assert settle_frontal_cadence(steady, _rhythm(95.0, 1.0), 5.6, "back", True).source == (
        "contacts"
    )
    settled = settle_frontal_cadence(ragged, _rhythm(95.0, 1.0), 5.6, "back", True)
    assert settled.source == "sway" and settled.steps.cadence_spm == 95.0


def test_without_a_rhythm_the_contacts_stand_and_nothing_is_cross_checked():
    steps = _steps(9, 100.0)
    out = settle_frontal_cadence(steps, None, 5.0, "side", False)
    assert (out.source, out.steps_by_rhythm, out.steps.cadence_spm, out.warnings) == (
        "contacts",
        None,
        100.0,
        [],
    )


def test_a_step_count_the_sway_does_not_hold_is_warned_of():
    out = settle_frontal_cadence(_steps(8, 100.0), _rhythm(100.0), 5.4, "back", True)
    assert out.steps_by_rhythm == 9
    assert any("8 steps were found" in w and "about 9" in w for w in out.warnings)
    assert "cadence.count_off_rhythm" in [f.code for f in out.findings]
