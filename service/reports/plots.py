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

from service.reports.model import TrendView

FOOT_COLOURS = {"left": "#1f77b4", "right": "#d62728"}
DIRECTION_COLOURS = {"backward": "#2ca02c", "forward": "#9467bd", "turning": "#ff7f0e"}


@dataclass(frozen=True)
class PlotOptions:
    """One style for every report plot: readable on a phone screen and on A4 (fonts in points at
    the figure's own size; figures are shown at about their width)."""

    width_in: float = 6.4
    height_in: float = 2.8
    dpi: int = 110
    title_pt: float = 12.0
    label_pt: float = 10.5
    tick_pt: float = 9.5
    legend_pt: float = 9.5


def _png(fig: Figure) -> bytes:
    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=fig.dpi, bbox_inches="tight")
    return buf.getvalue()


def _figure(options: PlotOptions) -> Figure:
    return Figure(figsize=(options.width_in, options.height_in), dpi=options.dpi)


def _style(ax: Any, title: str, xlabel: str, ylabel: str, options: PlotOptions) -> None:
    """Title, axis labels with units, grid, and the legend below the axes (never over data)."""
    ax.set_title(title, fontsize=options.title_pt)
    ax.set_xlabel(xlabel, fontsize=options.label_pt)
    ax.set_ylabel(ylabel, fontsize=options.label_pt)
    ax.tick_params(labelsize=options.tick_pt)
    ax.grid(alpha=0.3)
    handles, _ = ax.get_legend_handles_labels()
    if handles:
        ax.legend(
            fontsize=options.legend_pt,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.28),
            ncol=min(len(handles), 3),
            frameon=False,
        )


def steady_flags(doc: dict[str, Any]) -> list[bool]:
    """Per step of ``doc["steps"]``: whether the summary metrics use it (a walk's first and last
    steps are left out once it has four or more); all True where the result does not say."""
    steps = doc.get("steps") or []
    details = (doc.get("extras") or {}).get("step_details") or []
    if len(details) != len(steps):
        return [True] * len(steps)
    return [bool(d.get("steady", True)) for d in details]


def step_length_png(doc: dict[str, Any], options: PlotOptions = PlotOptions()) -> bytes | None:
    """Step length (m) of each step, by foot, against contact time (s); ``None`` if unscaled.

    The mean line is the result's own mean step length (the table's number, over the steady
    steps); steps it leaves out are drawn hollow and named in the legend."""
    flagged = [
        (s, steady)
        for s, steady in zip(doc.get("steps") or [], steady_flags(doc), strict=False)
        if s.get("length_m") is not None
    ]
    if not flagged:
        return None
    fig = _figure(options)
    ax = fig.add_subplot()
    for foot, colour in FOOT_COLOURS.items():
        for steady in (True, False):
            own = [s for s, st in flagged if s.get("foot") == foot and st == steady]
            if own:
                ax.plot(
                    [s["t_contact_s"] for s in own],
                    [s["length_m"] for s in own],
                    "o",
                    markersize=7,
                    color=colour,
                    markerfacecolor=colour if steady else "white",
                    label=f"{foot} foot" + ("" if steady else ", not in the mean"),
                )
    mean_m = ((doc.get("metrics") or {}).get("step_length_m") or {}).get("mean")
    if isinstance(mean_m, int | float):
        ax.axhline(mean_m, color="grey", linestyle="--", linewidth=1, label=f"mean {mean_m:.3f} m")
    top = max(s["length_m"] for s, _ in flagged)
    ax.set_ylim(0, top * 1.15)
    _style(ax, "Step length per step", "time of foot contact (s)", "step length (m)", options)
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
    _style(ax, "Trunk angle over the walk", "time (s)", "trunk angle (deg)", options)
    return _png(fig)


def trend_png(trend: TrendView, options: PlotOptions = PlotOptions()) -> bytes | None:
    """A metric per visit date (same-date recordings averaged, their range drawn); the first
    visit's value +- the smallest real change is shaded."""
    points = [(i, v) for i, v in enumerate(trend.values) if v is not None]
    if not points:
        return None
    spec = trend.spec
    fig = _figure(options)
    ax = fig.add_subplot()
    xs = [i for i, _ in points]
    ys = [v for _, v in points]
    change = trend.change
    base, size = change.earlier, change.threshold
    if base is not None and size is not None:
        # The band sits on the first visit's value as the assessment compared it (a lean is
        # compared by its size), so points outside it are the real changes.
        ax.axhspan(
            base - size,
            base + size,
            color="#1f77b4",
            alpha=0.15,
            label=f"first visit ± {size:.3g} {change.unit} ({change.threshold_kind})",
        )
    ax.plot(xs, ys, "o-", color="black", markersize=7, label="mean of the date's recordings")
    spans = [(i, r) for i, r in enumerate(trend.ranges) if r is not None]
    if spans:
        ax.vlines(
            [i for i, _ in spans],
            [lo for _, (lo, _) in spans],
            [hi for _, (_, hi) in spans],
            color="black",
            linewidth=5,
            alpha=0.3,
            label="range of the date's recordings",
        )
    ax.set_xticks(range(len(trend.labels)), trend.labels, rotation=20)
    ax.set_xlim(-0.5, len(trend.labels) - 0.5)
    ylabel = f"{spec.label.lower()} ({spec.unit})"
    _style(ax, f"{spec.label} across visits", "visit", ylabel, options)
    return _png(fig)
