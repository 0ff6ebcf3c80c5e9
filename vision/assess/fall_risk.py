"""Fall-risk screening: published cut-offs applied to one analysed walk.

The level is ``low``, ``moderate``, ``high`` or ``undetermined``. Every rule that was looked at is
returned as a :class:`~vision.result.RiskReason` with its value, cut-off, unit, source, outcome and
the measurement's uncertainty. The rules and the way they combine are documented in
docs/scoring.md; the result is a screening aid, never a diagnosis.
"""

from __future__ import annotations

from vision.result import AnalysisResult, FallRisk, RiskLevel, RiskReason

from .plausibility import speed_problem, stride_sd_finding, stride_time_uncertainty_ms
from .presets import (
    DESIGN_CHOICE,
    FRITZ_2013,
    HAUSDORFF_2001,
    STUDENSKI_2011,
    AssessOptions,
    get_preset,
)
from .quality_gate import implausible_values
from .risk_reasons import (
    borderline_note,
    foot_at_line_note,
    pct_of,
    poor_evidence_note,
    round_or_none,
    time_uncertainty_s,
    undetermined,
)

LEVEL_ORDER: dict[RiskLevel, int] = {"low": 0, "moderate": 1, "high": 2}
# Scales that rest on a measurement; BlazePose world landmarks are a model prior, not a measurement.
METRIC_SCALES: frozenset[str] = frozenset({"floor_calibration", "subject_height"})
PRIOR_FALL_SOURCE = (
    f"{DESIGN_CHOICE}: a fall in the past year is as predictive as any walking test; the World "
    "Falls Guidelines (Montero-Odasso et al., Age Ageing 2022) start screening with it"
)
STUMBLE_SOURCE = f"{DESIGN_CHOICE}: a loss of balance seen during this walk"
TWO_INDICATORS_NOTE = f"{DESIGN_CHOICE}: two or more indicators together count as high risk"


def expected_direction(protocol: str | None) -> str:
    """The walking direction a protocol asks for: ``forward`` or ``backward`` (None: the free
    backward walk, as :class:`~vision.assess.presets.AssessOptions` reads it)."""
    return "forward" if protocol == "forward" else "backward"


def stride_count(result: AnalysisResult) -> int:
    """Same-foot contact-to-contact intervals in the walk.

    The gait analysis' own count (``extras["metrics_more"]["n_strides"]``) where given; else from
    ``result.steps`` (per foot, contacts minus one); else from the step count (steps minus two).
    """
    more = result.extras.get("metrics_more")
    if isinstance(more, dict) and isinstance(more.get("n_strides"), int):
        return int(more["n_strides"])
    if result.steps:
        per_foot: dict[str, int] = {}
        for step in result.steps:
            per_foot[step.foot] = per_foot.get(step.foot, 0) + 1
        return sum(max(n - 1, 0) for n in per_foot.values())
    return max(int(result.metrics.step_count) - 2, 0)


def stumbles(result: AnalysisResult) -> list[dict]:
    """The stumbles the gait analysis found (``extras["stumbles"]``), oldest first."""
    found = result.extras.get("stumbles") or []
    return sorted((s for s in found if isinstance(s, dict)), key=lambda s: s.get("t_s") or 0.0)


def blocking_reasons(result: AnalysisResult, options: AssessOptions) -> list[RiskReason]:
    """Reasons why this walk cannot carry a fall-risk verdict at all (empty when it can)."""
    cut = options.indicators
    reasons: list[RiskReason] = []
    coverage = float(result.pose.coverage)
    if coverage < cut.min_pose_coverage:
        reasons.append(
            undetermined(
                "pose_coverage",
                round(coverage, 3),
                cut.min_pose_coverage,
                "fraction",
                f"the person's pose was found in only {coverage:.0%} of frames "
                f"(at least {cut.min_pose_coverage:.0%} needed)",
            )
        )
    implausible = implausible_values(result)
    if implausible:
        # A number no walk has is a broken measurement: nothing of this walk places the risk.
        reasons.append(
            undetermined(
                "plausible_values", None, None, None, "; ".join(implausible) + " (not used)"
            )
        )
    want = expected_direction(options.protocol)
    got = result.metrics.walk_direction
    if got != want:
        what = "no walking was detected" if got in (None, "standing") else f"the walk was {got}"
        reasons.append(
            undetermined(
                "walk_direction",
                got,
                want,
                None,
                f"{what}, but the {options.protocol} protocol needs a {want} walk",
            )
        )
    steps = int(result.metrics.step_count)
    if steps < cut.min_steps:
        reasons.append(
            undetermined(
                "step_count",
                steps,
                cut.min_steps,
                "steps",
                f"only {steps} steps were measured (at least {cut.min_steps} needed)",
            )
        )
    if options.protocol == "3mbwt" and result.metrics.test_3mbwt_s is None:
        reasons.append(
            undetermined(
                "test_3mbwt",
                None,
                None,
                "s",
                "the 3 m backward walk test time was not measured: it needs the start line and "
                "the 3 m line calibrated on the floor and both crossings in view",
            )
        )
    return reasons


