"""What a walk's numbers can be: physiological bounds on speed, step length and cadence.

A value outside them is not a finding about the walker but about the measurement: a floor
calibration off by a factor, a body read at the wrong size, steps doubled or missed. Such a
metric is graded poor (see :mod:`vision.gait.quality`) and carries no score or fall-risk rule.
Each bound gives its source, or says it is a design choice; all are wide on purpose: they catch
a broken measurement, not an unusual walker.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from vision.gait.plausible import PlausibilityOptions


@dataclass(frozen=True)
class WalkingBounds:
    """Attributes:
    speed_mps: (least, most) walking speed, m/s. Most: the fastest group's mean maximum
        walking speed is 2.53 m/s (men in their twenties; Bohannon, Age Ageing 1997), backward
        walking is slower still (Fritz et al., Gait Posture 2013); 3.0 m/s leaves a margin
        (design choice). Least: 0.05 m/s, a design choice, slower than a walk measured in any
        of those studies (the 3 m backward walk test's nursing-home cut-off, 8.15 s, is
        0.37 m/s).
    step_length_body_heights: (least, most) mean step length over the subject's height. Most:
        with both legs straight and 90 degrees apart, far beyond walking's split, the feet are
        2 x 0.53 x sin 45 deg = 0.75 body heights apart (hip height 0.53 of stature, Winter,
        Biomechanics and Motor Control of Human Movement, 2009, anthropometric table; the
        split a design choice). Least: 0.03 body heights (about 5 cm), a design choice below
        the shortest shuffling steps.
    min_cadence_spm: least cadence, steps/min: a step every 2 s or longer is standing between
        steps, not a walk (design choice). The most follows from the least step time of
        :class:`~vision.gait.plausible.PlausibilityOptions` (race walkers, Hanley 2011).
    body_height_m: (least, most) stature the scale may imply, m: the range a user may enter
        (design choice); a scale that makes the subject taller or shorter is wrong.
    """

    speed_mps: tuple[float, float] = (0.05, 3.0)
    step_length_body_heights: tuple[float, float] = (0.03, 0.75)
    min_cadence_spm: float = 30.0
    body_height_m: tuple[float, float] = (0.5, 2.5)
    plausibility: PlausibilityOptions = field(default_factory=PlausibilityOptions)

    @property
    def cadence_spm(self) -> tuple[float, float]:
        """(least, most) cadence, steps/min."""
        return self.min_cadence_spm, 60.0 / self.plausibility.min_step_s


@dataclass(frozen=True)
class WalkValues:
    """The measured values the bounds judge; None where not measured.

    Attributes:
        speed_mps: walking speed, m/s (metric scales only).
        step_length_body_heights: mean step length over the subject's height in the picture.
        cadence_spm: steps per minute.
        body_height_m: the stature the scale implies (or that was entered), m.
    """

    speed_mps: float | None = None
    step_length_body_heights: float | None = None
    cadence_spm: float | None = None
    body_height_m: float | None = None


# Bound name -> (the value's attribute, its unit): their findings' codes are
# "bounds.<name>_implausible".
BOUNDED: dict[str, tuple[str, str]] = {
    "speed": ("speed_mps", "m/s"),
    "step_length": ("step_length_body_heights", "body heights"),
    "cadence": ("cadence_spm", "steps/min"),
    "body_height": ("body_height_m", "m"),
}


def outside_bounds(
    values: WalkValues, bounds: WalkingBounds | None = None
) -> dict[str, dict[str, float | str]]:
    """The values outside their bounds: {bound name: {value, least, most, unit}} (empty when
    every measured value is plausible)."""
    bounds = bounds or WalkingBounds()
    limits = {
        "speed": bounds.speed_mps,
        "step_length": bounds.step_length_body_heights,
        "cadence": bounds.cadence_spm,
        "body_height": bounds.body_height_m,
    }
    out: dict[str, dict[str, float | str]] = {}
    for name, (attr, unit) in BOUNDED.items():
        value = getattr(values, attr)
        lo, hi = limits[name]
        if value is not None and not lo <= value <= hi:
            out[name] = {"value": value, "least": lo, "most": hi, "unit": unit}
    return out
