"""Which metrics are good enough to score and to screen with: the gait analysis' quality grades
(``extras["metric_quality"]``, see :mod:`vision.gait.quality`) read for the assessment.

A metric graded ``poor`` rests on evidence that cannot carry a score or a fall-risk rule: events
that walking does not allow, contacts that do not alternate, too few steps, an unsure facing,
an estimated scale. Results without grades (older analyses) are taken as they are.
"""

from __future__ import annotations

from vision.result import AnalysisResult

# The graded evidence each scored metric rests on: ratios of step lengths (asymmetry, CV) and
# double support need the steps' timing, not a metric scale.
GRADED_AS: dict[str, str] = {
    "speed_mps": "speed_mps",
    "step_length_m.mean": "step_length_m",
    "step_length_asymmetry_pct": "step_count",
    "step_length_m.cv_pct": "step_count",
    "stride_time_sd_ms": "stride_time_sd_ms",
    "double_support_pct": "step_count",
    "cadence_spm": "cadence_spm",
    "step_count": "step_count",
    "test_3mbwt_s": "test_3mbwt_s",
}


def poor_evidence(result: AnalysisResult, metric: str) -> str | None:
    """Why ``metric`` (a score anchor's or a rule's metric name) rests on poor evidence, in
    words; None where its evidence is good enough or not graded."""
    graded = result.extras.get("metric_quality")
    name = GRADED_AS.get(metric)
    if not isinstance(graded, dict) or name is None:
        return None
    quality = graded.get(name)
    if not isinstance(quality, dict) or quality.get("grade") != "poor":
        return None
    notes = quality.get("notes") or quality.get("reasons") or []
    return "; ".join(str(n) for n in notes) or "its evidence is poor"


def implausible_values(result: AnalysisResult) -> list[str]:
    """Words for each graded metric value outside what walking allows (see
    :mod:`vision.gait.bounds`), once each; empty when every value is plausible."""
    graded = result.extras.get("metric_quality")
    found: dict[str, None] = {}
    for quality in graded.values() if isinstance(graded, dict) else ():
        if not isinstance(quality, dict):
            continue
        pairs = zip(quality.get("reasons") or [], quality.get("notes") or [], strict=False)
        found.update((str(note), None) for code, note in pairs if code.endswith("_implausible"))
    return list(found)
