"""How sure each metric is: a grade from the evidence behind it, and the words that say why.

Every metric rests on events, foot points, a view and a scale. :func:`grade_metrics` grades
each metric ``good``, ``fair`` or ``poor`` from that evidence; scores and fall-risk rules use
only metrics better than ``poor`` (see :mod:`vision.assess.fall_risk`). The words are kept in
:data:`vision.finding_texts.CATALOGUE` (see :func:`reason_code`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from vision.findings import Finding, finding, message
from vision.gait.bounds import WalkingBounds, WalkValues, outside_bounds
from vision.gait.plausible import EventChecks, PlausibilityOptions

Grade = Literal["good", "fair", "poor"]
GRADES: tuple[Grade, ...] = ("poor", "fair", "good")


def reason_code(reason: str) -> str:
    """The :data:`~vision.finding_texts.CATALOGUE` code of a grade's reason."""
    return f"bounds.{reason}" if reason.endswith("_implausible") else f"quality.{reason}"


# Plausibility check (an EventChecks field) -> its finding code and the option it names.
_CHECKS = (
    ("at_edge", "events.contacts_at_edge", None),
    ("merged", "events.contacts_merged", "min_step_s"),
    ("short_stance", "events.stances_short", "min_stance_s"),
    ("slid", "events.feet_slid", None),
    ("short_swing", "events.swings_short", "min_swing_s"),
)


def check_findings(
    checks: EventChecks, options: PlausibilityOptions | None = None
) -> list[Finding]:
    """Findings for the events :func:`~vision.gait.plausible.plausible_events` changed."""
    options = options or PlausibilityOptions()
    out = []
    for name, code, option in _CHECKS:
        n = getattr(checks, name)
        if n:
            limit = {} if option is None else {option: getattr(options, option)}
            out.append(finding(code, n=n, **limit))
    return out


@dataclass(frozen=True)
class MetricQuality:
    """A metric's grade and the reasons that lowered it (see :func:`reason_code`)."""

    grade: Grade
    reasons: tuple[str, ...] = ()

    def to_dict(self, evidence: dict[str, object]) -> dict[str, object]:
        """JSON-ready: grade, reason codes and their words."""
        return {
            "grade": self.grade,
            "reasons": list(self.reasons),
            "notes": [message(reason_code(c), **evidence) for c in self.reasons],
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
    speed: list[tuple[Grade, str]] = [("poor", "speed_implausible")] if "speed" in outside else []
    step = _worst(timing)
    out = {name: step for name in STEP_METRICS}
    out["step_length_m"] = _worst(timing + scale)
    out["speed_mps"] = _worst(timing + scale + speed)
    out["test_3mbwt_s"] = _worst(scale)
    return out


def evidence_findings(evidence: Evidence) -> list[Finding]:
    """Findings for what makes metrics poor beyond the events' checks: each measured value
    outside what walking allows, and a scale that cannot measure along an oblique walk."""
    outside = outside_bounds(evidence.values, evidence.bounds)
    out = [
        finding(f"bounds.{name}_implausible", **{f"{name}_{k}": v for k, v in found.items()})
        for name, found in outside.items()
    ]
    if "scale_across_only" in grade_metrics(evidence)["step_length_m"].reasons:
        out.append(finding("quality.scale_across_only"))
    return out


def _bound_words(evidence: Evidence) -> dict[str, object]:
    """The bounds' evidence for the notes: ``<name>_value``, ``<name>_least``, ``<name>_most``."""
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
