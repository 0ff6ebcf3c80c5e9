"""What walking allows of detected events, the metrics' quality grades, and how the assessment
uses them (scores and fall-risk rules only from metrics of sufficient quality)."""

from __future__ import annotations

import numpy as np
import pytest

from vision.analysis import AnalysisOptions, analyze_sequence
from vision.assess import AssessOptions, assess
from vision.gait.plausible import EventChecks, PlausibilityOptions, plausible_events
from vision.gait.quality import Evidence, grade_metrics, quality_document
from vision.result import Event

FPS = 30.0
WIDTH = 1280


def _walk(n_steps: int = 8, step_s: float = 0.55) -> list[Event]:
    """Alternating contacts every ``step_s`` with each foot lifting 0.15 s after the other
    lands (double support), as in walking."""
    events = []
    for k in range(n_steps):
        foot = "left" if k % 2 == 0 else "right"
        other = "right" if foot == "left" else "left"
        t = 1.0 + k * step_s
        events.append(Event(frame=round(t * FPS), t_s=t, foot=foot, type="contact"))
        events.append(Event(frame=round((t + 0.15) * FPS), t_s=t + 0.15, foot=other, type="lift"))
    return sorted(events, key=lambda e: e.t_s)


def _feet_mid_picture(n: int, x: float = 640.0) -> np.ndarray:
    """(n, 2, 3, 2) foot points of a walker standing at image x, both feet in view."""
    feet = np.zeros((n, 2, 3, 2))
    feet[..., 0] = x
    feet[:, 1, :, 0] += 40.0
    feet[..., 1] = 600.0
    return feet


def _check(events: list[Event], feet: np.ndarray | None = None, frontal: bool = False):
    t = np.arange(200) / FPS
    feet = _feet_mid_picture(len(t)) if feet is None else feet
    return plausible_events(
        events, feet, t, np.ones(len(t)), (WIDTH, 720), 400.0, frontal, PlausibilityOptions()
    )


def test_a_regular_walk_passes_unchanged():
    events = _walk()
    kept, checks = _check(events)
    assert kept == events
    assert checks == EventChecks()


def test_a_contact_doubled_a_few_frames_later_is_merged_into_the_first():
    events = _walk()
    first = next(e for e in events if e.type == "contact" and e.t_s > 2.0)
    double = Event(frame=first.frame + 3, t_s=first.t_s + 0.1, foot="right", type="contact")
    kept, checks = _check(sorted([*events, double], key=lambda e: e.t_s))
    assert checks.merged == 1
    assert double not in kept and first in kept
    assert len([e for e in kept if e.type == "contact"]) == 8


def test_a_stance_too_short_for_walking_is_dropped_with_its_lift():
    events = _walk()
    blip = [
        # The left foot is in the air from 3.90 s to 4.30 s.
        Event(frame=121, t_s=4.02, foot="left", type="contact"),
        Event(frame=123, t_s=4.08, foot="left", type="lift"),
    ]
    kept, checks = _check(sorted([*events, *blip], key=lambda e: e.t_s))
    assert checks.short_stance == 1 and checks.merged == 0
    assert kept == events


def test_a_landing_at_the_side_edge_of_the_picture_is_not_counted():
    events = _walk()
    t = np.arange(200) / FPS
    feet = _feet_mid_picture(len(t))
    last = max(e.t_s for e in events if e.type == "contact")
    # The foot furthest along travel (+x) reaches the right edge as the last step lands.
    feet[t >= last - 0.05, 1, :, 0] = WIDTH - 3.0
    kept, checks = _check(events, feet)
    assert checks.at_edge == 1
    assert all(e.t_s != last or e.type != "contact" for e in kept)
    # A foot beyond the edge (placed outside the picture) is not seen whole either.
    feet[t >= last - 0.05, 1, :, 0] = WIDTH + 30.0
    assert _check(events, feet)[1].at_edge == 1
    # From the front or back nothing is dropped (see plausible_events).
    assert _check(events, feet, frontal=True)[1].at_edge == 0


def test_a_contact_after_the_last_frame_is_checked_in_that_frame():
    # A clip cut short (a batch's frame limit) can end on a contact, timed between frames just
    # after the last one.
    t = np.arange(60) / FPS
    contact = Event(frame=59, t_s=float(t[-1]) + 0.01, foot="left", type="contact")
    kept, checks = plausible_events(
        [contact],
        _feet_mid_picture(len(t)),
        t,
        np.ones(len(t)),
        (WIDTH, 720),
        400.0,
        False,
        PlausibilityOptions(),
    )
    assert kept == [contact] and checks.at_edge == 0


