"""Coaching feedback: a short, prioritised list of cues, each backed by evidence from the walk.

All cue texts live in :data:`vision.assess.cues.CUES` (keyed by code) so the report, the API and
the live coach say the same thing; the live coach's helpers (:func:`live_cue`,
:func:`session_start_cue`, :class:`FormMetrics`) are importable from here too.

Order: safety first (a stumble outranks everything), then a fall-risk flag, then
form cues by how far the measurement is from good, then encouragement. No cue is given without a
measurement behind it; the thresholds (:data:`FORM_LIMITS`) are design choices.
"""

from __future__ import annotations

from typing import Any

from vision.result import AnalysisResult, FallRisk, Feedback

from .cues import CUES, FORM_LIMITS, Cue, FormLimit, cue, deficit
from .evidence import (
    frames_beyond,
    mean_step_length_per_foot,
    step_refs,
    stride_times,
    walk_segments,
)
from .fall_risk import expected_direction, stride_count, stumbles
from .live_coach import FormMetrics, live_cue, session_start_cue
from .plausibility import stride_sd_finding
from .presets import SCREENING_STATEMENT, AssessOptions
from .scores import metric_value

__all__ = [
    "CUES",
    "FORM_LIMITS",
    "Cue",
    "FormLimit",
    "FormMetrics",
    "build_feedback",
    "cue",
    "live_cue",
    "session_start_cue",
]


def build_feedback(
    result: AnalysisResult, fall_risk: FallRisk, options: AssessOptions
) -> list[Feedback]:
    """At most ``options.max_cues`` cues, most important first; a stumble is never dropped."""
    seen = stumbles(result)
    safety = [_stumble_cue(seen, result)] if seen else []
    redo = _redo_cue(result, expected_direction(options.protocol))
    if redo is not None:
        return (safety + [redo])[: max(options.max_cues, 1)]
    flagged = [
        r
        for r in fall_risk.reasons
        if r.outcome in ("high", "moderate") and r.rule != "indicator_count"
    ]
    if fall_risk.level in ("high", "moderate") and flagged:
        rules = "; ".join(_reason_text(r) for r in flagged)
        safety.append(
            cue(
                "fall_risk_flag",
                {
                    "level": fall_risk.level,
                    "population": fall_risk.population,
                    "statement": SCREENING_STATEMENT,
                    "rules": [
                        {
                            "rule": r.rule,
                            "value": r.value,
                            "cutoff": r.cutoff,
                            "unit": r.unit,
                            "source": r.source,
                        }
                        for r in flagged
                    ],
                },
                rules=rules,
                level=fall_risk.level,
            )
        )
    form = sorted(_form_cues(result), key=lambda pair: -pair[0])
    advice = [f for _, f in form if f.severity != "info"]
    info = [f for _, f in form if f.severity == "info"]
    cues = safety + advice + info
    if not advice and not seen:
        praise = _good_form_cue(result)
        if praise is not None:
            cues.append(praise)
    return cues[: options.max_cues]


def _form_cues(result: AnalysisResult) -> list[tuple[float, Feedback]]:
    """(priority, cue) for every form limit this walk crossed; priority = distance from good."""
    out: list[tuple[float, Feedback]] = []
    for limit in FORM_LIMITS:
        value = metric_value(result, limit.metric)
        if value is None or not limit.crossed(value):
            continue
        if limit.metric == "stride_time_sd_ms" and (
            stride_count(result) < 6 or stride_sd_finding(result, limit.limit)
        ):
            continue
        built = _FORM_BUILDERS[limit.code](result, value)
        if built is not None:
            out.append((deficit(limit, value), built))
    return out


