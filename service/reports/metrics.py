"""The metrics a report lists: where each sits in a result document, its label, unit and
decimals, and how it was measured (the method column of every visit's table).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from vision.assess.change import KEY_METRICS as CHANGE_METRICS

NOT_MEASURED = "not measured"

SCALE_METHOD_SHORT = {
    "floor_calibration": "floor calibration",
    "subject_height": "subject height (assumed ±5-10 %)",
    "world_landmarks": "model world landmarks (estimated)",
    "none": "none",
}

SCALE_METHOD_TEXT = {
    "floor_calibration": "floor calibration (known distance on the floor)",
    "subject_height": "subject height (about ±5-10 %, design assumption)",
    "world_landmarks": "model world landmarks (estimated, not a measurement)",
    "none": "no metric scale",
}


@dataclass(frozen=True)
class MetricSpec:
    """One reported metric: where it sits in ``metrics``, its label, unit and method."""

    path: tuple[str, ...]
    label: str
    unit: str
    decimals: int
    kind: str  # distance | timing | speed | angle | variability | count | sway | test
    keywords: tuple[str, ...]  # words that identify a quality warning about this metric


KEY_METRICS: tuple[MetricSpec, ...] = (
    MetricSpec(("walk_direction",), "Walking direction", "", 0, "direction", ("direction",)),
    MetricSpec(("step_count",), "Steps detected", "steps", 0, "count", ("step", "contact")),
    MetricSpec(("speed_mps",), "Walking speed", "m/s", 2, "speed", ("speed", "scale")),
    MetricSpec(("cadence_spm",), "Cadence", "steps/min", 1, "timing", ("cadence", "step")),
    MetricSpec(
        ("step_length_m", "mean"),
        "Step length, mean",
        "m",
        3,
        "distance",
        ("step length", "step_length", "scale"),
    ),
    MetricSpec(
        ("step_length_m", "cv_pct"),
        "Step length variability (CV)",
        "%",
        1,
        "distance",
        ("step length", "step_length", "scale"),
    ),
    MetricSpec(
        ("step_length_asymmetry_pct",),
        "Step length asymmetry",
        "%",
        1,
        "distance",
        ("asymmetry", "step length", "scale"),
    ),
    MetricSpec(("step_time_s", "mean"), "Step time, mean", "s", 3, "timing", ("step time",)),
    MetricSpec(
        ("stride_time_sd_ms",),
        "Stride time variability (SD)",
        "ms",
        0,
        "variability",
        ("stride", "variability"),
    ),
    MetricSpec(
        ("double_support_pct",),
        "Double support",
        "% of gait cycle",
        1,
        "timing",
        ("double support", "double_support"),
    ),
    MetricSpec(
        ("trunk_flexion_deg", "mean"),
        "Trunk flexion, mean",
        "deg",
        1,
        "angle",
        ("trunk", "flexion"),
    ),
    MetricSpec(
        ("trunk_flexion_deg", "max"), "Trunk flexion, max", "deg", 1, "angle", ("trunk", "flexion")
    ),
    MetricSpec(
        ("trunk_lateral_lean_deg", "max"),
        "Trunk lateral lean, max",
        "deg",
        1,
        "angle",
        ("lateral", "lean", "trunk"),
    ),
    MetricSpec(("head_pitch_deg", "mean"), "Head pitch, mean", "deg", 1, "angle", ("head",)),
    MetricSpec(("sway_ml_m",), "Mediolateral sway", "m", 3, "sway", ("sway", "scale")),
    MetricSpec(
        ("sway_ml_body_heights",),
        "Mediolateral sway (body heights)",
        "body heights",
        3,
        "sway_relative",
        ("sway",),
    ),
    MetricSpec(
        ("test_3mbwt_s",),
        "3 m backward walk test time",
        "s",
        2,
        "test",
        ("3mbwt", "3 m", "backward walk test", "calibration"),
    ),
)


# Metrics followed across visits: the assessment's own list, so reports judge change its way.
TREND_METRICS: tuple[tuple[str, ...], ...] = tuple(tuple(k.name.split(".")) for k in CHANGE_METRICS)


def metric_value(doc: dict[str, Any], path: Sequence[str]) -> Any:
    """The value at ``metrics[path...]``, ``None`` where any level is missing or null."""
    node: Any = doc.get("metrics") or {}
    for key in path:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


def format_value(value: Any, spec: MetricSpec) -> str:
    if value is None:
        return NOT_MEASURED
    if isinstance(value, str):
        return value
    text = f"{value:.{spec.decimals}f}" if isinstance(value, float) else str(value)
    return f"{text} {spec.unit}".strip()


def scale_text(doc: dict[str, Any], short: bool = False) -> str:
    """How the result was scaled to metres, with its uncertainty; ``short`` for table notes."""
    scale = doc.get("scale") or {}
    method = scale.get("method") or "none"
    text = (SCALE_METHOD_SHORT if short else SCALE_METHOD_TEXT).get(method, str(method))
    unc = scale.get("uncertainty_pct")
    if not isinstance(unc, int | float):
        return text
    return f"{text} ±{unc:.1f} %" if short else f"{text}, uncertainty ±{unc:.1f} %"


def _timing_text(doc: dict[str, Any]) -> str:
    fps = (doc.get("video") or {}).get("fps")
    if not fps:
        return "foot contact and lift events from video"
    return f"foot contact/lift events at {fps:.0f} fps (1 frame = {1.0 / fps:.3f} s)"


METHOD_BY_KIND: dict[str, Callable[[dict[str, Any]], str]] = {
    "direction": lambda d: "travel direction (pelvis) versus facing direction (face, feet)",
    "count": lambda d: "foot contacts found where the foot comes to rest on the floor",
    "timing": _timing_text,
    "distance": lambda d: "scale: " + scale_text(d, short=True),
    "speed": lambda d: (
        "pelvis displacement over steady walking; scale: " + scale_text(d, short=True)
    ),
    "variability": lambda d: (
        "SD of same-foot stride times; needs at least 6 strides (Hausdorff 2001)"
    ),
    "angle": lambda d: (
        "mid-hip to mid-shoulder segment from vertical; no published backward "
        "norms, thresholds are design choices"
    ),
    "sway": lambda d: (
        "indicator only, single-camera sway is not validated (Mehdizadeh 2021); "
        "scale: " + scale_text(d, short=True)
    ),
    "sway_relative": lambda d: (
        "indicator only, single-camera sway is not validated (Mehdizadeh 2021); relative to "
        "the body height in the image, needs no metric scale"
    ),
    "test": lambda d: (
        "3 m backward walk test, start to rear foot over the 3 m line; scale: "
        + scale_text(d, short=True)
    ),
}


def spec_at(path: tuple[str, ...]) -> MetricSpec:
    """The key metric reported at ``path``."""
    return next(s for s in KEY_METRICS if s.path == path)