def test_a_swing_too_short_drops_a_jitter_but_keeps_a_step_whose_lift_came_late():
    t = np.arange(200) / FPS
    first = [Event(frame=30, t_s=1.0, foot="left", type="lift")]
    first.append(Event(frame=33, t_s=1.1, foot="left", type="contact"))
    # The left foot never moves: a lift and a landing 0.1 s apart are a point jittering.
    kept, checks = _check(first)
    assert kept == [] and checks.short_swing == 1
    # The left foot lands 100 px (0.25 body heights) from where it stood and stays there: a
    # real step whose lift was found late keeps its contact; only the lift goes.
    feet = _feet_mid_picture(len(t))
    feet[t >= 1.05, 0, :, 0] -= 100.0
    kept, checks = _check(first, feet)
    assert kept == [first[1]] and checks.short_swing == 1


def test_grades_follow_the_evidence():
    clean = grade_metrics(Evidence(EventChecks(), 8, "side", True, "floor_calibration"))
    assert {q.grade for q in clean.values()} == {"good"}
    merged = grade_metrics(Evidence(EventChecks(merged=2), 8, "side", True, "floor_calibration"))
    assert merged["cadence_spm"].grade == "poor"
    assert "events_corrected" in merged["cadence_spm"].reasons
    assert merged["test_3mbwt_s"].grade == "good"  # the test's clock is not the steps
    estimated = grade_metrics(Evidence(EventChecks(), 8, "side", True, "world_landmarks"))
    assert estimated["cadence_spm"].grade == "good"
    assert estimated["speed_mps"].grade == "poor"
    front = grade_metrics(Evidence(EventChecks(), 8, "front", True, "floor_calibration"))
    assert front["step_count"].grade == "fair"
    doc = quality_document(Evidence(EventChecks(), 2, "side", True, "subject_height"))
    assert doc["step_count"]["grade"] == "poor"
    assert "fewer than 4 steps" in doc["step_count"]["notes"][0]


def test_fall_risk_and_scores_leave_out_metrics_of_poor_evidence(synthetic_walk_result):
    result = synthetic_walk_result
    opts = AssessOptions(protocol="free_backward")
    before = assess(result, opts)
    assert before.fall_risk.level != "undetermined"
    assert any(c.metric == "speed_mps" for c in before.components)
    result.extras["metric_quality"] = quality_document(
        Evidence(
            EventChecks(merged=3), result.metrics.step_count, "side", True, "floor_calibration"
        )
    )
    after = assess(result, opts)
    assert after.fall_risk.level == "undetermined"
    speed = next(r for r in after.fall_risk.reasons if r.rule == "backward_speed")
    assert speed.outcome == "undetermined" and "poor evidence" in speed.note
    scored = {c.metric for c in after.components}
    assert "speed_mps" not in scored and "step_length_m.mean" not in scored
    assert "trunk_flexion_deg.mean" in scored  # posture does not rest on the steps


def test_the_analysis_grades_its_metrics_and_reports_its_checks(synthetic_walk_result):
    extras = synthetic_walk_result.extras
    assert set(extras["event_checks"]) >= {"at_edge", "merged", "short_stance", "short_swing"}
    assert extras["metric_quality"]["cadence_spm"]["grade"] == "good"
    assert extras["metric_quality"]["speed_mps"]["grade"] == "good"


def _synthetic_walk():
    from vision.gait.scale import FloorCalibration
    from vision.synthetic import WalkParams, simulate_walk
    from vision.synthetic.camera import floor_calibration, view_camera
    from vision.synthetic.landmarks import LandmarkNoise, landmark_sequence

    params = WalkParams(direction="backward", n_steps=8)
    truth = simulate_walk(params)
    cam = view_camera(truth.joints, float(truth.facing_deg[0]), "side")
    seq = landmark_sequence(truth, cam, LandmarkNoise.blazepose_like(), seed=7)
    x0 = float(truth.steps[0]["footprint"][0])
    two = floor_calibration(cam, (x0, x0 + 3.0 * params.travel_sign))["two_point"]
    cal = FloorCalibration(tuple(map(tuple, two["image_px"])), two["distance_m"])
    return analyze_sequence(seq, AnalysisOptions(calibration=cal))


@pytest.fixture()
def synthetic_walk_result():
    return _synthetic_walk()
