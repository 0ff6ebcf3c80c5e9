"""Coaching feedback: a short, prioritised list of cues, each backed by evidence from the walk.

All cue texts live in :data:`CUES` (keyed by code) so the report, the API and the live coach say
the same thing. Order: safety first (a stumble outranks everything), then a fall-risk flag, then
form cues by how far the measurement is from good, then encouragement. No cue is given without a
measurement behind it; the thresholds (:data:`FORM_LIMITS`) are design choices.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from vision.result import AnalysisResult, FallRisk, Feedback, Severity

from .evidence import (
    frames_beyond,
    mean_step_length_per_foot,
    step_refs,
    stride_times,
    walk_segments,
)
from .fall_risk import expected_direction, stride_count, stumbles
from .presets import SCREENING_STATEMENT, AssessOptions
from .scores import ANCHORS, component_score, metric_value


@dataclass(frozen=True)
class Cue:
    """A cue's fixed text (``str.format`` template over the evidence) and severity."""

    severity: Severity
    template: str


CUES: dict[str, Cue] = {
    "stumble": Cue("alert", (
        "Stumble at {t_s:.1f} s (frame {frame}): your hips dropped {drop_body_heights:.2f} body "
        "heights. Stop, steady yourself, and practise next to a wall or rail with someone nearby."
    )),  # fmt: skip
    "stumble_stop": Cue("alert", (
        "That looked like a stumble. Stop and steady yourself; coaching is paused until you are "
        "standing still."
    )),  # fmt: skip
    "person_lost": Cue("alert", (
        "I can no longer see you. If you fell, stay still and call for help; otherwise step back "
        "into view."
    )),  # fmt: skip
    "clear_space": Cue("info", (
        "Before you start, clear the space behind you and keep a wall, rail or a friend within "
        "reach."
    )),  # fmt: skip
    "fall_risk_flag": Cue("warning", (
        "Fall-risk screen: {level} ({rules}). This is a screening aid, not a diagnosis: discuss "
        "it with a physiotherapist, and practise with support nearby."
    )),  # fmt: skip
    "wrong_direction": Cue("warning", (
        "This clip shows a {walk_direction} walk, not a {expected} one, so it was not coached. "
        "Film the walk again."
    )),  # fmt: skip
    "trunk_flexion": Cue("advice", (
        "Trunk leaned forward {mean_deg:.0f} degrees on average (up to {max_deg:.0f}){where}; "
        "aim to stand tall, shoulders over hips."
    )),  # fmt: skip
    "trunk_extension": Cue("advice", (
        "Trunk leaned back {mean_deg:.0f} degrees on average{where}; stand tall with shoulders "
        "over hips rather than leaning back."
    )),  # fmt: skip
    "lateral_lean": Cue("advice", (
        "Trunk tilted {mean_deg:.0f} degrees to the side on average{where}; keep your shoulders "
        "level over your hips."
    )),  # fmt: skip
    "head_pitch": Cue("advice", (
        "Head was tipped {mean_deg:.0f} degrees from level on average{where}; keep your gaze ahead "
        "and glance back only briefly."
    )),  # fmt: skip
    "uneven_steps": Cue("advice", (
        "Step lengths differed by {asymmetry_pct:.0f} % between your feet{detail}; aim for even "
        "steps, reaching back the same distance with each foot."
    )),  # fmt: skip
    "uneven_rhythm": Cue("advice", (
        "Stride times varied by {sd_ms:.0f} ms over {strides} strides{range_text}; slow down "
        "and take short, even steps until the rhythm feels steady."
    )),  # fmt: skip
    "sway": Cue("advice", (
        "Your hips drifted side to side by {sway_body_heights:.2f} body heights{where}; keep a "
        "steady line, as if walking along a floor seam."
    )),  # fmt: skip
    "short_steps": Cue("info", (
        "Steps averaged {mean_m:.2f} m (shortest {min_m:.2f} m, step {min_step}); once you feel "
        "steady, reach back a little further with your toes and roll toe-to-heel."
    )),  # fmt: skip
    "good_form": Cue("info", (
        "{summary}: keep it up, and build up your walking time gradually."
    )),  # fmt: skip
}


@dataclass(frozen=True)
class FormLimit:
    """When a form cue is given: ``metric`` beyond ``limit`` (design choice), in ``unit``."""

    code: str
    metric: str
    limit: float
    unit: str
    above: bool = True  # True: cue when the value exceeds the limit; False: when below it


