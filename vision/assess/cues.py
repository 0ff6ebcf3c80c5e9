"""Cue texts and the limits that trigger them: the one place every coaching message is worded.

:data:`CUES` maps a code to its severity and text (a ``str.format`` template filled with the
measurements behind it); the report, the API and the live coach all use it. :data:`FORM_LIMITS`
says when a form cue applies; every limit is a design choice (no published backward-walking form
norms exist) and is listed in docs/scoring.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from vision.result import Feedback, Severity

from .scores import ANCHORS, component_score


@dataclass(frozen=True)
class Cue:
    """A cue's fixed text (``str.format`` template over the evidence) and severity."""

    severity: Severity
    template: str


CUES: dict[str, Cue] = {
    "stumble": Cue(
        "alert",
        (
            "Stumble at {t_s:.1f} s (frame {frame}){more}: your hips dropped "
            "{drop_body_heights:.2f} "
            "body heights. Stop, steady yourself, and practise next to a wall or rail with someone "
            "nearby."
        ),
    ),
    "stumble_stop": Cue(
        "alert",
        (
            "That looked like a stumble. Stop and steady yourself; coaching is paused until you "
            "say "
            "you are all right."
        ),
    ),
    "fall_stop": Cue(
        "alert",
        (
            "That looked like a fall: your hips stayed low. Coaching has stopped. If you need "
            "help, "
            "call for it now."
        ),
    ),
    "person_lost": Cue(
        "alert",
        (
            "I can no longer see you. If you fell, stay still and call for help; otherwise step "
            "back "
            "into view."
        ),
    ),
    "left_view": Cue(
        "warning",
        ("You walked out of the camera's view. Coaching is paused until you are back in view."),
    ),
    "walking_forward": Cue(
        "info",
        (
            "You are walking forwards. For this exercise, walk backwards: face away from where you "
            "are going."
        ),
    ),
    "long_steps": Cue(
        "advice",
        (
            "Steps of {step_length_bh:.2f} body heights{where}: take smaller steps at first, reach "
            "back with your toes, then roll onto the heel."
        ),
    ),
    "clear_space": Cue(
        "info",
        (
            "Before you start, clear the space behind you and keep a wall, rail or a friend within "
            "reach."
        ),
    ),
    "fall_risk_flag": Cue(
        "warning",
        (
            "Fall-risk screen: {level} ({rules}). This is a screening aid, not a diagnosis: "
            "discuss "
            "it with a physiotherapist, and practise with support nearby."
        ),
    ),
    "direction_unsure": Cue(
        "warning",
        (
            "Which way you walked could not be told from this {view} view (the front and back of "
            "the body were read in turn), so the walk was not coached. Film the walk again from "
            "the side."
        ),
    ),
    "wrong_direction": Cue(
        "warning",
        (
            "This clip shows a {walk_direction} walk, not a {expected} one, so it was not coached. "
            "Film the walk again."
        ),
    ),
    "trunk_flexion": Cue(
        "advice",
        (
            "Trunk leaned forward {mean_deg:.0f} degrees on average (up to {max_deg:.0f}){where}; "
            "aim to stand tall, shoulders over hips."
        ),
    ),
    "trunk_extension": Cue(
        "advice",
        (
            "Trunk leaned back {mean_deg:.0f} degrees on average{where}; stand tall with shoulders "
            "over hips rather than leaning back."
        ),
    ),
    "lateral_lean": Cue(
        "advice",
        (
            "Trunk tilted {mean_deg:.0f} degrees to your {side} on average{where}; keep your "
            "shoulders level over your hips."
        ),
    ),
    "head_pitch": Cue(
        "advice",
        (
            "Head was tipped {updown} {mean_deg:.0f} degrees on average{where}; keep your gaze "
            "ahead and glance back only briefly."
        ),
    ),
    "uneven_steps": Cue(
        "advice",
        (
            "Step lengths differed by {asymmetry_pct:.0f} % between your feet{detail}; aim for "
            "even "
            "steps, reaching back the same distance with each foot."
        ),
    ),
    "uneven_rhythm": Cue(
        "advice",
        (
            "Stride times varied by {sd_ms:.0f} ms over {strides} strides{range_text}; slow down "
            "and take short, even steps until the rhythm feels steady."
        ),
    ),
    "sway": Cue(
        "advice",
        (
            "Your hips drifted side to side by {sway_body_heights:.2f} body heights{where}; keep a "
            "steady line, as if walking along a floor seam."
        ),
    ),
    "short_steps": Cue(
        "info",
        (
            "Steps averaged {mean_m:.2f} m (shortest {min_m:.2f} m, step {min_step}); once you "
            "feel "
            "steady, reach back a little further with your toes and roll toe-to-heel."
        ),
    ),
    "looking_back": Cue(
        "advice",
        (
            "You looked back over your shoulder for {seconds:.1f} s ({pct:.0f} % of the walk); "
            "glance back only briefly, then face ahead again."
        ),
    ),
    "arm_swing": Cue(
        "info",
        (
            "Your arms swung through only {swing_deg:.0f} degrees; let them swing naturally to "
            "help "
            "your balance."
        ),
    ),
    "good_form": Cue("info", ("{summary}: keep it up, and build up your walking time gradually.")),
}


