"""Cross-checks that keep an implausible whole-walk number out of fall-risk rules and cues.

A walk that mixes directions, turns or standing, or that lost steps, can yield whole-walk metrics
that contradict each other. Such a metric is not judged by a risk rule or a cue (the rule says
why), and the problem is added to the result's findings (``plausibility.*`` codes, worded in
:data:`vision.finding_texts.CATALOGUE`). Scores keep it, so that they stay monotone, and are
marked. Both limits are design choices.
"""

from __future__ import annotations

from vision.findings import Finding, finding
from vision.result import AnalysisResult

# Speed should match mean step length x cadence; more than this relative gap means the two
# describe different parts of the recording (design choice).
MAX_SPEED_MISMATCH = 0.5
# Stride-time CV of steady walking is a few percent (fallers' 106 ms SD is about 10 % of a
# stride); above this the stride list is not one steady walk (design choice).
MAX_STRIDE_CV_PCT = 20.0


def speed_finding(result: AnalysisResult) -> Finding | None:
    """Why the walking speed cannot be trusted, or ``None`` when it agrees with the steps."""
    m = result.metrics
    speed, length, cadence = m.speed_mps, m.step_length_m.mean, m.cadence_spm
    if speed is None or length is None or not cadence:
        return None
    expected = length * cadence / 60.0
    if expected <= 0 or abs(speed - expected) <= MAX_SPEED_MISMATCH * expected:
        return None
    return finding(
        "plausibility.speed_mismatch",
        speed_mps=speed,
        expected_mps=expected,
        max_mismatch_pct=100 * MAX_SPEED_MISMATCH,
    )


def speed_problem(result: AnalysisResult) -> str | None:
    """The words of :func:`speed_finding`, or ``None``."""
    found = speed_finding(result)
    return found.message if found else None


def stride_cv_pct(result: AnalysisResult) -> float | None:
    """Stride-time CV (%): from the analysis where given, else SD over twice the mean step time."""
    more = result.extras.get("metrics_more")
    if isinstance(more, dict) and isinstance(more.get("stride_time_cv_pct"), (int, float)):
        return float(more["stride_time_cv_pct"])
    sd_ms, step_s = result.metrics.stride_time_sd_ms, result.metrics.step_time_s.mean
    if sd_ms is None or not step_s:
        return None
    return 100.0 * sd_ms / (2000.0 * step_s)


def stride_variability_finding(result: AnalysisResult) -> Finding | None:
    """Why stride-time variability cannot be trusted, or ``None`` when it looks like walking."""
    cv = stride_cv_pct(result)
    if cv is None or cv <= MAX_STRIDE_CV_PCT:
        return None
    return finding(
        "plausibility.stride_variability", stride_cv_pct=cv, max_stride_cv_pct=MAX_STRIDE_CV_PCT
    )


def stride_time_uncertainty_ms(result: AnalysisResult) -> float | None:
    """How far a stride-time SD may be off, ms: events fall on whole frames, so each stride
    time carries a uniform +-1 frame error (SD one frame over sqrt 6); None without a frame
    rate."""
    fps = result.video.fps
    return 1000.0 / fps / 6**0.5 if fps > 0 else None


def one_stride_finding(result: AnalysisResult, cutoff_ms: float) -> Finding | None:
    """Why a stride-time SD at or above ``cutoff_ms`` cannot flag the walk: one stride lies far
    off the others (the gait analysis marks it, as cadence marks an outlier) and without it the
    SD is below the cut-off by more than its uncertainty (:func:`stride_time_uncertainty_ms`);
    ``None`` otherwise.

    Variability that tells fallers apart shows across strides. One stride far off the rest of
    a short walk is more often a foot contact misplaced (the pose model losing a foot as the
    feet come together) than the walker's rhythm, and a stumble has a rule of its own. Judging
    without that stride is a design choice; where the SD without it is still within its
    uncertainty of the cut-off, the outcome stands as measured.
    """
    sd_ms = result.metrics.stride_time_sd_ms
    more = result.extras.get("metrics_more")
    if sd_ms is None or sd_ms < cutoff_ms or not isinstance(more, dict):
        return None
    without, at = more.get("stride_time_sd_without_outlier_ms"), more.get("stride_outlier_t_s")
    if not isinstance(without, (int, float)) or not isinstance(at, (int, float)):
        return None
    if without >= cutoff_ms - (stride_time_uncertainty_ms(result) or 0.0):
        return None
    return finding(
        "plausibility.one_stride_decides",
        sd_ms=sd_ms,
        cutoff_ms=cutoff_ms,
        without_ms=float(without),
        t_s=float(at),
    )


def stride_sd_finding(result: AnalysisResult, limit_ms: float) -> Finding | None:
    """Why the stride-time SD cannot be judged against ``limit_ms`` (a fall-risk cut-off or a
    cue's limit): the strides do not look like one steady walk, or one stride decides; ``None``
    where it can be."""
    return stride_variability_finding(result) or one_stride_finding(result, limit_ms)


def plausibility_findings(
    result: AnalysisResult, stride_cutoff_ms: float | None = None
) -> list[Finding]:
    """Every plausibility problem of this result (empty when its metrics agree);
    ``stride_cutoff_ms``: the stride-time SD cut-off the fall-risk rule applies, to tell
    where one stride decides it (:func:`one_stride_finding`)."""
    strides = (
        stride_variability_finding(result)
        if stride_cutoff_ms is None
        else stride_sd_finding(result, stride_cutoff_ms)
    )
    return [f for f in (speed_finding(result), strides) if f is not None]


def plausibility_problems(
    result: AnalysisResult, stride_cutoff_ms: float | None = None
) -> list[str]:
    """The words of :func:`plausibility_findings`."""
    return [f.message for f in plausibility_findings(result, stride_cutoff_ms)]
