"""How sure each metric is: a grade from the evidence behind it, and the words that say why.

Every metric rests on events, foot points, a view and a scale. :func:`grade_metrics` grades
each metric ``good``, ``fair`` or ``poor`` from that evidence; scores and fall-risk rules use
only metrics better than ``poor`` (see :mod:`vision.assess.fall_risk`). :data:`MESSAGES` is the
one place the words are kept, under stable codes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from vision.gait.bounds import WalkingBounds, WalkValues, outside_bounds
from vision.gait.plausible import EventChecks, PlausibilityOptions

Grade = Literal["good", "fair", "poor"]
GRADES: tuple[Grade, ...] = ("poor", "fair", "good")

# code: message template (``str.format`` over the evidence).
MESSAGES: dict[str, str] = {
    "contacts_at_edge": (
        "{n} foot landings at the picture's edge were not counted: the foot was leaving the "
        "picture or only partly in it, so where it came down is not seen"
    ),
    "contacts_merged": (
        "{n} contacts came less than {min_step_s:.2f} s after the one before, faster than "
        "anyone walks: each was read as the same landing and merged into it"
    ),
    "stances_short": (
        "{n} stances shorter than {min_stance_s:.2f} s were dropped (a foot point jittering "
        "on the floor, not a step)"
    ),
    "swings_short": (
        "{n} swings shorter than {min_swing_s:.2f} s were dropped (a foot point jittering, "
        "not a step)"
    ),
    "feet_slid": (
        "the feet moved along the floor without leaving it (sliding, not stepping): "
        "{n} moves that looked like steps were not counted"
    ),
    # Reasons for a grade below good.
    "events_corrected": "steps were found with events that walking does not allow",
    "alternation_breaks": "consecutive contacts by the same foot: a step missed or feet confused",
    "few_steps": "fewer than {min_steps} steps were measured",
    "frontal_view": "steps seen from the {view} are found less reliably than from the side",
    "facing_unsure": "which way the subject faces is unsure from this view",
    "scale_estimated": "distances rest on a {method!r} scale, not a measured one",
    "scale_across_only": (
        "from this oblique view the walk runs partly toward or away from the camera, where an "
        "entered height measures nothing: distances and speed read short; mark the floor (four "
        "points, or two along the walking line) for them"
    ),
    "no_steps": "no steps were found",
    # Values outside what walking allows (see vision.gait.bounds).
    "speed_implausible": (
        "the walking speed, {speed_value:.3g} m/s, is outside what people walk at "
        "({speed_least:g}-{speed_most:g} m/s): the scale or the steps are wrong"
    ),
    "step_length_implausible": (
        "the mean step length, {step_length_value:.2f} body heights, is outside what legs "
        "allow ({step_length_least:g}-{step_length_most:g}): steps were missed or doubled"
    ),
    "cadence_implausible": (
        "the cadence, {cadence_value:.0f} steps/min, is outside walking's "
        "({cadence_least:.0f}-{cadence_most:.0f}): steps were missed or doubled"
    ),
    "body_height_implausible": (
        "the scale makes the subject {body_height_value:.3g} m tall, outside "
        "{body_height_least:g}-{body_height_most:g} m: the floor calibration or the entered "
        "height is wrong"
    ),
}


def message(code: str, **evidence: object) -> str:
    """The catalogue's words for ``code``, filled with ``evidence``."""
    return MESSAGES[code].format(**evidence)


def check_warnings(checks: EventChecks, options: PlausibilityOptions | None = None) -> list[str]:
    """Warnings for the events :func:`~vision.gait.plausible.plausible_events` changed."""
    options = options or PlausibilityOptions()
    out = []
    if checks.at_edge:
        out.append(message("contacts_at_edge", n=checks.at_edge))
    if checks.merged:
        out.append(message("contacts_merged", n=checks.merged, min_step_s=options.min_step_s))
    if checks.short_stance:
        out.append(
            message("stances_short", n=checks.short_stance, min_stance_s=options.min_stance_s)
        )
    if checks.slid:
        out.append(message("feet_slid", n=checks.slid))
    if checks.short_swing:
        out.append(message("swings_short", n=checks.short_swing, min_swing_s=options.min_swing_s))
    return out


@dataclass(frozen=True)
class MetricQuality:
    """A metric's grade and the codes of :data:`MESSAGES` that lowered it."""

    grade: Grade
    reasons: tuple[str, ...] = ()

    def to_dict(self, evidence: dict[str, object]) -> dict[str, object]:
        """JSON-ready: grade, reason codes and their words."""
        return {
            "grade": self.grade,
            "reasons": list(self.reasons),
            "notes": [message(c, **evidence) for c in self.reasons],
        }


