"""The leapfrog detector's heel/toe combination: one event per swing, timed without bias."""

from __future__ import annotations

import numpy as np
import pytest

from vision.analysis import AnalysisOptions, analyze_sequence
from vision.gait.agreement import match_events
from vision.gait.events import EventOptions, airborne_lifts
from vision.gait.events.leapfrog import LeapfrogOptions, name_lifts
from vision.gait.events.leapfrog_kinds import combine_kinds, room_for_lone_swings
from vision.gait.events.swing_fit import (
    SwingFit,
    leading_kind,
    merge_kinds,
    pair_swings,
    same_swing,
)
from vision.result import Event
from vision.synthetic import WalkParams, simulate_walk
from vision.synthetic.camera import view_camera
from vision.synthetic.landmarks import LandmarkNoise, landmark_sequence


def _fit(lift: float, contact: float) -> SwingFit:
    return SwingFit(lift_s=lift, contact_s=contact, rms=0.0)


def test_slow_swing_timed_far_apart_by_heel_and_toe_is_one_swing():
    # A limping swing where the toe's landing was timed 0.3 s after the heel's (the rendered
    # limp clip): the two kinds' airborne intervals overlap, and only one foot is in the air
    # at a time, so it is one swing and must give one contact, not two.
    heel, toe = _fit(5.117, 5.493), _fit(4.967, 5.793)
    assert same_swing(heel, toe, pair_s=0.25)
    pairs = pair_swings([_fit(4.34, 4.77), heel], [_fit(4.40, 4.83), toe], pair_s=0.25)
    assert len(pairs) == 2 and all(h is not None and f is not None for h, f in pairs)
    # Consecutive swings (double support between them) are never paired.
    assert not same_swing(_fit(4.34, 4.77), toe, pair_s=0.25)


def test_a_lift_just_before_a_landing_is_the_other_foots():
    # The real backward walk's detector found the right foot's lift 2 frames before the left
    # foot landed: named for the foot that lands next, it read "left lifts, left lands 0.07 s
    # later". No walking swing is that short, so it is the swing after: the right foot's.
    contacts, feet = [8.07, 8.70, 9.17], ["right", "left", "right"]
    assert name_lifts([8.17, 8.63], contacts, feet, min_swing_s=0.2) == ["left", "right"]
    # A lift well before the next landing is that foot's, however the landings are spaced.
    assert name_lifts([8.17, 8.45], contacts, feet, min_swing_s=0.2) == ["left", "left"]
    # After the last landing (or too close before it), the foot that did not land last lifts.
    assert name_lifts([9.05, 9.40], contacts, feet, min_swing_s=0.2) == ["left", "left"]
    assert name_lifts([1.0], [], [], min_swing_s=0.2) == ["left"]


def _events(*spec: tuple[float, str, str]) -> list[Event]:
    return [Event(frame=round(30 * t), t_s=t, foot=f, type=k) for t, f, k in spec]  # type: ignore[arg-type]


def test_a_lift_while_the_other_foot_is_in_the_air_is_counted():
    walk = [
        (0.0, "right", "contact"),
        (0.1, "left", "lift"),
        (0.5, "left", "contact"),
        (0.6, "right", "lift"),
        (1.0, "right", "contact"),
        (1.1, "left", "lift"),
    ]
    assert airborne_lifts(_events(*walk)) == 0
    # The right foot's lift found before the left foot lands: both feet would be up.
    early = walk[:2] + [(0.45, "right", "lift"), (0.5, "left", "contact")] + walk[4:]
    assert airborne_lifts(_events(*early)) == 1


def test_leading_kind_needs_a_consistent_order():
    # Toe first at every step (a backward walker landing on the toe): kind 1.
    assert leading_kind(np.array([-0.10, -0.08, -0.12, -0.09, -0.11])) == 1
    # Heel first every time: kind 0.
    assert leading_kind(np.array([0.07, 0.10, 0.09, 0.08])) == 0
    # Differences that change sign are timing noise: neither.
    assert leading_kind(np.array([0.03, -0.03, 0.0, 0.05, -0.04, -0.01])) is None
    assert leading_kind(np.array([-0.1, -0.1])) is None  # too few swings to tell


def test_merge_kinds_averages_agreeing_estimates_and_keeps_a_real_first():
    assert merge_kinds((1.00, 1.04), None, noise_s=0.03, earliest=True) == np.float64(1.02)
    assert merge_kinds((1.00, 1.20), None, noise_s=0.03, earliest=True) == 1.00
    assert merge_kinds((1.00, 1.20), None, noise_s=0.03, earliest=False) == 1.20
    assert merge_kinds((1.05, 1.00), 0, noise_s=0.03, earliest=True) == 1.05
    assert merge_kinds((1.20, 1.00), 0, noise_s=0.03, earliest=True) == 1.00
    assert merge_kinds((float("nan"), 1.00), 0, noise_s=0.03, earliest=True) == 1.00