def _posture_cue(code: str, series_name: str, metric: str) -> Any:
    limit = next(x for x in FORM_LIMITS if x.code == code)

    def build(result: AnalysisResult, value: float) -> Feedback:
        frames = frames_beyond(result, series_name, limit.limit, limit.above, limit.absolute)
        where = ""
        if frames:
            where = (
                f" and beyond {abs(limit.limit):g} degrees in frames "
                f"{frames['first_frame']}-{frames['last_frame']}"
            )
        evidence: dict[str, Any] = {metric: round(value, 1), "segments": walk_segments(result)}
        if frames:
            evidence["frames"] = frames
        fields: dict[str, Any] = {
            "mean_deg": abs(value),
            "where": where,
            "side": "right" if value > 0 else "left",
            "updown": "down" if value > 0 else "up",
        }
        if code == "trunk_flexion":
            peak = result.metrics.trunk_flexion_deg.max
            fields["max_deg"] = abs(peak) if peak is not None else abs(value)
            evidence["trunk_flexion_deg.max"] = peak
        return cue(code, evidence, **fields)

    return build


def _uneven_steps(result: AnalysisResult, value: float) -> Feedback:
    per_foot = mean_step_length_per_foot(result)
    detail = ""
    evidence: dict[str, Any] = {"step_length_asymmetry_pct": round(value, 1)}
    if per_foot:
        detail = f" (left {per_foot['left']:.2f} m, right {per_foot['right']:.2f} m on average)"
        evidence["mean_step_length_m"] = per_foot
        evidence["steps"] = step_refs(result)
    return cue("uneven_steps", evidence, asymmetry_pct=value, detail=detail)


def _uneven_rhythm(result: AnalysisResult, value: float) -> Feedback:
    strides = stride_times(result)
    n = stride_count(result)
    if strides:
        fastest, slowest = min(strides, key=lambda s: s[1]), max(strides, key=lambda s: s[1])
        range_text = (
            f" (from {fastest[1]:.2f} s at {fastest[0]:.1f} s to {slowest[1]:.2f} s at "
            f"{slowest[0]:.1f} s)"
        )
    else:
        range_text = ""
    evidence = {
        "stride_time_sd_ms": round(value, 1),
        "strides": n,
        "stride_times_s": [{"t_contact_s": t, "stride_s": round(d, 3)} for t, d in strides],
    }
    return cue("uneven_rhythm", evidence, sd_ms=value, strides=n, range_text=range_text)


def _sway(result: AnalysisResult, value: float) -> Feedback:
    segs = walk_segments(result)
    where = f" between {segs[0]['start_s']:.1f} s and {segs[-1]['end_s']:.1f} s" if segs else ""
    evidence = {
        "sway_ml_body_heights": round(value, 3),
        "sway_ml_m": result.metrics.sway_ml_m,
        "segments": segs,
    }
    return cue("sway", evidence, sway_body_heights=value, where=where)


def _short_steps(result: AnalysisResult, value: float) -> Feedback | None:
    measured = [(i, s) for i, s in enumerate(result.steps) if s.length_m is not None]
    if not measured:
        return None  # the cue names the shortest step: without per-step lengths, no cue
    i, shortest = min(measured, key=lambda pair: pair[1].length_m or 0.0)
    evidence = {
        "step_length_m.mean": round(value, 3),
        "steps": step_refs(result),
        "shortest_step": {
            "index": i,
            "foot": shortest.foot,
            "t_contact_s": shortest.t_contact_s,
            "length_m": shortest.length_m,
        },
    }
    return cue(
        "short_steps",
        evidence,
        mean_m=value,
        min_m=shortest.length_m,
        min_step=f"{shortest.foot} foot at {shortest.t_contact_s:.1f} s",
    )


def _looking_back(result: AnalysisResult, value: float) -> Feedback:
    seconds = metric_value(result, "extras.metrics_more.looking_back_s") or 0.0
    evidence = {
        "looking_back_fraction": round(value, 3),
        "looking_back_s": round(seconds, 2),
        "segments": walk_segments(result),
    }
    return cue("looking_back", evidence, seconds=seconds, pct=100.0 * value)


def _arm_swing(result: AnalysisResult, value: float) -> Feedback:
    evidence = {"arm_swing_deg": round(value, 1), "segments": walk_segments(result)}
    return cue("arm_swing", evidence, swing_deg=value)


