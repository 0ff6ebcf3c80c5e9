"""Step timing summaries from contact events."""

from __future__ import annotations

import numpy as np
import pytest

from vision.gait.scale import ScaleModel
from vision.gait.steps import StepOptions, analyze_steps
from vision.result import Event
from vision.stats import sd_without_outlier

FPS = 30.0


def _walk(
    contacts_s: list[float],
    lifts_s: list[float | None] | None = None,
    options: StepOptions | None = None,
):
    """Steps of alternating feet landing at ``contacts_s``, each foot lifting again at
    ``lifts_s`` (default: 0.25 s after it landed; None: not seen)."""
    t = np.arange(0.0, contacts_s[-1] + 1.0, 1.0 / FPS)
    lifts_s = lifts_s if lifts_s is not None else [tc + 0.25 for tc in contacts_s]
    events = []
    for k, (tc, tl) in enumerate(zip(contacts_s, lifts_s, strict=True)):
        foot = "left" if k % 2 == 0 else "right"
        events.append(Event(int(round(tc * FPS)), tc, foot, "contact"))
        if tl is not None:
            events.append(Event(int(round(tl * FPS)), tl, foot, "lift"))
    events.sort(key=lambda e: e.t_s)
    feet = np.full((len(t), 2, 3, 2), 100.0)
    scale = ScaleModel("none", None, None, body_height_px=300.0)
    return analyze_steps(events, feet, t, scale, np.array([1.0, 0.0]), options or StepOptions())


def test_cadence_rests_on_every_contact_not_the_two_ends():
    period = 0.6
    exact = [1.0 + period * k for k in range(10)]
    assert _walk(exact).cadence_spm == pytest.approx(100.0, abs=1e-6)
    # One frame late on the last steady contact: the mean of the step times moves by a full
    # frame over the bout, the slope over the contacts by much less.
    late = list(exact)
    late[-2] += 1.0 / FPS
    mean_of_times = 60.0 / ((late[-2] - late[0]) / (len(late) - 2))
    found = _walk(late).cadence_spm
    # An error at the end of n contacts moves the least-squares slope 6(n-1)/(n(n+1)) times as
    # much as the mean step time (0.53 for the 9 contacts here).
    assert abs(found - 100.0) < 0.6 * abs(mean_of_times - 100.0)


def test_cadence_numbers_steps_past_a_missed_one():
    contacts = [1.0 + 0.6 * k for k in range(10)]
    del contacts[5]  # a missed contact doubles one step time
    summary = _walk(contacts)
    steady = [s.duration_s for s in summary.steps if s.steady]
    assert 60.0 / np.mean(steady) == pytest.approx(87.5)  # the mean step time is a step off
    # The gap of two steps skips a number: the slope is the truth.
    assert summary.cadence_spm == pytest.approx(100.0, abs=1e-6)


def test_cadence_rests_on_the_lifts_too():
    """Each step has a contact and a lift: timed to within a frame either way (the pose model's
    noise), the slope over both is nearer the truth than over the contacts alone, by about
    1/sqrt(2) on average; a lift not seen leaves the contacts alone."""
    rng = np.random.default_rng(0)
    period, n = 0.6, 10
    with_lifts, contacts_only = [], []
    for _ in range(60):
        true_contacts = 1.0 + period * np.arange(n)
        contacts = list(true_contacts + rng.uniform(-1, 1, n) / FPS)
        lifts = list(true_contacts + 0.25 + rng.uniform(-1, 1, n) / FPS)
        summary = _walk(contacts, lifts)
        with_lifts.append(abs(summary.cadence_spm - 100.0))
        # The slope over the steady steps' contacts only (each counted with the one before).
        steady = [s.t_contact_s for s in summary.steps if s.steady]
        counted = contacts[contacts.index(steady[0]) - 1 : contacts.index(steady[-1]) + 1]
        slope = np.polyfit(np.arange(len(counted)), counted, 1)[0]
        contacts_only.append(abs(60.0 / slope - 100.0))
    assert np.mean(with_lifts) < 0.85 * np.mean(contacts_only), (
        np.mean(with_lifts),
        np.mean(contacts_only),
    )

    # A lift not seen skips a number and the others stay in use: exact lifts pull the slope
    # over noisy contacts toward the truth.
    exact_lifts: list[float | None] = list(1.25 + period * np.arange(n))
    exact_lifts[4] = None
    summary = _walk(contacts, exact_lifts)
    steady = [s.t_contact_s for s in summary.steps if s.steady]
    counted = contacts[contacts.index(steady[0]) - 1 : contacts.index(steady[-1]) + 1]
    slope = np.polyfit(np.arange(len(counted)), counted, 1)[0]
    assert abs(summary.cadence_spm - 100.0) < abs(60.0 / slope - 100.0)


