"""Gait events and direction on real clips (pose from the real model: slow)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from vision.analysis import AnalysisOptions, analyze_sequence
from vision.gait.agreement import load_event_labels, match_events, reversed_events

VIDEOS = Path(__file__).resolve().parents[1].parent / "shared" / "videos"
LABELLED = VIDEOS / "forward_walk_side_labeled.mp4"
DEMO = VIDEOS / "backward_walk_side_demo4.mp4"
# Our own labels of the demo's backward contacts (see tests/data/README.md).
DEMO_CONTACTS = Path(__file__).resolve().parent / "data" / "backward_walk_side_demo4.contacts.csv"

pytestmark = pytest.mark.slow


def _pose(path: Path):
    if not path.exists():
        pytest.skip(f"real test clip {path.name} not available")
    from vision.pipeline import extract_pose

    return extract_pose(path)


@pytest.fixture(scope="module")
def labelled():
    seq = _pose(LABELLED)
    labels = load_event_labels(LABELLED.with_suffix(".events.csv"), seq.fps)
    seen = np.flatnonzero(seq.has_pose)
    # Score where the model sees the walker (the labeller also saw the entering foot).
    window = (float(seq.t_s[seen[0]]) + 0.1, float(seq.t_s[seen[-1]]) - 0.1)
    return seq, labels, window


@pytest.fixture(scope="module")
def demo():
    """The demo clip's pose and analysis, read once for its tests."""
    seq = _pose(DEMO)
    return seq, analyze_sequence(seq)


def _check(events, truth, window, fps):
    for kind in ("contact", "lift"):
        agree = match_events(
            events, truth, kind, tolerance_s=0.1, window_s=window, within_labels=True
        )
        assert agree.n_reference >= 4
        assert agree.precision == 1.0 and agree.recall == 1.0, kind
        # Contacts are timed to a frame (the figure). Lifts within two: the pose
        # model's toe point creeps forward while the heel rises, before the toe leaves.
        frames = 1.0 if kind == "contact" else 2.0
        assert agree.median_abs_error_s() <= frames / fps + 1e-9, kind
        assert agree.feet_consistent()


def test_forward_clip_matches_hand_labels(labelled):
    seq, labels, window = labelled
    res = analyze_sequence(seq)
    assert res.metrics.walk_direction == "forward"
    _check(res.events, labels, window, seq.fps)


def test_time_reversed_clip_reads_backward_and_matches_reversed_labels(labelled):
    seq, labels, window = labelled
    rev = seq.reversed()
    res = analyze_sequence(rev)
    assert res.metrics.walk_direction == "backward"
    end = float(seq.t_s[-1])
    truth = reversed_events(labels, int(seq.frame_index[-1]), seq.fps)
    _check(res.events, truth, (end - window[1], end - window[0]), seq.fps)


def test_demo_walks_forward_then_backward_facing_the_same_way(demo):
    seq, res = demo
    fps = seq.fps
    walks = [s for s in res.segments if s.direction in ("forward", "backward")]
    fwd = [s for s in walks if s.direction == "forward"]
    back = [s for s in walks if s.direction == "backward"]
    assert fwd and back and fwd[0].start_s < back[0].start_s
    assert fwd[0].start_s * fps <= 60 and fwd[0].end_s * fps >= 150
    assert back[0].start_s * fps <= 200 and back[-1].end_s * fps >= 320
    assert all(s.view == "side" for s in walks)
    back_contacts = [
        e for e in res.events if e.type == "contact" and back[0].start_s <= e.t_s <= back[-1].end_s
    ]
    assert len(back_contacts) >= 5


def test_demo_backward_contacts_match_our_labels(demo):
    """The only real backward walk: every toe-first contact found, none extra, timed to a frame
    (median) against labels read off the enlarged frames."""
    seq, res = demo
    labels = load_event_labels(DEMO_CONTACTS, seq.fps)
    agree = match_events(res.events, labels, "contact", tolerance_s=0.1, within_labels=True)
    assert agree.n_reference == 9
    assert agree.precision == 1.0 and agree.recall == 1.0
    assert agree.median_abs_error_s() <= 1.0 / seq.fps + 1e-9
    assert agree.feet_consistent()


def test_demo_backward_feet_land_and_lift_in_turn(demo):
    """Each foot's events alternate, contact then lift: no foot lifts twice without landing
    (its lift given to the other foot) or lands twice without lifting."""
    seq, res = demo
    first, last = seq.t_s[192] - 0.1, seq.t_s[321] + 0.1  # the labelled backward walk
    for foot in ("left", "right"):
        kinds = [e.type for e in res.events if e.foot == foot and first <= e.t_s <= last]
        assert len(kinds) >= 8, foot
        repeats = [k for k, (a, b) in enumerate(zip(kinds, kinds[1:], strict=False)) if a == b]
        assert not repeats, (foot, kinds)


JOHN = VIDEOS / "john_side_labeled.mp4"


@pytest.fixture(scope="module")
def john():
    """The second real walker: his pose, the hand labels, and the bench's readings of the
    hand-clicked heels (one metre per pixel along image x, so step lengths read in pixels)."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    import cases

    seq = _pose(JOHN)
    labels = load_event_labels(JOHN.with_suffix(".events.csv"), seq.fps)
    rests = cases.heel_rests(JOHN.with_name("john_side_labeled.foot_points.csv"))
    return seq, labels, rests, cases


@pytest.mark.parametrize("reverse", [False, True], ids=["forward", "reversed"])
def test_john_contacts_seen_whole_are_all_found_and_steps_measure_his_footprints(john, reverse):
    """Every contact whose foot is in the picture is found, the first after he walks in (mid-
    swing) and the last before he walks out included, none extra, timed to a frame; each step
    between two hand-clicked heel rests measures their spacing within 3 %."""
    seq, labels, rests, cases = john
    last = int(seq.frame_index[-1])
    if reverse:
        seq = seq.reversed()
        labels = reversed_events(labels, last, seq.fps)
        rests = cases.reversed_rests(rests, last)
    truth = [e for e in labels if cases.seen_whole(seq, e)]
    options = AnalysisOptions(calibration=cases.pixel_calibration(rests))
    res = analyze_sequence(seq, options)
    agree = match_events(res.events, truth, "contact", tolerance_s=0.1)
    assert agree.n_reference == 4
    assert agree.precision == 1.0 and agree.recall == 1.0
    assert agree.median_abs_error_s() <= 1.0 / seq.fps + 1e-9
    assert res.metrics.step_count == 4
    footprints = cases.footprint_steps(rests, labels)
    assert len(footprints) == 3
    for t, true_px in footprints:
        step = min(res.steps, key=lambda s: abs(s.t_contact_s - t))
        assert abs(step.t_contact_s - t) <= 0.1
        assert step.length_m == pytest.approx(true_px, rel=0.03)