FORM_LIMITS: tuple[FormLimit, ...] = (
    FormLimit("trunk_flexion", "trunk_flexion_deg.mean", 15.0, "deg"),
    FormLimit("trunk_extension", "trunk_flexion_deg.mean", -10.0, "deg", above=False),
    FormLimit("lateral_lean", "trunk_lateral_lean_deg.mean", 5.0, "deg"),
    FormLimit("head_pitch", "head_pitch_deg.mean", 25.0, "deg"),
    FormLimit("uneven_steps", "step_length_asymmetry_pct", 15.0, "%"),
    FormLimit("uneven_rhythm", "stride_time_sd_ms", 80.0, "ms"),
    FormLimit("sway", "sway_ml_body_heights", 0.04, "body heights"),
    FormLimit("short_steps", "step_length_m.mean", 0.25, "m", above=False),
)


def cue(code: str, evidence: dict[str, Any] | None = None, **fields: Any) -> Feedback:
    """A :class:`Feedback` with the text of ``CUES[code]`` filled from ``fields``."""
    entry = CUES[code]
    return Feedback(code, entry.severity, entry.template.format(**fields), dict(evidence or {}))


def build_feedback(
    result: AnalysisResult, fall_risk: FallRisk, options: AssessOptions
) -> list[Feedback]:
    """At most ``options.max_cues`` cues, most important first (stumbles are never dropped)."""
    safety = [_stumble_cue(s, result) for s in stumbles(result)]
    want = expected_direction(options.protocol)
    got = result.metrics.walk_direction
    if got in ("forward", "backward") and got != want:
        return (safety + [cue(
            "wrong_direction", {"walk_direction": got, "segments": walk_segments(result)},
            walk_direction=got, expected=want,
        )])[: max(options.max_cues, len(safety))]  # fmt: skip
    flagged = [
        r for r in fall_risk.reasons
        if r.outcome in ("high", "moderate") and r.rule != "indicator_count"
    ]  # fmt: skip
    if fall_risk.level in ("high", "moderate") and flagged:
        rules = "; ".join(_reason_text(r) for r in flagged)
        safety.append(cue(
            "fall_risk_flag",
            {"level": fall_risk.level, "population": fall_risk.population,
             "statement": SCREENING_STATEMENT,
             "rules": [{"rule": r.rule, "value": r.value, "cutoff": r.cutoff, "unit": r.unit,
                        "source": r.source} for r in flagged]},
            rules=rules, level=fall_risk.level,
        ))  # fmt: skip
    form = sorted(_form_cues(result), key=lambda pair: -pair[0])
    advice = [f for _, f in form if f.severity != "info"]
    info = [f for _, f in form if f.severity == "info"]
    cues = safety + advice + info
    if not advice and not stumbles(result):
        praise = _good_form_cue(result)
        if praise is not None:
            cues.append(praise)
    return cues[: max(options.max_cues, len(stumbles(result)))]


def _form_cues(result: AnalysisResult) -> list[tuple[float, Feedback]]:
    """(priority, cue) for every form limit this walk crossed; priority = distance from good."""
    out: list[tuple[float, Feedback]] = []
    for limit in FORM_LIMITS:
        value = metric_value(result, limit.metric)
        if value is None or (value <= limit.limit if limit.above else value >= limit.limit):
            continue
        if limit.metric == "stride_time_sd_ms" and stride_count(result) < 6:
            continue
        built = _FORM_BUILDERS[limit.code](result, value)
        if built is not None:
            out.append((_deficit(limit.metric, value), built))
    return out


def _deficit(metric: str, value: float) -> float:
    anchor = next((a for a in ANCHORS if a.metric == metric), None)
    return 0.0 if anchor is None else 100.0 - component_score(anchor, value)


def _posture_cue(code: str, series_name: str, metric: str) -> Any:
    def build(result: AnalysisResult, value: float) -> Feedback:
        frames = frames_beyond(result, series_name, value)
        where = f", frames {frames['first_frame']}-{frames['last_frame']}" if frames else ""
        evidence: dict[str, Any] = {metric: round(value, 1), "segments": walk_segments(result)}
        if frames:
            evidence["frames"] = frames
        fields: dict[str, Any] = {"mean_deg": abs(value), "where": where}
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
        "stride_time_sd_ms": round(value, 1), "strides": n,
        "stride_times_s": [{"t_contact_s": t, "stride_s": round(d, 3)} for t, d in strides],
    }  # fmt: skip
    return cue("uneven_rhythm", evidence, sd_ms=value, strides=n, range_text=range_text)


def _sway(result: AnalysisResult, value: float) -> Feedback:
    segs = walk_segments(result)
    where = f" between {segs[0]['start_s']:.1f} s and {segs[-1]['end_s']:.1f} s" if segs else ""
    evidence = {"sway_ml_body_heights": round(value, 3), "sway_ml_m": result.metrics.sway_ml_m,
                "segments": segs}  # fmt: skip
    return cue("sway", evidence, sway_body_heights=value, where=where)


