"""Which reading gives the cadence of a walk seen from the front or back: the foot contacts or
the trunk's side-to-side sway (:mod:`vision.gait.rhythm`).

From the side the contacts are the only reading (the sway lies along the line of sight). From the
front or back there are two, and which is the better depends on how the contacts were timed:

* timed by the pose model's depth of the feet (``separation``), the contacts' cadence is often
  well off (that depth is the model's guess along the line of sight), while the trunk's sway
  keeps its rhythm: the sway's is taken;
* timed by the picture's change around each foot (``foot_motion``), the contacts' cadence is
  close to the sway's, and better on a short walk that holds too few whole strides of sway for
  the sway's standard error. But where the motion missed a contact or split one, or the walker
  limps, the contacts' step times scatter and their cadence's standard error (from the steady
  steps' spread, as a visit comparison reads it) grows far beyond the sway's. So of two readings
  that agree (within :data:`CADENCE_DISAGREEMENT`), the one with the smaller standard error is
  taken. bench/accuracy.py prints, for front and back views, how often the cadence chosen is
  within 2 steps/min of the truth.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from vision.findings import Finding, finding, messages
from vision.gait.rhythm import SwayRhythm
from vision.gait.steps import StepSummary, cadence_standard_error

# Readings further apart than this (relative) disagree: steps were missed or found twice.
CADENCE_DISAGREEMENT = 0.10
CadenceSource = Literal["contacts", "sway"]


@dataclass(frozen=True)
class FrontalCadence:
    """Attributes:
    source: which reading ``steps``' cadence is.
    steps_by_rhythm: the steps the walk's time holds at the sway's cadence (a cross-check of the
        step count); None without a sway rhythm.
    steps: the step summary with the cadence settled: the contacts' own, or a new summary whose
        cadence and step time are the sway's.
    findings: which reading was taken and what disagreed.
    """

    source: CadenceSource
    steps_by_rhythm: int | None
    steps: StepSummary
    findings: tuple[Finding, ...] = ()

    @property
    def warnings(self) -> list[str]:
        """The findings' messages."""
        return messages(self.findings)


def settle_frontal_cadence(
    steps: StepSummary,
    rhythm: SwayRhythm | None,
    walking_s: float,
    view: str,
    contacts_by_motion: bool,
) -> FrontalCadence:
    """Settle the cadence of a walk seen from the front or back, and cross-check the step count
    against the sway's rhythm. Without a rhythm (side views, or a walk too short to read one)
    the contacts' cadence stands. ``steps`` is left as it is.

    Args:
        steps: the contacts' steps and summary.
        rhythm: the trunk's sway rhythm over the walk, None where it has none.
        walking_s: seconds of walking (first movement to last contact) over the walks the steps
            were counted in.
        view: "front" or "back", for the findings.
        contacts_by_motion: the contacts were timed from the picture's change around the feet
            (else their cadence is never taken over the sway's).
    """
    if rhythm is None:
        return FrontalCadence("contacts", None, steps)
    counted = steps.cadence_spm
    agree = counted is not None and abs(counted / rhythm.cadence_spm - 1.0) <= CADENCE_DISAGREEMENT
    # The contacts' standard error as a visit comparison reads it (the steady steps' spread).
    e = cadence_standard_error([x.duration_s for x in steps.steps if x.steady])
    se = None if e is None else e[0]
    sway_spm = rhythm.cadence_spm
    found: list[Finding] = []
    if (
        contacts_by_motion
        and agree
        and se is not None
        and (rhythm.cadence_se_spm is None or se <= rhythm.cadence_se_spm)
    ):
        source: CadenceSource = "contacts"
        found.append(finding("cadence.from_contacts", view=view, sway_cadence_spm=sway_spm))
    else:
        source = "sway"
        # The sway gives the mean rhythm only: no step time spread.
        steps = replace(
            steps, cadence_spm=sway_spm, step_time_mean_s=60.0 / sway_spm, step_time_sd_s=None
        )
        found.append(finding("cadence.from_sway", view=view))
        if counted is not None and not agree:
            found.append(
                finding(
                    "cadence.readings_disagree",
                    contacts_cadence_spm=counted,
                    sway_cadence_spm=sway_spm,
                )
            )
    expected = round(rhythm.steps_over(walking_s))
    if steps.steps and expected != len(steps.steps):
        found.append(
            finding("cadence.count_off_rhythm", n=len(steps.steps), expected=expected, view=view)
        )
    return FrontalCadence(source, expected, steps, tuple(found))
