"""The analysis result document (schema_version "1").

These dataclasses are the contract that the CLI (`retrogait analyze --json`), the API
(`GET /v1/analyses/{id}`) and reports share. Units are in the key names; a metric that cannot be
measured is ``None`` with a warning in ``quality.warnings`` saying why. Keys may be added; existing
keys may not change meaning.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any, Literal

SCHEMA_VERSION = "1"

Direction = Literal["backward", "forward", "standing", "turning"]
View = Literal["side", "front", "back", "oblique"]
Foot = Literal["left", "right"]
FEET: tuple[Foot, Foot] = ("left", "right")  # the order of every per-foot axis: [left, right]
EventType = Literal["contact", "lift"]
Severity = Literal["info", "advice", "warning", "alert"]
RiskLevel = Literal["low", "moderate", "high", "undetermined"]
ScaleMethod = Literal["floor_calibration", "subject_height", "world_landmarks", "none"]


def other_foot(foot: Foot) -> Foot:
    """The foot that is not ``foot``."""
    return "right" if foot == "left" else "left"


@dataclass
class VideoSummary:
    fps: float
    frame_count: int
    duration_s: float
    width: int
    height: int


@dataclass
class PoseSummary:
    backend: str
    model: str
    frames_with_pose: int
    coverage: float  # fraction 0-1 of frames with the subject's pose


@dataclass
class Segment:
    start_s: float
    end_s: float
    direction: Direction
    view: View


@dataclass
class Bout:
    """One bout of walking: a pass in one direction between standing, a turn or the walker
    leaving the picture. Lengths and speed are null without a metric scale."""

    start_s: float
    end_s: float
    direction: Direction
    step_count: int
    cadence_spm: float | None = None
    speed_mps: float | None = None
    step_length_m: float | None = None


@dataclass
class Event:
    frame: int
    t_s: float
    foot: Foot
    type: EventType


@dataclass
class Step:
    foot: Foot
    t_contact_s: float
    duration_s: float | None  # None for a first step with no earlier contact to time from
    length_m: float | None


@dataclass
class MeanSdCv:
    mean: float | None = None
    sd: float | None = None
    cv_pct: float | None = None


@dataclass
class MeanSd:
    mean: float | None = None
    sd: float | None = None


@dataclass
class MeanMax:
    mean: float | None = None
    max: float | None = None


@dataclass
class Mean:
    mean: float | None = None


@dataclass
class Metrics:
    walk_direction: Direction | None = None
    step_count: int = 0
    cadence_spm: float | None = None
    speed_mps: float | None = None
    step_length_m: MeanSdCv = field(default_factory=MeanSdCv)
    step_time_s: MeanSd = field(default_factory=MeanSd)
    stride_time_sd_ms: float | None = None
    step_length_asymmetry_pct: float | None = None
    double_support_pct: float | None = None
    trunk_flexion_deg: MeanMax = field(default_factory=MeanMax)
    trunk_lateral_lean_deg: MeanMax = field(default_factory=MeanMax)
    head_pitch_deg: Mean = field(default_factory=Mean)
    sway_ml_m: float | None = None
    sway_ml_body_heights: float | None = None
    test_3mbwt_s: float | None = None


@dataclass
class Scale:
    method: ScaleMethod = "none"
    metres_per_pixel: float | None = None
    uncertainty_pct: float | None = None


@dataclass
class Scores:
    overall: float | None = None
    posture: float | None = None
    steps: float | None = None
    balance: float | None = None


@dataclass
class Feedback:
    code: str
    severity: Severity
    message: str
    evidence: dict[str, Any] = field(default_factory=dict)


@dataclass
class RiskReason:
    rule: str
    value: float | str | None
    cutoff: float | str | None
    source: str
    # Optional detail (added by the assessment; absent in older documents).
    unit: str | None = None  # unit of value, cutoff and uncertainty ("s", "m/s", "ms", ...)
    outcome: str | None = None  # high | moderate | low | not_flagged | undetermined
    uncertainty: float | None = None  # measurement uncertainty of value, in its unit
    design_choice: bool = False  # True where the cut-off has no published source
    note: str | None = None  # plain-language sentence for reports
    # True where the measurement's error reaches a cut-off: the note says how; the outcome still
    # follows the value as measured.
    borderline: bool = False


@dataclass
class FallRisk:
    level: RiskLevel = "undetermined"
    population: str = "general_adult"
    reasons: list[RiskReason] = field(default_factory=list)


@dataclass
class Quality:
    """``warnings``: the findings' messages (schema 1); ``findings``: each as
    ``{code, severity, message, evidence}`` (see :mod:`vision.findings`)."""

    warnings: list[str] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class WalkMetrics:
    """One walking direction's spatiotemporal metrics and trunk flexion (a comparison walk)."""

    step_count: int = 0
    walking_s: float | None = None
    cadence_spm: float | None = None
    speed_mps: float | None = None
    step_length_m: MeanSdCv = field(default_factory=MeanSdCv)
    step_time_s: MeanSd = field(default_factory=MeanSd)
    stride_time_sd_ms: float | None = None
    step_length_asymmetry_pct: float | None = None
    double_support_pct: float | None = None
    trunk_flexion_deg: MeanMax = field(default_factory=MeanMax)


