"""The result's ``extras``: detail beyond the contract's keys (event checks, metric grades,
each step, more metrics, per-frame series for plots)."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

import numpy as np

from vision.gait.posture import PostureSeries
from vision.gait.quality import Evidence, quality_document
from vision.gait.steps import StepSummary
from vision.result import Event
from vision.stages.body import subject_height_m
from vision.stages.options import AnalysisOptions
from vision.stats import rounded

if TYPE_CHECKING:
    from vision.stages.assemble import Stages

# The per-frame series are thinned to at most this many points.
MAX_SERIES_POINTS = 600


def extras_document(
    s: Stages, evidence: Evidence, stumbles: list[dict], opts: AnalysisOptions
) -> dict[str, Any]:
    """``extras`` of the result from the stages' results."""
    direction, move, rhythm = s.direction, s.prep.move, s.cadence.rhythm
    steps = s.cadence.steps
    knee = knee_at_contact(s.posture.series.knee_flexion_deg, s.prep.t_s, s.feet.events)
    out: dict[str, Any] = {
        "event_detector": s.feet.detector,
        "event_checks": asdict(s.feet.checks),
        "metric_quality": quality_document(evidence),
        "view": direction.view,
        "body_height_px": round(direction.body_height_px, 2),
        "facing_agreement": rounded(direction.facing_agreement),
        "leg_label_swaps_repaired_frames": int(s.prep.swapped.sum()),
        "camera_motion": None
        if move is None
        else {
            "zoom": round(move.zoom, 4),
            "shift_frame_widths": round(move.shift, 4),
            "moved": move.moved,
        },
        "stumbles": stumbles,
        "sway_rhythm": None
        if rhythm is None
        else {
            "stride_s": round(rhythm.stride_s, 4),
            "cadence_spm": round(rhythm.cadence_spm, 2),
            "explained": round(rhythm.explained, 3),
            "cadence_se_spm": rounded(rhythm.cadence_se_spm),
            "cadence_se_df": rounded(rhythm.cadence_se_df, 2),
        },
        "steps_outside_main_direction": [
            {"foot": e.foot, "t_contact_s": round(e.t_s, 4), "frame": e.frame}
            for e in s.main.others
        ],
        "step_details": step_details(steps, knee),
        "metrics_more": _metrics_more(s, knee, subject_height_m(opts, s.scale.model)),
        "series": series(s.prep.t_s, s.posture.series),
    }
    if s.test is not None:
        out["test_3mbwt"] = {
            "start_s": s.test.start_s,
            "stop_s": s.test.stop_s,
            "time_s": s.test.time_s,
            "time_if_short_s": s.test.time_if_short_s,
            "time_if_past_s": s.test.time_if_past_s,
        }
    return out


def step_details(steps: StepSummary, knee: dict[float, float]) -> list[dict[str, Any]]:
    """Each step of the main walk: foot, contact, duration, length, bout, knee at contact."""
    return [
        {
            "foot": x.foot,
            "t_contact_s": round(x.t_contact_s, 4),
            "frame": x.frame,
            "duration_s": round(x.duration_s, 4) if np.isfinite(x.duration_s) else None,
            "length_m": rounded(x.length) if steps.metric else None,
            "length_body_heights": rounded(x.length_bh),
            "steady": x.steady,
            "bout": x.bout,
            "knee_flexion_at_contact_deg": knee.get(round(x.t_contact_s, 4)),
        }
        for x in steps.steps
    ]


def _metrics_more(s: Stages, knee: dict[float, float], height_m: float | None) -> dict[str, Any]:
    steps, posture, sway = s.cadence.steps, s.posture.summary, s.sway
    if not steps.metric:
        speed_bh = rounded(steps.speed)
    else:
        speed_bh = rounded(steps.speed / height_m) if steps.speed and height_m else None
    return {
        "step_length_body_heights_mean": rounded(mean_step_length_bh(steps)),
        "speed_body_heights_per_s": speed_bh,
        "stride_time_cv_pct": rounded(steps.stride_time_cv_pct),
        "stride_time_sd_without_outlier_ms": rounded(steps.stride_time_sd_without_outlier_ms),
        "stride_outlier_t_s": rounded(steps.stride_outlier_t_s),
        "n_strides": steps.n_strides,
        "knee_flexion_at_contact_deg_mean": rounded(_mean(list(knee.values()))),
        "arm_swing_deg": rounded(posture.arm_swing_deg),
        "looking_back_s": rounded(posture.looking_back_s),
        "looking_back_fraction": rounded(posture.looking_back_fraction),
        "trunk_sway_deg": rounded(sway.trunk_sway_deg),
        "sway_ml_parts_body_heights": {
            k: rounded(v) for k, v in sway.ml_parts_body_heights.items()
        },
        "estimated_height_m": rounded(s.scale.model.estimated_height_m),
        "step_count_by_rhythm": s.cadence.settled.steps_by_rhythm,
        "cadence_source": s.cadence.settled.source,
    }


def knee_at_contact(knee: np.ndarray, t_s: np.ndarray, events: list[Event]) -> dict[float, float]:
    """{contact time (s, 4 decimals): knee flexion (deg)} of the landing leg, where seen;
    ``knee`` (T, 2) deg, left and right."""
    out = {}
    for e in events:
        if e.type != "contact":
            continue
        i = int(np.argmin(np.abs(t_s - e.t_s)))
        v = knee[i, 0 if e.foot == "left" else 1]
        if np.isfinite(v):
            out[round(e.t_s, 4)] = round(float(v), 2)
    return out


def series(t_s: np.ndarray, posture: PostureSeries) -> dict[str, list]:
    """Per-frame posture for plots, thinned to :data:`MAX_SERIES_POINTS`."""
    step = max(int(np.ceil(len(t_s) / MAX_SERIES_POINTS)), 1)
    sel = slice(None, None, step)
    return {
        "t_s": [round(float(v), 3) for v in t_s[sel]],
        "trunk_flexion_deg": [rounded(v, 2) for v in posture.trunk_flexion_deg[sel]],
        "trunk_lateral_lean_deg": [rounded(v, 2) for v in posture.trunk_lateral_lean_deg[sel]],
        "head_pitch_deg": [rounded(v, 2) for v in posture.head_pitch_deg[sel]],
        "knee_flexion_left_deg": [rounded(v, 2) for v in posture.knee_flexion_deg[sel, 0]],
        "knee_flexion_right_deg": [rounded(v, 2) for v in posture.knee_flexion_deg[sel, 1]],
    }


def mean_step_length_bh(steps: StepSummary) -> float | None:
    """Mean length of the steady steps, in body heights; None without one."""
    return _mean([x.length_bh for x in steps.steps if x.steady and x.length_bh is not None])


def _mean(values: list) -> float | None:
    return float(np.mean(values)) if values else None
