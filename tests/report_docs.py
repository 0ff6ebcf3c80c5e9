"""Hand-built analysis result documents (through the real result dataclasses) for report tests."""

from __future__ import annotations

import math
from typing import Any

from vision.result import (
    AnalysisResult,
    Event,
    FallRisk,
    MeanMax,
    MeanSd,
    MeanSdCv,
    Metrics,
    PoseSummary,
    Quality,
    RiskReason,
    Scale,
    Scores,
    Segment,
    Step,
    VideoSummary,
)


def visit_document(
    date: str,
    speed_mps: float | None,
    test_3mbwt_s: float | None,
    level: str = "moderate",
    patient_id: str = "P-017",
    step_length_m: float | None = 0.32,
) -> dict[str, Any]:
    """A backward walk of 10 s at 30 fps with 12 steps, trunk series and a fall-risk verdict."""
    fps = 30.0
    steps = [
        Step(
            foot="left" if i % 2 == 0 else "right",
            t_contact_s=1.0 + 0.6 * i,
            duration_s=0.6,
            length_m=None if step_length_m is None else step_length_m + 0.02 * math.sin(i),
        )
        for i in range(12)
    ]
    events = [
        Event(frame=int(s.t_contact_s * fps), t_s=s.t_contact_s, foot=s.foot, type="contact")
        for s in steps
    ]
    t_s = [i / fps for i in range(300)]
    flexion = [8.0 + 3.0 * math.sin(2 * math.pi * t / 1.2) for t in t_s]
    lateral = [1.5 * math.sin(2 * math.pi * t / 2.4) for t in t_s]
    flexion[40:45] = [float("nan")] * 5  # gap where the trunk was not seen
    reasons = []
    if test_3mbwt_s is not None:
        reasons.append(
            RiskReason(
                rule="3MBWT time >= 4.5 s",
                value=test_3mbwt_s,
                cutoff=4.5,
                source="Carter et al., J Geriatr Phys Ther 2019",
                unit="s",
                outcome="high" if test_3mbwt_s >= 4.5 else "not_flagged",
                uncertainty=0.033,
            )
        )
    if speed_mps is not None:
        reasons.append(
            RiskReason(
                rule="backward speed < 0.6 m/s",
                value=speed_mps,
                cutoff=0.6,
                source="Fritz et al., Gait Posture 2013",
                unit="m/s",
            )
        )
    warnings = ["subject partly out of frame at 4.1-4.3 s"]
    if step_length_m is None:
        warnings.append("step length not measured: no floor calibration or subject height given")
    result = AnalysisResult(
        video=VideoSummary(fps=fps, frame_count=300, duration_s=10.0, width=1280, height=720),
        pose=PoseSummary(
            backend="mediapipe",
            model="pose_landmarker_full",
            frames_with_pose=290,
            coverage=290 / 300,
        ),
        segments=[Segment(0.0, 0.8, "standing", "side"), Segment(0.8, 8.6, "backward", "side")],
        events=events,
        steps=steps,
        metrics=Metrics(
            walk_direction="backward",
            step_count=len(steps),
            cadence_spm=100.0,
            speed_mps=speed_mps,
            step_length_m=MeanSdCv(
                step_length_m,
                None if step_length_m is None else 0.014,
                None if step_length_m is None else 4.4,
            ),
            step_time_s=MeanSd(0.6, 0.03),
            stride_time_sd_ms=52.0,
            step_length_asymmetry_pct=None if step_length_m is None else 3.1,
            double_support_pct=31.0,
            trunk_flexion_deg=MeanMax(8.0, 11.0),
            trunk_lateral_lean_deg=MeanMax(0.9, 1.5),
            sway_ml_m=None,
            sway_ml_body_heights=0.02,
            test_3mbwt_s=test_3mbwt_s,
        ),
        scale=Scale(
            method="floor_calibration" if step_length_m else "none",
            metres_per_pixel=0.0021 if step_length_m else None,
            uncertainty_pct=1.7 if step_length_m else None,
        ),
        scores=Scores(overall=71.0, posture=80.0, steps=65.0, balance=None),
        fall_risk=FallRisk(level=level, population="community_older_adults", reasons=reasons),
        quality=Quality(warnings=warnings),
        extras={
            "series": {"t_s": t_s, "trunk_flexion_deg": flexion, "trunk_lateral_lean_deg": lateral},
            "visit": {
                "date": date,
                "patient_id": patient_id,
                "recording": f"{patient_id}/{date}.mp4",
                "protocol": "3mbwt",
            },
        },
    )
    return result.to_dict()


def three_visits() -> list[dict[str, Any]]:
    return [
        visit_document("2025-01-10", 0.42, 6.1, "high"),
        visit_document("2025-02-14", 0.47, 5.2, "high"),
        visit_document("2025-03-21", 0.61, 3.9, "moderate"),
    ]
