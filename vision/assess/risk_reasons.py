"""How a fall-risk reason is worded and how sure it is: undetermined reasons, the note when a
value lies within its measurement uncertainty of a cut-off, and that uncertainty.

The rules themselves, and how they combine into a level, are :mod:`vision.assess.fall_risk`.
"""

from __future__ import annotations

from vision.result import AnalysisResult, RiskReason

from .presets import DESIGN_CHOICE
from .quality_gate import poor_evidence

# Undetermined reasons that rest on our own plausibility checks (design choices), not on a
# measurement that failed.
_DESIGN_CHOICE_CHECKS = frozenset({"pose_coverage", "step_count", "plausible_values"})
_PLAUSIBILITY_NOTES = (
    "disagrees with step length",
    "more than steady walking shows",
    "one stride decides",
)


def foot_at_line_note(
    result: AnalysisResult, time_s: float, cutoffs: tuple[float | None, ...]
) -> str:
    """Where a foot came to rest at the 3 m line, the test's time had it rested on the line's
    other side (a step later or earlier, see :mod:`vision.gait.protocols`): when a cut-off lies
    between the two times, the outcome rests on which side the foot was, and the words that say
    so for the note (else "")."""
    test = result.extras.get("test_3mbwt") or {}
    other = test.get("time_if_short_s") or test.get("time_if_past_s")
    if other is None:
        return ""
    lo, hi = sorted((time_s, float(other)))
    crossed = [c for c in cutoffs if c is not None and lo < c <= hi]
    if not crossed:
        return ""
    return (
        f" (a foot came to rest at the 3 m line, within the measurement error: had it rested "
        f"on the line's other side, the test took {float(other):.2f} s, across the cut-off of "
        f"{crossed[0]} s)"
    )


def poor_evidence_note(metric: str, result: AnalysisResult) -> str | None:
    """Words for a rule left undetermined because its metric's evidence is poor."""
    why = poor_evidence(result, metric)
    return None if why is None else f"{metric} rests on poor evidence ({why})"


def undetermined(
    rule: str, value: float | str | None, cutoff: float | str | None, unit: str | None, note: str
) -> RiskReason:
    """A reason whose rule could not be applied to this walk; ``note`` says why."""
    design = rule in _DESIGN_CHOICE_CHECKS or any(p in note for p in _PLAUSIBILITY_NOTES)
    source = f"{DESIGN_CHOICE}: plausibility check" if design else "measurement check"
    return RiskReason(
        rule=rule,
        value=value,
        cutoff=cutoff,
        source=source,
        unit=unit,
        outcome="undetermined",
        design_choice=design,
        note=note,
    )


def time_uncertainty_s(time_s: float, result: AnalysisResult) -> float | None:
    """Start and stop each within one frame, plus the scale's error on the 3 m distance."""
    if result.video.fps <= 0:
        return None
    return 2.0 / result.video.fps + (pct_of(time_s, result.scale.uncertainty_pct) or 0.0)


def pct_of(value: float, pct: float | None) -> float | None:
    """``pct`` per cent of ``value``'s size (None when the percentage is unknown)."""
    return None if pct is None else abs(value) * pct / 100.0


def round_or_none(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


def borderline_note(value: float, cutoff: float, uncertainty: float | None, unit: str) -> str:
    """Words for the note when ``value`` lies within its ``uncertainty`` of ``cutoff``, else
    ""."""
    if uncertainty is not None and abs(value - cutoff) <= uncertainty:
        return f" (within the measurement uncertainty, +-{uncertainty:.2g} {unit}, of the cut-off)"
    return ""
