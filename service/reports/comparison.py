"""The forward and backward walks of one recording side by side, as reports and the CLI show them.

Built from a result document's ``comparison`` block; formatting (labels, units, decimals) comes from
the report's own metric list, so a walk's numbers read the same in every table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from service.reports.metrics import KEY_METRICS, NOT_MEASURED, MetricSpec, format_value

# The metrics a comparison walk shows, in the report's order (paths into ``metrics``).
COMPARED: tuple[tuple[str, ...], ...] = (
    ("step_count",),
    ("speed_mps",),
    ("cadence_spm",),
    ("step_length_m", "mean"),
    ("step_length_m", "cv_pct"),
    ("step_length_asymmetry_pct",),
    ("step_time_s", "mean"),
    ("stride_time_sd_ms",),
    ("double_support_pct",),
    ("trunk_flexion_deg", "mean"),
)

# Which ratio goes with which metric row.
RATIOS: dict[tuple[str, ...], str] = {
    ("speed_mps",): "speed_ratio",
    ("cadence_spm",): "cadence_ratio",
    ("step_length_m", "mean"): "step_length_ratio",
}

NORMS_TITLE = "Forward-walking norms (context for the forward walk only, not backward norms)"
RATIO_NOTE = (
    "Ratio: backward over forward, from one recording and one scale (the scale's error cancels). "
    "Below 1: the backward walk is slower or shorter-stepped than the same person's forward walk."
)


@dataclass(frozen=True)
class ComparisonRow:
    label: str
    forward: str
    backward: str
    ratio: str  # "" where the metric has no ratio


@dataclass(frozen=True)
class NormRow:
    label: str
    speed: str
    source: str


@dataclass(frozen=True)
class ComparisonView:
    rows: list[ComparisonRow]
    reasons: list[str]  # why a walk or the ratios are missing
    norms: list[NormRow]
    norms_title: str = NORMS_TITLE
    ratio_note: str = RATIO_NOTE


def _spec(path: tuple[str, ...]) -> MetricSpec:
    return next(s for s in KEY_METRICS if s.path == path)


def _value(walk: dict[str, Any] | None, path: tuple[str, ...]) -> Any:
    node: Any = walk
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    return node


def comparison_view(doc: dict[str, Any]) -> ComparisonView | None:
    """The side-by-side view of a result document; None when it measured neither walk."""
    comp = doc.get("comparison") or {}
    forward, backward = comp.get("forward"), comp.get("backward")
    if forward is None and backward is None:
        return None
    ratios = comp.get("backward_to_forward") or {}
    rows = []
    for path in COMPARED:
        spec = _spec(path)
        ratio = ratios.get(RATIOS[path]) if path in RATIOS else None
        rows.append(
            ComparisonRow(
                label=spec.label,
                forward=format_value(_value(forward, path), spec) if forward else NOT_MEASURED,
                backward=format_value(_value(backward, path), spec) if backward else NOT_MEASURED,
                ratio=f"{ratio:.2f}" if isinstance(ratio, int | float) else "",
            )
        )
    reasons = [
        f"{key.replace('_', ' ')}: {text}" for key, text in (comp.get("reasons") or {}).items()
    ]
    norms = [
        NormRow(str(n["label"]), f"{float(n['speed_mps']):.2f} m/s", str(n["source"]))
        for n in comp.get("forward_norms") or []
    ]
    return ComparisonView(rows=rows, reasons=reasons, norms=norms)


def comparison_lines(doc: dict[str, Any]) -> list[str]:
    """Plain-text lines for a terminal: the two walks, the ratios, the norms, why any is missing."""
    view = comparison_view(doc)
    if view is None:
        return []
    lines = []
    comp = doc.get("comparison") or {}
    # With one walk measured, the table would repeat the metrics printed above it.
    if comp.get("forward") is not None and comp.get("backward") is not None:
        width = max(len(r.label) for r in view.rows)
        cell = max(len(text) for r in view.rows for text in (r.forward, r.backward))
        lines.append(
            f"{'walks compared':<{width}}  {'forward':>{cell}}  {'backward':>{cell}}  ratio b/f"
        )
        for r in view.rows:
            line = f"{r.label:<{width}}  {r.forward:>{cell}}  {r.backward:>{cell}}  {r.ratio}"
            lines.append(line.rstrip())
    lines.extend(f"comparison: {reason}" for reason in view.reasons)
    if view.norms:
        lines.append(view.norms_title + ":")
        lines.extend(f"  {n.speed} {n.label} ({n.source})" for n in view.norms)
    return lines
