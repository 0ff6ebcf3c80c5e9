"""Assessment of an analysed walk: scores, coaching feedback, fall-risk flags, change over visits.

>>> from vision.assess import AssessOptions, apply_assessment
>>> scored = apply_assessment(result, AssessOptions(population="community_older_adults",
...                                                 protocol="3mbwt", prior_fall=False))

Rules, cut-offs, sources and formulas are documented in docs/scoring.md. The fall-risk level is a
screening aid, never a diagnosis.
"""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass, field
from typing import Any, cast

from vision.result import AnalysisResult, FallRisk, Feedback, Scores

from .change import CONDITIONS, MetricChange, VisitChange, compare_visits
from .fall_risk import assess_fall_risk, blocking_reasons
from .feedback import CUES, FormMetrics, build_feedback, live_cue, session_start_cue
from .plausibility import plausibility_findings, plausibility_problems
from .presets import (
    PRESETS,
    PROTOCOL_LABELS,
    PROTOCOLS,
    SCREENING_STATEMENT,
    AssessOptions,
    IndicatorCutoffs,
    get_preset,
)
from .scores import ScoreComponent, combine, score_components

__all__ = [
    "CONDITIONS",
    "CUES",
    "PRESETS",
    "PROTOCOLS",
    "SCREENING_STATEMENT",
    "AssessOptions",
    "Assessment",
    "IndicatorCutoffs",
    "FormMetrics",
    "MetricChange",
    "VisitChange",
    "apply_assessment",
    "assess",
    "compare_visits",
    "live_cue",
    "session_start_cue",
]

# Checks after which the walk's metrics are not worth scoring either (no walk, or too little of it).
_UNSCORABLE = frozenset({"pose_coverage", "step_count", "walk_direction"})


@dataclass
class Assessment:
    """What :func:`assess` found: scores 0-100, cues most important first, the fall-risk screen.

    ``summary`` is the JSON-ready ``extras["assessment"]`` block: population, protocol, the
    screening statement, the score components and borderline rules.
    """

    scores: Scores
    feedback: list[Feedback]
    fall_risk: FallRisk
    components: list[ScoreComponent] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)


def assess(result: AnalysisResult, options: AssessOptions | None = None) -> Assessment:
    """Score, coach and screen one analysed walk (the input is not modified)."""
    options = options or AssessOptions()
    fall_risk = assess_fall_risk(result, options)
    unscorable = [r for r in blocking_reasons(result, options) if r.rule in _UNSCORABLE]
    components = (
        []
        if unscorable
        else score_components(result, options.indicators.min_strides_for_variability)
    )
    scores = combine(components)
    feedback = build_feedback(result, fall_risk, options)
    preset = get_preset(options.population)
    summary = {
        "population": preset.name,
        "population_label": preset.label,
        "protocol": options.protocol,
        # AssessOptions replaces a None protocol with the free walk's name.
        "protocol_label": PROTOCOL_LABELS[cast(str, options.protocol)],
        "prior_fall": options.prior_fall,
        "statement": SCREENING_STATEMENT,
        "scale_method": result.scale.method,
        "scale_uncertainty_pct": result.scale.uncertainty_pct,
        "scores_not_computed": [r.note for r in unscorable],
        "score_components": [asdict(c) for c in components],
        "plausibility_problems": plausibility_problems(
            result, options.indicators.stride_time_sd_ms
        ),
        "borderline_rules": [r.rule for r in fall_risk.reasons if r.borderline],
    }
    return Assessment(scores, feedback, fall_risk, components, summary)


def apply_assessment(
    result: AnalysisResult, options: AssessOptions | None = None
) -> AnalysisResult:
    """A copy of ``result`` with scores, feedback, fall_risk and ``extras["assessment"]`` filled.

    Plausibility problems of the metrics (:mod:`vision.assess.plausibility`) are added to
    ``quality.findings``, their words to ``quality.warnings``.
    """
    found = assess(result, options)
    out = copy.deepcopy(result)
    out.scores, out.feedback, out.fall_risk = found.scores, found.feedback, found.fall_risk
    out.extras["assessment"] = found.summary
    cutoff_ms = (options or AssessOptions()).indicators.stride_time_sd_ms
    for problem in plausibility_findings(result, cutoff_ms):
        if problem.message not in out.quality.warnings:
            out.quality.warnings.append(problem.message)
            out.quality.findings.append(problem.to_dict())
    return out
