"""Cross-checks that keep an implausible whole-walk number out of fall-risk rules and cues.

A walk that mixes directions, turns or standing, or that lost steps, can yield whole-walk metrics
that contradict each other. Such a metric is not judged by a risk rule or a cue (the rule says
why), and the problem is added to the result's quality warnings. Scores keep it, so that they stay
monotone, and are marked. Both limits are design choices.
"""

from __future__ import annotations

from vision.result import AnalysisResult

# Speed should match mean step length x cadence; more than this relative gap means the two
# describe different parts of the recording (design choice).
MAX_SPEED_MISMATCH = 0.5
# Stride-time CV of steady walking is a few percent (fallers' 106 ms SD is about 10 % of a
# stride); above this the stride list is not one steady walk (design choice).
MAX_STRIDE_CV_PCT = 20.0


def speed_problem(result: AnalysisResult) -> str | None:
    """Why the walking speed cannot be trusted, or ``None`` when it agrees with the steps."""
    m = result.metrics
    speed, length, cadence = m.speed_mps, m.step_length_m.mean, m.cadence_spm
    if speed is None or length is None or not cadence:
        return None
    expected = length * cadence / 60.0
    if expected <= 0 or abs(speed - expected) <= MAX_SPEED_MISMATCH * expected:
        return None
    return (
        f"the walking speed ({speed:.2f} m/s) disagrees with step length x cadence "
        f"({expected:.2f} m/s) by more than {MAX_SPEED_MISMATCH:.0%}: the recording may mix "
        "walking directions, turns or standing"
    )


def stride_cv_pct(result: AnalysisResult) -> float | None:
    """Stride-time CV (%): from the analysis where given, else SD over twice the mean step time."""
    more = result.extras.get("metrics_more")
    if isinstance(more, dict) and isinstance(more.get("stride_time_cv_pct"), (int, float)):
        return float(more["stride_time_cv_pct"])
    sd_ms, step_s = result.metrics.stride_time_sd_ms, result.metrics.step_time_s.mean
    if sd_ms is None or not step_s:
        return None
    return 100.0 * sd_ms / (2000.0 * step_s)


def stride_variability_problem(result: AnalysisResult) -> str | None:
    """Why stride-time variability cannot be trusted, or ``None`` when it looks like walking."""
    cv = stride_cv_pct(result)
    if cv is None or cv <= MAX_STRIDE_CV_PCT:
        return None
    return (
        f"stride times vary by {cv:.0f} % of the mean stride, more than steady walking shows "
        f"({MAX_STRIDE_CV_PCT:.0f} %): steps may be missed or the walk mixes turns or standing"
    )


def plausibility_problems(result: AnalysisResult) -> list[str]:
    """Every plausibility problem of this result (empty when its metrics agree)."""
    return [p for p in (speed_problem(result), stride_variability_problem(result)) if p]