def _short_steps(result: AnalysisResult, value: float) -> Feedback | None:
    measured = [(i, s) for i, s in enumerate(result.steps) if s.length_m is not None]
    if not measured:
        return None  # the cue names the shortest step: without per-step lengths, no cue
    i, shortest = min(measured, key=lambda pair: pair[1].length_m or 0.0)
    evidence = {"step_length_m.mean": round(value, 3), "steps": step_refs(result),
                "shortest_step": {"index": i, "foot": shortest.foot,
                                  "t_contact_s": shortest.t_contact_s,
                                  "length_m": shortest.length_m}}  # fmt: skip
    return cue("short_steps", evidence, mean_m=value, min_m=shortest.length_m,
               min_step=f"{shortest.foot} foot at {shortest.t_contact_s:.1f} s")  # fmt: skip


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
}


def _stumble_cue(stumble: dict[str, Any], result: AnalysisResult) -> Feedback:
    t_s = float(stumble.get("t_s") or 0.0)
    frame = stumble.get("frame")
    if frame is None:
        frame = int(round(t_s * result.video.fps))
    drop = float(stumble.get("drop_body_heights") or 0.0)
    evidence = {"t_s": t_s, "frame": frame, "drop_body_heights": drop}
    return cue("stumble", evidence, t_s=t_s, frame=frame, drop_body_heights=drop)


def _good_form_cue(result: AnalysisResult) -> Feedback | None:
    parts, evidence = [], {}
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


def _reason_text(reason: Any) -> str:
    """"3 m backward walk test 6.00 s, cut-off 4.5 s" (sources travel in the evidence)."""
    label = RULE_LABELS.get(reason.rule, reason.rule.replace("_", " "))
    if reason.rule == "prior_fall":
        return label
    unit = f" {reason.unit}" if reason.unit else ""
    value = f"{reason.value:.2f}" if isinstance(reason.value, float) else str(reason.value)
    if reason.rule == "stumble":
        return f"{label}: {value}"
    cutoff = f"{reason.cutoff:g}" if isinstance(reason.cutoff, float) else str(reason.cutoff)
    return f"{label} {value}{unit}, cut-off {cutoff}{unit}"


@dataclass(frozen=True)
class LiveMetrics:
    """What the live coach measured over its recent window; ``None`` where not measured.

    Units as in the result's metrics (degrees, %, ms, body heights). ``strides``: strides in the
    window (stride-time SD is ignored below 6).
    """

    person_visible: bool = True
    stumble: bool = False
    trunk_flexion_deg: float | None = None
    trunk_lateral_lean_deg: float | None = None
    head_pitch_deg: float | None = None
    step_length_asymmetry_pct: float | None = None
    stride_time_sd_ms: float | None = None
    sway_ml_body_heights: float | None = None
    strides: int = 0


def session_start_cue() -> Feedback:
    """The safety reminder a live session opens with."""
    return cue("clear_space", {"when": "session start"})


def live_cue(metrics: LiveMetrics) -> Feedback | None:
    """The one cue to say now, or ``None`` when form is within every limit.

    Safety first: a stumble or losing sight of the person stops form coaching.
    """
    if metrics.stumble:
        return cue("stumble_stop", {"stumble": True})
    if not metrics.person_visible:
        return cue("person_lost", {"person_visible": False})
    live_names = {
        "trunk_flexion_deg.mean": metrics.trunk_flexion_deg,
        "trunk_lateral_lean_deg.mean": metrics.trunk_lateral_lean_deg,
        "head_pitch_deg.mean": metrics.head_pitch_deg,
        "step_length_asymmetry_pct": metrics.step_length_asymmetry_pct,
        "stride_time_sd_ms": metrics.stride_time_sd_ms if metrics.strides >= 6 else None,
        "sway_ml_body_heights": metrics.sway_ml_body_heights,
    }
    crossed = [
        (limit, value) for limit in FORM_LIMITS
        if (value := live_names.get(limit.metric)) is not None
        and (value > limit.limit if limit.above else value < limit.limit)
    ]  # fmt: skip
    if not crossed:
        return None
    limit, value = max(crossed, key=lambda pair: _deficit(pair[0].metric, pair[1]))
    fields = {
        "mean_deg": abs(value), "max_deg": abs(value), "where": " just now",
        "asymmetry_pct": value, "detail": "", "sd_ms": value, "strides": metrics.strides,
        "range_text": "", "sway_body_heights": value,
    }  # fmt: skip
    return cue(limit.code, {limit.metric: round(value, 3), "window": "live"}, **fields)