def test_one_event_far_off_its_step_does_not_pull_cadence():
    """A contact a third of a step late (the pose model taking foot-flat for the heel strike)
    pulls the slope over eight steps by steps/min; it is left out of the step time,
    and the contacts and lifts with a frame's noise are kept, late contact past the next lift
    or not."""
    rng = np.random.default_rng(1)
    for late_s in (0.2, 0.3):
        robust, plain = [], []
        for _ in range(20):
            true_contacts = 1.0 + 0.6 * np.arange(10)
            contacts = true_contacts + rng.uniform(-1, 1, 10) / FPS
            lifts = true_contacts + 0.25 + rng.uniform(-1, 1, 10) / FPS
            contacts[-2] += late_s  # the last steady contact
            robust.append(_walk(list(contacts), list(lifts)).cadence_spm - 100.0)
            every_event = StepOptions(outlier_k=np.inf)
            plain.append(_walk(list(contacts), list(lifts), every_event).cadence_spm - 100.0)
        # Kept, the late contact costs 1.3-1.6 steps/min on average here (up to 2.1).
        assert np.mean(np.abs(robust)) < 0.3 * np.mean(np.abs(plain)), (late_s, robust, plain)
        assert np.max(np.abs(robust)) < 1.0, (late_s, robust)


def _speed_walk(hidden_right_rows: slice):
    """Feet advancing 60 px per step (0.6 s), 300 px body height, the right foot's heel unseen
    in ``hidden_right_rows``; contacts at 1.0, 1.6, ... 6.4 s."""
    contacts = [1.0 + 0.6 * k for k in range(10)]
    t = np.arange(0.0, contacts[-1] + 1.0, 1.0 / FPS)
    events = []
    for k, tc in enumerate(contacts):
        foot = "left" if k % 2 == 0 else "right"
        events += [
            Event(int(round(tc * FPS)), tc, foot, "contact"),
            Event(int(round((tc + 0.7) * FPS)), tc + 0.7, foot, "lift"),
        ]
    events.sort(key=lambda e: e.t_s)
    feet = np.zeros((len(t), 2, 3, 2))
    for f in range(2):  # each foot rests where it last landed
        landed = [tc for k, tc in enumerate(contacts) if k % 2 == f]
        for i, ti in enumerate(t):
            n = sum(tc <= ti for tc in landed)
            feet[i, f, :, 0] = 60.0 * (2 * n - (1 - f))
    feet[hidden_right_rows, 1, 0] = np.nan
    scale = ScaleModel("none", None, None, body_height_px=300.0)
    return analyze_steps(events, feet, t, scale, np.array([1.0, 0.0]))


def test_speed_reads_both_feet_next_to_a_contact_where_one_is_unseen_at_it():
    first_steady = int(round(1.6 * FPS))
    whole = _speed_walk(slice(0, 0))
    assert whole.speed == pytest.approx(0.2 / 0.6, rel=1e-6)  # 60 px of 300 per 0.6 s
    one_frame = _speed_walk(slice(first_steady, first_steady + 1))
    assert one_frame.speed == pytest.approx(whole.speed, rel=1e-6)
    # Unseen all through the double support after the contact: not measured, and said so.
    gone = _speed_walk(slice(first_steady - 3, first_steady + 4))
    assert gone.speed is None
    assert any("speed not measurable" in w for w in gone.warnings)


def test_stride_variability_says_how_much_one_stride_far_off_carries():
    # Steady 1.3 s strides, then the right foot's last steady contact 0.35 s early (a foot lost
    # as the feet come together): one short stride (the next step closes the walk, no stride).
    contacts = [1.0 + 0.65 * k for k in range(12)]
    contacts[9] -= 0.35
    summary = _walk(contacts)
    assert summary.n_strides >= 6 and summary.stride_time_sd_ms is not None
    assert summary.stride_time_sd_ms > 106.0
    assert summary.stride_outlier_t_s == pytest.approx(contacts[9])
    assert summary.stride_time_sd_without_outlier_ms == pytest.approx(0.0, abs=1e-6)


def test_strides_that_vary_throughout_have_no_outlier():
    # Every stride a little off the last (a walker whose rhythm wanders): none is far off.
    rng = np.random.default_rng(0)
    contacts = list(1.0 + np.cumsum(rng.normal(0.65, 0.06, 16)))
    summary = _walk(contacts)
    assert summary.stride_time_sd_ms is not None and summary.stride_time_sd_ms > 60.0
    assert summary.stride_time_sd_without_outlier_ms is None
    assert summary.stride_outlier_t_s is None


def test_sd_without_outlier_leaves_out_one_value_far_off_the_median():
    assert sd_without_outlier([1.3, 1.3, 0.9, 1.31, 1.29], k=3.0, floor=0.1) == pytest.approx(
        (np.std([1.3, 1.3, 1.31, 1.29], ddof=1), 2)
    )
    # Far off by the robust spread, but nearer than the floor: not an outlier.
    assert sd_without_outlier([1.3, 1.3, 1.25, 1.31, 1.29], k=3.0, floor=0.1) is None
    # Spread throughout: the furthest is within three robust SDs.
    assert sd_without_outlier([1.1, 1.5, 1.2, 1.4, 1.3, 1.0], k=3.0, floor=0.1) is None
    assert sd_without_outlier([1.0, 2.0], k=3.0, floor=0.1) is None