def test_3mbwt_rule(result: AnalysisResult, options: AssessOptions) -> RiskReason | None:
    """The population's 3 m backward walk test rule; ``None`` where no test time was measured."""
    time_s = result.metrics.test_3mbwt_s
    if time_s is None or options.protocol == "forward":
        return None
    cuts = get_preset(options.population).test_3mbwt
    if result.scale.method not in METRIC_SCALES:
        return undetermined(
            "test_3mbwt",
            time_s,
            cuts.high_s,
            "s",
            f"the 3 m distance rests on a {result.scale.method!r} scale, not a measured one",
        )
    uncertainty = time_uncertainty_s(time_s, result)
    cutoff: float | str  # one cut-off, or the range "low-high" between the two
    if time_s >= cuts.high_s:
        outcome, cutoff = "high", cuts.high_s
        note = f"took {time_s:.2f} s, at or above the high-risk cut-off of {cuts.high_s} s"
    elif cuts.low_s is not None and time_s > cuts.low_s:
        outcome, cutoff = "moderate", f"{cuts.low_s}-{cuts.high_s}"
        note = f"took {time_s:.2f} s, between the low ({cuts.low_s} s) and high ({cuts.high_s} s)"
        note += " risk cut-offs"
    else:
        outcome = "low"
        cutoff = cuts.low_s if cuts.low_s is not None else cuts.high_s
        note = f"took {time_s:.2f} s, " + (
            f"at or below the low-risk cut-off of {cuts.low_s} s"
            if cuts.low_s is not None
            else f"below the cut-off of {cuts.high_s} s"
        )
    nearest = min(
        (c for c in (cuts.high_s, cuts.low_s) if c is not None), key=lambda c: abs(c - time_s)
    )
    why = borderline_note(time_s, nearest, uncertainty, "s") or foot_at_line_note(
        result, time_s, (cuts.high_s, cuts.low_s)
    )
    return RiskReason(
        rule="test_3mbwt",
        value=round(time_s, 3),
        cutoff=cutoff,
        source=cuts.source,
        unit="s",
        outcome=outcome,
        uncertainty=round_or_none(uncertainty),
        design_choice=cuts.design_choice,
        note=note + why,
        borderline=bool(why),
    )


def speed_rule(result: AnalysisResult, options: AssessOptions) -> RiskReason:
    """Walking speed below the fallers' range: backward (Fritz 2013) or forward (Studenski)."""
    forward = options.protocol == "forward"
    cuts = options.indicators
    cutoff = cuts.forward_speed_mps if forward else cuts.backward_speed_mps
    rule = "forward_speed" if forward else "backward_speed"
    source = STUDENSKI_2011 if forward else FRITZ_2013
    speed = result.metrics.speed_mps
    if speed is None:
        return undetermined(rule, None, cutoff, "m/s", "walking speed was not measured")
    if result.scale.method not in METRIC_SCALES:
        return undetermined(
            rule,
            round(speed, 3),
            cutoff,
            "m/s",
            f"speed rests on a {result.scale.method!r} scale, not a measured one "
            "(calibrate the floor or enter the person's height)",
        )
    problem = speed_problem(result) or poor_evidence_note("speed_mps", result)
    if problem is not None:
        return undetermined(rule, round(speed, 3), cutoff, "m/s", problem)
    uncertainty = pct_of(speed, result.scale.uncertainty_pct)
    flagged = speed < cutoff
    note = f"walked at {speed:.2f} m/s, " + (
        f"below {cutoff} m/s" if flagged else f"at or above {cutoff} m/s"
    )
    why = borderline_note(speed, cutoff, uncertainty, "m/s")
    return RiskReason(
        rule=rule,
        value=round(speed, 3),
        cutoff=cutoff,
        source=source,
        unit="m/s",
        outcome="moderate" if flagged else "not_flagged",
        uncertainty=round_or_none(uncertainty),
        note=note + why,
        borderline=bool(why),
    )


