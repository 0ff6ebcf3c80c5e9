"""Step timing summaries from contact events."""

from __future__ import annotations

import numpy as np
import pytest

from vision.gait.scale import ScaleModel
from vision.gait.steps import analyze_steps
from vision.result import Event

FPS = 30.0


def _walk(contacts_s: list[float]):
    t = np.arange(0.0, contacts_s[-1] + 1.0, 1.0 / FPS)
    events = []
    for k, tc in enumerate(contacts_s):
        foot = "left" if k % 2 == 0 else "right"
        events.append(Event(int(round(tc * FPS)), tc, foot, "contact"))
        events.append(Event(int(round((tc + 0.25) * FPS)), tc + 0.25, foot, "lift"))
    events.sort(key=lambda e: e.t_s)
    feet = np.full((len(t), 2, 3, 2), 100.0)
    scale = ScaleModel("none", None, None, body_height_px=300.0)
    return analyze_steps(events, feet, t, scale, np.array([1.0, 0.0]))


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


def test_cadence_with_a_missed_step_falls_back_to_the_mean_step_time():
    contacts = [1.0 + 0.6 * k for k in range(10)]
    del contacts[5]  # a missed contact doubles one step time; the numbering would be off
    summary = _walk(contacts)
    steady = [s.duration_s for s in summary.steps if s.steady]
    assert summary.cadence_spm == pytest.approx(60.0 / np.mean(steady))
