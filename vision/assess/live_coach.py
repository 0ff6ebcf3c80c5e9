"""Cues for live coaching: one cue at a time from a few seconds of live measurements.

Safety first: a stumble or losing sight of the person stops form coaching. The texts and limits
are those of :mod:`vision.assess.cues`, so live and recorded coaching say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass

from vision.result import Feedback

from .cues import ARM_SWING, FORM_LIMITS, LOOKING_BACK, cue, deficit


@dataclass(frozen=True)
class FormMetrics:
    """What the live coach measured over its recent window; ``None`` where not measured.

    Units as in the result's metrics (degrees, %, ms, body heights). ``strides``: strides in the
    window (stride-time SD is ignored below 6). ``trunk_flexion_max_deg``: the largest lean in
    the window (quoted in the cue; the mean when not given). ``arm_swing_deg`` and
    ``looking_back_fraction`` as the analysis' ``extras.metrics_more``; ``window_s``: the
    length of the window those measures cover, seconds.
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
    trunk_flexion_max_deg: float | None = None
    arm_swing_deg: float | None = None
    looking_back_fraction: float | None = None
    window_s: float | None = None


def session_start_cue() -> Feedback:
    """The safety reminder a live session opens with."""
    return cue("clear_space", {"when": "session start"})


def live_cue(metrics: FormMetrics) -> Feedback | None:
    """The one cue to say now, or ``None`` when form is within every limit.

    Safety first: a stumble or losing sight of the person stops form coaching.
    """
    if metrics.stumble:
        return cue("stumble_stop", {"stumble": True})
    if not metrics.person_visible:
        return cue("person_lost", {"person_visible": False})
    form = live_form_cues(metrics)
    return form[0] if form else None


def live_form_cues(metrics: FormMetrics) -> list[Feedback]:
    """Every form cue whose limit the live measurements cross, furthest from good first.

    Each cue's evidence holds the value, the limit with its unit, and says the limit is a design
    choice.
    """
    live_names = {
        "trunk_flexion_deg.mean": metrics.trunk_flexion_deg,
        "trunk_lateral_lean_deg.mean": metrics.trunk_lateral_lean_deg,
        "head_pitch_deg.mean": metrics.head_pitch_deg,
        "step_length_asymmetry_pct": metrics.step_length_asymmetry_pct,
        "stride_time_sd_ms": metrics.stride_time_sd_ms if metrics.strides >= 6 else None,
        "sway_ml_body_heights": metrics.sway_ml_body_heights,
        ARM_SWING: metrics.arm_swing_deg,
        LOOKING_BACK: metrics.looking_back_fraction,
    }
    crossed = [
        (limit, value)
        for limit in FORM_LIMITS
        if (value := live_names.get(limit.metric)) is not None and limit.crossed(value)
    ]
    crossed.sort(key=lambda pair: -deficit(*pair))
    out = []
    for limit, value in crossed:
        peak = metrics.trunk_flexion_max_deg
        fields = {
            "mean_deg": abs(value),
            "max_deg": abs(value) if peak is None else abs(peak),
            "where": " just now",
            "side": "right" if value > 0 else "left",
            "updown": "down" if value > 0 else "up",
            "asymmetry_pct": value,
            "detail": "",
            "sd_ms": value,
            "strides": metrics.strides,
            "range_text": "",
            "sway_body_heights": value,
            "swing_deg": value,
            "seconds": value * (metrics.window_s or 0.0),
            "pct": 100.0 * value,
        }
        evidence = {
            limit.metric: round(value, 3),
            "limit": limit.limit,
            "unit": limit.unit,
            "design_choice": True,
            "window": "live",
        }
        out.append(cue(limit.code, evidence, **fields))
    return out