@dataclass(frozen=True)
class FormLimit:
    """When a form cue is given: ``metric`` beyond ``limit`` (design choice), in ``unit``.

    ``above``: cue when the value exceeds the limit (False: when below it). ``absolute``: the
    value's size counts, not its sign (a lean to either side). ``worst``: for metrics with no
    score anchor, the value at which the cue's priority tops out.
    """

    code: str
    metric: str
    limit: float
    unit: str
    above: bool = True
    absolute: bool = False
    worst: float | None = None

    def crossed(self, value: float) -> bool:
        x = abs(value) if self.absolute else value
        return x > self.limit if self.above else x < self.limit


# Measures the gait analysis reports beyond the contract's metrics (extras["metrics_more"]).
LOOKING_BACK = "extras.metrics_more.looking_back_fraction"
ARM_SWING = "extras.metrics_more.arm_swing_deg"
FORM_LIMITS: tuple[FormLimit, ...] = (
    FormLimit("trunk_flexion", "trunk_flexion_deg.mean", 15.0, "deg"),
    FormLimit("trunk_extension", "trunk_flexion_deg.mean", -10.0, "deg", above=False),
    FormLimit("lateral_lean", "trunk_lateral_lean_deg.mean", 5.0, "deg", absolute=True),
    FormLimit("head_pitch", "head_pitch_deg.mean", 25.0, "deg"),
    FormLimit("uneven_steps", "step_length_asymmetry_pct", 15.0, "%"),
    FormLimit("uneven_rhythm", "stride_time_sd_ms", 80.0, "ms"),
    FormLimit("sway", "sway_ml_body_heights", 0.04, "body heights"),
    FormLimit("short_steps", "step_length_m.mean", 0.25, "m", above=False),
    FormLimit("looking_back", LOOKING_BACK, 0.25, "fraction", worst=1.0),
    FormLimit("arm_swing", ARM_SWING, 10.0, "deg", above=False, worst=0.0),
)


def cue(code: str, evidence: dict[str, Any] | None = None, **fields: Any) -> Feedback:
    """A :class:`Feedback` with the text of ``CUES[code]`` filled from ``fields``."""
    entry = CUES[code]
    return Feedback(code, entry.severity, entry.template.format(**fields), dict(evidence or {}))


def deficit(limit: FormLimit, value: float) -> float:
    """How far ``value`` is from good, 0-100: the cue's priority among form cues.

    100 minus the metric's score component where it has a score anchor; otherwise the distance
    from the limit to ``limit.worst`` (0 at the limit, 100 at or beyond the worst).
    """
    anchor = next((a for a in ANCHORS if a.metric == limit.metric), None)
    if anchor is not None:
        return 100.0 - component_score(anchor, value)
    if limit.worst is None or limit.worst == limit.limit:
        return 0.0
    frac = (value - limit.limit) / (limit.worst - limit.limit)
    return 100.0 * min(max(frac, 0.0), 1.0)