@dataclass
class WalkRatios:
    """Backward over forward, each ratio None where either walk lacks the metric."""

    speed_ratio: float | None = None
    step_length_ratio: float | None = None
    cadence_ratio: float | None = None


@dataclass
class ForwardNorm:
    """A published forward-walking reference shown beside the forward walk (context only)."""

    label: str
    speed_mps: float
    source: str


@dataclass
class Comparison:
    """The forward and backward walks of one recording side by side; ``reasons`` says why an
    entry (``forward``, ``backward``, ``backward_to_forward``) is None."""

    forward: WalkMetrics | None = None
    backward: WalkMetrics | None = None
    backward_to_forward: WalkRatios | None = None
    reasons: dict[str, str] = field(default_factory=dict)
    forward_norms: list[ForwardNorm] = field(default_factory=list)


@dataclass
class AnalysisResult:
    video: VideoSummary
    pose: PoseSummary
    segments: list[Segment] = field(default_factory=list)
    bouts: list[Bout] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    metrics: Metrics = field(default_factory=Metrics)
    scale: Scale = field(default_factory=Scale)
    scores: Scores = field(default_factory=Scores)
    feedback: list[Feedback] = field(default_factory=list)
    fall_risk: FallRisk = field(default_factory=FallRisk)
    quality: Quality = field(default_factory=Quality)
    # Optional extras beyond the contract's required keys (per-frame series for plots, etc.).
    extras: dict[str, Any] = field(default_factory=dict)
    comparison: Comparison = field(default_factory=Comparison)
    schema_version: str = SCHEMA_VERSION

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready document: NaN and infinities become ``None``."""
        return _clean(dataclasses.asdict(self))


def _clean(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "item") and callable(value.item):  # numpy scalar
        return _clean(value.item())
    return value


def result_from_dict(doc: dict[str, Any]) -> AnalysisResult:
    """Rebuild an :class:`AnalysisResult` from its JSON document (unknown keys are ignored)."""
    m = dict(doc.get("metrics") or {})
    for key, cls in (
        ("step_length_m", MeanSdCv),
        ("step_time_s", MeanSd),
        ("trunk_flexion_deg", MeanMax),
        ("trunk_lateral_lean_deg", MeanMax),
        ("head_pitch_deg", Mean),
    ):
        m[key] = _build(cls, m.get(key) or {})
    fr = dict(doc.get("fall_risk") or {})
    fr["reasons"] = [_build(RiskReason, r) for r in fr.get("reasons", [])]
    return AnalysisResult(
        video=_build(VideoSummary, doc["video"]),
        pose=_build(PoseSummary, doc["pose"]),
        segments=[_build(Segment, s) for s in doc.get("segments", [])],
        bouts=[_build(Bout, b) for b in doc.get("bouts", [])],
        events=[_build(Event, e) for e in doc.get("events", [])],
        steps=[_build(Step, s) for s in doc.get("steps", [])],
        metrics=_build(Metrics, m),
        scale=_build(Scale, doc.get("scale") or {}),
        scores=_build(Scores, doc.get("scores") or {}),
        feedback=[_build(Feedback, f) for f in doc.get("feedback", [])],
        fall_risk=_build(FallRisk, fr),
        quality=_build(Quality, doc.get("quality") or {}),
        extras=dict(doc.get("extras") or {}),
        comparison=_comparison(doc.get("comparison") or {}),
        schema_version=str(doc.get("schema_version", SCHEMA_VERSION)),
    )


def _walk(data: dict[str, Any] | None) -> WalkMetrics | None:
    if data is None:
        return None
    w = dict(data)
    for key, cls in (
        ("step_length_m", MeanSdCv),
        ("step_time_s", MeanSd),
        ("trunk_flexion_deg", MeanMax),
    ):
        w[key] = _build(cls, w.get(key) or {})
    return _build(WalkMetrics, w)


def _comparison(doc: dict[str, Any]) -> Comparison:
    ratios = doc.get("backward_to_forward")
    return Comparison(
        forward=_walk(doc.get("forward")),
        backward=_walk(doc.get("backward")),
        backward_to_forward=None if ratios is None else _build(WalkRatios, ratios),
        reasons=dict(doc.get("reasons") or {}),
        forward_norms=[_build(ForwardNorm, n) for n in doc.get("forward_norms") or []],
    )


def _build(cls: type, data: dict[str, Any]) -> Any:
    names = {f.name for f in dataclasses.fields(cls)}
    return cls(**{k: v for k, v in data.items() if k in names})