_FORM_BUILDERS: dict[str, Any] = {
    "trunk_flexion": _posture_cue("trunk_flexion", "trunk_flexion_deg", "trunk_flexion_deg.mean"),
    "trunk_extension": _posture_cue(
        "trunk_extension", "trunk_flexion_deg", "trunk_flexion_deg.mean"
    ),
    "lateral_lean": _posture_cue(
        "lateral_lean", "trunk_lateral_lean_deg", "trunk_lateral_lean_deg.mean"
    ),
    "head_pitch": _posture_cue("head_pitch", "head_pitch_deg", "head_pitch_deg.mean"),
    "uneven_steps": _uneven_steps,
    "uneven_rhythm": _uneven_rhythm,
    "sway": _sway,
    "short_steps": _short_steps,
    "looking_back": _looking_back,
    "arm_swing": _arm_swing,
}


def _stumble_cue(seen: list[dict[str, Any]], result: AnalysisResult) -> Feedback:
    """One alert for all the stumbles of the walk, quoting the first and listing them all."""
    listed = []
    for s in seen:
        t_s = float(s.get("t_s") or 0.0)
        frame = s.get("frame")
        listed.append(
            {
                "t_s": t_s,
                "frame": int(round(t_s * result.video.fps)) if frame is None else frame,
                "drop_body_heights": float(s.get("drop_body_heights") or 0.0),
            }
        )
    first = listed[0]
    more = f" and {len(listed) - 1} more" if len(listed) > 1 else ""
    return cue("stumble", {"stumbles": listed, "count": len(listed)}, more=more, **first)


def _good_form_cue(result: AnalysisResult) -> Feedback | None:
    parts: list[str] = []
    evidence: dict[str, Any] = {}
    flex = result.metrics.trunk_flexion_deg.mean
    if flex is not None:
        parts.append(f"upright trunk ({flex:.0f} degrees)")
        evidence["trunk_flexion_deg.mean"] = round(flex, 1)
    asym = result.metrics.step_length_asymmetry_pct
    if asym is not None:
        parts.append(f"even steps ({asym:.0f} % apart)")
        evidence["step_length_asymmetry_pct"] = round(asym, 1)
    if not parts:
        return None  # nothing measured, nothing to praise
    evidence["segments"] = walk_segments(result)
    summary = " and ".join(parts)
    return cue("good_form", evidence, summary=summary[0].upper() + summary[1:])


RULE_LABELS: dict[str, str] = {
    "test_3mbwt": "3 m backward walk test",
    "backward_speed": "backward walking speed",
    "forward_speed": "walking speed",
    "stride_time_sd": "stride-time variability",
    "prior_fall": "a fall in the past year",
    "stumble": "stumbles in this walk",
}


def _redo_cue(result: AnalysisResult, want: str) -> Feedback | None:
    """The cue asking for the walk to be filmed again, instead of coaching it: it went the other
    way than the protocol asks, or walking was seen but its direction is unsure (the analysis
    says why), where coaching a backward walk that may be a forward one would mislead."""
    got = result.metrics.walk_direction
    walks = walk_segments(result)
    if got in ("forward", "backward") and got != want:
        return cue(
            "wrong_direction",
            {"walk_direction": got, "segments": walks},
            walk_direction=got,
            expected=want,
        )
    if got is None and walks:
        view = str(result.extras.get("view", "camera"))
        return cue(
            "direction_unsure",
            {
                "segments": walks,
                "view": view,
                "facing_agreement": result.extras.get("facing_agreement"),
            },
            view=view,
        )
    return None


def _reason_text(reason: Any) -> str:
    """ "3 m backward walk test 6.00 s, cut-off 4.5 s" (sources travel in the evidence)."""
    label = RULE_LABELS.get(reason.rule, reason.rule.replace("_", " "))
    if reason.rule == "prior_fall":
        return label
    unit = f" {reason.unit}" if reason.unit else ""
    value = f"{reason.value:.2f}" if isinstance(reason.value, float) else str(reason.value)
    if reason.rule == "stumble":
        return f"{label}: {value}"
    cutoff = f"{reason.cutoff:g}" if isinstance(reason.cutoff, float) else str(reason.cutoff)
    return f"{label} {value}{unit}, cut-off {cutoff}{unit}"