@dataclass(frozen=True)
class Evidence:
    """What the metrics of one walk rest on.

    Attributes:
        checks: what the plausibility checks changed.
        step_count: steps in the walk's main direction.
        view: side, oblique, front or back.
        facing_sure: whether the facing (so the direction) is sure.
        scale_method: floor_calibration, subject_height, world_landmarks or none.
        min_steps: fewer steps than this make the step metrics poor.
        values: the measured values that :class:`~vision.gait.bounds.WalkingBounds` judges.
        bounds: what walking allows.
    """

    checks: EventChecks
    step_count: int
    view: str
    facing_sure: bool
    scale_method: str
    min_steps: int = 4
    values: WalkValues = field(default_factory=WalkValues)
    bounds: WalkingBounds = field(default_factory=WalkingBounds)


STEP_METRICS = ("step_count", "cadence_spm", "step_time_s", "stride_time_sd_ms")
DISTANCE_METRICS = ("step_length_m", "speed_mps", "test_3mbwt_s")


def grade_metrics(evidence: Evidence) -> dict[str, MetricQuality]:
    """Grade of each step and distance metric (see the module docstring).

    Step timing is poor where events had to be merged or dropped, contacts do not alternate,
    too few steps were found, or the step length or cadence is outside what walking allows
    (:mod:`vision.gait.bounds`); fair from the front or back; else good. Distances take the
    step timing's grade (a step's length is read at its contacts) and are poor on an estimated
    scale, on an entered height in an oblique view, or on a scale that gives the subject a
    stature no one has; the speed also where it is outside walking's; the 3 m test's time rests
    on the scale alone (its clock is the feet's crossing of the lines, not the steps).
    """
    timing: list[tuple[Grade, str]] = []
    if evidence.step_count == 0:
        timing.append(("poor", "no_steps"))
    elif evidence.step_count < evidence.min_steps:
        timing.append(("poor", "few_steps"))
    if evidence.checks.removed:
        timing.append(("poor", "events_corrected"))
    if evidence.checks.alternation_breaks:
        timing.append(("poor", "alternation_breaks"))
    if evidence.view in ("front", "back"):
        timing.append(("fair", "frontal_view"))
        if not evidence.facing_sure:
            timing.append(("poor", "facing_unsure"))
    scale: list[tuple[Grade, str]] = []
    if evidence.scale_method not in ("floor_calibration", "subject_height"):
        scale.append(("poor", "scale_estimated"))
    elif evidence.scale_method == "subject_height" and evidence.view == "oblique":
        # The height sets pixels per metre across the picture only; the walk's part along the
        # line of sight is foreshortened by an angle nothing here measures.
        scale.append(("poor", "scale_across_only"))
    # A step length or cadence no walk has means steps were missed or doubled: everything built
    # on the steps is off. A stature no one has means the scale is: every distance is off.
    outside = outside_bounds(evidence.values, evidence.bounds)
    timing += [("poor", f"{n}_implausible") for n in ("step_length", "cadence") if n in outside]
    if "body_height" in outside:
        scale.append(("poor", "body_height_implausible"))
    speed = [("poor", "speed_implausible")] if "speed" in outside else []
    step = _worst(timing)
    out = {name: step for name in STEP_METRICS}
    out["step_length_m"] = _worst(timing + scale)
    out["speed_mps"] = _worst(timing + scale + speed)
    out["test_3mbwt_s"] = _worst(scale)
    return out


def evidence_warnings(evidence: Evidence) -> list[str]:
    """Warnings for what makes metrics poor beyond the events' checks: each measured value
    outside what walking allows, and a scale that cannot measure along an oblique walk."""
    words = _bound_words(evidence)
    outside = outside_bounds(evidence.values, evidence.bounds)
    out = [message(f"{name}_implausible", **words) for name in outside]
    if "scale_across_only" in grade_metrics(evidence)["step_length_m"].reasons:
        out.append(message("scale_across_only"))
    return out


def _bound_words(evidence: Evidence) -> dict[str, object]:
    """The bounds' evidence for MESSAGES: ``<name>_value``, ``<name>_least``, ``<name>_most``."""
    words: dict[str, object] = {}
    for name, found in outside_bounds(evidence.values, evidence.bounds).items():
        words.update({f"{name}_{k}": v for k, v in found.items()})
    return words


def quality_document(evidence: Evidence) -> dict[str, dict[str, object]]:
    """``extras["metric_quality"]``: {metric: {grade, reasons, notes}}."""
    words = {
        "min_steps": evidence.min_steps,
        "view": evidence.view,
        "method": evidence.scale_method,
        **_bound_words(evidence),
    }
    return {name: q.to_dict(words) for name, q in grade_metrics(evidence).items()}


def _worst(found: list[tuple[Grade, str]]) -> MetricQuality:
    if not found:
        return MetricQuality("good")
    grade = min((g for g, _ in found), key=GRADES.index)
    return MetricQuality(grade, tuple(dict.fromkeys(c for _, c in found)))
