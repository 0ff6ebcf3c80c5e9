"""Report plots as PNG bytes (matplotlib, Agg canvas; no pyplot global state).

The same PNGs go into the HTML report (as data URIs) and the PDF report, so both show the same
figures. Each function returns ``None`` when the result has nothing to plot; the report then says
why instead of drawing an empty axis.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from service.report_model import TrendView

FOOT_COLOURS = {"left": "#1f77b4", "right": "#d62728"}
DIRECTION_COLOURS = {"backward": "#2ca02c", "forward": "#9467bd", "turning": "#ff7f0e"}


@dataclass(frozen=True)
class PlotOptions:
    width_in: float = 6.4
    height_in: float = 2.3
    dpi: int = 110


def _png(fig: Figure) -> bytes:
    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=fig.dpi, bbox_inches="tight")
    return buf.getvalue()


def _figure(options: PlotOptions) -> Figure:
    return Figure(figsize=(options.width_in, options.height_in), dpi=options.dpi)


def step_length_png(doc: dict[str, Any], options: PlotOptions = PlotOptions()) -> bytes | None:
    """Step length (m) of each step, by foot, against contact time (s); ``None`` if unscaled."""
    steps = [s for s in doc.get("steps") or [] if s.get("length_m") is not None]
    if not steps:
        return None
    fig = _figure(options)
    ax = fig.add_subplot()
    for foot, colour in FOOT_COLOURS.items():
        own = [s for s in steps if s.get("foot") == foot]
        if own:
            ax.plot(
                [s["t_contact_s"] for s in own],
                [s["length_m"] for s in own],
                "o",
                color=colour,
                label=f"{foot} foot",
            )
    mean_m = float(np.mean([s["length_m"] for s in steps]))
    ax.axhline(mean_m, color="grey", linestyle="--", linewidth=1, label=f"mean {mean_m:.2f} m")
    ax.set_xlabel("time of foot contact (s)")
    ax.set_ylabel("step length (m)")
    ax.set_ylim(bottom=0)
    ax.set_title("Step length per step")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    return _png(fig)


def trunk_series(doc: dict[str, Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """(t_s, trunk_flexion_deg, trunk_lateral_lean_deg) from ``extras["series"]``, or ``None``.

    Arrays are (T,) float64 with NaN for frames without a measurement.
    """
    series = (doc.get("extras") or {}).get("series") or {}
    t = series.get("t_s")
    flex = series.get("trunk_flexion_deg")
    if not t or not flex or len(t) != len(flex):
        return None
    lateral = series.get("trunk_lateral_lean_deg")
    if not lateral or len(lateral) != len(t):
        lateral = [None] * len(t)

    def as_array(values: Sequence[Any]) -> np.ndarray:
        return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)

    return as_array(t), as_array(flex), as_array(lateral)


def trunk_angle_png(doc: dict[str, Any], options: PlotOptions = PlotOptions()) -> bytes | None:
    """Trunk flexion and lateral lean (deg) over the walk, walking segments shaded."""
    series = trunk_series(doc)
    # From the front or back only the lean to the side is measured; from an oblique camera
    # only the flexion.
    if series is None or not (np.isfinite(series[1]).any() or np.isfinite(series[2]).any()):
        return None
    t_s, flexion_deg, lateral_deg = series
    fig = _figure(options)
    ax = fig.add_subplot()
    shaded: set[str] = set()
    for seg in doc.get("segments") or []:
        colour = DIRECTION_COLOURS.get(seg.get("direction", ""))
        if colour is None:
            continue
        label = None if seg["direction"] in shaded else f"walking {seg['direction']}"
        shaded.add(seg["direction"])
        ax.axvspan(seg["start_s"], seg["end_s"], color=colour, alpha=0.12, label=label)
    if np.isfinite(flexion_deg).any():
        ax.plot(t_s, flexion_deg, color="black", linewidth=1.4, label="flexion (+ forward)")
    if np.isfinite(lateral_deg).any():
        ax.plot(t_s, lateral_deg, color="#8c564b", linewidth=1.0, label="lateral lean")
    ax.axhline(0, color="grey", linewidth=0.8)
    ax.set_xlabel("time (s)")
    ax.set_ylabel("trunk angle (deg)")
    ax.set_title("Trunk angle over the walk")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper right", ncol=2)
    return _png(fig)


def trend_png(trend: TrendView, options: PlotOptions = PlotOptions()) -> bytes | None:
    """A metric across visits; the first visit's value +- the smallest real change is shaded."""
    points = [(i, v) for i, v in enumerate(trend.values) if v is not None]
    if not points:
        return None
    spec = trend.spec
    fig = _figure(options)
    ax = fig.add_subplot()
    xs = [i for i, _ in points]
    ys = [v for _, v in points]
    change = trend.change
    band = change.threshold is not None and change.earlier is not None
    if band:
        # The band sits on the first visit's value as the assessment compared it (a lean is
        # compared by its size), so points outside it are the real changes.
        base, size = change.earlier, change.threshold
        ax.axhspan(
            base - size,
            base + size,
            color="#1f77b4",
            alpha=0.15,
            label=f"first visit ± {size:.3g} {change.unit} ({change.threshold_kind})",
        )
    ax.plot(xs, ys, "o-", color="black")
    ax.set_xticks(range(len(trend.labels)), trend.labels, rotation=20, fontsize=8)
    ax.set_xlim(-0.5, len(trend.labels) - 0.5)
    ax.set_ylabel(f"{spec.label.lower()} ({spec.unit})")
    ax.set_title(f"{spec.label} across visits")
    ax.grid(alpha=0.3)
    if band:
        ax.legend(fontsize=8, loc="best")
    return _png(fig)