def test_a_closing_steps_contact_is_the_mean_of_heel_and_toe():
    """Feet closed side by side: the pose model draws the closing foot's toe onto the resting
    foot before it arrives (rendered side walks: 3-7 frames early), so the earliest kind is not
    the first to land there. A walk whose toes land first keeps the toe's time elsewhere."""
    steady = [
        (_fit(1.0 + k, 1.4 + k), _fit(1.0 + k, 1.3 + k + 0.01 * (k % 2))) for k in range(4)
    ]  # toe lands 0.09-0.1 s before the heel: toe first
    closing = (SwingFit(5.0, 5.50, 0.0, closing=True), SwingFit(5.0, 5.30, 0.0, closing=True))
    out = combine_kinds([*steady, closing])
    assert [c for _, c in out[:4]] == [f.contact_s for _, f in steady]
    assert out[4][1] == pytest.approx(5.40)
    # Not a closing step: the toe's time stands (it is earlier, as always).
    plain = (_fit(5.0, 5.50), _fit(5.0, 5.30))
    assert combine_kinds([*steady, plain])[4][1] == pytest.approx(5.30)


def test_slow_backward_walk_contacts_are_not_timed_early():
    # Short slow steps glide in: each foot point's arrival is timed to about two frames, and
    # taking the earlier of heel and toe per swing timed every contact early (median 1.6
    # frames, all but one early, on this walk with BlazePose-like noise).
    truth = simulate_walk(
        WalkParams(direction="backward", n_steps=8, step_length_m=0.25, cadence_spm=80.0)
    )
    cam = view_camera(truth.joints, float(truth.facing_deg[0]), "side")
    seq = landmark_sequence(truth, cam, LandmarkNoise.blazepose_like(), seed=7)
    res = analyze_sequence(seq)
    ref = [Event(**e) for e in truth.events]
    contacts = match_events(res.events, ref, "contact", tolerance_s=0.1)
    assert contacts.recall == 1.0 and contacts.precision == 1.0
    assert contacts.median_abs_error_s() <= 1.0 / seq.fps
    found = sorted(e.t_s for e in res.events if e.type == "contact")
    true = np.array(sorted(e.t_s for e in ref if e.type == "contact"))
    signed = [t - true[np.argmin(np.abs(true - t))] for t in found]
    assert abs(float(np.median(signed))) <= 0.5 / seq.fps


def test_toe_point_sliding_in_double_support_is_not_a_step():
    """The rendered forward side walk (frames at 30 fps): after the left foot lands at 147.3
    the right toe point slides for six frames while the foot rolls onto it, then the whole foot
    swings from 152.0. A lone toe swing squeezed into the 4.7 frames between two swings seen in
    both kinds cannot be a step (one foot is in the air at a time); it had given an extra
    contact and +6.5 steps/min."""
    fr = 1 / 30
    before = (_fit(135.4 * fr, 147.3 * fr), _fit(135.0 * fr, 147.8 * fr))
    slide = (None, _fit(147.2 * fr, 153.5 * fr))
    after = (_fit(152.0 * fr, 162.2 * fr), _fit(152.0 * fr, 160.8 * fr))
    assert room_for_lone_swings([before, slide, after]) == [before, after]
    # A lone swing with room around it (its other kind was lost) is a step.
    later = (_fit(171.0 * fr, 183.0 * fr), _fit(171.5 * fr, 182.5 * fr))
    missed = (_fit(153.0 * fr, 165.0 * fr), None)
    assert room_for_lone_swings([before, missed, later]) == [before, missed, later]


@pytest.mark.parametrize("view", ["side", "oblique"])
def test_closing_step_is_followed_until_the_foot_stops(view):
    """A slow forward walk's closing step ends beside the other foot, so the hindmost foot
    track stops where the two draw level (within the landmark noise), 3-4 frames before the
    foot lands. Following the closing foot itself (both feet minus the resting one) times the
    landing within about a frame."""
    truth = simulate_walk(
        WalkParams(direction="forward", n_steps=8, step_length_m=0.25, cadence_spm=80.0)
    )
    cam = view_camera(truth.joints, float(truth.facing_deg[0]), view)
    seq = landmark_sequence(truth, cam, LandmarkNoise.blazepose_like(), seed=7)
    last = max(e["t_s"] for e in truth.events if e["type"] == "contact")

    def closing_error_frames(hold_fraction: float) -> float:
        opts = EventOptions(leapfrog=LeapfrogOptions(hold_fraction=hold_fraction))
        res = analyze_sequence(seq, AnalysisOptions(events=opts))
        found = np.array([e.t_s for e in res.events if e.type == "contact"])
        return float(np.min(np.abs(found - last))) * seq.fps

    assert closing_error_frames(LeapfrogOptions().hold_fraction) <= 1.5
    # A hold speed of the whole peak never follows the foot past the hindmost track.
    assert closing_error_frames(1.0) >= 2.5