def stride_variability_rule(result: AnalysisResult, options: AssessOptions) -> RiskReason | None:
    """Stride-time SD in the fallers' range (Hausdorff 2001); needs enough strides."""
    sd_ms = result.metrics.stride_time_sd_ms
    if sd_ms is None:
        return None
    cut = options.indicators
    strides = stride_count(result)
    if strides < cut.min_strides_for_variability:
        return undetermined(
            "stride_time_sd",
            round(sd_ms, 1),
            cut.stride_time_sd_ms,
            "ms",
            f"only {strides} strides: stride-time variability needs at least "
            f"{cut.min_strides_for_variability}",
        )
    found = stride_sd_finding(result, cut.stride_time_sd_ms)
    problem = found.message if found else poor_evidence_note("stride_time_sd_ms", result)
    if problem is not None:
        return undetermined("stride_time_sd", round(sd_ms, 1), cut.stride_time_sd_ms, "ms", problem)
    uncertainty = stride_time_uncertainty_ms(result)
    flagged = sd_ms >= cut.stride_time_sd_ms
    note = f"stride time varied by {sd_ms:.0f} ms (SD over {strides} strides), " + (
        f"at or above the fallers' {cut.stride_time_sd_ms:.0f} ms"
        if flagged
        else f"below the fallers' {cut.stride_time_sd_ms:.0f} ms"
    )
    if expected_direction(options.protocol) == "backward":
        note += "; the cut-off comes from forward walking"
    why = borderline_note(sd_ms, cut.stride_time_sd_ms, uncertainty, "ms")
    return RiskReason(
        rule="stride_time_sd",
        value=round(sd_ms, 1),
        cutoff=cut.stride_time_sd_ms,
        source=HAUSDORFF_2001,
        unit="ms",
        outcome="moderate" if flagged else "not_flagged",
        uncertainty=round_or_none(uncertainty),
        note=note + why,
        borderline=bool(why),
    )


def history_and_event_rules(result: AnalysisResult, options: AssessOptions) -> list[RiskReason]:
    """A reported prior fall and stumbles seen in this walk."""
    reasons: list[RiskReason] = []
    if options.prior_fall is not None:
        reasons.append(
            RiskReason(
                rule="prior_fall",
                value="yes" if options.prior_fall else "no",
                cutoff="yes",
                source=PRIOR_FALL_SOURCE,
                outcome="moderate" if options.prior_fall else "not_flagged",
                design_choice=True,
                note="reported a fall in the past year"
                if options.prior_fall
                else "reported no fall in the past year",
            )
        )
    seen = stumbles(result)
    if seen:
        times = ", ".join(f"{s.get('t_s', 0.0):.1f} s" for s in seen)
        reasons.append(
            RiskReason(
                rule="stumble",
                value=len(seen),
                cutoff=1,
                source=STUMBLE_SOURCE,
                unit="stumbles",
                outcome="moderate",
                design_choice=True,
                note=f"stumbled during the walk at {times}",
            )
        )
    return reasons


def assess_fall_risk(result: AnalysisResult, options: AssessOptions) -> FallRisk:
    """Apply the population's rules to one walk.

    Level: the 3 m backward walk test's own level where it was measured; the indicators (slow
    speed, stride-time variability, prior fall, stumble) raise it to moderate (one indicator) or
    high (two or more). Without a test time, a measured speed at or above its cut-off with no
    indicator is ``low``; with neither a test time nor a measured speed the level is
    ``undetermined`` unless an indicator is present.
    """
    population = get_preset(options.population).name
    blocking = blocking_reasons(result, options)
    if blocking:
        return FallRisk(level="undetermined", population=population, reasons=blocking)
    primary = test_3mbwt_rule(result, options)
    speed = speed_rule(result, options)
    reasons = [r for r in (primary, speed, stride_variability_rule(result, options)) if r]
    reasons += history_and_event_rules(result, options)
    indicators = [r for r in reasons if r is not primary and r.outcome == "moderate"]
    levels: list[RiskLevel] = []
    primary_level = None if primary is None else _level_of(primary.outcome)
    if primary_level is not None:
        levels.append(primary_level)
    elif speed.outcome in ("moderate", "not_flagged"):
        levels.append("low")  # a measured speed outside the fallers' range rules risk down
    if indicators:
        levels.append("high" if len(indicators) >= 2 else "moderate")
    if not levels:
        reasons.append(
            undetermined(
                "measurable_rule",
                None,
                None,
                None,
                "neither the 3 m backward walk test time nor a metric walking speed was measured, "
                "so no rule could place the risk",
            )
        )
        return FallRisk(level="undetermined", population=population, reasons=reasons)
    level = max(levels, key=LEVEL_ORDER.__getitem__)
    if len(indicators) >= 2 and (primary is None or primary.outcome != "high"):
        reasons.append(
            RiskReason(
                rule="indicator_count",
                value=len(indicators),
                cutoff=2,
                source=TWO_INDICATORS_NOTE,
                unit="indicators",
                outcome="high",
                design_choice=True,
                note=", ".join(r.rule for r in indicators),
            )
        )
    return FallRisk(level=level, population=population, reasons=reasons)


def _level_of(outcome: str | None) -> RiskLevel | None:
    """The risk level a rule's outcome names; None for ``not_flagged`` and ``undetermined``."""
    for level in LEVEL_ORDER:
        if outcome == level:
            return level
    return None
